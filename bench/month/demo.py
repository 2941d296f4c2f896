"""The demo month (--demo → sample_inputs/): 2026-10, 重要一室 + 重要二室, 12 staff,
150 customers. October 2026 workdays (chinese-calendar): 8 9 10(Sat, makeup)
12-16 19-23 26-30 = 18 workdays; Oct 1-7 National Day, Oct 11 (Sun) is a
rest day. Winter schedule: AM 09:50-13:00, PM 15:20-18:30 (split 14:10,
session midpoints AM 11:25, PM 16:55).

Staff (工号 岗位 绩效基数):
  重要一室: 1001 张建国 重要室经理 8000 | 1002 李明 4500 | 1003 王芳 4000 |
            1004 刘洋 4200 | 1005 陈静 4300 (客户经理) | 1006 次仁多吉 行业客户经理 5000
  重要二室: 2001 赵卫东 重要室经理 8000 | 2002 普布卓玛 4000 | 2003 孙磊 3800 |
            2004 周婷 4100 | 2005 吴强 4400 (客户经理) | 2006 索朗旺堆 行业客户经理 5000

Attendance / leave / violations (everything else: 4 clean punches per workday):
  1002  late  5 min 10-09 AM (in 09:55)                     → 50
        late 31 min 10-14 PM (in 15:51)                     → 100   attendance 150
  1003  late 75 min 10-13 AM (in 11:05)                     → 200
        early 40 min 10-20 PM (out 17:50)                   → 100   attendance 300
        违纪 未穿工作服 10-09                               → 50
        learning worst in 重要一室 Aug+Sep+Oct, streak 3    → 10% × 4000 = 400.00
        deductions_total 750.00
  1004  旷工 AM session 10-15 (no AM punches, PM normal)   → 100 (session AM)
        外出走访 10-20 15:00-18:40 (PM excused, no PM punches), 出访登记 上门 10-20
        punches on Sun 10-11 (rest day, ignored)                     attendance 100
  1005  缺卡 10-16 PM out, fixed by 补卡 2026-10-16 18:36  → no event
        外出走访 10-27 14:30-16:30 → PM starts 16:30, in-punch 16:27 → no event;
        出访登记 上门 10-27; learning best Aug+Sep+Oct → 奖状 (certificate)
  1006  年假 10-26 09:00 … 10-27 18:30 (4 sessions excused, not counted)
        two punches 09:41:05 + 09:41:40 on 10-09 (same minute, collapse)
        上门 visit with 需回访=否 (no service event)
  1001  punches on 10-05 (holiday duty, ignored); one 上门 visit to a customer
        of 1004 on 10-16 → W-visit-foreign
  2001  nothing planted (clean)
  2002  4 counted leaves: 事假 10-12 AM, 病假 10-19 (date-only row, whole day),
        事假 10-23 PM, 病假 10-28 AM                        → leave_limit 100
        违纪 未穿工作服 10-15                               → 50    deductions 150
  2003  旷工 whole day 10-22 (no punches)                   → 100 (session DAY)
        外出走访 10-14 09:30-13:10 (AM excused), 出访登记 上门 10-14
  2004  缺卡 10-21 AM out missing, not fixed               → missing_punch 0.00
        学习测评 10月 缺考 (blank) → ranked 0 → worst of 重要二室 in Oct
        (streak 1: Aug worst 2005, Sep worst 2003) → no deduction
  2005  出差 10-19 08:00 … 10-21 20:00 (3 days excused)
        违纪 私自外出 10-23                                 → 200 + 通报 (notice)
  2006  病假 10-13 AM (1 counted leave), 调休 10-30 (whole day, not counted)
        best of 重要二室 Sep + Oct only (streak 2, no certificate)
        one 上门 visit 解决问题=是 without 客户签名 → W-visit-unsigned

Learning (学习测评, 月份 in mixed forms "2026-08" / "2026年9月" / "2026-10"):
  重要一室  Aug 1002 85 1003 58 1004 77 1005 96 1006 81
            Sep 1002 88 1003 62 1004 80 1005 95 1006 79
            Oct 1002 83 1003 55 1004 74 1005 97.5 1006 86
  重要二室  Aug 2002 78 2003 84 2004 90 2005 70 2006 88
            Sep 2002 81 2003 69 2004 86 2005 77 2006 92
            Oct 2002 79 2003 82 2004 缺考 2005 75 2006 91
  重要室经理 have no 学习测评 rows.

Customers (客户编号 000101 … 000250, text with leading zeros; sorted by manager):
  class mix A1 8, A2 12, B1 25, B2 30, C 40, D 35; ~40% 协议客户. Oct is due
  month for A1 A2 B1 B2 (cycle 1) and C (cycle 2, window Sep–Oct); D is not due.
  000140 (1004, D) 离网 2026-10-12 | 000207 (2003, D) 离网 2026-10-20 |
  000231 (2005, D) 离网 2026-10-29 | 000174 (1006, D) 离网 2026-09-18 (before the
  month: not due, not in the churn base)
  000104 (1002) A1 with 年用量 380000 → W-class-mismatch (band A2)
  000213 (2004) B2 with 年用量 86000  → W-class-mismatch (band B1)
  key persons with birthdays in November (生日问候): 000105 000108 000113 000128
  000144 000147 000150 000182 000205 000220 000246 (no 元旦/春节/端午/中秋 in Nov)

Visits (non-compliant due customers; every other due customer is compliant):
  000132 (1004, A1) and 000195 (2003, A1): 1 上门 + 1 电话 in Oct
  000105 (1002, B1), 000225 (2005, B2), 000183 (2002, B1): only a 电话 in Oct
  000127 (1003, C): last 上门 in Aug (outside the Sep–Oct window)
  000246 (2006, C): no visit at all
  → due/compliant by roster manager: 1001 3/3, 1002 12/13, 1003 11/12, 1004 7/8,
    1005 8/8, 1006 13/13, 2001 2/2, 2002 11/12, 2003 11/12, 2004 12/12,
    2005 7/8, 2006 11/12
  000135 (customer of 1004) 上门 by 1001 on 10-16, 需回访=否 → W-visit-foreign
  000249 (2006) 上门 10-15 解决问题=是, 客户签名=否 → W-visit-unsigned
  000164 (1006) 上门 10-22 需回访=否 → no service event
  外出走访 visits: 000133 (1004, 10-20), 000149 (1005, 10-27), 000196 (2003, 10-14)

Callbacks (as-of 2026-11-02, the latest 回访记录 date; November rows are text
dates "2026/11/2"):
  000106 (1002) 上门 Sat 10-31, no callback          → pending (deadline 11-03)
  000211 (2004) 上门 10-30, callback 11-02           → on time (= deadline)
  000150 (1005) 上门 10-30, callback 11-01 (短信)    → on time
  000163 (1006) 上门 10-29, callback 11-02           → late (deadline 11-01)
  000226 (2005) 上门 10-13, 未接通 10-14, 满意 10-15 → on time, 1 failed attempt
  000134 (1004) 上门 10-12, only 未接通 10-13        → missing (回访函)
  000107 (1002) 上门 10-16, 不满意 10-19; 000197 (2003) 上门 10-23, 不满意 10-26
  000121 (1003) 协议客户 上门 10-09, callback 10-15  → late  (member late)
  000184 (2002) 协议客户 上门 10-13, no callback     → missing (member missing)
  → service events by visit manager (on_time/late/missing/pending), by the
    generator author's own reading of §2.7: 1001 3/1/0/0, 1002 9/1/0/1,
    1003 9/2/1/0, 1004 6/0/1/0, 1005 10/0/0/0, 1006 8/1/2/0, 2001 2/0/0/0,
    2002 7/3/1/0, 2003 9/0/0/0, 2004 10/1/0/0, 2005 8/0/0/0, 2006 11/0/1/0

Expected deductions_total: 1002 150.00, 1003 750.00, 1004 100.00, 2002 150.00,
2003 100.00, 2005 200.00, everyone else 0.00.

Messiness of sample_inputs/: title rows (客户名册, 打卡记录/重要一室, 学习测评);
出访登记 in two workbooks (重要一室: text dates 2026/10/8, text times 9:30,
numeric 工号, 是/否; 重要二室: Excel dates/times, text 工号, √/×); 员工名册 工号
as Excel numbers, text elsewhere; 客户编号 text with leading zeros; 离网日期 and
违纪 日期 as 2026年10月9日; 打卡记录.xlsx has sheet 重要一室 (打卡时间 datetime)
and sheet 重要二室 (日期 + 时间 "09:41:23"); 请假外出.csv in GBK with text
datetimes, one date-only row and a 补卡 without 结束时间; 指标 with English alias
headers; 学习测评 月份 as 2026-08 / 2026年9月 / 2026-10; extra columns (姓名,
客户名称, 打卡设备, 事由).
"""
from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd

