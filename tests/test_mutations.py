"""Property: any everyday mutation of the demo month ends in exit 0 with consistent numbers, or in
exit 1 with findings — never exit 3, never a traceback (issue 11, SPEC §10.1).

A mutation is what a hurried clerk does to one file: drops it, renames or decorates a header,
shifts every date by a month, blanks a cell, or retypes a column (numbers as text with units,
dates as text). Decorating a header must change nothing at all.
"""
from __future__ import annotations

import csv
import json
import tempfile
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, event, given, settings
from hypothesis import strategies as st

from sample_copy import SAMPLE, copy_sample
from kehu.cli import cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "2026-10_results.json"
FILES = sorted(p.name for p in SAMPLE.iterdir())
CSV_ENCODING = "gb18030"                    # the demo's 请假外出.csv is a GBK export
DECORATIONS = ("{}（元）", "*{}", "{}(必填)", " {} ", "{}【必填】", "＊{}")


# -- reading and writing one file as rows ------------------------------------------------------------

def read_rows(path: Path) -> dict[str, list[list]]:
    if path.suffix == ".csv":
        with open(path, encoding=CSV_ENCODING, newline="") as fh:
            return {"csv": [list(r) for r in csv.reader(fh)]}
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def write_rows(path: Path, sheets: dict[str, list[list]]) -> None:
    if path.suffix == ".csv":
        with open(path, "w", encoding=CSV_ENCODING, newline="") as fh:
            csv.writer(fh).writerows(sheets["csv"])
        return
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)


def header_index(rows: list[list]) -> int:
    """The header row: the first with three or more text cells."""
    return next(i for i, r in enumerate(rows) if sum(isinstance(v, str) and bool(v) for v in r) >= 3)


# -- the mutations: (folder, draw) → the kind of outcome expected ------------------------------------

def present(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name in FILES)


def drop_file(folder: Path, draw) -> str:
    (folder / draw(st.sampled_from(present(folder)))).unlink()
    return "any"


def rename_header(folder: Path, draw) -> str:
    name = draw(st.sampled_from(present(folder)))
    sheets = read_rows(folder / name)
    title = draw(st.sampled_from(sorted(sheets)))
    rows = sheets[title]
    top = header_index(rows)
    col = draw(st.integers(0, len(rows[top]) - 1))
    old = rows[top][col]
    if not isinstance(old, str) or not old:
        return "same"
    if draw(st.booleans()):
        rows[top][col] = draw(st.sampled_from(DECORATIONS)).format(old)
        outcome = "same"
    else:
        at = draw(st.integers(0, len(old) - 1))
        rows[top][col] = old[:at] + draw(st.sampled_from("里理数础号码")) + old[at + 1:]
        outcome = "any"
    write_rows(folder / name, sheets)
    return outcome


def _shift(value, months: int):
    if isinstance(value, datetime):
        return value + timedelta(days=31 * months)
    if isinstance(value, str) and value[:4].isdigit() and len(value) >= 7 and value[4] in "-/":
        try:
            parsed = datetime.strptime(value[:10].replace("/", "-"), "%Y-%m-%d")
        except ValueError:
            return value
        return (parsed + timedelta(days=31 * months)).strftime("%Y-%m-%d") + value[10:]
    return value


def shift_dates(folder: Path, draw) -> str:
    name = draw(st.sampled_from(present(folder)))
    months = draw(st.sampled_from([-1, 1]))
    sheets = read_rows(folder / name)
    for rows in sheets.values():
        top = header_index(rows)
        rows[top + 1:] = [[_shift(v, months) for v in r] for r in rows[top + 1:]]
    write_rows(folder / name, sheets)
    return "any"


def _data_cell(folder: Path, draw):
    name = draw(st.sampled_from(present(folder)))
    sheets = read_rows(folder / name)
    title = draw(st.sampled_from(sorted(sheets)))
    rows = sheets[title]
    top = header_index(rows)
    if len(rows) <= top + 1:
        return name, sheets, rows, None, None
    r = draw(st.integers(top + 1, len(rows) - 1))
    c = draw(st.integers(0, max(len(rows[r]) - 1, 0)))
    return name, sheets, rows, r, c


