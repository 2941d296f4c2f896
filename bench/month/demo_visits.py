"""The demo month's 出访登记 and 回访记录: routine visits for every customer's class and cycle, and the
planted cases of the story in demo.py (non-compliant customers, W-visit-foreign, W-visit-unsigned,
a visit without service event, and the callback cases: pending, on time at the deadline, late,
未接通, missing, 不满意, member late / missing)."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from .base import CLASS_REQUIRED, MonthSpec, workdays
from .callbacks import COMMENTS_BAD, COMMENTS_OK
from .visits import FIX_ITEMS, SERVICE_ITEMS

OCT_LAST_RANDOM = dt.date(2026, 10, 28)     # routine October visits end here; the planted ones come after


def _day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


class DemoVisits:
    """Visits and callbacks of the demo month, drawn with the demo's ``R`` in a fixed order."""

    def __init__(self, R, staff: pd.DataFrame, book, leave_rows):
        self.R, self.book = R, book
        self.rows: list[dict] = []
        self.cb_plan: dict[str, list] = {}  # customer → [(date, result, comment)]; [] = no callback at all
        self.planted: list[str] = []
        self.room_of = dict(zip(staff["employee_id"], staff["room"]))
        self.rm_of_room = {r: e for e, r, ro in zip(staff["employee_id"], staff["room"], staff["role"])
                           if ro == "重要室经理"}
        self.blocked = {e: set() for e in staff["employee_id"]}   # days away (leave, whole-day 旷工)
        for e, kind, s, en, _r, _sess in leave_rows:
            if kind in ("补卡", "外出走访"):
                continue
            d0, d1 = _day(s[:10]), _day((en or s)[:10])
            while d0 <= d1:
                self.blocked[e].add(d0)
                d0 += dt.timedelta(1)
        self.blocked["2003"].add(_day("2026-10-22"))
        self.blocked["1004"].add(_day("2026-10-15"))

    # ------------------------------------------------------------------ one row

    def visit(self, day, e, k, method="上门", item=None, solved=None, signed=None, cb=None, start=None):
        R = self.R
        if start is None:
            start = R.choice([9.5, 10, 10.5, 11, 15.5, 16, 16.5, 17]) * 3600
        item = item or R.choice(SERVICE_ITEMS)
        if solved is None:
            solved = item in FIX_ITEMS and R.random() < 0.85
        if signed is None:
            signed = True if solved else R.random() < 0.6
        self.rows.append({"date": pd.Timestamp(day), "manager_id": e, "customer_id": k, "method": method,
                          "start_time": float(start), "end_time": float(start + R.choice([30, 45, 60, 90]) * 60),
                          "service_item": item, "problem_solved": solved, "customer_signed": signed,
                          "callback_required": cb})

    def free_days(self, e, month, before=None):
        days = [d for d in workdays(MonthSpec(month))[0] if d not in self.blocked[e]]
        if before:
            days = [d for d in days if d <= before]
        return days

    # ------------------------------------------------------------------ the month's visits

    def non_compliant(self) -> dict:
        """The planted non-compliant due customers, with why."""
        pick, nc = self.book.pick, {}
        nc[pick("1004", ("A1", "A2"))] = "only 1 上门 in Oct (+1 电话) → non-compliant"
        nc[pick("2003", ("A1", "A2"))] = "only 1 上门 in Oct (+1 电话) → non-compliant"
        for e in ("1002", "2005", "2002"):
            nc[pick(e, ("B1", "B2"))] = "no 上门 in Oct (1 电话 only) → non-compliant"
        nc[pick("1003", ("C",))] = "C: last 上门 2026-08 (outside the Sep–Oct window) → non-compliant"
        nc[pick("2006", ("C",))] = "C: no visit at all → non-compliant"
        for k, why in nc.items():
            self.planted.append(f"{k} ({self.book.mgr_of[k]}, {self.book.cls_of[k]}) {why}")
        return nc

    def routine(self, nc: dict) -> None:
        """Aug / Sep history and October visits of every customer by its class; the planted
        non-compliant ones get what their reason says."""
        R, book, visit = self.R, self.book, self.visit
        for k in book.cid:
            e, c = book.mgr_of[k], book.cls_of[k]
            if k in book.churned_before:
                visit(R.choice(self.free_days(e, "2026-08")), e, k)
                continue
            for mon in ("2026-08", "2026-09"):
                if c in ("A1", "A2", "B1", "B2") and R.random() < 0.9:
                    for d in R.sample(self.free_days(e, mon), CLASS_REQUIRED[c]):
                        visit(d, e, k)
            sep_c = False
            if c == "C" and k not in nc and R.random() < 0.45:
                visit(R.choice(self.free_days(e, "2026-09")), e, k)
                sep_c = True
            if c == "D" and R.random() < 0.6:
                visit(R.choice(self.free_days(e, "2026-08")), e, k)
            if book.cust.loc[book.at(k), "status"] == "离网":
                continue  # churned in October: no October visits
            fd = self.free_days(e, "2026-10", OCT_LAST_RANDOM)
            if k in nc:
                self._planted_october(nc[k], fd, e, k)
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

    def _planted_october(self, why, fd, e, k) -> None:
        R, visit = self.R, self.visit
        if why.startswith("only 1"):
            a, b = sorted(R.sample(fd, 2))
            visit(a, e, k)
            visit(b, e, k, method="电话", item="需求电话沟通")
        elif why.startswith("no 上门"):
            visit(R.choice(fd), e, k, method="电话", item="账单核对")
        elif "2026-08" in why:
            visit(R.choice(self.free_days(e, "2026-08")), e, k)

    # ------------------------------------------------------------------ planted callback cases

    def solo(self, e, classes_=("B1", "B2", "C")):
        """A 在网 customer of ``e`` (B/C) whose only October visit is one 上门, and that visit."""
        book = self.book
        for k in book.cid:
            if book.mgr_of[k] == e and book.cls_of[k] in classes_ and k not in book.used \
                    and k not in book.churned_before and book.cust.loc[book.at(k), "status"] == "在网":
                octs = [v for v in self.rows if v["customer_id"] == k and v["date"].month == 10]
                if len(octs) == 1 and octs[0]["method"] == "上门":
                    book.used.add(k)
                    return k, octs[0]
        raise LookupError(e)

    def quiet(self, e):
        """A 在网 D customer of ``e`` without October visits."""
        book = self.book
        for k in book.cid:
            if book.mgr_of[k] == e and book.cls_of[k] == "D" and k not in book.used \
                    and book.cust.loc[book.at(k), "status"] == "在网" \
                    and not any(v["customer_id"] == k and v["date"].month == 10 for v in self.rows):
                book.used.add(k)
                return k
        raise LookupError(e)

    def plan(self, e, day, callbacks_, label, member=None, item=None, start=None, classes_=("B1", "B2", "C")):
        k, v = self.solo(e, classes_)
        v["date"] = pd.Timestamp(day)
        if item:
            v["service_item"] = item
        if start is not None:
            v["start_time"], v["end_time"] = float(start), float(start + 5400)
        if member is not None:
            self.book.cust.loc[self.book.at(k), "member"] = member
        self.cb_plan[k] = callbacks_
        self.planted.append(f"{k} ({e}) 上门 {day}: {label}")
        return k

    def callback_cases(self) -> None:
        plan = self.plan
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

    def special_rows(self) -> None:
        """W-visit-foreign, W-visit-unsigned, and a 上门 with 需回访=否."""
        pick, visit = self.book.pick, self.visit
        k_foreign = pick("1004", ("B1", "B2", "C", "D"))
        visit("2026-10-16", "1001", k_foreign, item="陪同走访,了解专线需求", cb=False)
        self.planted.append(f"{k_foreign} (customer of 1004) 上门 by 1001 on 2026-10-16 (需回访=否) → W-visit-foreign")
        k_unsigned = self.quiet("2006")
        visit("2026-10-15", "2006", k_unsigned, item="专线故障处理", solved=True, signed=False)
        self.cb_plan[k_unsigned] = [("2026-10-16", "满意", "")]
        self.planted.append(f"{k_unsigned} (2006) 上门 2026-10-15 解决问题=是 客户签名=否 → W-visit-unsigned; callback 10-16")
        k_nocb = pick("1006", ("B1", "B2", "C", "D"))
        visit("2026-10-22", "1006", k_nocb, item="满意度走访", cb=False)
        self.planted.append(f"{k_nocb} (1006) 上门 2026-10-22 需回访=否 → no service event")

    # ------------------------------------------------------------------ callbacks

    def callbacks(self, visits_df: pd.DataFrame) -> pd.DataFrame:
        """The planned callbacks, then for every other 上门: Sep visits answered in Sep, October ones
        mostly on time, ~6 % missing, ~6 % late, ~7 % with a 未接通 first (Aug visits: none)."""
        R, cbs = self.R, []
        agent = lambda k: self.rm_of_room[self.room_of[self.book.mgr_of[k]]]  # noqa: E731
        for k, lst in self.cb_plan.items():
            for d, res, com in lst:
                cbs.append({"date": pd.Timestamp(d), "customer_id": k, "agent_id": agent(k), "method": "电话"
                            if "短信" not in com else "短信", "result": res, "comment": com or None})
        for v in visits_df.itertuples():
            k = v.customer_id
            if k in self.cb_plan or v.method != "上门" or v.callback_required is False:
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
        return cb_df


def make(R, staff: pd.DataFrame, book, leave_rows) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """(visits, callbacks, planted lines) of the demo month."""
    dv = DemoVisits(R, staff, book, leave_rows)
    nc = dv.non_compliant()
    dv.routine(nc)
    dv.callback_cases()
    dv.special_rows()
    visits_df = pd.DataFrame(dv.rows).sort_values(["date", "start_time"], kind="stable").reset_index(drop=True)
    return visits_df, dv.callbacks(visits_df), dv.planted
