//! The first worksheet of an .xlsx, read under stated bounds before anything is allocated for
//! it: every zip entry is inflated into a counter first (refused past its cap, whatever its
//! header claims), the sheet's declared dimension is checked, and its cells are streamed one by
//! one (`calamine`'s `XlsxCellReader`), each refused past the row and column bounds. Nothing
//! builds the dense grid (`worksheet_range` would allocate rows × columns cells for one far
//! cell: A1 and XFD1048576 make 549,755,813,888 bytes).
use calamine::{DataRef, Reader, Xlsx, XlsxError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::io::{Cursor, Read};

/// Most rows a sheet may reach (its last row's number).
pub const MAX_ROWS: u32 = 50_000;
/// Most columns a sheet may reach (column GR).
pub const MAX_COLUMNS: u32 = 200;

/// Bounds on reading one workbook.
#[derive(Debug, Clone)]
pub struct SheetLimits {
    pub max_rows: u32,
    pub max_columns: u32,
    /// Most bytes one zip entry may inflate to.
    pub max_entry_bytes: u64,
    /// Most bytes all entries together may inflate to.
    pub max_total_bytes: u64,
    /// Most entries the archive may list.
    pub max_entries: usize,
    /// Most bytes of cell text kept.
    pub max_text_bytes: usize,
    /// Most merged ranges kept.
    pub max_merged: usize,
}

impl Default for SheetLimits {
    fn default() -> Self {
        SheetLimits {
            max_rows: MAX_ROWS,
            max_columns: MAX_COLUMNS,
            max_entry_bytes: 64 * 1024 * 1024,
            max_total_bytes: 128 * 1024 * 1024,
            max_entries: 10_000,
            max_text_bytes: 64 * 1024 * 1024,
            max_merged: 10_000,
        }
    }
}

/// The used rows of the first worksheet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    /// Rows with text in their first cells, in order. Their cells count from the first column
    /// any row uses (a sheet starting at column B reads as if it started at A).
    pub rows: Vec<SheetRow>,
    /// Merged ranges, zero-based and inclusive: `((first row, first column), (last row, last
    /// column))`.
    pub merged: Vec<((u32, u32), (u32, u32))>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SheetRow {
    /// Zero-based row number in the sheet (the sheet's own row label is one more).
    pub row: u32,
    /// The text of its first cells, trimmed, `""` for an empty cell.
    pub cells: Vec<String>,
}

/// Why a workbook was not read. `Display` is the zh-CN sentence for the person who uploaded it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum SheetError {
    #[error("无法读取该文件，请上传由模板填写的.xlsx文件")]
    Unreadable,
    #[error("该文件已加密，请去除密码后重新上传")]
    Encrypted,
    #[error("文件中没有工作表")]
    NoSheet,
    #[error("无法读取第一个工作表")]
    BadSheet,
    #[error("文件中的表格超过{limit}行上限（第一个工作表达到第{found}行），请拆分后分批导入")]
    TooManyRows { limit: u32, found: u64 },
    #[error(
        "文件中的表格超过{limit}列上限（第一个工作表达到第{found}列），请删除多余的列后重新导入"
    )]
    TooManyColumns { limit: u32, found: u64 },
    #[error("文件内容过大：表格解压后超过{limit_mb}MB上限，请精简后重新上传")]
    ContentTooLarge { limit_mb: u64 },
    #[error("文件中的表格合并单元格过多（超过{limit}处），请取消合并后重新导入")]
    TooManyMerged { limit: usize },
}

impl SheetError {
    /// Stable snake_case code for the API.
    pub fn code(&self) -> &'static str {
        match self {
            SheetError::Unreadable | SheetError::NoSheet | SheetError::BadSheet => {
                "bad_spreadsheet"
            }
            SheetError::Encrypted => "encrypted_file",
            SheetError::TooManyRows { .. } | SheetError::TooManyColumns { .. } => "sheet_too_large",
            SheetError::ContentTooLarge { .. } => "content_too_large",
            SheetError::TooManyMerged { .. } => "sheet_too_complex",
        }
    }

    /// Past a stated bound, rather than unreadable.
    pub fn over_limit(&self) -> bool {
        matches!(
            self,
            SheetError::TooManyRows { .. }
                | SheetError::TooManyColumns { .. }
                | SheetError::ContentTooLarge { .. }
                | SheetError::TooManyMerged { .. }
        )
    }
}