def blank_cell(folder: Path, draw) -> str:
    name, sheets, rows, r, c = _data_cell(folder, draw)
    if r is not None and c < len(rows[r]):
        rows[r][c] = None if name.endswith(".xlsx") else ""
        write_rows(folder / name, sheets)
    return "any"


def retype_column(folder: Path, draw) -> str:
    """A column's numbers as text with units / thousands separators, or its dates as text."""
    name, sheets, rows, r, c = _data_cell(folder, draw)
    if r is None:
        return "any"
    top = header_index(rows)
    for row in rows[top + 1:]:
        if c < len(row):
            v = row[c]
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                row[c] = draw(st.sampled_from(["{:,}", "{}元", "¥{}", "{}"])).format(v)
            elif isinstance(v, datetime):
                row[c] = draw(st.sampled_from(["{:%Y/%m/%d}", "{:%Y年%m月%d日}", "{:%Y-%m-%d %H:%M}"])).format(v)
    write_rows(folder / name, sheets)
    return "any"


MUTATIONS = [drop_file, rename_header, shift_dates, blank_cell, retype_column]


# -- what every outcome must satisfy -------------------------------------------------------------------

def consistent(done: dict, payroll: list[list[str]], manifest: dict) -> None:
    """The figures of results.json agree with one another, payroll.csv and the manifest."""
    cent = Decimal("0.01")
    for e in done["employees"]:
        deductions = Decimal(e["attendance"]["deduction"]) + Decimal(e["violations"]["deduction"]) \
            + Decimal((e["learning"] or {}).get("deduction", "0"))
        assert Decimal(e["deductions_total"]) == deductions, e["employee_id"]
        assert sum(Decimal(ev["amount"]) for ev in e["attendance"]["events"]) == Decimal(e["attendance"]["deduction"])
        kpi = sum(Decimal(i["score"]) for i in e["kpi"]["indicators"])
        assert Decimal(e["kpi"]["total"]) == kpi
        earned = Decimal(e["performance_base"]) * min(kpi, Decimal(100)) / 100
        assert abs(Decimal(e["performance_pay"]) - max(Decimal(0), earned - deductions)) <= cent
        assert Decimal(e["performance_pay"]) >= 0 and Decimal(e["uncovered"]) >= 0
    assert [row[0] for row in payroll[1:]] == [e["employee_id"] for e in done["employees"]]
    assert all(s["balanced"] for s in manifest["sheets"])


def check_outcome(folder: Path, out: Path, expected: str) -> int:
    result = CliRunner().invoke(cli, ["run", str(folder), "--month", "2026-10", "--out", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output and "意外失败" not in result.output, result.output
    if result.exit_code == 1:
        assert "错误" in result.output and not (out / "2026-10").exists()
        return 1
    done = json.loads((out / "2026-10" / "results.json").read_text(encoding="utf-8"))
    with open(out / "2026-10" / "payroll.csv", encoding="utf-8-sig", newline="") as fh:
        payroll = list(csv.reader(fh))
    consistent(done, payroll, json.loads((out / "2026-10" / "manifest.json").read_text(encoding="utf-8")))
    if expected == "same":
        assert (out / "2026-10" / "results.json").read_bytes() == GOLDEN.read_bytes()
    return 0


# no shrinking: an example is one or two mutations, already small, and each costs a whole run
@settings(max_examples=40, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_any_everyday_mutation_ends_in_numbers_or_findings(data):
    with tempfile.TemporaryDirectory() as tmp:
        folder = copy_sample(Path(tmp) / "输入")
        expected = "same"
        for _ in range(data.draw(st.integers(1, 2))):
            mutation = data.draw(st.sampled_from(MUTATIONS))
            kind = mutation(folder, data.draw)
            event(mutation.__name__)
            expected = "same" if expected == kind == "same" else "any"
        event(f"exit {check_outcome(folder, Path(tmp) / 'out', expected)}, {expected}")


def test_the_untouched_demo_month_passes_the_same_checks(tmp_path):
    check_outcome(copy_sample(tmp_path / "输入"), tmp_path / "out", "same")
