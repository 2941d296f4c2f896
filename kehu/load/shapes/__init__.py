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

The attendance exports of DingTalk and WeCom (issue 17; ../shared/formats/attendance-exports.md):
exports.py (what they share: header bands, their dates and times, rows for kehu's datasets, the
export's own verdicts), one module per family (dingtalk_raw, dingtalk_daily, dingtalk_leave,
dingtalk_signin, wecom, api_json, other_exports), and resolve.py — after loading, the accounts
and customer names an export uses, as kehu's ids.
"""
from __future__ import annotations

from typing import Protocol

import pandas as pd

from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.shapes.api_json import DingTalkApi, WeComApi
from kehu.load.shapes.dingtalk_daily import DingTalkDaily, DingTalkTimes
from kehu.load.shapes.dingtalk_leave import DingTalkLeave, DingTalkPunchFix
from kehu.load.shapes.dingtalk_raw import DingTalkRawPunches
from kehu.load.shapes.dingtalk_signin import DingTalkSignIn
from kehu.load.shapes.kehu_table import KehuTable
from kehu.load.shapes.other_exports import MonthSummary, UnknownExport
from kehu.load.shapes.wecom import WeComDaily, WeComDetail
from kehu.schema import DATASETS

INSTRUCTION_SHEETS = ("填写说明",)


class Shape(Protocol):
    name: str

    def claims(self, raw: RawSheet) -> object | None: ...

    def rows(self, raw: RawSheet, claim, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]: ...


SHAPES: list[Shape] = [
    DingTalkApi(), WeComApi(),                      # JSON saved from the attendance APIs
    WeComDaily(), WeComDetail(),                    # 企业微信 上下班打卡 日报 (before 每日统计: both have 上班1 columns)
    DingTalkDaily(), DingTalkTimes(), DingTalkRawPunches(), DingTalkLeave(), DingTalkPunchFix(), DingTalkSignIn(),
    MonthSummary(), UnknownExport(),                # exports kehu has no use for, or does not know
    KehuTable(),                                    # kehu's own tables: claims every sheet
]


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
