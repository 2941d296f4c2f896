#!/usr/bin/env python3
"""make_month — deterministic generator of one month of kehu input files.

Writes the SPEC §1 sheet layouts (员工名册 客户名册 出访登记 打卡记录 请假外出
违纪记录 指标 学习测评 回访记录, plus 日历 when chinese-calendar does not
cover the year). Every generated month validates with zero errors; warnings
(W-visit-foreign, W-class-mismatch, …) occur on purpose.

    python3 bench/make_month.py --out /tmp/province            # province scale
    python3 bench/make_month.py --out sample_inputs --demo     # the demo month
    python3 bench/make_month.py --out /tmp/m --managers 12 --rooms 2 --customers 150 --month 2026-06

Province scale (the CLI default): 2,000 staff in 100 rooms, 100,000 customers,
1,000,000 punches, 300,000 visits (half in the month, the rest in the two
previous months), 200,000 callbacks. Big datasets are split over several
files (≤ 250,000 rows each) written in parallel (--jobs, default 2) with
xlsxwriter's constant_memory mode; --csv writes them as UTF-8 CSV instead.
Note: 4 punches per workday per employee give only ~144,000 punches for 2,000
staff in 2026-10 (18 workdays); the remaining ones are extra swipes (repeated
punches) spread inside the sessions so the punch engine gets the requested
volume (--punches 0 = only the natural 4 a day). No two rows are exact
duplicates (no W-duplicate-row); the only warnings of a generic month are
W-visit-foreign (~0.5% of visits) and W-visit-unsigned (~0.3%).

=============================================================================
DEMO MONTH (--demo → sample_inputs/): 2026-10, 重要一室 + 重要二室, 12 staff,
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
=============================================================================
"""
from __future__ import annotations

import argparse
import calendar as _calendar
import csv
import datetime as dt
import math
import multiprocessing as mp
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

try:
    import chinese_calendar
except ImportError:  # pragma: no cover - installed in the project env
    chinese_calendar = None

# --- enums, mirrored from kehu/schema.py (tests/test_generator.py checks they agree)
ROLES = ("客户经理", "行业客户经理", "重要室经理")
CUSTOMER_CLASSES = ("A1", "A2", "B1", "B2", "C", "D")
VISIT_METHODS = ("上门", "电话", "短信", "邮件", "其他")
LEAVE_KINDS = ("事假", "病假", "年假", "婚假", "产假", "丧假", "调休", "出差", "外出走访", "补卡")
INDICATORS = ("集团收入", "信息化收入", "成员净增", "行业产品", "企信通", "其他集团指标")
CALLBACK_METHODS = ("电话", "短信", "邮件", "上门")
CALLBACK_RESULTS = ("满意", "一般", "不满意", "未接通")
STATUSES = ("在网", "离网")
VIOLATION_KINDS = ("未穿工作服", "私自外出")
CM_INDICATORS = ("集团收入", "信息化收入", "成员净增", "行业产品")

# schedule of kehu/default_rules.toml (minutes since midnight)
SUMMER = ((5, 1), (9, 30))
SUMMER_SESSIONS = ((9 * 60 + 20, 12 * 60 + 30), (15 * 60 + 20, 18 * 60 + 30))
WINTER_SESSIONS = ((9 * 60 + 50, 13 * 60), (15 * 60 + 20, 18 * 60 + 30))

CLASS_SPEND = {  # 年用量 band consistent with SPEC §2.10
    "A1": (500_000, 2_000_000), "A2": (200_000, 480_000), "B1": (50_000, 190_000),
    "B2": (20_000, 48_000), "C": (6_000, 19_500), "D": (1_000, 9_000),
}
CLASS_MEMBERS = {"A1": (200, 800), "A2": (100, 400), "B1": (50, 200), "B2": (30, 120),
                 "C": (10, 60), "D": (3, 30)}
CLASS_REQUIRED = {"A1": 2, "A2": 2, "B1": 1, "B2": 1, "C": 1, "D": 1}
CLASS_CYCLE = {"A1": 1, "A2": 1, "B1": 1, "B2": 1, "C": 2, "D": 3}

ROWS_PER_FILE = 250_000
EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "s")

# ---------------------------------------------------------------------------
# names

SURNAMES = list("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国红梅林斌琳宇浩凯健俊帆帅旭宁晨晓欣悦婷雪琪颖佳倩")
TIBETAN = ["次仁多吉", "扎西顿珠", "格桑卓玛", "普布次仁", "索朗旺堆", "尼玛次仁", "德吉央宗",
           "旦增曲珍", "拉巴次仁", "边巴卓嘎", "白玛央金", "次旦罗布", "洛桑平措", "央金拉姆",
           "达瓦次仁", "米玛卓玛", "平措扎西", "益西卓玛", "贡布多吉", "仓决卓玛"]
PLACES = ["日喀则市", "桑珠孜区", "江孜县", "拉孜县", "定日县", "萨迦县", "白朗县", "南木林县",
          "谢通门县", "昂仁县", "仁布县", "康马县", "聂拉木县", "吉隆县", "亚东县", "岗巴县",
          "定结县", "仲巴县", "萨嘎县"]
INSTITUTIONS = ["人民政府", "教育局", "公安局", "卫生健康委员会", "财政局", "自然资源局", "交通运输局",
                "住房和城乡建设局", "市场监督管理局", "人民医院", "中医院", "第一中学", "第二中学",
                "实验小学", "职业技术学校", "融媒体中心", "农业农村局", "文化和旅游局", "税务局",
                "人民法院", "人民检察院", "应急管理局", "水利局", "民政局", "疾病预防控制中心"]
BRANDS = ["珠峰", "雅江", "扎什伦布", "年楚河", "喜马拉雅", "雪域", "圣地", "高原", "吉祥", "格桑",
          "藏源", "天路", "羌塘", "宗山", "帕拉", "曲美", "萨迦", "卓玛", "德吉", "雄鹰", "神山",
          "圣湖", "金珠", "阳光", "雪莲", "青稞", "牦牛", "藏红花", "巴松", "日光"]
TRADES = ["建设", "建筑工程", "商贸", "物流", "旅游开发", "水电工程", "矿业", "农牧科技", "酒店管理",
          "文化传媒", "医药", "食品", "路桥工程", "通信工程", "环保科技", "汽车销售", "房地产开发",
          "能源", "劳务", "电力安装", "供应链管理", "信息技术"]
ROADS = ["上海中路", "珠峰路", "青岛路", "山东路", "吉林路", "黑龙江路", "德勒路", "贡觉林路",
         "解放中路", "迎宾路", "宗山路", "雄堆路", "扎德路", "北京北路"]
SERVICE_ITEMS = ["5G专网方案交流", "宽带故障处理", "集团短信业务续签", "云视讯开通培训", "IDC机房巡检",
                 "专线扩容需求调研", "物联网卡使用回访", "和对讲设备调试", "企业彩铃更新", "账单核对",
                 "新业务推介", "满意度走访", "专线故障处理", "集团V网成员变更", "OA系统对接"]
FIX_ITEMS = {"宽带故障处理", "专线故障处理", "和对讲设备调试", "集团V网成员变更"}
COMMENTS_OK = ["服务很好", "响应及时", "", "", "希望资费再优惠一些", "客户经理很专业", ""]
COMMENTS_BAD = ["宽带故障报修后仍未彻底修复", "客户经理响应慢,问题拖了一周", "账单有疑问,解释不清"]

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 1000:
        rest = n % 100
        s = _CN_DIGITS[n // 100] + "百"
        if rest == 0:
            return s
        return s + ("零" + _CN_DIGITS[rest] if rest < 10 else ("一" if rest < 20 else "") + cn_number(rest))
    return str(n)


def room_name(i: int) -> str:
    return f"重要{cn_number(i + 1)}室"


# ---------------------------------------------------------------------------
# month helpers

class MonthSpec:
    def __init__(self, label: str):
        label = str(label).strip().replace("/", "-").replace("年", "-").rstrip("月")
        y, m = label.split("-")
        self.year, self.month = int(y), int(m)
        self.first = dt.date(self.year, self.month, 1)
        self.last = dt.date(self.year, self.month, _calendar.monthrange(self.year, self.month)[1])
        self.label = f"{self.year:04d}-{self.month:02d}"

    def shift(self, n: int) -> "MonthSpec":
        i = self.year * 12 + self.month - 1 + n
        return MonthSpec(f"{i // 12}-{i % 12 + 1}")

    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(d) for d in range((self.last - self.first).days + 1)]


def is_workday(d: dt.date) -> tuple[bool, bool]:
    """(workday, official) — official False when chinese-calendar lacks the year."""
    if chinese_calendar is not None:
        try:
            return bool(chinese_calendar.is_workday(d)), True
        except NotImplementedError:
            pass
    return d.weekday() < 5, False


