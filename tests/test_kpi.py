"""KPI scoring (SPEC §2.8, seed 004 客户经理考核制度 / 重要室经理考核制度), hand-computed."""
from __future__ import annotations

from decimal import Decimal as D

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.compute.kpi import compute_kpi, retention_score, target_score
from kehu.month import Month
from kehu.rules import load_rules

RULES = load_rules()
KPI = RULES["kpi"]
OCT = Month(2026, 10)


def staff(*rows) -> pd.DataFrame:
    """rows: (工号, 岗位, 所属室)."""
    n = len(rows)
    return pd.DataFrame({
        "employee_id": pd.Series([r[0] for r in rows], dtype=object),
        "name": pd.Series([f"员工{r[0]}" for r in rows], dtype=object),
        "role": pd.Series([r[1] for r in rows], dtype=object),
        "room": pd.Series([r[2] for r in rows], dtype=object),
        "performance_base": pd.Series([D("5000.00")] * n, dtype=object),
        "hired_on": pd.Series([pd.NaT] * n, dtype="datetime64[ns]"),
        "left_on": pd.Series([pd.NaT] * n, dtype="datetime64[ns]"),
        "email": pd.Series([None] * n, dtype=object), "phone": pd.Series([None] * n, dtype=object),
    })


def customers(*rows) -> pd.DataFrame:
    """rows: (客户编号, 客户经理工号, 本月收入, 本月信息化收入, 月初成员数, 月末成员数[, 离网日期])."""
    full = [(r + (None,))[:7] for r in rows]
    n = len(full)
    return pd.DataFrame({
        "customer_id": pd.Series([r[0] for r in full], dtype=object),
        "customer_name": pd.Series([f"客户{r[0]}" for r in full], dtype=object),
        "customer_class": pd.Series(["B1"] * n, dtype=object),
        "manager_id": pd.Series([r[1] for r in full], dtype=object),
        "member": pd.Series([False] * n, dtype=bool),
        "members_start": pd.Series([r[4] for r in full], dtype="int64"),
        "members_end": pd.Series([r[5] for r in full], dtype="int64"),
        "revenue": pd.Series([D(str(r[2])) for r in full], dtype=object),
        "info_revenue": pd.Series([D(str(r[3])) for r in full], dtype=object),
        "status": pd.Series(["离网" if r[6] else "在网" for r in full], dtype=object),
        "churned_on": pd.to_datetime(pd.Series([r[6] for r in full], dtype=object)),
    })


def targets(*rows) -> pd.DataFrame:
    """rows: (工号, 指标, 基本目标, 目标值, 挑战目标[, 完成值])."""
    full = [(r + (None,))[:6] for r in rows]

    def dec(i):
        return pd.Series([None if r[i] is None else D(str(r[i])) for r in full], dtype=object)
    return pd.DataFrame({"employee_id": pd.Series([r[0] for r in full], dtype=object),
                         "indicator": pd.Series([r[1] for r in full], dtype=object),
                         "base": dec(2), "target": dec(3), "challenge": dec(4), "actual": dec(5)})


def full_targets(employee_id, industry_actual=5):
    """Every customer-manager indicator met exactly at target 100 / 10 / 2 / 5."""
    return [(employee_id, "集团收入", 80, 100, 120), (employee_id, "信息化收入", 5, 10, 20),
            (employee_id, "成员净增", 1, 2, 3), (employee_id, "行业产品", 4, 5, 8, industry_actual)]


def scores(result, employee_id) -> dict:
    ind = result.indicators[result.indicators["employee_id"] == employee_id]
    return dict(zip(ind["code"], ind["score"]))


def total(result, employee_id) -> D:
    return dict(zip(result.totals["employee_id"], result.totals["total"]))[employee_id]


ONE = staff(("1", "客户经理", "一室"))


