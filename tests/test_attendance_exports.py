"""A month given as DingTalk or WeCom exports is the same month as given in kehu's own sheets (issue 17).

The month is drawn by tests/attendance_exports.py (punches past midnight, duplicates, days
without a punch, a person who left, superseded punches, leave and 补卡 approved and not, an
administrator's corrections, 外出打卡, someone outside the roster) and written both ways: kehu's
own 打卡记录 / 请假外出, and each export layout. results.json must be the same.
"""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings, strategies as st

from attendance_exports import (DINGTALK_LAYOUTS, WECOM_LAYOUTS, make_month, rosters, write_exports, write_native)
from builders import write_month
from kehu.cli import cli
from kehu.compute.assemble import compute_month
from kehu.compute.history_rows import read_history
from kehu.month import Month
from kehu.rules import load_rules
from kehu.finding_codes import CODES
from kehu.validate import validate_month
from test_finding_codes import half_width_punctuation

MONTH, RULES = Month(2026, 10), load_rules()
LAYOUTS = [("钉钉", layout) for layout in DINGTALK_LAYOUTS] + [("企业微信", layout) for layout in WECOM_LAYOUTS]


def month_results(folder: Path) -> dict:
    """results.json's content for the folder (no history), after a validation without errors."""
    inputs = validate_month(folder, MONTH, RULES)
    errors = [(f.code, f.file, f.row, f.message) for f in inputs.findings if f.severity == "error"]
    assert errors == []
    unbalanced = [s for s in inputs.sheets if s.read != s.used + s.rejected + s.ignored + s.duplicate + s.empty]
    assert unbalanced == []
    return compute_month(inputs, RULES, read_history(folder / "没有历史.sqlite", MONTH, RULES)).results


@pytest.fixture(scope="module")
def native(tmp_path_factory):
    folder = write_native(tmp_path_factory.mktemp("native") / "in", make_month(7))
    return month_results(folder)


@pytest.mark.parametrize("system, layout", LAYOUTS)
def test_each_export_layout_gives_the_month_kehus_own_sheets_give(system, layout, native, tmp_path):
    assert month_results(write_exports(tmp_path / "in", make_month(7), system, layout)) == native


@pytest.mark.parametrize("system, layout", LAYOUTS)
def test_what_kehu_says_of_an_export_is_a_defined_finding_in_chinese(system, layout, tmp_path):
    """Every finding of an export month is one of the registry's codes, its message in full-width
    punctuation — the cells it quotes aside (a 请假时间 such as 2026-10-29 09:00 ~ … is the export's)."""
    findings = validate_month(write_exports(tmp_path / "in", make_month(7), system, layout), MONTH, RULES).findings
    assert findings and {f.code for f in findings} <= set(CODES)
    for f in findings:
        said = f.message
        for theirs in (f.value, f.file, f.sheet, f.column):
            said = said.replace(theirs, "") if theirs else said
        assert half_width_punctuation(said) == [], f.message


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**31), which=st.sampled_from(LAYOUTS))
def test_any_month_as_exports_is_the_same_month_as_kehus_own_sheets(seed, which):
    month = make_month(seed)
    with tempfile.TemporaryDirectory() as tmp:
        assert month_results(write_exports(Path(tmp) / "exports", month, *which)) == \
            month_results(write_native(Path(tmp) / "native", month))


def run(folder: Path, out: Path):
    return CliRunner().invoke(cli, ["run", str(folder), "--month", "2026-10", "--out", str(out)], catch_exceptions=False)


@pytest.mark.parametrize("system, layout", [("钉钉", "每日统计"), ("企业微信", "概况统计与打卡明细")])
def test_kehu_run_on_exports_only_writes_the_same_results_json(system, layout, tmp_path):
    """Done when (issue 17): a folder holding only one system's exports plus the rosters and KPI
    sheets gives the numbers of the native sheets — byte for byte — with every export row in the
    manifest and the days DingTalk / WeCom judge otherwise on the 导入核对 sheet."""
    month = make_month(11)
    mine = run(write_native(tmp_path / "native", month), tmp_path / "out-native")
    theirs = run(write_exports(tmp_path / "exports", month, system, layout), tmp_path / "out-exports")
    assert mine.exit_code == 0 and theirs.exit_code == 0, theirs.output
    done = tmp_path / "out-exports" / "2026-10"
    assert (done / "results.json").read_bytes() == (tmp_path / "out-native" / "2026-10" / "results.json").read_bytes()
    manifest = json.loads((done / "manifest.json").read_text(encoding="utf-8"))
    assert all(s["balanced"] for s in manifest["sheets"])
    read = {s["sheet"]: s for s in manifest["sheets"] if s["dataset"] in ("punches", "leave")}
    assert sum(s["read"] for s in read.values()) > 0
    sheet = openpyxl.load_workbook(done / "校验报告.xlsx", read_only=True)["导入核对"]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    assert rows[0][:9] == ("工号", "姓名", "日期", "导出", "导出的结果", "kehu 的结果", "kehu 的作息", "kehu 使用的打卡", "说明")
    assert len(rows) > 1
    assert not (tmp_path / "out-native" / "2026-10" / "校验报告.xlsx").exists() or \
        "导入核对" not in openpyxl.load_workbook(tmp_path / "out-native" / "2026-10" / "校验报告.xlsx").sheetnames


