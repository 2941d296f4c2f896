"""Guards for untrusted workbooks, checked before any parser sees the file.

A clerk (or an attacker) can hand in an encrypted workbook, a file that is
not a zip, a zip bomb, an XML entity bomb or a sheet declaring a huge
dimension. calamine aborts the whole process on a huge declared dimension,
so these are refused here, each with a finding, never a traceback or a hang.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import defusedxml.ElementTree as SafeET
import numpy as np
from defusedxml import DefusedXmlException

from kehu.findings import Finding, column_index, make

MAX_UNCOMPRESSED = 2 * 1024**3      # all entries of one workbook
MAX_RATIO = 200                     # per entry, above 10 MB uncompressed
MAX_CELLS = 20_000_000              # rows × columns (declared or spanned); ~40 B/cell in calamine
MAX_ROWS = 1_048_576                # Excel's own limit
MAX_COLS = 16_384
_BLOCK = 1 << 18                    # sheet XML inflated and scanned this much at a time
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')
# an error cell's tag and its value; never reaching past the cell's end into the next cell's value
_ERROR_CELL = re.compile(rb'<(?:\w+:)?c\s([^>]*?\bt="e"[^>]*?)(?<!/)>(?:(?!</(?:\w+:)?c>).)*?<(?:\w+:)?v>([^<]*)</', re.S)
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
# cell references actually present (calamine sizes its grid by them, not by <dimension>)
# only the rare far ones are collected: columns T… (19 × 1,048,576 < MAX_CELLS) or rows from 1,000,000
_FAR_REF = re.compile(rb'r\s*=\s*["\']((?:[A-Z]{2,}|[T-Z])\d+|[A-Z]*\d{7,})["\']')
_ANY_REF = re.compile(rb'r\s*=\s*["\'][A-Z]*(\d+)["\']')
_SPLIT_REF = re.compile(rb'([A-Z]*)(\d+)')


class UnsafeFile(Exception):
    """The file must not be parsed: the finding of ``code`` (kehu/finding_codes.py) made from
    ``fields`` says why; ``hint`` replaces the code's next step where this case needs another."""

    def __init__(self, code: str, hint: str | None = None, **fields):
        self.code, self.hint, self.fields = code, hint, fields
        self.message = make(code, hint=hint, **fields).message
        super().__init__(self.message)

    def finding(self, file: str) -> Finding:
        return make(self.code, file=file, hint=self.hint, **self.fields)


@dataclass
class XlsxCheck:
    """What the pre-scan learnt: error cells per sheet XML (calamine blanks them), and which
    state of the file it vetted (``file_stamp``), so a second read in the same run can skip it."""
    error_cells: dict = field(default_factory=dict)   # sheet name → {(row, col_letter): "#DIV/0!"}
    stamp: tuple = ()


def file_stamp(path: Path) -> tuple:
    """Size, modification time and file id: a file rewritten since has another stamp."""
    st = path.stat()
    return st.st_size, st.st_mtime_ns, st.st_ino


def check_xlsx(path: Path) -> XlsxCheck:
    """Raise UnsafeFile unless ``path`` is a plain, sane .xlsx workbook."""
    stamp = file_stamp(path)            # before reading: a change made during the scan changes it
    head = _first_bytes(path, 8)
    if not head:
        raise UnsafeFile("E-file-format", "请重新导出该文件。", problem="读取时文件是空的（0 字节）。")
    if head.startswith(OLE_MAGIC):
        raise UnsafeFile("E-file-encrypted", problem="文件已加密（设置了打开密码）或是旧版 .xls 格式，无法读取。")
    if not head.startswith(b"PK"):
        text = _looks_like_text(path)
        raise UnsafeFile("E-file-format", "请把扩展名改为 .csv。" if text else None,
                         problem="文件扩展名是 .xlsx，但内容不是 Excel 工作簿" + ("，看起来是文本/CSV 文件。" if text else "。"))
    try:
        with zipfile.ZipFile(path) as zf:
            _check_entries(zf)
            _check_workbook_xml(zf)
            return XlsxCheck(_scan_sheets(zf), stamp)
    except zipfile.BadZipFile:
        raise UnsafeFile("E-file-format", "请重新导出。", problem="文件已损坏，不是有效的 .xlsx（zip）文件。") from None


def _first_bytes(path: Path, count: int) -> bytes:
    """The file's first ``count`` bytes; the handle closed at once (Windows keeps an open file locked)."""
    with path.open("rb") as fh:
        return fh.read(count)