def test_actual_at_target_scores_full_weight():
    # revenue 60 + 40 = 100 = T; info 10 = T; growth (12−10) = 2 = T; 行业产品 5 = T; no churn → 20
    r = compute_kpi(ONE, customers(("c1", "1", 60, 4, 10, 12), ("c2", "1", 40, 6, 5, 5)),
                    targets(*full_targets("1")), OCT, RULES)
    assert scores(r, "1") == {"group_revenue": D("30.00"), "info_revenue": D("25.00"), "member_growth": D("15.00"),
                              "industry_products": D("15.00"), "retention": D("20.00")}
    assert total(r, "1") == D("105.00")
    row = r.indicators.iloc[0]
    assert (row["base"], row["target"], row["challenge"], row["actual"], row["missing_target"]) == \
        (D(80), D(100), D(120), D(100), False)


@pytest.mark.parametrize("actual, expected", [
    (80, "27.00"),      # exactly at base: 90% × 30
    (100, "30.00"),     # exactly at target
    (120, "30.00"),     # at challenge: full, no bonus by default
    (99, "27.00"),      # between base and target
    (79, "26.66"),      # just below base: 27 × 79/80 = 26.6625
    (0, "0.00"),
])
def test_group_revenue_tiers(actual, expected):
    assert target_score(D(actual), D(80), D(100), D(120), 30, KPI) == D(expected)


def test_below_base_rounds_half_up():
    # 信息化收入 weight 25: 22.5 × 1/4 = 5.625 → 5.63 (half-even would say 5.62)
    assert target_score(D(1), D(4), D(10), D(20), 25, KPI) == D("5.63")


def test_challenge_bonus_from_the_rules():
    kpi = dict(KPI, challenge_bonus=0.1)
    assert target_score(D(120), D(80), D(100), D(120), 30, kpi) == D("33.00")
    assert target_score(D(119), D(80), D(100), D(120), 30, kpi) == D("30.00")


def test_base_zero():
    # B = 0: A = 0 reaches the base → 90% × 15; A below 0 → 0 (no division by B)
    assert target_score(D(0), D(0), D(5), D(8), 15, KPI) == D("13.50")
    assert target_score(D(-1), D(0), D(5), D(8), 15, KPI) == D("0.00")


def test_negative_member_growth_scores_zero():
    # growth (8 − 10) + (4 − 5) = −3 against base 2 → 13.5 × (−3/2) < 0 → floored at 0
    r = compute_kpi(ONE, customers(("c1", "1", 100, 10, 10, 8), ("c2", "1", 0, 0, 5, 4)),
                    targets(("1", "成员净增", 2, 5, 8), *full_targets("1")[:2], full_targets("1")[3]), OCT, RULES)
    line = r.indicators[r.indicators["code"] == "member_growth"].iloc[0]
    assert (line["actual"], line["score"]) == (D(-3), D("0.00"))


def _churn_customers(total_customers, churned, before=0):
    rows = [(f"c{i}", "1", 0, 0, 1, 1) for i in range(total_customers - churned - before)]
    rows += [(f"x{i}", "1", 0, 0, 1, 1, "2026-10-01") for i in range(churned)]
    rows += [(f"b{i}", "1", 0, 0, 1, 1, "2026-09-30") for i in range(before)]
    return customers(*rows)


@pytest.mark.parametrize("n, churned, before, rate, expected", [
    (50, 1, 0, D("2.0000"), "15.00"),     # exactly 2% → weight
    (40, 0, 0, D("0.0000"), "20.00"),     # 0% → 15 + 10, capped at 15 + 5
    (20, 1, 0, D("5.0000"), "0.00"),      # 5% → 15 − 15 = 0
    (21, 1, 1, D("5.0000"), "0.00"),      # churned 09-30 is out of the base: 1 / 20
    (100, 1, 0, D("1.0000"), "20.00"),    # 1% → 15 + 5
    (80, 2, 0, D("2.5000"), "12.50"),     # 2.5% → 15 − 2.5
])
def test_retention(n, churned, before, rate, expected):
    r = compute_kpi(ONE, _churn_customers(n, churned, before), targets(*full_targets("1")), OCT, RULES)
    line = r.indicators[r.indicators["code"] == "retention"].iloc[0]
    assert (line["actual"], line["score"], line["base"], line["missing_target"]) == (rate, D(expected), None, False)


def test_retention_clamps():
    assert retention_score(D(5), 10, KPI) == D("0.00")        # 10 − 15 → 0
    assert retention_score(D(0), 10, KPI) == D("15.00")       # 10 + 10 → capped 15
    assert retention_score(None, 10, KPI) == D("10.00")       # no base customers → full weight


