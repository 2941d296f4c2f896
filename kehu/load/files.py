"""What is in the input folder: every entry either read or set aside with its reason (SPEC §10.5).

A file's reader is chosen by its first bytes, not by its extension: a zip holding
``xl/workbook.xml`` is an .xlsx (a CSV named .xlsx is read as the CSV it is, with a
warning), an OLE2 container is an .xls or a WPS .et (or a password-protected
workbook), ``application/vnd.oasis.opendocument.spreadsheet`` is an .ods, a zip with
``xl/workbook.bin`` is an .xlsb, and text in UTF-8, GB18030 or UTF-16 is a CSV. A .json
file saved from the DingTalk ``listRecord`` / WeCom ``getcheckindata`` API (its first bytes
name their fields) is read as the table of its records (kehu.load.reader.read_json).

Everything else is set aside, each with a line for manifest.json: kehu's own outputs
(an output folder inside the input folder must never be read back), Excel and
LibreOffice lock files (with a warning: the workbook is open and may be unsaved),
hidden files, sub-folders, and files that are not spreadsheets. A file meant as input
that cannot be read — HTML or XML saved as .xls, a FIFO, a dangling link, a folder
named ``x.xlsx`` — is an error naming the file and saying what to do.
"""
from __future__ import annotations

import os
import re
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kehu.findings import Finding, make

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ett", ".xlsb", ".ods", ".csv", ".txt", ".tsv")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")
ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".gz", ".tar", ".tgz")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SNIFF_BYTES = 8192

# kehu's own outputs, recognised by name (a run with --out inside the input folder puts them there)
KEHU_OUTPUT_NAMES = ("history.sqlite", "history.sqlite-journal", "history.sqlite.bak", "results.json",
                     "manifest.json", ".kehu.lock")
_KEHU_OUTPUT_PATTERN = re.compile(r"^(校验报告(_\d{4}-\d{2})?|集团客户部_\d{4}-\d{2}_考核汇总)\.xlsx$")
_MONTH_FOLDER = re.compile(r"^\d{4}-\d{2}$")
KEHU_TITLES = ("kehu 校验报告", "集团客户部 ")     # docProps titles kehu's workbooks carry
PAYROLL_HEADER = "工号,姓名,绩效基数,KPI得分,扣款合计,应发绩效"
# fields that name a JSON file saved from an attendance API: DingTalk listRecord / list, WeCom getcheckindata
API_JSON_MARKS = ('"recordresult"', '"checkindata"', '"userCheckTime"', '"checkin_time"')


@dataclass(frozen=True)
class InputFile:
    """A file to read: ``name`` as the clerk sees it, ``kind`` the reader its bytes call for."""
    path: Path
    name: str
    kind: str                   # "xlsx" | "xlsb" | "ods" | "xls" | "csv" | "json"
    size: int = 0
    note: Finding | None = None     # e.g. the extension does not match the content (read anyway)


@dataclass(frozen=True)
class SetAside:
    """An entry of the input folder that is not read: the manifest says why."""
    name: str
    reason: str
    finding: Finding | None = None


@dataclass
class FolderScan:
    files: list            # InputFile, in name order
    set_aside: list        # SetAside, in name order
    findings: list         # the set-aside entries' findings (errors and warnings)


def display_name(name: str) -> str:
    """A file name fit to show and to write into a report: a name that is not valid UTF-8
    (a zip made on a Chinese Windows unpacked on Linux) is read as GB18030 where it can be."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            return raw.decode("utf-8", errors="replace")


class InputFolderError(Exception):
    """The input folder itself cannot be listed (a usage error: exit 2); the message says why."""


def scan_folder(folder: Path) -> FolderScan:
    """Every entry of ``folder`` (not recursive), each read or set aside (SPEC §1, §10.5)."""
    files, aside = [], []
    try:
        entries = sorted(Path(folder).iterdir(), key=lambda p: display_name(p.name))
    except OSError as exc:
        raise InputFolderError(f"无法读取输入文件夹 {display_name(str(folder))}（{exc.strerror or exc}）。"
                               "请确认文件夹存在、有读取权限，且没有被其他程序占用。") from None
    names = {p.name for p in entries}
    for path in entries:
        outcome = _classify(path, names)
        (files if isinstance(outcome, InputFile) else aside).append(outcome)
    findings = [a.finding for a in aside if a.finding is not None] + [f.note for f in files if f.note is not None]
    return FolderScan(files, aside, findings)


def _classify(path: Path, names: set) -> InputFile | SetAside:
    name = display_name(path.name)
    special = _by_name(path, name, names)
    if special is not None:
        return special
    try:
        st = path.stat()                                   # follows a link to its target
    except FileNotFoundError:
        return _error(name, "E-file-format", "是一个指向不存在的文件的链接，无法读取。", "请放入文件本身。")
    except PermissionError:
        return _error(name, "E-file-locked", "无法读取（没有权限，或文件正被其他程序独占）。")
    except OSError as exc:
        return _error(name, "E-file-format", f"无法读取（{exc.strerror or exc}）。")
    if stat.S_ISDIR(st.st_mode):
        return _folder(path, name)
    if not stat.S_ISREG(st.st_mode):
        return _error(name, "E-file-format", "不是普通文件（可能是管道或设备），无法读取。",
                      "请放入导出的 Excel/CSV 文件本身。")
    if st.st_size == 0:
        return SetAside(name, "空文件（0 字节）", make("W-file-empty", file=name))
    return _by_content(path, name, st.st_size)


def _by_name(path: Path, name: str, names: set) -> SetAside | None:
    """Lock files, hidden files and kehu's own outputs, known by their names."""
    if name.startswith("~$") or name.startswith(".~lock."):
        return _lock_file(name, names)
    if name in KEHU_OUTPUT_NAMES or _KEHU_OUTPUT_PATTERN.match(name):
        return SetAside(name, "kehu 自己的输出文件，不作为输入读取")
    if name.startswith("."):
        return SetAside(name, "隐藏文件，不读取")
    return None


