#!/usr/bin/env python3
"""Write the small seed inputs of the fuzz targets to corpus/<target>/.

The seeds are committed; run this again only to change them:
    python3 crates/jianfu-text/fuzz/make_seeds.py
Each seed is a valid example of what its target parses, so the fuzzer
starts from inputs that reach deep into the parser.
"""
import io
import pathlib
import zipfile

HERE = pathlib.Path(__file__).resolve().parent

NOTICE = (
    "某某县人民政府办公室文件\n"
    "某政办发〔2024〕12号\n"
    "关于进一步规范督查检查考核工作的通知\n"
    "各乡镇人民政府，县直各单位：\n"
    "　　为切实减轻基层负担，经县人民政府同意，现就有关事项通知如下。\n"
    "　　一、各单位不得要求基层填报重复表格，不得要求每日报送零报告。\n"
    "附件：1．统计表\n"
    "某某县人民政府办公室\n"
    "2024年3月5日\n"
)


def docx(paragraphs):
    body = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{p}</w:t></w:r></w:p>' for p in paragraphs
    )
    table = "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>表格</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}{table}<w:sectPr/></w:body></w:document>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", document)
    return out.getvalue()


def pdf():
    """A one-page PDF with a Courier line and a Type0 font whose ToUnicode
    maps 0001 to 减 and 0002 to 负."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        b"2 beginbfchar <0001> <51CF> <0002> <8D1F> endbfchar\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    content = b"BT /F1 12 Tf 72 720 Td (Notice 2024) Tj ET BT /F2 12 Tf 72 700 Td <00010002> Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 /MediaBox [0 0 595 842]"
        b" /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H"
        b" /DescendantFonts [7 0 R] /ToUnicode 8 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun"
        b" /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(cmap), cmap),
    ]
    out = bytearray(b"%PDF-1.5\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def ole():
    """The header sector of an OLE compound file, nothing else."""
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    header[0x18:0x1A] = (0x3E).to_bytes(2, "little")  # minor version
    header[0x1A:0x1C] = (3).to_bytes(2, "little")  # major version 3
    header[0x1C:0x1E] = (0xFFFE).to_bytes(2, "little")  # little-endian
    header[0x1E:0x20] = (9).to_bytes(2, "little")  # 512-byte sectors
    header[0x20:0x22] = (6).to_bytes(2, "little")  # 64-byte mini sectors
    header[0x30:0x34] = (0xFFFFFFFE).to_bytes(4, "little")  # no directory
    return bytes(header) + "WordDocument".encode("utf-16-le")


def word97():
    """The .doc fixture of the tests (LibreOffice's Word 97 export): a
    compound file with a FIB, a piece table, a field and a table."""
    return (HERE.parent / "tests" / "fixtures" / "notice.doc").read_bytes()


SEEDS = {
    "parse_elements": {"notice.txt": NOTICE.encode()},
    "decode": {
        "utf8.txt": NOTICE.encode(),
        "utf16le.txt": b"\xff\xfe" + NOTICE.encode("utf-16-le"),
        "gbk.txt": NOTICE.encode("gbk"),
        "gb18030.txt": "减负𠀀\r\n".encode("gb18030"),
    },
    "docx": {"notice.docx": docx(NOTICE.splitlines())},
    "pdf": {"notice.pdf": pdf()},
    "ole": {"header.doc": ole(), "notice.doc": word97()},
    "extract": {
        "txt": b"notice.txt\n" + NOTICE.encode("gbk"),
        "docx": b"notice.docx\n" + docx(NOTICE.splitlines()[:3]),
        "pdf": b"notice.pdf\n" + pdf(),
        "doc": b"notice.doc\n" + ole(),
        "doc97": b"notice.doc\n" + word97(),
    },
    "copy": {
        "county-copy.txt": (
            NOTICE + "\0" + NOTICE.replace("县", "镇").replace("，", ",")
        ).encode(),
        "partial.txt": ("全市各级要高度重视精心组织。" * 3 + "\0" + "全县各级要高度重视。").encode(),
    },
}


def main():
    for target, files in SEEDS.items():
        folder = HERE / "corpus" / target
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    print(f"wrote seeds for {len(SEEDS)} targets under {HERE / 'corpus'}")


if __name__ == "__main__":
    main()
