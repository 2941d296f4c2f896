"""User data (工号, 姓名, 客户编号) made safe for file names and CSV cells.

A 姓名 comes from the clerk's 员工名册 and may hold anything: ``../``,
``<script>``, a reserved Windows device name such as ``CON``, control
characters, ``=HYPERLINK(…)``. ``safe_filename`` keeps the readable part
(Chinese stays Chinese) and replaces or escapes the rest, so a workbook always
lands inside its folder and opens on Windows, macOS and Linux; ``unique_names``
gives each person of a set a name of its own, also where the file system ignores
case. ``csv_cell`` / ``write_csv`` keep text a spreadsheet would run as a
formula from being one (SPEC §10.8).
"""
from __future__ import annotations

import csv
import re
import unicodedata
from pathlib import Path

# <>:"/\|?* are forbidden on Windows; / and \ are path separators everywhere.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} \
    | {f"COM{i}" for i in "123456789¹²³"} | {f"LPT{i}" for i in "123456789¹²³"}
MAX_LENGTH = 80           # characters; keeps full paths well below Windows' 260


def safe_filename(text: object, max_length: int = MAX_LENGTH, fallback: str = "未命名") -> str:
    """A file name (without folder) made from ``text``.

    No path separators, no ``<>:"/\\|?*`` or control characters, no leading
    dot (hidden file / ``..``), no trailing dot or space, not a reserved
    Windows device name (``CON``, ``PRN``, ``AUX``, ``NUL``, ``COM1``…,
    ``LPT1``… — also with an extension), at most ``max_length`` characters.
    """
    if type(text) is str and _plain(text, max_length):
        return text
    name = unicodedata.normalize("NFC", "" if text is None else str(text))
    name = "".join(" " if unicodedata.category(ch) in ("Zs", "Zl", "Zp") else ch for ch in name)
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn"))
    name = _FORBIDDEN.sub("_", name)
    name = re.sub(r"\.{2,}", "_", name)          # '..' (parent folder) never survives
    name = re.sub(r"\s+", " ", name).strip()
    name = re.sub(r"_{2,}", "_", name)
    name = name.lstrip(". ")
    name = name[:max_length].rstrip(". ")
    if not name or set(name) <= {"_"}:
        name = fallback
    stem = name.split(".", 1)[0].strip().upper()
    if stem in _RESERVED:
        name = ("_" + name)[:max_length].rstrip(". ")
    return name


_PLAIN = re.compile(r"[\w\-]+")


def _plain(name: str, max_length: int) -> bool:
    """A name that the rules of ``safe_filename`` leave as it is — letters, digits, ``-`` and
    single ``_`` (most ids and letter names): this check is ~10 times faster than the rules,
    which run for each of ~30,000 letters of a province month."""
    return (len(name) <= max_length and _PLAIN.fullmatch(name) is not None and "__" not in name
            and name.strip("_") != "" and name.upper() not in _RESERVED and unicodedata.is_normalized("NFC", name))


def unique_filename(name: str, taken: set[str], suffix: str = "") -> str:
    """``name + suffix``, numbered ``name_2``… when a case-insensitive twin is taken
    (Windows and macOS file systems ignore case). Adds the result to ``taken``."""
    candidate, n = name + suffix, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{name}_{n}{suffix}"
    taken.add(candidate.casefold())
    return candidate


def unique_names(wanted: list[tuple[str, str]], suffix: str = "", reserved=()) -> list[str]:
    """The file name of each ``(text, stem)`` pair — ``stem`` being ``text`` made safe — unique
    case-insensitively among them and apart from ``reserved``, in the pairs' order.

    Decided over the whole set at once and in one fixed order, so the same set gets the
    same names whatever order it comes in (and under any hash seed): a text that already
    is its safe stem keeps it first (the person whose id is ``A_1`` keeps ``A_1``), then
    by text; a later twin is numbered ``_2``, ``_3``… (``A/1`` → ``A_1_2``)."""
    taken = {name.casefold() for name in reserved}
    names = [""] * len(wanted)
    for i in sorted(range(len(wanted)), key=lambda i: (wanted[i][1] != wanted[i][0], wanted[i][0], wanted[i][1])):
        names[i] = unique_filename(wanted[i][1], taken, suffix)
    return names


# ---------------------------------------------------------------- CSV cells (SPEC §10.8)

FORMULA_STARTS = frozenset("=+-@")        # what Excel / WPS / LibreOffice read as a formula's start
_BARE_STARTS = frozenset("\t\r\n\0")     # ASVS 1.2.10: a cell may not start with these either


def csv_cell(value) -> str:
    """One CSV cell. Text that a spreadsheet would run as a formula gets a leading ``'``
    (OWASP CSV injection; ASVS 1.2.10): text whose first visible character is = + - @ —
    after leading whitespace or invisible characters, and counting the full-width and
    small forms (＝ ＋ － ＠ ﹦…) as the same — or that starts with a tab, CR, LF or NUL.

    Only ``str`` is text: a number (``int``, ``Decimal``, ``float``) is written as it is,
    negative or not, so numeric columns stay numbers; a 工号 "-1001" is text and is
    prefixed. ``None`` is an empty cell."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)
    return "'" + value if _formula_like(value) else value


def _formula_like(text: str) -> bool:
    if text[:1] in _BARE_STARTS:
        return True
    first = next((ch for ch in text if not _invisible(ch)), "")
    return unicodedata.normalize("NFKC", first)[:1] in FORMULA_STARTS


def _invisible(ch: str) -> bool:
    """Whitespace (also the full-width 　) and control / format characters (zero-width space,
    BOM): a spreadsheet may skip them before it looks for a formula."""
    return ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf")


def write_csv(path: Path, headers: list[str], rows) -> Path:
    """A CSV file as kehu writes every one: UTF-8 with BOM (Excel on a Chinese Windows
    reads it right), CRLF lines, each cell through ``csv_cell``. The one writer, so that
    no CSV of kehu's escapes the formula rule."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow([csv_cell(h) for h in headers])
        for row in rows:
            writer.writerow([csv_cell(v) for v in row])
    return Path(path)
