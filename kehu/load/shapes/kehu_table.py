"""kehu's own tables (SPEC §1, §10.4): a header row naming a dataset's columns.

Recognition is kehu.load.headers (decorations taken off, the dataset whose columns the sheet
carries most, at least half of its required columns); typing is kehu.load.sheet_parser. This
shape claims every sheet it is asked about: a sheet it cannot place is W-sheet-unknown (ignored),
an ambiguous one E-sheet-ambiguous, a sheet with required columns missing E-column-missing.
"""
from __future__ import annotations

import pandas as pd

from kehu.findings import make
from kehu.load.headers import Recognition, missing_column_fields, recognise
from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.sheet_parser import SheetParser, is_blank


class KehuTable:
    name = "kehu 表格"

    def claims(self, raw: RawSheet) -> Recognition:
        return recognise(raw.rows)

    def rows(self, raw: RawSheet, rec: Recognition, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        if rec.match is None or rec.ties:
            _unmatched(raw, rec, ledger, findings)
            return []
        if not rec.match.complete:
            _incomplete(raw, rec, ledger, findings)
            return []
        parser = SheetParser(raw, rec.match.dataset, rec.header, rec.mapping, rules, ledger, findings)
        return [(rec.match.dataset.key, parser.parse())]


def _count_unused(raw: RawSheet, body: list, dataset: str | None, kind: str, ledger: Ledger) -> int:
    """Account for the rows of a sheet that is not typed; the number of non-empty rows."""
    empty = sum(1 for r in body if all(is_blank(v) for v in r))
    ledger.sheet(raw.file, raw.sheet, dataset, read=len(body), empty=empty)
    ledger.drop_count(raw.file, raw.sheet, len(body) - empty, kind)
    return len(body) - empty


def _incomplete(raw: RawSheet, rec: Recognition, ledger: Ledger, findings: list) -> None:
    """A sheet carrying at least half of a dataset's required columns, but not all: that dataset
    with columns missing — an error per missing column, every row rejected (SPEC §10.4)."""
    dataset = rec.match.dataset
    _count_unused(raw, raw.rows[rec.header + 1:], dataset.key, "rejected", ledger)
    for alias in rec.match.missing:
        findings.append(make("E-column-missing", file=raw.file, sheet=raw.sheet, row=rec.header + 1,
                             dataset=dataset.key, rejected=True, **missing_column_fields(rec, alias)))


def _unmatched(raw: RawSheet, rec: Recognition, ledger: Ledger, findings: list) -> None:
    body = raw.rows[rec.header + 1:] if rec.ties else raw.rows
    if not _count_unused(raw, body, None, "rejected" if rec.ties else "ignored", ledger):
        return  # an empty sheet (e.g. Excel's default Sheet2) needs no word
    if rec.ties:
        names = "、".join(m.dataset.name for m in rec.ties)
        findings.append(make("E-sheet-ambiguous", file=raw.file, sheet=raw.sheet, row=rec.header + 1, rejected=True,
                             names=names))
        return
    nearest = ""
    if rec.nearest is not None:
        missing = "、".join(rec.nearest.dataset.column(a).name for a in rec.nearest.missing)
        nearest = f"它有「{rec.nearest.dataset.name}」的部分列，但缺少：{missing}。" if missing else ""
    findings.append(make("W-sheet-unknown", file=raw.file, sheet=raw.sheet, nearest=nearest))
