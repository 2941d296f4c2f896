"""Indicator schemes as data (issue 16; docs/RULES.md 考核方案): each source, scope and scoring
kind at its boundaries, hand-computed, with the scoring note the workbook shows."""
from __future__ import annotations

from decimal import Decimal as D
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.compute.kpi import compute_kpi
from kehu.compute.kpi_scoring import figure, percent, slope, tiers
from kehu.month import Month
from kehu.rules import load_rules, merged
from kehu.rules_spec import rules_problems
from kehu.schemes import indicator_names, indicators, target_holders
from test_kpi import customers, full_targets, staff, targets

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

OCT = Month(2026, 10)
KPI = load_rules()["kpi"]


def rules_with(text: str) -> dict:
    """The default rules with ``text`` laid over them, as `--rules` does — and valid."""
    rules = merged(load_rules(), tomllib.loads(text))
    assert rules_problems(rules) == []
    return rules


def callbacks(events=(), rows=()):
    """A CallbackResult's two frames: events (manager, member, status), callback rows (manager, result)."""
    return SimpleNamespace(
        events=pd.DataFrame({"manager_id": pd.Series([e[0] for e in events], dtype=object),
                             "member": pd.Series([e[1] for e in events], dtype=bool),
                             "status": pd.Series([e[2] for e in events], dtype=object)}),
        month_rows=pd.DataFrame({"manager_id": pd.Series([r[0] for r in rows], dtype=object),
                                 "result": pd.Series([r[1] for r in rows], dtype=object)}))


def visits(*detail):
    """A VisitResult's detail: (manager, compliant) per due customer."""
    return SimpleNamespace(detail=pd.DataFrame({"manager_id": pd.Series([d[0] for d in detail], dtype=object),
                                                "compliant": pd.Series([d[1] for d in detail], dtype=bool)}))


def line(result, employee_id, code) -> dict:
    ind = result.indicators
    return ind[(ind["employee_id"] == employee_id) & (ind["code"] == code)].iloc[0].to_dict()


ONE = staff(("1", "客户经理", "一室"))
ROOM = staff(("1", "客户经理", "一室"), ("9", "重要室经理", "一室"))
NO_CUSTOMERS = customers()


# -- rate sources -------------------------------------------------------------------

SATISFACTION = rules_with('[kpi.customer_manager]\n'
                          'group_revenue = { name = "集团收入", weight = 20, source = "customers.revenue" }\n'
                          'satisfaction = { name = "满意度", weight = 10, source = "callbacks.satisfaction" }\n')
SAT_TARGETS = targets(*full_targets("1"), ("1", "满意度", "0.8", "0.9", 1))


@pytest.mark.parametrize("results, actual, score, note", [
    # 4 满意 of 5 that reached him (一般 reached, 未接通 did not) = 0.8 = B → 10 × 90% = 9
    (["满意"] * 4 + ["一般", "未接通", "未接通"], D("0.8"), "9.00",
     "完成值 0.8 达到基本目标 0.8、未达目标值 0.9：10 × 90% = 9.00"),
    (["满意"] * 9 + ["不满意"], D("0.9"), "10.00", "完成值 0.9 达到目标值 0.9：满分 10"),
    # 2 / 3 = 0.6667 (4 places, half-up) < B: 9 × 0.6667 ÷ 0.8 = 7.500375 → 7.50
    (["满意", "满意", "不满意"], D("0.6667"), "7.50", "完成值 0.6667 低于基本目标 0.8，按比例：9 × 0.6667 ÷ 0.8 = 7.50"),
    # every callback 不满意 → 0 (seed 003: 满意度纳入绩效考核 — he loses the whole weight)
    (["不满意"] * 3, D("0"), "0.00", "完成值 0 低于基本目标 0.8，按比例：9 × 0 ÷ 0.8 = 0.00"),
    # nobody reached: nothing to measure → full weight, said so
    (["未接通"] * 2, None, "10.00", "本月没有接通客户的回访，无从计算：按满分 10 计"),
])
def test_satisfaction_is_satisfied_over_callbacks_that_reached_the_customer(results, actual, score, note):
    rows = [("1", r) for r in results] + [("2", "不满意")] * 5          # another manager's callbacks: not his
    r = compute_kpi(ONE, NO_CUSTOMERS, SAT_TARGETS, OCT, SATISFACTION, callbacks=callbacks((), rows), visits=visits())
    got = line(r, "1", "satisfaction")
    assert (got["actual"], got["score"], got["note"]) == (actual, D(score), note)