from . import demo_visits
from .base import CLASS_MEMBERS, CLASS_SPEND, CUSTOMER_CLASSES, MonthSpec, workdays
from .names import BRANDS, GIVEN, INSTITUTIONS, PLACES, ROADS, SURNAMES, TIBETAN, TRADES

DEMO_STAFF = [
    # 工号, 姓名, 岗位, 所属室, 绩效基数, 入职日期, 电话, 邮箱前缀
    ("1001", "张建国", "重要室经理", "重要一室", 8000, "2009-07-01", "13908920101", "zhangjianguo"),
    ("1002", "李明", "客户经理", "重要一室", 4500, "2015-03-16", "13908920102", "liming"),
    ("1003", "王芳", "客户经理", "重要一室", 4000, "2019-08-05", "13989020103", "wangfang"),
    ("1004", "刘洋", "客户经理", "重要一室", 4200, "2017-04-10", "15889020104", "liuyang"),
    ("1005", "陈静", "客户经理", "重要一室", 4300, "2016-09-01", "18289020105", "chenjing"),
    ("1006", "次仁多吉", "行业客户经理", "重要一室", 5000, "2012-07-20", "13908920106", "cirenduoji"),
    ("2001", "赵卫东", "重要室经理", "重要二室", 8000, "2008-03-01", "13908920201", "zhaoweidong"),
    ("2002", "普布卓玛", "客户经理", "重要二室", 4000, "2020-07-13", "18708920202", "pubuzhuoma"),
    ("2003", "孙磊", "客户经理", "重要二室", 3800, "2021-03-22", "15208920203", "sunlei"),
    ("2004", "周婷", "客户经理", "重要二室", 4100, "2018-10-08", "13518920204", "zhouting"),
    ("2005", "吴强", "客户经理", "重要二室", 4400, "2014-05-19", "13989020205", "wuqiang"),
    ("2006", "索朗旺堆", "行业客户经理", "重要二室", 5000, "2011-11-01", "13908920206", "suolangwangdui"),
]
DEMO_SCORES = {  # 学习测评 (None = 缺考)
    "2026-08": {"1002": 85, "1003": 58, "1004": 77, "1005": 96, "1006": 81,
                "2002": 78, "2003": 84, "2004": 90, "2005": 70, "2006": 88},
    "2026-09": {"1002": 88, "1003": 62, "1004": 80, "1005": 95, "1006": 79,
                "2002": 81, "2003": 69, "2004": 86, "2005": 77, "2006": 92},
    "2026-10": {"1002": 83, "1003": 55, "1004": 74, "1005": 97.5, "1006": 86,
                "2002": 79, "2003": 82, "2004": None, "2005": 75, "2006": 91},
}
# leave rows: (工号, 类型, 开始, 结束 or None, 事由, sessions to clear as [(date, "AM"/"PM")])
DEMO_LEAVE = [
    ("2002", "事假", "2026-10-12 09:50", "2026-10-12 13:00", "家中有事", [("2026-10-12", "AM")]),
    ("2002", "病假", "2026-10-19", "2026-10-19", "感冒发烧", [("2026-10-19", "AM"), ("2026-10-19", "PM")]),
    ("2002", "事假", "2026-10-23 15:20", "2026-10-23 18:30", "接孩子", [("2026-10-23", "PM")]),
    ("2002", "病假", "2026-10-28 09:50", "2026-10-28 13:00", "医院复查", [("2026-10-28", "AM")]),
    ("2006", "病假", "2026-10-13 09:50", "2026-10-13 13:00", "牙科就诊", [("2026-10-13", "AM")]),
    ("2006", "调休", "2026-10-30 09:00", "2026-10-30 18:30", "国庆值班调休", [("2026-10-30", "AM"), ("2026-10-30", "PM")]),
    ("1006", "年假", "2026-10-26 09:00", "2026-10-27 18:30", "年休假",
     [("2026-10-26", "AM"), ("2026-10-26", "PM"), ("2026-10-27", "AM"), ("2026-10-27", "PM")]),
    ("2005", "出差", "2026-10-19 08:00", "2026-10-21 20:00", "赴拉萨参加5G行业应用培训",
     [(f"2026-10-{d}", s) for d in (19, 20, 21) for s in ("AM", "PM")]),
    ("1004", "外出走访", "2026-10-20 15:00", "2026-10-20 18:40", "走访客户", [("2026-10-20", "PM")]),
    ("1005", "外出走访", "2026-10-27 14:30", "2026-10-27 16:30", "走访客户", []),
    ("2003", "外出走访", "2026-10-14 09:30", "2026-10-14 13:10", "走访客户", [("2026-10-14", "AM")]),
    ("1005", "补卡", "2026-10-16 18:36", None, "下班忘记打卡", []),
]
# punch overrides: (工号, date) → list of "HH:MM:SS" (replaces the whole day)
DEMO_PUNCH_DAYS = {
    ("1002", "2026-10-09"): ["09:55:12", "13:03:40", "15:10:22", "18:33:05"],   # late 5 AM
    ("1002", "2026-10-14"): ["09:41:31", "13:01:02", "15:51:40", "18:36:51"],   # late 31 PM
    ("1003", "2026-10-13"): ["11:05:03", "13:02:44", "15:12:09", "18:31:17"],   # late 75 AM
    ("1003", "2026-10-20"): ["09:38:26", "13:00:58", "15:14:33", "17:50:10"],   # early 40 PM
    ("1004", "2026-10-15"): ["15:08:47", "18:34:29"],                           # AM absent
    ("1004", "2026-10-20"): ["09:44:02", "13:05:10"],                           # PM 外出走访
    ("1004", "2026-10-11"): ["10:02:15", "16:30:40"],                           # Sunday, ignored
    ("1005", "2026-10-16"): ["09:36:20", "13:04:11", "15:09:55"],               # PM out → 补卡
    ("1005", "2026-10-27"): ["09:42:38", "13:01:16", "16:27:03", "18:40:12"],   # PM after 走访
    ("1006", "2026-10-09"): ["09:41:05", "09:41:40", "13:02:19", "15:11:48", "18:32:36"],  # same minute
    ("1001", "2026-10-05"): ["09:58:00", "17:30:12"],                           # holiday duty, ignored
    ("2003", "2026-10-22"): [],                                                 # whole-day 旷工
    ("2004", "2026-10-21"): ["09:40:18", "15:02:45", "18:35:09"],               # AM out missing
}
DEMO_VIOLATIONS = [
    ("1003", "2026-10-09", "未穿工作服", "晨会检查未穿工作服"),
    ("2002", "2026-10-15", "未穿工作服", "客户接待时未穿工作服"),
    ("2005", "2026-10-23", "私自外出", "上班期间私自外出购物,经核实"),
]


