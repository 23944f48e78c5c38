//! The Excel 发文台账: a template offices download, fill as they already do, and import.
//! Each row is validated as a form would be; rows with errors are reported by row number and
//! field and the rest are imported. The rules run once for the whole import.
//!
//! The workbook is read by the bounded parser (`jianfu_parse`: a worker process under memory
//! and CPU limits, killed at its deadline; the sheet's declared dimension and every cell
//! checked against [`MAX_SHEET_ROWS`] and [`MAX_SHEET_COLUMNS`] before anything is allocated
//! for them), which gives back the rows' first [`COLUMNS`] cells as text.
use crate::model::{self as documents, Carrier, DocumentInput, LedgerFlags};
use axum::body::Bytes;
use chrono::NaiveDate;
use jianfu_core::labels::field_label;
use jianfu_core::{Actor, AppError, AppResult, Level, Page};
use jianfu_domain::org::{self, ListUnits};
use jianfu_domain::policy;
use jianfu_domain::targets::Target;
use jianfu_domain::warnings;
use jianfu_parse::sheet::excel_date;
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

/// A row's error as the filer reads it: the row, then the field named as the template's column
/// (正文字数), never as its key (`char_count`), even when the message was made with the key.
fn row_error(row: usize, field: Option<&str>, message: &str) -> String {
    let Some(f) = field else {
        return format!("第{row}行：{message}");
    };
    let column = COLUMNS
        .iter()
        .find(|(_, key)| *key == f)
        .map_or_else(|| field_label(f), |(header, _)| *header);
    // The message names the field by its key or by its label: name it by the column instead.
    let problem = message
        .strip_prefix(f)
        .or_else(|| message.strip_prefix(field_label(f)))
        .or_else(|| message.strip_prefix(column));
    match problem {
        Some(rest) => format!("第{row}行：{column}{}", rest.trim_start_matches('：')),
        None => format!("第{row}行：{column}：{message}"),
    }
}

/// Most rows one import stores.
pub const MAX_ROWS: usize = 5000;
/// Most rows and columns a workbook may reach at all: past them it is refused unread.
pub use jianfu_parse::sheet::{MAX_COLUMNS as MAX_SHEET_COLUMNS, MAX_ROWS as MAX_SHEET_ROWS};

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
    /// New documents.
    pub imported: usize,
    /// Rows the ledger held already (the issuer's 发文字号, or its title and date), changed.
    pub updated: usize,
    /// Rows the ledger held already as they are: left alone.
    pub unchanged: usize,
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
        approval_ids: Vec::new(),
        ledger: Some(LedgerFlags {
            in_plan: true,
            head_signed: yes("head_signed", get("head_signed"))?,
        }),
        body: String::new(),
        attachment_count: 0,
        char_count,
    })
}

/// What importing one row did.
enum Outcome {
    Imported,
    Updated,
    Unchanged,
}

/// The document a row stands for when the ledger holds it (see [`store::find_recorded`]), and
/// whether it holds it exactly as the row gives it.
async fn recorded(
    tx: &mut jianfu_store::Tx,
    input: &DocumentInput,
) -> AppResult<Option<(i64, bool)>> {
    let number = input
        .doc_number
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let title = input.title.trim();
    let date = input.issued_on.to_string();
    let Some(d) = crate::store::find_recorded(tx, input.issuer_id, number, title, &date).await?
    else {
        return Ok(None);
    };
    let same = d.title == title
        && d.kind == input.kind.as_str()
        && d.carrier == input.carrier.as_str()
        && d.issued_on == date
        && Some(d.char_count) == input.char_count
        && d.main_recipients.as_deref() == input.main_recipients.as_deref().map(str::trim)
        && d.single_task == input.single_task
        && d.forwards_upper == input.forwards_upper
        && d.to_schools_hospitals == input.to_schools_hospitals
        && input
            .ledger
            .is_none_or(|l| d.head_signed == l.head_signed && d.in_plan == l.in_plan);
    Ok(Some((d.id, same)))
}

