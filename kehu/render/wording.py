"""Policy in words, from the rules in force (issue 13 item 1, issue 14 item 8).

Every phrase a workbook or letter prints about policy — "超过3次", "三天", "前三月",
"离网率 2% 为基准" — is made here from the rules file, so a department that changes a rule
reads the new rule in its outputs. ``policy_words(rules)`` gives a plain dict (it travels to
the pool workers with each manager's slice).
"""
from __future__ import annotations

from decimal import Decimal

_DIGITS = "零一二三四五六七八九十"


def cn_count(n) -> str:
    """3 → 三, 10 → 十, 12 → 12: small counts in words, as policy documents write them."""
    n = int(n)
    return _DIGITS[n] if 0 <= n <= 10 else str(n)


def _plain(value) -> str:
    """2.0 → 2, 0.5 → 0.5, Decimal('100') → 100."""
    d = Decimal(str(value)).normalize()
    return format(d, "f")


def _kpi_percent(kpi: dict) -> str:
    """KPI得分, or — when a scheme is out of other than 100 points (kpi.points) — its share of them."""
    out_of = set(kpi["points"].values())
    return "KPI得分" if out_of == {100} else "KPI得分 ÷ 满分 × 100"


def policy_words(rules: dict) -> dict:
    att, cb, kpi, churn = rules["attendance"], rules["callbacks"], rules["kpi"], rules["churn_warning"]
    limit = att["leave_limit"]
    window = cn_count(cb["window_days"])
    months = cn_count(churn["history_months"])
    cap = _plain(kpi["total_cap"])
    return {
        "leave_label": f"请假（{'/'.join(limit['counted_kinds'])}）",
        "leave_limit": f"超过{limit['max_free']}次扣款",
        "callback_window": f"{window}天",
        "pending_note": f"尚在{window}天回访期内（待回访），不计入及时率",
        "retention_note": (f"离网率 {_plain(kpi['retention_reference_rate'])}% 为基准，每差 1 个百分点 "
                           f"±{_plain(kpi['retention_points_per_percent'])} 分"),
        "kpi_cap": cap,
        "pay_formula": (f"应发绩效 = 绩效基数 × min({_kpi_percent(kpi)}, {cap}) ÷ 100 − 扣款合计，不低于 0；"
                        "不足以扣除的部分记为“未扣足扣款”。"),
        "churn_average": f"前{months}月平均",
        "churn_rule": f"本月收入较前{months}月平均下降 {_plain(churn['drop_percent'])}% 及以上",
        "dissatisfied": cb["dissatisfied_result"],
    }
