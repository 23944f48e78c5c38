//! Text of an OFD document (GB/T 33190-2016, China's fixed-layout format).
//!
//! An .ofd is a zip package. `OFD.xml` names the document's root file
//! (`DocBody/DocRoot`, usually `Doc_0/Document.xml`), which lists the pages
//! in order (`Pages/Page@BaseLoc`) and the page templates
//! (`CommonData/TemplatePage`). Each page's `Content.xml` holds layers of
//! graphic units, among them `TextObject`s whose `TextCode`s carry the text
//! and where it is drawn; `layout` rebuilds lines and paragraphs from it.
//!
//! A template's text (a 发文机关标志 drawn by a template, say) is laid out
//! with the text of every page that uses the template, by its coordinates.
//! Not read: text in composite objects (a `CompositeObject` draws a unit
//! defined in the resource files), annotations, signatures, attachments and
//! custom tags; none of them holds the text of an official document.
//!
//! Reading is bounded like a .docx (see `zip_part`: part and total sizes,
//! compression ratio, nesting depth, time), and by the pages and templates
//! read and the text kept.

use std::collections::HashMap;
use std::time::Instant;

use quick_xml::events::{BytesStart, Event};

use crate::layout::{char_width, clamp, matrix_scale, Pages, Run};
use crate::zip_part::{attribute, resolve_reference, xml_as_str, Package, XmlWalker, ZipLimits};
use crate::TextError;

/// The entry every OFD package has at its root.
pub(crate) const ROOT: &str = "OFD.xml";
/// Most pages read; an official document is rarely past a few dozen.
const MAX_PAGES: usize = 500;
/// Most distinct templates read.
const MAX_TEMPLATES: usize = 32;
/// Most bytes of text kept, templates counted on every page they are on.
const MAX_TEXT_BYTES: usize = 6 * 1024 * 1024;
/// Longest part path accepted.
const MAX_PATH_BYTES: usize = 1024;
/// Font size (mm) assumed when a text object gives none we can use: 五号.
const DEFAULT_SIZE: f64 = 3.7;

/// Whether an opened zip is an OFD package.
pub(crate) fn is_ofd(package: &Package<'_>) -> bool {
    package.has(ROOT)
}

/// The text of an .ofd with default limits.
pub fn ofd_text(bytes: &[u8]) -> Result<String, TextError> {
    ofd_text_with(bytes, &ZipLimits::default())
}

/// The text of an .ofd: one line per line on the page, `\n` line ends, a
/// blank line between pages.
pub fn ofd_text_with(bytes: &[u8], limits: &ZipLimits) -> Result<String, TextError> {
    let mut package = Package::open(bytes, limits)?;
    if !is_ofd(&package) {
        return Err(TextError::corrupt("缺少OFD.xml，不是有效的OFD文件"));
    }
    ofd_text_in(&mut package)
}

/// The text of the OFD in an opened zip.
pub(crate) fn ofd_text_in(package: &mut Package<'_>) -> Result<String, TextError> {
    let max_depth = package.limits().max_depth;
    let deadline = package.deadline();

    let root = package
        .read(ROOT)?
        .ok_or_else(|| TextError::corrupt("缺少OFD.xml，不是有效的OFD文件"))?;
    let doc_root = doc_root(&xml_as_str(&root)?, max_depth, deadline)?;
    let doc_path = doc_root
        .and_then(|loc| locate(package, "", &loc))
        .ok_or_else(|| TextError::corrupt("OFD文档主体（Document.xml）缺失"))?;
    let document = package
        .read(&doc_path)?
        .ok_or_else(|| TextError::corrupt("OFD文档主体（Document.xml）缺失"))?;
    let document = document_index(&xml_as_str(&document)?, max_depth, deadline)?;
    if document.pages.is_empty() {
        return Err(TextError::corrupt("OFD文档中没有页面"));
    }
    let dir = doc_path.rsplit_once('/').map_or("", |(dir, _)| dir);

    let mut budget = MAX_TEXT_BYTES;
    let mut templates: HashMap<String, Vec<Run>> = HashMap::new();
    let mut pages_read = 0usize;
    let mut pages = Pages::default();
    for loc in &document.pages {
        package.check_deadline()?;
        // A page whose content is missing is skipped, as a reader shows it
        // blank; a file with no readable page at all is corrupt (below).
        let Some(path) = locate(package, dir, loc) else {
            continue;
        };
        let Some(xml) = package.read(&path)? else {
            continue;
        };
        pages_read += 1;
        let page = page_content(&xml_as_str(&xml)?, max_depth, deadline, &mut budget)?;
        let PageContent {
            mut runs,
            templates: mut used,
        } = page;
        used.sort_unstable();
        used.dedup();
        for id in used.iter().take(MAX_TEMPLATES) {
            if !templates.contains_key(id) && templates.len() < MAX_TEMPLATES {
                let loaded = load_template(package, dir, &document, id, &mut budget)?;
                templates.insert(id.clone(), loaded);
            }
            let Some(template) = templates.get(id) else {
                continue;
            };
            let bytes: usize = template.iter().map(|r| r.text.len()).sum();
            if bytes > budget {
                budget = 0;
                break;
            }
            budget -= bytes;
            runs.extend(template.iter().cloned());
        }
        pages.push(runs);
        if budget == 0 {
            break;
        }
    }
    if pages_read == 0 {
        return Err(TextError::corrupt("OFD文档的页面内容缺失"));
    }
    let text = pages.into_text();
    if text.chars().all(|c| c.is_whitespace() || c.is_control()) {
        return Err(TextError::OfdWithoutText);
    }
    Ok(text)
}