class Book:
    """The demo's customers: the frame, lookups by 客户编号, and the customers already given a part."""

    def __init__(self, cust: pd.DataFrame):
        self.cust = cust
        self.cid = list(cust["customer_id"])
        self.cls_of = dict(zip(self.cid, cust["customer_class"]))
        self.mgr_of = dict(zip(self.cid, cust["manager_id"]))
        self.used: set[str] = set()
        self.churned_before: set[str] = set()

    def at(self, k: str) -> int:
        return self.cid.index(k)

    def pick(self, manager, classes_, exclude=()):
        """The first customer of ``manager`` in ``classes_`` without a part yet; it gets one."""
        for k in self.cid:
            if self.mgr_of[k] == manager and self.cls_of[k] in classes_ and k not in self.used and k not in exclude:
                self.used.add(k)
                return k
        raise LookupError(manager, classes_)


def _staff() -> pd.DataFrame:
    return pd.DataFrame([{
        "employee_id": e, "name": n, "role": r, "room": room, "performance_base": float(b),
        "hired_on": pd.Timestamp(h), "left_on": pd.NaT, "email": f"{mail}@xz.10086.example.cn", "phone": ph,
    } for e, n, r, room, b, h, ph, mail in DEMO_STAFF])


def _customers(R, staff: pd.DataFrame) -> pd.DataFrame:
    """150 customers with unique realistic names, sorted by manager; every customer manager has an
    A-class and a B-class customer."""
    cms = [e for e, ro in zip(staff["employee_id"], staff["role"]) if ro != "重要室经理"]
    pool = [f"{p}{i}" for p in PLACES for i in INSTITUTIONS]
    pool += [f"西藏{b}{t}有限公司" for b in BRANDS for t in TRADES]
    pool += [f"日喀则市{b}{t}有限责任公司" for b in BRANDS[:12] for t in TRADES[:10]]
    pool = sorted(set(pool))
    fixed = ["日喀则市第一中学", "日喀则市人民医院", "西藏珠峰建设有限公司", "桑珠孜区人民政府",
             "日喀则市公安局", "西藏雅江水电工程有限公司", "江孜县教育局", "定日县文化和旅游局"]
    rest = [n for n in pool if n not in fixed]
    names = fixed + R.sample(rest, 150 - len(fixed))
    R.shuffle(names)
    classes = ["A1"] * 8 + ["A2"] * 12 + ["B1"] * 25 + ["B2"] * 30 + ["C"] * 40 + ["D"] * 35
    R.shuffle(classes)
    owners = []
    for e in cms:
        owners += [e] * 14
    owners += ["1001"] * 3 + ["2001"] * 3
    owners += [R.choice(cms) for _ in range(150 - len(owners))]
    R.shuffle(owners)
    # make sure every customer manager has at least one A-class and B-class customer
    for e in cms:
        for want in (("A1", "A2"), ("B1", "B2")):
            if not any(o == e and c in want for o, c in zip(owners, classes)):
                j = next(i for i, (o, c) in enumerate(zip(owners, classes)) if c in want and o != e
                         and sum(1 for o2, c2 in zip(owners, classes) if o2 == o and c2 in want) > 1)
                k = next(i for i, (o, c) in enumerate(zip(owners, classes)) if o == e and c in ("C", "D"))
                owners[j], owners[k] = owners[k], owners[j]
    rows = []
    order = sorted(range(150), key=lambda i: (owners[i], CUSTOMER_CLASSES.index(classes[i]), names[i]))
    for n, i in enumerate(order):
        c = classes[i]
        lo, hi = CLASS_SPEND[c]
        spend = round(R.uniform(lo, hi), -2)
        rev = round(spend / 12 * R.uniform(0.85, 1.15), 2)
        ms = R.randint(*CLASS_MEMBERS[c])
        has_kp = R.random() < 0.87
        bd = dt.date(R.randint(1965, 1992), R.randint(1, 12), R.randint(1, 28))
        rows.append({
            "customer_id": f"{101 + n:06d}", "customer_name": names[i], "customer_class": c,
            "manager_id": owners[i],
            "key_person": (R.choice(TIBETAN) if R.random() < 0.4 else
                           R.choice(SURNAMES[:40]) + R.choice(GIVEN) + (R.choice(GIVEN) if R.random() < 0.6 else "")) if has_kp else None,
            "key_person_phone": (R.choice(["139", "138", "135", "158", "182", "187", "198"]) +
                                 f"{R.randint(0, 99_999_999):08d}") if has_kp else None,
            "key_person_birthday": pd.Timestamp(bd) if has_kp and R.random() < 0.9 else pd.NaT,
            "address": f"西藏自治区{R.choice(PLACES[:8])}{R.choice(ROADS)}{R.randint(1, 200)}号",
            "member": R.random() < {"A1": 0.85, "A2": 0.75, "B1": 0.5, "B2": 0.4, "C": 0.2, "D": 0.15}[c],
            "members_start": ms, "members_end": max(0, ms + R.randint(-3, 9)),
            "revenue": rev, "info_revenue": round(rev * R.uniform(0.08, 0.45), 2),
            "annual_spend": spend if R.random() > 0.07 else np.nan,
            "status": "在网", "churned_on": pd.NaT,
        })
    return pd.DataFrame(rows)