def test_the_dingtalk_workbook_is_read_as_biff8(tmp_path):
    """The 考勤报表 .xls written by xlwt is an OLE2 file; its 月度汇总 sheet is left aside."""
    folder = write_exports(tmp_path / "in", make_month(3), "钉钉", "每日统计")
    xls = next(folder.glob("*.xls"))
    assert xls.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    inputs = validate_month(folder, MONTH, RULES)
    sheets = {s.sheet: s for s in inputs.sheets if s.file == xls.name}
    assert sheets["每日统计"].dataset == "punches" and sheets["每日统计"].read == 5 * 31
    assert sheets["月度汇总"].ignored == 4
    assert "W-export-unused" in {f.code for f in inputs.findings}


def test_json_that_is_cut_short_stops_and_other_json_is_left_aside(tmp_path):
    folder = write_month(tmp_path / "in", rosters())
    (folder / "listRecord.json").write_text('{"errcode": 0, "recordresult": [{"userId": "u1001", "checkType": "On',
                                            encoding="utf-8")
    (folder / "设置.json").write_text('{"theme": "dark"}', encoding="utf-8")
    inputs = validate_month(folder, MONTH, RULES)
    found = {(f.code, f.file) for f in inputs.findings}
    assert ("E-file-format", "listRecord.json") in found and ("W-file-ignored", "设置.json") in found


def test_an_api_punch_in_year_9999_is_a_finding_not_a_crash(tmp_path):
    """A punch time no frame holds (year 9999; a clock reset to 1970 is merely outside the month) is
    the row's finding: the export's verdicts of that day are not kept (pandas ≥ 3 stopped the run)."""
    folder = write_exports(tmp_path / "in", make_month(3), "钉钉", "接口")
    path = next(folder.glob("*.json"))
    data = json.loads(path.read_text(encoding="utf-8"))
    far, epoch = data["recordresult"][0], data["recordresult"][1]
    far["userCheckTime"] = far["workDate"] = 253402214400000              # 9999-12-31 in ms
    epoch["userCheckTime"] = 1000
    path.write_text(json.dumps(data), encoding="utf-8")
    found = {(f.code, f.row) for f in validate_month(folder, MONTH, RULES).findings if f.file == path.name}
    assert {("E-datetime", 2), ("W-row-outside-month", 3)} <= found


def test_exports_loaded_by_the_pool_are_counted_and_checked_as_in_one_process(tmp_path, monkeypatch):
    """A pool worker's ledger brings back (pickled) the rows it marked used and the exports' verdicts."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from kehu.load import folder as loading
    exports = write_exports(tmp_path / "in", make_month(5), "钉钉", "每日统计")
    serial = validate_month(exports, MONTH, RULES)
    context = multiprocessing.get_context("fork")
    monkeypatch.setattr(loading, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(loading, "available_cores", lambda: 2)
    monkeypatch.setattr(loading, "ProcessPoolExecutor", lambda **options: ProcessPoolExecutor(mp_context=context, **options))
    pooled = validate_month(exports, MONTH, RULES)
    assert pooled.sheets == serial.sheets
    assert pooled.import_check.equals(serial.import_check) and len(serial.import_check) > 0
    assert [f.code for f in pooled.findings] == [f.code for f in serial.findings]


@pytest.mark.parametrize("layout, suffix", [("每日统计", ".xls"), ("原始记录", ".xlsx")])
def test_a_half_downloaded_workbook_export_is_refused_by_name(layout, suffix, tmp_path):
    folder = write_exports(tmp_path / "in", make_month(2), "钉钉", layout)
    export = next(folder.glob(f"客户部_*{suffix}"))
    export.write_bytes(export.read_bytes()[: export.stat().st_size // 2])
    inputs = validate_month(folder, MONTH, RULES)
    assert ("E-file-format", export.name) in {(f.code, f.file) for f in inputs.findings}
