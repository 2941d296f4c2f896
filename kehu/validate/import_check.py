"""导入核对: the days where kehu's reading and an attendance export's own verdict differ (issue 17).

DingTalk and WeCom judge each day by their own shift and rules (迟到, 严重迟到, 缺卡 …). kehu never
uses those verdicts for money: it computes every session from the punches, against the schedule
of the rules file and the calendar (SPEC §2.2–2.4; kehu.compute.attendance). This check lists
each day where the two disagree, and every administrator's correction (``管理员…改为正常``),
which kehu never applies — so the clerk can see why kehu's deductions are not DingTalk's.

Each side's day is a set of kinds: 迟到 (late), 早退 (early), 缺卡 (missing), 旷工 (absent). On the
export's side a pair of slots (上班n, 下班n) both 缺卡 is an absence; 请假 / 出差 / 外出, 休息 and
正常 add nothing. An export that lists punches only (原始记录, 打卡详情, the APIs) knows nothing
of a punch that is missing: against it only 迟到 and 早退 are compared. The days are compared
column-wise; the words are made for the listed days only.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from kehu.compute.attendance import DAY_MINUTES, month_sessions, punch_times, session_events
from kehu.compute.calendar import CalendarError, WorkCalendar
from kehu.month import Month

COLUMNS = ["employee_id", "name", "date", "export", "export_says", "kehu_says", "schedule", "punches", "note",
           "file", "sheet", "row"]
KINDS = ("late", "early", "missing", "absent")
FLAGS = ("admin", "rest", "excused")
EVENT_KINDS = {"late": "late", "early": "early", "missing_punch": "missing", "absent": "absent"}
DAY_KEY = ["employee_id", "date", "_file", "_sheet"]
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
    first, last = pd.Timestamp(month.first_day), pd.Timestamp(month.last_day)
    records = verdicts.loc[((verdicts["date"] >= first) & (verdicts["date"] <= last)).to_numpy()].reset_index(drop=True)
    if records.empty:
        return pd.DataFrame(columns=COLUMNS)
    records["kind"] = records["result"].map({r: verdict_kind(r) for r in records["result"].unique()})
    days = export_days(records)
    try:
        ours = KehuDays(frames, month, rules, set(days["employee_id"]))
    except CalendarError:
        return None                 # E-calendar-year says it; nothing to compare against
    listed = ours.differ(days)
    return ours.lines(days.loc[listed.to_numpy()], records)


def export_days(records: pd.DataFrame) -> pd.DataFrame:
    """One row per person, day and export sheet: who and where, whether the export speaks of the
    whole day, its kinds (a pair of slots both 缺卡 is one absence) and flags."""
    flags = pd.DataFrame({k: records["kind"].eq(k) for k in ("late", "early", "absent") + FLAGS})
    days = pd.concat([records[DAY_KEY + ["_name", "export", "complete", "_row"]], flags], axis=1).groupby(
        DAY_KEY, sort=True).agg(name=("_name", "first"), export=("export", "first"), complete=("complete", "first"),
                                row=("_row", "min"), **{k: (k, "any") for k in flags.columns})
    missing, absent = _missing_pairs(records)
    days["absent"] |= days.index.isin(absent)
    days["missing"] = days.index.isin(missing)
    return days.reset_index().rename(columns={"_file": "file", "_sheet": "sheet"})


def _missing_pairs(records: pd.DataFrame) -> tuple[pd.MultiIndex, pd.MultiIndex]:
    """(days with a 缺卡 that is not a whole pair, days with a pair of slots both 缺卡)."""
    gone = records.loc[records["kind"].eq("missing").to_numpy()]
    slot = gone["slot"].astype(str).str.extract(r"^(上班|下班)(\d)$")
    alone = pd.Series("-" + gone.index.astype(str), index=gone.index)     # a 缺卡 of no pair: its own
    pairs = gone[DAY_KEY].assign(pair=slot[1].fillna(alone), side=slot[0].fillna("?"))
    sides = pairs.groupby(DAY_KEY + ["pair"], sort=False)["side"].nunique()
    whole = sides.index[(sides >= 2).to_numpy()].droplevel("pair")
    part = sides.index[(sides < 2).to_numpy()].droplevel("pair")
    return part.unique(), whole.unique()


class KehuDays:
    """kehu's reading of each day of the people the exports speak of (kehu.compute.attendance)."""

    def __init__(self, frames: dict, month: Month, rules: dict, people: set):
        mine = {k: frames[k].loc[frames[k]["employee_id"].isin(people).to_numpy()] for k in ("staff", "punches", "leave")}
        calendar = WorkCalendar(frames["calendar"], rules)
        self.month, self.rules = month, rules
        self.grid, self.sessions = month_sessions(mine["staff"], mine["punches"], mine["leave"], month, rules, calendar)
        self.events = pd.concat(session_events(self.sessions, self.grid, rules), ignore_index=True)
        self.times = punch_times(mine["punches"], mine["leave"], rules)

    def differ(self, days: pd.DataFrame) -> pd.Series:
        """The export's days to list: kehu assesses the person, and it reads the day otherwise (on
        the kinds the export can speak of) or an administrator corrected the export."""
        days["code"] = self.grid.codes(days["employee_id"])
        days["index"] = (days["date"] - pd.Timestamp(self.month.first_day)).dt.days.to_numpy(dtype=np.int64)
        keys = days["code"].to_numpy() * self.grid.days + days["index"].to_numpy()
        event_keys = self.events["code"].to_numpy() * self.grid.days + self.events["day"].to_numpy()
        differ = np.zeros(len(days), dtype=bool)
        for kind, ours in (("late", "late"), ("early", "early"), ("missing", "missing_punch"), ("absent", "absent")):
            theirs_ = days[kind].to_numpy(dtype=bool)
            mine = np.isin(keys, event_keys[self.events["type"].to_numpy() == ours])
            spoken = np.ones(len(days), bool) if kind in ("late", "early") else days["complete"].to_numpy(dtype=bool)
            differ |= spoken & (mine != theirs_)
        days["differ"] = differ
        return pd.Series((days["code"].to_numpy() >= 0) & (differ | days["admin"].to_numpy(dtype=bool)), index=days.index)

    def lines(self, days: pd.DataFrame, records: pd.DataFrame) -> pd.DataFrame:
        """The 导入核对 rows of the listed days, with the words of both sides."""
        if days.empty:
            return pd.DataFrame(columns=COLUMNS)
        said = _export_words(days, records)
        checked = self.grid.checked(days["code"].to_numpy(), days["index"].to_numpy())
        events, punches = self._events_by_day(days), self._punches(days)
        rows = []
        for day, ok in zip(days.itertuples(index=False), checked):
            mine = events.get((day.code, day.index), [])
            rows.append({"employee_id": day.employee_id, "name": day.name, "date": day.date, "export": day.export,
                         "export_says": said.get((day.employee_id, day.date, day.file, day.sheet), ""),
                         "kehu_says": self._says(day.code, day.index, ok, mine),
                         "schedule": self._schedule(day.index) if ok else "",
                         "punches": punches.get((day.employee_id, day.date), ""),
                         "note": _note(day, {EVENT_KINDS[e[1]] for e in mine}, ok), "file": day.file,
                         "sheet": day.sheet, "row": int(day.row)})
        return pd.DataFrame(rows, columns=COLUMNS)

    def _events_by_day(self, days: pd.DataFrame) -> dict:
        """(code, day index) → [(session, type, minutes)] of the listed days."""
        ev = self.events
        hit = np.isin(ev["code"].to_numpy() * self.grid.days + ev["day"].to_numpy(),
                      days["code"].to_numpy() * self.grid.days + days["index"].to_numpy())
        out: dict[tuple, list] = {}
        for code, day, session, kind, minutes in zip(*(ev[c].to_numpy()[hit] for c in
                                                       ("code", "day", "session", "type", "minutes"))):
            out.setdefault((int(code), int(day)), []).append((session, kind, minutes))
        return out

    def _punches(self, days: pd.DataFrame) -> dict:
        """(工号, day) → the punches kehu used that day (补卡 times included), ``09:45、13:01``."""
        at = pd.to_datetime(self.times["at"]).dt.floor("min")     # (a month without punches leaves "at" untyped)
        used = pd.DataFrame({"e": self.times["employee_id"].to_numpy(), "d": at.dt.normalize().to_numpy(),
                             "t": at.to_numpy()})
        used = used.loc[pd.MultiIndex.from_frame(used[["e", "d"]]).isin(
            pd.MultiIndex.from_arrays([days["employee_id"], days["date"]]))]
        used = used.drop_duplicates().sort_values(["e", "d", "t"], kind="stable")
        out: dict[tuple, list] = {}
        for e, d, t in zip(used["e"].tolist(), used["d"].tolist(), used["t"].dt.strftime("%H:%M").tolist()):
            out.setdefault((e, d), []).append(t)
        return {key: "、".join(times) for key, times in out.items()}

    def _says(self, code: int, index: int, checked: bool, events: list) -> str:
        if not checked:
            return "不考勤（休息日或不在职）"
        parts = []
        for half, label in ((0, "上午"), (1, "下午")):
            key = (code * self.grid.days + index) * 2 + half
            mine = [e for e in events if e[0] in (("AM", "PM")[half], "DAY")]
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


