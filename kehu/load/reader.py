"""Read every .xlsx / .csv of the input folder into raw sheets (SPEC §1).

Reading is fast (python-calamine) and lossless: every cell comes back as the
Python value calamine or the CSV text gives, so nothing is type-guessed away;
the typing happens column-wise in kehu.load.values with a finding for every
cell that cannot be read. Files that cannot be read at all become findings.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from kehu.load.safety import UnsafeFile, XlsxCheck, check_xlsx, file_stamp

MAX_CSV_BYTES = 2 * 1024**3
CSV_ENCODINGS = ("utf-8-sig", "gb18030")   # gb18030 is a superset of GBK


@dataclass
class RawSheet:
    file: str
    sheet: str
    rows: list                      # list of row lists; rows[i] is Excel row i + 1
    error_cells: dict = field(default_factory=dict)   # (row, letter) → "#DIV/0!"


def input_files(folder: Path) -> list[Path]:
    """The month's files: *.xlsx and *.csv, not recursive, no ~$ lock or hidden files."""
    files = [p for p in folder.iterdir()
             if p.is_file() and p.suffix.lower() in (".xlsx", ".xlsm", ".csv")
             and not p.name.startswith(("~$", "."))]
    return sorted(files, key=lambda p: p.name)


def read_file(path: Path, vetted: XlsxCheck | None = None) -> list[RawSheet]:
    """Every sheet of ``path``; ``vetted``: see read_xlsx."""
    if path.suffix.lower() == ".csv":
        return [read_csv(path)]
    return read_xlsx(path, vetted)


def vet_file(path: Path) -> XlsxCheck | None:
    """The safety pre-scan of a workbook (kehu.load.safety; raises UnsafeFile), None for a CSV."""
    return None if path.suffix.lower() == ".csv" else check_xlsx(path)


def read_xlsx(path: Path, vetted: XlsxCheck | None = None) -> list[RawSheet]:
    """``vetted``: this run's pre-scan of the file, used instead of scanning it again (seconds
    for a big file) while the file is unchanged since."""
    check = vetted if vetted is not None and vetted.stamp == file_stamp(path) else check_xlsx(path)
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's own errors: password, zip, xml
        name = type(exc).__name__
        code = "E-file-encrypted" if "Password" in name else "E-file-format"
        raise UnsafeFile(code, f"无法读取该工作簿({name}: {exc})。请在 Excel 中打开后另存为 .xlsx。") from None
    out = []
    for meta in wb.sheets_metadata:
        if str(meta.typ) != "SheetTypeEnum.WorkSheet":
            continue
        try:
            rows = wb.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        except Exception as exc:
            raise UnsafeFile("E-file-format", f"工作表「{meta.name}」无法读取({type(exc).__name__}: {exc})。") from None
        out.append(RawSheet(path.name, meta.name, rows, check.error_cells.get(meta.name, {})))
    return out


def read_csv(path: Path) -> RawSheet:
    size = path.stat().st_size
    if size == 0:
        raise UnsafeFile("E-file-empty", "文件是空的(0 字节)。请重新导出该文件。")
    if size > MAX_CSV_BYTES:
        raise UnsafeFile("E-file-too-large", f"CSV 文件过大({size / 1024**3:.1f} GB),已拒绝读取。")
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):      # Excel's 「Unicode 文本」 export
        raise UnsafeFile("E-file-encoding", "文件是 UTF-16 编码(Excel 的「Unicode 文本」格式)。"
                         "请在 Excel 中另存为「CSV UTF-8(逗号分隔)」后重新放入。")
    if data.startswith(b"PK") or b"\x00" in data[:4096]:
        raise UnsafeFile("E-file-format", "文件扩展名是 .csv,但内容是二进制(可能是 Excel 工作簿);请把扩展名改为 .xlsx。")
    text = _decode(data)
    # csv.reader keeps ragged rows and huge cells: no line is dropped
    csv.field_size_limit(MAX_CSV_BYTES)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return RawSheet(path.name, path.stem, rows)


def _decode(data: bytes) -> str:
    for enc in CSV_ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise UnsafeFile("E-file-encoding", "CSV 文件的编码无法识别(应为 UTF-8 或 GBK)。请用 Excel 另存为“CSV UTF-8”。")
