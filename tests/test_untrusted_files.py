"""Untrusted files cannot hurt the process (issue 8 §2).

Several hundred malformed files, generated deterministically (truncated zips, random bytes under
.xlsx/.csv/.ods/.xls/.parquet names, broken XML, far-away cells and giant dimensions, 1 MB cells,
a million CSV columns, wrong encodings, formulas, zip bombs, empty files, folders named .xlsx),
go to the import reader, the upload page (a subset, through the job queue) and every command
that reads tables. Each answers with a message naming the file: no exception, no traceback, exit
status 2, no output file and nothing written to the database. The worst files are read in a
child process limited to 2 GB of address space.
"""
from __future__ import annotations

import contextlib
import io
import random
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
import xlsxwriter

from chungtay.cli import main
from chungtay.core import limits
from chungtay.imports import reader

ROOT = Path(__file__).resolve().parent.parent

CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
      'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
      'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
      'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
      'officedocument.spreadsheetml.worksheet+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
      '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
      '<sheet name="Ho" sheetId="1" r:id="rId1"/></sheets></workbook>')
WBRELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
          '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
          '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>{extra}</Relationships>')
SST_REL = ('<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           'sharedStrings" Target="sharedStrings.xml"/>')
HEAD = ('<row r="1"><c r="A1" t="inlineStr"><is><t>ma_ho</t></is></c><c r="B1" t="inlineStr"><is><t>thon</t>'
        '</is></c><c r="C1" t="inlineStr"><is><t>household_id</t></is></c></row>')
ROW2 = '<row r="2"><c r="A2" t="inlineStr"><is><t>001</t></is></c><c r="B2"><v>1</v></c></row>'


def sheet_xml(rows: str, dim: str = "") -> str:
    d = f'<dimension ref="{dim}"/>' if dim else ""
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main">{d}<sheetData>{rows}</sheetData></worksheet>')


def xlsx_bytes(sheet: str | bytes, sst: str | bytes | None = None, extra: dict | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", WBRELS.format(extra=SST_REL if sst is not None else ""))
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if sst is not None:
            z.writestr("xl/sharedStrings.xml", sst)
        for k, v in (extra or {}).items():
            z.writestr(k, v)
    return buf.getvalue()


def ods_bytes(table: str) -> bytes:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
               'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="Ho">{table}</table:table></office:spreadsheet>'
               '</office:body></office:document-content>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest="urn:oasis:'
                   'names:tc:opendocument:xmlns:manifest:1.0"/>')
        z.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def bomb(name: str, member: str, mib: int, pattern: bytes = b"<row/>" * 100) -> bytes:
    """A zip whose ``member`` expands to ``mib`` MiB from a few hundred KB (stored data built lazily)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = (pattern * (1024 * 1024 // len(pattern) + 1))[:1024 * 1024]
    # after a full flush the compressor forgets its history: the same MiB compresses to the same bytes
    once = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    body = once * mib + comp.flush()
    crc = 0                       # never checked: the limits refuse the part from the zip directory alone
    size = mib * 1024 * 1024
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CT)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WB)
        z.writestr("xl/_rels/workbook.xml.rels", WBRELS.format(extra=""))
    # append the bomb member by hand: local header + deflated data, then rewrite the directory
    zf = zipfile.ZipFile(buf, "a")
    info = zipfile.ZipInfo(member, date_time=(2025, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.CRC, info.compress_size, info.file_size = crc, len(body), size
    info.header_offset = zf.start_dir
    zf.fp.seek(zf.start_dir)
    zf.fp.write(info.FileHeader(zip64=False))
    zf.fp.write(body)
    zf.start_dir = zf.fp.tell()
    zf.filelist.append(info)
    zf.NameToInfo[member] = info
    zf._didModify = True
    zf.close()
    return buf.getvalue()


def valid_xlsx() -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("Ho")
    ws.write_row(0, 0, ["ma_ho", "thon", "household_id", "area", "income"])
    for i in range(1, 40):
        ws.write_row(i, 0, [f"{i:03d}", f"T{i % 3}", f"H{i}", "rural", 1000 * i])
    wb.close()
    return buf.getvalue()


def generate(folder: Path) -> list[tuple[Path, str, bool]]:
    """[(path, name shown, must be refused)] — ``False``: broken but possibly still readable."""
    rng = random.Random(8)
    out: list[tuple[Path, str, bool]] = []

    def add(name: str, data: bytes | None, refused: bool = True):
        p = folder / f"{len(out):03d}-{name}"
        if data is None:
            p.mkdir()
        else:
            p.write_bytes(data)
        out.append((p, p.name, refused))

    base = valid_xlsx()
    base_ods = ods_bytes('<table:table-row><table:table-cell office:value-type="string"><text:p>ma_ho</text:p>'
                         '</table:table-cell></table:table-row>')
    for k in range(80):                                       # truncated zips at many offsets
        add("truncated.xlsx", base[: int(len(base) * (k + 0.5) / 80)])
    for k in range(20):
        add("truncated.ods", base_ods[: int(len(base_ods) * (k + 0.5) / 20)])
    for k in range(40):                                       # bytes flipped inside a valid workbook
        data = bytearray(base)
        for _ in range(1 + k % 4):
            data[rng.randrange(len(data))] = rng.randrange(256)
        add("flipped.xlsx", bytes(data), refused=False)
    for ext, n in ((".xlsx", 30), (".csv", 20), (".ods", 10), (".xls", 10), (".parquet", 10), (".xlsm", 5)):
        for _ in range(n):                                    # random bytes under a table's name
            add(f"random{ext}", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))))
    add("ole.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(4000)))
    add("zip-named.csv", base)
    add("csv-named.xlsx", b"ma_ho,thon\n001,1\n")
    add("par1.parquet", b"PAR1" + bytes(rng.randrange(256) for _ in range(500)) + b"PAR1")
    for ext in (".xlsx", ".csv", ".ods", ".parquet", ".xls"):  # empty files and folders under those names
        add(f"empty{ext}", b"")
        add(f"folder{ext}", None)
    # broken XML inside an otherwise valid zip
    xml = sheet_xml(HEAD + ROW2)
    for k in range(60):
        cut = rng.randrange(len(xml))
        variant = [xml[:cut], xml[:cut] + xml[cut + rng.randrange(1, 40):], xml.replace("</c>", "</x>", 1 + k % 3),
                   xml.replace("<row", "<row <", 1), xml[:cut] + "\x00" + xml[cut:]][k % 5]
        add("broken-xml.xlsx", xlsx_bytes(variant), refused=False)
    add("doctype.xlsx", xlsx_bytes('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;'
                                   '&a;&a;&a;&a;&a;&a;&a;&a;">]><worksheet><sheetData><row><c t="inlineStr"><is>'
                                   '<t>&b;</t></is></c></row></sheetData></worksheet>'), refused=False)
    add("not-xml.xlsx", xlsx_bytes(bytes(rng.randrange(256) for _ in range(2000))), refused=False)
    # giant dimensions and far-away cells
    add("dimension.xlsx", xlsx_bytes(sheet_xml(HEAD, "A1:XFD1048576")), refused=False)
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    add("far-cell.xlsx", xlsx_bytes(sheet_xml(HEAD + far)))
    add("far-empty-cell.xlsx", xlsx_bytes(sheet_xml(HEAD + '<row r="1048576"><c r="XFD1048576" s="1"/></row>')))
    add("far-lowercase.xlsx", xlsx_bytes(sheet_xml(HEAD + '<row r="1048576"><c r="xfd1048576"><v>1</v></c></row>')))
    add("far-quotes.xlsx", xlsx_bytes(sheet_xml(HEAD + "<row r='9'><c  r = 'ZZZ9' ><v>1</v></c></row>")))
    add("far-row.xlsx", xlsx_bytes(sheet_xml(HEAD + '<row r="900000"><c r="ALL900000"><v>1</v></c></row>')))
    add("row-99999999.xlsx", xlsx_bytes(sheet_xml(HEAD + '<row r="99999999"><c r="A99999999"><v>1</v></c></row>')))
    add("far-prefixed.xlsx", xlsx_bytes(
        '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row><x:row r="1048576"><x:c r="XFD1048576">'
        '<x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'))
    add("cells-without-ref.xlsx", xlsx_bytes(sheet_xml("<row>" + "<c/>" * 30000 + "<c><v>1</v></c></row>"
                                                        + "<row><c><v>1</v></c></row>" * 2000)))
    add("ods-repeated-rows.ods", ods_bytes('<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
                                           'table:number-columns-repeated="16384" office:value-type="float" '
                                           'office:value="1"/></table:table-row>'))
    add("ods-repeated-cols.ods", ods_bytes('<table:table-row><table:table-cell table:number-columns-repeated='
                                           '"2000000000" office:value-type="float" office:value="1"/>'
                                           '</table:table-row>'))
    add("ods-empty-rows-between.ods", ods_bytes(
        '<table:table-row table:number-rows-repeated="2000000000"><table:table-cell/></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
        '</table:table-row>'))
    add("ods-broken.ods", ods_bytes("<table:table-row><table:table-cell>"), refused=False)
    # huge cells
    mb = "x" * 1_000_000
    add("cell-1mb.xlsx", xlsx_bytes(sheet_xml(HEAD + f'<row r="2"><c r="A2" t="inlineStr"><is><t>{mb}</t></is></c>'
                                                     "</row>")))
    add("shared-1mb.xlsx", xlsx_bytes(sheet_xml(HEAD + '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'),
                                      sst=f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                          f"<si><t>{mb}</t></si></sst>"))
    add("shared-missing.xlsx", xlsx_bytes(sheet_xml(HEAD + '<row r="2"><c r="A2" t="s"><v>7</v></c></row>'),
                                          sst='<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                              "<si><t>a</t></si></sst>"))
    add("cell-1mb.csv", f"ma_ho,thon\n001,{mb}\n".encode())
    add("cell-100k.csv", ("ma_ho,thon\n001," + "y" * 100_000 + "\n").encode())
    add("columns-1e6.csv", ("ma_ho,thon" + ",x" * 1_000_000 + "\n001,1\n").encode())
    add("columns-1e6-row.csv", ("ma_ho,thon\n001" + ",1" * 400_000 + "\n").encode())
    add("columns-2000.csv", (",".join(f"c{i}" for i in range(2000)) + "\n").encode())
    add("line-2mb.csv", ("ma_ho,thon\n" + "z" * 2_000_000).encode())
    add("broken-quote.csv", b'ma_ho,thon\n"001,1\n002,"2\n', refused=False)
    # encodings
    text = "ma_ho,thon,ho_ten\n001,Thôn Đồng,Nguyễn Thị Ánh\n"
    add("utf16-no-bom.csv", text.encode("utf-16-le"))
    add("utf16-be-no-bom.csv", text.encode("utf-16-be"))
    add("utf32.csv", text.encode("utf-32"))
    add("windows-1258.csv", text.encode("cp1258", "replace"))
    add("windows-1252.csv", "ma_ho,thon\n001,Thôn Ä\n".encode("cp1252"))
    add("latin1-bytes.csv", b"ma_ho,thon\n001,\xe9\xe8\xff\n")
    add("nul.csv", b"ma_ho,thon\n001,\x00\n")
    add("cut-utf8.csv", "ma_ho,thon\n001,Thô".encode()[:-1])
    add("utf16-bom-binary.csv", b"\xff\xfe" + bytes(rng.randrange(256) for _ in range(999)), refused=False)
    # formulas: never evaluated (cached values or nothing)
    add("formula.xlsx", xlsx_bytes(sheet_xml(HEAD + "<row r=\"2\"><c r=\"A2\"><f>cmd|' /C calc'!A0</f><v>7</v></c>"
                                                    '<c r="B2"><f>HYPERLINK("http://x","y")</f></c></row>')),
        refused=False)
    add("formula.csv", b"ma_ho,thon,household_id\n=cmd|' /C calc'!A0,1,+1\n@SUM(1),-2,=1+1\n", refused=False)
    # zip bombs: a few hundred KB that expand to GBs (never decompressed: the directory says so)
    add("bomb-sheet.xlsx", bomb("bomb", "xl/worksheets/sheet1.xml", 3000))
    add("bomb-shared.xlsx", bomb("bomb", "xl/sharedStrings.xml", 300))
    add("bomb-other.xlsx", bomb("bomb", "xl/media/image1.png", 400, b"\x00" * 64))
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        z.writestr("xl/workbook.xml", WB)
        for i in range(limits.MAX_ZIP_ENTRIES + 1):
            z.writestr(f"x/{i}", b"")
    add("many-entries.xlsx", many.getvalue())
    sheets = "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(limits.MAX_SHEETS + 5))
    add("many-sheets.xlsx", _with_workbook(xlsx_bytes(sheet_xml(HEAD)),
                                           WB.replace('<sheet name="Ho" sheetId="1" r:id="rId1"/>', sheets)))
    add("encrypted-flag.xlsx", _encrypted(xlsx_bytes(sheet_xml(HEAD))))
    return out


def _with_workbook(data: bytes, workbook: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i in src.infolist():
            z.writestr(i.filename, workbook if i.filename == "xl/workbook.xml" else src.read(i))
    return buf.getvalue()


def _encrypted(data: bytes) -> bytes:
    """Set the 'encrypted' flag in every local and central header (as a password-protected zip has)."""
    out = bytearray(data)
    for sig, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = out.find(sig)
        while i >= 0:
            out[i + at] |= 0x1
            i = out.find(sig, i + 4)
    return bytes(out)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("untrusted"))


def test_it_generates_a_few_hundred_malformed_files(files):
    assert len(files) >= 300
    assert len({name.split("-", 1)[1] for _, name, _ in files}) >= 60      # of many different kinds


def test_the_import_reader_answers_every_file_with_a_message_naming_it(files):
    for path, name, refused in files:
        problems = reader.check_files([(path, name)])
        tables, read_problems = reader.read_files([(path, name)])        # never raises
        assert all(isinstance(p.reason, str) and p.reason and "Traceback" not in p.reason for p in read_problems)
        if refused:
            assert not tables and read_problems, name
            assert name in read_problems[0].reason, (name, read_problems[0].reason)
        if problems:           # what the upload check refuses, the reader refuses too, with the same words
            assert read_problems and read_problems[0].reason == problems[0].reason, name


def test_limit_messages_say_which_limit_in_vietnamese(files):
    by_kind = {name.split("-", 1)[1]: path for path, name, _ in files}

    def reason(kind):
        path = by_kind[kind]
        return reader.read_files([(path, path.name)])[1][0].reason

    assert "có ô ở cột 16.384, vượt giới hạn 1.000 cột" in reason("far-cell.xlsx")
    assert "99.999.999 dòng, vượt giới hạn 1.048.576 dòng" in reason("row-99999999.xlsx")
    assert "900.000 dòng × 1.000 cột" in reason("far-row.xlsx")
    assert "giải nén ra 3.000 MB, vượt giới hạn 2.048 MB" in reason("bomb-sheet.xlsx")
    assert "bom nén" in reason("bomb-shared.xlsx") and "bom nén" in reason("bomb-other.xlsx")
    assert "vượt giới hạn 32.767 ký tự" in reason("cell-1mb.xlsx")
    assert "vượt giới hạn 32.767 ký tự" in reason("shared-1mb.xlsx")
    assert "UTF-16 không có BOM" in reason("utf16-no-bom.csv")
    assert "không phải mã hóa UTF-8" in reason("windows-1258.csv")
    assert "byte NUL" in reason("nul.csv")
    assert "là một thư mục" in reason("folder.xlsx")
    assert "tệp rỗng" in reason("empty.csv")
    assert "105 bảng (sheet), vượt giới hạn 100 bảng" in reason("many-sheets.xlsx")
    assert "mật khẩu" in reason("encrypted-flag.xlsx")


def test_formulas_are_read_as_their_saved_value_never_run(files):
    path = next(p for p, name, _ in files if name.endswith("-formula.xlsx"))
    tables, problems = reader.read_files([(path, path.name)])
    t = tables["households"]
    assert t.cols["ma_ho"] == [7.0] and t.cols["thon"] == [""]        # the cached 7; no value: empty


def _cli(argv) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as e:          # argparse
            code = e.code
    return code, err.getvalue()


TABLE_COMMANDS = [
    ["classify", "{f}", "--year", "2024", "-o", "{out}"],
    ["measures", "mpi", "{f}", "--indicators", "a,b", "--k", "1/2"],
    ["measures", "fgt", "{f}", "--line", "1000", "--income-column", "income"],
    ["measures", "near-escape", "{f}", "--year", "2024", "-o", "{out}"],
]


def test_every_table_command_refuses_every_file_in_one_line_with_status_2(files, tmp_path):
    for k, (path, name, _) in enumerate(files):
        for argv in TABLE_COMMANDS if k % 3 == 0 else TABLE_COMMANDS[:1]:     # classify: every file
            out = tmp_path / "out.csv"
            code, err = _cli([a.format(f=path, out=out) for a in argv])
            assert code == 2, (argv[:2], name, err)
            lines = err.strip().splitlines()
            assert lines[0].startswith("chungtay: error: ") and name in lines[0], (argv[:2], name, err)
            assert "Traceback" not in err
            assert not out.exists()
    assert not list(tmp_path.iterdir())                    # no temporary output left behind either


def test_the_import_command_refuses_every_file_and_writes_nothing(files, commune_officer, my_commune):
    from tests.test_import_support import db_counts
    before = db_counts()
    for path, name, refused in files[::8]:
        code, err = _cli(["import", str(path), "--commune", my_commune.code, "--user", commune_officer.username,
                          "--quiet"])
        assert code == 2, (name, err)
        assert "Traceback" not in err and (name in err or not refused), (name, err)
        assert "không ghi gì / nothing written" in err or err.startswith(f"chungtay: error: {path}: "), (name, err)
    assert db_counts() == before


@pytest.mark.django_db(transaction=False)
def test_the_upload_page_answers_malformed_files_without_500_and_writes_nothing(files, as_commune_officer,
                                                                                my_commune):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from chungtay.imports.models import ImportJob
    from tests.test_import_support import db_counts
    from tests.test_import_web import run_queued
    before = db_counts()
    chosen = [f for f in files if f[0].is_file()][::12]
    for path, name, _ in chosen:
        n_jobs = ImportJob.objects.count()
        resp = as_commune_officer.post(reverse("imports:upload"), {
            "commune": my_commune.pk, "files": SimpleUploadedFile(name, path.read_bytes())})
        assert resp.status_code in (200, 302), (name, resp.status_code)
        if resp.status_code == 200:          # refused on the page itself
            assert name in resp.content.decode() and ImportJob.objects.count() == n_jobs
            continue
        assert run_queued() == 1
        job = ImportJob.objects.latest("id")
        assert job.status == "failed", (name, job.status, job.errors[:2])
        assert job.errors and "Lỗi hệ thống" not in job.errors[0][4], (name, job.errors[:2])
        page = as_commune_officer.get(reverse("imports:job", args=[job.pk]))
        assert page.status_code == 200
    assert db_counts() == before


WORST = ["far-cell.xlsx", "far-prefixed.xlsx", "far-lowercase.xlsx", "cells-without-ref.xlsx", "far-row.xlsx",
         "ods-repeated-rows.ods", "ods-empty-rows-between.ods", "bomb-sheet.xlsx", "bomb-shared.xlsx",
         "shared-1mb.xlsx", "columns-1e6.csv", "columns-1e6-row.csv", "dimension.xlsx"]

CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
from chungtay.imports import reader
from chungtay.core.tables import InputError, read_table
for path in sys.argv[1:]:
    name = path.rsplit("/", 1)[-1]
    tables, problems = reader.read_files([(path, name)])
    assert problems or tables, name
    if path.endswith((".csv", ".xlsx")):
        try:
            read_table(path)
        except InputError:
            pass
    print("ok", name, flush=True)
"""


def test_the_worst_files_are_refused_within_2_gb_of_memory(files):
    chosen = [str(p) for p, name, _ in files if name.split("-", 1)[1] in WORST]
    assert len(chosen) == len(WORST)
    proc = subprocess.run([sys.executable, "-c", CHILD, *chosen], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.count("ok ") == len(WORST)
