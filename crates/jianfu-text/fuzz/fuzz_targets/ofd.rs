//! Any page content inside a well-formed OFD package: the .ofd reader
//! returns, never panics. The package is stored without compression, so
//! that the fuzzer's bytes reach the XML and layout code instead of being
//! turned away by the zip reader (the `extract` target covers arbitrary
//! archives).
#![no_main]

use libfuzzer_sys::fuzz_target;

const OFD: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#;

const DOCUMENT: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:TemplatePage ID="2" BaseLoc="Tpls/Tpl_0/Content.xml"/></ofd:CommonData><ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/><ofd:Page ID="3" BaseLoc="/Doc_0/Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>"#;

fuzz_target!(|content: &[u8]| {
    let package = stored_zip(&[
        ("OFD.xml", OFD),
        ("Doc_0/Document.xml", DOCUMENT),
        ("Doc_0/Pages/Page_0/Content.xml", content),
        // The same bytes as the template the pages may use.
        ("Doc_0/Tpls/Tpl_0/Content.xml", content),
    ]);
    if let Ok(text) = jianfu_text::ofd::ofd_text(&package) {
        let _ = jianfu_text::parse_elements(&text);
    }
});

/// A zip archive of the entries, stored (no compression).
fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in entries {
        zip.start_file(*name, stored).expect("in memory");
        zip.write_all(data).expect("in memory");
    }
    zip.finish().expect("in memory").into_inner()
}
