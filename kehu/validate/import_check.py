"""导入核对: the days where kehu's reading and an attendance export's own verdict differ (issue 17).

DingTalk and WeCom judge each day by their own shift and rules (迟到, 严重迟到, 缺卡 …). kehu never
uses those verdicts for money: it computes every session from the punches, against the schedule
of the rules file and the calendar (SPEC §2.2–2.4; kehu.compute.attendance). This check lists
each day where the two disagree, and every administrator's correction (``管理员…改为正常``),
which kehu never applies — so the clerk can see why kehu's deductions are not DingTalk's.

Each side's day is a set of kinds: 迟到 (late), 早退 (early), 缺卡 (missing), 旷工 (absent). On the
export's side a pair of slots (上班n, 下班n) both 缺卡 is an absence; 请假 / 出差 / 外出, 休息 and
正常 add nothing. An export that lists punches only (原始记录, 打卡详情, the APIs) knows nothing
of a punch that is missing: against it only 迟到 and 早退 are compared.
"""
from __future__ import annotations

import re
from collections import defaultdict

import numpy as np
import pandas as pd

from kehu.compute.attendance import DAY_MINUTES, month_sessions, punch_times, session_events
from kehu.compute.calendar import CalendarError, WorkCalendar
from kehu.month import Month

COLUMNS = ["employee_id", "name", "date", "export", "export_says", "kehu_says", "schedule", "punches", "note",
           "file", "sheet", "row"]
KINDS = ("late", "early", "missing", "absent")
SAID = {"late": "迟到", "early": "早退", "missing": "缺卡", "absent": "旷工"}
TIMING = frozenset({"late", "early"})
_SLOT = re.compile(r"(上班|下班)(\d)$")
_ADMIN = re.compile(r"管理员.*(改|修改)")
_EXCUSED = ("请假", "出差", "外出", "调休", "事假", "病假", "年假", "婚假", "产假", "丧假", "假")


def verdict_kind(text: str) -> str:
    """An export's verdict of one slot as a kind: late, early, missing, absent — or admin, rest,
    excused, ok (which add nothing)."""
    if _ADMIN.search(text):
        return "admin"
    if "迟到" in text:
        return "late"
    if "早退" in text:
        return "early"
    if "缺卡" in text or "未打卡" in text:
        return "missing"
    if "旷工" in text:
        return "absent"
    if "休息" in text or "不在考勤组" in text or text.startswith("未加入"):
        return "rest"
    if any(word in text for word in _EXCUSED):
        return "excused"
    return "ok"


def import_check(frames: dict, verdicts: pd.DataFrame | None, month: Month, rules: dict) -> pd.DataFrame | None:
    """The 导入核对 rows (COLUMNS) of the month, or None when no export gave a verdict."""
    if verdicts is None or verdicts.empty:
        return None
    inside = (verdicts["date"] >= pd.Timestamp(month.first_day)) & (verdicts["date"] <= pd.Timestamp(month.last_day))
    days = export_days(verdicts.loc[inside.to_numpy()])
    try:
        ours = KehuDays(frames, month, rules, set(days["employee_id"]))
    except CalendarError:
        return None                 # E-calendar-year says it; nothing to compare against
    rows = [r for r in (ours.compare(day) for day in days.itertuples(index=False)) if r is not None]
    return pd.DataFrame(rows, columns=COLUMNS)


def export_days(verdicts: pd.DataFrame) -> pd.DataFrame:
    """One row per person, day and export sheet: its kinds, what it says, whether it speaks of the
    whole day, whether an administrator corrected it, and where it is."""
    groups: dict[tuple, list] = defaultdict(list)
    plain = verdicts.rename(columns={"_file": "file", "_sheet": "sheet", "_row": "row", "_name": "name"})
    for v in plain.itertuples(index=False):       # (itertuples renames columns that start with "_")
        groups[(v.employee_id, v.date, v.file, v.sheet)].append(v)
    rows = []
    for (eid, day, file, sheet), slots in sorted(groups.items(), key=lambda kv: kv[0]):
        said = "；".join(f"{s.slot} {s.result}".strip() + (f"（{s.shown}）" if s.shown else "") for s in slots)
        kinds = {verdict_kind(s.result) for s in slots}
        rows.append({"employee_id": eid, "name": slots[0].name, "date": day, "export": slots[0].export,
                     "complete": bool(slots[0].complete), "kinds": _day_kinds(slots), "says": said,
                     "admin": "admin" in kinds, "rest": "rest" in kinds, "excused": "excused" in kinds,
                     "file": file, "sheet": sheet, "row": int(min(s.row for s in slots))})
    return pd.DataFrame(rows, columns=["employee_id", "name", "date", "export", "complete", "kinds", "says", "admin",
                                       "rest", "excused", "file", "sheet", "row"])


def _day_kinds(slots: list) -> frozenset:
    """The kinds of an export's day: a pair of slots both 缺卡 is one absence."""
    kinds, pairs = set(), defaultdict(list)
    for s in slots:
        kind = verdict_kind(s.result)
        m = _SLOT.match(s.slot or "")
        if m and kind == "missing":
            pairs[m.group(2)].append(m.group(1))
        elif kind in KINDS:
            kinds.add(kind)
    for sides in pairs.values():
        kinds.add("absent" if {"上班", "下班"} <= set(sides) else "missing")
    return frozenset(kinds)


