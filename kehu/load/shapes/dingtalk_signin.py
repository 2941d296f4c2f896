"""DingTalk 签到 (field sign-in) report → 出访登记 上门 rows (issue 17; seed 004 出访登记).

Columns (attendance-exports.md): 姓名, 工号 / UserId, 部门, 签到来源, 日期, 时间, 经度, 纬度, 地点,
详细地址, 拜访客户, 客户部门名称, 工作内容, 手机标识, 图片1–9. A sign-in with a 拜访客户 is a
visit on site (方式 上门) on its 日期 at its 时间, 服务项目 its 工作内容; one without is not a
customer visit (counted, said once). 拜访客户 is looked up in 客户名册 after loading — as a
客户编号, else as a 客户名称 written exactly alike (kehu.load.shapes.resolve); a customer it
cannot find is a prospect (W-unknown-customer), as in kehu's own 出访登记.

Several sign-ins of one person at one customer on one day (arriving and leaving) are one
visit: 开始时间 the first one's time, 结束时间 the last one's; the others count as duplicates.
"""
from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd

from kehu.load.ledger import Ledger
from kehu.load.reader import RawSheet
from kehu.load.shapes.export_rows import CARRIED, People, Reshaped, count_sheet, drop_rows, unused_rows
from kehu.load.shapes.exports import DINGTALK, Band, at, cell_text, export_day, find_band, punch_at

ACCOUNT = ("UserId", "钉钉UserId", "用户ID")
VISIT = ("date", "manager_id", "customer_id", "method", "start_time", "end_time", "service_item")


def _fits(band: Band) -> bool:
    return band.has("拜访客户", "日期") and band.any("签到来源", "经度", "详细地址", "签到地点")


class DingTalkSignIn:
    name = "钉钉 签到"

    def claims(self, raw: RawSheet) -> Band | None:
        return find_band(raw, _fits)

    def rows(self, raw: RawSheet, band: Band, rules: dict, ledger: Ledger, findings: list) -> list[tuple[str, pd.DataFrame]]:
        people = People(band, DINGTALK, ACCOUNT)
        cols = {name: band.col(*names) for name, names in
                (("customer", ("拜访客户",)), ("day", ("日期", "签到日期")), ("time", ("时间", "签到时间")),
                 ("work", ("工作内容", "备注")))}
        visits: dict[tuple, list] = {}
        no_customer = []
        for row, cells in count_sheet(raw, band, "visits", ledger, findings):
            customer = cell_text(at(cells, cols["customer"]))
            if not customer:
                no_customer.append(row)
                continue
            person, day = people.of(cells), export_day(at(cells, cols["day"]))
            visits.setdefault((person.key, customer, day), []).append((row, cells, person))
        unused_rows(raw, no_customer, "没有填写「拜访客户」的签到（不是客户拜访）", findings)
        drop_rows(raw, no_customer, "ignored", ledger)
        out = Reshaped(raw, "visits", VISIT, CARRIED + ("_customer_by_name",))
        for (_, customer, day), signs in visits.items():
            drop_rows(raw, [row for row, _, _ in signs[1:]], "duplicate", ledger)
            _visit(out, band, people, cols, customer, day, signs)
        return out.parse(rules, ledger, findings)


def _visit(out: Reshaped, band: Band, people: People, cols: dict, customer: str, day, signs: list) -> None:
    """One 上门 visit of the sign-ins ``signs`` (of one person, customer and day)."""
    row, cells, person = signs[0]
    times = sorted(t for t in (_clock(at(c, cols["time"]), day) for _, c, _ in signs) if t)
    start = times[0] if times else cell_text(at(cells, cols["time"])) or None
    end = times[-1] if len(times) > 1 else None

    def where(name: str, default: str) -> tuple[str, str]:
        return band.where(cols[name]) if cols[name] is not None else (default, "")
    out.add(row, {"date": day, "manager_id": person.key, "customer_id": customer, "method": "上门",
                  "start_time": start, "end_time": end, "service_item": cell_text(at(cells, cols["work"])) or None},
            {"date": where("day", "日期"), "manager_id": people.cell(person), "customer_id": where("customer", "拜访客户"),
             "method": where("customer", "拜访客户"), "start_time": where("time", "时间"), "end_time": where("time", "时间"),
             "service_item": where("work", "工作内容")},
            people.carry(person) + (True,))


def _clock(v, day) -> str | None:
    """A sign-in's time as kehu's ``HH:MM`` (None when it is blank or no time)."""
    if isinstance(v, time):
        return f"{v:%H:%M}"
    when = punch_at(v, day if isinstance(day, date) else date(2000, 1, 1))
    return f"{when:%H:%M}" if isinstance(when, datetime) else None