def _plant(R, book: Book) -> list[str]:
    """Churn, class mismatches and November birthdays on the customers; the planted lines."""
    planted: list[str] = []
    # churn: 3 in October (D class), 1 in September
    for e, day in (("1004", "2026-10-12"), ("2003", "2026-10-20"), ("2005", "2026-10-29")):
        k = book.pick(e, ("D",))
        i = book.at(k)
        book.cust.loc[i, ["status", "churned_on", "members_end"]] = ["离网", pd.Timestamp(day), 0]
        book.cust.loc[i, "revenue"] = round(book.cust.loc[i, "revenue"] * 0.45, 2)
        book.cust.loc[i, "info_revenue"] = round(book.cust.loc[i, "info_revenue"] * 0.45, 2)
        planted.append(f"{k} ({e}, D) 离网 {day}")
    sep_churn = book.pick("1006", ("D",))
    i = book.at(sep_churn)
    book.cust.loc[i, ["status", "churned_on", "members_start", "members_end", "revenue", "info_revenue"]] = \
        ["离网", pd.Timestamp("2026-09-18"), 0, 0, 0.0, 0.0]
    planted.append(f"{sep_churn} (1006, D) 离网 2026-09-18 (before the month: not due, not in churn base)")
    # class mismatches
    k = book.pick("1002", ("A1",))
    book.cust.loc[book.at(k), "annual_spend"] = 380_000.0
    planted.append(f"{k} (1002) declared A1, 年用量 380000 → W-class-mismatch (band A2)")
    k = book.pick("2004", ("B2",))
    book.cust.loc[book.at(k), "annual_spend"] = 86_000.0
    planted.append(f"{k} (2004) declared B2, 年用量 86000 → W-class-mismatch (band B1)")
    # birthdays in November
    kp = [k for k in book.cid if book.cust.loc[book.at(k), "key_person"] is not None]
    for k in R.sample(kp, 7):
        i = book.at(k)
        book.cust.loc[i, "key_person_birthday"] = pd.Timestamp(dt.date(R.randint(1966, 1990), 11, R.randint(1, 30)))
    nov = [k for k in book.cid if pd.notna(book.cust.loc[book.at(k), "key_person_birthday"])
           and book.cust.loc[book.at(k), "key_person_birthday"].month == 11]
    planted.append(f"key persons with birthdays in November (生日问候): {', '.join(nov)}")
    book.churned_before.add(sep_churn)
    return planted


