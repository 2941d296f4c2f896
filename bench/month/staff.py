"""员工名册 (staff): rooms of equal size, each led by one 重要室经理, the rest 客户经理 with one or two
行业客户经理 per room; 工号 from 100001."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .base import MonthSpec, random_dates
from .names import person_names, phones, room_name
from .write import Layout, col_excel_date, col_num, col_text


@dataclass
class Staff:
    """The roster frame and the arrays the other datasets draw on (index i = the i-th employee)."""
    frame: pd.DataFrame
    ids: np.ndarray          # 工号 as text
    room_idx: np.ndarray     # room number of each employee
    is_rm: np.ndarray        # the 重要室经理 of the room
    rooms: int

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def room_managers(self) -> np.ndarray:
        """工号 of each room's 重要室经理, by room number."""
        return self.ids[np.flatnonzero(self.is_rm)]


def make(rng, M: MonthSpec, rooms: int, managers: int) -> Staff:
    if managers < rooms:
        raise ValueError("managers must be ≥ rooms (each room needs a 重要室经理)")
    S = managers
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
    hired = random_dates(rng, dt.date(2008, 1, 1), M.shift(-4).last, S)
    names = person_names(rng, S)
    frame = pd.DataFrame({
        "employee_id": emp_ids, "name": names, "role": role,
        "room": np.array([room_name(i) for i in range(rooms)])[room_idx],
        "performance_base": base_pay, "hired_on": hired.astype("datetime64[ns]"),
        "left_on": pd.NaT,
        "email": np.char.add(np.char.add("kh", emp_ids), "@xz.10086.example.cn"),
        "phone": phones(rng, S),
    })
    return Staff(frame, emp_ids, room_idx, role == "重要室经理", rooms)


def files(st: pd.DataFrame, layout: Layout) -> None:
    layout.add("员工名册", "员工名册", [
        ("工号", *col_text(st["employee_id"])), ("姓名", *col_text(st["name"])),
        ("岗位", *col_text(st["role"])), ("所属室", *col_text(st["room"])),
        ("绩效基数", *col_num(st["performance_base"], "money")),
        ("入职日期", *col_excel_date(st["hired_on"])), ("离职日期", *col_excel_date(st["left_on"])),
        ("邮箱", *col_text(st["email"])), ("电话", *col_text(st["phone"]))])
