"""Which letters a month gets (SPEC §7), each with the plain strings its template prints.

All read from ``MonthResult``:

- 回访函: one per customer with a service event this month whose callback is
  missing, or was attempted but never answered (未接通, event still open)
  — seed 000 回访规范 "必须保证在三天之内回访", "必须保证会员客户的100%的回访".
  Filed under the customer's manager; lists each such visit.
- 节日问候: one per key person (在网 customer with a 关键人) for each of 元旦 / 春节 /
  端午 / 中秋 falling in the next month — seed 000 集团客户关键人服务工作.
- 生日问候: key persons whose 关键人生日 falls in the next month (same clause).
- 奖状: managers whose learning result carries ``certificate`` — seed 004 学习制度
  "连续三次被评为最优客户经理的员工颁发奖状".

Values reach the templates as plain strings ("" for a missing value, never None or nan).
The templates are kehu.render.letter_templates; the files, kehu.render.letters.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from kehu.month import Month
from kehu.render.frames import columns
from kehu.render.holidays import birthday_in, festivals_in

ACTIVE_STATUS = "在网"

# kind → (label, page template, SMS template or None)
KINDS = {
    "callback": ("回访函", "callback_letter.html", None),
    "festival": ("节日问候", "festival_greeting.html", "festival_sms.txt"),
    "birthday": ("生日问候", "birthday_greeting.html", "birthday_sms.txt"),
    "certificate": ("奖状", "certificate.html", None),
}


@dataclass
class Letter:
    kind: str
    manager_id: str
    stem: str                     # the file name wanted, without extension (may hold any customer id)
    title: str                    # line in the index
    context: dict = field(default_factory=dict)
    file: str = ""                # the file name given, without extension: safe, unique in its folder


# ---------------------------------------------------------------- values

def is_blank(value) -> bool:
    """None, NaN, NaT, pd.NA, Decimal NaN: the values that must print as ""."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:        # fast path: most values of a month
        return False
    if kind is float:
        return value != value
    if kind is pd.Timestamp:                               # NaT is not a Timestamp
        return False
    if value is None or isinstance(value, (str, bool, list, tuple, dict)):
        return value is None
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def text(value) -> str:
    """Any cell → display string; None / NaN / NaT → ""."""
    if type(value) is str:
        return value.strip()
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def as_day(value) -> date | None:
    if type(value) is pd.Timestamp:
        return value.date()
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return pd.Timestamp(value).date()


def cn_date(value) -> str:
    day = as_day(value)
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def cn_month(month: Month) -> str:
    return f"{month.year}年{month.month}月"


# ---------------------------------------------------------------- selection

def needs_callback_letter(status, failed_attempts) -> bool:
    """Callback missing, or tried but never answered (未接通) while the event is open."""
    failed = 0 if is_blank(failed_attempts) else int(failed_attempts)
    return status == "missing" or (status == "pending" and failed > 0)


STAFF_FIELDS = ("name", "phone", "room", "role", "email")
CUSTOMER_FIELDS = ("customer_name", "customer_class", "key_person", "key_person_phone", "address", "member",
                   "manager_id", "status")
KEY_PERSON_FIELDS = ("customer_id", "customer_name", "manager_id", "key_person")
EVENT_FIELDS = ("manager_id", "customer_id", "customer_name", "visit_date", "service_item", "deadline",
                "status", "failed_attempts")


