"""What is in the input folder: each entry read by its bytes or set aside with its reason
(SPEC §10.5; issue 11 item 4, issue 12 items 9 and 11)."""
from __future__ import annotations

import io
import os
import pathlib
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from builders import tiny_month, write_month
from kehu.cli import cli
from kehu.load.files import display_name, scan_folder
from kehu.load.headers import normalise_header, stated_month
from kehu.month import Month
from kehu.rules import load_rules
from kehu.validate import validate_month

MONTH = Month(2026, 10)


def kinds(folder: Path) -> dict:
    scan = scan_folder(folder)
    return {f.name: f.kind for f in scan.files} | {a.name: (a.finding.code if a.finding else None) for a in scan.set_aside}


def _workbook_bytes(rows=(("工号", "姓名"), ("1001", "张伟"))) -> bytes:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    for r in rows:
        wb.active.append(list(r))
    wb.save(buf)
    return buf.getvalue()


def test_the_reader_follows_the_bytes_not_the_extension(tmp_path):
    (tmp_path / "a.xlsx").write_bytes(_workbook_bytes())
    (tmp_path / "b.csv").write_bytes(_workbook_bytes())                    # a workbook named .csv
    (tmp_path / "c.xlsx").write_text("工号,姓名\n1001,张伟\n", encoding="utf-8")   # CSV text named .xlsx
    (tmp_path / "d.txt").write_text("工号\t姓名\n", encoding="utf-16")
    (tmp_path / "e.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    (tmp_path / "f.docx").write_bytes(_zip({"word/document.xml": b"<w/>"}))
    (tmp_path / "g.zip").write_bytes(_zip({"a.xlsx": b"x"}))
    (tmp_path / "h.ods").write_bytes(_zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}))
    assert kinds(tmp_path) == {"a.xlsx": "xlsx", "b.csv": "xlsx", "c.xlsx": "csv", "d.txt": "csv", "e.xls": "xls",
                               "f.docx": "W-file-ignored", "g.zip": "E-file-archive", "h.ods": "ods"}
    notes = {f.file: f.code for f in scan_folder(tmp_path).findings}
    assert notes["b.csv"] == notes["c.xlsx"] == "W-file-extension"


