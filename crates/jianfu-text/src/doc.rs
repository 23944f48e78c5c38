//! Paragraph text of a Word 97–2003 .doc and of a WPS 文字 .wps.
//!
//! Both are OLE compound files (read with the `cfb` crate) holding a
//! `WordDocument` stream in the binary format of [MS-DOC]: the File
//! Information Block (FIB) at its start says whether the file is encrypted,
//! which table stream (`0Table` or `1Table`) holds the piece table, and how
//! many characters the main document has. The piece table (the `PlcPcd` in
//! the CLX) maps runs of character positions to bytes of the `WordDocument`
//! stream, each run either 8-bit ("compressed", code page 1252) or UTF-16LE;
//! Chinese text is always in UTF-16 pieces. WPS Office writes its .wps in
//! the same format; an older Kingsoft layout without a `WordDocument` stream,
//! and Word 95 or earlier, are refused with a message saying what to do.
//!
//! Only the main document is read, not the headers, footnotes or text
//! boxes. Every length in the file is a claim: each one is checked against
//! the bytes actually there, the stream read and the pieces walked are
//! capped, the text kept is capped, and reading stops at a deadline.

use std::io::{Cursor, Read, Seek, SeekFrom};
use std::time::{Duration, Instant};

use cfb::CompoundFile;

use crate::docx::{classify_ole, ole_error, OleKind};
use crate::TextError;

/// Bounds on the work one .doc or .wps may cause.
#[derive(Debug, Clone)]
pub struct DocLimits {
    /// Most bytes the `WordDocument` stream may hold (of the table stream only
    /// the piece table is read, no longer than the file).
    pub max_stream_bytes: u64,
    /// Most pieces in the piece table; Word writes a few per edit session.
    pub max_pieces: usize,
    /// Most characters of text kept; the rest is dropped, as for a PDF.
    pub max_chars: usize,
    /// Wall-clock budget for one document.
    pub time_budget: Duration,
}

impl Default for DocLimits {
    fn default() -> Self {
        DocLimits {
            max_stream_bytes: 20 * 1024 * 1024,
            max_pieces: 100_000,
            max_chars: 2_000_000,
            time_budget: Duration::from_secs(10),
        }
    }
}

/// Which of the two formats a file turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordBinary {
    /// Word 97–2003 .doc.
    Doc,
    /// WPS 文字 .wps (the same format, written by WPS Office).
    Wps,
}

/// The text of a .doc or .wps and which it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocText {
    /// One line per paragraph, `\n` line ends.
    pub text: String,
    pub format: WordBinary,
}

/// `wIdent` of a Word 97 and later FIB.
const WORD97_IDENT: u16 = 0xA5EC;
/// `wIdent` of a Word 6.0/95 FIB.
const WORD6_IDENT: u16 = 0xA5DC;
/// Lowest `nFib` of the Word 97 format. Word 97 and every later version
/// write 0x00C1 here (a later version's own number is further on, in
/// `FibRgCswNew`); Word 95 and earlier wrote 0x0065–0x0069.
const WORD97_NFIB: u16 = 0x00C0;
/// FibBase flags.
const F_ENCRYPTED: u16 = 0x0100;
const F_WHICH_TBL_STM: u16 = 0x0200;
const F_OBFUSCATED: u16 = 0x8000;
/// Index of `ccpText` in `FibRgLw97`, and of the `fcClx`/`lcbClx` pair in
/// `FibRgFcLcb97`.
const CCP_TEXT_INDEX: usize = 3;
const CLX_INDEX: usize = 33;
/// Bits of a piece's `FcCompressed`.
const FC_MASK: u32 = 0x3FFF_FFFF;
const FC_COMPRESSED: u32 = 0x4000_0000;
/// Root streams by which WPS Office marks its files.
const WPS_STREAMS: &[&str] = &["WpsCustomData", "WpsContent"];

/// The text of a .doc or .wps with default limits.
pub fn doc_text(bytes: &[u8]) -> Result<String, TextError> {
    doc_text_with(bytes, None, &DocLimits::default()).map(|d| d.text)
}

