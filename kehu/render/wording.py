"""Policy in words, from the rules in force (issue 13 item 1, issue 14 item 8).

Every phrase a workbook or letter prints about policy — "超过3次", "三天", "前三月",
"离网率 2% 为基准" — is made here from the rules file, so a department that changes a rule
reads the new rule in its outputs. ``policy_words(rules)`` gives a plain dict (it travels to
the pool workers with each manager's slice).
"""
from __future__ import annotations

from decimal import Decimal

from kehu.organisation import is_placeholder

_DIGITS = "零一二三四五六七八九十"


def cn_count(n) -> str:
    """3 → 三, 10 → 十, 12 → 12: small counts in words, as policy documents write them."""
    n = int(n)
    return _DIGITS[n] if 0 <= n <= 10 else str(n)


def _plain(value) -> str:
    """2.0 → 2, 0.5 → 0.5, Decimal('100') → 100."""
    d = Decimal(str(value)).normalize()
    return format(d, "f")


def _percent(fraction) -> str:
    """A rules fraction as the percent it means: 0.05 → 5, 1.0 → 100 (exact, via Decimal)."""
    return _plain(Decimal(str(fraction)) * 100)


def _kpi_percent(kpi: dict) -> str:
    """KPI得分, or — when a scheme is out of other than 100 points (kpi.points) — its share of them."""
    out_of = set(kpi["points"].values())
    return "KPI得分" if out_of == {100} else "KPI得分 ÷ 满分 × 100"


def tier_labels(tiers: list[dict]) -> list[str]:
    """Each late/early tier in the seed's words: [30, 60, 0] → 30分钟以内, 31–60分钟, 60分钟以上."""
    labels, low = [], 1
    for tier in tiers:
        top = tier["max_minutes"]
        if top == 0:
            labels.append(f"{low - 1}分钟以上" if low > 1 else "每次")
        else:
            labels.append(f"{top}分钟以内" if low == 1 else f"{low}–{top}分钟")
            low = top + 1
    return labels


def appeal_line(words: dict, month) -> str:
    """“如有异议，请于 11月15日前向集团客户部提出。” — the deadline is ``assessment.appeal_day`` of
    the next month (seed 004 考核流程: 重要室经理考核，报集团客户部审核)."""
    nxt = month.next()
    return f"如有异议，请于 {nxt.month}月{words['appeal_day']}日前向{words['appeal_to']}提出。"


def leave_note(words: dict, count: int) -> str:
    """The 请假超限 event's note: how many counted leaves, and the limit."""
    return f"本月{words['leave_kinds']}共 {count} 次，{words['leave_limit']}"


def policy_words(rules: dict) -> dict:
    att, cb, kpi, churn = rules["attendance"], rules["callbacks"], rules["kpi"], rules["churn_warning"]
    limit = att["leave_limit"]
    department = "集团客户部" if is_placeholder(rules["organisation"]["department"]) else \
        rules["organisation"]["department"].strip()
    window = cn_count(cb["window_days"])
    months = cn_count(churn["history_months"])
    cap = _plain(kpi["total_cap"])
    return {
        "leave_label": f"请假（{'/'.join(limit['counted_kinds'])}）",
        "leave_limit": f"超过{limit['max_free']}次扣款",
        "callback_window": f"{window}天",
        "pending_note": f"尚在{window}天回访期内（待回访），不计入及时率",
        "member_callbacks": (f"协议客户（会员客户）的服务事件须 {_percent(cb['member_target_rate'])}% "
                             "按时回访：红色、黄色的协议客户事件请立即补回访。"),
        "retention_note": (f"离网率 {_plain(kpi['retention_reference_rate'])}% 为基准，每差 1 个百分点 "
                           f"±{_plain(kpi['retention_points_per_percent'])} 分"),
        "kpi_cap": cap,
        "pay_formula": (f"应发绩效 = 绩效基数 × min({_kpi_percent(kpi)}, {cap}) ÷ 100 − 扣款合计，不低于 0；"
                        "不足以扣除的部分记为“未扣足扣款”。"),
        "churn_average": f"前{months}月平均",
        "churn_rule": f"本月收入较前{months}月平均下降 {_plain(churn['drop_percent'])}% 及以上",
        "dissatisfied": cb["dissatisfied_result"],
        "leave_kinds": "/".join(limit["counted_kinds"]),
        "learning_worst": (f"连续{cn_count(rules['learning']['streak_step'])}次最差，扣绩效基数的 "
                           f"{_percent(rules['learning']['worst_deduction_rate'])}%"),
        "learning_best": f"连续{cn_count(rules['learning']['streak_step'])}次最优，颁发奖状",
        "tiers": tier_labels(att["tiers"]),
        "missing_punch_note": "请以补卡流程补办",
        "appeal_day": rules["assessment"]["appeal_day"],
        "appeal_to": department,
    }