class Directory:
    """Staff and customers of the month, as plain strings for the templates.

    Read column-wise (one ``tolist`` per column, no row dicts for 100,000
    customers); a manager's / customer's strings are made once, on first use.
    The last row of a repeated id wins.
    """

    def __init__(self, result):
        self._staff_cols, self._staff_at = _by_id(result.staff, "employee_id", STAFF_FIELDS)
        self._cust_frame = result.customers
        self._cust_cols, self._cust_at = _by_id(result.customers, "customer_id", CUSTOMER_FIELDS)
        self._managers: dict[str, dict] = {}
        self._customers: dict[str, dict] = {}
        self._key_persons: list[dict] | None = None
        self._key_person_at: list[int] | None = None

    def manager(self, employee_id) -> dict:
        key = text(employee_id)
        known = self._managers.get(key)
        if known is None:
            i, cols = self._staff_at.get(key), self._staff_cols
            known = {"id": key, **{f: ("" if i is None else text(cols[f][i])) for f in STAFF_FIELDS}}
            self._managers[key] = known
        return dict(known)

    def customer(self, customer_id, fallback_name="") -> dict:
        key = text(customer_id)
        known = self._customers.get(key)
        if known is None:
            i, cols = self._cust_at.get(key), self._cust_cols
            if i is None:
                known = {"id": key, "name": "", "class": "", "key_person": "", "key_person_phone": "",
                         "address": "", "member": False}
            else:
                member = cols["member"][i]
                known = {"id": key, "name": text(cols["customer_name"][i]), "class": text(cols["customer_class"][i]),
                         "key_person": text(cols["key_person"][i]),
                         "key_person_phone": text(cols["key_person_phone"][i]), "address": text(cols["address"][i]),
                         "member": bool(member) if not is_blank(member) else False}
            self._customers[key] = known
        found = dict(known)
        found["name"] = found["name"] or text(fallback_name)
        return found

    def manager_of(self, customer_id, fallback) -> str:
        i = self._cust_at.get(text(customer_id))
        return (text(self._cust_cols["manager_id"][i]) if i is not None else "") or text(fallback)

    def key_persons(self) -> list[dict]:
        """在网 customers with a 关键人, by customer id (their raw cells)."""
        if self._key_persons is None:
            self._key_persons = self._key_person_records(self._key_person_rows())
        return self._key_persons

    def key_persons_born_in(self, month_number: int) -> list[dict]:
        """The ``key_persons`` whose 关键人生日 falls in calendar month ``month_number`` (same
        order). A datetime column is filtered before any date is boxed (~7 % of 80,000)."""
        at = self._key_person_rows()
        born = self._cust_frame["key_person_birthday"] if "key_person_birthday" in self._cust_frame else None
        if self._key_persons is not None or born is None or born.dtype.kind != "M":
            return [row for row in self.key_persons() if _born_in(row.get("key_person_birthday"), month_number)]
        months = born.take(at).dt.month.to_numpy()
        return self._key_person_records([i for i, m in zip(at, months.tolist()) if m == month_number])

    def _key_person_rows(self) -> list[int]:
        if self._key_person_at is None:
            cols, at = self._cust_cols, []
            for customer_id in sorted(self._cust_at):
                i = self._cust_at[customer_id]
                if text(cols["key_person"][i]) and text(cols["status"][i]) == ACTIVE_STATUS:
                    at.append(i)
            self._key_person_at = at
        return self._key_person_at

    def _key_person_records(self, at: list[int]) -> list[dict]:
        cols = self._cust_cols
        # the birthday column (dates: slow to box) is read for these rows only
        born = columns(self._cust_frame, ("key_person_birthday",), at)["key_person_birthday"]
        return [{**{f: cols[f][i] for f in KEY_PERSON_FIELDS}, "key_person_birthday": b} for i, b in zip(at, born)]


def _born_in(value, month_number: int) -> bool:
    born = as_day(value)
    return born is not None and born.month == month_number


def _by_id(frame, id_column: str, names) -> tuple[dict[str, list], dict[str, int]]:
    cols = columns(frame, (id_column, *names))
    at = {text(value): i for i, value in enumerate(cols[id_column])}       # last row of an id wins
    return cols, at