/// The text of an OLE file read as a .doc or .wps; `extension` (lowercase,
/// with its dot) is the uploaded name's hint, used to tell a .wps apart and
/// to name a file we do not read.
pub fn doc_text_with(
    bytes: &[u8],
    extension: Option<&str>,
    limits: &DocLimits,
) -> Result<DocText, TextError> {
    let deadline = Instant::now() + limits.time_budget;
    let Ok(mut file) = CompoundFile::open(Cursor::new(bytes)) else {
        return Err(unopened_error(bytes, extension));
    };
    let wps = extension == Some(".wps") || WPS_STREAMS.iter().any(|s| file.is_stream(s));
    if file.is_stream("EncryptedPackage") {
        return Err(TextError::Encrypted);
    }
    if !file.is_stream("WordDocument") {
        return Err(if wps || classify_ole(bytes) == OleKind::Wps {
            old_wps()
        } else {
            not_word_error(bytes, extension)
        });
    }
    let word = read_stream(
        &mut file,
        "WordDocument",
        limits.max_stream_bytes,
        bytes.len(),
    )?;
    let fib = Fib::parse(&word, wps)?;
    let table = if fib.flags & F_WHICH_TBL_STM != 0 {
        "1Table"
    } else {
        "0Table"
    };
    let clx = read_range(&mut file, table, fib.fc_clx, fib.lcb_clx, bytes.len())?;
    let pieces = piece_table(&clx, limits.max_pieces)?;
    let text = main_text(&word, &pieces, fib.ccp_text, limits, deadline)?;
    let format = if wps {
        WordBinary::Wps
    } else {
        WordBinary::Doc
    };
    Ok(DocText { text, format })
}

/// The parts of the FIB we use.
struct Fib {
    flags: u16,
    ccp_text: u32,
    fc_clx: u32,
    lcb_clx: u32,
}

impl Fib {
    /// Read the FIB at the start of the `WordDocument` stream; `wps` says
    /// which format to name if the FIB is not one we read.
    fn parse(word: &[u8], wps: bool) -> Result<Fib, TextError> {
        let short = || TextError::corrupt("Word文件头不完整");
        let ident = u16_at(word, 0).ok_or_else(short)?;
        let n_fib = u16_at(word, 2).ok_or_else(short)?;
        match ident {
            WORD97_IDENT if n_fib >= WORD97_NFIB => {}
            _ if wps => return Err(old_wps()),
            WORD97_IDENT | WORD6_IDENT => return Err(old_word()),
            _ => return Err(TextError::corrupt("不是有效的Word文件头")),
        }
        let flags = u16_at(word, 10).ok_or_else(short)?;
        if flags & (F_ENCRYPTED | F_OBFUSCATED) != 0 {
            return Err(TextError::Encrypted);
        }
        // FibBase (32 bytes), then three arrays each preceded by its count:
        // csw 16-bit words, cslw 32-bit words, cbRgFcLcb pairs of 32-bit words.
        let csw = usize::from(u16_at(word, 32).ok_or_else(short)?);
        let rg_lw = 34 + csw * 2;
        let cslw = usize::from(u16_at(word, rg_lw).ok_or_else(short)?);
        let rg_fc_lcb = rg_lw + 2 + cslw * 4;
        let pairs = usize::from(u16_at(word, rg_fc_lcb).ok_or_else(short)?);
        if cslw <= CCP_TEXT_INDEX || pairs <= CLX_INDEX {
            return Err(short());
        }
        let clx_at = rg_fc_lcb + 2 + CLX_INDEX * 8;
        Ok(Fib {
            flags,
            ccp_text: u32_at(word, rg_lw + 2 + CCP_TEXT_INDEX * 4).ok_or_else(short)?,
            fc_clx: u32_at(word, clx_at).ok_or_else(short)?,
            lcb_clx: u32_at(word, clx_at + 4).ok_or_else(short)?,
        })
    }
}