MEMBERS = rules_with('[kpi.customer_manager]\n'
                     'group_revenue = { name = "集团收入", weight = 20, source = "customers.revenue" }\n'
                     'members = { name = "会员回访率", weight = 10, source = "callbacks.member_coverage" }\n')
MEMBER_TARGETS = targets(*full_targets("1"), ("1", "会员回访率", "0.9", 1, 1))


@pytest.mark.parametrize("events, actual, score", [
    # members: 3 on time, 1 late, 1 pending; non-members don't count → 3 ÷ (5 − 1) = 0.75 < B 0.9:
    # 9 × 0.75 ÷ 0.9 = 7.50 (seed 000: 必须保证会员客户的100%的回访 — a late one is a miss)
    ([(True, "on_time")] * 3 + [(True, "late"), (True, "pending"), (False, "missing"), (False, "missing")],
     D("0.75"), "7.50"),
    ([(True, "on_time")] * 2 + [(False, "missing")], D("1"), "10.00"),       # 100% = T
    ([(True, "missing")], D("0"), "0.00"),
    ([(True, "pending"), (False, "missing")], None, "10.00"),                 # nothing due yet
])
def test_member_coverage_is_member_events_called_back_on_time(events, actual, score):
    ev = [("1",) + e for e in events] + [("2", True, "missing")]
    r = compute_kpi(ONE, NO_CUSTOMERS, MEMBER_TARGETS, OCT, MEMBERS, callbacks=callbacks(ev), visits=visits())
    got = line(r, "1", "members")
    assert (got["actual"], got["score"]) == (actual, D(score))


VISITS = rules_with('[kpi.customer_manager]\n'
                    'group_revenue = { name = "集团收入", weight = 20, source = "customers.revenue" }\n'
                    'visits = { name = "拜访达标率", weight = 10, source = "visits.rate" }\n')


@pytest.mark.parametrize("detail, actual, score", [
    ([True, True, False, False], D("0.5"), "9.00"),      # 2 ÷ 4 = B 0.5 → 90%
    ([True, True, True, True, False], D("0.8"), "10.00"),  # 0.8 = T
    ([False] * 3, D("0"), "0.00"),
    ([], None, "10.00"),                                  # no customer due this month
])
def test_visit_rate_is_compliant_over_due(detail, actual, score):
    r = compute_kpi(ONE, NO_CUSTOMERS, targets(*full_targets("1"), ("1", "拜访达标率", "0.5", "0.8", 1)), OCT,
                    VISITS, callbacks=callbacks(), visits=visits(*[("1", c) for c in detail], ("2", True)))
    got = line(r, "1", "visits")
    assert (got["actual"], got["score"]) == (actual, D(score))


def test_a_rate_source_without_its_data_is_a_programming_error():
    with pytest.raises(ValueError):
        compute_kpi(ONE, NO_CUSTOMERS, SAT_TARGETS, OCT, SATISFACTION)


# -- scopes ------------------------------------------------------------------------------

ROOM_TARGETS = [("9", "集团收入", 150, 200, 250), ("9", "信息化收入", 10, 20, 30), ("9", "成员净增", 0, 2, 4),
                ("9", "行业产品", 5, 10, 15, 12), ("9", "其他集团指标", 1, 2, 3, 3), ("9", "企信通", 4, 8, 9, 8)]
ROOM_CUSTOMERS = customers(("c1", "1", 100, 10, 10, 12), ("c2", "9", 100, 3, 0, 0))    # room revenue 200