def _punches(R, staff: pd.DataFrame, wdays) -> pd.DataFrame:
    """Clean punches every workday except the planted days (DEMO_PUNCH_DAYS) and the leave."""
    wset = set(wdays)
    D = lambda s: dt.date.fromisoformat(s)  # noqa: E731
    clear = {}
    for e, _k, _s, _e2, _r, sess in DEMO_LEAVE:
        for d, s in sess:
            clear.setdefault((e, d), set()).add(s)
    pun = []
    for e in staff["employee_id"]:
        for d in wdays:
            key = (e, d.isoformat())
            if key in DEMO_PUNCH_DAYS:
                times = DEMO_PUNCH_DAYS[key]
            else:
                am = [f"09:{R.randint(20, 49):02d}:{R.randint(0, 59):02d}",
                      f"13:{R.randint(0, 14):02d}:{R.randint(0, 59):02d}"]
                pm = [f"{R.choice(['14:5', '15:0', '15:1'])}{R.randint(0, 9)}:{R.randint(0, 59):02d}",
                      f"18:{R.randint(30, 45):02d}:{R.randint(0, 59):02d}"]
                cl = clear.get(key, set())
                times = ([] if "AM" in cl else am) + ([] if "PM" in cl else pm)
            for t in times:
                pun.append((e, pd.Timestamp(f"{d.isoformat()} {t}")))
        for (e2, d), times in DEMO_PUNCH_DAYS.items():  # non-workday punches
            if e2 == e and D(d) not in wset:
                for t in times:
                    pun.append((e, pd.Timestamp(f"{d} {t}")))
    pun_df = pd.DataFrame(pun, columns=["employee_id", "punched_at"]).sort_values(
        ["employee_id", "punched_at"], kind="stable").reset_index(drop=True)
    return pun_df


