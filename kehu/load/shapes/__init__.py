"""Input shapes: how a sheet is recognised, and how its rows become the rows of kehu's datasets.

A shape is a unit (STYLE.md: frictionless' format plugins): a class with

- ``name`` — what the clerk would call it ("kehu 表格", later "钉钉 原始记录" …);
- ``claims(raw)`` — a cheap look at a raw sheet (its name, its first rows): a claim, or None;
- ``rows(raw, claim, rules, ledger, findings)`` — the sheet's rows as ``[(dataset key, frame)]``,
  each frame with the dataset's columns and the provenance ``_file``, ``_sheet``, ``_row`` of
  the *source* row. One source row may become several rows (a day of an attendance export
  holds several punches): the shape says so with ``ledger.sheet(..., one_to_one=False)``, and
  the manifest counts each source row once (kehu.load.ledger).

``SHAPES`` is tried in order: the specific exports first, so that an export is never taken for
one of kehu's own tables with columns missing; kehu's own tables (SPEC §1, §10.4) last — that
shape claims every sheet, and says what an unknown sheet lacks. Adding a shape is a module in
this package and one line in ``SHAPES``.
"""
from __future__ import annotations

from typing import Protocol

import pandas as pd

from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.shapes.kehu_table import KehuTable
from kehu.schema import DATASETS

INSTRUCTION_SHEETS = ("填写说明",)


class Shape(Protocol):
    name: str

    def claims(self, raw: RawSheet) -> object | None: ...

    def rows(self, raw: RawSheet, claim, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]: ...


SHAPES: list[Shape] = [KehuTable()]


def parse_sheets(raws: list[RawSheet], rules: dict, ledger: Ledger, findings: list) -> dict[str, list[pd.DataFrame]]:
    """Every sheet through the first shape that claims it: {dataset key: its frames}."""
    parts: dict[str, list[pd.DataFrame]] = {d.key: [] for d in DATASETS}
    for raw in raws:
        if raw.sheet.strip() in INSTRUCTION_SHEETS:
            continue  # the 填写说明 sheet of a `kehu init` workbook
        shape, claim = next((s, c) for s in SHAPES if (c := s.claims(raw)) is not None)
        for key, frame in shape.rows(raw, claim, rules, ledger, findings):
            parts[key].append(frame)
    return parts
