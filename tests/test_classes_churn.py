"""Customer class check (SPEC §2.10) and churn early warning (SPEC §2.11)."""
from __future__ import annotations

from decimal import Decimal

import pandas as pd

from kehu.compute.churn import churn_warnings
from kehu.validate.classes import class_findings
from kehu.month import Month
from kehu.rules import load_rules

RULES = load_rules()
OCT = Month(2026, 10)


def customers(*rows) -> pd.DataFrame:
    """rows: (customer_id, class, manager_id, 年用量 or None[, 本月收入[, status]])."""
    rows = [r + (None,) * (6 - len(r)) for r in rows]
    money = lambda v: None if v is None else Decimal(v)  # noqa: E731
    return pd.DataFrame({
        "customer_id": pd.Series([r[0] for r in rows], dtype=object),
        "customer_name": pd.Series([f"客户{r[0]}" for r in rows], dtype=object),
        "customer_class": pd.Series([r[1] for r in rows], dtype=object),
        "manager_id": pd.Series([r[2] for r in rows], dtype=object),
        "member": pd.Series([False] * len(rows), dtype=bool),
        "revenue": pd.Series([money(r[4] or "0") for r in rows], dtype=object),
        "annual_spend": pd.Series([money(r[3]) for r in rows], dtype=object),
        "status": pd.Series([r[5] or "在网" for r in rows], dtype=object),
        "churned_on": pd.Series([pd.NaT] * len(rows), dtype="datetime64[ns]"),
        "_file": "客户名册.xlsx", "_sheet": "客户", "_row": list(range(2, len(rows) + 2)),
    })


# ---------------------------------------------------------------------------
# 大客户分级 (seed 002): ≥500k A1, ≥200k A2, ≥50k B1, ≥20k B2, below: C or D

def flat(findings) -> list[tuple]:
    return [(f.sheet, f.row, f.column, f.code, f.value, f.employee_id, f.severity) for f in findings]


def test_band_edges():
    cust = customers(("1", "A1", "m1", "500000"),        # exactly 500,000 → A1, fine
                     ("2", "A2", "m1", "500000"),        # → should be A1
                     ("3", "A1", "m2", "499999.99"),     # → should be A2
                     ("4", "A2", "m2", "499999.99"),     # fine
                     ("5", "B2", "m1", "20000"),         # exactly 20,000 → B2, fine
                     ("6", "C", "m1", "20000"),          # → should be B2
                     ("7", "C", "m1", "19999.99"),       # below the bands: C fine
                     ("8", "D", "m1", "0"),              # D fine
                     ("9", "B2", "m3", "19999.99"),      # → should be C or D
                     ("10", "A1", "m1", None))           # no 年用量: not checked
    found = class_findings(cust, RULES)
    assert flat(found) == [("客户", 3, "客户级别", "W-class-mismatch", "A2", "m1", "warning"),
                           ("客户", 4, "客户级别", "W-class-mismatch", "A1", "m2", "warning"),
                           ("客户", 7, "客户级别", "W-class-mismatch", "C", "m1", "warning"),
                           ("客户", 10, "客户级别", "W-class-mismatch", "B2", "m3", "warning")]
    assert [f.message for f in found] == [
        "客户级别为 A2，但年用量 500,000.00 元，按大客户分级应为 A1。请核对客户级别或年用量。",
        "客户级别为 A1，但年用量 499,999.99 元，按大客户分级应为 A2。请核对客户级别或年用量。",
        "客户级别为 C，但年用量 20,000.00 元，按大客户分级应为 B2。请核对客户级别或年用量。",
        "客户级别为 B2，但年用量 19,999.99 元，低于 20,000.00 元，按大客户分级应为 C 或 D。请核对客户级别或年用量。"]
    assert all(not f.rejected and f.file == "客户名册.xlsx" and f.dataset == "customers" for f in found)


def test_gap_closed_downward_and_locate_gives_the_letter():
    # 260,000 is ≥ 200,000 → A2 (seed: A二级 20万以上).
    cust = customers(("1", "B2", "m1", "260000"))
    found = class_findings(cust, RULES, locate=lambda file, sheet, alias: ("客户级别 ", "C"))
    assert [(f.cell, f.column) for f in found] == [("C2", "客户级别 ")]
    assert found[0].message == "客户级别为 B2，但年用量 260,000.00 元，按大客户分级应为 A2。请核对客户级别或年用量。"


