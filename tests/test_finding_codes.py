"""Every finding code is one definition (kehu/finding_codes.py) and findings are built from it."""
from __future__ import annotations

import re
import string
from dataclasses import asdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.finding_codes import CODES, ERROR, STAGES, WARNING
from kehu.findings import LOCATION, Finding, make, more

# a half-width , ; : ( ) beside a Chinese character or full-width mark: "完成:12 名员工," is wrong
HALF_WIDTH = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff01-\uff5e][,;:()]|[,;:()][\u3000-\u303f\u4e00-\u9fff]")


def half_width_punctuation(text: str) -> list[str]:
    return [m.group() for m in HALF_WIDTH.finditer(text)]


def fields_of(code) -> set[str]:
    text = code.template + code.hint
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def example_fields(code) -> dict:
    """A value for every field of the code's template: numbers where a format spec needs one."""
    specs = {name: spec for _, name, spec, _ in string.Formatter().parse(code.template + code.hint) if name}
    return {name: (1234 if spec else "甲") for name, spec in specs.items()}


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_code_is_a_complete_definition(code):
    c = CODES[code]
    assert c.severity == (ERROR if code.startswith("E-") else WARNING)
    assert c.title and c.template and c.stage in STAGES
    assert re.search(r"[\u4e00-\u9fff]", c.title + c.template)
    assert c.rows in ("—", "rejected", "used", "ignored", "duplicate", "ignored / used")


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_message_renders_in_chinese_with_full_width_punctuation(code):
    fields = example_fields(CODES[code])
    where = {k: fields.pop(k) for k in list(fields) if k in LOCATION}
    f = make(code, **{**{"dataset": "staff"}, **where, **{k: v for k, v in fields.items()}})
    assert f.code == code and f.severity == CODES[code].severity
    assert half_width_punctuation(f.message) == [], f.message
    assert f.message.endswith(("。", "？", "）")), f.message


def test_make_fills_the_location_and_the_template():
    f = make("E-range", file="员工名册.xlsx", sheet="员工", row=7, column="绩效基数", letter="F", value="1e27",
             dataset="staff", employee_id="1001", rejected=True, limit=1_000_000, found="「1e27」")
    assert f == Finding("error", "E-range", f.message, "员工名册.xlsx", "员工", 7, "绩效基数", "F", "1e27", "staff",
                        "1001", True)
    assert f.message == ("员工名册第 7 行「绩效基数」超出合理范围（绝对值应不超过 1,000,000），实际为「1e27」。"
                         "请核对是否多输了位数或导出出错，改正后重新运行。")
    assert f.cell == "F7"


def test_a_hint_can_be_replaced_for_one_case():
    f = make("E-file-format", file="a.xlsx", problem="读取时文件已不存在。", hint="请放回后重新运行。")
    assert f.message == "读取时文件已不存在。请放回后重新运行。" and f.file == "a.xlsx" and not f.rejected


def test_an_unknown_code_or_a_missing_field_fails_loudly():
    with pytest.raises(KeyError):
        make("E-no-such-code")
    with pytest.raises(KeyError):
        make("E-range", row=3, column="x")          # no limit, no found


def test_more_says_how_many_further_rows():
    f = more("E-date", 12_345, file="a.xlsx", sheet="s", column="日期", letter="B", dataset="visits")
    assert f.code == "E-date" and f.severity == ERROR and f.row is None
    assert "另有 12,345 行同样的问题" in f.message and CODES["E-date"].title in f.message


def test_the_check_itself_catches_half_width_punctuation():
    assert half_width_punctuation("完成:12 名员工,结果在 x") == ["成:", "工,"]
    assert half_width_punctuation("时间（如 09:20）和 a,b") == []


@settings(max_examples=80, deadline=None)
@given(st.builds(Finding, severity=st.sampled_from(["error", "warning"]), code=st.sampled_from(sorted(CODES)),
                 message=st.text(max_size=20), file=st.text(max_size=8), sheet=st.text(max_size=8),
                 row=st.none() | st.integers(1, 10**6), column=st.text(max_size=5), letter=st.sampled_from(["", "A", "AB"]),
                 value=st.text(max_size=8), dataset=st.text(max_size=8), employee_id=st.text(max_size=6),
                 rejected=st.booleans()))
def test_a_findings_dict_is_asdicts_with_its_cell(finding):
    """``Finding.to_dict`` takes the fields as they are: the same dict as ``dataclasses.asdict``'s copy."""
    assert finding.to_dict() == asdict(finding) | {"cell": finding.cell}
    assert list(finding.to_dict()) == list(asdict(finding)) + ["cell"]
