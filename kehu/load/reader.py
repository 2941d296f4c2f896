"""Read one input file into raw sheets (SPEC §1, §10.5).

The reader is the one the file's bytes call for (``kehu.load.files``): .xlsx, .xlsb,
.ods and .xls/.et through python-calamine, CSV text through the csv module, and a JSON
file saved from an attendance API as the table of its records (``read_json``). Reading is
lossless: every cell comes back as the Python value calamine or the CSV text gives, so
nothing is type-guessed away; the typing happens column-wise in kehu.load.values with a
finding for every cell that cannot be read. Files that cannot be read at all raise
``UnsafeFile`` (a finding for the caller).
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from kehu.load.files import InputFile, scan_folder
from kehu.load.safety import UnsafeFile, XlsxCheck, check_xlsx, check_zip_package, file_stamp

MAX_CSV_BYTES = 2 * 1024**3
MAX_OLE_BYTES = 512 * 1024**2      # an .xls is at most 65,536 rows: anything this big is not one
MAX_JSON_BYTES = 512 * 1024**2     # a year of a big company's punches is far less
API_RECORD_LISTS = ("recordresult", "checkindata")     # DingTalk listRecord / list, WeCom getcheckindata
CSV_ENCODINGS = ("utf-8-sig", "gb18030")   # gb18030 is a superset of GBK
CSV_DELIMITERS = (",", "\t", ";")
_CALAMINE_KINDS = ("xlsx", "xlsb", "ods", "xls")


@dataclass
class RawSheet:
    file: str
    sheet: str
    rows: list                      # list of row lists; rows[i] is Excel row i + 1
    error_cells: dict = field(default_factory=dict)   # (row, letter) → "#DIV/0!"
    # the header bands the input shapes read off the top rows, each read once per sheet
    # (kehu.load.shapes.exports.header_band: a dozen shapes look at the same rows)
    bands: dict = field(default_factory=dict, repr=False, compare=False)


def input_files(folder: Path) -> list[InputFile]:
    """The month's readable files (see kehu.load.files.scan_folder for what is set aside)."""
    return scan_folder(Path(folder)).files


def read_file(source: InputFile, vetted: XlsxCheck | None = None) -> list[RawSheet]:
    """Every sheet of ``source``; ``vetted``: this run's pre-scan of it (see ``read_workbook``)."""
    try:
        if source.kind == "csv":
            return [read_csv(source)]
        if source.kind == "json":
            return [read_json(source)]
        return read_workbook(source, vetted)
    except PermissionError:
        raise _locked() from None
    except FileNotFoundError:
        raise UnsafeFile("E-file-format", "请放回后重新运行。", problem="读取时文件已不存在（被移走或删除）。") from None


def vet_file(source: InputFile) -> XlsxCheck | None:
    """The safety pre-scan of a workbook (kehu.load.safety; raises UnsafeFile), None for a CSV."""
    try:
        if source.kind == "xlsx":
            return check_xlsx(source.path)
        if source.kind in ("ods", "xlsb"):
            return check_zip_package(source.path)
        if source.kind == "xls" and source.size > MAX_OLE_BYTES:
            raise UnsafeFile("E-file-too-large", what="文件", size=f"{source.size / 1024**2:.0f} MB，不像是 .xls 工作簿")
    except PermissionError:
        raise _locked() from None
    return None


def _locked() -> UnsafeFile:
    return UnsafeFile("E-file-locked", problem="无法读取：文件可能正在 Excel/WPS 中打开（被独占）。")


def read_workbook(source: InputFile, vetted: XlsxCheck | None = None) -> list[RawSheet]:
    """The worksheets of an .xlsx/.xlsb/.ods/.xls. ``vetted``: this run's pre-scan of the file,
    used instead of scanning it again (seconds for a big file) while the file is unchanged."""
    path = source.path
    check = vetted if vetted is not None and vetted.stamp == file_stamp(path) else vet_file(source)
    try:
        wb = _open_workbook(path)
    except (PermissionError, FileNotFoundError):
        raise
    except Exception as exc:  # calamine's own errors: password, zip, xml, not an office file
        raise _unreadable(exc, source) from None
    error_cells = check.error_cells if check is not None else {}
    out = []
    for meta in wb.sheets_metadata:
        if str(meta.typ) != "SheetTypeEnum.WorkSheet":
            continue
        try:
            rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise UnsafeFile("E-file-format", sheet=meta.name,
                             problem=f"工作表「{meta.name}」无法读取（{type(exc).__name__}：{exc}）。") from None
        out.append(RawSheet(source.name, meta.name, rows, error_cells.get(meta.name, {})))
    return out