def _export_words(days: pd.DataFrame, records: pd.DataFrame) -> dict:
    """(工号, day, file, sheet) → what the export says of the day: ``上班1 迟到（09:55）；下班1 正常``."""
    wanted = pd.MultiIndex.from_frame(days[["employee_id", "date", "file", "sheet"]])
    mine = records.loc[pd.MultiIndex.from_frame(records[DAY_KEY]).isin(wanted)]
    words = (mine["slot"].astype(str) + " " + mine["result"]).str.strip() + \
        np.where(mine["shown"].astype(bool), "（" + mine["shown"] + "）", "")
    out: dict[tuple, list] = {}
    for key, word in zip(zip(*(mine[k].tolist() for k in DAY_KEY)), words.tolist()):
        out.setdefault(key, []).append(word)
    return {key: "；".join(said) for key, said in out.items()}


def _event_words(event: tuple) -> str:
    _, kind, minutes = event
    if kind == "absent":
        return "旷工"
    if kind == "missing_punch":
        return "缺卡"
    return f"{'迟到' if kind == 'late' else '早退'} {int(minutes)} 分钟"


def _note(day, kinds: set, checked: bool) -> str:
    system = "企业微信" if day.export.startswith("企业微信") else "钉钉"
    notes = []
    if day.admin:
        notes.append(f"管理员在{system}中修改了考勤结果；kehu 不采用修改，按打卡重新计算。如修改有据（如忘记打卡），请补一条补卡记录")
    if day.differ and not checked:
        notes.append("kehu 按日历这天不考勤（休息日，或此人不在职）")
    elif day.differ and day.rest:
        notes.append(f"{system}这天排休息，kehu 按日历这天是工作日")
    elif day.differ and day.excused and "absent" in kinds:
        notes.append(f"{system}显示请假或外出，但 kehu 没有这天审批通过的请假外出记录")
    elif day.differ:
        notes.append(f"kehu 按考勤制度的作息重新计算，与{system}的班次或规则不同")
    return "；".join(notes) + "。" if notes else ""


def _clock(minutes) -> str:
    minutes = int(minutes) % DAY_MINUTES
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
