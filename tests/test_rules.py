"""The rules file is checked whole at load (SPEC §3, §10.7; issue 12 item 2).

Each rule at its boundary: the last allowed value loads, the first refused one
ends `kehu rules --rules FILE` and `kehu run … --rules FILE` with exit 2 and a
message naming the key. Then the file itself (size, encoding, kind of file,
nesting) and a property test: any override file either loads and the tiny
month ends in exit 0 or 1, or it is refused with exit 2 — never exit 3.
"""
from __future__ import annotations

import os
import sys
import tempfile
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

import pytest
import tomli_w
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from builders import tiny_month, write_month
from kehu.cli import cli
from kehu.rules import MAX_BYTES, RulesError, default_rules_text, load_rules
from kehu.rules_check import (Boolean, Choice, Entries, Integer, MonthDay, Number, OptionalKey, Session, Spec,
                              Tables, Text, TextList, pattern_parts)
from kehu.rules_spec import KPI_SOURCES, SPEC, in_season, rules_problems

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

NAME = "我的规则.toml"


@pytest.fixture(scope="module")
def month_dir(tmp_path_factory) -> Path:
    return write_month(tmp_path_factory.mktemp("tiny") / "输入", tiny_month())


def rules_file(folder: Path, text: str, encoding: str = "utf-8", name: str = NAME) -> Path:
    path = folder / name
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def kehu(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def tiers(*bounds) -> str:
    return "".join(f"[[attendance.tiers]]\nmax_minutes = {b}\namount = {50 * (i + 1)}\n" for i, b in enumerate(bounds))


def bands(*floors, classes=("A1", "A2", "B1", "B2")) -> str:
    return "".join(f'[[classes.bands]]\nclass = "{c}"\nmin_annual_spend = {f}\n' for c, f in zip(classes, floors))


def schedule(season: str, **values) -> str:
    return f"[schedule.{season}]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())


CM = "[kpi.customer_manager]\n"
GROUP = 'group_revenue = {{ name = "集团收入", weight = {}, source = "customers.revenue" }}\n'
INFO = 'info_revenue = {{ name = "信息化收入", weight = {}, source = "customers.info_revenue" }}\n'

# (case, rules text, the key the message must name) — each one step past a boundary.
REFUSED = [
    ("rate below 0", "[learning]\nworst_deduction_rate = -5\n", "learning.worst_deduction_rate"),
    ("rate above 1", "[learning]\nworst_deduction_rate = 1.0001\n", "learning.worst_deduction_rate"),
    ("member rate above 1", "[callbacks]\nmember_target_rate = 1.0001\n", "callbacks.member_target_rate"),
    ("base fraction below 0", "[kpi]\nbase_fraction = -0.1\n", "kpi.base_fraction"),
    ("challenge bonus above 1", "[kpi]\nchallenge_bonus = 1.5\n", "kpi.challenge_bonus"),
    ("rate as a word", '[kpi]\nbase_fraction = "九成"\n', "kpi.base_fraction"),
    ("negative amount", "[attendance]\nabsence_amount = -100\n", "attendance.absence_amount"),
    ("amount above 10^9", '[attendance]\nabsence_amount = "1000000000.01"\n', "attendance.absence_amount"),
    ("amount 7 decimals", "[attendance]\nabsence_amount = 0.1234567\n", "attendance.absence_amount"),
    ("amount NaN text", '[attendance]\nabsence_amount = "NaN"\n', "attendance.absence_amount"),
    ("amount Infinity text", '[attendance]\nabsence_amount = "Infinity"\n', "attendance.absence_amount"),
    ("amount 1e999999 text", '[attendance]\nabsence_amount = "1e999999"\n', "attendance.absence_amount"),
    ("amount nan", "[attendance]\nmissing_punch_amount = nan\n", "attendance.missing_punch_amount"),
    ("amount inf", "[attendance.leave_limit]\namount = inf\n", "attendance.leave_limit.amount"),
    ("amount 35 digits", "[attendance]\nabsence_amount = " + "9" * 35 + "\n", "attendance.absence_amount"),
    ("amount true", "[attendance]\nabsence_amount = true\n", "attendance.absence_amount"),
    ("grace -1", "[attendance]\ngrace_minutes = -1\n", "attendance.grace_minutes"),
    ("grace -10", "[attendance]\ngrace_minutes = -10\n", "attendance.grace_minutes"),
    ("grace 121", "[attendance]\ngrace_minutes = 121\n", "attendance.grace_minutes"),
    ("grace as text", '[attendance]\ngrace_minutes = "5"\n', "attendance.grace_minutes"),
    ("grace 5.0", "[attendance]\ngrace_minutes = 5.0\n", "attendance.grace_minutes"),
    ("tiers descending", tiers(60, 30, 0), "attendance.tiers"),
    ("tiers not open at the top", tiers(30, 60, 90), "attendance.tiers"),
    ("tiers repeated bound", tiers(30, 30, 0), "attendance.tiers"),
    ("tiers open in the middle", tiers(30, 0, 0), "attendance.tiers"),
    ("tiers empty", "[attendance]\ntiers = []\n", "attendance.tiers"),
    ("tier amount negative", "[[attendance.tiers]]\nmax_minutes = 0\namount = -50\n", "attendance.tiers[1].amount"),
    ("tier without amount", "[[attendance.tiers]]\nmax_minutes = 0\n", "attendance.tiers[1]"),
    ("tier bound above a day", tiers(1441, 0), "attendance.tiers[1].max_minutes"),
    ("tiers as a table", "[attendance.tiers]\nmax_minutes = 0\namount = 1\n", "attendance.tiers"),
    ("leave limit -1", "[attendance.leave_limit]\nmax_free = -1\n", "attendance.leave_limit.max_free"),
    ("streak step 0", "[learning]\nstreak_step = 0\n", "learning.streak_step"),
    ("min ranked 0", "[learning]\nmin_ranked = 0\n", "learning.min_ranked"),
    ("absent score -1", "[learning]\nabsent_score = -1\n", "learning.absent_score"),
    ("learning role unknown", '[learning]\nroles = ["经理"]\n', "learning.roles[1]"),
    ("window 32", "[callbacks]\nwindow_days = 32\nnext_month_days = 31\n", "callbacks.window_days"),
    ("window -1", "[callbacks]\nwindow_days = -1\n", "callbacks.window_days"),
    ("window 10^8", "[callbacks]\nwindow_days = 100000000\n", "callbacks.window_days"),
    ("next month 32", "[callbacks]\nnext_month_days = 32\n", "callbacks.next_month_days"),
    ("next month below window", "[callbacks]\nnext_month_days = 2\n", "callbacks.next_month_days"),
    ("same two results", '[callbacks]\ndissatisfied_result = "未接通"\n', "callbacks.dissatisfied_result"),
    ("failed result empty", '[callbacks]\nfailed_result = ""\n', "callbacks.failed_result"),
    ("history 0", "[churn_warning]\nhistory_months = 0\n", "churn_warning.history_months"),
    ("history 25", "[churn_warning]\nhistory_months = 25\n", "churn_warning.history_months"),
    ("history 10^8", "[churn_warning]\nhistory_months = 100000000\n", "churn_warning.history_months"),
    ("drop 0", "[churn_warning]\ndrop_percent = 0\n", "churn_warning.drop_percent"),
    ("drop 101", "[churn_warning]\ndrop_percent = 101\n", "churn_warning.drop_percent"),
    ("am hour 25", schedule("winter", am='["25:00", "13:00"]'), "schedule.winter.am"),
    ("am minute 60", schedule("winter", am='["09:60", "13:00"]'), "schedule.winter.am"),
    ("am one time", schedule("summer", am='["09:50"]'), "schedule.summer.am"),
    ("am three times", schedule("summer", am='["09:50", "10:00", "12:00"]'), "schedule.summer.am"),
    ("am start = end", schedule("summer", am='["09:50", "09:50"]'), "schedule.summer.am"),
    ("am not a time", schedule("summer", am='["九点", "12:30"]'), "schedule.summer.am"),
    ("pm overlaps am", schedule("summer", pm='["12:29", "18:30"]'), "schedule.summer.pm"),
    ("season 13-45", schedule("summer", **{"from": '"13-45"'}), "schedule.summer.from"),
    ("season 02-30", schedule("winter", to='"02-30"'), "schedule.winter.to"),
    ("season as number", schedule("summer", **{"from": "501"}), "schedule.summer.from"),
    ("season gap", schedule("summer", **{"from": '"05-02"'}), "schedule"),
    ("season overlap", schedule("summer", to='"10-01"'), "schedule"),
    ("season misses 02-29", schedule("summer", **{"from": '"03-01"'}) + schedule("winter", to='"02-28"'), "schedule"),
    ("weight negative", CM + GROUP.format(-30), "kpi.customer_manager.group_revenue.weight"),
    ("weight 101", CM + GROUP.format(101), "kpi.customer_manager.group_revenue.weight"),
    ("weight as text", CM + GROUP.format('"30"'), "kpi.customer_manager.group_revenue.weight"),
    ("weights sum 101", CM + GROUP.format(31), "kpi.customer_manager"),
    ("unknown source", CM + 'group_revenue = { name = "集团收入", weight = 30, source = "customers.profit" }\n',
     "kpi.customer_manager.group_revenue.source"),
    ("slope on revenue", "[kpi.customer_manager.group_revenue]\nscoring = \"slope\"\n",
     "kpi.customer_manager.group_revenue.scoring"),
    ("tiers on retention", "[kpi.room_manager.retention]\nscoring = \"tiers\"\n", "kpi.room_manager.retention.scoring"),
    ("scoring unknown", "[kpi.room_manager.retention]\nscoring = \"steps\"\n", "kpi.room_manager.retention.scoring"),
    ("room scheme on own customers", "[kpi.room_manager.group_revenue]\nscope = \"own\"\n",
     "kpi.room_manager.group_revenue.scope"),
    ("scope unknown", "[kpi.customer_manager.group_revenue]\nscope = \"team\"\n", "kpi.customer_manager.group_revenue.scope"),
    ("blend without share", "[kpi.customer_manager.group_revenue]\nscope = \"blend\"\n",
     "kpi.customer_manager.group_revenue.own_share"),
    ("blend share 1", "[kpi.customer_manager.group_revenue]\nscope = \"blend\"\nown_share = 1\n",
     "kpi.customer_manager.group_revenue.own_share"),
    ("blend share 0", "[kpi.customer_manager.group_revenue]\nscope = \"blend\"\nown_share = 0\n",
     "kpi.customer_manager.group_revenue.own_share"),
    ("share without blend", "[kpi.customer_manager.group_revenue]\nown_share = 0.7\n",
     "kpi.customer_manager.group_revenue.own_share"),
    ("cap as text", "[kpi.customer_manager.group_revenue]\ncap = \"否\"\n", "kpi.customer_manager.group_revenue.cap"),
    ("points 0", "[kpi.points]\ncustomer_manager = 0\n", "kpi.points.customer_manager"),
    ("points not the weights' sum", "[kpi.points]\nroom_manager = 90\n", "kpi.room_manager"),
    ("a scheme switched off", "[kpi.customer_manager]\n" + "".join(
        f"{c} = {{ weight = 0 }}\n" for c in ("group_revenue", "info_revenue", "member_growth", "industry_products",
                                              "retention")), "kpi.customer_manager"),
    ("acting head also room manager", '[roles]\nacting_head = "重要室经理"\n', "roles"),
    ("indicator name twice", "[kpi.room_manager.qixintong]\nname = \"其他集团指标\"\n", "kpi.room_manager.qixintong.name"),
    ("indicator without source", CM + 'extra = { name = "企信通", weight = 0 }\n', "kpi.customer_manager.extra"),
    ("indicator unknown field", CM + 'extra = { name = "企信通", weight = 0, source = "targets.actual", x = 1 }\n',
     "kpi.customer_manager.extra.x"),
    ("cap -1", "[kpi]\ntotal_cap = -1\n", "kpi.total_cap"),
    ("cap 0", "[kpi]\ntotal_cap = 0\n", "kpi.total_cap"),
    ("cap 1000.5", "[kpi]\ntotal_cap = 1000.5\n", "kpi.total_cap"),
    ("retention reference 101", "[kpi]\nretention_reference_rate = 101\n", "kpi.retention_reference_rate"),
    ("retention points -1", "[kpi]\nretention_points_per_percent = -1\n", "kpi.retention_points_per_percent"),
    ("cycle 5", "[visits.classes.C]\ncycle_months = 5\n", "visits.classes.C.cycle_months"),
    ("cycle 24", "[visits.classes.C]\ncycle_months = 24\n", "visits.classes.C.cycle_months"),
    ("required -1", "[visits.classes.A1]\nrequired = -1\n", "visits.classes.A1.required"),
    ("counted method unknown", '[visits]\ncounted_method = "走访"\n', "visits.counted_method"),
    ("bands ascending", bands(20000, 50000, 200000, 500000), "classes.bands"),
    ("bands equal", bands(500000, 200000, 200000, 20000), "classes.bands"),
    ("band negative", bands(500000, 200000, 50000, -1), "classes.bands[4].min_annual_spend"),
    ("band class twice", bands(500000, 200000, classes=("A1", "A1")), "classes.bands"),
    ("band class also low", bands(500000, 200000, classes=("A1", "C")), "classes.bands"),
    ("band class unknown", bands(500000, classes=("E",)), "classes.bands[1].class"),
    ("bands empty", "[classes]\nbands = []\n", "classes.bands"),
    ("low classes empty", "[classes]\nlow_classes = []\n", "classes.low_classes"),
    ("violation amount negative", '[violations.kinds."私自外出"]\namount = -200\n', "violations.kinds.私自外出.amount"),
    ("violation notice text", '[violations.kinds."私自外出"]\nnotice = "是"\n', "violations.kinds.私自外出.notice"),
    ("violation kind blank", '[violations.kinds." "]\namount = 1\nnotice = false\n', "violations.kinds"),
    ("new kind without notice", '[violations.kinds."迟到"]\namount = 5\n', "violations.kinds.迟到"),
    ("punch fix kind unknown", '[attendance]\npunch_fix_kind = "补签"\n', "attendance.punch_fix_kind"),
    ("punch fix kind empty", '[attendance]\npunch_fix_kind = ""\n', "attendance.punch_fix_kind"),
    ("excusing kind empty", '[attendance]\nexcusing_kinds = ["事假", ""]\n', "attendance.excusing_kinds[2]"),
    ("excusing kind twice", '[attendance]\nexcusing_kinds = ["事假", "事假"]\n', "attendance.excusing_kinds[2]"),
    ("excusing 补卡", '[attendance]\nexcusing_kinds = ["事假", "补卡"]\n', "attendance.excusing_kinds"),
    ("counted kinds a text", '[attendance.leave_limit]\ncounted_kinds = "事假"\n',
     "attendance.leave_limit.counted_kinds"),
    ("room manager also a manager", '[roles]\nroom_manager = "客户经理"\n', "roles"),
    ("a role in no scheme", '[roles]\ncustomer_manager = ["客户经理"]\n', "roles"),
    ("fallback as text", '[calendar]\nweekday_fallback = "true"\n', "calendar.weekday_fallback"),
    ("unknown key", "[attendance]\ngrace_minute = 3\n", "attendance.grace_minute"),
    ("unknown table", "[organisation]\nname = \"x\"\n", "organisation"),
    ("table replaced by a number", "attendance = 5\n", "attendance"),
]

# (case, rules text, dotted key, the effective value `kehu rules` then shows) — each at a boundary.
ACCEPTED = [
    ("rate 1", "[learning]\nworst_deduction_rate = 1\n", "learning.worst_deduction_rate", 1),
    ("rate 0", "[kpi]\nchallenge_bonus = 0\n", "kpi.challenge_bonus", 0),
    ("rate as text", '[learning]\nworst_deduction_rate = "0.15"\n', "learning.worst_deduction_rate", "0.15"),
    ("amount 0", "[attendance]\nabsence_amount = 0\n", "attendance.absence_amount", 0),
    ("amount 10^9", '[attendance]\nabsence_amount = "1000000000.00"\n', "attendance.absence_amount", "1000000000.00"),
    ("amount 6 decimals", "[attendance]\nabsence_amount = 0.123456\n", "attendance.absence_amount", 0.123456),
    ("grace 0", "[attendance]\ngrace_minutes = 0\n", "attendance.grace_minutes", 0),
    ("grace 120", "[attendance]\ngrace_minutes = 120\n", "attendance.grace_minutes", 120),
    ("tiers 30 60 0", tiers(30, 60, 0), "attendance.tiers.1.max_minutes", 60),
    ("one open tier", tiers(0), "attendance.tiers.0.max_minutes", 0),
    ("streak step 1", "[learning]\nstreak_step = 1\n", "learning.streak_step", 1),
    ("min ranked 1", "[learning]\nmin_ranked = 1\n", "learning.min_ranked", 1),
    ("no learners", "[learning]\nroles = []\n", "learning.roles", []),
    ("window 31", "[callbacks]\nwindow_days = 31\nnext_month_days = 31\n", "callbacks.window_days", 31),
    ("window 0", "[callbacks]\nwindow_days = 0\n", "callbacks.window_days", 0),
    ("next month = window", "[callbacks]\nnext_month_days = 3\n", "callbacks.next_month_days", 3),
    ("history 1", "[churn_warning]\nhistory_months = 1\n", "churn_warning.history_months", 1),
    ("history 24", "[churn_warning]\nhistory_months = 24\n", "churn_warning.history_months", 24),
    ("drop 100", "[churn_warning]\ndrop_percent = 100\n", "churn_warning.drop_percent", 100),
    ("am from midnight", schedule("summer", am='["00:00", "12:30"]'), "schedule.summer.am", ["00:00", "12:30"]),
    ("pm until 23:59", schedule("summer", pm='["15:20", "23:59"]'), "schedule.summer.pm", ["15:20", "23:59"]),
    ("pm starts when am ends", schedule("summer", pm='["12:30", "18:30"]'), "schedule.summer.pm", ["12:30", "18:30"]),
    ("a one-digit hour", schedule("summer", am='["9:20", "12:30"]'), "schedule.summer.am", ["9:20", "12:30"]),
    ("02-29 in winter", schedule("summer", **{"from": '"03-01"'}) + schedule("winter", to='"02-29"'),
     "schedule.winter.to", "02-29"),
    ("weights moved", CM + GROUP.format(25) + INFO.format(30), "kpi.customer_manager.group_revenue.weight", 25),
    ("a new indicator", CM + GROUP.format(25) + 'qixintong = { name = "企信通", weight = 5, source = "targets.actual" }\n',
     "kpi.customer_manager.qixintong.source", "targets.actual"),
    ("cap 0.01", "[kpi]\ntotal_cap = 0.01\n", "kpi.total_cap", 0.01),
    ("cap 1000", "[kpi]\ntotal_cap = 1000\n", "kpi.total_cap", 1000),
    ("cycle 12", "[visits.classes.D]\ncycle_months = 12\n", "visits.classes.D.cycle_months", 12),
    ("required 0", "[visits.classes.A1]\nrequired = 0\n", "visits.classes.A1.required", 0),
    ("band floor 0", bands(500000, 200000, 50000, 0), "classes.bands.3.min_annual_spend", 0),
    ("a new violation kind", '[violations.kinds."迟到早退"]\namount = 0\nnotice = false\n',
     "violations.kinds.迟到早退.amount", 0),
    ("an indicator name of the department's", "[kpi.room_manager.qixintong]\nname = \"短信\"\n",
     "kpi.room_manager.qixintong.name", "短信"),
    ("blend 70/30", "[kpi.customer_manager.group_revenue]\nscope = \"blend\"\nown_share = 0.7\n",
     "kpi.customer_manager.group_revenue.own_share", 0.7),
    ("customer managers on the room", "[kpi.customer_manager.group_revenue]\nscope = \"room\"\n",
     "kpi.customer_manager.group_revenue.scope", "room"),
    ("slope spelt out", "[kpi.customer_manager.retention]\nscoring = \"slope\"\ncap = false\n",
     "kpi.customer_manager.retention.cap", False),
    ("an indicator switched off", CM + 'industry_products = { weight = 0 }\n' + GROUP.format(45),
     "kpi.customer_manager.industry_products.weight", 0),
    ("satisfaction scored", CM + GROUP.format(20) + 'satisfaction = { name = "满意度", weight = 10, '
     'source = "callbacks.satisfaction" }\n', "kpi.customer_manager.satisfaction.source", "callbacks.satisfaction"),
    ("points 120", "[kpi.points]\ncustomer_manager = 120\n" + CM + GROUP.format(50),
     "kpi.points.customer_manager", 120),
    ("points 101", "[kpi.points]\nroom_manager = 101\n[kpi.room_manager.group_revenue]\nweight = 31\n",
     "kpi.points.room_manager", 101),
    ("roles swapped", '[roles]\ncustomer_manager = ["客户经理", "重要室经理"]\nroom_manager = "行业客户经理"\n',
     "roles.room_manager", "行业客户经理"),
]


def effective(output: str, dotted: str):
    value = tomllib.loads(output)
    for part in dotted.split("."):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


@pytest.mark.parametrize("text,key", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_kehu_rules_refuses_with_exit_2_naming_the_key(tmp_path, text, key):
    result = kehu("rules", "--rules", rules_file(tmp_path, text))
    assert result.exit_code == 2, result.output
    assert f"规则文件 {NAME}" in result.output and key in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("text,key", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
def test_kehu_run_refuses_before_any_work(tmp_path, month_dir, text, key):
    out = tmp_path / "out"
    result = kehu("run", month_dir, "--month", "2026-10", "--out", out, "--rules", rules_file(tmp_path, text))
    assert result.exit_code == 2, result.output
    assert key in result.output
    assert not out.exists()


@pytest.mark.parametrize("text,key,value", [c[1:] for c in ACCEPTED], ids=[c[0] for c in ACCEPTED])
def test_boundary_values_load(tmp_path, text, key, value):
    result = kehu("rules", "--rules", rules_file(tmp_path, text))
    assert result.exit_code == 0, result.output
    assert effective(result.output, key) == value


def test_the_message_names_key_value_and_what_is_allowed(tmp_path):
    result = kehu("rules", "--rules", rules_file(tmp_path, "[learning]\nworst_deduction_rate = -5\n"))
    assert result.output.strip() == ("规则文件 我的规则.toml：键 learning.worst_deduction_rate 的值 -5 不在允许范围内，"
                                     "应为 0 到 1 之间的小数（如 0.10）。")


def test_every_problem_of_a_file_is_listed(tmp_path):
    text = '[attendance]\ngrace_minutes = "5"\nabsence_amount = -1\n[learning]\nstreak_step = 0\n'
    output = kehu("rules", "--rules", rules_file(tmp_path, text)).output
    assert "有 3 处错误" in output
    assert all(k in output for k in ("attendance.grace_minutes", "attendance.absence_amount", "learning.streak_step"))


def early_events(tmp_path: Path, month_dir: Path, text: str) -> list:
    import json
    out = tmp_path / "out"
    result = kehu("run", month_dir, "--month", "2026-10", "--out", out, "--rules", rules_file(tmp_path, text))
    assert result.exit_code == 0, result.output
    results = json.loads((out / "2026-10" / "results.json").read_text(encoding="utf-8"))
    return [(p["employee_id"], e["minutes"]) for p in results["employees"] for e in p["attendance"]["events"]
            if e["type"] == "early"]


def test_a_boundary_value_reaches_the_engines(tmp_path, month_dir):
    """The tiny month's 12:59 out-punches leave 13:00 one minute early: an event with grace 0, none with grace 1."""
    assert early_events(tmp_path / "a", month_dir, "[attendance]\ngrace_minutes = 0\n")
    assert early_events(tmp_path / "b", month_dir, "[attendance]\ngrace_minutes = 1\n") == []


def test_the_default_rules_pass_their_own_check():
    assert rules_problems(tomllib.loads(default_rules_text())) == []
    assert load_rules() == tomllib.loads(default_rules_text())


# ---------------------------------------------------------------------------
# The file itself

def test_a_file_of_exactly_1_mb_loads_and_one_byte_more_is_refused(tmp_path):
    body = "[learning]\nstreak_step = 2\n"
    padding = "#" * (MAX_BYTES - len(body) - 1) + "\n"
    exact = rules_file(tmp_path, padding + body)
    assert exact.stat().st_size == MAX_BYTES
    assert load_rules(exact)["learning"]["streak_step"] == 2
    result = kehu("rules", "--rules", rules_file(tmp_path, "#" + padding + body))
    assert result.exit_code == 2 and "1 MB" in result.output


def test_a_huge_file_is_not_read_whole(tmp_path):
    """A sparse 256 MB file: at most 1 MB + 1 bytes are read (peak memory stays a few MB)."""
    big = tmp_path / "big.toml"
    with big.open("wb") as fh:
        fh.truncate(256 * MAX_BYTES)
    tracemalloc.start()
    try:
        with pytest.raises(RulesError, match="1 MB"):
            load_rules(big)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 16 * MAX_BYTES


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_dev_zero_is_refused():
    result = kehu("rules", "--rules", "/dev/zero")
    assert result.exit_code == 2 and "/dev/zero" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    """In a child process with a timeout: opening a FIFO for reading would wait for a writer forever."""
    import subprocess
    fifo = tmp_path / "rules.toml"
    os.mkfifo(fifo)
    proc = subprocess.run([sys.executable, "-m", "kehu", "rules", "--rules", str(fifo)], capture_output=True,
                          env=dict(os.environ, PYTHONIOENCODING="utf-8"), timeout=60)
    assert proc.returncode == 2 and "不是普通文件" in proc.stderr.decode("utf-8")


def test_a_folder_is_refused(tmp_path):
    assert kehu("rules", "--rules", tmp_path).exit_code == 2     # click's own check
    with pytest.raises(RulesError, match="文件夹"):
        load_rules(tmp_path)


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(RulesError, match="不存在"):
        load_rules(tmp_path / "没有.toml")


def test_an_unreadable_file_is_refused(tmp_path, monkeypatch):
    path = rules_file(tmp_path, "[learning]\nstreak_step = 2\n")
    real_open = Path.open

    def locked(self, *args, **kwargs):
        if self.name == NAME:
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)
    monkeypatch.setattr(Path, "open", locked)
    result = kehu("rules", "--rules", path)
    assert result.exit_code == 2 and "无法读取" in result.output


def test_a_gbk_file_with_chinese_keys_and_values_loads(tmp_path, month_dir):
    text = ('# 本部门规则\n[violations.kinds."迟到早退"]\namount = 30\nnotice = false\n'
            '[attendance]\nvisit_leave_kind = "出差"\n')
    path = rules_file(tmp_path, text, encoding="gbk")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    rules = load_rules(path)
    assert rules["violations"]["kinds"]["迟到早退"] == {"amount": 30, "notice": False}
    assert rules["attendance"]["visit_leave_kind"] == "出差"
    result = kehu("run", month_dir, "--month", "2026-10", "--out", tmp_path / "out", "--rules", path)
    assert result.exit_code == 0, result.output


def test_utf8_with_bom_loads(tmp_path):
    path = rules_file(tmp_path, '[attendance]\nvisit_leave_kind = "出差"\n', encoding="utf-8-sig")
    assert load_rules(path)["attendance"]["visit_leave_kind"] == "出差"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_utf16_is_refused_with_what_to_do(tmp_path, encoding):
    result = kehu("rules", "--rules", rules_file(tmp_path, '[attendance]\nvisit_leave_kind = "出差"\n', encoding))
    assert result.exit_code == 2 and "UTF-16" in result.output and "UTF-8" in result.output


def test_bytes_of_no_known_encoding_are_refused(tmp_path):
    path = tmp_path / NAME
    path.write_bytes(b"[learning]\nroles = [\"\x80\xff\"]\n")
    result = kehu("rules", "--rules", path)
    assert result.exit_code == 2 and "UTF-8" in result.output and "GB18030" in result.output


@pytest.mark.parametrize("text", [
    "a = " + "[" * 10_000 + "]" * 10_000 + "\n",
    "a = " + "{ b = " * 10_000 + "1" + " }" * 10_000 + "\n",
], ids=["array", "inline table"])
def test_deep_nesting_is_refused(tmp_path, text):
    result = kehu("rules", "--rules", rules_file(tmp_path, text))
    assert result.exit_code == 2 and "嵌套过深" in result.output


def test_deep_nesting_under_a_known_key_is_refused(tmp_path):
    deep = "[attendance]\ngrace_minutes = " + "[" * 50 + "]" * 50 + "\n"
    result = kehu("rules", "--rules", rules_file(tmp_path, deep))
    assert result.exit_code == 2 and "attendance.grace_minutes" in result.output


def test_a_dotted_key_of_thousands_of_parts_is_refused_before_parsing(tmp_path):
    """tomllib is quadratic in a dotted key's parts (20,000 parts: ~18 s); such a line is refused first."""
    text = "attendance." + ".".join(["x"] * 20_000) + " = 1\n"
    result = kehu("rules", "--rules", rules_file(tmp_path, text))
    assert result.exit_code == 2 and "第 1 行" in result.output and "层级过多" in result.output
    comment = "# " + "." * 500 + "\n[learning]\nstreak_step = 2\n"      # a comment of dots is fine
    assert kehu("rules", "--rules", rules_file(tmp_path, comment)).exit_code == 0


def test_a_number_of_thousands_of_digits_is_refused(tmp_path):
    result = kehu("rules", "--rules", rules_file(tmp_path, "[attendance]\nabsence_amount = " + "9" * 5000 + "\n"))
    assert result.exit_code == 2 and "位数过多" in result.output


def test_a_toml_syntax_error_names_the_line(tmp_path):
    result = kehu("rules", "--rules", rules_file(tmp_path, '[attendance]\nvisit_leave_kind = 出差\n'))
    assert result.exit_code == 2 and "第 2 行" in result.output


def test_a_gbk_console_can_print_every_message(tmp_path):
    """The clerk's console may be GBK: the messages' full-width punctuation must print there."""
    import subprocess
    text = '[schedule.summer]\nfrom = "05-02"\n[violations.kinds."迟到"]\namount = -1\nnotice = false\n'
    path = rules_file(tmp_path, text)
    proc = subprocess.run([sys.executable, "-m", "kehu", "rules", "--rules", str(path)], capture_output=True,
                          env=dict(os.environ, PYTHONIOENCODING="gbk"), timeout=60)
    assert proc.returncode == 2
    assert "violations.kinds.迟到.amount" in proc.stderr.decode("gbk")


# ---------------------------------------------------------------------------
# The spec's own consistency

def test_every_kpi_source_is_one_the_engine_computes():
    from kehu.compute import kpi
    for source in KPI_SOURCES:
        assert source in (kpi.RETENTION, kpi.TARGET_ACTUAL, *kpi.RATE_SOURCES) or \
            source.removeprefix(kpi.CUSTOMER_SOURCE) in kpi.FIGURES


def test_the_longest_visit_cycle_is_one_the_history_reads():
    from kehu.compute.history_rows import LONGEST_CYCLE_MONTHS
    from kehu.rules_spec import VISIT_CYCLES
    assert max(VISIT_CYCLES) == LONGEST_CYCLE_MONTHS


def test_the_season_relation_reads_seasons_as_attendance_does():
    from kehu.compute.attendance import season_of
    wrapped = {"a": {"from": "11-15", "to": "02-29"}, "b": {"from": "03-01", "to": "11-14"}}
    for schedule_ in (load_rules()["schedule"], wrapped):
        for day in (date(2028, 1, 1) + timedelta(days=i) for i in range(366)):
            held = [s for s in schedule_.values() if in_season(f"{day:%m-%d}", s)]
            assert held == [season_of(day, schedule_)]


def test_a_wrong_scheme_names_the_weights_or_the_source_and_the_role(tmp_path):
    """Issue 16: refused at load with exit 2 naming 权重 or the source, and the role."""
    result = kehu("rules", "--rules", rules_file(tmp_path, CM + GROUP.format(25)))
    assert result.exit_code == 2
    assert "kpi.customer_manager" in result.output and "客户经理考核方案各指标权重（weight）之和 95" in result.output
    fanghao = '[kpi.room_manager]\nfanghao = { name = "放号", weight = 5, source = "boss.fanghao" }\n'
    result = kehu("rules", "--rules", rules_file(tmp_path, fanghao))
    assert result.exit_code == 2
    assert 'kpi.room_manager.fanghao.source 的值 "boss.fanghao" 不是 kehu 能计算或读取的指标来源（重要室经理考核方案）' \
        in result.output and '"callbacks.satisfaction"' in result.output


def test_a_new_optional_key_is_one_line():
    """Issue 16's indicator `scope`: one line in the spec, the defaults still load, a bad value is refused."""
    spec = Spec({**SPEC, "kpi.customer_manager.*.scope": OptionalKey(Text(("room", "own")))})
    rules = load_rules()
    assert spec.check(rules) == []
    rules["kpi"]["customer_manager"]["retention"]["scope"] = "everyone"
    assert [p.path for p in spec.check(rules)] == [("kpi", "customer_manager", "retention", "scope")]


# ---------------------------------------------------------------------------
# Property: any rules file is refused (2) or loads and the month ends in 0 or 1 — never 3.

def _slots() -> list[tuple[tuple, object]]:
    """(path, kind) of every key an override may set; array-of-table keys as a whole array,
    an open table's entries as each default entry plus a new one."""
    defaults = load_rules()
    slots = []
    for key, kind in SPEC.items():
        parts = pattern_parts(key)
        if "[]" in parts:
            continue
        if "*" in parts:
            at = parts.index("*")
            table = defaults
            for p in parts[:at]:
                table = table[p]
            slots += [(parts[:at] + (name,) + parts[at + 1:], kind) for name in list(table)[:2] + ["新项"]]
        else:
            slots.append((parts, kind))
    return slots


SLOTS = _slots()
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
JUNK = st.recursive(st.one_of(st.integers(-10**40, 10**40), st.floats(allow_nan=True, allow_infinity=True), TEXT,
                              st.booleans(), st.sampled_from(["NaN", "Infinity", "1e999999", "25:00", "02-30", "-1"])),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=2), max_leaves=6)


def plausible(kind):
    """Values near and across the kind's limits, valid as often as not."""
    if isinstance(kind, OptionalKey):
        return plausible(kind.kind)
    if isinstance(kind, Integer):
        edges = [kind.low - 1, kind.low, kind.high, kind.high + 1]
        return st.integers(kind.low - 1, min(kind.high + 1, kind.low + 40)) | st.sampled_from(edges)
    if isinstance(kind, Choice):
        return st.sampled_from(kind.choices + (0, 5))
    if isinstance(kind, Number):
        numbers = st.decimals(kind.low - 1, min(kind.high + 1, kind.low + 500), places=2)
        return numbers.map(str) | numbers.map(float) | st.sampled_from([kind.low, kind.high, kind.high + 1])
    if isinstance(kind, Boolean):
        return st.booleans()
    if isinstance(kind, Text):
        return st.sampled_from(kind.choices + ("",)) if kind.choices else st.sampled_from(["集团收入", "企信通", "保有", ""])
    if isinstance(kind, TextList):
        return st.lists(st.sampled_from(kind.choices), max_size=len(kind.choices), unique=True)
    if isinstance(kind, Session):
        clock = st.builds(lambda h, m: f"{h:02d}:{m:02d}", st.integers(0, 24), st.sampled_from([0, 20, 30, 59, 60]))
        return st.lists(clock, min_size=1, max_size=3).map(sorted)
    if isinstance(kind, MonthDay):
        return st.builds(lambda m, d: f"{m:02d}-{d:02d}", st.integers(1, 13), st.sampled_from([1, 15, 28, 29, 30, 31]))
    prefix = kind_key(kind) + ("[]." if isinstance(kind, Tables) else ".*.")
    fields = {k.removeprefix(prefix): v for k, v in SPEC.items() if k.startswith(prefix)}
    entry = st.fixed_dictionaries({k: plausible(v) for k, v in fields.items() if not isinstance(v, OptionalKey)},
                                  optional={k: plausible(v) for k, v in fields.items() if isinstance(v, OptionalKey)})
    if isinstance(kind, Tables):
        return st.lists(entry, min_size=0, max_size=4)
    assert isinstance(kind, Entries)
    return st.dictionaries(st.sampled_from(["新项", "A1", "retention"]), entry, max_size=2)


def kind_key(kind) -> str:
    return next(k for k, v in SPEC.items() if v is kind)


def nest(pairs) -> dict:
    out: dict = {}
    for path, value in pairs:
        table = out
        for part in path[:-1]:
            table = table.setdefault(part, {})
            if not isinstance(table, dict):
                break
        else:
            table[path[-1]] = value
    return out


OVERRIDES = st.lists(st.sampled_from(SLOTS), min_size=1, max_size=3, unique_by=lambda s: s[0]).flatmap(
    lambda slots: st.tuples(*[st.tuples(st.just(path), plausible(kind) | JUNK if i % 2 else plausible(kind))
                              for i, (path, kind) in enumerate(slots)])).map(nest)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(override=OVERRIDES)
def test_any_rules_file_is_refused_or_runs_to_a_verdict(month_dir, override):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / NAME
        path.write_text(tomli_w.dumps(override), encoding="utf-8")
        result = CliRunner().invoke(cli, ["run", str(month_dir), "--month", "2026-10", "--out", str(Path(tmp) / "out"),
                                          "--rules", str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert result.exit_code in (0, 1, 2), result.output
        event(f"exit {result.exit_code}")
        if result.exit_code == 2:
            assert "规则文件" in result.output and "Traceback" not in result.output
        else:
            load_rules(path)    # a run happened only with rules that load
