//! Exports as .xlsx: a year's annual plan (年度督查检查考核计划) and a month's pre-notice (预通知),
//! one row per item, with a title row and frozen headers.
use crate::model::{AnnualPlan, Category, Status};
use crate::prenotice::PreNotice;
use jianfu_core::{AppError, AppResult};
use rust_xlsxwriter::{Format, FormatAlign, Workbook, Worksheet, XlsxError};

fn x(e: XlsxError) -> AppError {
    AppError::internal(e)
}

/// Writes a sheet: its title in row 0, the headers (with widths) in row 1, then the rows.
fn sheet(
    ws: &mut Worksheet,
    title: &str,
    headers: &[(&str, f64)],
    rows: &[Vec<String>],
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let heading = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let wrap = Format::new().set_text_wrap();
    let last = headers.len().saturating_sub(1) as u16;
    ws.merge_range(0, 0, 0, last, title, &heading)?;
    for (c, (h, width)) in headers.iter().enumerate() {
        ws.write_string_with_format(1, c as u16, *h, &bold)?;
        ws.set_column_width(c as u16, *width)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(r as u32 + 2, c as u16, v, &wrap)?;
        }
    }
    ws.set_freeze_panes(2, 0)?;
    Ok(())
}

/// The annual plan of a year.
pub fn plan_xlsx(plan: &AnnualPlan, place: &str) -> AppResult<Vec<u8>> {
    let headers = [
        ("序号", 6.0),
        ("主办单位", 22.0),
        ("类别", 8.0),
        ("事项名称", 40.0),
        ("依据", 30.0),
        ("时间窗口", 24.0),
        ("计划进驻时间", 24.0),
        ("在基层天数", 10.0),
        ("检查组人数", 10.0),
        ("四不两直", 8.0),
        ("带队领导", 18.0),
        ("要求准备的材料", 36.0),
        ("计划内/外", 10.0),
        ("审批状态", 10.0),
    ];
    let rows: Vec<Vec<String>> = plan
        .items
        .iter()
        .enumerate()
        .map(|(n, i)| {
            vec![
                (n + 1).to_string(),
                i.organizer_name.clone(),
                Category::label_of(&i.category).to_string(),
                i.title.clone(),
                i.basis.clone(),
                format!("{}至{}", i.window_from, i.window_to),
                format!("{}至{}", i.starts_on, i.ends_on),
                i.days_on_site.to_string(),
                i.team_size.to_string(),
                if i.unannounced { "是" } else { "否" }.to_string(),
                i.leader.clone(),
                i.materials.join("；"),
                if i.in_plan { "计划内" } else { "计划外" }.to_string(),
                Status::label_of(&i.status).to_string(),
            ]
        })
        .collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name(format!("{}年计划", plan.year)).map_err(x)?;
    sheet(
        ws,
        &format!("{place}{}年度督查检查考核和调研计划", plan.year),
        &headers,
        &rows,
    )
    .map_err(x)?;
    wb.save_to_buffer().map_err(x)
}

/// A month's pre-notice, as published (unannounced items without dates and targets).
pub fn notice_xlsx(notice: &PreNotice) -> AppResult<Vec<u8>> {
    let headers = [
        ("序号", 6.0),
        ("主办单位", 22.0),
        ("类别", 8.0),
        ("事项名称", 40.0),
        ("依据", 30.0),
        ("进驻时间", 22.0),
        ("检查对象", 40.0),
        ("检查组人数", 10.0),
        ("带队领导", 18.0),
        ("要求准备的材料", 36.0),
    ];
    let rows: Vec<Vec<String>> = notice
        .items
        .iter()
        .enumerate()
        .map(|(n, i)| {
            vec![
                (n + 1).to_string(),
                i.organizer_name.clone(),
                i.category_label.clone(),
                i.title.clone(),
                i.basis.clone(),
                i.dates.clone(),
                i.targets.clone().unwrap_or_else(|| "不预先公布".into()),
                i.team_size.to_string(),
                i.leader.clone(),
                i.materials.join("；"),
            ]
        })
        .collect();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("预通知").map_err(x)?;
    let place = notice.region_name.clone().unwrap_or_default();
    sheet(
        ws,
        &format!("{place}{}督查检查考核和调研预通知", notice.month_label),
        &headers,
        &rows,
    )
    .map_err(x)?;
    wb.save_to_buffer().map_err(x)
}
