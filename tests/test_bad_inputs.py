"""Hostile and messy inputs end in exit 0 or 1 with findings — never a traceback, hang or kill (issue 6 item 3).

Every case of ``bad_inputs.CASES`` is generated at test time and run as
``python -m kehu validate DIR --month 2026-10 --report …`` in a child process
with a timeout and a 4 GB address-space limit, so a calamine abort or a memory
blow-up is a failed test, not a dead test run. The report's 概要 sheet must
account for every row (read = used + rejected + ignored + duplicate + empty),
the input files must be byte-identical afterwards, and the small cases are
validated in-process too.
"""
from __future__ import annotations

import hashlib
import os
import resource
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl
import pytest

from bad_inputs import CASES, FORMULA_NAMES, PUNCH_ROWS
from kehu.month import Month

from builders import sender_rules  # noqa: E402
from kehu.validate import validate_month
from test_finding_codes import half_width_punctuation

REPO = Path(__file__).resolve().parents[1]
MEMORY_LIMIT = 4 * 1024**3
TIMEOUT = 150


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _hashes(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _run_case(name: str, root: Path) -> dict:
    folder, report = root / name / "in", root / name / "报告.xlsx"
    folder.mkdir(parents=True)
    try:
        CASES[name].make(folder)
    except Exception as exc:   # a broken generator fails its own case, not the whole module
        return {"code": f"generator failed: {type(exc).__name__}: {exc}", "stdout": "", "stderr": "",
                "folder": folder, "report": report, "unchanged": True}
    before = _hashes(folder)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    try:
        proc = subprocess.run([sys.executable, "-m", "kehu", "validate", str(folder), "--month", "2026-10",
                               "--report", str(report)], cwd=root / name, env=env, capture_output=True,
                              text=True, timeout=TIMEOUT, preexec_fn=_limit_memory)
        outcome = {"code": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}
    except subprocess.TimeoutExpired:
        outcome = {"code": "timeout", "stdout": "", "stderr": ""}
    outcome.update(folder=folder, report=report, unchanged=_hashes(folder) == before)
    return outcome


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """All cases, two child processes at a time (the suite's budget is a few minutes on 2 cores)."""
    root = tmp_path_factory.mktemp("bad")
    heavy_first = sorted(CASES, key=lambda n: not CASES[n].heavy)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = {name: pool.submit(_run_case, name, root) for name in heavy_first}
        return {name: f.result() for name, f in futures.items()}


def _report_codes(report: Path) -> list[str]:
    wb = openpyxl.load_workbook(report, read_only=True)
    return [r[1] for r in wb["问题清单"].iter_rows(min_row=3, values_only=True) if r[1]]


def _report_manifest(report: Path) -> list[tuple]:
    wb = openpyxl.load_workbook(report, read_only=True)
    rows = []
    for r in wb["读取情况"].iter_rows(min_row=3, values_only=True):
        if not r or not r[0]:
            break                           # the manifest table ends; the files not read follow
        rows.append(r)
    return rows


def test_at_least_thirty_cases():
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_ends_cleanly(outcomes, name):
    case, out = CASES[name], outcomes[name]
    assert out["code"] != "timeout", f"{name}: no answer within {TIMEOUT} s"
    assert not str(out["code"]).startswith("generator"), out["code"]
    assert "Traceback" not in out["stderr"] and "panicked" not in out["stderr"], out["stderr"][-3000:]
    assert out["code"] in case.exit, (out["code"], out["stdout"][-2000:], out["stderr"][-2000:])
    assert out["unchanged"], "the input files were modified"
    codes = _report_codes(out["report"])
    for code in case.codes:
        assert code in codes, (code, codes[:20])
    if out["code"] == 1:
        assert any(c.startswith("E-") for c in codes)
    for file, sheet, _, read, used, rejected, ignored, duplicate, empty in _report_manifest(out["report"]):
        assert read == used + rejected + ignored + duplicate + empty, (file, sheet)


@pytest.mark.parametrize("name", [n for n in CASES if not CASES[n].heavy])
def test_bad_input_in_process_accounts_for_every_row(outcomes, name):
    inputs = validate_month(outcomes[name]["folder"], Month(2026, 10), sender_rules())
    for s in inputs.sheets:
        assert s.read == s.used + s.rejected + s.ignored + s.duplicate + s.empty, s
    found = {f.code for f in inputs.findings}
    assert set(CASES[name].codes) <= found
    assert (1 if any(f.severity == "error" for f in inputs.findings) else 0) == outcomes[name]["code"]
    for f in inputs.findings:                  # the clerk's own text (value, file, sheet, header) aside
        said = f.message
        for theirs in (f.value, f.file, f.sheet, f.column):
            said = said.replace(theirs, "") if theirs else said
        assert half_width_punctuation(said) == [], f.message


# -- what some cases must have produced, beyond "no crash" ----------------------------------------

def _in_process(outcomes, name):
    return validate_month(outcomes[name]["folder"], Month(2026, 10), sender_rules())


def test_text_in_numeric_column_after_row_1000_is_a_finding_not_a_blank(outcomes):
    inputs = _in_process(outcomes, "text_in_numeric_column_after_row_1000")
    [f] = inputs.findings
    assert (f.sheet, f.row, f.letter, f.code, f.value) == ("客户", 1202, "L", "E-money", "待定")
    [s] = [s for s in inputs.sheets if s.sheet == "客户"]
    assert (s.read, s.used, s.rejected) == (1203, 1202, 1)


def test_div0_cells_point_at_their_cells(outcomes):
    inputs = _in_process(outcomes, "div0_cells")
    errors = sorted((f.sheet, f.row, f.letter, f.code, f.value) for f in inputs.findings if f.code == "E-cell-error")
    assert errors == [("客户", 3, "L", "E-cell-error", "#DIV/0!"), ("客户", 4, "N", "E-cell-error", "#N/A")]


def test_1904_dates_read_right(outcomes):
    inputs = _in_process(outcomes, "date_1904_system")
    assert [f"{d:%Y-%m-%d}" for d in inputs.frames["visits"]["date"]] == ["2026-10-09", "2026-10-20", "2026-10-12"]


def test_hidden_rows_are_read(outcomes):
    inputs = _in_process(outcomes, "hidden_rows_and_sheets")
    assert len(inputs.frames["punches"]) == 24


def test_merged_title_rows_are_skipped(outcomes):
    inputs = _in_process(outcomes, "merged_title_rows")
    assert inputs.findings == [] and inputs.frames["targets"]["_row"].min() == 4


def test_gbk_csv_and_leading_zeros(outcomes):
    assert _in_process(outcomes, "gbk_csv").findings == []
    inputs = _in_process(outcomes, "ids_with_leading_zeros_and_numbers")
    assert inputs.findings == [] and set(inputs.frames["punches"]["employee_id"]) == {"1001", "1002", "1003"}


def test_formula_looking_names_stay_text_in_the_report(outcomes):
    inputs = _in_process(outcomes, "formula_looking_names")
    assert [(f.row, f.letter, f.code) for f in inputs.findings] == [(5, "C", "E-enum")]
    assert set(FORMULA_NAMES[1:]) <= set(inputs.frames["customers"]["customer_name"])
    wb = openpyxl.load_workbook(outcomes["formula_looking_names"]["report"])
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert FORMULA_NAMES[0] in {c.value for c in cells}


def test_script_names_are_plain_text(outcomes):
    out = outcomes["path_and_script_names"]
    wb = openpyxl.load_workbook(out["report"])
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert "<img src=x onerror=alert(1)>" in values
    assert not list(out["folder"].parent.glob("etc"))     # nothing written along a ../ path


def test_two_million_rows_all_counted(outcomes):
    [punch] = [r for r in _report_manifest(outcomes["two_million_row_csv"]["report"]) if r[1] == "打卡记录"]
    read, used, duplicate = punch[3], punch[4], punch[7]
    assert read == PUNCH_ROWS and used + duplicate == PUNCH_ROWS and used == 3 * 31 * 4


def test_stray_last_row_cell_counted_as_empty_rows(outcomes):
    [punch] = [r for r in _report_manifest(outcomes["stray_cell_at_last_row"]["report"]) if r[1] == "Sheet"]
    assert punch[3] == 1_048_575 and punch[4] == 24 and punch[6] == 1 and punch[8] == 1_048_575 - 25


@pytest.mark.parametrize("name", ["ten_mb_cell_xlsx", "ten_mb_cell_csv"])
def test_ten_mb_cell_does_not_flood_the_report(outcomes, name):
    out = outcomes[name]
    assert out["report"].stat().st_size < 2 * 1024**2
    assert len(out["stdout"]) < 10_000


REFUSED_BEFORE_PARSING = {"zip_bomb_1gb": "E-file-zipbomb", "entity_bomb": "E-file-xml",
                          "huge_declared_dimension": "E-sheet-too-large", "far_cell_without_dimension": "E-sheet-too-large",
                          "far_cell_in_first_row": "E-sheet-too-large"}


@pytest.mark.parametrize("name", list(REFUSED_BEFORE_PARSING))
def test_dangerous_files_are_refused_by_the_pre_scan(outcomes, name, monkeypatch):
    """The guard fires before calamine sees the file (calamine aborts the process on a huge grid)."""
    from kehu.load import reader
    from kehu.load.safety import UnsafeFile

    def no_calamine(*args, **kwargs):
        raise AssertionError("calamine was reached")
    monkeypatch.setattr(reader.CalamineWorkbook, "from_path", no_calamine)
    from kehu.load.files import scan_folder
    folder = outcomes[name]["folder"]
    [bad] = [f for f in scan_folder(folder).files if f.name not in _tiny_files()]
    with pytest.raises(UnsafeFile) as refused:
        reader.read_file(bad)
    assert refused.value.code == REFUSED_BEFORE_PARSING[name]
    assert str(bad.name) and "。" in refused.value.message


def _tiny_files() -> set:
    from builders import tiny_month
    return set(tiny_month())