/// Reads the first worksheet of an .xlsx: its used rows' first `columns` cells.
pub fn read(bytes: &[u8], columns: usize, limits: &SheetLimits) -> Result<Sheet, SheetError> {
    check_inflation(bytes, limits)?;
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        XlsxError::Password => SheetError::Encrypted,
        _ => SheetError::Unreadable,
    })?;
    let name = wb
        .sheet_names()
        .first()
        .cloned()
        .ok_or(SheetError::NoSheet)?;
    let merged_all = wb
        .merge_cells_by_sheet_name(&name)
        .map_err(|_| SheetError::BadSheet)?;
    if merged_all.len() > limits.max_merged {
        return Err(SheetError::TooManyMerged {
            limit: limits.max_merged,
        });
    }
    let merged = merged_all.iter().map(|d| (d.start, d.end)).collect();
    let mut reader = wb
        .worksheet_cells_reader(&name)
        .map_err(|_| SheetError::BadSheet)?;
    // The declared dimension (`<dimension ref="A1:XFD1048576"/>`) first: refused before a
    // single cell is read.
    let declared = reader.dimensions();
    check_position(declared.end, limits)?;
    // Cells of the window [first used column, first used column + columns). The first used
    // column can only move left as cells come, so a cell dropped once never comes back in.
    let mut cells: Vec<(u32, u32, String)> = Vec::new();
    let mut first_column = u32::MAX;
    let mut text_bytes = 0usize;
    loop {
        let cell = match reader.next_cell() {
            Ok(Some(cell)) => cell,
            Ok(None) => break,
            Err(_) => return Err(SheetError::BadSheet),
        };
        let (row, column) = cell.get_position();
        check_position((row, column), limits)?;
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        first_column = first_column.min(column);
        if (column - first_column) as usize >= columns {
            continue;
        }
        text_bytes += text.len();
        if text_bytes > limits.max_text_bytes {
            return Err(SheetError::ContentTooLarge {
                limit_mb: limits.max_text_bytes as u64 / (1024 * 1024),
            });
        }
        cells.push((row, column, text));
    }
    cells.retain(|(_, c, _)| ((c - first_column) as usize) < columns);
    cells.sort_by_key(|(r, c, _)| (*r, *c));
    let mut rows: Vec<SheetRow> = Vec::new();
    for (row, column, text) in cells {
        if rows.last().is_none_or(|r| r.row != row) {
            rows.push(SheetRow {
                row,
                cells: vec![String::new(); columns],
            });
        }
        if let Some(slot) = rows
            .last_mut()
            .and_then(|r| r.cells.get_mut((column - first_column) as usize))
        {
            *slot = text;
        }
    }
    Ok(Sheet { rows, merged })
}

fn check_position((row, column): (u32, u32), limits: &SheetLimits) -> Result<(), SheetError> {
    if row >= limits.max_rows {
        return Err(SheetError::TooManyRows {
            limit: limits.max_rows,
            found: u64::from(row) + 1,
        });
    }
    if column >= limits.max_columns {
        return Err(SheetError::TooManyColumns {
            limit: limits.max_columns,
            found: u64::from(column) + 1,
        });
    }
    Ok(())
}

/// Inflates every entry of the archive into a counter, refusing an entry past its cap or all
/// of them past the total, before any reader holds an entry in memory. The sizes in the zip
/// headers are only claims: the bytes that come out are counted.
fn check_inflation(bytes: &[u8], limits: &SheetLimits) -> Result<(), SheetError> {
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| SheetError::Unreadable)?;
    if archive.len() > limits.max_entries {
        return Err(SheetError::Unreadable);
    }
    let too_large = |limit: u64| SheetError::ContentTooLarge {
        limit_mb: limit / (1024 * 1024),
    };
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(zip::result::ZipError::PASSWORD_REQUIRED) => {
                SheetError::Encrypted
            }
            _ => SheetError::Unreadable,
        })?;
        if entry.encrypted() {
            return Err(SheetError::Encrypted);
        }
        let cap = limits
            .max_entry_bytes
            .min(limits.max_total_bytes.saturating_sub(total));
        if entry.size() > cap {
            return Err(too_large(if entry.size() > limits.max_entry_bytes {
                limits.max_entry_bytes
            } else {
                limits.max_total_bytes
            }));
        }
        let inflated = std::io::copy(&mut entry.take(cap + 1), &mut std::io::sink())
            .map_err(|_| SheetError::Unreadable)?;
        if inflated > cap {
            return Err(too_large(if cap == limits.max_entry_bytes {
                limits.max_entry_bytes
            } else {
                limits.max_total_bytes
            }));
        }
        total += inflated;
    }
    Ok(())
}