/// The whole of a root stream, refused past `limit` bytes. The declared
/// size is a claim: memory is reserved for no more than the file holds.
fn read_stream(
    file: &mut CompoundFile<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
    file_len: usize,
) -> Result<Vec<u8>, TextError> {
    let len = file.entry(name).map_err(|_| missing(name))?.len();
    if len > limit {
        return Err(TextError::ContentTooLarge { limit_bytes: limit });
    }
    let mut stream = file.open_stream(name).map_err(|_| missing(name))?;
    let reserve = usize::try_from(len).unwrap_or(usize::MAX).min(file_len);
    let mut out = Vec::with_capacity(reserve);
    stream
        .by_ref()
        .take(len)
        .read_to_end(&mut out)
        .map_err(|_| TextError::corrupt("文档数据不完整"))?;
    Ok(out)
}

/// `len` bytes at `offset` of a root stream, checked against the stream's
/// declared size and the file's (no stream holds more than the file).
fn read_range(
    file: &mut CompoundFile<Cursor<&[u8]>>,
    name: &str,
    offset: u32,
    len: u32,
    file_len: usize,
) -> Result<Vec<u8>, TextError> {
    let size = file.entry(name).map_err(|_| missing(name))?.len();
    let end = u64::from(offset) + u64::from(len);
    if end > size || len as usize > file_len {
        return Err(TextError::corrupt("文档分段表位置超出文件范围"));
    }
    let mut stream = file.open_stream(name).map_err(|_| missing(name))?;
    let mut out = vec![0; len as usize];
    stream
        .seek(SeekFrom::Start(u64::from(offset)))
        .and_then(|_| stream.read_exact(&mut out))
        .map_err(|_| TextError::corrupt("文档数据不完整"))?;
    Ok(out)
}

fn missing(stream: &str) -> TextError {
    TextError::corrupt(format!("缺少{stream}数据流"))
}

/// One piece: the character positions `cp_start..cp_end` are at byte `fc`
/// of the `WordDocument` stream, one byte or two per character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    cp_start: u32,
    cp_end: u32,
    fc: u32,
    compressed: bool,
}

/// The pieces of the CLX: any number of `Prc` (property modifiers, skipped)
/// then one `Pcdt` holding the `PlcPcd`.
fn piece_table(clx: &[u8], max_pieces: usize) -> Result<Vec<Piece>, TextError> {
    let broken = || TextError::corrupt("文档分段表异常");
    let mut at = 0usize;
    let plc = loop {
        match clx.get(at) {
            Some(0x01) => {
                let size = u16_at(clx, at + 1).ok_or_else(broken)?;
                // cbGrpprl is signed; a negative size is damage.
                if size > 0x7FFF {
                    return Err(broken());
                }
                at += 3 + usize::from(size);
            }
            Some(0x02) => {
                let lcb = u32_at(clx, at + 1).ok_or_else(broken)? as usize;
                let start = at + 5;
                break clx
                    .get(start..start.saturating_add(lcb))
                    .ok_or_else(broken)?;
            }
            _ => return Err(broken()),
        }
    };
    // n + 1 character positions, then n 8-byte piece descriptors.
    if plc.len() < 4 || (plc.len() - 4) % 12 != 0 {
        return Err(broken());
    }
    let count = (plc.len() - 4) / 12;
    if count > max_pieces {
        return Err(TextError::corrupt("文档分段数量异常"));
    }
    let descriptors = (count + 1) * 4;
    (0..count)
        .map(|i| {
            let cp_start = u32_at(plc, i * 4).ok_or_else(broken)?;
            let cp_end = u32_at(plc, i * 4 + 4).ok_or_else(broken)?;
            let fc = u32_at(plc, descriptors + i * 8 + 2).ok_or_else(broken)?;
            if cp_end < cp_start {
                return Err(broken());
            }
            Ok(Piece {
                cp_start,
                cp_end,
                fc: fc & FC_MASK,
                compressed: fc & FC_COMPRESSED != 0,
            })
        })
        .collect()
}

