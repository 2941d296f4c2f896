"""Every output path is unique per person (issue 12 item 3), on case-insensitive file systems
too, and decided the same way whatever the order; report sheet names are valid and unique
(item 10)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import openpyxl
import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from builders import tiny_month, write_month
from kehu.cli import cli
from kehu.render import safe
from kehu.render.letter_selection import Letter
from kehu.render.letters import name_files
from kehu.render.safe import safe_filename, unique_names

# ids that differ only in what a file name cannot hold, or in case; a Windows device name
TWINS = ["10.05", "10_05", "A/1", "A:1", "A_1", "A100", "a100", "CON", "con"]


# ---------------------------------------------------------------- the naming rule

def test_twins_get_distinct_names_and_an_id_that_is_its_own_name_keeps_it():
    names = dict(zip(TWINS, unique_names([(i, safe_filename(i)) for i in TWINS])))
    assert names == {"10.05": "10.05", "10_05": "10_05", "A/1": "A_1_2", "A:1": "A_1_3", "A_1": "A_1",
                     "A100": "A100", "a100": "a100_2", "CON": "_CON", "con": "_con_2"}


@given(st.permutations(TWINS))
def test_names_do_not_depend_on_the_order_the_ids_come_in(order):
    names = dict(zip(order, unique_names([(i, safe_filename(i)) for i in order])))
    assert names == dict(zip(TWINS, unique_names([(i, safe_filename(i)) for i in TWINS])))
    assert len({n.casefold() for n in names.values()}) == len(TWINS)


def test_reserved_names_are_never_given():
    assert unique_names([("index.html", "index.html"), ("x", "INDEX.HTML")], reserved=("index.html",)) == \
        ["index.html_2", "INDEX.HTML_3"]


@given(st.text(alphabet=st.sampled_from(list("aA_-.1 李¹CONPRULTX\u0301\u200b")) | st.characters(), max_size=10))
def test_the_plain_name_shortcut_gives_what_the_rules_give(text):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(safe, "_plain", lambda name, max_length: False)
        by_the_rules = safe_filename(text)
    assert safe_filename(text) == by_the_rules


def test_letter_folders_and_files_are_named_once_for_the_whole_month():
    groups = {i: [Letter("callback", i, "回访函_K/1", "t"), Letter("callback", i, "回访函_K:1", "t"),
                  Letter("callback", i, "回访函_k_1", "t"), Letter("certificate", i, "奖状", "t")]
              for i in ["", "未分配", "index.html", *TWINS]}
    folders = name_files(groups)
    assert len({f.casefold() for f in folders.values()}) == len(groups)
    assert folders[""] == "未分配_2" and folders["未分配"] == "未分配" and folders["index.html"] == "index.html_2"
    assert [letter.file for letter in groups["A/1"]] == ["回访函_K_1_2", "回访函_K_1_3", "回访函_k_1", "奖状"]


# ---------------------------------------------------------------- through kehu run

def _clone(month: dict, source: str, employee_id: str, customer_id: str, name: str) -> None:
    """Every row of ``source`` (1001 张伟) once more for another person with a customer of his own."""
    swap = {source: employee_id, "000101": customer_id, "张伟": name}
    for sheets in month.values():
        for rows in sheets.values():
            rows += [[swap.get(v, v) if isinstance(v, str) else v for v in row]
                     for row in rows[1:] if source in row]


@pytest.fixture(scope="module")
def twins_month(tmp_path_factory):
    month = tiny_month()
    for k, employee_id in enumerate(TWINS):
        _clone(month, "1001", employee_id, f"C-{k}", f"张伟{k}")
    folder = write_month(tmp_path_factory.mktemp("twins") / "in", month)
    out = folder.parent / "out"
    run = CliRunner().invoke(cli, ["run", str(folder), "--month", "2026-10", "--out", str(out)])
    assert run.exit_code == 0, run.output
    return out / "2026-10"


def _index_sections(done: Path) -> dict[str, list[str]]:
    """{manager id shown: [the links of his section]} from letters/index.html."""
    html = (done / "letters" / "index.html").read_text(encoding="utf-8")
    sections = re.findall(r'<section class="manager">(.*?)</section>', html, re.S)
    found = {}
    for section in sections:
        shown = re.search(r"（([^（）]*)）", section).group(1)
        found[shown.replace("&#39;", "'").replace("&amp;", "&")] = \
            [unquote(h) for h in re.findall(r'href="([^"]+)"', section)]
    return found


def test_every_person_gets_a_letters_folder_of_his_own(twins_month):
    sections = _index_sections(twins_month)
    assert set(TWINS) <= set(sections)
    folders = {i: {link.split("/")[0] for link in links} for i, links in sections.items()}
    assert all(len(f) == 1 for f in folders.values())                       # one folder per person
    names = [next(iter(f)) for f in folders.values()]
    assert len({n.casefold() for n in names}) == len(names)                   # also on Windows / macOS
    for k, employee_id in enumerate(TWINS):
        callback = next(link for link in sections[employee_id] if "回访函" in link)
        assert f"HF-2026-10-C-{k}" in (twins_month / "letters" / callback).read_text(encoding="utf-8")


def test_index_links_are_distinct_and_each_exists(twins_month):
    links = [link for links in _index_sections(twins_month).values() for link in links]
    assert len({link.casefold() for link in links}) == len(links)
    assert all((twins_month / "letters" / link).is_file() for link in links)


def test_manifest_lists_each_file_once_and_every_file_on_disk(twins_month):
    outputs = json.loads((twins_month / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    assert len({o.casefold() for o in outputs}) == len(outputs)
    on_disk = sorted(p.relative_to(twins_month).as_posix() for p in twins_month.rglob("*") if p.is_file())
    assert outputs == on_disk
    workbooks = [o for o in outputs if o.startswith("managers/")]
    assert len(workbooks) == len(TWINS) + 3


def test_each_workbook_is_its_own_persons(twins_month):
    for k, employee_id in enumerate(TWINS):
        books = [p for p in (twins_month / "managers").iterdir() if p.stem.endswith(f"张伟{k}")]
        assert len(books) == 1
        summary = openpyxl.load_workbook(books[0], read_only=True).worksheets[0]
        assert employee_id in {c for row in summary.iter_rows(values_only=True) for c in row}


def test_batches_cut_anywhere_name_the_same_folders(tmp_path):
    from kehu.render.letters import MonthLetters
    from letters_factory import customer, event, make_result, staff_frame
    staff = staff_frame([(i, f"经理{k}", "客户经理", "一室", None) for k, i in enumerate(TWINS)])
    customers = [customer(f"K{k}", f"客户{k}", i) for k, i in enumerate(TWINS)]
    events = [event(f"K{k}", f"客户{k}", i, "2026-10-08", "missing") for k, i in enumerate(TWINS)]
    letters = MonthLetters(make_result(customers=customers, events=events, staff=staff), tmp_path)

    def folders(count):
        return {manager["id"]: manager["folder"] for batch in letters.batches(count) for manager, _ in batch.groups}
    assert folders(1) == folders(4) == folders(len(TWINS))
    assert len({f.casefold() for f in folders(4).values()}) == len(TWINS)


# ---------------------------------------------------------------- report sheet names (item 10)

LONG = "考勤" * 15 + "'补"                      # its 31-character cut ends in '


def _sheet_names(*pairs) -> list[str]:
    from kehu.load.reader import RawSheet
    from kehu.render.report_copies import _sheet_name
    used = {"概要", "问题清单", "读取情况", "history"}
    return [_sheet_name(RawSheet(file, sheet, []), used) for file, sheet in pairs]


def _valid_sheet_name(name: str) -> bool:
    return (0 < len(name.encode("utf-16-le")) // 2 <= 31 and not re.search(r"[\[\]:*?/\\]", name)
            and not name.startswith("'") and not name.endswith("'") and name.casefold() != "history")


def test_report_sheet_names_are_valid_and_unique_case_insensitively():
    names = _sheet_names(("'引号'.xlsx", "'"), (f"{LONG}.xlsx", "违纪"), ("v.xlsx", "数据"), ("V.xlsx", "数据"),
                         ("a[1]:*?.xlsx", "S/h\\eet"), ("x.xlsx", "😀" * 20), ("'.csv", "'"),
                         ("'.csv", "'"), ("Histor.xlsx", "y"))
    assert names == ["引号'-", "考勤" * 15, "v-数据", "V-数据(2)", "a_1____-S_h_eet", "x-" + "😀" * 14, "-", "-(2)",
                     "Histor-y"]
    assert all(_valid_sheet_name(n) for n in names)
    assert len({n.casefold() for n in names}) == len(names)


def test_hostile_input_file_names_reach_the_report_not_exit_3(tmp_path):
    from builders import CALLBACKS, LEAVE, TESTS, VIOLATIONS
    month = tiny_month()
    for name in ("请假外出.xlsx", "违纪记录.xlsx", "学习测评.xlsx", "回访记录.xlsx"):
        del month[name]
    month["'引号.xlsx"] = {"测评": [TESTS[0], ["1001", "2026-10", "九十"], TESTS[2]]}
    month[f"{LONG}.xlsx"] = {"违纪": [VIOLATIONS[0], ["1001", "不是日期", "迟到", None], VIOLATIONS[1]]}
    month["v.xlsx"] = {"数据": [LEAVE[0], ["1001", "年假", "不是日期", "2026-10-14"], LEAVE[1]]}
    month["V.xlsx"] = {"数据": [*CALLBACKS, ["不是日期", "000101", "1003", "电话", "满意", None]]}
    folder = write_month(tmp_path / "in", month)
    report = tmp_path / "报告.xlsx"
    run = CliRunner().invoke(cli, ["validate", str(folder), "--month", "2026-10", "--report", str(report)])
    assert run.exit_code == 1, run.output
    book = openpyxl.load_workbook(report)
    assert book.sheetnames == ["概要", "问题清单", "读取情况", "引号-测评", "V-数据", "v-数据(2)", "考勤" * 15]
    listed = [row[2] for row in book["问题清单"].iter_rows(min_row=3, values_only=True)]
    assert set(listed) == {"'引号.xlsx", f"{LONG}.xlsx", "v.xlsx", "V.xlsx"}