def _looks_like_text(path: Path) -> bool:
    sample = _first_bytes(path, 4096)
    return b"\x00" not in sample and (b"," in sample or b"\t" in sample or b"\n" in sample)


def check_zip_package(path: Path, xml_entries: tuple = ("content.xml", "styles.xml")) -> XlsxCheck:
    """Raise UnsafeFile unless ``path`` (an .ods or .xlsb) is a sane zip: no bomb, no
    encrypted entry, no entity declarations in its XML parts."""
    stamp = file_stamp(path)
    try:
        with zipfile.ZipFile(path) as zf:
            _check_sizes(zf)
            for name in xml_entries:
                if name in zf.namelist():
                    with zf.open(name) as fh:
                        head = fh.read(65536)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise _entities(name)
    except zipfile.BadZipFile:
        raise UnsafeFile("E-file-format", "请重新导出。", problem="文件已损坏，不是有效的表格文件。") from None
    return XlsxCheck({}, stamp)


def _check_entries(zf: zipfile.ZipFile) -> None:
    _check_sizes(zf)
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        if "EncryptedPackage" in names:
            raise UnsafeFile("E-file-encrypted", problem="文件已加密，无法读取。")
        raise UnsafeFile("E-file-format", problem="文件不是 Excel 工作簿（缺少 xl/workbook.xml）。")


def _check_sizes(zf: zipfile.ZipFile) -> None:
    total = 0
    for info in zf.infolist():
        if info.flag_bits & 0x1:
            raise UnsafeFile("E-file-encrypted", problem="工作簿内的内容已加密，无法读取。")
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNCOMPRESSED or (info.file_size > 10 * 1024**2 and ratio > MAX_RATIO):
            raise UnsafeFile("E-file-zipbomb", entry=info.filename, ratio=ratio)


def _check_workbook_xml(zf: zipfile.ZipFile) -> None:
    for name in ("xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml"):
        if name not in zf.namelist():
            continue
        with zf.open(name) as fh:
            head = fh.read(4096)
        if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
            raise _entities(name)
    try:
        SafeET.fromstring(zf.read("xl/workbook.xml"))
    except (DefusedXmlException, SafeET.ParseError) as exc:
        raise UnsafeFile("E-file-xml", problem=f"工作簿结构（xl/workbook.xml）无法安全解析：{exc}。") from None


def _entities(part: str) -> UnsafeFile:
    return UnsafeFile("E-file-xml", problem=f"文件中的 XML 含有实体声明（{part}），可能是恶意文件，已拒绝读取。")


def _sheet_entries(zf: zipfile.ZipFile) -> list[str]:
    return sorted(n for n in zf.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))


def _scan_sheets(zf: zipfile.ZipFile) -> dict:
    """Check each sheet's declared dimension and extent and collect its error cells (#DIV/0! …)."""
    result = {}
    names = _sheet_titles(zf)
    for entry in _sheet_entries(zf):
        sheet = names.get(entry, entry)
        far, errors = set(), {}
        with zf.open(entry) as fh:
            head = fh.read(65536)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise _entities(entry)
            _check_dimension(head, sheet)
            for block in _cell_blocks(head, fh):
                refs, cells = _scan_block(block)
                far.update(refs)
                errors.update(cells)
        _check_extent(far, lambda: _max_row(zf, entry), sheet)
        if errors:
            result[sheet] = errors
    return result


def _cell_blocks(head: bytes, fh) -> Iterator[bytes]:
    """A sheet's XML a block at a time (it is never held whole: 100 MB for a big sheet), each
    block cut just before a ``<c``: no tag and no cell element is split between two blocks, so
    every pattern of this module that matches the whole XML matches within one block."""
    carry = bytearray(head)
    while more := fh.read(_BLOCK):
        searched = len(carry) - 1                       # a "<" ending the last read may start "<c"
        carry += more
        cut = carry.rfind(b"<c", max(searched, 0))
        if cut > 0:
            yield bytes(carry[:cut])
            del carry[:cut]
    if carry:
        yield bytes(carry)


def _byte_set(chars: bytes) -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    table[list(chars)] = True
    return table


_UPPER, _FAR_LETTER = _byte_set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"), _byte_set(b"TUVWXYZ")
_DIGIT, _SPACE = _byte_set(b"0123456789"), _byte_set(b" \t\r\n")
_EQ, _QUOTE, _R, _T, _E = b'="rte'