def _open_workbook(path: Path) -> CalamineWorkbook:
    """calamine opens a path it can hand to the OS as UTF-8; a name that is not (GBK bytes
    unpacked on Linux, issue 12 item 9) is opened here and its bytes handed over."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        with path.open("rb") as fh:
            return CalamineWorkbook.from_filelike(io.BytesIO(fh.read()))
    return CalamineWorkbook.from_path(str(path))


def _unreadable(exc: Exception, source: InputFile) -> UnsafeFile:
    name = type(exc).__name__
    if "Password" in name:
        return UnsafeFile("E-file-encrypted", problem="文件已加密（设置了打开密码），无法读取。")
    what = {"xls": "旧版 .xls/WPS 表格", "ods": ".ods 表格", "xlsb": ".xlsb 工作簿"}.get(source.kind, "工作簿")
    return UnsafeFile("E-file-format", problem=f"无法读取该{what}（{name}：{exc}）。")


def read_csv(source: InputFile) -> RawSheet:
    """A CSV in UTF-8 (with or without BOM), GB18030 or UTF-16 with a BOM; the delimiter
    (comma, tab or semicolon) is the one its first line uses most."""
    size = source.path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise UnsafeFile("E-file-too-large", what="CSV 文件", size=f"{size / 1024**3:.1f} GB")
    text = _decode(source.path.read_bytes())
    # csv.reader keeps ragged rows and huge cells: no line is dropped
    csv.field_size_limit(MAX_CSV_BYTES)
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    return RawSheet(source.name, Path(source.name).stem, rows)


def _delimiter(text: str) -> str:
    first = next((line for line in text.splitlines() if line.strip()), "")
    return max(CSV_DELIMITERS, key=first.count) if any(d in first for d in CSV_DELIMITERS) else ","


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):      # Excel's 「Unicode 文本」 export
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnsafeFile("E-file-encoding", "请重新导出为「CSV UTF-8（逗号分隔）」。",
                             problem="文件看起来是 UTF-16 编码，但内容已损坏。") from None
    if b"\x00" in data[:4096]:
        raise UnsafeFile("E-file-format", "请在 Excel/WPS 中另存为 .xlsx 或「CSV UTF-8」。",
                         problem="文件内容是二进制，不是 CSV 文本。")
    for enc in CSV_ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnsafeFile("E-file-encoding", problem="CSV 文件的编码无法识别（应为 UTF-8 或 GBK）。")


def read_json(source: InputFile) -> RawSheet:
    """The records of a JSON file saved from the DingTalk ``listRecord`` / ``list`` or WeCom
    ``getcheckindata`` API — one response, or a list of responses (pages), or a bare list of
    records — as a table: row 1 the fields in first-seen order, row n + 1 the n-th record. The
    sheet is named after the record list (``recordresult`` / ``checkindata``)."""
    if source.size > MAX_JSON_BYTES:
        raise UnsafeFile("E-file-too-large", "请核对是否放错了文件：从考勤接口保存的打卡数据不会这么大。",
                         what="JSON 文件", size=f"{source.size / 1024**2:.0f} MB")
    try:
        data = json.loads(source.path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise UnsafeFile("E-file-format", "请重新从接口获取并完整保存后再放入。",
                         problem="JSON 文件不完整或已损坏（可能没有下载或保存完整）。") from None
    name, records = _api_records(data)
    fields: dict[str, None] = {}
    for record in records:
        fields.update(dict.fromkeys(record))
    header = list(fields)
    rows = [header] + [[_json_cell(r.get(k)) for k in header] for r in records]
    return RawSheet(source.name, name, rows)


def _api_records(data) -> tuple[str, list[dict]]:
    """(the record list's name, its records) of one response, a list of pages or a bare list."""
    pages = data if isinstance(data, list) else [data]
    name, records = "recordresult", []
    for page in pages:
        if not isinstance(page, dict):
            continue
        found = next((key for key in API_RECORD_LISTS if isinstance(page.get(key), list)), None)
        if found is None and isinstance(page.get("result"), dict):      # newer DingTalk envelopes
            page = page["result"]
            found = next((key for key in API_RECORD_LISTS if isinstance(page.get(key), list)), None)
        if found is not None:
            name = found
            records.extend(r for r in page[found] if isinstance(r, dict))
        elif "userId" in page or "userid" in page:                      # a bare record
            name = "checkindata" if "userid" in page else name
            records.append(page)
    return name, records


def _json_cell(value):
    """A record's value as a cell: numbers and text as they are, nested values as JSON text."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value