def _targets(R, staff: pd.DataFrame, cust: pd.DataFrame, room_of: dict) -> pd.DataFrame:
    """A scenario per (employee, indicator) around the actual: over the challenge, over the target,
    over the base, or below it."""
    cur = cust.assign(growth=cust["members_end"] - cust["members_start"],
                      room=[room_of[m] for m in cust["manager_id"]])
    trows = []
    scen = ["challenge", "target", "base", "below"]

    def money_targets(a, s):
        if s == "challenge":
            t, c = a * 0.85, a * 0.97
            b = t * 0.9
        elif s == "target":
            t, c = a * 0.95, a * 1.15
            b = t * 0.9
        elif s == "base":
            b, t = a * 0.95, a * 1.08
            c = t * 1.2
        else:
            b = a * 1.1
            t, c = b * 1.1, b * 1.3
        b, t, c = (round(x, -2) for x in (b, t, c))
        return b, max(b, t), max(b, t, c)

    for e, role, room in zip(staff["employee_id"], staff["role"], staff["room"]):
        sub = cur[cur["room"] == room] if role == "重要室经理" else cur[cur["manager_id"] == e]
        for ind, col in (("集团收入", "revenue"), ("信息化收入", "info_revenue")):
            b, t, c = money_targets(float(sub[col].sum()), R.choice(scen))
            trows.append((e, ind, b, t, c, None))
        t = R.randint(8, 30) if role != "重要室经理" else R.randint(60, 120)
        trows.append((e, "成员净增", t - R.randint(3, 6), t, t + R.randint(5, 12), None))
        t = R.randint(6, 10) if role != "重要室经理" else R.randint(40, 60)
        trows.append((e, "行业产品", t - 2, t, t + 4, R.randint(max(0, t - 5), t + 6)))
        if role == "重要室经理":
            trows.append((e, "企信通", 50, 60, 80, R.randint(45, 85)))
            trows.append((e, "其他集团指标", 85, 100, 120, R.randint(75, 125)))
    targets_df = pd.DataFrame(trows, columns=["employee_id", "indicator", "base", "target", "challenge", "actual"])
    return targets_df