def test_no_customers_scores_full_retention():
    r = compute_kpi(ONE, customers(), targets(*full_targets("1")), OCT, RULES)
    line = r.indicators[r.indicators["code"] == "retention"].iloc[0]
    assert (line["actual"], line["score"]) == (None, D("15.00"))
    assert scores(r, "1")["group_revenue"] == D("0.00")          # 0 < B = 80 → 27 × 0/80


def test_missing_target_row_scores_zero():
    r = compute_kpi(ONE, customers(("c1", "1", 100, 10, 10, 12)), targets(*full_targets("1")[1:]), OCT, RULES)
    line = r.indicators[r.indicators["code"] == "group_revenue"].iloc[0]
    assert (line["actual"], line["score"], line["missing_target"], line["base"]) == (D(100), D("0.00"), True, None)
    assert total(r, "1") == D("0.00") + D("25.00") + D("15.00") + D("15.00") + D("20.00")


ROOM = staff(("1", "客户经理", "一室"), ("2", "行业客户经理", "一室"), ("9", "重要室经理", "一室"),
             ("5", "客户经理", "二室"))


def test_room_manager_scored_on_room_totals():
    cust = customers(("c1", "1", 100, 10, 10, 12),                    # 一室
                     ("c2", "2", 50, 5, 10, 9, "2026-10-20"),          # 一室, churned this month
                     ("c3", "9", 30, 3, 0, 2),                          # the room manager's own
                     ("c4", "2", 20, 2, 5, 5),                          # 一室
                     ("c5", "5", 999, 99, 0, 50))                       # 二室: not in 一室's totals
    rm = targets(("9", "集团收入", 150, 200, 250), ("9", "信息化收入", 10, 20, 30), ("9", "成员净增", 0, 2, 4),
                 ("9", "行业产品", 5, 10, 15, 10), ("9", "其他集团指标", 1, 2, 3, 3), ("9", "企信通", 4, 8, 9, 2),
                 ("1", "集团收入", 1, 1, 1))
    r = compute_kpi(ROOM, cust, rm, OCT, RULES)
    # room: revenue 100+50+30+20 = 200 = T → 30; info 20 = T → 20; growth 2−1+2+0 = 3 ≥ T 2 → 10;
    # 行业产品 10 = T → 15; churn 1/4 = 25% → 10 + (2 − 25) × 5 < 0 → 0;
    # 其他集团指标 3 = C → 10; 企信通 2 < B 4 → 0.9 × 5 × 2/4 = 2.25
    assert scores(r, "9") == {"group_revenue": D("30.00"), "info_revenue": D("20.00"), "member_growth": D("10.00"),
                              "industry_products": D("15.00"), "retention": D("0.00"), "other_group": D("10.00"),
                              "qixintong": D("2.25")}
    assert total(r, "9") == D("87.25")
    room = r.room_totals.set_index("room").loc["一室"]
    assert (room["customers"], room["revenue"], room["info_revenue"], room["member_growth"],
            room["churned"], room["base_customers"], room["churn_rate"]) == (4, D(200), D(20), 3, 1, 4, 25.0)
    assert list(r.indicators.loc[r.indicators["employee_id"] == "9", "weight"]) == [30, 20, 10, 15, 10, 10, 5]


def test_room_totals_cover_every_room_and_rooms_without_customers():
    r = compute_kpi(ROOM, customers(("c1", "1", 100, 10, 10, 12)), targets(), OCT, RULES)
    rooms = r.room_totals.set_index("room")
    assert list(rooms.index) == ["一室", "二室"]
    assert (rooms.loc["二室", "customers"], rooms.loc["二室", "revenue"], rooms.loc["二室", "churn_rate"]) == (0, D(0), None)


def test_only_given_staff_get_lines_in_staff_order():
    r = compute_kpi(ROOM, customers(), targets(), OCT, RULES)
    assert list(r.totals["employee_id"]) == ["1", "2", "9", "5"]
    assert list(r.indicators["employee_id"].drop_duplicates()) == ["1", "2", "9", "5"]
    assert len(r.indicators) == 5 + 5 + 7 + 5
    assert r.indicators["missing_target"].sum() == 4 + 4 + 6 + 4


