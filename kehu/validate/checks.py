"""Dataset and cross-dataset checks (SPEC §1 "Duplicates", "Rows of other months", §5).

Each check takes the typed frames, records findings and drops the rows it
rejects or ignores through the ledger, so every row stays accounted for.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import replace

import pandas as pd

from kehu.examples import example_rows_of
from kehu.findings import Finding, make, more, show, show_day
from kehu.load.ledger import Ledger
from kehu.month import Month
from kehu.roster import departed_by, employed_in
from kehu.schema import ACTIVE, BY_KEY, CHURNED
from kehu.validate.calendar_review import unreviewed_calendar
from kehu.schemes import CUSTOMER_MANAGER, OWN, actual_names, head_roles, indicators, rows_read, scheme_of
from kehu.validate.months import MonthChecks
from kehu.validate.references import ReferenceChecks
from kehu.validate.visit_log import unlogged_visit_findings

MAX_FINDINGS_PER_KIND = 5000      # per code and sheet; the rest is summarised in one finding
ROSTERS = ("staff", "customers")
REQUIRED_DATASETS = ("staff", "customers", "punches", "targets", "visits", "tests", "callbacks")
OPTIONAL_WITH_WARNING = ("leave", "violations")
PLACE = ["_file", "_sheet", "_row"]              # where a row is, as the clerk finds it


def _cheap_columns(key: str, cols: list[str]) -> list[str]:
    """The columns of ``cols`` that hash fast (all but money and numbers, which hold Decimals)."""
    slow = {c.alias for c in BY_KEY[key].columns if c.type in ("money", "number")}
    return [c for c in cols if c not in slow] or cols


class Checker(MonthChecks, ReferenceChecks):
    def __init__(self, frames: dict, month: Month, rules: dict, ledger: Ledger, findings: list):
        self.f, self.month, self.rules, self.ledger, self.findings = frames, month, rules, ledger, findings
        self._unchecked = {"staff": Counter(), "customers": Counter()}
        self._consequences: dict[tuple, Counter] = defaultdict(Counter)   # (roster, id) → rows per dataset
        self.first = pd.Timestamp(month.first_day)
        self.end = pd.Timestamp(month.last_day) + pd.Timedelta(days=1)   # exclusive

    # -- finding helpers -------------------------------------------------
    def flag(self, key: str, mask: pd.Series, alias: str, code: str, fields, drop: str | None):
        """A finding of ``code`` per row under ``mask`` at column ``alias`` (``fields``: row → the
        code's template fields); drop those rows as ``drop``."""
        frame = self.f[key]
        if not mask.any():
            return
        # itertuples renames "_row"-style columns, so the Excel row travels as excel_row; the rows are
        # made once, in (file, sheet) order: itertuples per sheet would copy every column per sheet
        hits = frame.loc[mask].assign(excel_row=frame.loc[mask, "_row"]).sort_values(["_file", "_sheet"], kind="stable")
        rows, start = list(hits.itertuples(index=True)), 0
        for (file, sheet), size in hits.groupby(["_file", "_sheet"], sort=True).size().items():
            self._flag_sheet(key, file, sheet, rows[start:start + size], alias, code, fields, drop)
            start += size
        if drop == "rejected" and key in ROSTERS:
            self.ledger.keep_rejected(key, frame.loc[mask])
        if drop:
            self.f[key] = self.ledger.drop(frame, mask, drop)

    def _flag_sheet(self, key: str, file: str, sheet: str, rows: list, alias: str, code: str, fields, drop):
        """``flag``'s findings in one sheet: one per row, at most ``MAX_FINDINGS_PER_KIND`` and one for the rest."""
        header, letter = self.ledger.locate(file, sheet, alias)
        header = header or BY_KEY[key].column(alias).name if alias else header
        emp_col = next((c for c in ("employee_id", "manager_id") if c in self.f[key]), None)
        for i, row in enumerate(rows):
            if i == MAX_FINDINGS_PER_KIND:
                self.findings.append(more(code, len(rows) - i, file=file, sheet=sheet, column=header,
                                          letter=letter, dataset=key, rejected=drop == "rejected"))
                break
            value = getattr(row, alias) if alias else ""
            self.findings.append(make(
                code, file=file, sheet=sheet, row=int(row.excel_row), column=header, letter=letter,
                value=show(value), dataset=key, employee_id=show(getattr(row, emp_col)) if emp_col else "",
                rejected=drop == "rejected", **fields(row)))

    # -- the checks ------------------------------------------------------
    def run(self) -> dict:
        self.missing_datasets()
        self.exact_duplicates()
        self.example_rows()
        self.leave_rows()
        self.month_checks()
        self.duplicate_keys()
        self.staff_checks()
        self.customer_checks()
        self.handover_checks()
        self.target_checks()
        self.visit_checks()
        self.punch_checks()
        self.leave_checks()
        self.violation_checks()
        self.test_checks()
        self.callback_checks()
        self.missing_targets()
        self.findings.extend(unreviewed_calendar(self.f["calendar"], self.month, self.ledger.locate))
        self.unused_targets()
        self.unchecked_references()
        self.consequence_findings()
        for f in unlogged_visit_findings(self.f["leave"], self.f["visits"], self.rules):
            header, letter = self.ledger.locate(f.file, f.sheet, "kind")
            self.findings.append(replace(f, column=header, letter=letter))
        return self.f

    def missing_datasets(self):
        """A required dataset without any sheet is an error; an optional one a warning, or nothing
        (SPEC §10.6: 回访记录 is needed only when a visit of the month needs a callback)."""
        if any(f.code == "E-folder-empty" for f in self.findings):
            return                                  # one finding says it for every dataset
        for key in REQUIRED_DATASETS + OPTIONAL_WITH_WARNING:
            if not self.f[key].empty or self._has_sheet(key):
                continue
            required = key in REQUIRED_DATASETS and (key != "callbacks" or self._service_events() > 0)
            if key == "callbacks" and not required:
                continue
            self.findings.append(self._missing_dataset(key, required))

    def _missing_dataset(self, key: str, required: bool) -> Finding:
        name = BY_KEY[key].name
        cols = "、".join(c.name for c in BY_KEY[key].columns if c.required)
        why = f"本月有 {self._service_events()} 次需回访的出访，输入文件夹中却" if key == "callbacks" else "输入文件夹中"
        if required:
            return make("E-dataset-missing", dataset=key, why=why, name=name, columns=cols)
        return make("W-dataset-missing", dataset=key, name=name, columns=cols)

    def _service_events(self) -> int:
        """Visits of the month with 需回访 = 是 (SPEC §2.7): what makes 回访记录 required."""
        v = self.f["visits"]
        inside = (v["date"] >= self.first) & (v["date"] < self.end)
        return int((inside & v["callback_required"].astype(bool)).sum()) if len(v) else 0

    def _has_sheet(self, key):
        return self.ledger.has_dataset(key)

    def exact_duplicates(self):
        for key, frame in self.f.items():
            if frame.empty:
                continue
            derived = {name for name, _ in BY_KEY[key].derived}
            # every cell: the typed columns and the hash of those kehu does not read (SPEC §1)
            cols = [c for c in frame.columns if (not c.startswith("_") or c == "_extra") and c not in derived]
            if key == "punches":  # punches at the same minute collapse silently
                self.f[key] = self.ledger.drop(frame, frame.duplicated(["employee_id", "punched_at"]), "duplicate")
                continue
            # rows equal as text are equal as typed values too, and equal in every column equal in
            # some: the cheap columns (no Decimal to hash) narrow the rows down, then all, then text
            candidates = frame[_cheap_columns(key, cols)].duplicated(keep=False)
            if candidates.any():
                candidates[candidates] = frame.loc[candidates, cols].duplicated(keep=False).to_numpy()
            if not candidates.any():
                continue
            as_text = frame.loc[candidates, cols].astype(str)
            dup = as_text.duplicated().reindex(frame.index, fill_value=False)
            first = as_text.assign(_row=frame.loc[candidates, "_row"]).groupby(
                cols, sort=False, dropna=False)["_row"].transform("first")
            self.flag(key, dup, "", "W-duplicate-row", lambda r, first=first: {"first": first.at[r.Index]}, "duplicate")

    def duplicate_keys(self):
        keys = {"staff": ["employee_id"], "customers": ["customer_id"], "targets": ["employee_id", "indicator"],
                "tests": ["employee_id", "month"], "calendar": ["date"]}
        for key, cols in keys.items():
            frame = self.f[key]
            if frame.empty:
                continue
            dup = frame.duplicated(cols, keep="first")
            first = frame.groupby(cols, sort=False, dropna=False)[PLACE].transform("first")
            what = "、".join(BY_KEY[key].column(c).name for c in cols)
            self.flag(key, dup, cols[-1], "E-duplicate-key",
                      lambda r, frame=frame, first=first, what=what, cols=cols: {
                          "key_names": what, "key": "、".join(show(getattr(r, c)) for c in cols),
                          **_both_places(frame.loc[r.Index, PLACE], first.loc[r.Index])}, "rejected")

    def staff_checks(self):
        s = self.f["staff"]
        order = s["left_on"].notna() & s["hired_on"].notna() & (s["left_on"] < s["hired_on"])
        self.flag("staff", order, "left_on", "E-date-order",
                  lambda r: {"subject": f"员工 {r.employee_id} ", "end_name": "离职日期", "end": show_day(r.left_on),
                             "start_name": "入职日期", "start": show_day(r.hired_on)}, "rejected")
        for rm in head_roles(self.rules):           # one 重要室经理 and one 临时负责人 per room, at most
            s = self.f["staff"]
            managers = s[s["role"] == rm]
            extra = managers.duplicated("room", keep="first")
            extra_mask = s.index.isin(managers.index[extra])
            self.flag("staff", pd.Series(extra_mask, index=s.index), "role", "E-room-manager",
                      lambda r, rm=rm: {"room": r.room, "role": rm, "name": r.name}, "rejected")
        self.acting_head_checks()

    def acting_head_checks(self):
        """W-acting-head: a room with both a 重要室经理 and a 临时负责人 employed this month. Both are
        scored on the room's totals (seed 004 重要室经理考核制度: 考核对象 重要室经理和临时负责人);
        the room's targets for customer managers come from the 临时负责人 (docs/RULES.md 临时负责人)."""
        s = self.f["staff"]
        manager, acting = head_roles(self.rules)
        here = s[employed_in(s, self.month).to_numpy()]
        managers = here[here["role"] == manager].drop_duplicates("room").set_index("room")
        both = s.index.isin(here.index[(here["role"] == acting) & here["room"].isin(managers.index)])
        room_parts = any(i.scope != OWN for i in indicators(self.rules, CUSTOMER_MANAGER))
        targets = f"，本室客户经理按本室口径考核的指标取{acting}的指标行" if room_parts else ""
        self.flag("staff", pd.Series(both, index=s.index), "role", "W-acting-head",
                  lambda r: {"room": r.room, "manager_role": manager, "manager": managers.at[r.room, "name"],
                             "manager_id": managers.at[r.room, "employee_id"], "acting_role": acting,
                             "name": r.name, "targets": targets}, None)

    def customer_checks(self):
        self._unknown("customers", "manager_id", "staff", "E-unknown-employee", "rejected")
        c = self.f["customers"]
        no_date = (c["status"] == CHURNED) & c["churned_on"].isna()
        self.flag("customers", no_date, "churned_on", "E-churn-date",
                  lambda r: {"customer_id": r.customer_id, "customer_name": r.customer_name}, "rejected")
        c = self.f["customers"]
        odd = (c["status"] == ACTIVE) & c["churned_on"].notna()
        self.flag("customers", odd, "churned_on", "W-churn-date", lambda r: {
            "customer_id": r.customer_id, "problem": f" 状态为{ACTIVE}，却填写了离网日期 {show_day(r.churned_on)}"}, None)
        late = (c["status"] == CHURNED) & (c["churned_on"] >= self.end)
        self.flag("customers", late, "churned_on", "W-churn-date", lambda r: {
            "customer_id": r.customer_id, "problem": f" 的离网日期 {show_day(r.churned_on)} 在本月之后"}, None)

    def example_rows(self):
        """W-example-row: the example row ``kehu init`` wrote (张伟 1001 …) is still in the sheet."""
        for key, hit in example_rows_of(self.f).items():
            self.flag(key, hit, "", "W-example-row", lambda r: {}, None)

    def handover_checks(self):
        """W-handover: a departed manager (离职日期 ≤ the month's end) who still has customers in
        客户名册 — they stay in his room's totals and are listed for a successor (SPEC §10.3;
        seed 002 第14条)."""
        staff, c = self.f["staff"], self.f["customers"]
        gone = staff.loc[departed_by(staff, self.month).to_numpy()]
        for person in gone.itertuples(index=False):
            mine = c.loc[c["manager_id"].eq(person.employee_id).to_numpy()]
            if mine.empty:
                continue
            first = mine.iloc[0]
            header, letter = self.ledger.locate(first["_file"], first["_sheet"], "manager_id")
            self.findings.append(make(
                "W-handover", file=first["_file"], sheet=first["_sheet"], row=int(first["_row"]),
                column=header or "客户经理工号", letter=letter, value=str(person.employee_id), dataset="customers",
                employee_id=str(person.employee_id), name=person.name, left=show_day(person.left_on),
                count=len(mine), room=person.room))

    def target_checks(self):
        self._unknown("targets", "employee_id", "staff", "E-unknown-employee", "rejected")
        t = self.f["targets"]
        bad = (t["base"] > t["target"]) | (t["target"] > t["challenge"])
        self.flag("targets", bad.fillna(False).astype(bool), "target", "E-target-order", lambda r: {
            "indicator": r.indicator, "base": r.base, "target": r.target, "challenge": r.challenge}, "rejected")
        t = self.f["targets"]
        no_actual = t["indicator"].isin(actual_names(self.rules)) & t["actual"].isna()
        self.flag("targets", no_actual, "actual", "E-required",
                  lambda r: {"why": f"（{r.employee_id} 的「{r.indicator}」必须填写完成值）"}, "rejected")

    def visit_checks(self):
        self._unknown("visits", "manager_id", "staff", "E-unknown-employee", "rejected")
        self._unknown("visits", "customer_id", "customers", "W-unknown-customer", "ignored")
        v = self.f["visits"]
        unsigned = v["problem_solved"] & ~v["customer_signed"]
        self.flag("visits", unsigned & (v["date"] >= self.first), "customer_signed", "W-visit-unsigned",
                  lambda r: {"date": show_day(r.date), "customer_id": r.customer_id}, None)
        owner = self.f["customers"].set_index("customer_id")["manager_id"]
        foreign = v["customer_id"].map(owner).ne(v["manager_id"]) & v["customer_id"].isin(owner.index)
        self.flag("visits", foreign & (v["date"] >= self.first), "customer_id", "W-visit-foreign", lambda r: {
            "date": show_day(r.date), "manager_id": show(r.manager_id), "customer_id": show(r.customer_id),
            "owner": owner.get(r.customer_id)}, None)

    def punch_checks(self):
        self._unknown("punches", "employee_id", "staff", "W-unknown-employee", "ignored", effect="，该打卡不使用")

    def leave_rows(self):
        """Each leave row on its own (SPEC §9.3): a 补卡 needs a time and only its start is used;
        other kinds need an end, not before the start."""
        lv = self.f["leave"]
        fix = lv["kind"] == self.rules["attendance"]["punch_fix_kind"]
        self.flag("leave", fix & lv["start_date_only"], "starts_at", "E-punch-fix-time",
                  lambda r: {"date": show_day(r.starts_at)}, "rejected")
        lv = self.f["leave"]
        fix = lv["kind"] == self.rules["attendance"]["punch_fix_kind"]
        self.flag("leave", fix & lv["ends_at"].notna(), "ends_at", "W-punch-fix-end", lambda r: {}, None)
        lv["ends_at"] = lv["ends_at"].where(~fix)                # ignored: no E-date-order on it
        self.flag("leave", ~fix & lv["ends_at"].isna(), "ends_at", "E-required",
                  lambda r: {"why": f"（只有{self.rules['attendance']['punch_fix_kind']}可以不填）"}, "rejected")
        lv = self.f["leave"]
        order = lv["ends_at"].notna() & (lv["ends_at"] < lv["starts_at"])
        self.flag("leave", order, "ends_at", "E-date-order", lambda r: {
            "subject": f"{BY_KEY['leave'].name}第 {r.excel_row} 行", "end_name": "结束时间", "end": f"{r.ends_at:%Y-%m-%d %H:%M}",
            "start_name": "开始时间", "start": f"{r.starts_at:%Y-%m-%d %H:%M}"}, "rejected")

    def leave_checks(self):
        self._unknown("leave", "employee_id", "staff", "E-unknown-employee", "rejected")

    def violation_checks(self):
        self._unknown("violations", "employee_id", "staff", "E-unknown-employee", "rejected")

    def test_checks(self):
        self._unknown("tests", "employee_id", "staff", "E-unknown-employee", "rejected")

    def callback_checks(self):
        self._unknown("callbacks", "customer_id", "customers", "E-unknown-customer", "rejected")
        self._unknown("callbacks", "agent_id", "staff", "W-unknown-employee", None, effect="（仅作记录）")

    def missing_targets(self):
        """Every 指标 row an assessed person's KPI lines read must be there (SPEC §2.8): his own, and
        for a customer manager's indicator scored on the room (scope room / blend) the row of the
        room's target holder (kehu.schemes.target_holders)."""
        staff, targets = self.f["staff"], self.f["targets"]
        if staff.empty or not self._has_sheet("targets"):
            return
        have = set(zip(targets["employee_id"], targets["indicator"]))
        file, sheet = (targets["_file"].iloc[0], targets["_sheet"].iloc[0]) if len(targets) else ("", "")
        assessed = staff[employed_in(staff, self.month)]
        people = assessed.drop_duplicates("employee_id").set_index("employee_id")
        own, room = rows_read(assessed, self.rules)
        for employee_id, name in (pair for pair in own if pair not in have):
            row = people.loc[employee_id]
            self.findings.append(make(
                "E-target-missing", file=file, sheet=sheet, column="指标", value=name, dataset="targets",
                employee_id=employee_id, subject=f"{row['name']}（{employee_id}，{row['role']}）", indicator=name, why=""))
        for (holder, room_name, name), members in room.items():
            if holder is not None and ((holder, name) in have or (holder, name) in own):
                continue                         # there, or already reported as his own row
            self.findings.append(self._room_target_missing(holder, room_name, name, members, people, file, sheet))

    def _room_target_missing(self, holder, room_name: str, name: str, members: list, people: pd.DataFrame,
                             file: str, sheet: str):
        """E-target-missing of a room target: customer managers scored on the room read its head's row."""
        who = "、".join(f"{people.at[m, 'name']}（{m}）" for m in members[:3]) + ("等" if len(members) > 3 else "")
        why = f"：本室客户经理{who}的「{name}」按本室合计考核，本室的目标取自室负责人的指标行"
        where = {"file": file, "sheet": sheet, "column": "指标", "value": name, "dataset": "targets", "indicator": name}
        if holder is None:
            manager, acting = head_roles(self.rules)
            return make("E-target-missing", **where, subject=f"「{room_name}」本月没有{manager}或{acting}，",
                        why=why, hint=f"请在员工名册中标明本室负责人，并在指标表中补上其「{name}」行。")
        return make("E-target-missing", **where, employee_id=holder, why=why,
                    subject=f"{people.at[holder, 'name']}（{holder}，{people.at[holder, 'role']}）")

    def unused_targets(self):
        """W-target-unused: a 指标 row of an assessed person that no KPI line reads — an indicator
        his role's scheme does not have (and no customer manager of his room reads as the room's
        target). Not used; it may be a wrong 工号 or indicator name."""
        staff, t = self.f["staff"], self.f["targets"]
        assessed = staff[employed_in(staff, self.month)]
        own, room = rows_read(assessed, self.rules)
        used = set(own) | {(holder, name) for holder, _, name in room if holder is not None}
        people = assessed.drop_duplicates("employee_id").set_index("employee_id")
        pairs = pd.Series(list(zip(t["employee_id"], t["indicator"])), index=t.index, dtype=object)
        unused = t["employee_id"].isin(people.index) & ~pairs.isin(used)
        self.flag("targets", unused, "indicator", "W-target-unused",
                  lambda r: {"name": people.at[r.employee_id, "name"], "role": people.at[r.employee_id, "role"],
                             "indicator": r.indicator,
                             "why": self._why_unused(people.at[r.employee_id, "role"], r.indicator)}, "ignored")

    def _why_unused(self, role: str, name: str) -> str:
        scheme = scheme_of(role, self.rules)
        if any(i.name == name for i in indicators(self.rules, scheme)):     # scored on the room's figures alone
            return f"{role}的「{name}」按本室合计考核，目标取自本室负责人的指标行"
        return f"{role}的考核方案中没有「{name}」（规则文件 [kpi.{scheme}]）"

    def _staff_ids(self) -> set:
        return set(self.f["staff"]["employee_id"])

    def _customer_ids(self) -> set:
        return set(self.f["customers"]["customer_id"])


def _both_places(here: pd.Series, there: pd.Series) -> dict:
    """The two rows (``PLACE``) as E-duplicate-key names them: by row number within one sheet,
    with file and sheet when they are in different ones."""
    if (here["_file"], here["_sheet"]) == (there["_file"], there["_sheet"]):
        return {"here": f"第 {int(here['_row'])} 行", "there": f"第 {int(there['_row'])} 行"}
    return {"here": _place(here), "there": _place(there)}


def _place(row: pd.Series) -> str:
    return f"「{row['_file']}」工作表「{row['_sheet']}」第 {int(row['_row'])} 行"