/// The main document's text: the first `ccp_text` characters, piece by piece.
fn main_text(
    word: &[u8],
    pieces: &[Piece],
    ccp_text: u32,
    limits: &DocLimits,
    deadline: Instant,
) -> Result<String, TextError> {
    let mut sink = Paragraphs::default();
    let mut budget = limits.max_chars;
    for piece in pieces {
        if Instant::now() > deadline {
            return Err(TextError::Timeout);
        }
        if piece.cp_start >= ccp_text || budget == 0 {
            break;
        }
        let chars = (piece.cp_end.min(ccp_text) - piece.cp_start) as usize;
        let chars = chars.min(budget);
        budget -= chars;
        let outside = || TextError::corrupt("正文位置超出文件范围");
        if piece.compressed {
            let start = piece.fc as usize / 2;
            let bytes = word.get(start..start + chars).ok_or_else(outside)?;
            // Code page 1252, as [MS-DOC] 2.4.1 lists for compressed text:
            // one character per byte.
            let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
            text.chars().for_each(|c| sink.push(c));
        } else {
            let start = piece.fc as usize;
            let bytes = word.get(start..start + chars * 2).ok_or_else(outside)?;
            let units = bytes
                .chunks_exact(2)
                .map(|u| u16::from_le_bytes([u[0], u[1]]));
            for c in char::decode_utf16(units) {
                sink.push(c.unwrap_or(char::REPLACEMENT_CHARACTER));
            }
        }
    }
    Ok(sink.out)
}

/// Word's text stream turned into lines: a paragraph mark, a line break, a
/// page or section break, and a table cell's end each end a line (the mark
/// that ends a table row follows a cell's end, on an empty line, and is
/// dropped); of a field, the code is dropped and the result kept; other
/// control characters (pictures, drawn objects, note references) are
/// dropped.
#[derive(Default)]
struct Paragraphs {
    out: String,
    /// Open fields, innermost last: whether still in the field's code.
    fields: Vec<bool>,
    /// How many open fields are in their code.
    in_code: usize,
    /// Whether the current line has any text.
    line_has_text: bool,
}

impl Paragraphs {
    fn push(&mut self, c: char) {
        match c {
            '\u{13}' => {
                self.fields.push(true);
                self.in_code += 1;
            }
            '\u{14}' => {
                if let Some(code) = self.fields.last_mut() {
                    if *code {
                        *code = false;
                        self.in_code -= 1;
                    }
                }
            }
            '\u{15}' => {
                if self.fields.pop() == Some(true) {
                    self.in_code -= 1;
                }
            }
            _ if self.in_code > 0 => {}
            '\r' | '\u{0B}' | '\u{0C}' => self.end_line(),
            '\u{07}' if self.line_has_text => self.end_line(),
            '\t' => self.text('\t'),
            '\u{1E}' => self.text('-'),
            c if c.is_control() => {}
            c => self.text(c),
        }
    }

    fn text(&mut self, c: char) {
        self.out.push(c);
        self.line_has_text = true;
    }

    fn end_line(&mut self) {
        self.out.push('\n');
        self.line_has_text = false;
    }
}

/// An OLE file `cfb` cannot open: name it from the raw directory when it is
/// plainly something else, else call it damaged.
fn unopened_error(bytes: &[u8], extension: Option<&str>) -> TextError {
    match classify_ole(bytes) {
        OleKind::EncryptedOoxml => TextError::Encrypted,
        OleKind::Spreadsheet | OleKind::Presentation => ole_error(bytes, extension),
        _ => TextError::corrupt("复合文档结构异常"),
    }
}

/// An OLE file without a `WordDocument` stream that is not a .wps: an
/// .xls, a .ppt or an encrypted .docx is named, a .doc is damaged.
fn not_word_error(bytes: &[u8], extension: Option<&str>) -> TextError {
    match (classify_ole(bytes), extension) {
        (OleKind::Spreadsheet | OleKind::Presentation | OleKind::EncryptedOoxml, _) => {
            ole_error(bytes, extension)
        }
        // `WordDocument` below the root is an embedded object's.
        (OleKind::WordDoc | OleKind::Wps, _) | (_, Some(".doc")) => missing("WordDocument"),
        _ => ole_error(bytes, extension),
    }
}

pub(crate) fn old_word() -> TextError {
    TextError::UnsupportedVersion {
        format: "Word 95及更早版本的.doc文件".to_owned(),
    }
}

