"""Each manager's share of the month: ``managers/<工号>_<姓名>.xlsx`` and what goes into it (SPEC §6).

The MonthResult is cut into one ``ManagerSlice`` per assessed 客户经理, 行业客户经理 and
重要室经理 (``ManagerSlicer``: one groupby per frame, not one filter per manager), so a writer —
in this process or in a pool worker (kehu.render.outputs) — is only ever handed that manager's
rows (seed 004 保密制度); file names are made safe and unique here.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kehu.model import MonthResult
from kehu.render.frames import records
from kehu.render.manager_book import ManagerSlice
from kehu.render.wording import policy_words
from kehu.render.safe import safe_filename, unique_names

MANAGERS_DIR = "managers"


# ---------------------------------------------------------------------------
# slicing the month per manager

def _positions_by(frame: pd.DataFrame | None, key: str) -> dict:
    """{key value: the positions of its rows, in frame order} (one vectorised groupby)."""
    if frame is None or len(frame) == 0 or key not in frame.columns:
        return {}
    return frame.groupby(key, sort=False).indices


def manager_filenames(people: list[tuple[str, str]]) -> list[str]:
    """``<工号>_<姓名>.xlsx`` of each (工号, 姓名), made safe and unique in the folder, also where
    the file system ignores case (``unique_names``: the one mechanism for every output name)."""
    return unique_names([(f"{employee_id}_{name}", safe_filename(f"{safe_filename(employee_id)}_{safe_filename(name)}"))
                         for employee_id, name in people], ".xlsx")


class ManagerSlicer:
    """Cuts the month into one ``ManagerSlice`` per assessed employee, in 工号 order, any range
    of them at a time.

    Up front (cheap) it orders the employees, names their files and groups each frame's rows
    by manager — positions only. ``slices(start, stop)`` then makes records of just those
    managers' rows: a forked pool worker that inherits the slicer cuts its own batches, in
    parallel, instead of this process cutting all 2,000 alone before the pool starts."""

    FRAMES = (("attendance", "attendance_events", "employee_id"), ("kpi", "kpi_indicators", "employee_id"),
              ("visits", "visit_detail", "manager_id"), ("callbacks", "callback_events", "manager_id"),
              ("churn", "churn_warnings", "manager_id"))

    def __init__(self, result: MonthResult):
        self.month = result.month
        self.words = policy_words(result.rules)
        staff = {r["employee_id"]: r for r in result.staff.to_dict("records")} if len(result.staff) else {}
        self.rooms = {r["room"]: r for r in result.rooms.to_dict("records")} if len(result.rooms) else {}
        self.findings: dict[str, list] = {}
        for f in result.findings:
            if f.employee_id:
                self.findings.setdefault(f.employee_id, []).append(f)
        employees = result.results.get("employees", [])
        self.by_room: dict[str, list] = {}
        for e in employees:
            self.by_room.setdefault(e.get("room"), []).append(e)
        ordered = sorted(employees, key=lambda e: str(e["employee_id"]))
        rows = [staff.get(e["employee_id"]) or {k: e.get(k) for k in ("employee_id", "name", "role", "room")}
                for e in ordered]
        names = manager_filenames([(str(e["employee_id"]), st.get("name") or e.get("name") or "")
                                   for e, st in zip(ordered, rows)])
        self.managers = list(zip(ordered, rows, names))      # (employee entry, staff row, file name)
        self.rows = {field: (getattr(result, attr), key, _positions_by(getattr(result, attr), key))
                     for field, attr, key in self.FRAMES}

    def __len__(self) -> int:
        return len(self.managers)

    def slices(self, start: int = 0, stop: int | None = None) -> list[tuple[ManagerSlice, str]]:
        """(slice, file name) of the managers ``start`` … ``stop`` − 1."""
        chosen = self.managers[start:stop]
        ids = [e["employee_id"] for e, _, _ in chosen]
        rows = {field: self._records(frame, key, positions, ids) for field, (frame, key, positions) in self.rows.items()}
        return [(self._slice(e, st, rows), name) for e, st, name in chosen]

    @staticmethod
    def _records(frame: pd.DataFrame, key: str, positions: dict, ids: list) -> dict[str, list[dict]]:
        """{manager: his rows as records, in frame order} for the managers ``ids``."""
        parts = [positions[i] for i in ids if i in positions]
        if not parts:
            return {}
        groups: dict[str, list[dict]] = {}
        for record in records(frame.take(np.concatenate(parts))):
            groups.setdefault(record[key], []).append(record)
        return groups

    def _slice(self, e: dict, st: dict, rows: dict) -> ManagerSlice:
        eid = e["employee_id"]
        room = self.rooms.get(st.get("room"))
        # rules roles.room_manager / acting_head (临时负责人): scored on the room's totals
        is_rm = room is not None and eid in (room.get("room_manager_id"), room.get("acting_head_id"))
        return ManagerSlice(
            month=self.month, employee=e, staff=st,
            room_manager_name=(room or {}).get("room_manager_name") or "",
            **{field: groups.get(eid, []) for field, groups in rows.items()},
            findings=self.findings.get(eid, []),
            room=room if is_rm else None,
            room_lines=sorted(self.by_room.get(st.get("room"), []), key=lambda x: str(x["employee_id"])) if is_rm else [],
            words=self.words)


def manager_slices(result: MonthResult) -> list[tuple[ManagerSlice, str]]:
    """(slice, file name) per assessed employee, in 工号 order."""
    return ManagerSlicer(result).slices()