def _scan_block(block: bytes) -> tuple[list, dict]:
    """The far refs (``_FAR_REF``) and error cells (``_error_cells``) of one block of sheet XML.

    The regular expressions cost ~1.5 s of CPU on a province month's 425 MB of XML. In the
    usual XML, where every ``=`` is written ``="`` with no space before it, numpy finds every
    ``r="`` and ``t="`` and looks at the bytes after them instead; the expressions then run
    only on a block where they may match. Where that cannot rule a match out, they run as
    before: the test may flag too much, never too little."""
    a = np.frombuffer(block + bytes(16), dtype=np.uint8)          # padded: indexing past the end is safe
    eq = np.flatnonzero(a == _EQ)
    if len(eq) == 0:
        return [], {}
    before, after = a[eq - 1], a[eq + 1]
    if eq[0] == 0 or (after != _QUOTE).any() or _SPACE[before].any():   # another way to write attributes
        return _FAR_REF.findall(block), _error_cells(block)
    ref = eq[before == _R] + 2                                  # where each r="… value starts
    first, second = a[ref], a[ref + 1]
    letters = _UPPER[first].astype(np.intp)                     # 0 or (at least) 1
    far = _FAR_LETTER[first] | (_UPPER[first] & _UPPER[second])    # a column from T on
    far |= _DIGIT[a[ref + letters]] & _DIGIT[a[ref + letters + 6]]   # seven digits: a row from 1,000,000 on
    value = eq[before == _T] + 2                                # t="e": an error cell
    errors = ((a[value] == _E) & (a[value + 1] == _QUOTE)).any()
    return (_FAR_REF.findall(block) if far.any() else []), (_error_cells(block) if errors else {})


def _max_row(zf: zipfile.ZipFile, entry: str) -> int:
    """The largest row number referenced in the sheet (a second pass, for a wide sheet only)."""
    with zf.open(entry) as fh:
        return max((int(r) for block in _cell_blocks(b"", fh) for r in _ANY_REF.findall(block)), default=0)


def _check_dimension(head: bytes, sheet: str) -> None:
    m = _DIMENSION.search(head)
    if not m:
        return
    last_col, last_row = (m.group(3), m.group(4)) if m.group(3) else (m.group(1), m.group(2))
    rows, cols = int(last_row), column_index(last_col.decode()) + 1
    if rows > MAX_ROWS or cols > MAX_COLS or rows * cols > MAX_CELLS:
        raise UnsafeFile("E-sheet-too-large", sheet=sheet, extent="声明的范围", rows=rows, cols=cols)


def _check_extent(far_refs: set, max_row, sheet: str) -> None:
    """Refuse a sheet whose cells span a huge grid, dimension declared or not.

    One value at XFD1048576 beside A1 makes calamine allocate 17 billion cells
    (the process aborts). The scan collects only the far refs (columns T…,
    rows ≥ 1,000,000); without them the grid is at most 999,999 × 19. The exact
    row count (``max_row()``) is taken only for a wide sheet.
    """
    far = [_SPLIT_REF.fullmatch(r).groups() for r in far_refs]
    cols = max((column_index(letters.decode()) + 1 for letters, _ in far if letters), default=19)
    rows = max((int(digits) for _, digits in far if len(digits) >= 7), default=999_999)
    if rows <= MAX_ROWS and rows * cols > MAX_CELLS:
        rows = max_row()
    if rows > MAX_ROWS or cols > MAX_COLS or rows * cols > MAX_CELLS:
        raise UnsafeFile("E-sheet-too-large", sheet=sheet, extent="单元格分布范围", rows=rows, cols=cols)


def _error_cells(xml: bytes) -> dict:
    if b't="e"' not in xml:
        return {}
    cells = {}
    for m in _ERROR_CELL.finditer(xml):
        ref = _CELL_REF.search(m.group(1))
        if ref:
            cells[(int(ref.group(2)), ref.group(1).decode())] = m.group(2).decode("utf-8", "replace")
    return cells


def _sheet_titles(zf: zipfile.ZipFile) -> dict:
    """Map xl/worksheets/sheetN.xml → the sheet's visible name."""
    try:
        wb = SafeET.fromstring(zf.read("xl/workbook.xml"))
        rels = SafeET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, DefusedXmlException, SafeET.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out = {}
    for sheet in wb.iter():
        if sheet.tag.endswith("}sheet"):
            rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "").lstrip("/")
            target = target if target.startswith("xl/") else "xl/" + target
            out[target] = sheet.get("name")
    return out