def sessions_of(d: dt.date):
    summer = SUMMER[0] <= (d.month, d.day) <= SUMMER[1]
    return SUMMER_SESSIONS if summer else WINTER_SESSIONS


def workdays(m: MonthSpec) -> tuple[list[dt.date], bool]:
    out, official = [], True
    for d in m.days():
        w, off = is_workday(d)
        official &= off
        if w:
            out.append(d)
    return out, official


# ---------------------------------------------------------------------------
# writing: a sheet is (name, title, columns); a column is (header, values, fmt)
# values are lists of str / int / float / None (None = blank cell)

def _serial_from_dt64(a) -> np.ndarray:
    a = np.asarray(a, dtype="datetime64[s]")
    return (a - EXCEL_EPOCH) / np.timedelta64(86400, "s")


def _nan_to_none(vals: np.ndarray) -> list:
    lst = vals.tolist()
    if np.issubdtype(vals.dtype, np.floating):
        mask = np.isnan(vals)
        if mask.any():
            for i in np.flatnonzero(mask):
                lst[i] = None
    return lst


def col_excel_date(series, kind="date"):
    """datetime-like → Excel serial numbers (None for NaT) with a date/datetime format."""
    a = np.asarray(pd.to_datetime(pd.Series(series)).to_numpy(dtype="datetime64[s]"))
    ser = _serial_from_dt64(a)
    ser = np.where(np.isnat(a), np.nan, ser)
    if kind == "date":
        ser = np.floor(ser)
    return _nan_to_none(ser), kind


def col_text_date(series, style="iso"):
    if style in ("iso", "datetime_s"):  # vectorised (big CSV files)
        a = np.asarray(pd.to_datetime(pd.Series(series)).to_numpy(dtype="datetime64[s]"))
        txt = np.datetime_as_string(a, unit="D" if style == "iso" else "s")
        if style == "datetime_s":
            txt = np.char.replace(txt, "T", " ")
        out = txt.astype(object)
        out[np.isnat(a)] = None
        return out.tolist(), None
    out = []
    for v in pd.to_datetime(pd.Series(series)):
        if pd.isna(v):
            out.append(None)
        elif style == "slash":
            out.append(f"{v.year}/{v.month}/{v.day}")
        elif style == "cn":
            out.append(f"{v.year}年{v.month}月{v.day}日")
        elif style == "datetime":
            out.append(v.strftime("%Y-%m-%d %H:%M"))
        elif style == "datetime_s":
            out.append(v.strftime("%Y-%m-%d %H:%M:%S"))
        else:
            out.append(v.strftime("%Y-%m-%d"))
    return out, None


def customer_columns(cu, churned_on) -> list:
    """The 客户名册 columns; ``churned_on`` is the 离网日期 column in the form wanted."""
    return [
        ("客户编号", *col_text(cu["customer_id"])), ("客户名称", *col_text(cu["customer_name"])),
        ("客户级别", *col_text(cu["customer_class"])), ("客户经理工号", *col_text(cu["manager_id"])),
        ("关键人", *col_text(cu["key_person"])), ("关键人电话", *col_text(cu["key_person_phone"])),
        ("关键人生日", *col_excel_date(cu["key_person_birthday"])), ("地址", *col_text(cu["address"])),
        ("协议客户", *col_bool(cu["member"])), ("月初成员数", *col_int(cu["members_start"])),
        ("月末成员数", *col_int(cu["members_end"])), ("本月收入", *col_num(cu["revenue"], "money")),
        ("本月信息化收入", *col_num(cu["info_revenue"], "money")),
        ("年用量", *col_num(cu["annual_spend"], "money")), ("状态", *col_text(cu["status"])),
        ("离网日期", *churned_on)]


def col_time(seconds, style="excel"):
    """seconds since midnight (NaN blank) → Excel time serials or text."""
    s = np.asarray(seconds, dtype="float64")
    if style == "excel":
        return _nan_to_none(s / 86400.0), "time"
    out = []
    for v in s.tolist():
        if v != v:
            out.append(None)
            continue
        v = int(v)
        h, m, sec = v // 3600, v // 60 % 60, v % 60
        out.append(f"{h}:{m:02d}" if style == "hm" else f"{h:02d}:{m:02d}:{sec:02d}")
    return out, None


def col_text(series):
    out = pd.Series(series, dtype="object").tolist()
    return [None if (v is None or (isinstance(v, float) and v != v) or v == "") else str(v) for v in out], None


def col_id_number(series):
    return [None if v is None else int(v) for v in pd.Series(series, dtype="object").tolist()], None


def col_num(series, fmt=None):
    a = np.asarray(series, dtype="float64")
    return _nan_to_none(a), fmt


def col_int(series):
    return [int(v) for v in np.asarray(series).tolist()], None


def col_bool(series, style="是否"):
    yes, no = {"是否": ("是", "否"), "√×": ("√", "×"), "YN": ("Y", "N")}[style]
    out = []
    for v in pd.Series(series, dtype="object").tolist():
        out.append(None if v is None or (isinstance(v, float) and v != v) else (yes if v else no))
    return out, None


class Sheet:
    def __init__(self, name, columns, title=None, widths=None):
        self.name, self.columns, self.title, self.widths = name, columns, title, widths

    @property
    def nrows(self):
        return len(self.columns[0][1]) if self.columns else 0


def write_xlsx(path, sheets, constant_memory=True):
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory,
                                         "strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"created": dt.datetime(2026, 1, 1), "author": "kehu bench/make_month.py"})  # reproducible
    fmts = {"date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "time": wb.add_format({"num_format": "hh:mm"}),
            "money": wb.add_format({"num_format": "0.00"}),
            None: None}
    bold = wb.add_format({"bold": True})
    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    for sh in sheets:
        ws = wb.add_worksheet(sh.name)
        for j, (header, _vals, fmt) in enumerate(sh.columns):
            width = (sh.widths or {}).get(header) or max(10, 2 * len(header) + 2)
            if fmt in ("date",):
                width = max(width, 12)
            if fmt == "datetime":
                width = max(width, 20)
            ws.set_column(j, j, width)
        r = 0
        if sh.title:
            ws.write_string(0, 0, sh.title, title_fmt)
            r = 1
        for j, (header, _vals, _fmt) in enumerate(sh.columns):
            ws.write_string(r, j, header, bold)
        ws.freeze_panes(r + 1, 0)
        cols = [(j, vals, fmts[fmt]) for j, (_h, vals, fmt) in enumerate(sh.columns)]
        ws_str, ws_num = ws.write_string, ws.write_number
        base = r + 1
        for i in range(sh.nrows):
            row = base + i
            for j, vals, f in cols:
                v = vals[i]
                if v is None:
                    continue
                if v.__class__ is str:
                    ws_str(row, j, v)
                else:
                    ws_num(row, j, v, f)
    wb.close()


