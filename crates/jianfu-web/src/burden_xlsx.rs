//! The burden ledger of a unit as a workbook a county office can file: a summary sheet (汇总:
//! the unit, the period, the figures per channel against the same period a year earlier, and by
//! issuer) and one sheet per channel with its items, each sheet with a title row, a header row,
//! column widths, dates as dates and frozen headers. The page and the API serve the same bytes.
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, X_CONTENT_TYPE_OPTIONS};
use axum::response::{IntoResponse, Response};
use jianfu_core::{AppError, AppResult};
use jianfu_domain::burden::{self, BurdenLedger};
use jianfu_domain::ledger_items::ChannelItems;
use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

fn x(e: XlsxError) -> AppError {
    AppError::internal(e)
}

struct Formats {
    title: Format,
    note: Format,
    header: Format,
    text: Format,
    number: Format,
    date: Format,
    section: Format,
}

impl Formats {
    fn new() -> Formats {
        let cell = Format::new().set_border(FormatBorder::Thin);
        Formats {
            title: Format::new()
                .set_bold()
                .set_font_size(16)
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter),
            note: Format::new().set_font_size(10),
            header: cell
                .clone()
                .set_bold()
                .set_background_color("#D9E1F2")
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            text: cell.clone().set_text_wrap(),
            number: cell.clone().set_num_format("#,##0"),
            date: cell
                .set_num_format("yyyy-mm-dd")
                .set_align(FormatAlign::Center),
            section: Format::new().set_bold().set_font_size(12),
        }
    }
}

/// Title (merged over the columns), a note under it, the header row: the next free row.
fn head(
    ws: &mut Worksheet,
    f: &Formats,
    title: &str,
    note: &str,
    headers: &[(&str, f64)],
) -> Result<u32, XlsxError> {
    let last = headers.len().saturating_sub(1) as u16;
    ws.merge_range(0, 0, 0, last, title, &f.title)?;
    ws.set_row_height(0, 28)?;
    ws.merge_range(1, 0, 1, last, note, &f.note)?;
    for (c, (h, width)) in headers.iter().enumerate() {
        ws.write_string_with_format(2, c as u16, *h, &f.header)?;
        ws.set_column_width(c as u16, *width)?;
    }
    ws.set_freeze_panes(3, 0)?;
    Ok(3)
}

fn date_cell(on: &str) -> Option<ExcelDateTime> {
    let d = chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d").ok()?;
    use chrono::Datelike;
    ExcelDateTime::from_ymd(
        u16::try_from(d.year()).ok()?,
        d.month() as u8,
        d.day() as u8,
    )
    .ok()
}

/// A sheet name Excel accepts: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    s.chars()
        .filter(|c| !"[]:*?/\\'".contains(*c))
        .take(31)
        .collect()
}

fn summary(
    ws: &mut Worksheet,
    f: &Formats,
    ledger: &BurdenLedger,
    exported_at: &str,
) -> Result<(), XlsxError> {
    let headers = [
        ("类别", 16.0),
        ("本期数量", 12.0),
        ("计量", 8.0),
        ("本期分量", 14.0),
        ("分量单位", 10.0),
        ("上年同期数量", 14.0),
        ("上年同期分量", 14.0),
        ("同比", 10.0),
    ];
    let mut r = head(
        ws,
        f,
        &format!("{}基层负担台账", ledger.unit.name),
        &format!(
            "统计期：{} 至 {}；对比上年同期：{} 至 {}；导出时间：{}",
            ledger.from, ledger.to, ledger.previous_from, ledger.previous_to, exported_at
        ),
        &headers,
    )?;
    for c in burden::channels() {
        let fig = ledger.channels.get(c.name).cloned().unwrap_or_default();
        ws.write_string_with_format(r, 0, format!("{}（{}）", c.received, c.noun), &f.text)?;
        ws.write_number_with_format(r, 1, fig.items as f64, &f.number)?;
        ws.write_string_with_format(r, 2, c.count_unit, &f.text)?;
        ws.write_number_with_format(r, 3, fig.measure as f64, &f.number)?;
        ws.write_string_with_format(r, 4, c.measure_unit, &f.text)?;
        ws.write_number_with_format(r, 5, fig.previous_items as f64, &f.number)?;
        ws.write_number_with_format(r, 6, fig.previous_measure as f64, &f.number)?;
        let change = fig
            .change_percent
            .map(|p| format!("{}{p}%", if p > 0.0 { "+" } else { "" }))
            .unwrap_or_else(|| "—".into());
        ws.write_string_with_format(r, 7, change, &f.text)?;
        r += 1;
    }
    r += 1;
    ws.write_string_with_format(r, 0, "按来源单位", &f.section)?;
    r += 1;
    for (c, h) in [
        "类别",
        "来源单位",
        "本期数量",
        "上年同期数量",
        "本期分量",
        "分量单位",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string_with_format(r, c as u16, *h, &f.header)?;
    }
    r += 1;
    for l in &ledger.by_issuer {
        let Some(c) = burden::channel(&l.channel) else {
            continue;
        };
        ws.write_string_with_format(r, 0, c.received, &f.text)?;
        ws.write_string_with_format(r, 1, &l.issuer_name, &f.text)?;
        ws.write_number_with_format(r, 2, l.items as f64, &f.number)?;
        ws.write_number_with_format(r, 3, l.previous_items as f64, &f.number)?;
        ws.write_number_with_format(r, 4, l.measure as f64, &f.number)?;
        ws.write_string_with_format(r, 5, c.measure_unit, &f.text)?;
        r += 1;
    }
    // The issuer names are long: widen the second column for them.
    ws.set_column_width(1, 26)?;
    Ok(())
}