def build_demo():
    """Frames of the demo month plus the planted-customers description."""
    R = random.Random(20261001)
    wdays, _ = workdays(MonthSpec("2026-10"))
    staff = _staff()
    book = Book(_customers(R, staff))
    planted = _plant(R, book)
    visits_df, cb_df, planted_visit = demo_visits.make(R, staff, book, DEMO_LEAVE)
    pun_df = _punches(R, staff, wdays)
    leave_df = pd.DataFrame([{"employee_id": e, "kind": k, "starts_at": s, "ends_at": en, "reason": r}
                             for e, k, s, en, r, _ in DEMO_LEAVE])
    viol_df = pd.DataFrame([{"employee_id": e, "date": pd.Timestamp(d), "kind": k, "note": n}
                            for e, d, k, n in DEMO_VIOLATIONS])
    targets_df = _targets(R, staff, book.cust, dict(zip(staff["employee_id"], staff["room"])))
    tests_df = pd.DataFrame([{"employee_id": e, "month": m, "score": np.nan if s is None else float(s)}
                             for m, sc in DEMO_SCORES.items() for e, s in sc.items()])
    frames = {"staff": staff, "customers": book.cust, "visits": visits_df, "punches": pun_df, "leave": leave_df,
              "violations": viol_df, "targets": targets_df, "tests": tests_df, "callbacks": cb_df}
    text = ["Customers:"] + ["  " + p for p in planted] + ["Visits / callbacks:"] + ["  " + p for p in planted_visit]
    return frames, "\n".join(text)