def _lock_file(name: str, names: set) -> SetAside:
    """``~$x.xlsx`` (Excel, WPS) or ``.~lock.x.xlsx#`` (LibreOffice): x is open in a program."""
    target = name[2:] if name.startswith("~$") else name[len(".~lock."):].rstrip("#")
    open_now = [n for n in sorted(names) if display_name(n) != name and not display_name(n).startswith(("~$", "."))
                and (display_name(n) == target or display_name(n).endswith(target))]
    if not open_now:
        return SetAside(name, "Excel/WPS 的临时锁文件，不读取")
    shown = display_name(open_now[0])
    return SetAside(name, f"Excel/WPS 的临时锁文件：{shown} 正在被打开", make("W-file-open", file=shown, lock=name))


def _folder(path: Path, name: str) -> SetAside:
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return _error(name, "E-file-format", "是一个文件夹，不是文件。", "请放入导出的文件本身。")
    if _MONTH_FOLDER.match(name) or name == "kehu-out":
        return SetAside(name, "kehu 的输出文件夹，不作为输入读取")
    return SetAside(name, "子文件夹（不读取子文件夹中的文件）")


def _by_content(path: Path, name: str, size: int) -> InputFile | SetAside:
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except PermissionError:
        return _error(name, "E-file-locked", "无法读取：文件可能正在 Excel/WPS 中打开（被独占）。")
    except OSError as exc:
        return _error(name, "E-file-format", f"无法读取（{exc.strerror or exc}）。")
    suffix = path.suffix.lower()
    if head.startswith(b"PK"):
        return _extension_checked(_zip_kind(path, name, size, suffix), suffix)
    if head.startswith(OLE_MAGIC):
        return InputFile(path, name, "xls", size)        # .xls / .et, or a password-protected workbook
    text = _text_kind(head)
    if text == "markup":
        return _not_a_table(name, suffix, "是网页（HTML）或 XML 格式，只是扩展名像表格")
    if text == "csv":
        return _text_file(path, name, size, suffix, head)
    return _binary(name, suffix, head)


