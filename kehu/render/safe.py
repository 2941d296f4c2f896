"""File names built from user data (工号, 姓名) that are safe on every OS.

A 姓名 comes from the clerk's 员工名册 and may hold anything: ``../``,
``<script>``, a reserved Windows device name such as ``CON``, control
characters. ``safe_filename`` keeps the readable part (Chinese stays Chinese)
and replaces or escapes the rest, so a workbook always lands inside its folder
and opens on Windows, macOS and Linux.
"""
from __future__ import annotations

import re
import unicodedata

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


def unique_filename(name: str, taken: set[str], suffix: str = "") -> str:
    """``name + suffix``, numbered ``name_2``… when a case-insensitive twin is taken
    (Windows and macOS file systems ignore case). Adds the result to ``taken``."""
    candidate, n = name + suffix, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{name}_{n}{suffix}"
    taken.add(candidate.casefold())
    return candidate