def callback_letters(result, directory: Directory) -> list[Letter]:
    frame = result.callback_events
    flags = columns(frame, ("status", "failed_attempts"))
    picked = [i for i, (status, failed) in enumerate(zip(flags["status"], flags["failed_attempts"]))
              if needs_callback_letter(status, failed)]
    cols = columns(frame, EVENT_FIELDS, picked)          # the other cells of these events only
    by_customer: dict[str, list[dict]] = {}
    for j in range(len(picked)):
        event = {name: cols[name][j] for name in EVENT_FIELDS}
        by_customer.setdefault(text(event["customer_id"]), []).append(event)
    letters = []
    for customer_id in sorted(by_customer):
        rows = sorted(by_customer[customer_id], key=lambda e: (as_day(e.get("visit_date")) or date.min))
        manager_id = directory.manager_of(customer_id, rows[0].get("manager_id"))
        customer = directory.customer(customer_id, rows[0].get("customer_name"))
        visits = [_visit(e, directory) for e in rows]
        context = {"customer": customer, "manager": directory.manager(manager_id), "visits": visits,
                   "reference": f"HF-{result.month.label}-{customer_id}"}
        letters.append(Letter("callback", manager_id, f"回访函_{customer_id}",
                              f"回访函 {customer['name']}", context))
    return letters


def _visit(event: dict, directory: Directory) -> dict:
    manager = directory.manager(event.get("manager_id"))
    failed = 0 if is_blank(event.get("failed_attempts")) else int(event.get("failed_attempts"))
    return {"date": cn_date(event.get("visit_date")), "service_item": text(event.get("service_item")),
            "manager_name": manager["name"], "manager_phone": manager["phone"],
            "deadline": cn_date(event.get("deadline")), "status": text(event.get("status")),
            "failed_attempts": failed}


def key_persons(result, directory: Directory) -> list[dict]:
    """在网 customers with a 关键人, by customer id."""
    return directory.key_persons()


def festival_letters(result, directory: Directory) -> list[Letter]:
    letters = []
    for festival in festivals_in(result.month.next()):
        info = {"name": festival.name, "date": cn_date(festival.day), "date_iso": festival.day.isoformat(),
                "year": festival.day.year}
        for row in key_persons(result, directory):
            customer_id = text(row["customer_id"])
            context = _greeting_context(row, directory) | {"festival": info}
            letters.append(Letter("festival", text(row.get("manager_id")),
                                  f"节日问候_{festival.name}_{customer_id}",
                                  f"{festival.name}问候 {text(row.get('key_person'))}\uff08{text(row.get('customer_name'))}\uff09",
                                  context))
    return letters


def birthday_letters(result, directory: Directory) -> list[Letter]:
    target = result.month.next()
    letters = []
    for row in directory.key_persons_born_in(target.month):      # birthday_in needs the month to match
        born = as_day(row.get("key_person_birthday"))
        day = birthday_in(target, born) if born else None
        if day is None:
            continue
        customer_id = text(row["customer_id"])
        info = {"date": f"{day.month}月{day.day}日", "date_iso": day.isoformat()}
        context = _greeting_context(row, directory) | {"birthday": info}
        letters.append(Letter("birthday", text(row.get("manager_id")), f"生日问候_{customer_id}",
                              f"生日问候 {text(row.get('key_person'))}\uff08{info['date']}\uff09", context))
    return letters


def _greeting_context(row: dict, directory: Directory) -> dict:
    customer = directory.customer(row["customer_id"])
    return {"customer": customer, "key_person": customer["key_person"],
            "manager": directory.manager(row.get("manager_id"))}


def certificate_letters(result, directory: Directory) -> list[Letter]:
    letters = []
    first = result.month.shift(-2)
    for employee in result.results.get("employees", []):
        learning = employee.get("learning") or {}
        if not learning.get("certificate"):
            continue
        employee_id = text(employee.get("employee_id"))
        person = directory.manager(employee_id)
        person["name"] = person["name"] or text(employee.get("name"))
        person["room"] = person["room"] or text(employee.get("room"))
        context = {"employee": person, "score": text(learning.get("score")),
                   "period": {"start": cn_month(first), "end": cn_month(result.month)}}
        letters.append(Letter("certificate", employee_id, "奖状", f"奖状 {person['name']}", context))
    return letters


def select_letters(result, directory: Directory | None = None) -> list[Letter]:
    """The month's letters in filing order: 回访函, 节日问候, 生日问候, 奖状."""
    directory = directory or Directory(result)
    return (callback_letters(result, directory) + festival_letters(result, directory)
            + birthday_letters(result, directory) + certificate_letters(result, directory))
