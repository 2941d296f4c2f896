"""Outputs as the reader sees them, as text — for golden files of what is printed (not pixels).

``sheet_text``: a worksheet's cells as Excel shows them (by each cell's number format), one line
per row, cells joined by " | ". ``page_text``: a letter's HTML as the text a browser shows.
"""
from __future__ import annotations

import re
from datetime import datetime
from html.parser import HTMLParser


def shown(cell) -> str:
    """The text Excel shows for ``cell`` (the number formats kehu's workbooks use)."""
    value, fmt = cell.value, cell.number_format or "General"
    if value is None:
        return ""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if ";" in fmt:                              # positive;negative;zero sections, their signs written out
        sections = fmt.split(";")
        fmt = sections[0] if value > 0 else sections[1] if value < 0 else sections[-1]
        sign, fmt = (fmt[0], fmt[1:]) if fmt[:1] in "+-" else ("", fmt)
        return sign + _number(abs(value), fmt)
    return _number(value, fmt)


def _number(value, fmt: str) -> str:
    if fmt.endswith("%"):
        places = fmt[:-1].split(".")[1] if "." in fmt else ""
        least, most = places.count("0"), len(places)
        text = f"{value * 100:.{most}f}"
        while most > least and text.endswith("0"):
            text, most = text[:-1], most - 1
        return text.rstrip(".") + "%"
    decimals = len(fmt.split(".")[1].rstrip("#")) if "." in fmt else 0
    text = f"{value:,.{decimals}f}" if "," in fmt else f"{value:.{decimals}f}"
    return ("¥" + text) if fmt.startswith("¥") else text


def sheet_text(ws) -> str:
    lines = []
    for row in ws.iter_rows():
        cells = [shown(c) for c in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"


class _Text(HTMLParser):
    BLOCKS = {"p", "div", "h1", "h2", "tr", "li", "header", "section", "table", "br", "ol"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "title"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_endtag(self, tag):
        if tag in ("style", "script", "title"):
            self.skip -= 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    lines = (re.sub(r"\s+", " ", line).strip(" |") for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line) + "\n"
