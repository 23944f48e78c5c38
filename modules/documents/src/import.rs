//! The Excel 发文台账: a template offices download, fill as they already do, and import.
//! Each row is validated as a form would be; rows with errors are reported by row number and
//! field and the rest are imported. The rules run once for the whole import.
use crate::model::{self as documents, Carrier, DocumentInput};
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use jianfu_core::labels::field_label;
use jianfu_core::{Actor, AppError, AppResult, Level, Page};
use jianfu_domain::org::{self, ListUnits};
use jianfu_domain::policy::{self, Action};
use jianfu_domain::targets::Target;
use jianfu_domain::warnings;
use jianfu_store::Db;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// The columns of the template, in order: header and the input field each fills.
pub const COLUMNS: [(&str, &str); 12] = [
    ("发文机关", "issuer_id"),
    ("发文字号", "doc_number"),
    ("标题", "title"),
    ("文种", "kind"),
    ("载体", "carrier"),
    ("成文日期", "issued_on"),
    ("发送范围", "targets"),
    ("正文字数", "char_count"),
    ("专项工作文件", "single_task"),
    ("转发上级文件字号", "upper_doc_number"),
    ("发往学校医院", "to_schools_hospitals"),
    ("主要负责同志签批", "head_signed"),
];

pub const MAX_ROWS: usize = 5000;

/// The template with its header row, one example row and notes on the values each column takes.
pub fn template() -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    let example = [
        "县农业农村局",
        "示农发〔2026〕12号",
        "关于做好冬春农田水利建设的通知",
        "通知",
        "正式文件",
        "2026-11-02",
        "各乡镇（街道）",
        "1860",
        "否",
        "",
        "否",
        "否",
    ];
    let x = |e: rust_xlsxwriter::XlsxError| AppError::internal(e);
    for (c, ((header, _), value)) in COLUMNS.iter().zip(example).enumerate() {
        let col = c as u16;
        ws.write_string_with_format(0, col, *header, &bold)
            .map_err(x)?;
        ws.write_string(1, col, value).map_err(x)?;
        ws.set_column_width(col, if c == 2 { 40 } else { 16 })
            .map_err(x)?;
    }
    let notes = wb.add_worksheet();
    notes.set_name("填写说明").map_err(x)?;
    let lines = [
        "发文机关：本单位或本辖区内单位的全称。",
        "文种：通知、通报、意见、决定、报告、请示、批复、函、纪要、决议、命令（令）、公报、公告、通告、议案。",
        "载体：正式文件、白头文件、便函、便笺、OA通知。",
        "成文日期：如 2026-11-02 或 2026年11月2日。",
        "发送范围：各乡镇（街道）、各村（社区）、各部门，或以“、”分隔的单位全称。",
        "正文字数：不含附件，按Word“字数”统计。",
        "是否类各列：填“是”或“否”，空白视为“否”。",
        "请勿合并单元格，请勿改动第一行表头。",
    ];
    for (r, l) in lines.iter().enumerate() {
        notes.write_string(r as u32, 0, *l).map_err(x)?;
    }
    notes.set_column_width(0, 100).map_err(x)?;
    wb.save_to_buffer().map_err(x)
}

/// What an import did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: usize,
    /// One entry per refused row: its number in the sheet and why.
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub row: usize,
    pub field: Option<String>,
    pub message: String,
}

fn file_error(message: impl Into<String>) -> AppError {
    AppError::Validation {
        code: "bad_spreadsheet",
        message: message.into(),
        field: Some("file".into()),
    }
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(dt) => excel_date(dt.as_f64())
            .map(|d| d.to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) => String::new(),
    }
}

/// An Excel serial day number as a date (1900 system).
fn excel_date(serial: f64) -> Option<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    (serial.is_finite() && (1.0..200_000.0).contains(&serial))
        .then(|| base + chrono::Duration::days(serial as i64))
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y/%m/%d"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y.%m.%d"))
        .or_else(|_| NaiveDate::parse_from_str(s, "%Y年%m月%d日"))
        .ok()
        .or_else(|| s.parse::<f64>().ok().and_then(excel_date))
}