def test_scope_room_scores_the_rooms_figures_on_the_heads_rows():
    rules = rules_with('[kpi.customer_manager.group_revenue]\nscope = "room"\n'
                       '[kpi.customer_manager.industry_products]\nscope = "room"\n')
    r = compute_kpi(ROOM, ROOM_CUSTOMERS, targets(*full_targets("1")[1:3], *ROOM_TARGETS), OCT, rules)
    got = line(r, "1", "group_revenue")
    # room revenue 100 + 100 = 200 = the head's T → 30; his own row is not read (there is none)
    assert (got["actual"], got["base"], got["target"], got["score"], got["missing_target"], got["scope"]) == \
        (D(200), D(150), D(200), D("30.00"), False, "room")
    assert got["note"] == "本室合计：完成值 200 达到目标值 200：满分 30"
    # targets.actual on the room: the head's 完成值 12 ≥ T 10 → 15
    products = line(r, "1", "industry_products")
    assert (products["actual"], products["score"]) == (D(12), D("15.00"))


def test_blend_scores_each_part_on_its_own_rows():
    rules = rules_with('[kpi.customer_manager.group_revenue]\nscope = "blend"\nown_share = 0.7\n')
    own_rows = [("1", "集团收入", 80, 100, 120)] + full_targets("1")[1:]
    r = compute_kpi(ROOM, customers(("c1", "1", 100, 10, 10, 12), ("c2", "9", 20, 3, 0, 0)),
                    targets(*own_rows, *ROOM_TARGETS), OCT, rules)
    got = line(r, "1", "group_revenue")
    # own 100 = T → 30; room 120 < B 150 → 27 × 120 ÷ 150 = 21.60; 0.7 × 30 + 0.3 × 21.60 = 27.48
    assert got["score"] == D("27.48")
    assert (got["actual"], got["target"], got["room_actual"], got["room_base"], got["own_share"]) == \
        (D(100), D(100), D(120), D(150), D("0.7"))
    assert got["note"] == ("本人 70%：完成值 100 达到目标值 100：满分 30；本室 30%：完成值 120 低于基本目标 150，按比例："
                           "27 × 120 ÷ 150 = 21.60；合计 70% × 30.00 + 30% × 21.60 = 27.48")


def test_blend_rounds_each_part_then_the_sum():
    rules = rules_with('[kpi.customer_manager.info_revenue]\nscope = "blend"\nown_share = 0.5\n')
    own_rows = [full_targets("1")[0], ("1", "信息化收入", 4, 10, 20)] + full_targets("1")[2:]
    r = compute_kpi(ROOM, customers(("c1", "1", 100, 1, 10, 12), ("c2", "9", 0, 19, 0, 0)),
                    targets(*own_rows, *ROOM_TARGETS), OCT, rules)
    # own: 22.5 × 1 ÷ 4 = 5.625 → 5.63; room 20 = T → 25; 0.5 × 5.63 + 0.5 × 25 = 15.315 → 15.32
    # (unrounded parts would give 15.3125 → 15.31: the note shows the rounded parts, so they are used)
    assert line(r, "1", "info_revenue")["score"] == D("15.32")


def test_blend_in_a_room_without_a_head_scores_the_room_part_zero():
    rules = rules_with('[kpi.customer_manager.group_revenue]\nscope = "blend"\nown_share = 0.7\n')
    r = compute_kpi(ONE, customers(("c1", "1", 100, 10, 10, 12)), targets(*full_targets("1")), OCT, rules)
    got = line(r, "1", "group_revenue")
    # own 100 = T → 30; no room head → no room targets → 0; 0.7 × 30 = 21.00, flagged
    assert (got["score"], got["missing_target"]) == (D("21.00"), True)
    assert "本室 30%：指标表缺少该指标行，按 0 分计" in got["note"]


def test_retention_blend_and_room_scope():
    rules = rules_with('[kpi.customer_manager.retention]\nscope = "blend"\nown_share = 0.5\n')
    cust = customers(("c1", "1", 0, 0, 1, 1), ("c2", "9", 0, 0, 1, 1, "2026-10-05"), ("c3", "9", 0, 0, 1, 1),
                     ("c4", "9", 0, 0, 1, 1))
    r = compute_kpi(ROOM, cust, targets(*full_targets("1"), *ROOM_TARGETS), OCT, rules)
    got = line(r, "1", "retention")
    # own 0% → 15 + 10 → capped 20; room 1/4 = 25% → 15 − 115 → 0; 0.5 × 20 + 0.5 × 0 = 10
    assert (got["actual"], got["room_actual"], got["score"]) == (D(0), D(25), D("10.00"))
    assert line(r, "9", "retention")["score"] == D("0.00")       # the head: 10 + (2 − 25) × 5 → 0