def _zip(entries: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return buf.getvalue()


def test_kehus_own_outputs_are_set_aside_by_name_and_by_content(tmp_path):
    (tmp_path / "校验报告_2026-10.xlsx").write_bytes(_workbook_bytes())
    (tmp_path / "results.json").write_text("{}", encoding="utf-8")
    (tmp_path / "2026-10").mkdir()
    (tmp_path / "工资.csv").write_text("工号,姓名,绩效基数,KPI得分,扣款合计,应发绩效\n1001,张伟,1,2,3,4\n",
                                      encoding="utf-8-sig")
    renamed = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.properties.title = "kehu 校验报告 2026-10"
    wb.save(renamed)
    (tmp_path / "上月的报告.xlsx").write_bytes(renamed.getvalue())
    scan = scan_folder(tmp_path)
    assert scan.files == [] and scan.findings == []
    assert all("kehu" in a.reason for a in scan.set_aside)


def test_a_file_name_that_is_not_utf8_is_named_as_best_it_can_and_the_month_goes_on(tmp_path):
    """A zip made on a Chinese Windows, unpacked on Linux: the names are GBK bytes (issue 12 item 9)."""
    folder = write_month(tmp_path / "in", tiny_month())
    gbk = os.fsencode(folder) + b"/" + "出访登记（二）".encode("gbk") + b".xlsx"
    with open(gbk, "wb") as fh:
        fh.write((folder / "出访登记.xlsx").read_bytes())
    (folder / "出访登记.xlsx").unlink()
    inputs = validate_month(folder, MONTH, load_rules())
    assert "出访登记（二）.xlsx" in inputs.sources
    assert not [f for f in inputs.findings if f.severity == "error"]
    result = CliRunner().invoke(cli, ["run", str(folder), "--month", "2026-10", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert display_name(os.fsdecode(b"\xff\xfe.xlsx")).endswith(".xlsx")


def test_a_file_held_by_another_program_is_named_with_what_to_do(tmp_path, monkeypatch):
    """On Windows a workbook open in Excel cannot be read (issue 12 item 11): E-file-locked, exit 1."""
    folder = write_month(tmp_path / "in", tiny_month())
    real_open = pathlib.Path.open

    def locked(self, *args, **kwargs):
        if self.name == "违纪记录.xlsx":
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)
    monkeypatch.setattr(pathlib.Path, "open", locked)
    inputs = validate_month(folder, MONTH, load_rules())
    [f] = [f for f in inputs.findings if f.file == "违纪记录.xlsx"]
    assert f.code == "E-file-locked" and "请关闭" in f.message


def test_an_unreadable_input_folder_is_a_usage_error(tmp_path, monkeypatch):
    folder = write_month(tmp_path / "in", tiny_month())

    def refused(self):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(pathlib.Path, "iterdir", refused)
    result = CliRunner().invoke(cli, ["validate", str(folder), "--month", "2026-10", "--report", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 2 and "无法读取输入文件夹" in result.output


def test_a_lock_file_beside_its_workbook_warns_that_it_may_be_unsaved(tmp_path):
    folder = write_month(tmp_path / "in", tiny_month())
    (folder / "~$员工名册.xlsx").write_bytes(b"\x00")
    (folder / ".~lock.指标.xlsx#").write_text("x", encoding="utf-8")
    found = sorted((f.code, f.file) for f in scan_folder(folder).findings)
    assert found == [("W-file-open", "员工名册.xlsx"), ("W-file-open", "指标.xlsx")]


@pytest.mark.parametrize("written, read", [("绩效基数（元）", "绩效基数"), ("绩效基数(万元)", "绩效基数"), ("*工号", "工号"),
                                           ("工号(必填)", "工号"), ("客户 编号", "客户编号"), ("客户　编号", "客户编号"),
                                           ("【必填】姓名", "姓名"), ("＊工号：", "工号"), ("Employee_ID", "employee_id")])
def test_header_decorations_are_taken_off(written, read):
    assert normalise_header(written) == read


@pytest.mark.parametrize("text, month", [("2026年10月指标", "2026-10"), ("集团客户名册(2026年10月)", "2026-10"),
                                         ("指标 2026-09", "2026-09"), ("客户名册2026.9", "2026-09"),
                                         ("导出 2026-11-02", None), ("2026年8—10月测评", None),
                                         ("2026年9月与2026年10月", None), ("指标", None), ("编号 12026-10", None)])
def test_the_month_a_title_states(text, month):
    assert stated_month(text) == month


def test_a_one_to_many_sheet_counts_each_source_row_once():
    """A shape that makes several punches of one export row (issue 13 item 6): the manifest counts
    source rows — read = used + rejected + ignored + duplicate + empty still balances."""
    import pandas as pd
    from kehu.load.ledger import Ledger
    ledger = Ledger()
    ledger.sheet("钉钉.xlsx", "每日统计", "punches", read=5, empty=1, one_to_one=False)
    # source rows 2, 3, 4, 5: row 2 gives three punches, row 3 two, row 4 one, row 5 one
    frame = pd.DataFrame({"_file": "钉钉.xlsx", "_sheet": "每日统计", "_row": [2, 2, 2, 3, 3, 4, 5],
                          "employee_id": ["1", "1", "1", "2", "2", "3", "4"]})
    frame = ledger.drop(frame, pd.Series([False, True, False, True, True, False, False]), "rejected")  # 2 keeps two
    frame = ledger.drop(frame, frame["_row"].eq(4), "duplicate")
    frame = ledger.drop(frame, frame["_row"].eq(5), "ignored")
    [count] = ledger.counts({"punches": frame})
    assert (count.read, count.used, count.rejected, count.ignored, count.duplicate, count.empty) == (5, 1, 1, 1, 1, 1)
