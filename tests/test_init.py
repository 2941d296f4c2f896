"""kehu init: blank input workbooks the clerk fills in (dropdowns, formats, 填写说明, one example row)."""

import openpyxl
from click.testing import CliRunner

from kehu.cli import cli
from kehu.month import Month

from builders import sender_rules  # noqa: E402
from kehu.schema import DATASETS
from kehu.validate import validate_month


def test_init_writes_one_workbook_per_dataset_that_kehu_recognises(tmp_path):
    folder = tmp_path / "2026年11月 输入"
    result = CliRunner().invoke(cli, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{d.name}.xlsx" for d in DATASETS)
    wb = openpyxl.load_workbook(folder / "客户名册.xlsx")
    assert wb.sheetnames == ["客户名册", "填写说明"]
    ws = wb["客户名册"]
    assert [c.value for c in ws[1]][:4] == ["客户编号", "客户名称", "客户级别", "客户经理工号"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists["C2"] == '"A1,A2,B1,B2,C,D"'          # 客户级别 dropdown
    assert lists["I2"] == '"是,否"'                     # 协议客户
    # every example row is read without a cell error, and each is known again as the example it is
    # (W-example-row: fake data such as 张伟 1001 must not go unnoticed into a month);
    # only the (deliberately short) 指标 example is incomplete
    inputs = validate_month(folder, Month(2026, 10), sender_rules())
    assert {f.code for f in inputs.findings} == {"E-target-missing", "W-example-row"}
    assert sorted(f.sheet for f in inputs.findings if f.code == "W-example-row") == sorted(d.name for d in DATASETS)
    assert all(len(inputs.frames[d.key]) == 1 for d in DATASETS)


def test_init_never_overwrites(tmp_path):
    CliRunner().invoke(cli, ["init", str(tmp_path)])
    before = (tmp_path / "员工名册.xlsx").read_bytes()
    result = CliRunner().invoke(cli, ["init", str(tmp_path)])
    assert result.exit_code == 2 and "已存在" in result.output
    assert (tmp_path / "员工名册.xlsx").read_bytes() == before