def test_customers_of_another_manager_do_not_count():
    two = staff(("1", "客户经理", "一室"), ("2", "客户经理", "一室"))
    r = compute_kpi(two, customers(("c1", "2", 100, 10, 10, 12)), targets(*full_targets("1")), OCT, RULES)
    assert r.indicators.iloc[0]["actual"] == D(0)


# -- properties -----------------------------------------------------------------------

money = st.decimals(min_value=-1000, max_value=100000, places=2)


@settings(max_examples=200, deadline=None)
@given(a=money, b=money, t=money, c=money, weight=st.integers(0, 40), bonus=st.sampled_from([0.0, 0.1, 0.5]))
def test_target_score_within_zero_and_weight_plus_bonus(a, b, t, c, weight, bonus):
    b, t, c = sorted([b, t, c])
    score = target_score(a, b, t, c, weight, dict(KPI, challenge_bonus=bonus))
    assert D(0) <= score <= (D(weight) * (1 + D(str(bonus)))).quantize(D("0.01"))
    assert score == score.quantize(D("0.01"))


@settings(max_examples=200, deadline=None)
@given(rate=st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=4)), weight=st.integers(0, 40))
def test_retention_score_within_zero_and_weight_plus_five(rate, weight):
    assert D(0) <= retention_score(rate, weight, KPI) <= D(weight) + 5


@settings(max_examples=40, deadline=None)
@given(cust=st.lists(st.tuples(st.sampled_from(["1", "2", "9"]), st.integers(0, 500), st.integers(0, 50),
                               st.integers(0, 30), st.integers(0, 30),
                               st.sampled_from([None, "2026-09-15", "2026-10-10"])), max_size=15),
       figures=st.lists(st.tuples(st.integers(-10, 300), st.integers(0, 100), st.integers(0, 100),
                                  st.integers(-10, 300)), min_size=6, max_size=6))
def test_total_never_exceeds_the_sum_of_maximums(cust, figures):
    rows = [(f"c{i}", m, rev, info, s, e, churn) for i, (m, rev, info, s, e, churn) in enumerate(cust)]
    names = ["集团收入", "信息化收入", "成员净增", "行业产品", "其他集团指标", "企信通"]
    target_rows = [(e, n, *sorted([b, b + d1, b + d1 + d2]), act)
                   for e in ("1", "9") for n, (b, d1, d2, act) in zip(names, figures)]
    s = staff(("1", "客户经理", "一室"), ("2", "行业客户经理", "一室"), ("9", "重要室经理", "一室"))
    r = compute_kpi(s, customers(*rows), targets(*target_rows), OCT, RULES)
    for employee, key in (("1", "customer_manager"), ("2", "customer_manager"), ("9", "room_manager")):
        table = RULES["kpi"][key]
        maximum = sum(D(v["weight"]) + (D(KPI["retention_max_bonus"]) if v["source"] == "retention" else 0)
                      for v in table.values())
        assert D(0) <= total(r, employee) <= maximum
    assert all(D(0) <= s for s in r.indicators["score"])
    assert total(r, "1") == sum(r.indicators.loc[r.indicators["employee_id"] == "1", "score"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["1001", "1002", "1003", None]),
                          st.one_of(st.none(), st.decimals(min_value=-10**6, max_value=10**6, places=2))),
                max_size=30))
def test_decimal_sums_per_key_equal_a_groupby_sum(rows):
    """kpi._dec_sums: the exact per-key sums a groupby with a Python sum gives, blanks skipped."""
    from kehu.compute.kpi import _dec_sums
    frame = pd.DataFrame({"key": pd.Series([k for k, _ in rows], dtype=object),
                          "value": pd.Series([v for _, v in rows], dtype=object)})
    expected = frame.groupby("key", sort=True)["value"].agg(lambda vs: sum((v for v in vs if v is not None), D(0)))
    got = _dec_sums(frame["key"], frame["value"], expected.index)
    assert got.index.equals(expected.index) and list(got) == list(expected)
    assert all(type(v) is D for v in got)
