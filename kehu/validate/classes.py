"""Customer class check (SPEC §2.10) → W-class-mismatch warnings.

Policy: seed 002_0c6d91ff25860e0e.txt, 第三章 第3条 大客户定义 —
"A一级客户 指年用量在50万元以上 …; A二级客户 指年用量在20万元以上30万元以下 …;
B一级客户 指年用量在5万元以上10万元以下 …; B二级客户 指年用量在2万元以上5万元以下 …;
C类客户 此类客户用量较大,但对公司利润贡献率较低; D类客户 此类客户用量较小 …".
The seed leaves gaps (30–50万, 10–20万); the rules file ``[classes]`` closes them
downward: ``bands`` hold the minimum 年用量 per class, highest first, and below the last
band any of ``low_classes`` (C, D — told apart by profit, which kehu does not know) is fine.

The declared class is always used; a disagreement is only a warning for the clerk.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable

import numpy as np
import pandas as pd

from kehu.findings import Finding, make

CODE = "W-class-mismatch"
COLUMN_ALIAS = "customer_class"
COLUMN_HEADER = "客户级别"
Locate = Callable[[str, str, str], tuple]    # (file, sheet, alias) → (header, letter), e.g. Ledger.locate


def expected_class(annual_spend: pd.Series, rules: dict) -> pd.Series:
    """The class 年用量 implies (seed 002 大客户分级): the first band, highest first, whose
    minimum it reaches; None below the last band (then any low class is accepted)."""
    spend = annual_spend.to_numpy(dtype=object)
    out = np.full(len(spend), None, dtype=object)
    for band in reversed(rules["classes"]["bands"]):   # lowest first; higher bands overwrite
        floor = Decimal(str(band["min_annual_spend"]))
        reached = np.array([s >= floor for s in spend], dtype=bool)
        out[reached] = band["class"]
    return pd.Series(out, index=annual_spend.index, dtype=object)


def class_findings(customers: pd.DataFrame, rules: dict, locate: Locate | None = None) -> list[Finding]:
    """A W-class-mismatch warning per customer whose declared 客户级别 disagrees with its
    年用量 (SPEC §2.10); customers without 年用量 are not checked. ``locate`` (e.g.
    ``Ledger.locate``) supplies the header text and column letter; without it the header
    is 客户级别 and the letter is left for the validator to fill."""
    given = customers["annual_spend"].astype(object)
    rows = customers.loc[given.notna().to_numpy()]
    if rows.empty:
        return []
    expected = expected_class(rows["annual_spend"].astype(object), rules)
    low = set(rules["classes"]["low_classes"])
    declared = rows["customer_class"].astype(object)
    wrong = np.where(expected.isna(), ~declared.isin(low), declared.ne(expected)).astype(bool)
    hits = rows.loc[wrong]
    columns = ("_file", "_sheet", "_row", "customer_class", "annual_spend", "manager_id")
    return [_finding(dict(zip(columns, values)), exp, rules, locate)
            for values, exp in zip(zip(*(hits[c].tolist() for c in columns)), expected.loc[wrong])]


def _finding(row: dict, expected: str | None, rules: dict, locate: Locate | None) -> Finding:
    header, letter = locate(row["_file"], row["_sheet"], COLUMN_ALIAS) if locate else ("", "")
    declared = row["customer_class"]
    return make(CODE, file=str(row["_file"]), sheet=str(row["_sheet"]), row=int(row["_row"]),
                column=header or COLUMN_HEADER, letter=letter or "", value=str(declared), dataset="customers",
                employee_id=str(row["manager_id"] or ""), spend=f"{Decimal(row['annual_spend']):,.2f}",
                should=_should(expected, rules))


def _should(expected: str | None, rules: dict) -> str:
    """What the class should be: '按大客户分级应为 A2', or below the last band '低于 20,000.00 元，…C 或 D'."""
    if expected is None:
        floor = Decimal(str(rules["classes"]["bands"][-1]["min_annual_spend"]))
        return f"，低于 {floor:,.2f} 元，按大客户分级应为 {' 或 '.join(rules['classes']['low_classes'])}"
    return f"，按大客户分级应为 {expected}"