# -- scoring kinds --------------------------------------------------------------------------

@pytest.mark.parametrize("actual, expected, note", [
    (150, "45.00", "完成值 150 超过目标值 100，不封顶：30 × 150 ÷ 100 = 45.00"),
    (100, "30.00", "完成值 100 超过目标值 100，不封顶：30 × 100 ÷ 100 = 30.00"),     # exactly T: the weight
    (99, "27.00", "完成值 99 达到基本目标 80、未达目标值 100：30 × 90% = 27.00"),       # below T: as capped
])
def test_tiers_uncapped_grow_past_the_target(actual, expected, note):
    assert tiers(D(actual), D(80), D(100), D(200), 30, KPI, cap=False) == (D(expected), note)


def test_tiers_uncapped_with_a_challenge_bonus_and_a_zero_target():
    kpi = dict(KPI, challenge_bonus=0.1)
    # 30 × 150 ÷ 100 + 10% × 30 at A ≥ C 120 = 48
    assert tiers(D(150), D(80), D(100), D(120), 30, kpi, cap=False)[0] == D("48.00")
    assert tiers(D(120), D(80), D(100), D(120), 30, kpi) == (D("33.00"), "完成值 120 达到挑战目标 120：30 + 30 × 10% = 33.00")
    # T = 0 cannot be scaled by: full weight, as capped
    assert tiers(D(5), D(0), D(0), D(0), 30, KPI, cap=False)[0] == D("30.00")


def test_tiers_notes_below_the_base():
    assert tiers(D(-3), D(2), D(5), D(8), 15, KPI) == \
        (D("0.00"), "完成值 -3 低于基本目标 2，按比例：13.5 × -3 ÷ 2 = -20.25，不低于 0：0.00")
    assert tiers(D(-1), D(0), D(5), D(8), 15, KPI) == (D("0.00"), "完成值 -1 低于基本目标 0：0 分")
    # issue 14 item 6's line: 27 × 232,115.25 ÷ 255,300 = 24.548… → 24.55
    assert tiers(D("232115.25"), D(255300), D(280900), D(331900), 30, KPI) == \
        (D("24.55"), "完成值 232,115.25 低于基本目标 255,300，按比例：27 × 232,115.25 ÷ 255,300 = 24.55")


@pytest.mark.parametrize("rate, cap, expected, note", [
    (D(2), True, "15.00", "离网率 2%：15 + (2 − 2) × 5 = 15.00"),
    (D(0), True, "20.00", "离网率 0%：15 + (2 − 0) × 5 = 25.00，最高 20.00"),
    (D(0), False, "25.00", "离网率 0%：15 + (2 − 0) × 5 = 25.00"),                # uncapped: the bonus keeps growing
    (D(5), False, "0.00", "离网率 5%：15 + (2 − 5) × 5 = 0.00"),
    (D(6), True, "0.00", "离网率 6%：15 + (2 − 6) × 5 = -5.00，不低于 0：0.00"),
    (D("2.5"), True, "12.50", "离网率 2.5%：15 + (2 − 2.5) × 5 = 12.50"),
    (None, True, "15.00", "本月没有在网客户，离网率无从计算：按满分 15 计"),
])
def test_slope_around_the_reference_rate(rate, cap, expected, note):
    assert slope(rate, 15, KPI, cap) == (D(expected), note)


def test_an_uncapped_slope_from_the_rules_reaches_the_line():
    rules = rules_with('[kpi.customer_manager.retention]\ncap = false\n')
    r = compute_kpi(ONE, customers(("c1", "1", 100, 10, 10, 12)), targets(*full_targets("1")), OCT, rules)
    assert line(r, "1", "retention")["score"] == D("25.00")        # 0% churn: 15 + 10, no cap at 20