/// The runs of template `id`, read from its `Content.xml`; none if the
/// document does not define it or its content is missing. Templates do not
/// use templates, so there are no cycles to follow.
fn load_template(
    package: &mut Package<'_>,
    dir: &str,
    document: &DocumentIndex,
    id: &str,
    budget: &mut usize,
) -> Result<Vec<Run>, TextError> {
    let Some((_, loc)) = document.templates.iter().find(|(tid, _)| tid == id) else {
        return Ok(Vec::new());
    };
    let Some(path) = locate(package, dir, loc) else {
        return Ok(Vec::new());
    };
    let Some(xml) = package.read(&path)? else {
        return Ok(Vec::new());
    };
    let max_depth = package.limits().max_depth;
    let content = page_content(&xml_as_str(&xml)?, max_depth, package.deadline(), budget)?;
    Ok(content.runs)
}

/// The path in the package of `loc`, a location written in a file in
/// directory `dir`: relative to `dir`, or to the package root if it starts
/// with `/`. Some producers write root-relative paths without the `/`, so
/// that is tried when the relative one names no part. `None` for an empty,
/// overlong or escaping (`../` above the root) location, or a missing part.
fn locate(package: &Package<'_>, dir: &str, loc: &str) -> Option<String> {
    let relative = resolve(dir, loc);
    if let Some(path) = relative.as_deref() {
        if package.has(path) {
            return relative;
        }
    }
    let from_root = resolve("", loc)?;
    package.has(&from_root).then_some(from_root)
}

