"""``kehu init DIR``: one blank input workbook per dataset (SPEC §8).

Each workbook has the dataset's sheet with the Chinese headers, a dropdown on
every enum and 是/否 column, date/time formats, one example row (to be
overwritten), and a 填写说明 sheet explaining every column.

``--calendar YEAR`` (kehu.init_calendar) and ``--plan`` (kehu.init_plan) write only their
one workbook each instead: the year's 日历 for a month's input folder, the annual target
template for ``kehu plan`` — which belongs in no month's input folder.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from kehu.compute.statutory import YearOutOfRange
from kehu.examples import EXAMPLES
from kehu.init_calendar import CalendarYearKnown, write_year_calendar
from kehu.init_plan import write_plan_template
from kehu.load.values import EXPECTED
from kehu.rules import load_rules
from kehu.schema import DATASETS, Column, Dataset, column_choices

FORMATS = {"date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm", "money": "#,##0.00", "number": "#,##0.##",
           "int": "0", "score": "0.0"}


MAX_LIST = 255          # characters Excel allows in an inline list validation or its message
LIST_COLUMN = 26        # 填写说明's column AA onwards holds the long lists, one column per input column

# what ``kehu init`` refuses to do (exit 2): overwrite a file, compute a year it should not
REFUSED = (FileExistsError, CalendarYearKnown, YearOutOfRange)


def write_init_files(directory: Path, rules: dict, calendar_year: int | None = None,
                     plan_template: bool = False) -> list[Path]:
    """The blank input workbooks; or only the year's 日历 and/or the annual target template."""
    if calendar_year is None and not plan_template:
        return write_blank_inputs(directory, rules)
    paths = [write_year_calendar(directory, calendar_year)] if calendar_year is not None else []
    return paths + ([write_plan_template(directory, rules)] if plan_template else [])


def write_blank_inputs(directory: Path, rules: dict | None = None) -> list[Path]:
    rules = rules or load_rules()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for dataset in DATASETS:
        path = directory / f"{dataset.name}.xlsx"
        if path.exists():
            raise FileExistsError(f"{path} 已存在，未覆盖。请换一个空文件夹。")
        _write_dataset(path, dataset, rules)
        paths.append(path)
    return paths


def _choices(col: Column, rules: dict) -> list[str]:
    if col.choices_rule:
        return column_choices(col, rules)
    if col.type == "bool":
        return ["是", "否"]
    return list(col.choices)


def _write_dataset(path: Path, dataset: Dataset, rules: dict) -> None:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"title": dataset.name, "created": datetime(2026, 1, 1)})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    example = wb.add_format({"font_color": "#808080", "italic": True})
    ws = wb.add_worksheet(dataset.name)
    text = wb.add_format({"num_format": "@"})
    for j, col in enumerate(dataset.columns):
        fmt = wb.add_format({"num_format": FORMATS[col.type]}) if col.type in FORMATS else text
        ws.set_column(j, j, max(12, len(col.name) * 2 + 4), fmt)
        ws.write_string(0, j, col.name, head)
        value = EXAMPLES[dataset.key].get(col.alias)
        if isinstance(value, datetime):
            ws.write_datetime(1, j, value, wb.add_format({"num_format": FORMATS.get(col.type, "yyyy-mm-dd"),
                                                          "font_color": "#808080", "italic": True}))
        elif isinstance(value, (int, float)):
            ws.write_number(1, j, value, example)
        elif value is not None:
            ws.write_string(1, j, value, example)
        choices = _choices(col, rules)
        if choices:
            ws.data_validation(1, j, 1_048_575, j, _dropdown(col, choices, j))
    ws.freeze_panes(1, 0)
    _instructions(wb, dataset, rules, head)
    wb.close()


def _dropdown(col: Column, choices: list[str], j: int) -> dict:
    """The list validation of a column. Excel takes at most 255 characters inline; a longer list
    (a department's own indicator names, 违纪 kinds) is read from the 填写说明 sheet, where
    ``_instructions`` writes it — the loader skips that sheet."""
    message = f"请从下拉列表中选择:{'、'.join(choices)}"
    letter = xl_col_to_name(LIST_COLUMN + j)
    source = choices if len(",".join(choices)) <= MAX_LIST else f"='填写说明'!${letter}$1:${letter}${len(choices)}"
    return {"validate": "list", "source": source, "error_title": col.name,
            "error_message": message if len(message) <= MAX_LIST else f"请从下拉列表中选择{col.name}。"}


def _instructions(wb, dataset: Dataset, rules: dict, head) -> None:
    ws = wb.add_worksheet("填写说明")
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.write(0, 0, f"{dataset.name} 填写说明:第 2 行是示例,请直接覆盖;表头必须保留(可在表头上方加标题行)。", head)
    ws.write_row(2, 0, ["列名", "英文别名", "类型", "必填", "说明"], head)
    for i, col in enumerate(dataset.columns, start=3):
        choices = _choices(col, rules)
        note = "可选:" + "、".join(choices) if choices else EXPECTED.get(col.type, "")
        ws.write_row(i, 0, [col.name, col.alias, col.type, "是" if col.mandatory else "否", note], wrap)
    for j, col in enumerate(dataset.columns):        # long dropdown lists (_dropdown), out of sight
        choices = _choices(col, rules)
        if len(",".join(choices)) > MAX_LIST:
            ws.write_column(0, LIST_COLUMN + j, choices)
            ws.set_column(LIST_COLUMN + j, LIST_COLUMN + j, None, None, {"hidden": True})
    if dataset.alternatives:
        ws.write(len(dataset.columns) + 4, 0, "打卡时间可以填在一列「打卡时间」,也可以分成「日期」+「时间」两列。", wrap)
    ws.set_column(0, 1, 18)
    ws.set_column(2, 3, 10)
    ws.set_column(4, 4, 60)