def _text_kind(head: bytes) -> str | None:
    """"csv", "markup" (HTML/XML), or None for bytes that are not text."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        body = head[2:].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", errors="ignore")
    elif b"\x00" in head:
        return None
    else:
        body = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="ignore")
    start = body.lstrip()[:64].lower()
    if start.startswith(("<html", "<!doctype", "<?xml", "<table", "<meta", "<head")):
        return "markup"
    return "csv"


def _text_file(path: Path, name: str, size: int, suffix: str, head: bytes) -> InputFile | SetAside:
    if suffix in TEXT_SUFFIXES or suffix in SPREADSHEET_SUFFIXES:
        if _is_payroll(head):
            return SetAside(name, "kehu 自己的输出文件（payroll.csv），不作为输入读取")
        return _extension_checked(InputFile(path, name, "csv", size), suffix)
    if suffix == ".json":
        if _is_attendance_json(head):
            return InputFile(path, name, "json", size)
        return SetAside(name, "JSON 文件，不是 kehu 能读的表格", make(
            "W-file-ignored", file=name, hint="如果它是从接口保存的打卡数据，请保存接口返回的完整内容后再放入；否则可忽略。",
            what="是 JSON 文件，但不是从钉钉 listRecord 或企业微信 getcheckindata 接口保存的打卡数据"))
    return _not_a_table(name, suffix, "是文本文件但不是表格（扩展名不是 .csv/.txt）")


def _extension_checked(found, suffix: str):
    """A workbook named .csv, or CSV text named .xlsx, is read as what it is — with a word."""
    if not isinstance(found, InputFile):
        return found
    text_name, text_body = suffix in TEXT_SUFFIXES, found.kind == "csv"
    if text_name == text_body:
        return found
    what = "CSV 文本" if text_body else "Excel 工作簿"
    note = make("W-file-extension", file=found.name, suffix=suffix or "（无）", what=what)
    return InputFile(found.path, found.name, found.kind, found.size, note)


def _is_attendance_json(head: bytes) -> bool:
    """JSON saved from an attendance API: it opens with ``{`` or ``[`` and names the API's fields."""
    text = head.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="ignore")
    return text.lstrip().startswith(("{", "[")) and any(mark in text for mark in API_JSON_MARKS)


def _is_payroll(head: bytes) -> bool:
    first = head.removeprefix(b"\xef\xbb\xbf").split(b"\n", 1)[0].strip().decode("utf-8", errors="ignore")
    return first.replace('"', "") == PAYROLL_HEADER


def _zip_kind(path: Path, name: str, size: int, suffix: str) -> InputFile | SetAside:
    try:
        with zipfile.ZipFile(path) as zf:
            entries = set(zf.namelist())
            if "xl/workbook.xml" in entries:
                return _kehu_workbook(zf, name) or InputFile(path, name, "xlsx", size)
            if "xl/workbook.bin" in entries:
                return InputFile(path, name, "xlsb", size)
            if "mimetype" in entries and zf.read("mimetype")[:64].startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
                return InputFile(path, name, "ods", size)
            if "EncryptedPackage" in entries:
                return _error(name, "E-file-encrypted", "已加密（设置了打开密码）。")
            if "word/document.xml" in entries or "ppt/presentation.xml" in entries:
                return _not_a_table(name, suffix, "是 Word/PowerPoint 文档，不是表格")
    except zipfile.BadZipFile:
        if suffix in SPREADSHEET_SUFFIXES:
            return _error(name, "E-file-format", "已损坏（不是完整的 Excel 工作簿）。", "请重新导出。")
        return _not_a_table(name, suffix, "是损坏的压缩文件")
    if suffix in ARCHIVE_SUFFIXES:
        return _archive(name)
    return _not_a_table(name, suffix, "不是 Excel 工作簿（缺少 xl/workbook.xml）")


def _kehu_workbook(zf: zipfile.ZipFile, name: str) -> SetAside | None:
    """A workbook kehu wrote (its validation report or department workbook), by its title."""
    try:
        core = zf.read("docProps/core.xml")[:4096].decode("utf-8", errors="ignore")
    except KeyError:
        return None
    title = re.search(r"<dc:title>([^<]*)</dc:title>", core)
    if title and title.group(1).startswith(KEHU_TITLES) and ("校验报告" in title.group(1) or "考核" in title.group(1)):
        return SetAside(name, "kehu 自己的输出工作簿，不作为输入读取")
    return None


_ARCHIVE_MAGIC = (b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b")


def _binary(name: str, suffix: str, head: bytes) -> SetAside:
    if head.startswith(_ARCHIVE_MAGIC) or suffix in ARCHIVE_SUFFIXES:
        return _archive(name)
    if head.startswith(b"SQLite format 3"):
        return SetAside(name, "SQLite 数据库文件，不作为输入读取")
    return _not_a_table(name, suffix, "是 PDF 文件" if head.startswith(b"%PDF") else "不是 kehu 能读的表格格式")


def _archive(name: str) -> SetAside:
    return _set_aside(make("E-file-archive", file=name))


def _not_a_table(name: str, suffix: str, what: str) -> SetAside:
    """A file that is not a table (``what`` it is): an error when its name says it should be one,
    else a warning."""
    if suffix in SPREADSHEET_SUFFIXES:
        return _error(name, "E-file-format", f"{what}，无法读取。")
    return _set_aside(make("W-file-ignored", file=name, what=what))


def _error(name: str, code: str, problem: str, hint: str | None = None) -> SetAside:
    """The file set aside with an error: "该文件" + ``problem`` + the code's hint (or ``hint``)."""
    return _set_aside(make(code, file=name, problem=f"该文件{problem}", hint=hint))


def _set_aside(finding: Finding) -> SetAside:
    """Set aside for ``finding``: manifest.json's reason says the same, without "该文件"."""
    return SetAside(finding.file, finding.message.removeprefix("该文件"), finding)
