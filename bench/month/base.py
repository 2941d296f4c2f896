"""The generator's shared ground: enums mirrored from kehu/schema.py, the rules' schedule, the
class bands, and the calendar of a month (workdays, sessions, random days)."""
from __future__ import annotations

import calendar as _calendar
import datetime as dt

import numpy as np

try:
    import chinese_calendar
except ImportError:  # pragma: no cover - installed in the project env
    chinese_calendar = None

# --- enums, mirrored from kehu/schema.py (tests/test_generator.py checks they agree)
ROLES = ("客户经理", "行业客户经理", "重要室经理", "临时负责人")
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


def random_dates(rng, start: dt.date, end: dt.date, n):
    """uniform dates in [start, end] as datetime64[D]."""
    span = (end - start).days + 1
    return np.datetime64(start, "D") + rng.integers(0, span, n).astype("timedelta64[D]")


def workday_pick(rng, days: list[dt.date], n):
    arr = np.array(days, dtype="datetime64[D]")
    return arr[rng.integers(0, len(arr), n)]