fn yes(field: &str, s: &str) -> Result<bool, AppError> {
    match s.trim() {
        "" | "否" | "N" | "n" | "no" => Ok(false),
        "是" | "Y" | "y" | "yes" => Ok(true),
        _ => Err(AppError::invalid(field, "应填“是”或“否”")),
    }
}

fn carrier(s: &str) -> Result<Carrier, AppError> {
    Carrier::all()
        .find(|c| c.label() == s.trim() || c.as_str() == s.trim())
        .ok_or_else(|| AppError::invalid("carrier", "应为正式文件、白头文件、便函、便笺或OA通知"))
}

/// Names of the units in the actor's scope, for the issuer and target columns.
struct Names {
    root: i64,
    by_name: HashMap<String, i64>,
}

impl Names {
    fn unit(&self, field: &str, name: &str) -> Result<i64, AppError> {
        self.by_name.get(name.trim()).copied().ok_or_else(|| {
            AppError::invalid(
                field,
                &format!("中的单位“{}”不在管辖范围内或名称有误", name.trim()),
            )
        })
    }

    fn targets(&self, s: &str) -> Result<Vec<Target>, AppError> {
        let mut out = Vec::new();
        for part in s
            .split(['、', ',', '，', ';', '；'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let level = if part.starts_with("各乡镇") || part.starts_with("各街道") {
                Some(Level::Township)
            } else if part.starts_with("各村") || part.starts_with("各社区") {
                Some(Level::Village)
            } else if part.ends_with("各部门")
                || part.ends_with("各有关单位")
                || part.ends_with("直各单位")
            {
                Some(Level::Department)
            } else {
                None
            };
            out.push(match level {
                Some(l) => Target {
                    unit_id: self.root,
                    level: Some(l),
                },
                None => Target {
                    unit_id: self.unit("targets", part)?,
                    level: None,
                },
            });
        }
        if out.is_empty() {
            return Err(AppError::invalid("targets", "不能为空"));
        }
        Ok(out)
    }
}

fn parse_row(cells: &BTreeMap<&str, String>, names: &Names) -> Result<DocumentInput, AppError> {
    let get = |k: &str| cells.get(k).map(String::as_str).unwrap_or("");
    let issued_on = parse_date(get("issued_on"))
        .ok_or_else(|| AppError::invalid("issued_on", "格式不正确，应如2026-11-02"))?;
    let char_count = match get("char_count") {
        "" => None,
        v => Some(
            v.parse::<i64>()
                .map_err(|_| AppError::invalid("char_count", "应为整数"))?,
        ),
    };
    let upper = get("upper_doc_number").to_string();
    Ok(DocumentInput {
        issuer_id: names.unit("issuer_id", get("issuer_id"))?,
        doc_number: Some(get("doc_number").to_string()).filter(|s| !s.is_empty()),
        title: get("title").to_string(),
        kind: get("kind")
            .parse()
            .map_err(|_| AppError::invalid("kind", "应为15种法定文种之一"))?,
        carrier: carrier(get("carrier"))?,
        issued_on,
        main_recipients: None,
        cc_recipients: None,
        targets: names.targets(get("targets"))?,
        single_task: yes("single_task", get("single_task"))?,
        forwards_upper: !upper.is_empty(),
        upper_doc_number: Some(upper).filter(|s| !s.is_empty()),
        to_schools_hospitals: yes("to_schools_hospitals", get("to_schools_hospitals"))?,
        head_signed: yes("head_signed", get("head_signed"))?,
        in_plan: true,
        body: String::new(),
        attachment_count: 0,
        char_count,
    })
}

/// Imports the rows of an uploaded 发文台账; refuses the whole file only when it cannot be read
/// or its header is not the template's.
pub async fn import(db: &Db, actor: &Actor, bytes: &[u8]) -> AppResult<ImportReport> {
    policy::ensure(actor, Action::FileItems)?;
    if bytes.len() > 20 * 1024 * 1024 {
        return Err(file_error("文件过大：上限为20MB"));
    }
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|_| file_error("无法读取该文件，请上传由模板填写的.xlsx文件"))?;
    let sheet = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| file_error("文件中没有工作表"))?;
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|_| file_error("无法读取第一个工作表"))?;
    #[allow(deprecated)]
    let merged = wb
        .worksheet_merge_cells(&sheet)
        .and_then(Result::ok)
        .unwrap_or_default();
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .map(|r| r.iter().map(cell_text).collect())
        .unwrap_or_default();
    for (i, (expected, _)) in COLUMNS.iter().enumerate() {
        let found = header.get(i).map(String::as_str).unwrap_or("");
        if found != *expected {
            return Err(file_error(format!(
                "表头不符：第{}列应为“{expected}”，实为“{found}”。请使用下载的模板",
                i + 1
            )));
        }
    }
    let data: Vec<&[Data]> = rows.collect();
    if data.len() > MAX_ROWS {
        return Err(file_error(format!("一次最多导入{MAX_ROWS}行")));
    }
    let root = org::scope_root(db, actor).await?;
    let mut by_name = HashMap::new();
    let mut page = 1;
    loop {
        let units = org::list(
            db,
            actor,
            ListUnits::default(),
            Page {
                page,
                per_page: 200,
            },
        )
        .await?;
        let done = units.items.len() < 200;
        by_name.extend(units.items.into_iter().map(|u| (u.name, u.id)));
        if done || page > 500 {
            break;
        }
        page += 1;
    }
    let names = Names {
        root: root.id,
        by_name,
    };
    let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut report = ImportReport::default();
    let mut touched: BTreeMap<i64, Vec<NaiveDate>> = BTreeMap::new();
    for (i, row) in data.iter().enumerate() {
        let sheet_row = start_row + i + 2;
        if row.iter().all(|c| matches!(c, Data::Empty)) {
            continue;
        }
        report.rows += 1;
        let zero_based = (start_row + i + 1) as u32;
        if let Some(m) = merged
            .iter()
            .find(|d| d.start.0 <= zero_based && zero_based <= d.end.0)
        {
            report.errors.push(RowError {
                row: sheet_row,
                field: None,
                message: format!(
                    "第{sheet_row}行含合并单元格（第{}列起），请取消合并后重新导入",
                    m.start.1 + 1
                ),
            });
            continue;
        }
        let cells: BTreeMap<&str, String> = COLUMNS
            .iter()
            .enumerate()
            .map(|(c, (_, f))| (*f, row.get(c).map(cell_text).unwrap_or_default()))
            .collect();
        let result = match parse_row(&cells, &names) {
            Ok(input) => {
                let mut tx = db.begin().await?;
                match documents::write(&mut tx, actor, None, input).await {
                    Ok(w) => {
                        tx.commit().await?;
                        touched.entry(w.region_id).or_default().extend(w.dates);
                        Ok(())
                    }
                    Err(e) => Err(e),
                }
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(()) => report.imported += 1,
            Err(AppError::Internal(ctx)) => return Err(AppError::Internal(ctx)),
            Err(e) => {
                let field = e.field().map(str::to_string);
                let message = match &field {
                    Some(f) if !e.to_string().starts_with(field_label(f)) => {
                        format!("第{sheet_row}行：{}：{}", field_label(f), e)
                    }
                    _ => format!("第{sheet_row}行：{e}"),
                };
                report.errors.push(RowError {
                    row: sheet_row,
                    field,
                    message,
                });
            }
        }
    }
    for (region, dates) in touched {
        let mut tx = db.begin().await?;
        warnings::evaluate_after_write(&mut tx, "documents", region, &dates).await?;
        tx.commit().await?;
    }
    Ok(report)
}