def test_no_annual_spend_column_values_no_findings():
    assert class_findings(customers(("1", "A1", "m1", None)), RULES) == []


# ---------------------------------------------------------------------------
# 离网预警 (seed 004 离网必防): drop ≥ 30% against the average of 2026-07 … 2026-09

def history(*rows) -> pd.DataFrame:
    """rows: (month, customer_id, revenue) — the history store's per-customer revenue."""
    return pd.DataFrame({
        "month": pd.Series([r[0] for r in rows], dtype=object),
        "customer_id": pd.Series([r[1] for r in rows], dtype=object),
        "manager_id": pd.Series(["old"] * len(rows), dtype=object),
        "revenue": pd.Series([Decimal(r[2]) for r in rows], dtype=object),
    })


def three_months(customer_id: str, *revenues) -> list[tuple]:
    return [(m, customer_id, r) for m, r in zip(("2026-07", "2026-08", "2026-09"), revenues)]


def test_exactly_thirty_percent_warns_twenty_nine_ninety_nine_does_not():
    # 1: avg (90+100+110)/3 = 100, now 70.00 → 30.00% → warns
    # 2: avg 100, now 70.01 → 29.99% → no warning
    # 3: avg 0 → nothing to fall from
    cust = customers(("1", "B1", "m1", None, "70.00"), ("2", "B1", "m1", None, "70.01"),
                     ("3", "B1", "m1", None, "0"))
    hist = history(*three_months("1", "90", "100", "110"), *three_months("2", "100", "100", "100"),
                   *three_months("3", "0", "0", "0"))
    out = churn_warnings(cust, OCT, RULES, hist)
    assert out.to_dict("records") == [{"manager_id": "m1", "customer_id": "1", "customer_name": "客户1",
                                       "revenue": Decimal("70.00"), "previous_average": Decimal("100.00"),
                                       "drop_percent": Decimal("30.00")}]


def test_needs_all_three_previous_months_and_ignores_other_months():
    # 1: 2026-08 missing → no average → no warning, although the drop is huge.
    # 2: the 2026-10 and 2026-06 history rows are not among the previous three months.
    cust = customers(("1", "B1", "m1", None, "1"), ("2", "B1", "m1", None, "80"))
    hist = history(("2026-07", "1", "1000"), ("2026-09", "1", "1000"), ("2026-06", "1", "1000"),
                   *three_months("2", "100", "100", "100"), ("2026-10", "2", "1"), ("2026-06", "2", "100000"))
    assert churn_warnings(cust, OCT, RULES, hist).empty


def test_churned_customers_are_not_warned_and_order_is_manager_then_drop():
    # avg 100 each; drops: 3 → 90%, 4 → 50%, 5 → 40% (m1); 6 → 100% (m0); 7 is 离网.
    cust = customers(("4", "B1", "m1", None, "50"), ("3", "B1", "m1", None, "10"), ("5", "B1", "m1", None, "60"),
                     ("6", "B1", "m0", None, "0"), ("7", "B1", "m0", None, "0", "离网"))
    hist = history(*[row for c in "34567" for row in three_months(c, "100", "100", "100")])
    out = churn_warnings(cust, OCT, RULES, hist)
    assert list(zip(out["manager_id"], out["customer_id"], out["drop_percent"])) == [
        ("m0", "6", Decimal("100.00")), ("m1", "3", Decimal("90.00")), ("m1", "4", Decimal("50.00")),
        ("m1", "5", Decimal("40.00"))]


def test_empty_history_gives_an_empty_frame_with_the_columns():
    out = churn_warnings(customers(("1", "B1", "m1", None, "1")), OCT, RULES, history())
    assert out.empty
    assert list(out.columns) == ["manager_id", "customer_id", "customer_name", "revenue",
                                 "previous_average", "drop_percent"]
    assert churn_warnings(customers(("1", "B1", "m1", None, "1")), OCT, RULES, None).empty


def test_average_and_drop_are_rounded_half_up_for_display():
    # avg (100+100+101)/3 = 100.333…, now 70 → drop 30.232…% → 30.23; average shown 100.33
    cust = customers(("1", "B1", "m1", None, "70"))
    out = churn_warnings(cust, OCT, RULES, history(*three_months("1", "100", "100", "101")))
    assert (out["previous_average"].tolist(), out["drop_percent"].tolist()) == \
        ([Decimal("100.33")], [Decimal("30.23")])