/// Imports the rows of an uploaded 发文台账; refuses the whole file only when it cannot be read
/// or its header is not the template's.
pub async fn import(
    db: &Db,
    parser: &jianfu_parse::Parser,
    actor: &Actor,
    bytes: Bytes,
) -> AppResult<ImportReport> {
    policy::ensure(actor, crate::permissions::FILE)?;
    if bytes.len() > 20 * 1024 * 1024 {
        return Err(file_error("文件过大：上限为20MB"));
    }
    let sheet = parser.sheet(bytes, COLUMNS.len()).await?;
    let merged = sheet.merged;
    let mut rows = sheet.rows.into_iter();
    let header: Vec<String> = rows.next().map(|r| r.cells).unwrap_or_default();
    for (i, (expected, _)) in COLUMNS.iter().enumerate() {
        let found = header.get(i).map(String::as_str).unwrap_or("");
        if found != *expected {
            return Err(file_error(format!(
                "表头不符：第{}列应为“{expected}”，实为“{found}”。请使用下载的模板",
                i + 1
            )));
        }
    }
    let data: Vec<jianfu_parse::SheetRow> = rows.collect();
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
    let mut report = ImportReport::default();
    let mut touched: BTreeMap<i64, Vec<NaiveDate>> = BTreeMap::new();
    // Only rows with text come back from the parser: empty ones are neither counted nor read.
    for row in &data {
        let zero_based = row.row;
        let sheet_row = zero_based as usize + 1;
        report.rows += 1;
        if let Some(((_, first_column), _)) = merged
            .iter()
            .find(|((first, _), (last, _))| *first <= zero_based && zero_based <= *last)
        {
            report.errors.push(RowError {
                row: sheet_row,
                field: None,
                message: format!(
                    "第{sheet_row}行含合并单元格（第{}列起），请取消合并后重新导入",
                    first_column + 1
                ),
            });
            continue;
        }
        let cells: BTreeMap<&str, String> = COLUMNS
            .iter()
            .enumerate()
            .map(|(c, (_, f))| (*f, row.cells.get(c).cloned().unwrap_or_default()))
            .collect();
        let result = match parse_row(&cells, &names) {
            Ok(input) => {
                let mut tx = db.begin().await?;
                match recorded(&mut tx, &input).await? {
                    Some((_, true)) => Ok(Outcome::Unchanged),
                    held => {
                        let id = held.map(|(id, _)| id);
                        match documents::write(&mut tx, actor, id, input).await {
                            Ok(w) => {
                                tx.commit().await?;
                                touched
                                    .entry(w.region_id)
                                    .or_default()
                                    .extend(w.focus.dates);
                                Ok(if id.is_some() {
                                    Outcome::Updated
                                } else {
                                    Outcome::Imported
                                })
                            }
                            Err(e) => Err(e),
                        }
                    }
                }
            }
            Err(e) => Err(e),
        };
        match result {
            Ok(Outcome::Imported) => report.imported += 1,
            Ok(Outcome::Updated) => report.updated += 1,
            Ok(Outcome::Unchanged) => report.unchanged += 1,
            Err(AppError::Internal(ctx)) => return Err(AppError::Internal(ctx)),
            Err(e) => {
                let field = e.field().map(str::to_string);
                let message = row_error(sheet_row, field.as_deref(), &e.to_string());
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
        warnings::evaluate_after_write(&mut tx, "documents", region, &dates, None).await?;
        tx.commit().await?;
    }
    Ok(report)
}

#[cfg(test)]
mod row_error_tests {
    use super::row_error;

    #[test]
    fn a_row_error_names_the_column_not_the_key() {
        assert_eq!(
            row_error(9, Some("char_count"), "char_count应为整数"),
            "第9行：正文字数应为整数"
        );
        assert_eq!(
            row_error(4, Some("issued_on"), "成文日期超出合理范围"),
            "第4行：成文日期超出合理范围"
        );
        assert_eq!(
            row_error(5, Some("carrier"), "取值无效"),
            "第5行：载体：取值无效"
        );
        assert_eq!(
            row_error(6, None, "发文机关不存在"),
            "第6行：发文机关不存在"
        );
    }
}
