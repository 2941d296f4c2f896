"""A tiny, valid October-2026 month written as real workbooks, for validation tests.

Tests take ``tiny_month()`` (a dict: file name → {sheet: rows}), plant one
mistake in a cell, write it with ``write_month`` and check the finding.
"""
from __future__ import annotations

import copy
import csv
from pathlib import Path

import openpyxl

STAFF = [["工号", "姓名", "岗位", "所属室", "绩效基数", "入职日期", "离职日期", "邮箱", "电话"],
         ["1001", "张伟", "客户经理", "重要一室", 5000, "2020-01-01", None, "zw@example.cn", "13800000001"],
         ["1002", "李娜", "客户经理", "重要一室", 5000, "2021/3/1", None, None, "13800000002"],
         ["1003", "王强", "重要室经理", "重要一室", 8000, "2019年5月6日", None, None, "13800000003"]]
CUSTOMERS = [["客户编号", "客户名称", "客户级别", "客户经理工号", "关键人", "关键人电话", "关键人生日", "地址",
              "协议客户", "月初成员数", "月末成员数", "本月收入", "本月信息化收入", "年用量", "状态", "离网日期"],
             ["000101", "日喀则市第一中学", "A1", "1001", "次仁", "13900000001", "1980-11-05", "日喀则",
              "是", 100, 105, 50000, 10000, 600000, "在网", None],
             ["000102", "西藏雪域建设有限公司", "B1", "1002", "卓玛", "13900000002", None, None,
              "否", 40, 38, 8000, 1000, 60000, "在网", None],
             ["000103", "日喀则酒店", "C", "1003", None, None, None, None, "否", 10, 10, 500, 0, None, "离网", "2026-10-15"]]
VISITS = [["日期", "客户经理工号", "客户编号", "方式", "服务项目", "解决问题", "客户签名", "需回访"],
          ["2026-10-09", "1001", "000101", "上门", "宽带故障", "是", "是", None],
          ["2026-10-20", "1001", "000101", "上门", "业务推荐", "否", "否", None],
          ["2026-10-12", "1002", "000102", "上门", "集团彩铃", "否", "否", None]]
PUNCHES = [["工号", "打卡时间"]] + [[e, f"2026-10-{d:02d} {t}"] for e in ("1001", "1002", "1003")
                                      for d in (9, 12) for t in ("09:45", "12:59", "15:10", "18:31")]
LEAVE = [["工号", "类型", "开始时间", "结束时间"], ["1002", "年假", "2026-10-13", "2026-10-13"]]
VIOLATIONS = [["工号", "日期", "类型", "说明"], ["1001", "2026-10-09", "未穿工作服", None]]
TARGETS = [["工号", "指标", "基本目标", "目标值", "挑战目标", "完成值"]] + \
    [[e, i, 100, 200, 300, 150 if i in ("行业产品", "企信通", "其他集团指标") else None]
     for e in ("1001", "1002") for i in ("集团收入", "信息化收入", "成员净增", "行业产品")] + \
    [["1003", i, 100, 200, 300, 150 if i in ("行业产品", "企信通", "其他集团指标") else None]
     for i in ("集团收入", "信息化收入", "成员净增", "行业产品", "企信通", "其他集团指标")]
TESTS = [["工号", "月份", "成绩"], ["1001", "2026-10", 90], ["1002", "2026年10月", 70]]
CALLBACKS = [["日期", "客户编号", "回访人", "方式", "结果", "意见"],
             ["2026-10-10", "000101", "1003", "电话", "满意", None],
             ["2026-10-15", "000102", "1003", "电话", "一般", None]]


def tiny_month() -> dict:
    return copy.deepcopy({
        "员工名册.xlsx": {"员工": STAFF}, "客户名册.xlsx": {"客户": CUSTOMERS},
        "出访登记.xlsx": {"出访": VISITS}, "打卡记录.xlsx": {"打卡": PUNCHES},
        "请假外出.xlsx": {"请假": LEAVE}, "违纪记录.xlsx": {"违纪": VIOLATIONS},
        "指标.xlsx": {"指标": TARGETS}, "学习测评.xlsx": {"测评": TESTS}, "回访记录.xlsx": {"回访": CALLBACKS},
    })


def write_month(folder: Path, month: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, sheets in month.items():
        if name.endswith(".csv"):
            rows = next(iter(sheets.values()))
            with open(folder / name, "w", newline="", encoding=sheets.get("_encoding", "utf-8-sig")
                      if isinstance(sheets, dict) and "_encoding" in sheets else "utf-8-sig") as fh:
                csv.writer(fh).writerows(rows)
            continue
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for sheet, rows in sheets.items():
            ws = wb.create_sheet(sheet)
            for row in rows:
                ws.append(row)
        wb.save(folder / name)
    return folder


# The letters' sender, filled in (rules [organisation]): with the default rules' blank profile, a
# month with letters to customers warns W-letter-sender (issue 14 item 11). Tests about other
# findings take these rules so that a clean month stays clean.
SENDER = {"company": "西藏某某通信有限公司日喀则分公司", "department": "集团客户部",
          "address": "日喀则市桑珠孜区上海中路 8 号", "service_phone": "0892-8800000"}


def with_sender(rules: dict) -> dict:
    """``rules`` with the organisation profile filled in."""
    return {**rules, "organisation": {**rules["organisation"], **SENDER}}


def sender_rules() -> dict:
    from kehu.rules import load_rules
    return with_sender(load_rules())


def sender_rules_file(folder: Path) -> Path:
    """A rules file holding only the filled profile, for the command line (--rules)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "单位信息.toml"
    path.write_text("[organisation]\n" + "".join(f'{k} = "{v}"\n' for k, v in SENDER.items()), encoding="utf-8")
    return path