class KehuDays:
    """kehu's reading of each day of the people the exports speak of (kehu.compute.attendance)."""

    def __init__(self, frames: dict, month: Month, rules: dict, people: set):
        staff = frames["staff"].loc[frames["staff"]["employee_id"].isin(people).to_numpy()]
        punches = frames["punches"].loc[frames["punches"]["employee_id"].isin(people).to_numpy()]
        leave = frames["leave"].loc[frames["leave"]["employee_id"].isin(people).to_numpy()]
        calendar = WorkCalendar(frames["calendar"], rules)
        self.month, self.grid, self.sessions = month, *month_sessions(staff, punches, leave, month, rules, calendar)
        self.events = _events_by_day(session_events(self.sessions, self.grid, rules))
        times = punch_times(punches, leave, rules)
        at = pd.to_datetime(times["at"]).dt.floor("min")      # (an empty leave frame leaves "at" untyped)
        self.punches = at.groupby([times["employee_id"], at.dt.normalize()]).agg(
            lambda s: "、".join(f"{t:%H:%M}" for t in sorted(set(s)))).to_dict() if len(times) else {}

    def compare(self, day) -> dict | None:
        """The 导入核对 row of an export's day, or None when kehu agrees (or does not assess it)."""
        code = self.grid.codes(pd.Series([day.employee_id]))[0]
        index = (day.date - pd.Timestamp(self.month.first_day)).days
        if code < 0:
            return None
        checked = bool(self.grid.checked(np.array([code]), np.array([index]))[0])
        events = self.events.get((code, index), [])
        kinds = frozenset(SAID_KIND[e[1]] for e in events)
        compared = KINDS if day.complete else TIMING
        differ = kinds & frozenset(compared) != day.kinds & frozenset(compared)
        if not (differ or day.admin):
            return None
        return {"employee_id": day.employee_id, "name": day.name, "date": day.date, "export": day.export,
                "export_says": day.says, "kehu_says": self._says(code, index, checked, events),
                "schedule": self._schedule(index) if checked else "",
                "punches": self.punches.get((day.employee_id, day.date), ""),
                "note": _note(day, kinds, checked, differ), "file": day.file, "sheet": day.sheet, "row": day.row}

    def _says(self, code: int, index: int, checked: bool, events: list) -> str:
        if not checked:
            return "不考勤（休息日或不在职）"
        parts = []
        for half, label in ((0, "上午"), (1, "下午")):
            key = (code * self.grid.days + index) * 2 + half
            mine = [e for e in events if e[0] == half or e[3] == "DAY"]
            if self.sessions.excused[key]:
                parts.append(f"{label}请假")
            elif mine:
                parts.append(label + "、".join(_event_words(e) for e in mine))
            else:
                parts.append(f"{label}正常")
        return "；".join(parts)

    def _schedule(self, index: int) -> str:
        t = self.grid.times[index]
        return "，".join(f"{_clock(a)}–{_clock(b)}" for a, b in ((t[0], t[1]), (t[2], t[3])))


SAID_KIND = {"late": "late", "early": "early", "missing_punch": "missing", "absent": "absent"}


def _events_by_day(parts: list[pd.DataFrame]) -> dict:
    """(code, day) → [(half or None, type, minutes)] of the session events."""
    out: dict[tuple, list] = defaultdict(list)
    for part in parts:
        for code, day, session, kind, minutes in zip(part["code"], part["day"], part["session"], part["type"],
                                                     part["minutes"]):
            out[(int(code), int(day))].append(({"AM": 0, "PM": 1}.get(session), kind, minutes, session))
    return out


def _event_words(event: tuple) -> str:
    half, kind, minutes, session = event
    if kind == "absent":
        return "旷工"
    if kind == "missing_punch":
        return "缺卡"
    return f"{SAID[SAID_KIND[kind]]} {int(minutes)} 分钟"


def _note(day, kinds: frozenset, checked: bool, differ: bool) -> str:
    system = "企业微信" if day.export.startswith("企业微信") else "钉钉"
    notes = []
    if day.admin:
        notes.append(f"管理员在{system}中修改了考勤结果；kehu 不采用修改，按打卡重新计算。如修改有据（如忘记打卡），请补一条补卡记录")
    if differ and not checked:
        notes.append("kehu 按日历这天不考勤（休息日，或此人不在职）")
    elif differ and day.rest:
        notes.append(f"{system}这天排休息，kehu 按日历这天是工作日")
    elif differ and day.excused and "absent" in kinds:
        notes.append(f"{system}显示请假或外出，但 kehu 没有这天审批通过的请假外出记录")
    elif differ:
        notes.append(f"kehu 按考勤制度的作息重新计算，与{system}的班次或规则不同")
    return "；".join(notes) + "。" if notes else ""


def _clock(minutes) -> str:
    minutes = int(minutes) % DAY_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