pub(crate) fn old_wps() -> TextError {
    TextError::UnsupportedVersion {
        format: "早期版本的WPS文字文件（.wps）".to_owned(),
    }
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let b = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let b = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::io::Write;

    /// The text of one piece, 8-bit (code page 1252) or UTF-16.
    #[derive(Debug, Clone, Copy)]
    pub(crate) enum TextPiece<'a> {
        Compressed(&'a str),
        Unicode(&'a str),
    }

    /// Where the pieces' text starts in the `WordDocument` stream, past the FIB.
    const TEXT_AT: usize = 0x600;

    /// An OLE compound file of the given root streams, as `cfb` writes it
    /// (version 3, 512-byte sectors, as Word writes a .doc).
    pub(crate) fn ole_of(streams: &[(&str, &[u8])]) -> Vec<u8> {
        let mut file =
            CompoundFile::create_with_version(cfb::Version::V3, Cursor::new(Vec::new())).unwrap();
        for (name, content) in streams {
            file.create_stream(name)
                .unwrap()
                .write_all(content)
                .unwrap();
        }
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    /// The FIB of a Word 97 file (the table stream `1Table`) whose main
    /// document has `ccp_text` characters and whose CLX is at `fc_clx`.
    fn fib(ccp_text: u32, fc_clx: u32, lcb_clx: u32) -> Vec<u8> {
        let mut fib = vec![0u8; 32];
        fib[0..2].copy_from_slice(&WORD97_IDENT.to_le_bytes());
        fib[2..4].copy_from_slice(&0x00C1u16.to_le_bytes());
        fib[10..12].copy_from_slice(&F_WHICH_TBL_STM.to_le_bytes());
        // csw 14 words; cslw 22 longs with ccpText; 93 fc/lcb pairs with the CLX.
        fib.extend(14u16.to_le_bytes());
        fib.extend([0u8; 28]);
        fib.extend(22u16.to_le_bytes());
        let mut lw = [0u32; 22];
        lw[CCP_TEXT_INDEX] = ccp_text;
        fib.extend(lw.iter().flat_map(|l| l.to_le_bytes()));
        fib.extend(93u16.to_le_bytes());
        let mut pairs = [0u32; 93 * 2];
        pairs[CLX_INDEX * 2] = fc_clx;
        pairs[CLX_INDEX * 2 + 1] = lcb_clx;
        fib.extend(pairs.iter().flat_map(|l| l.to_le_bytes()));
        fib
    }

    /// The `WordDocument` and `1Table` streams of a document made of these
    /// pieces, their text stored last piece first (so only the piece table
    /// puts it in order), the main document `ccp_text` characters long.
    pub(crate) fn word_streams(pieces: &[TextPiece], ccp_text: Option<u32>) -> (Vec<u8>, Vec<u8>) {
        let mut text = Vec::new();
        let mut placed = Vec::new();
        for piece in pieces.iter().rev() {
            let at = (TEXT_AT + text.len()) as u32;
            match piece {
                TextPiece::Compressed(s) => {
                    let (bytes, _, lossy) = encoding_rs::WINDOWS_1252.encode(s);
                    assert!(!lossy, "{s} is not code page 1252");
                    text.extend_from_slice(&bytes);
                    placed.push((bytes.len() as u32, (at * 2) | FC_COMPRESSED));
                }
                TextPiece::Unicode(s) => {
                    let units: Vec<u16> = s.encode_utf16().collect();
                    text.extend(units.iter().flat_map(|u| u.to_le_bytes()));
                    placed.push((units.len() as u32, at));
                }
            }
        }
        placed.reverse();
        let mut cps = vec![0u32];
        for (chars, _) in &placed {
            cps.push(cps.last().unwrap() + chars);
        }
        let mut plc: Vec<u8> = cps.iter().flat_map(|cp| cp.to_le_bytes()).collect();
        for (_, fc) in &placed {
            plc.extend([0u8, 0]);
            plc.extend(fc.to_le_bytes());
            plc.extend([0u8, 0]);
        }
        // A table stream starts with other structures; then the CLX: one
        // property modifier (skipped), then the piece table.
        let mut table = b"STSH".to_vec();
        let fc_clx = table.len() as u32;
        table.extend([0x01, 3, 0, 0xAA, 0xBB, 0xCC, 0x02]);
        table.extend((plc.len() as u32).to_le_bytes());
        table.extend(&plc);
        let lcb_clx = table.len() as u32 - fc_clx;
        table.extend(b"tail");
        let ccp_text = ccp_text.unwrap_or(*cps.last().unwrap());
        let mut word = fib(ccp_text, fc_clx, lcb_clx);
        word.resize(TEXT_AT, 0);
        word.extend(text);
        (word, table)
    }

    /// A Word 97 .doc of these pieces.
    pub(crate) fn word_file(pieces: &[TextPiece]) -> Vec<u8> {
        let (word, table) = word_streams(pieces, None);
        ole_of(&[("WordDocument", &word), ("1Table", &table)])
    }

    fn read(bytes: &[u8], extension: Option<&str>) -> Result<DocText, TextError> {
        doc_text_with(bytes, extension, &DocLimits::default())
    }

    #[test]
    fn compressed_and_unicode_pieces_in_piece_order() {
        let bytes = word_file(&[
            TextPiece::Compressed("Notice No. 12\r"),
            TextPiece::Unicode("关于做好基层减负工作的通知\r"),
            TextPiece::Compressed("caf\u{e9} \u{201C}ok\u{201D}\r"),
        ]);
        assert_eq!(
            doc_text(&bytes).unwrap(),
            "Notice No. 12\n关于做好基层减负工作的通知\ncafé “ok”\n"
        );
        assert_eq!(read(&bytes, Some(".doc")).unwrap().format, WordBinary::Doc);
    }

    #[test]
    fn fields_keep_their_result_and_drop_their_code() {
        let bytes = word_file(&[
            TextPiece::Unicode("详见\u{13} HYPERLINK \"http://x.gov.cn\" \u{14}县政府"),
            TextPiece::Compressed("web"),
            TextPiece::Unicode("网站\u{15}。\r第\u{13} PAGE \u{15}页\r"),
            // Nested: an IF whose condition holds a PAGE field.
            TextPiece::Unicode(
                "\u{13} IF \u{13} PAGE \u{14}1\u{15} = 1 \u{14}首页\u{15}\r\u{15}完\r",
            ),
        ]);
        assert_eq!(
            doc_text(&bytes).unwrap(),
            "详见县政府web网站。\n第页\n首页\n完\n"
        );
    }

    #[test]
    fn tables_breaks_and_special_characters() {
        let bytes = word_file(&[TextPiece::Unicode(
            "序号\u{7}发文单位\u{7}\u{7}1\u{7}县教育局\u{7}\u{7}附件：\t1\u{0B}2\u{0C}非\u{1E}断\u{1F}行\u{1}\u{8}\r",
        )]);
        assert_eq!(
            doc_text(&bytes).unwrap(),
            "序号\n发文单位\n1\n县教育局\n附件：\t1\n2\n非-断行\n"
        );
    }

    #[test]
    fn only_the_main_document_is_read() {
        // The footnotes' text follows the main document's ccpText characters.
        let (word, table) = word_streams(
            &[TextPiece::Unicode("正文\r"), TextPiece::Unicode("脚注\r")],
            Some(3),
        );
        let bytes = ole_of(&[("WordDocument", &word), ("1Table", &table)]);
        assert_eq!(doc_text(&bytes).unwrap(), "正文\n");
    }

    #[test]
    fn the_table_stream_named_by_the_fib() {
        let (mut word, table) = word_streams(&[TextPiece::Unicode("正文\r")], None);
        word[10..12].copy_from_slice(&0u16.to_le_bytes());
        let bytes = ole_of(&[("WordDocument", &word), ("0Table", &table)]);
        assert_eq!(doc_text(&bytes).unwrap(), "正文\n");
        let bytes = ole_of(&[("WordDocument", &word), ("1Table", &table)]);
        let err = doc_text(&bytes).unwrap_err();
        assert_eq!(err.code(), "corrupt_file");
        assert_eq!(err.to_string(), "文件已损坏，无法打开（缺少0Table数据流）");
    }

    #[test]
    fn encrypted_and_obfuscated_files_are_refused() {
        for flag in [F_ENCRYPTED, F_OBFUSCATED] {
            let (mut word, table) = word_streams(&[TextPiece::Unicode("机密\r")], None);
            word[10..12].copy_from_slice(&(flag | F_WHICH_TBL_STM).to_le_bytes());
            let bytes = ole_of(&[("WordDocument", &word), ("1Table", &table)]);
            let err = doc_text(&bytes).unwrap_err();
            assert_eq!(err, TextError::Encrypted);
            assert_eq!(err.to_string(), "该文件已加密，请去除密码后重新上传");
        }
        let package = ole_of(&[("EncryptionInfo", b"x"), ("EncryptedPackage", b"y")]);
        assert_eq!(read(&package, Some(".doc")), Err(TextError::Encrypted));
    }

    #[test]
    fn wps_files_are_read_and_old_ones_named() {
        let (word, table) = word_streams(&[TextPiece::Unicode("WPS文字\r")], None);
        let wps = ole_of(&[
            ("WordDocument", &word),
            ("1Table", &table),
            ("WpsCustomData", b"wps"),
        ]);
        let got = read(&wps, Some(".doc")).unwrap();
        assert_eq!(got.format, WordBinary::Wps);
        assert_eq!(got.text, "WPS文字\n");

        let old = ole_of(&[("WpsContent", b"kingsoft")]);
        let err = read(&old, None).unwrap_err();
        assert_eq!(err.code(), "unsupported_version");
        assert_eq!(
            err.to_string(),
            "暂不支持早期版本的WPS文字文件（.wps），请用WPS Office或Word打开后另存为.docx再上传"
        );
        let unknown = ole_of(&[("Contents", b"?")]);
        assert_eq!(read(&unknown, Some(".wps")), Err(old_wps()));
    }

    #[test]
    fn word_95_is_named() {
        let (mut word, table) = word_streams(&[TextPiece::Unicode("旧版\r")], None);
        word[0..4].copy_from_slice(&[0xDC, 0xA5, 0x65, 0x00]);
        let bytes = ole_of(&[("WordDocument", &word), ("1Table", &table)]);
        assert_eq!(read(&bytes, Some(".doc")), Err(old_word()));
        assert_eq!(read(&bytes, Some(".wps")), Err(old_wps()));
        word[0..2].copy_from_slice(&WORD97_IDENT.to_le_bytes());
        let bytes = ole_of(&[("WordDocument", &word), ("1Table", &table)]);
        assert_eq!(read(&bytes, Some(".doc")), Err(old_word()));
    }

    #[test]
    fn other_compound_files_are_named() {
        let xls = ole_of(&[("Workbook", b"BIFF")]);
        assert_eq!(
            read(&xls, Some(".doc")),
            Err(TextError::unsupported(".xls"))
        );
        let ppt = ole_of(&[("PowerPoint Document", b"ppt")]);
        assert_eq!(read(&ppt, None), Err(TextError::unsupported(".ppt")));
        let nothing = ole_of(&[("Contents", b"?")]);
        assert_eq!(
            read(&nothing, Some(".doc")).unwrap_err().to_string(),
            "文件已损坏，无法打开（缺少WordDocument数据流）"
        );
    }

    #[test]
    fn pieces_outside_the_stream_are_damage() {
        let (mut word, table) = word_streams(&[TextPiece::Unicode("正文\r")], None);
        word.truncate(TEXT_AT + 2);
        let bytes = ole_of(&[("WordDocument", &word), ("1Table", &table)]);
        assert_eq!(
            doc_text(&bytes),
            Err(TextError::corrupt("正文位置超出文件范围"))
        );
        // The CLX claims more bytes than the table stream has.
        let (word, table) = word_streams(&[TextPiece::Unicode("正文\r")], None);
        let bytes = ole_of(&[
            ("WordDocument", &word),
            ("1Table", &table[..table.len() - 8]),
        ]);
        assert_eq!(
            doc_text(&bytes),
            Err(TextError::corrupt("文档分段表位置超出文件范围"))
        );
        // A FIB cut short.
        let bytes = ole_of(&[("WordDocument", &word[..200]), ("1Table", &table)]);
        assert_eq!(
            doc_text(&bytes),
            Err(TextError::corrupt("Word文件头不完整"))
        );
    }

    #[test]
    fn character_positions_must_not_fall() {
        let (word, mut table) = word_streams(
            &[TextPiece::Unicode("一\r"), TextPiece::Unicode("二\r")],
            None,
        );
        // The PlcPcd starts after "STSH", the Prc and the Pcdt header.
        let plc = 4 + 6 + 5;
        table[plc + 4..plc + 8].copy_from_slice(&9u32.to_le_bytes());
        let bytes = ole_of(&[("WordDocument", &word), ("1Table", &table)]);
        assert_eq!(doc_text(&bytes), Err(TextError::corrupt("文档分段表异常")));
    }

    #[test]
    fn bounds_on_streams_pieces_characters_and_time() {
        let pieces = vec![TextPiece::Unicode("基层减负\r"); 50];
        let bytes = word_file(&pieces);
        let limits = |f: fn(&mut DocLimits)| {
            let mut l = DocLimits::default();
            f(&mut l);
            l
        };
        let small_streams = limits(|l| l.max_stream_bytes = 1024);
        assert_eq!(
            doc_text_with(&bytes, None, &small_streams),
            Err(TextError::ContentTooLarge { limit_bytes: 1024 })
        );
        let few_pieces = limits(|l| l.max_pieces = 10);
        assert_eq!(
            doc_text_with(&bytes, None, &few_pieces),
            Err(TextError::corrupt("文档分段数量异常"))
        );
        let few_chars = limits(|l| l.max_chars = 12);
        assert_eq!(
            doc_text_with(&bytes, None, &few_chars).unwrap().text,
            "基层减负\n基层减负\n基层"
        );
        let no_time = limits(|l| l.time_budget = Duration::ZERO);
        assert_eq!(
            doc_text_with(&bytes, None, &no_time),
            Err(TextError::Timeout)
        );
    }

    #[test]
    fn huge_declared_lengths_are_not_trusted() {
        // Pieces claiming a billion characters each read only the budget.
        let (word, mut table) = word_streams(&[TextPiece::Unicode("正文\r")], Some(u32::MAX));
        let plc = 4 + 6 + 5;
        table[plc + 4..plc + 8].copy_from_slice(&1_000_000_000u32.to_le_bytes());
        let bytes = ole_of(&[("WordDocument", &word), ("1Table", &table)]);
        assert_eq!(
            doc_text(&bytes),
            Err(TextError::corrupt("正文位置超出文件范围"))
        );
        // A CLX length past the end of the table stream.
        let (mut word, table) = word_streams(&[TextPiece::Unicode("正文\r")], None);
        let lcb_at = 32 + 2 + 28 + 2 + 88 + 2 + CLX_INDEX * 8 + 4;
        word[lcb_at..lcb_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        let bytes = ole_of(&[("WordDocument", &word), ("1Table", &table)]);
        assert_eq!(
            doc_text(&bytes),
            Err(TextError::corrupt("文档分段表位置超出文件范围"))
        );
    }

    #[test]
    fn truncated_and_flipped_files_never_panic() {
        let bytes = word_file(&[
            TextPiece::Compressed("Notice\r"),
            TextPiece::Unicode("关于\u{13}PAGE\u{14}1\u{15}通知\u{7}\u{7}\r"),
        ]);
        for cut in (0..bytes.len()).step_by(13) {
            let _ = doc_text(&bytes[..cut]);
        }
        for i in 0..bytes.len() {
            let mut broken = bytes.clone();
            broken[i] ^= 0xFF;
            let _ = doc_text(&broken);
        }
    }

    proptest! {
        #[test]
        fn never_panics_on_damaged_streams(
            edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16),
            in_table in any::<bool>(),
        ) {
            let (mut word, mut table) = word_streams(
                &[TextPiece::Compressed("No. 1\r"), TextPiece::Unicode("减负\u{13}x\u{14}y\u{15}\r")],
                None,
            );
            let target = if in_table { &mut table } else { &mut word };
            for (at, value) in edits {
                let len = target.len();
                target[at % len] = value;
            }
            let bytes = ole_of(&[("WordDocument", &word), ("1Table", &table)]);
            let _ = doc_text(&bytes);
        }
    }
}