/// Normalise `loc` against `dir` (see [`locate`]); no package lookup.
fn resolve(dir: &str, loc: &str) -> Option<String> {
    let loc = loc.trim();
    if loc.is_empty() || loc.len() > MAX_PATH_BYTES {
        return None;
    }
    let loc = loc.replace('\\', "/");
    let mut parts: Vec<&str> = Vec::new();
    if !loc.starts_with('/') {
        parts.extend(dir.split('/').filter(|p| !p.is_empty() && *p != "."));
    }
    for part in loc.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            name => parts.push(name),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// `DocBody/DocRoot` of `OFD.xml`: the first document's root file.
fn doc_root(xml: &str, max_depth: usize, deadline: Instant) -> Result<Option<String>, TextError> {
    let mut walker = XmlWalker::new(xml, max_depth, deadline);
    let mut inside: Option<usize> = None;
    let mut text = String::new();
    loop {
        let event = walker.next_event()?;
        match event {
            Event::Start(e) if inside.is_none() && e.local_name().as_ref() == "DocRoot" => {
                inside = Some(walker.depth());
            }
            Event::Text(t) if inside.is_some() => text.push_str(&t.xml10_content()),
            Event::CData(t) if inside.is_some() => text.push_str(&t.into_inner()),
            Event::GeneralRef(r) if inside.is_some() => text.extend(resolve_reference(&r)),
            Event::End(_) if inside == Some(walker.depth()) => {
                let loc = text.trim();
                return Ok((!loc.is_empty()).then(|| loc.to_owned()));
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
    }
}

/// What `Document.xml` says: its pages' and templates' locations.
#[derive(Debug, Default)]
struct DocumentIndex {
    /// `BaseLoc` of each page, in reading order.
    pages: Vec<String>,
    /// `(ID, BaseLoc)` of each template.
    templates: Vec<(String, String)>,
}

fn document_index(
    xml: &str,
    max_depth: usize,
    deadline: Instant,
) -> Result<DocumentIndex, TextError> {
    let mut walker = XmlWalker::new(xml, max_depth, deadline);
    let mut index = DocumentIndex::default();
    // Depth of the open `Pages` element, while inside it.
    let mut pages_at: Option<usize> = None;
    loop {
        let event = walker.next_event()?;
        let depth = walker.depth();
        let element = match &event {
            Event::Start(e) | Event::Empty(e) => e,
            Event::End(_) => {
                if pages_at == Some(depth) {
                    pages_at = None;
                }
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        match element.local_name().as_ref() {
            "Pages" if matches!(event, Event::Start(_)) => pages_at = Some(depth),
            "Page" if pages_at.is_some() => {
                if let Some(loc) = attribute(element, "BaseLoc") {
                    if index.pages.len() < MAX_PAGES {
                        index.pages.push(loc);
                    }
                }
            }
            // `TemplatePage` in the standard; `Template` from some producers.
            "TemplatePage" | "Template" => {
                let id = attribute(element, "ID");
                let loc = attribute(element, "BaseLoc");
                if let (Some(id), Some(loc)) = (id, loc) {
                    if index.templates.len() < MAX_TEMPLATES {
                        index.templates.push((id.trim().to_owned(), loc));
                    }
                }
            }
            _ => {}
        }
    }
    Ok(index)
}

/// What one page's (or template's) `Content.xml` holds for us.
#[derive(Debug, Default)]
struct PageContent {
    runs: Vec<Run>,
    /// `TemplateID`s of the templates the page uses.
    templates: Vec<String>,
}

/// An open `TextObject`.
struct TextObject {
    depth: usize,
    /// `Boundary` origin: where the object's own coordinates start.
    origin: (f64, f64),
    /// `CTM` "a b c d e f", from the object's coordinates to the boundary's.
    ctm: [f64; 6],
    size: f64,
    hidden: bool,
    /// Where the previous `TextCode` ended, for one without `X`/`Y`.
    next_x: f64,
    last_y: f64,
}

/// An open `TextCode`.
struct TextCode {
    depth: usize,
    x: f64,
    y: f64,
    /// Sum of `DeltaX`, the advances between its characters, if given.
    advance: Option<f64>,
    text: String,
}

/// Collect the text runs of a page's `Content.xml`, anywhere in it (in
/// layers, page blocks, nested blocks), and the templates it uses. Stops
/// keeping text once `budget` bytes are used up.
fn page_content(
    xml: &str,
    max_depth: usize,
    deadline: Instant,
    budget: &mut usize,
) -> Result<PageContent, TextError> {
    let mut walker = XmlWalker::new(xml, max_depth, deadline);
    let mut content = PageContent::default();
    let mut objects: Vec<TextObject> = Vec::new();
    let mut code: Option<TextCode> = None;
    loop {
        let event = walker.next_event()?;
        let depth = walker.depth();
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "TextObject" => objects.push(text_object(&e, depth)),
                "TextCode" if code.is_none() => {
                    code = objects.last_mut().and_then(|o| text_code(&e, depth, o));
                }
                "Template" if depth == 2 => content.templates.extend(template_id(&e)),
                _ => {}
            },
            // An empty `TextObject` or `TextCode` has no text.
            Event::Empty(e) if depth == 1 && e.local_name().as_ref() == "Template" => {
                content.templates.extend(template_id(&e));
            }
            Event::Text(t) => {
                if let Some(code) = code.as_mut() {
                    code.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(code) = code.as_mut() {
                    code.text.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(code) = code.as_mut() {
                    code.text.extend(resolve_reference(&r));
                }
            }
            Event::End(_) => {
                if code.as_ref().is_some_and(|c| c.depth == depth) {
                    if let (Some(done), Some(object)) = (code.take(), objects.last_mut()) {
                        if let Some(mut run) = finish_code(done, object) {
                            let full = run.text.len() > *budget;
                            if full {
                                truncate_at_char(&mut run.text, *budget);
                            }
                            *budget -= run.text.len();
                            content.runs.push(run);
                            if full {
                                *budget = 0;
                                break;
                            }
                        }
                    }
                }
                if objects.last().is_some_and(|o| o.depth == depth) {
                    objects.pop();
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(content)
}

/// Cut `text` to at most `max` bytes, at a character boundary.
fn truncate_at_char(text: &mut String, max: usize) {
    if text.len() > max {
        let mut end = max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
}

fn template_id(e: &BytesStart<'_>) -> Option<String> {
    attribute(e, "TemplateID").map(|id| id.trim().to_owned())
}

fn text_object(e: &BytesStart<'_>, depth: usize) -> TextObject {
    let boundary = numbers(attribute(e, "Boundary").as_deref());
    let origin = (
        boundary.first().copied().unwrap_or(0.0),
        boundary.get(1).copied().unwrap_or(0.0),
    );
    let ctm = match numbers(attribute(e, "CTM").as_deref()).as_slice() {
        &[a, b, c, d, e, f] => [a, b, c, d, e, f],
        _ => [1.0, 0.0, 0.0, 1.0, 0.0, 0.0],
    };
    let size = attribute(e, "Size")
        .and_then(|s| number(&s))
        .map(|s| s * matrix_scale(&ctm))
        .filter(|s| *s > 0.01 && s.is_finite())
        .map_or(DEFAULT_SIZE, clamp);
    let hidden = attribute(e, "Visible").is_some_and(|v| v.trim() == "false");
    TextObject {
        depth,
        origin,
        ctm,
        size,
        hidden,
        next_x: 0.0,
        last_y: 0.0,
    }
}

/// A `TextCode` to collect, unless its object is hidden. `X`/`Y` are the
/// position of its first character in the object's coordinates; when they
/// are absent it goes on from the previous `TextCode`.
fn text_code(e: &BytesStart<'_>, depth: usize, object: &TextObject) -> Option<TextCode> {
    if object.hidden {
        return None;
    }
    let coordinate = |name| attribute(e, name).and_then(|v| number(&v));
    Some(TextCode {
        depth,
        x: coordinate("X").unwrap_or(object.next_x),
        y: coordinate("Y").unwrap_or(object.last_y),
        advance: attribute(e, "DeltaX").map(|d| delta_sum(&d)),
        text: String::new(),
    })
}

fn finish_code(code: TextCode, object: &mut TextObject) -> Option<Run> {
    let text: String = code
        .text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let last = text.chars().last()?;
    // Widths in the object's coordinates, as X and DeltaX are.
    let own_size = object.size / matrix_scale(&object.ctm);
    let width = match code.advance {
        Some(advance) => advance + char_width(last, own_size),
        None => text.chars().map(|c| char_width(c, own_size)).sum(),
    };
    object.next_x = clamp(code.x + width);
    object.last_y = code.y;
    let [a, b, c, d, e, f] = object.ctm;
    let x = clamp(object.origin.0 + a * code.x + c * code.y + e);
    let y = clamp(object.origin.1 + b * code.x + d * code.y + f);
    Some(Run {
        x,
        y,
        size: object.size,
        width: clamp((width * a).abs()),
        text,
    })
}

/// Sum of the advances in a `DeltaX`: numbers, where `g n v` stands for
/// `v` repeated `n` times.
fn delta_sum(delta: &str) -> f64 {
    let mut sum = 0.0;
    let mut tokens = delta.split_ascii_whitespace();
    while let Some(token) = tokens.next() {
        if token == "g" {
            let count = tokens.next().and_then(number).unwrap_or(0.0);
            let value = tokens.next().and_then(number).unwrap_or(0.0);
            sum += count * value;
        } else {
            sum += number(token).unwrap_or(0.0);
        }
    }
    clamp(sum)
}

/// A number as OFD writes them; absurd values are clamped, NaN is none.
fn number(s: &str) -> Option<f64> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| !v.is_nan())
        .map(clamp)
}

/// Up to six numbers separated by spaces (`Boundary`, `CTM`).
fn numbers(s: Option<&str>) -> Vec<f64> {
    s.unwrap_or_default()
        .split(|c: char| c.is_ascii_whitespace() || c == ',')
        .filter(|t| !t.is_empty())
        .take(6)
        .map(|t| number(t).unwrap_or(0.0))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docx::tests::zip_of;
    use crate::extract::{extract, SourceFormat};
    use proptest::prelude::*;

    const NS: &str = r#"xmlns:ofd="http://www.ofdspec.org/2016""#;

    fn ofd_xml(doc_root: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD {NS} Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0C7C3B3A</ofd:DocID><ofd:Title>通知</ofd:Title></ofd:DocInfo><ofd:DocRoot>{doc_root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
        )
    }

    /// `Document.xml` with pages (`BaseLoc`s) and templates (`ID`, `BaseLoc`).
    fn document_xml(pages: &[&str], templates: &[(&str, &str)]) -> String {
        let templates: String = templates
            .iter()
            .map(|(id, loc)| format!(r#"<ofd:TemplatePage ID="{id}" BaseLoc="{loc}"/>"#))
            .collect();
        let pages: String = pages
            .iter()
            .enumerate()
            .map(|(i, loc)| format!(r#"<ofd:Page ID="{}" BaseLoc="{loc}"/>"#, 100 + i))
            .collect();
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document {NS}><ofd:CommonData><ofd:MaxUnitID>999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>{templates}</ofd:CommonData><ofd:Pages>{pages}</ofd:Pages></ofd:Document>"#
        )
    }

    /// A page's `Content.xml` whose body layer holds `objects`; `head` goes
    /// before the content (a `Template` reference).
    fn page_xml(head: &str, objects: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page {NS}>{head}<ofd:Content><ofd:Layer ID="10" Type="Body">{objects}</ofd:Layer></ofd:Content></ofd:Page>"#
        )
    }

    /// One line of text at (`x`, baseline `y`) in font size `size`, as
    /// converters write it: a boundary box, the baseline at `Y` inside it.
    fn line(x: f64, y: f64, size: f64, text: &str) -> String {
        let advances = text.chars().count().saturating_sub(1);
        format!(
            r#"<ofd:TextObject ID="20" Boundary="{x} {} 170 {}" Font="5" Size="{size}"><ofd:FillColor Value="0 0 0"/><ofd:TextCode X="0" Y="{size}" DeltaX="g {advances} {size}">{text}</ofd:TextCode></ofd:TextObject>"#,
            y - size,
            size * 1.5,
        )
    }

    /// An OFD package of the given pages' content, `Doc_0/Pages/Page_i`.
    fn ofd_of(pages: &[String]) -> Vec<u8> {
        let locs: Vec<String> = (0..pages.len())
            .map(|i| format!("Pages/Page_{i}/Content.xml"))
            .collect();
        let loc_refs: Vec<&str> = locs.iter().map(String::as_str).collect();
        let root = ofd_xml("Doc_0/Document.xml");
        let document = document_xml(&loc_refs, &[]);
        let names: Vec<String> = locs.iter().map(|l| format!("Doc_0/{l}")).collect();
        let mut entries: Vec<(&str, &[u8])> = vec![
            ("OFD.xml", root.as_bytes()),
            ("Doc_0/Document.xml", document.as_bytes()),
        ];
        for (name, page) in names.iter().zip(pages) {
            entries.push((name, page.as_bytes()));
        }
        zip_of(&entries)
    }

    /// A one-page OFD whose page content is `content`, raw.
    fn ofd_with_content(content: &[u8]) -> Vec<u8> {
        let root = ofd_xml("Doc_0/Document.xml");
        let document = document_xml(
            &["Pages/Page_0/Content.xml"],
            &[("2", "Tpls/Tpl_0/Content.xml")],
        );
        zip_of(&[
            ("OFD.xml", root.as_bytes()),
            ("Doc_0/Document.xml", document.as_bytes()),
            ("Doc_0/Pages/Page_0/Content.xml", content),
            ("Doc_0/Tpls/Tpl_0/Content.xml", content),
        ])
    }

    fn is_corrupt(result: &Result<String, TextError>) -> bool {
        matches!(result, Err(TextError::CorruptFile { .. }))
    }

    /// A 通知 over two pages, with the 发文机关标志 drawn by a template, a
    /// red line, a paragraph as one text object of several lines, and the
    /// paragraph going on on the next page.
    fn notice() -> Vec<u8> {
        let template = page_xml(
            "",
            &format!(
                r#"{}<ofd:PathObject ID="30" Boundary="28 62 156 1" LineWidth="0.5"><ofd:AbbreviatedData>M 0 0 L 156 0</ofd:AbbreviatedData></ofd:PathObject>"#,
                line(40.0, 50.0, 15.0, "平安县人民政府办公室文件")
            ),
        );
        let paragraph = r#"<ofd:TextObject ID="40" Boundary="28 135 156 30" Font="5" Size="5.6"><ofd:TextCode X="11.2" Y="5.6" DeltaX="g 20 5.6">为切实减轻基层负担，经县人民政府同意，现将</ofd:TextCode><ofd:TextCode X="0" Y="15.6" DeltaX="g 8 5.6">有关事项通知如下：</ofd:TextCode></ofd:TextObject>"#;
        let page1 = page_xml(
            r#"<ofd:Template TemplateID="2" ZOrder="Background"/>"#,
            &[
                line(80.0, 75.6, 5.6, "平政办发〔2024〕12号"),
                line(40.0, 97.7, 7.7, "关于进一步做好基层减负"),
                line(75.0, 109.7, 7.7, "工作的通知"),
                line(28.0, 130.6, 5.6, "各乡镇人民政府，县直各单位："),
                paragraph.to_owned(),
                line(39.2, 160.6, 5.6, "一、严格控制发文数量。各单位要"),
                r#"<ofd:ImageObject ID="50" Boundary="130 250 40 40" ResourceID="60"/>"#.to_owned(),
            ]
            .concat(),
        );
        let page2 = page_xml(
            "",
            &[
                line(28.0, 40.6, 5.6, "精简文件，能不发的一律不发。"),
                line(110.0, 80.0, 5.6, "平安县人民政府办公室"),
                line(120.0, 90.0, 5.6, "2024年3月1日"),
                line(28.0, 260.0, 4.9, "抄送：县委办公室。"),
            ]
            .concat(),
        );
        let root = ofd_xml("Doc_0/Document.xml");
        let document = document_xml(
            &["Pages/Page_0/Content.xml", "Pages/Page_1/Content.xml"],
            &[("2", "Tpls/Tpl_0/Content.xml")],
        );
        zip_of(&[
            ("mimetype", b"application/ofd"),
            ("OFD.xml", root.as_bytes()),
            ("Doc_0/Document.xml", document.as_bytes()),
            ("Doc_0/Tpls/Tpl_0/Content.xml", template.as_bytes()),
            ("Doc_0/Pages/Page_0/Content.xml", page1.as_bytes()),
            ("Doc_0/Pages/Page_1/Content.xml", page2.as_bytes()),
        ])
    }

    const NOTICE_TEXT: &str = "平安县人民政府办公室文件
平政办发〔2024〕12号
关于进一步做好基层减负
工作的通知
各乡镇人民政府，县直各单位：
为切实减轻基层负担，经县人民政府同意，现将
有关事项通知如下：
一、严格控制发文数量。各单位要

精简文件，能不发的一律不发。
平安县人民政府办公室
2024年3月1日
抄送：县委办公室。
";

    #[test]
    fn two_page_notice() {
        let text = ofd_text(&notice()).unwrap();
        assert_eq!(text, NOTICE_TEXT);
        let doc = crate::parse_elements(&text);
        assert_eq!(doc.issuer_mark.as_deref(), Some("平安县人民政府办公室文件"));
        assert!(doc.doc_number.is_some(), "{doc:?}");
        assert_eq!(
            doc.title.as_deref(),
            Some("关于进一步做好基层减负工作的通知")
        );
        assert_eq!(
            doc.recipients.as_deref(),
            Some("各乡镇人民政府，县直各单位")
        );
        assert_eq!(doc.date, chrono::NaiveDate::from_ymd_opt(2024, 3, 1));
    }

    #[test]
    fn extract_reads_ofd_under_any_name() {
        let bytes = notice();
        for name in ["通知.ofd", "通知.docx", "通知"] {
            let got = extract(name, &bytes).unwrap();
            assert_eq!(got.format, SourceFormat::Ofd);
            assert_eq!(got.text, NOTICE_TEXT);
        }
        assert_eq!(
            serde_json::to_string(&SourceFormat::Ofd).unwrap(),
            "\"ofd\""
        );
    }

    #[test]
    fn objects_out_of_order_are_laid_out_by_coordinates() {
        let code = |x: f64, y: f64, text: &str| {
            format!(
                r#"<ofd:TextObject ID="1" Boundary="{x} {} 20 8" Size="5.6"><ofd:TextCode X="0" Y="5.6">{text}</ofd:TextCode></ofd:TextObject>"#,
                y - 5.6
            )
        };
        let objects = [
            // Two runs continued without X/Y.
            r#"<ofd:TextObject ID="2" Boundary="28 75 100 8" Size="5.6"><ofd:TextCode X="0" Y="5">前半</ofd:TextCode><ofd:TextCode>后半</ofd:TextCode></ofd:TextObject>"#.to_owned(),
            // 基层减负, one object per character, shuffled, one a hair lower.
            code(28.0 + 3.0 * 5.6, 70.0, "负"),
            code(28.0 + 2.0 * 5.6, 70.4, "减"),
            code(28.0, 70.0, "基"),
            code(28.0 + 5.6, 70.0, "层"),
            // Scaled by its CTM to baseline 95, beside unscaled text.
            r#"<ofd:TextObject ID="3" Boundary="60 85 50 10" Size="4"><ofd:TextCode X="0" Y="10">同行</ofd:TextCode></ofd:TextObject>"#.to_owned(),
            r#"<ofd:TextObject ID="4" Boundary="28 90 100 10" CTM="0.5 0 0 0.5 0 0" Size="8"><ofd:TextCode X="0" Y="10">缩放</ofd:TextCode></ofd:TextObject>"#.to_owned(),
            // 签发人 at the right end, written before the number.
            code(130.0, 50.0, "签发人：张三"),
            code(28.0, 50.0, "平政发〔2024〕1号"),
            // Fake bold: the same text twice, a hair apart.
            code(39.3, 60.0, "标题"),
            code(39.2, 60.0, "标题"),
            code(28.0, 60.0, "关于"),
            r#"<ofd:TextObject ID="5" Boundary="28 100 50 8" Size="5.6" Visible="false"><ofd:TextCode X="0" Y="5.6">隐藏</ofd:TextCode></ofd:TextObject>"#.to_owned(),
        ]
        .concat();
        let text = ofd_text(&ofd_of(&[page_xml("", &objects)])).unwrap();
        assert_eq!(
            text,
            "平政发〔2024〕1号 签发人：张三\n关于标题\n基层减负\n前半后半\n缩放 同行\n"
        );
    }

    #[test]
    fn namespace_without_prefix_and_nested_blocks() {
        let root = r#"<OFD xmlns="http://www.ofdspec.org/2016" Version="1.0"><DocBody><DocRoot> /Doc_0/Document.xml </DocRoot></DocBody></OFD>"#;
        let document = r#"<Document xmlns="http://www.ofdspec.org/2016"><CommonData/><Pages><Page ID="1" BaseLoc="/Doc_0/Pages/Page_0/Content.xml"></Page><Page ID="2" BaseLoc="Pages\Page_1\..\Page_0\.\Content.xml"/></Pages></Document>"#;
        let page = r#"<Page xmlns="http://www.ofdspec.org/2016"><Content><Layer ID="1"><PageBlock ID="2"><PageBlock ID="3"><TextObject ID="4" Boundary="28 40 100 10" Size="5"><TextCode X="0" Y="5">A&amp;B&#x4E2D;<![CDATA[<文>]]></TextCode></TextObject></PageBlock></PageBlock></Layer></Content></Page>"#;
        let bytes = zip_of(&[
            ("OFD.xml", root.as_bytes()),
            ("Doc_0/Document.xml", document.as_bytes()),
            ("Doc_0/Pages/Page_0/Content.xml", page.as_bytes()),
        ]);
        assert_eq!(ofd_text(&bytes).unwrap(), "A&B中<文>\n\nA&B中<文>\n");
    }

    #[test]
    fn paths() {
        assert_eq!(
            resolve("Doc_0", "Pages/Page_0/Content.xml").as_deref(),
            Some("Doc_0/Pages/Page_0/Content.xml")
        );
        assert_eq!(
            resolve("Doc_0", "/Doc_1/a.xml").as_deref(),
            Some("Doc_1/a.xml")
        );
        assert_eq!(resolve("Doc_0", "../OFD.xml").as_deref(), Some("OFD.xml"));
        assert_eq!(resolve("Doc_0", "../../etc/passwd"), None);
        assert_eq!(resolve("", ".."), None);
        assert_eq!(resolve("Doc_0", "  "), None);
        assert_eq!(resolve("", &"a/".repeat(600)), None);
        // Root-relative without the slash, as some producers write it.
        let page = page_xml("", &line(28.0, 40.0, 5.6, "正文"));
        let bytes = zip_of(&[
            ("OFD.xml", ofd_xml("Doc_0/Document.xml").as_bytes()),
            (
                "Doc_0/Document.xml",
                document_xml(&["Doc_0/Pages/Page_0/Content.xml"], &[]).as_bytes(),
            ),
            ("Doc_0/Pages/Page_0/Content.xml", page.as_bytes()),
        ]);
        assert_eq!(ofd_text(&bytes).unwrap(), "正文\n");
    }

    #[test]
    fn missing_parts_are_corrupt() {
        let page = page_xml("", &line(28.0, 40.0, 5.6, "正文"));
        let document = document_xml(&["Pages/Page_0/Content.xml"], &[]);
        // No Document.xml.
        let bytes = zip_of(&[
            ("OFD.xml", ofd_xml("Doc_0/Document.xml").as_bytes()),
            ("Doc_0/Pages/Page_0/Content.xml", page.as_bytes()),
        ]);
        let err = ofd_text(&bytes).unwrap_err();
        assert_eq!(err.code(), "corrupt_file");
        assert!(err.to_string().contains("Document.xml"), "{err}");
        // No DocRoot, a DocRoot out of the package, malformed Document.xml.
        for (root, document) in [
            ("<ofd:OFD/>".to_owned(), document.clone()),
            (ofd_xml("../../Document.xml"), document.clone()),
            (
                ofd_xml("Doc_0/Document.xml"),
                "<ofd:Document><ofd:Pages>".to_owned(),
            ),
        ] {
            let bytes = zip_of(&[
                ("OFD.xml", root.as_bytes()),
                ("Doc_0/Document.xml", document.as_bytes()),
                ("Doc_0/Pages/Page_0/Content.xml", page.as_bytes()),
            ]);
            assert!(is_corrupt(&ofd_text(&bytes)), "{root} {document}");
        }
        // No pages, or none of the pages there.
        for pages in [&[][..], &["Pages/Page_9/Content.xml", "../../x.xml"][..]] {
            let bytes = zip_of(&[
                ("OFD.xml", ofd_xml("Doc_0/Document.xml").as_bytes()),
                ("Doc_0/Document.xml", document_xml(pages, &[]).as_bytes()),
            ]);
            assert!(is_corrupt(&ofd_text(&bytes)), "{pages:?}");
        }
        // A missing page among others is skipped; a missing template too.
        let bytes = zip_of(&[
            ("OFD.xml", ofd_xml("Doc_0/Document.xml").as_bytes()),
            (
                "Doc_0/Document.xml",
                document_xml(
                    &["Pages/Page_9/Content.xml", "Pages/Page_0/Content.xml"],
                    &[("7", "Tpls/none.xml")],
                )
                .as_bytes(),
            ),
            (
                "Doc_0/Pages/Page_0/Content.xml",
                page_xml(
                    r#"<ofd:Template TemplateID="7"/><ofd:Template TemplateID="8"/>"#,
                    &line(28.0, 40.0, 5.6, "正文"),
                )
                .as_bytes(),
            ),
        ]);
        assert_eq!(ofd_text(&bytes).unwrap(), "正文\n");
    }

    #[test]
    fn image_only_ofd_has_no_text_layer() {
        let scan = page_xml(
            "",
            r#"<ofd:ImageObject ID="5" Boundary="0 0 210 297" CTM="210 0 0 297 0 0" ResourceID="6"/><ofd:TextObject ID="7" Boundary="0 0 1 1" Size="3"><ofd:TextCode X="0" Y="1">  </ofd:TextCode></ofd:TextObject>"#,
        );
        let bytes = ofd_of(&[scan.clone(), scan]);
        assert_eq!(ofd_text(&bytes), Err(TextError::OfdWithoutText));
        let err = extract("扫描件.ofd", &bytes).unwrap_err();
        assert_eq!(err.code(), "ofd_without_text");
        assert!(err.to_string().starts_with("该OFD文件没有文字层"), "{err}");
    }

    #[test]
    fn zip_bomb_content_is_refused() {
        let mut bomb = page_xml("", "").into_bytes();
        bomb.extend(vec![b' '; 5 * 1024 * 1024]);
        assert_eq!(
            ofd_text(&ofd_with_content(&bomb)),
            Err(TextError::SuspiciousCompression)
        );
        // All parts together are capped too, not only each one.
        let page = page_xml("", &line(28.0, 40.0, 5.6, &"基层减负".repeat(100)));
        let limits = ZipLimits {
            max_total_bytes: 4096,
            ..ZipLimits::default()
        };
        let bytes = ofd_of(&[page.clone(), page.clone(), page]);
        assert_eq!(
            ofd_text_with(&bytes, &limits),
            Err(TextError::ContentTooLarge { limit_bytes: 4096 })
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        let depth = 10_000;
        let blocks = format!(
            "{}{}",
            "<ofd:PageBlock>".repeat(depth),
            "</ofd:PageBlock>".repeat(depth)
        );
        let bytes = ofd_of(&[page_xml("", &blocks)]);
        assert_eq!(ofd_text(&bytes), Err(TextError::NestingTooDeep));
        let root = format!("<a>{}</a>", "<b>".repeat(depth));
        let bytes = zip_of(&[("OFD.xml", root.as_bytes())]);
        assert_eq!(ofd_text(&bytes), Err(TextError::NestingTooDeep));
    }

    #[test]
    fn absurd_numbers_do_not_break_the_layout() {
        let objects = [
            r#"<ofd:TextObject ID="1" Boundary="NaN inf" Size="NaN" CTM="1e308 1e308 -1e308 0 NaN x"><ofd:TextCode X="1e400" Y="-inf" DeltaX="g 1e300 1e300 g">甲</ofd:TextCode></ofd:TextObject>"#,
            r#"<ofd:TextObject ID="2" Boundary="-5 -5 0 0" Size="-3"><ofd:TextCode X="NaN" Y="NaN" DeltaX="x y g">乙</ofd:TextCode></ofd:TextObject>"#,
            r#"<ofd:TextObject ID="3" Boundary="" Size="0" CTM="0 0 0 0 0 0"><ofd:TextCode X="" Y="">丙</ofd:TextCode></ofd:TextObject>"#,
        ]
        .concat();
        let text = ofd_text(&ofd_of(&[page_xml("", &objects)])).unwrap();
        for c in ["甲", "乙", "丙"] {
            assert!(text.contains(c), "{text}");
        }
    }

    #[test]
    fn huge_text_code_is_cut_not_refused() {
        let limits = ZipLimits {
            max_ratio: 1_000_000,
            ..ZipLimits::default()
        };
        let huge = "字".repeat(MAX_TEXT_BYTES / 3 + 1000);
        let bytes = ofd_of(&[page_xml("", &line(28.0, 40.0, 5.6, &huge))]);
        let text = ofd_text_with(&bytes, &limits).unwrap();
        assert!(text.starts_with("字字字"));
        assert!(text.len() <= MAX_TEXT_BYTES + 1, "{}", text.len());
    }

    #[test]
    fn pages_read_are_capped() {
        // Every page entry names the same part: read at most MAX_PAGES times.
        let pages = vec!["Pages/Page_0/Content.xml"; 5000];
        let page = page_xml("", &line(28.0, 40.0, 5.6, "同一页"));
        let bytes = zip_of(&[
            ("OFD.xml", ofd_xml("Doc_0/Document.xml").as_bytes()),
            ("Doc_0/Document.xml", document_xml(&pages, &[]).as_bytes()),
            ("Doc_0/Pages/Page_0/Content.xml", page.as_bytes()),
        ]);
        let text = ofd_text(&bytes).unwrap();
        assert_eq!(text.matches("同一页").count(), MAX_PAGES);
    }

    #[test]
    fn truncated_and_flipped_packages_never_panic() {
        let bytes = notice();
        for cut in (0..bytes.len()).step_by(11) {
            assert!(ofd_text(&bytes[..cut]).is_err(), "cut at {cut} still read");
        }
        for i in (0..bytes.len()).step_by(3) {
            let mut broken = bytes.clone();
            broken[i] ^= 0x5A;
            let _ = ofd_text(&broken);
        }
    }

    /// Pieces of page content, valid and not, for the proptest to shuffle.
    const FRAGMENTS: &[&str] = &[
        r#"<ofd:TextObject ID="1" Boundary="NaN 1e999 -0 x" Size="1e-300" CTM="1 0 0 1 0 0">"#,
        r#"<ofd:TextObject Boundary="28 40 100 10" Size="5.6">"#,
        "</ofd:TextObject>",
        r#"<ofd:TextCode X="0" Y="5.6" DeltaX="g 3 5.6">"#,
        r#"<ofd:TextCode X="-1e308" DeltaX="g g g">"#,
        "<ofd:TextCode>",
        "</ofd:TextCode>",
        "<ofd:TextCode/>",
        "<ofd:PageBlock>",
        "</ofd:PageBlock>",
        r#"<ofd:Template TemplateID="2"/>"#,
        "<ofd:Content><ofd:Layer>",
        "</ofd:Layer></ofd:Content>",
        "减负",
        "&amp;",
        "&nope;",
        "&#0;",
        "<![CDATA[文]]>",
        "\u{0}",
        "<",
    ];

    proptest! {
        #[test]
        fn arbitrary_content_never_panics(content in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let _ = ofd_text(&ofd_with_content(&content));
        }

        #[test]
        fn shuffled_fragments_never_panic(picks in proptest::collection::vec(0..FRAGMENTS.len(), 0..80)) {
            let body: String = picks.iter().map(|&i| FRAGMENTS[i]).collect();
            let content = format!("<ofd:Page {NS}>{body}</ofd:Page>");
            let _ = ofd_text(&ofd_with_content(content.as_bytes()));
        }
    }
}