/// A cell as the text a clerk typed: whole numbers without `.0`, 是/否 for booleans, dates as
/// `2026-11-02`.
fn cell_text(d: &DataRef<'_>) -> String {
    match d {
        DataRef::Empty | DataRef::Error(_) => String::new(),
        DataRef::String(s) => s.trim().to_string(),
        DataRef::SharedString(s) => s.trim().to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        DataRef::DateTime(dt) => excel_date(dt.as_f64())
            .map(|d| d.to_string())
            .unwrap_or_default(),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
    }
}

/// An Excel serial day number as a date (1900 system).
pub fn excel_date(serial: f64) -> Option<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    (serial.is_finite() && (1.0..200_000.0).contains(&serial))
        .then(|| base + chrono::Duration::days(serial as i64))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// An .xlsx written by hand: the given worksheet XML and shared strings, deflated.
    pub(crate) fn xlsx(sheet_xml: &str, shared_strings: Option<&[u8]>) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        let mut part = |name: &str, body: &[u8]| {
            zip.start_file(name, deflated).expect("zip entry");
            zip.write_all(body).expect("zip write");
        };
        part("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#);
        part("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#);
        part("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#);
        let mut rels = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
        );
        if shared_strings.is_some() {
            rels.push_str(r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#);
        }
        rels.push_str("</Relationships>");
        part("xl/_rels/workbook.xml.rels", rels.as_bytes());
        part("xl/worksheets/sheet1.xml", sheet_xml.as_bytes());
        if let Some(s) = shared_strings {
            part("xl/sharedStrings.xml", s);
        }
        zip.finish().expect("zip").into_inner()
    }

    pub(crate) fn sheet_xml(dimension: Option<&str>, cells: &[(&str, &str)]) -> String {
        let dim = dimension
            .map(|d| format!(r#"<dimension ref="{d}"/>"#))
            .unwrap_or_default();
        let cells: String = cells
            .iter()
            .map(|(r, v)| format!(r#"<row><c r="{r}" t="inlineStr"><is><t>{v}</t></is></c></row>"#))
            .collect();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}<sheetData>{cells}</sheetData></worksheet>"#
        )
    }

    #[test]
    fn reads_rows_from_the_first_used_column() {
        let xml = sheet_xml(
            Some("B2:D3"),
            &[("B2", "发文机关"), ("C2", " 标题 "), ("D3", "通知")],
        );
        let got = read(&xlsx(&xml, None), 2, &SheetLimits::default()).unwrap();
        assert_eq!(
            got.rows,
            [SheetRow {
                row: 1,
                cells: vec!["发文机关".into(), "标题".into()]
            },],
            "D3 is outside the two columns read"
        );
    }

    #[test]
    fn a_far_declared_dimension_is_refused_before_any_cell() {
        let xml = sheet_xml(Some("A1:XFD1048576"), &[("A1", "x"), ("XFD1048576", "y")]);
        let err = read(&xlsx(&xml, None), 12, &SheetLimits::default()).unwrap_err();
        assert_eq!(
            err,
            SheetError::TooManyRows {
                limit: MAX_ROWS,
                found: 1_048_576
            }
        );
        assert_eq!(err.code(), "sheet_too_large");
        assert!(err.to_string().contains("超过50000行上限"), "{err}");
    }

    #[test]
    fn a_far_cell_without_a_dimension_is_refused_when_reached() {
        let xml = sheet_xml(None, &[("A1", "x"), ("XFD1", "y")]);
        let err = read(&xlsx(&xml, None), 12, &SheetLimits::default()).unwrap_err();
        assert_eq!(
            err,
            SheetError::TooManyColumns {
                limit: MAX_COLUMNS,
                found: 16_384
            }
        );
        assert!(err.to_string().contains("超过200列上限"), "{err}");
    }

    #[test]
    fn an_inflating_entry_is_refused_before_it_is_read() {
        let limits = SheetLimits {
            max_entry_bytes: 1024 * 1024,
            ..SheetLimits::default()
        };
        let mut strings = br#"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#.to_vec();
        strings.extend(std::iter::repeat_n(b'a', 4 * 1024 * 1024));
        strings.extend(b"</t></si></sst>");
        let xml = r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#;
        let err = read(&xlsx(xml, Some(&strings)), 12, &limits).unwrap_err();
        assert_eq!(err, SheetError::ContentTooLarge { limit_mb: 1 });
        assert!(err.over_limit());
    }

    #[test]
    fn not_a_workbook() {
        let err = read(b"not a spreadsheet", 12, &SheetLimits::default()).unwrap_err();
        assert_eq!(err, SheetError::Unreadable);
        assert!(!err.over_limit());
    }
}