def write_csv(path, sheet, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        if sheet.title:
            w.writerow([sheet.title])
        w.writerow([h for h, _v, _f in sheet.columns])
        cols = [v for _h, v, _f in sheet.columns]
        for row in zip(*cols):
            w.writerow(["" if v is None else (repr(v) if isinstance(v, float) and not v.is_integer() else
                                               (str(int(v)) if isinstance(v, float) else str(v))) for v in row])


_TASKS: list = []


def _run_task(i):
    kind, path, payload = _TASKS[i]
    t = time.time()
    if kind == "xlsx":
        write_xlsx(path, payload)
    else:
        write_csv(path, payload[0], encoding=payload[1])
    return str(path), time.time() - t


def run_writes(tasks, jobs=1):
    global _TASKS
    _TASKS = tasks
    order = sorted(range(len(tasks)), key=lambda i: -sum(s.nrows * len(s.columns) for s in
                                                         (tasks[i][2] if tasks[i][0] == "xlsx" else [tasks[i][2][0]])))
    if jobs > 1 and len(tasks) > 1 and "fork" in mp.get_all_start_methods():
        with mp.get_context("fork").Pool(jobs) as pool:
            done = pool.map(_run_task, order, chunksize=1)
    else:
        done = [_run_task(i) for i in order]
    _TASKS = []
    return done


# ---------------------------------------------------------------------------
# canonical sheets from frames (bench layout: real Excel values, no messiness)

def _dt_col(header, series, kind, as_csv):
    if as_csv:
        return (header,) + col_text_date(series, "datetime_s" if kind == "datetime" else "iso")
    return (header,) + col_excel_date(series, kind)


def _time_col(header, seconds, as_csv):
    return (header,) + col_time(seconds, "hms" if as_csv else "excel")


# ---------------------------------------------------------------------------
# generic (bench) month

def _person_names(rng, n):
    s = rng.integers(0, len(SURNAMES), n)
    g1 = rng.integers(0, len(GIVEN), n)
    g2 = rng.integers(0, len(GIVEN), n)
    two = rng.random(n) < 0.6
    tib = rng.random(n) < 0.25
    tn = rng.integers(0, len(TIBETAN), n)
    sur, giv, tibs = np.array(SURNAMES), np.array(GIVEN), np.array(TIBETAN)
    han = np.char.add(np.char.add(sur[s], giv[g1]), np.where(two, giv[g2], ""))
    return np.where(tib, tibs[tn], han)


def _phones(rng, n):
    pre = np.array(["139", "138", "137", "136", "135", "150", "151", "152", "157", "158", "159",
                    "182", "183", "187", "188", "178", "198", "147"])
    p = pre[rng.integers(0, len(pre), n)]
    tail = rng.integers(0, 100_000_000, n)
    return np.char.add(p, np.char.zfill(tail.astype(str), 8))


def _company_names(rng, n):
    kind = rng.random(n)
    pl = np.array(PLACES)[rng.integers(0, len(PLACES), n)]
    inst = np.array(INSTITUTIONS)[rng.integers(0, len(INSTITUTIONS), n)]
    br = np.array(BRANDS)[rng.integers(0, len(BRANDS), n)]
    tr = np.array(TRADES)[rng.integers(0, len(TRADES), n)]
    gov = np.char.add(pl, inst)
    co = np.char.add(np.char.add(np.char.add("西藏", br), tr), "有限公司")
    co2 = np.char.add(np.char.add(np.char.add(pl, br), tr), "有限责任公司")
    names = np.where(kind < 0.3, gov, np.where(kind < 0.75, co, co2))
    # disambiguate repeats like real rosters do (分公司 / 项目部)
    s = pd.Series(names)
    dup = s.groupby(s).cumcount().to_numpy()
    suffix = np.where(dup == 0, "", np.char.add(np.char.add("第", dup.astype(str)), "分公司"))
    return np.char.add(names.astype(str), suffix)


def _addresses(rng, n):
    pl = np.array(PLACES)[rng.integers(0, len(PLACES), n)]
    rd = np.array(ROADS)[rng.integers(0, len(ROADS), n)]
    no = rng.integers(1, 300, n).astype(str)
    return np.char.add(np.char.add(np.char.add(np.char.add("西藏自治区", pl), rd), no), "号")


def _random_dates(rng, start: dt.date, end: dt.date, n):
    """uniform dates in [start, end] as datetime64[D]."""
    span = (end - start).days + 1
    return np.datetime64(start, "D") + rng.integers(0, span, n).astype("timedelta64[D]")


def _workday_pick(rng, days: list[dt.date], n):
    arr = np.array(days, dtype="datetime64[D]")
    return arr[rng.integers(0, len(arr), n)]


def _targets_for(rng, actual, money=True):
    """(base, target, challenge) around ``actual`` with base ≤ target ≤ challenge."""
    a = np.asarray(actual, dtype="float64")
    f = rng.uniform(0.85, 1.2, a.shape)
    if money:
        t = np.maximum(np.round(a * f, -2), 100.0)
        b = np.floor(t * 0.9 / 100) * 100
        c = np.ceil(t * 1.2 / 100) * 100
    else:
        t = np.maximum(np.round(a * f), 1.0)
        b = np.floor(t * 0.8)
        c = np.ceil(t * 1.25)
    return b, t, c


def build_generic(month="2026-10", rooms=2, managers=12, customers=150, punches=None, visits=None,
                  callbacks=None, seed=1):
    """Frames (English alias columns, canonical types) of a clean random month."""
    if managers < rooms:
        raise ValueError("managers must be ≥ rooms (each room needs a 重要室经理)")
    rng = np.random.default_rng(seed)
    M = MonthSpec(month)
    wdays, official = workdays(M)
    S = managers

    # --- staff
    sizes = np.full(rooms, S // rooms)
    sizes[: S % rooms] += 1
    room_idx = np.repeat(np.arange(rooms), sizes)
    pos = np.concatenate([np.arange(k) for k in sizes])
    role = np.where(pos == 0, "重要室经理",
                    np.where((pos == 1) & (sizes[room_idx] >= 3) | (pos == 2) & (sizes[room_idx] >= 12),
                             "行业客户经理", "客户经理"))
    emp_ids = np.char.mod("%d", 100001 + np.arange(S))
    base_pay = np.where(role == "重要室经理", rng.integers(80, 121, S) * 100,
                        np.where(role == "行业客户经理", rng.integers(40, 71, S) * 100,
                                 rng.integers(30, 61, S) * 100)).astype(float)
    hired = _random_dates(rng, dt.date(2008, 1, 1), M.shift(-4).last, S)
    names = _person_names(rng, S)
    staff = pd.DataFrame({
        "employee_id": emp_ids, "name": names, "role": role,
        "room": np.array([room_name(i) for i in range(rooms)])[room_idx],
        "performance_base": base_pay, "hired_on": hired.astype("datetime64[ns]"),
        "left_on": pd.NaT,
        "email": np.char.add(np.char.add("kh", emp_ids), "@xz.10086.example.cn"),
        "phone": _phones(rng, S),
    })
    is_rm = role == "重要室经理"

    # --- customers
    N = customers
    cls_p = np.array([0.05, 0.08, 0.17, 0.20, 0.25, 0.25])
    cls = np.array(CUSTOMER_CLASSES)[rng.choice(6, N, p=cls_p)]
    w = np.where(is_rm, 0.1, 1.0)
    mgr_idx = rng.choice(S, N, p=w / w.sum())
    lo = np.array([CLASS_SPEND[c][0] for c in cls], float)
    hi = np.array([CLASS_SPEND[c][1] for c in cls], float)
    spend = np.round(rng.uniform(lo, hi), -2)
    revenue = np.round(spend / 12 * rng.uniform(0.85, 1.15, N), 2)
    info = np.round(revenue * rng.uniform(0.05, 0.45, N), 2)
    mlo = np.array([CLASS_MEMBERS[c][0] for c in cls])
    mhi = np.array([CLASS_MEMBERS[c][1] for c in cls])
    m_start = rng.integers(mlo, mhi + 1)
    m_end = np.maximum(m_start + rng.integers(-3, 8, N), 0)
    churn = rng.random(N) < 0.015
    churn_in_month = rng.random(N) < 0.7
    churn_date = np.where(churn_in_month, _random_dates(rng, M.first, M.last, N),
                          _random_dates(rng, M.shift(-2).first, M.shift(-1).last, N))
    revenue = np.where(churn & ~churn_in_month, 0.0, np.where(churn, np.round(revenue * 0.4, 2), revenue))
    info = np.where(churn & ~churn_in_month, 0.0, np.where(churn, np.round(info * 0.4, 2), info))
    m_end = np.where(churn, 0, m_end)
    m_start = np.where(churn & ~churn_in_month, 0, m_start)
    width = max(6, len(str(N)) + 1)
    cust_ids = np.char.zfill(np.char.mod("%d", np.arange(1, N + 1)), width)
    has_kp = rng.random(N) < 0.85
    birthdays = _random_dates(rng, dt.date(1962, 1, 1), dt.date(1995, 12, 31), N)
    member = rng.random(N) < np.select([np.isin(cls, ["A1", "A2"]), np.isin(cls, ["B1", "B2"])], [0.8, 0.5], 0.2)
    spend_blank = rng.random(N) < 0.08
    custs = pd.DataFrame({
        "customer_id": cust_ids, "customer_name": _company_names(rng, N), "customer_class": cls,
        "manager_id": emp_ids[mgr_idx],
        "key_person": np.where(has_kp, _person_names(rng, N), None),
        "key_person_phone": np.where(has_kp, _phones(rng, N), None),
        "key_person_birthday": pd.Series(birthdays.astype("datetime64[ns]")).where(has_kp),
        "address": _addresses(rng, N), "member": member,
        "members_start": m_start, "members_end": m_end,
        "revenue": revenue, "info_revenue": info,
        "annual_spend": np.where(spend_blank, np.nan, spend),
        "status": np.where(churn, "离网", "在网"),
        "churned_on": pd.Series(churn_date.astype("datetime64[ns]")).where(churn),
    })

    # --- visits (half this month, a quarter in each of the 2 previous months)
    V = visits if visits is not None else 2 * N
    n_cur = V - 2 * (V // 4)
    parts = []
    cust_w = np.array([{"A1": 3, "A2": 3, "B1": 1.5, "B2": 1.5, "C": 0.7, "D": 0.5}[c] for c in cls])
    cust_w = cust_w * np.where(churn & ~churn_in_month, 0.0, 1.0)
    cust_p = cust_w / cust_w.sum()
    for k, n in ((0, n_cur), (-1, V // 4), (-2, V // 4)):
        mm = M.shift(k)
        wd = workdays(mm)[0] or mm.days()
        c = rng.choice(N, n, p=cust_p)
        d = np.where(rng.random(n) < 0.95, _workday_pick(rng, wd, n), _random_dates(rng, mm.first, mm.last, n))
        parts.append((c, d))
    vc = np.concatenate([p[0] for p in parts])
    vd = np.concatenate([p[1] for p in parts])
    nV = len(vc)
    vmgr = emp_ids[mgr_idx[vc]]
    foreign = rng.random(nV) < 0.01
    vmgr = np.where(foreign, emp_ids[rng.integers(0, S, nV)], vmgr)
    method = np.array(VISIT_METHODS)[rng.choice(5, nV, p=[0.8, 0.1, 0.03, 0.03, 0.04])]
    start = (rng.integers(9 * 2, 17 * 2, nV) * 1800).astype(float)
    end = start + rng.integers(2, 8, nV) * 900
    item = np.array(SERVICE_ITEMS)[rng.integers(0, len(SERVICE_ITEMS), nV)]
    solved = np.isin(item, list(FIX_ITEMS)) & (rng.random(nV) < 0.8)
    signed = np.where(solved, rng.random(nV) < 0.97, rng.random(nV) < 0.6)
    cb_req = method == "上门"
    # 外出走访 leave rows need a 出访登记 row of that employee that day: reuse visits of this month
    visits_df = pd.DataFrame({
        "date": vd.astype("datetime64[ns]"), "manager_id": vmgr, "customer_id": cust_ids[vc],
        "method": method, "start_time": start, "end_time": end, "service_item": item,
        "problem_solved": solved, "customer_signed": signed, "callback_required": cb_req,
    })
    order = np.lexsort((start, vd))
    visits_df = visits_df.iloc[order].drop_duplicates(ignore_index=True)  # no W-duplicate-row

    # --- callbacks: sampled from visits needing one, 0–8 days later, ≤ month end + 10 days
    C = callbacks if callbacks is not None else int(cb_req.sum() * 0.9)
    elig = np.flatnonzero(visits_df["callback_required"].to_numpy())
    if len(elig) == 0:
        elig = np.arange(len(visits_df))
    limit = np.datetime64(M.last + dt.timedelta(10), "D")
    rm_ids = emp_ids[np.flatnonzero(is_rm)]
    v_date = visits_df["date"].to_numpy().astype("datetime64[D]")
    v_cust = visits_df["customer_id"].to_numpy()

    def callback_rows(n):
        pick = elig[rng.choice(len(elig), n, replace=n > len(elig))] if n and len(elig) else np.array([], int)
        off = rng.choice([0, 1, 2, 3, 4, 5, 6, 8], len(pick), p=[0.15, 0.35, 0.25, 0.12, 0.05, 0.03, 0.03, 0.02])
        cdate = np.minimum(v_date[pick] + off.astype("timedelta64[D]"), limit)
        res = np.array(CALLBACK_RESULTS)[rng.choice(4, len(pick), p=[0.72, 0.15, 0.04, 0.09])]
        comment = np.where(res == "不满意", np.array(COMMENTS_BAD)[rng.integers(0, 3, len(pick))],
                           np.array(COMMENTS_OK)[rng.integers(0, len(COMMENTS_OK), len(pick))])
        agent = rm_ids[room_idx[mgr_idx[np.searchsorted(cust_ids, v_cust[pick])]]]
        return pd.DataFrame({
            "date": cdate.astype("datetime64[ns]"), "customer_id": v_cust[pick],
            "agent_id": np.where(rng.random(len(pick)) < 0.8, agent, None),
            "method": np.array(CALLBACK_METHODS)[rng.choice(4, len(pick), p=[0.85, 0.1, 0.03, 0.02])],
            "result": res, "comment": comment})

    cb_df = callback_rows(C)
    for _ in range(20):  # no exact duplicate rows (they would be W-duplicate-row)
        cb_df = cb_df.drop_duplicates(ignore_index=True)
        if len(cb_df) >= C:
            break
        cb_df = pd.concat([cb_df, callback_rows(C - len(cb_df))], ignore_index=True)
    cb_df = cb_df.sort_values("date", kind="stable").reset_index(drop=True)

    # --- leave (per staff ~0.4 rows), full days / half days on workdays of the month
    D = len(wdays)
    nL = max(2, int(rng.poisson(0.4 * S))) if D else 0
    l_emp = rng.integers(0, S, nL)
    l_day = rng.integers(0, D, nL) if D else np.array([], int)
    kinds = np.array(["事假", "病假", "年假", "调休", "出差", "外出走访", "补卡", "婚假", "丧假"])
    l_kind = kinds[rng.choice(len(kinds), nL, p=[0.22, 0.14, 0.14, 0.1, 0.1, 0.16, 0.1, 0.02, 0.02])]
    span = rng.choice(3, nL, p=[0.5, 0.25, 0.25])  # 0 full day, 1 AM, 2 PM
    wd64 = np.array(wdays, dtype="datetime64[D]").astype("datetime64[s]") if D else np.array([], "datetime64[s]")
    day0 = wd64[l_day] if nL else np.array([], "datetime64[s]")
    hm = lambda h, m: np.timedelta64(h * 3600 + m * 60, "s")  # noqa: E731
    s_off = np.where(span == 2, hm(15, 10), hm(9, 0))
    e_off = np.where(span == 1, hm(13, 10), hm(18, 40))
    l_start = day0 + s_off
    multi = (l_kind == "出差") | (l_kind == "年假")
    ndays = np.where(multi, rng.integers(1, 4, nL), 1) - 1
    l_end = day0 + ndays.astype("timedelta64[D]") + e_off
    fix = l_kind == "补卡"
    l_start = np.where(fix, day0 + hm(18, 35), l_start)
    leave_df = pd.DataFrame({"employee_id": emp_ids[l_emp], "kind": l_kind,
                             "starts_at": l_start.astype("datetime64[ns]"),
                             "ends_at": pd.Series(l_end.astype("datetime64[ns]")).where(~fix)})
    # each 外出走访 gets a 出访登记 row (same employee, same day)
    out_v = leave_df["kind"].to_numpy() == "外出走访"
    if out_v.any():
        idx = np.flatnonzero(out_v)
        own = {}
        for i, m_i in enumerate(mgr_idx):
            own.setdefault(m_i, i)
        cust_for = np.array([own.get(e, int(rng.integers(0, N))) for e in l_emp[idx]])
        extra = pd.DataFrame({
            "date": leave_df["starts_at"].to_numpy()[idx].astype("datetime64[D]").astype("datetime64[ns]"),
            "manager_id": emp_ids[l_emp[idx]], "customer_id": cust_ids[cust_for], "method": "上门",
            "start_time": np.where(span[idx] == 2, 15.5 * 3600, 10 * 3600.0),
            "end_time": np.where(span[idx] == 2, 17.5 * 3600, 12 * 3600.0),
            "service_item": "外出走访", "problem_solved": False, "customer_signed": True,
            "callback_required": True})
        visits_df = pd.concat([visits_df, extra], ignore_index=True).drop_duplicates(ignore_index=True)

    # --- punches: 4 per workday per employee, a few late/early/missing, + extra swipes
    pun = _punches_generic(rng, emp_ids, wdays, l_emp, l_day, span, ndays, l_kind, punches)

    # --- violations (~2% of staff)
    nX = max(1, int(round(0.02 * S))) if D else 0
    x_emp = rng.integers(0, S, nX)
    viol_df = pd.DataFrame({"employee_id": emp_ids[x_emp],
                            "date": wd64[rng.integers(0, D, nX)].astype("datetime64[ns]") if nX else [],
                            "kind": np.array(VIOLATION_KINDS)[rng.choice(2, nX, p=[0.7, 0.3])],
                            "note": np.where(rng.random(nX) < 0.5, "巡查发现", None)})

    # --- targets
    cur = custs.assign(growth=custs["members_end"] - custs["members_start"])
    by_mgr = cur.groupby("manager_id")[["revenue", "info_revenue", "growth"]].sum()
    by_room = cur.assign(room=staff.set_index("employee_id").loc[cur["manager_id"], "room"].to_numpy()) \
                 .groupby("room")[["revenue", "info_revenue", "growth"]].sum()
    act = np.zeros((S, 3))
    for i in range(S):
        key = staff["room"].iat[i] if is_rm[i] else emp_ids[i]
        tbl = by_room if is_rm[i] else by_mgr
        if key in tbl.index:
            act[i] = tbl.loc[key].to_numpy(dtype=float)
    rows = []
    b, t, c = _targets_for(rng, act[:, 0])
    rows.append(("集团收入", b, t, c, np.full(S, np.nan)))
    b, t, c = _targets_for(rng, act[:, 1])
    rows.append(("信息化收入", b, t, c, np.full(S, np.nan)))
    b, t, c = _targets_for(rng, np.maximum(act[:, 2], 5), money=False)
    rows.append(("成员净增", b, t, c, np.full(S, np.nan)))
    t = rng.integers(5, 16, S).astype(float)
    rows.append(("行业产品", t - 2, t, t + 4, rng.integers(0, 21, S).astype(float)))
    t = rng.integers(40, 81, S).astype(float)
    rows.append(("企信通", np.floor(t * 0.8), t, np.ceil(t * 1.3), rng.integers(20, 101, S).astype(float)))
    t = np.full(S, 100.0)
    rows.append(("其他集团指标", t - 15, t, t + 20, rng.integers(60, 131, S).astype(float)))
    tparts = []
    for ind, b, t, c, a in rows:
        keep = np.ones(S, bool) if ind in CM_INDICATORS else is_rm
        tparts.append(pd.DataFrame({"employee_id": emp_ids[keep], "indicator": ind, "base": b[keep],
                                    "target": t[keep], "challenge": c[keep], "actual": a[keep]}))
    targets_df = pd.concat(tparts, ignore_index=True)
    targets_df["_o"] = targets_df["employee_id"].astype(int)
    targets_df = targets_df.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)

    # --- tests: month and 2 previous months, customer managers only
    cm = emp_ids[~is_rm]
    tparts = []
    for k in (-2, -1, 0):
        sc = np.clip(np.round(rng.normal(80, 10, len(cm)), 1), 0, 100)
        sc = np.where(rng.random(len(cm)) < 0.01, np.nan, sc)
        tparts.append(pd.DataFrame({"employee_id": cm, "month": M.shift(k).label, "score": sc}))
    tests_df = pd.concat(tparts, ignore_index=True)

    frames = {"staff": staff, "customers": custs, "visits": visits_df, "punches": pun,
              "leave": leave_df, "violations": viol_df, "targets": targets_df, "tests": tests_df,
              "callbacks": cb_df}
    if not official:
        days = M.days()
        frames["calendar"] = pd.DataFrame({
            "date": pd.to_datetime(days), "kind": ["工作日" if d.weekday() < 5 else "休息日" for d in days],
            "note": None})
    return frames


def _punches_generic(rng, emp_ids, wdays, l_emp, l_day, span, ndays, l_kind, target):
    S, D = len(emp_ids), len(wdays)
    if D == 0 or S == 0:
        return pd.DataFrame({"employee_id": np.array([], str), "punched_at": np.array([], "datetime64[ns]")})
    ses = np.array([sessions_of(d) for d in wdays], dtype=float) * 60  # D,2,2 in seconds
    am_s, am_e, pm_s, pm_e = ses[:, 0, 0], ses[:, 0, 1], ses[:, 1, 0], ses[:, 1, 1]
    shape = (S, D)
    t = np.empty((S, D, 4))
    t[..., 0] = am_s - rng.integers(60, 35 * 60, shape)
    t[..., 1] = am_e + rng.integers(0, 20 * 60, shape)
    t[..., 2] = pm_s - rng.integers(60, 30 * 60, shape)
    t[..., 3] = pm_e + rng.integers(0, 20 * 60, shape)
    tiers = np.array([3, 8, 15, 25, 35, 50, 70, 95]) * 60
    late = rng.random((S, D, 2)) < 0.02
    lm = tiers[rng.integers(0, len(tiers), (S, D, 2))] + rng.integers(0, 60, (S, D, 2))
    t[..., 0] = np.where(late[..., 0], am_s + lm[..., 0], t[..., 0])
    t[..., 2] = np.where(late[..., 1], pm_s + lm[..., 1], t[..., 2])
    early = rng.random((S, D, 2)) < 0.01
    em = tiers[rng.integers(0, len(tiers), (S, D, 2))] + rng.integers(0, 60, (S, D, 2))
    t[..., 1] = np.where(early[..., 0], am_e - em[..., 0], t[..., 1])
    t[..., 3] = np.where(early[..., 1], pm_e - em[..., 1], t[..., 3])
    keep = rng.random((S, D, 4)) > 0.005
    keep &= (rng.random((S, D)) > 0.003)[..., None]
    # no punches while on leave (full-day leaves and multi-day trips), except 补卡 / 外出走访
    for e, d, sp, nd, k in zip(l_emp, l_day, span, ndays, l_kind):
        if k in ("补卡", "外出走访"):
            continue
        for dd in range(d, min(D, d + nd + 1)):
            if sp == 0 or nd > 0:
                keep[e, dd, :] = False
            elif sp == 1:
                keep[e, dd, :2] = False
            else:
                keep[e, dd, 2:] = False
    e_idx, d_idx, _k = np.nonzero(keep)
    secs = t[keep]
    days64 = np.array(wdays, dtype="datetime64[D]").astype("datetime64[s]")
    secs = secs.astype("int64")
    while target and target > len(secs):
        # extra swipes inside the sessions; no two rows of one employee at the same second
        k = target - len(secs)
        xe = rng.integers(0, S, k)
        xd = rng.integers(0, D, k)
        xs = rng.integers(0, 2, k)
        lo = np.where(xs == 0, am_s[xd], pm_s[xd]) + 300
        hi = np.where(xs == 0, am_e[xd], pm_e[xd]) - 300
        e_idx = np.concatenate([e_idx, xe])
        d_idx = np.concatenate([d_idx, xd])
        secs = np.concatenate([secs, rng.uniform(lo, hi).round().astype("int64")])
        key = (e_idx.astype("int64") * 64 + d_idx) * 86400 + secs
        _u, first = np.unique(key, return_index=True)
        first.sort()
        e_idx, d_idx, secs = e_idx[first], d_idx[first], secs[first]
    at = days64[d_idx] + secs.astype("timedelta64[s]")
    order = np.lexsort((at, e_idx))
    return pd.DataFrame({"employee_id": emp_ids[e_idx[order]], "punched_at": at[order].astype("datetime64[ns]")})


def _split(df, n=ROWS_PER_FILE):
    if len(df) <= n:
        return [df]
    k = math.ceil(len(df) / n)
    size = math.ceil(len(df) / k)
    return [df.iloc[i:i + size] for i in range(0, len(df), size)]


def generic_tasks(frames, out: Path, as_csv=False):
    """(kind, path, payload) write tasks, real Excel values, plain headers."""
    tasks = []

    def add(fname, sheet_name, columns, big=False):
        if big and as_csv:
            tasks.append(("csv", out / f"{fname}.csv", (Sheet(sheet_name, columns), "utf-8")))
        else:
            tasks.append(("xlsx", out / f"{fname}.xlsx", [Sheet(sheet_name, columns)]))

    st = frames["staff"]
    add("员工名册", "员工名册", [
        ("工号", *col_text(st["employee_id"])), ("姓名", *col_text(st["name"])),
        ("岗位", *col_text(st["role"])), ("所属室", *col_text(st["room"])),
        ("绩效基数", *col_num(st["performance_base"], "money")),
        ("入职日期", *col_excel_date(st["hired_on"])), ("离职日期", *col_excel_date(st["left_on"])),
        ("邮箱", *col_text(st["email"])), ("电话", *col_text(st["phone"]))])
    cu = frames["customers"]
    add("客户名册", "客户名册", [
        *customer_columns(cu, col_excel_date(cu["churned_on"]))])
    parts = _split(frames["visits"])
    for i, v in enumerate(parts):
        add("出访登记" + (f"_{i + 1:02d}" if len(parts) > 1 else ""), "出访登记", [
            _dt_col("日期", v["date"], "date", as_csv), ("客户经理工号", *col_text(v["manager_id"])),
            ("客户编号", *col_text(v["customer_id"])), ("方式", *col_text(v["method"])),
            _time_col("开始时间", v["start_time"], as_csv), _time_col("结束时间", v["end_time"], as_csv),
            ("服务项目", *col_text(v["service_item"])), ("解决问题", *col_bool(v["problem_solved"])),
            ("客户签名", *col_bool(v["customer_signed"])), ("需回访", *col_bool(v["callback_required"]))],
            big=True)
    parts = _split(frames["punches"])
    for i, p in enumerate(parts):
        add("打卡记录" + (f"_{i + 1:02d}" if len(parts) > 1 else ""), "打卡记录", [
            ("工号", *col_text(p["employee_id"])), _dt_col("打卡时间", p["punched_at"], "datetime", as_csv)],
            big=True)
    lv = frames["leave"]
    add("请假外出", "请假外出", [
        ("工号", *col_text(lv["employee_id"])), ("类型", *col_text(lv["kind"])),
        ("开始时间", *col_excel_date(lv["starts_at"], "datetime")),
        ("结束时间", *col_excel_date(lv["ends_at"], "datetime"))])
    vi = frames["violations"]
    add("违纪记录", "违纪记录", [
        ("工号", *col_text(vi["employee_id"])), ("日期", *col_excel_date(vi["date"])),
        ("类型", *col_text(vi["kind"])), ("说明", *col_text(vi["note"]))])
    tg = frames["targets"]
    add("指标", "指标", [
        ("工号", *col_text(tg["employee_id"])), ("指标", *col_text(tg["indicator"])),
        ("基本目标", *col_num(tg["base"])), ("目标值", *col_num(tg["target"])),
        ("挑战目标", *col_num(tg["challenge"])), ("完成值", *col_num(tg["actual"]))])
    te = frames["tests"]
    add("学习测评", "学习测评", [
        ("工号", *col_text(te["employee_id"])), ("月份", *col_text(te["month"])),
        ("成绩", *col_num(te["score"]))])
    parts = _split(frames["callbacks"])
    for i, c in enumerate(parts):
        add("回访记录" + (f"_{i + 1:02d}" if len(parts) > 1 else ""), "回访记录", [
            _dt_col("日期", c["date"], "date", as_csv), ("客户编号", *col_text(c["customer_id"])),
            ("回访人", *col_text(c["agent_id"])), ("方式", *col_text(c["method"])),
            ("结果", *col_text(c["result"])), ("意见", *col_text(c["comment"]))], big=True)
    if "calendar" in frames:
        ca = frames["calendar"]
        add("日历", "日历", [("日期", *col_excel_date(ca["date"])), ("类型", *col_text(ca["kind"])),
                            ("说明", *col_text(ca["note"]))])
    return tasks


# ---------------------------------------------------------------------------
# demo month (sample_inputs/)

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


def build_demo():
    """Frames of the demo month plus the planted-customers description."""
    R = random.Random(20261001)
    M = MonthSpec("2026-10")
    wdays, _ = workdays(M)
    wset = set(wdays)
    D = lambda s: dt.date.fromisoformat(s)  # noqa: E731

    # --- staff
    staff = pd.DataFrame([{
        "employee_id": e, "name": n, "role": r, "room": room, "performance_base": float(b),
        "hired_on": pd.Timestamp(h), "left_on": pd.NaT, "email": f"{mail}@xz.10086.example.cn", "phone": ph,
    } for e, n, r, room, b, h, ph, mail in DEMO_STAFF])
    room_of = dict(zip(staff["employee_id"], staff["room"]))
    rm_of_room = {r: e for e, r, ro in zip(staff["employee_id"], staff["room"], staff["role"]) if ro == "重要室经理"}
    cms = [e for e, ro in zip(staff["employee_id"], staff["role"]) if ro != "重要室经理"]

    # --- customers: unique realistic names
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
    cust = pd.DataFrame(rows)
    cid = list(cust["customer_id"])
    cls_of = dict(zip(cid, cust["customer_class"]))
    mgr_of = dict(zip(cid, cust["manager_id"]))
    used: set[str] = set()

    def pick(manager, classes_, exclude=()):
        for k in cid:
            if mgr_of[k] == manager and cls_of[k] in classes_ and k not in used and k not in exclude:
                used.add(k)
                return k
        raise LookupError(manager, classes_)

    planted: list[str] = []
    # churn: 3 in October (D class), 1 in September
    for e, day in (("1004", "2026-10-12"), ("2003", "2026-10-20"), ("2005", "2026-10-29")):
        k = pick(e, ("D",))
        i = cid.index(k)
        cust.loc[i, ["status", "churned_on", "members_end"]] = ["离网", pd.Timestamp(day), 0]
        cust.loc[i, "revenue"] = round(cust.loc[i, "revenue"] * 0.45, 2)
        cust.loc[i, "info_revenue"] = round(cust.loc[i, "info_revenue"] * 0.45, 2)
        planted.append(f"{k} ({e}, D) 离网 {day}")
    sep_churn = pick("1006", ("D",))
    i = cid.index(sep_churn)
    cust.loc[i, ["status", "churned_on", "members_start", "members_end", "revenue", "info_revenue"]] = \
        ["离网", pd.Timestamp("2026-09-18"), 0, 0, 0.0, 0.0]
    planted.append(f"{sep_churn} (1006, D) 离网 2026-09-18 (before the month: not due, not in churn base)")
    # class mismatches
    k = pick("1002", ("A1",))
    cust.loc[cid.index(k), "annual_spend"] = 380_000.0
    planted.append(f"{k} (1002) declared A1, 年用量 380000 → W-class-mismatch (band A2)")
    k = pick("2004", ("B2",))
    cust.loc[cid.index(k), "annual_spend"] = 86_000.0
    planted.append(f"{k} (2004) declared B2, 年用量 86000 → W-class-mismatch (band B1)")
    # birthdays in November
    kp = [k for k in cid if cust.loc[cid.index(k), "key_person"] is not None]
    for k in R.sample(kp, 7):
        i = cid.index(k)
        cust.loc[i, "key_person_birthday"] = pd.Timestamp(dt.date(R.randint(1966, 1990), 11, R.randint(1, 30)))
    nov = [k for k in cid if pd.notna(cust.loc[cid.index(k), "key_person_birthday"])
           and cust.loc[cid.index(k), "key_person_birthday"].month == 11]
    planted.append(f"key persons with birthdays in November (生日问候): {', '.join(nov)}")
    churned_before = {sep_churn}

    # --- visits
    blocked = {e: set() for e in staff["employee_id"]}
    for e, _k, s, en, _r, _sess in DEMO_LEAVE:
        if _k in ("补卡", "外出走访"):
            continue
        d0 = D(s[:10])
        d1 = D((en or s)[:10])
        while d0 <= d1:
            blocked[e].add(d0)
            d0 += dt.timedelta(1)
    blocked["2003"].add(D("2026-10-22"))
    blocked["1004"].add(D("2026-10-15"))
    visits = []

    def visit(day, e, k, method="上门", item=None, solved=None, signed=None, cb=None, start=None):
        if start is None:
            start = R.choice([9.5, 10, 10.5, 11, 15.5, 16, 16.5, 17]) * 3600
        item = item or R.choice(SERVICE_ITEMS)
        if solved is None:
            solved = item in FIX_ITEMS and R.random() < 0.85
        if signed is None:
            signed = True if solved else R.random() < 0.6
        visits.append({"date": pd.Timestamp(day), "manager_id": e, "customer_id": k, "method": method,
                       "start_time": float(start), "end_time": float(start + R.choice([30, 45, 60, 90]) * 60),
                       "service_item": item, "problem_solved": solved, "customer_signed": signed,
                       "callback_required": cb})

    def free_days(e, month, before=None):
        mm = MonthSpec(month)
        days = [d for d in workdays(mm)[0] if d not in blocked[e]]
        if before:
            days = [d for d in days if d <= before]
        return days

    planted_visit = []
    # planted non-compliance
    nc = {}
    nc[pick("1004", ("A1", "A2"))] = "only 1 上门 in Oct (+1 电话) → non-compliant"
    nc[pick("2003", ("A1", "A2"))] = "only 1 上门 in Oct (+1 电话) → non-compliant"
    for e in ("1002", "2005", "2002"):
        nc[pick(e, ("B1", "B2"))] = "no 上门 in Oct (1 电话 only) → non-compliant"
    nc[pick("1003", ("C",))] = "C: last 上门 2026-08 (outside the Sep–Oct window) → non-compliant"
    nc[pick("2006", ("C",))] = "C: no visit at all → non-compliant"
    for k, why in nc.items():
        planted_visit.append(f"{k} ({mgr_of[k]}, {cls_of[k]}) {why}")

    oct_last_random = D("2026-10-28")
    for k in cid:
        e = mgr_of[k]
        c = cls_of[k]
        if k in churned_before:
            visit(R.choice(free_days(e, "2026-08")), e, k)
            continue
        # history Aug / Sep
        for mon in ("2026-08", "2026-09"):
            if c in ("A1", "A2", "B1", "B2") and R.random() < 0.9:
                for d in R.sample(free_days(e, mon), CLASS_REQUIRED[c]):
                    visit(d, e, k)
        sep_c = False
        if c == "C" and k not in nc and R.random() < 0.45:
            visit(R.choice(free_days(e, "2026-09")), e, k)
            sep_c = True
        if c == "D" and R.random() < 0.6:
            visit(R.choice(free_days(e, "2026-08")), e, k)
        if cust.loc[cid.index(k), "status"] == "离网":
            continue  # churned in October: no October visits
        # October
        fd = free_days(e, "2026-10", oct_last_random)
        if k in nc:
            why = nc[k]
            if why.startswith("only 1"):
                a, b = sorted(R.sample(fd, 2))
                visit(a, e, k)
                visit(b, e, k, method="电话", item="需求电话沟通")
            elif why.startswith("no 上门"):
                visit(R.choice(fd), e, k, method="电话", item="账单核对")
            elif "2026-08" in why:
                visit(R.choice(free_days(e, "2026-08")), e, k)
            continue
        if c in ("A1", "A2"):
            a, b = sorted(R.sample(fd, 2))
            while (b - a).days < 5:
                a, b = sorted(R.sample(fd, 2))
            visit(a, e, k)
            visit(b, e, k)
        elif c in ("B1", "B2"):
            visit(R.choice(fd), e, k)
        elif c == "C" and not sep_c:
            visit(R.choice(fd), e, k)
        elif c == "D" and R.random() < 0.15:
            visit(R.choice(fd), e, k)
        if R.random() < 0.12:
            visit(R.choice(fd), e, k, method=R.choice(["电话", "短信", "邮件", "其他"]), item="业务咨询答复")

    # visits that need exact callback handling: on B/C customers with no other October visit
    def solo(e, classes_=("B1", "B2", "C")):
        for k in cid:
            if mgr_of[k] == e and cls_of[k] in classes_ and k not in used and k not in churned_before \
                    and cust.loc[cid.index(k), "status"] == "在网":
                octs = [v for v in visits if v["customer_id"] == k and v["date"].month == 10]
                if len(octs) == 1 and octs[0]["method"] == "上门":
                    used.add(k)
                    return k, octs[0]
        raise LookupError(e)

    def quiet(e):  # a 在网 D customer without October visits
        for k in cid:
            if mgr_of[k] == e and cls_of[k] == "D" and k not in used and cust.loc[cid.index(k), "status"] == "在网" \
                    and not any(v["customer_id"] == k and v["date"].month == 10 for v in visits):
                used.add(k)
                return k
        raise LookupError(e)

    cb_plan = {}  # customer → list of (date, result, comment) ; None = no callback at all

    def plan(e, day, callbacks_, label, member=None, item=None, start=None, classes_=("B1", "B2", "C")):
        k, v = solo(e, classes_)
        v["date"] = pd.Timestamp(day)
        if item:
            v["service_item"] = item
        if start is not None:
            v["start_time"], v["end_time"] = float(start), float(start + 5400)
        if member is not None:
            cust.loc[cid.index(k), "member"] = member
        cb_plan[k] = callbacks_
        planted_visit.append(f"{k} ({e}) 上门 {day}: {label}")
        return k

    # the 外出走访 days get their 出访登记 rows
    plan("1004", "2026-10-20", [("2026-10-21", "满意", "")], "外出走访 15:00-18:40 logged; callback 10-21 on time",
         item="专线扩容需求调研", start=15.5 * 3600)
    plan("1005", "2026-10-27", [("2026-10-29", "满意", "")], "外出走访 14:30-16:30 logged; callback 10-29 on time",
         item="5G专网方案交流", start=14.75 * 3600)
    plan("2003", "2026-10-14", [("2026-10-15", "一般", "")], "外出走访 09:30-13:10 logged; callback 10-15 on time",
         item="IDC机房巡检", start=10 * 3600)
    plan("1002", "2026-10-31", [], "Sat 10-31, no callback yet → pending (deadline 11-03 > as-of 11-02)",
         item="周末活动通信保障", start=10 * 3600)
    plan("2004", "2026-10-30", [("2026-11-02", "满意", "")], "callback 11-02 = deadline → on time")
    plan("1006", "2026-10-29", [("2026-11-02", "满意", "")], "callback 11-02 > deadline 11-01 → late")
    plan("1005", "2026-10-30", [("2026-11-01", "满意", "短信回复满意")], "callback 11-01 (Sun) → on time")
    plan("2005", "2026-10-13", [("2026-10-14", "未接通", ""), ("2026-10-15", "满意", "")],
         "未接通 10-14 then 满意 10-15 → on time (1 failed attempt)")
    plan("1004", "2026-10-12", [("2026-10-13", "未接通", "")], "only 未接通 → missing (回访函)")
    plan("1002", "2026-10-16", [("2026-10-19", "不满意", COMMENTS_BAD[0])], "callback 10-19 不满意 (on time)",
         item="宽带故障处理")
    plan("2003", "2026-10-23", [("2026-10-26", "不满意", COMMENTS_BAD[1])], "callback 10-26 不满意 (on time)")
    plan("1003", "2026-10-09", [("2026-10-15", "满意", "")], "协议客户, callback 10-15 → late (member late)",
         member=True)
    plan("2002", "2026-10-13", [], "协议客户, no callback → missing (member missing)", member=True)
    # special visit rows
    k_foreign = pick("1004", ("B1", "B2", "C", "D"))
    visit("2026-10-16", "1001", k_foreign, item="陪同走访,了解专线需求", cb=False)
    planted_visit.append(f"{k_foreign} (customer of 1004) 上门 by 1001 on 2026-10-16 (需回访=否) → W-visit-foreign")
    k_unsigned = quiet("2006")
    visit("2026-10-15", "2006", k_unsigned, item="专线故障处理", solved=True, signed=False)
    cb_plan[k_unsigned] = [("2026-10-16", "满意", "")]
    planted_visit.append(f"{k_unsigned} (2006) 上门 2026-10-15 解决问题=是 客户签名=否 → W-visit-unsigned; callback 10-16")
    k_nocb = pick("1006", ("B1", "B2", "C", "D"))
    visit("2026-10-22", "1006", k_nocb, item="满意度走访", cb=False)
    planted_visit.append(f"{k_nocb} (1006) 上门 2026-10-22 需回访=否 → no service event")

    visits_df = pd.DataFrame(visits).sort_values(["date", "start_time"], kind="stable").reset_index(drop=True)

    # --- callbacks
    cbs = []
    agent = lambda k: rm_of_room[room_of[mgr_of[k]]]  # noqa: E731
    for k, lst in cb_plan.items():
        for d, res, com in lst:
            cbs.append({"date": pd.Timestamp(d), "customer_id": k, "agent_id": agent(k), "method": "电话"
                        if "短信" not in com else "短信", "result": res, "comment": com or None})
    for v in visits_df.itertuples():
        k = v.customer_id
        if k in cb_plan or v.method != "上门" or v.callback_required is False:
            continue
        if v.date.month == 8:
            continue
        if v.date.month == 9:
            d = v.date + pd.Timedelta(days=R.choice([1, 1, 2, 3]))
            if d.month == 9:
                cbs.append({"date": d, "customer_id": k, "agent_id": agent(k), "method": "电话",
                            "result": R.choice(["满意"] * 4 + ["一般"]), "comment": None})
            continue
        x = R.random()
        if x < 0.06:
            continue  # missing
        if x < 0.12 and v.date <= pd.Timestamp("2026-10-23"):
            cbs.append({"date": v.date + pd.Timedelta(days=R.randint(4, 7)), "customer_id": k,
                        "agent_id": agent(k), "method": "电话", "result": "满意", "comment": None})
            continue
        d = v.date + pd.Timedelta(days=R.choice([0, 1, 1, 1, 2, 2, 3]))
        if R.random() < 0.07:
            cbs.append({"date": d, "customer_id": k, "agent_id": agent(k), "method": "电话",
                        "result": "未接通", "comment": None})
            d = min(d + pd.Timedelta(days=1), v.date + pd.Timedelta(days=3))
        cbs.append({"date": d, "customer_id": k, "agent_id": agent(k) if R.random() < 0.9 else None,
                    "method": R.choice(["电话"] * 8 + ["短信", "上门"]),
                    "result": R.choice(["满意"] * 7 + ["一般"] * 2), "comment": R.choice(COMMENTS_OK) or None})
    cb_df = pd.DataFrame(cbs).sort_values(["date", "customer_id"], kind="stable").reset_index(drop=True)
    assert cb_df["date"].max() == pd.Timestamp("2026-11-02")

    # --- punches
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

    # --- leave, violations
    leave_df = pd.DataFrame([{"employee_id": e, "kind": k, "starts_at": s, "ends_at": en, "reason": r}
                             for e, k, s, en, r, _ in DEMO_LEAVE])
    viol_df = pd.DataFrame([{"employee_id": e, "date": pd.Timestamp(d), "kind": k, "note": n}
                            for e, d, k, n in DEMO_VIOLATIONS])

    # --- targets: scenario per (employee, indicator) around the actual
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

    # --- tests
    tests_df = pd.DataFrame([{"employee_id": e, "month": m, "score": np.nan if s is None else float(s)}
                             for m, sc in DEMO_SCORES.items() for e, s in sc.items()])

    frames = {"staff": staff, "customers": cust, "visits": visits_df, "punches": pun_df, "leave": leave_df,
              "violations": viol_df, "targets": targets_df, "tests": tests_df, "callbacks": cb_df}
    text = ["Customers:"] + ["  " + p for p in planted] + ["Visits / callbacks:"] + ["  " + p for p in planted_visit]
    return frames, "\n".join(text)


def demo_tasks(frames, out: Path):
    """The messy committed layout of sample_inputs/."""
    st, cu, vi, pu = frames["staff"], frames["customers"], frames["visits"], frames["punches"]
    name_of = dict(zip(st["employee_id"], st["name"]))
    cname = dict(zip(cu["customer_id"], cu["customer_name"]))
    room_of = dict(zip(st["employee_id"], st["room"]))
    tasks = []
    # 员工名册: 工号 as Excel numbers
    tasks.append(("xlsx", out / "员工名册.xlsx", [Sheet("员工名册", [
        ("工号", *col_id_number(st["employee_id"])), ("姓名", *col_text(st["name"])),
        ("岗位", *col_text(st["role"])), ("所属室", *col_text(st["room"])),
        ("绩效基数", *col_num(st["performance_base"], "money")),
        ("入职日期", *col_excel_date(st["hired_on"])), ("离职日期", *col_excel_date(st["left_on"])),
        ("邮箱", *col_text(st["email"])), ("电话", *col_text(st["phone"]))], widths={"邮箱": 32})]))
    # 客户名册: title row, ids with leading zeros as text, 离网日期 as 2026年10月12日 text
    tasks.append(("xlsx", out / "客户名册.xlsx", [Sheet("客户名册", [
        *customer_columns(cu, col_text_date(cu["churned_on"], "cn"))],
        title="集团客户名册(2026年10月)", widths={"客户名称": 34, "地址": 36})]))
    # 出访登记: one workbook per room; room 1 text dates 2026/10/8 + text times + numeric 工号,
    # room 2 real Excel dates/times, text 工号, √/× booleans
    for room, fname in (("重要一室", "出访登记_重要一室.xlsx"), ("重要二室", "出访登记_重要二室.xlsx")):
        v = vi[[room_of[m] == room for m in vi["manager_id"]]]
        one = room == "重要一室"
        bstyle = "是否" if one else "√×"
        tasks.append(("xlsx", out / fname, [Sheet("出访登记", [
            ("日期", *(col_text_date(v["date"], "slash") if one else col_excel_date(v["date"]))),
            ("客户经理工号", *(col_id_number(v["manager_id"]) if one else col_text(v["manager_id"]))),
            ("客户编号", *col_text(v["customer_id"])),
            ("客户名称", *col_text([cname[k] for k in v["customer_id"]])),
            ("方式", *col_text(v["method"])),
            ("开始时间", *col_time(v["start_time"], "hm" if one else "excel")),
            ("结束时间", *col_time(v["end_time"], "hm" if one else "excel")),
            ("服务项目", *col_text(v["service_item"])),
            ("解决问题", *col_bool(v["problem_solved"], bstyle)),
            ("客户签名", *col_bool(v["customer_signed"], bstyle)),
            ("需回访", *col_bool(v["callback_required"], bstyle))], widths={"客户名称": 34, "服务项目": 22})]))
    # 打卡记录: one workbook, a sheet per room; room 1 with a title row and 打卡时间 datetimes,
    # room 2 with separate 日期 (Excel date) + 时间 (text with seconds)
    p1 = pu[[room_of[e] == "重要一室" for e in pu["employee_id"]]]
    p2 = pu[[room_of[e] == "重要二室" for e in pu["employee_id"]]]
    secs2 = (p2["punched_at"] - p2["punched_at"].dt.normalize()).dt.total_seconds().to_numpy()
    tasks.append(("xlsx", out / "打卡记录.xlsx", [
        Sheet("重要一室", [("工号", *col_text(p1["employee_id"])),
                         ("姓名", *col_text([name_of[e] for e in p1["employee_id"]])),
                         ("打卡时间", *col_excel_date(p1["punched_at"], "datetime")),
                         ("打卡设备", *col_text(["一楼大厅考勤机"] * len(p1)))],
              title="集团客户部2026年10月打卡记录(重要一室)"),
        Sheet("重要二室", [("工号", *col_text(p2["employee_id"])),
                         ("姓名", *col_text([name_of[e] for e in p2["employee_id"]])),
                         ("日期", *col_excel_date(p2["punched_at"].dt.normalize())),
                         ("时间", *col_time(secs2, "hms"))])]))
    # 请假外出: GBK CSV, datetimes as text, one date-only row, 补卡 without 结束时间
    lv = frames["leave"]
    tasks.append(("csv", out / "请假外出.csv", (Sheet("请假外出", [
        ("工号", *col_text(lv["employee_id"])), ("姓名", *col_text([name_of[e] for e in lv["employee_id"]])),
        ("类型", *col_text(lv["kind"])), ("开始时间", *col_text(lv["starts_at"])),
        ("结束时间", *col_text(lv["ends_at"])), ("事由", *col_text(lv["reason"]))]), "gbk")))
    # 违纪记录: dates as 2026年10月9日 text
    vl = frames["violations"]
    tasks.append(("xlsx", out / "违纪记录.xlsx", [Sheet("违纪记录", [
        ("工号", *col_text(vl["employee_id"])), ("姓名", *col_text([name_of[e] for e in vl["employee_id"]])),
        ("日期", *col_text_date(vl["date"], "cn")), ("类型", *col_text(vl["kind"])),
        ("说明", *col_text(vl["note"]))], widths={"说明": 30})]))
    # 指标: English alias headers
    tg = frames["targets"]
    tasks.append(("xlsx", out / "指标.xlsx", [Sheet("2026年10月指标", [
        ("employee_id", *col_text(tg["employee_id"])), ("indicator", *col_text(tg["indicator"])),
        ("base", *col_num(tg["base"])), ("target", *col_num(tg["target"])),
        ("challenge", *col_num(tg["challenge"])), ("actual", *col_num(tg["actual"]))])]))
    # 学习测评: title row, mixed month formats
    te = frames["tests"]
    mon = [{"2026-08": "2026-08", "2026-09": "2026年9月", "2026-10": "2026-10"}[m] for m in te["month"]]
    tasks.append(("xlsx", out / "学习测评.xlsx", [Sheet("学习测评", [
        ("工号", *col_text(te["employee_id"])), ("姓名", *col_text([name_of[e] for e in te["employee_id"]])),
        ("月份", *col_text(mon)), ("成绩", *col_num(te["score"]))],
        title="集团客户部2026年8—10月业务学习测评成绩")]))
    # 回访记录: Excel dates for October, text 2026/11/2 for the November tail
    cb = frames["callbacks"]
    dates, _f = col_excel_date(cb["date"])
    dtext, _ = col_text_date(cb["date"], "slash")
    dates = [t if d.month == 11 else s for d, s, t in zip(cb["date"], dates, dtext)]
    tasks.append(("xlsx", out / "回访记录.xlsx", [Sheet("回访记录", [
        ("日期", dates, "date"), ("客户编号", *col_text(cb["customer_id"])),
        ("客户名称", *col_text([cname[k] for k in cb["customer_id"]])),
        ("回访人", *col_text(cb["agent_id"])), ("方式", *col_text(cb["method"])),
        ("结果", *col_text(cb["result"])), ("意见", *col_text(cb["comment"]))],
        widths={"客户名称": 34, "意见": 30})]))
    return tasks


# ---------------------------------------------------------------------------

def generate(out_dir, month="2026-10", rooms=2, managers=12, customers=150, punches=None, visits=None,
             callbacks=None, seed=1, demo=False, csv=False, jobs=1, verbose=False):
    """Write one month of inputs into ``out_dir``; returns a summary dict
    (``files``, ``rows`` per dataset, ``seconds``, ``planted`` text for the demo)."""
    t0 = time.time()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    planted = None
    if demo:
        frames, planted = build_demo()
        tasks = demo_tasks(frames, out)
    else:
        frames = build_generic(month, rooms, managers, customers, punches, visits, callbacks, seed)
        tasks = generic_tasks(frames, out, as_csv=csv)
    t1 = time.time()
    if verbose:
        print(f"built data in {t1 - t0:.1f}s; writing {len(tasks)} files with {jobs} job(s)", file=sys.stderr)
    run_writes(tasks, jobs=jobs)
    return {"files": sorted(str(t[1]) for t in tasks), "rows": {k: len(v) for k, v in frames.items()},
            "seconds": round(time.time() - t0, 2), "build_seconds": round(t1 - t0, 2), "planted": planted}


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate one month of kehu input files (deterministic).")
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--month", default="2026-10")
    ap.add_argument("--rooms", type=int, default=100)
    ap.add_argument("--managers", type=int, default=2000, help="staff count (incl. one 重要室经理 per room)")
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--punches", type=int, default=1_000_000,
                    help="punch rows; 0 = natural (4 per workday per employee)")
    ap.add_argument("--visits", type=int, default=300_000)
    ap.add_argument("--callbacks", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--csv", action="store_true", help="write the big datasets as UTF-8 CSV")
    ap.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1), help="parallel writer processes")
    ap.add_argument("--demo", action="store_true",
                    help="the hand-crafted demo month (2026-10, 2 rooms, 12 staff); sizes are ignored")
    a = ap.parse_args(argv)
    res = generate(a.out, a.month, a.rooms, a.managers, a.customers, a.punches or None, a.visits, a.callbacks,
                   a.seed, demo=a.demo, csv=a.csv, jobs=a.jobs, verbose=True)
    size = sum(os.path.getsize(f) for f in res["files"])
    print(f"{len(res['files'])} files, {size / 1e6:.1f} MB, {res['seconds']}s (build {res['build_seconds']}s)")
    for k, v in res["rows"].items():
        print(f"  {k:10s} {v:>9,d} rows")
    if res["planted"]:
        print(res["planted"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