fn channel_sheet(
    ws: &mut Worksheet,
    f: &Formats,
    ledger: &BurdenLedger,
    items: &ChannelItems,
) -> Result<(), XlsxError> {
    let c = items.channel;
    let measure = format!("分量（{}）", c.measure_unit);
    let headers = [
        ("序号", 7.0),
        ("标题", 52.0),
        ("来源单位", 26.0),
        ("日期", 12.0),
        (measure.as_str(), 12.0),
        ("编号", 10.0),
    ];
    let mut note = format!(
        "统计期：{} 至 {}；共 {} {}，合计 {} {}",
        ledger.from, ledger.to, items.total, c.count_unit, items.measure, c.measure_unit
    );
    if items.total > items.items.len() as i64 {
        note.push_str(&format!(
            "；本表仅列出最近的 {} {}，请缩短统计期分段导出",
            items.items.len(),
            c.count_unit
        ));
    }
    let mut r = head(
        ws,
        f,
        &format!("{}{}明细", ledger.unit.name, c.received),
        &note,
        &headers,
    )?;
    for (n, i) in items.items.iter().enumerate() {
        ws.write_number_with_format(r, 0, (n + 1) as f64, &f.number)?;
        ws.write_string_with_format(r, 1, &i.title, &f.text)?;
        ws.write_string_with_format(r, 2, &i.issuer_name, &f.text)?;
        match date_cell(&i.on_date) {
            Some(d) => ws.write_datetime_with_format(r, 3, d, &f.date)?,
            None => ws.write_string_with_format(r, 3, &i.on_date, &f.text)?,
        };
        ws.write_number_with_format(r, 4, i.measure as f64, &f.number)?;
        ws.write_number_with_format(r, 5, i.id as f64, &f.number)?;
        r += 1;
    }
    if r > 3 {
        ws.autofilter(2, 0, r - 1, headers.len() as u16 - 1)?;
    }
    Ok(())
}

/// The workbook of a unit's ledger and its items (each channel's sheet lists at most
/// `EXPORT_LIMIT` items, the newest; its note says so).
pub fn workbook(ledger: &BurdenLedger, channels: &[ChannelItems]) -> AppResult<Vec<u8>> {
    let f = Formats::new();
    let mut wb = Workbook::new();
    let exported_at = jianfu_core::time::today().to_string();
    let ws = wb.add_worksheet();
    ws.set_name("汇总").map_err(x)?;
    summary(ws, &f, ledger, &exported_at).map_err(x)?;
    for items in channels {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(items.channel.noun)).map_err(x)?;
        channel_sheet(ws, &f, ledger, items).map_err(x)?;
    }
    wb.save_to_buffer().map_err(x)
}

/// RFC 5987 encoding of a file name.
fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The workbook as a download named `青石镇负担台账（2026-01-01至2026-06-30）.xlsx`.
pub fn download(ledger: &BurdenLedger, bytes: Vec<u8>) -> Response {
    let name = format!(
        "{}负担台账（{}至{}）.xlsx",
        ledger.unit.name, ledger.from, ledger.to
    );
    (
        [
            (
                CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"burden.xlsx\"; filename*=UTF-8''{}",
                    percent_encode(&name)
                ),
            ),
            (X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        ],
        bytes,
    )
        .into_response()
}