def test_weight_zero_switches_an_indicator_off():
    rules = rules_with('[kpi.customer_manager]\nindustry_products = { weight = 0 }\n'
                       'group_revenue = { name = "集团收入", weight = 45, source = "customers.revenue" }\n')
    r = compute_kpi(ONE, customers(("c1", "1", 100, 10, 10, 12)), targets(*full_targets("1")[:3]), OCT, rules)
    assert list(r.indicators["code"]) == ["group_revenue", "info_revenue", "member_growth", "retention"]
    assert not r.indicators["missing_target"].any()
    assert "行业产品" in indicator_names(rules)                      # the room scheme still has it
    both = rules_with('[kpi.customer_manager]\nindustry_products = { weight = 0 }\n'
                      'group_revenue = { name = "集团收入", weight = 45, source = "customers.revenue" }\n'
                      '[kpi.room_manager]\nindustry_products = { weight = 0 }\nother_group = { weight = 25 }\n')
    assert "行业产品" not in indicator_names(both)                   # a 行业产品 row is now E-enum


# -- who heads a room ---------------------------------------------------------------------

ACTING = staff(("1", "客户经理", "一室"), ("8", "重要室经理", "一室"), ("9", "临时负责人", "一室"),
               ("5", "客户经理", "二室"), ("7", "临时负责人", "二室"))


def test_both_heads_are_scored_on_the_room_and_the_acting_head_holds_the_rooms_targets():
    rules = rules_with('[kpi.customer_manager.group_revenue]\nscope = "room"\n')
    assert dict(target_holders(ACTING, rules)) == {"一室": "9", "二室": "7"}
    rows = [(h, n, *f) for h, f in (("8", (100, 150, 200)), ("9", (200, 300, 400)), ("7", (1, 2, 3)))
            for n in ("集团收入",)]
    r = compute_kpi(ACTING, customers(("c1", "1", 250, 0, 0, 0), ("c5", "5", 2, 0, 0, 0)),
                    targets(*rows, *full_targets("1")[1:], *full_targets("5")[1:]), OCT, rules)
    # 一室 revenue 250: the 重要室经理 on his rows (≥ T 150) → 30; the 临时负责人 on his (200 ≤ 250 < 300) → 27;
    # the customer manager on the room, against the 临时负责人's rows → 27
    assert (line(r, "8", "group_revenue")["score"], line(r, "9", "group_revenue")["score"]) == (D("30.00"), D("27.00"))
    assert (line(r, "1", "group_revenue")["target"], line(r, "1", "group_revenue")["score"]) == (D(300), D("27.00"))
    # 二室 has no 重要室经理: its 临时负责人 is scored by the room scheme (seven lines) and holds its targets
    assert len(r.indicators[r.indicators["employee_id"] == "7"]) == len(indicators(rules, "room_manager"))
    assert line(r, "5", "group_revenue")["score"] == D("30.00")       # 二室 revenue 2 = T 2


# -- properties ------------------------------------------------------------------------------

money = st.decimals(min_value=-100, max_value=1000, places=2)


@settings(max_examples=150, deadline=None)
@given(own=money, room=money, b=money, d1=money, d2=money, share=st.sampled_from(["0.1", "0.5", "0.7", "0.95"]))
def test_a_blend_lies_between_its_parts_and_within_the_weight(own, room, b, d1, d2, share):
    rules = rules_with(f'[kpi.customer_manager.group_revenue]\nscope = "blend"\nown_share = {share}\n')
    base, target, challenge = sorted([b, b + abs(d1), b + abs(d1) + abs(d2)])
    rows = [("1", "集团收入", base, target, challenge), ("9", "集团收入", base, target, challenge)]
    r = compute_kpi(ROOM, customers(("c1", "1", 0, 0, 0, 0), ("c2", "9", 0, 0, 0, 0)).assign(
        revenue=pd.Series([own, room - own], dtype=object)), targets(*rows), OCT, rules)
    got = line(r, "1", "group_revenue")
    parts = sorted([tiers(own, base, target, challenge, 30, KPI)[0], tiers(room, base, target, challenge, 30, KPI)[0]])
    assert parts[0] - D("0.01") <= got["score"] <= parts[1] + D("0.01")
    assert D(0) <= got["score"] <= D(30)


def test_note_numbers():
    assert (figure(D("255300")), figure(D("232115.25")), figure(D("0.66670")), figure(D("-3"))) == \
        ("255,300", "232,115.25", "0.6667", "-3")
    assert (percent(D("0.9")), percent(D("0.125")), percent(D(1))) == ("90%", "12.5%", "100%")
