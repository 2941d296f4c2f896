"""What the month's letters to customers would go out without (issue 14 items 11, 12).

- W-sms-no-mobile: a key person due a greeting next month (seed 000 集团客户关键人服务工作:
  元旦、春节、端午、中秋, 生日) without a 关键人电话 — his SMS is left out of
  letters/短信发送清单.csv; one warning at his 客户名册 row, for his manager. (A number that is
  no mobile is left out too; the loader's W-phone names that cell already.)
- W-letter-sender: the rules' ``[organisation]`` (kehu/organisation.py) still has a blank or
  placeholder company, department, address or service phone, and the month has letters to
  customers — a 回访函 (kehu.compute.callbacks.letter_due) or a greeting.

The selection is the letters' own (kehu.render.letter_selection): 在网 customers with a 关键人;
every one of them when a festival falls in the next month, else those born in it.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from kehu.compute.callbacks import compute_callbacks, letter_due
from kehu.findings import Finding, make
from kehu.holidays import festivals_in
from kehu.month import Month
from kehu.organisation import unfilled

ACTIVE_STATUS = "在网"
PHONE_ALIAS, PHONE_HEADER = "key_person_phone", "关键人电话"


def letter_findings(frames: dict[str, pd.DataFrame], month: Month, rules: dict, locate=None) -> list[Finding]:
    greeted = greeted_key_persons(frames["customers"], month)
    # a number that is there but no mobile is W-phone at the same cell already (kehu/load): not twice
    lacking = greeted.loc[greeted[PHONE_ALIAS].map(_text).eq("").to_numpy()]
    findings = [no_mobile(row, month, locate) for row in lacking.to_dict("records")]
    missing = unfilled(rules["organisation"])
    if missing and (len(greeted) or callback_letters_due(frames, month, rules)):
        findings.append(make("W-letter-sender", fields="、".join(missing)))
    return findings


def greeted_key_persons(customers: pd.DataFrame, month: Month) -> pd.DataFrame:
    """The 客户名册 rows whose key person gets a greeting next month."""
    keyed = customers.loc[customers["key_person"].map(_text).astype(bool).to_numpy()
                          & customers["status"].astype(object).eq(ACTIVE_STATUS).to_numpy()]
    following = month.next()
    try:
        festive = bool(festivals_in(following))
    except ValueError:                  # past the lunar tables (2099): E-calendar-year says what to do
        festive = False
    if festive:
        return keyed
    born = pd.to_datetime(keyed["key_person_birthday"], errors="coerce")
    return keyed.loc[(born.dt.month == following.month).to_numpy()]


def callback_letters_due(frames: dict[str, pd.DataFrame], month: Month, rules: dict) -> bool:
    """Whether any service event of the month gets a 回访函."""
    wanted = frames["visits"]["callback_required"].astype(object).eq(True).to_numpy()
    if not wanted.any():
        return False
    events = compute_callbacks(frames["customers"], frames["visits"], frames["callbacks"], month, rules).events
    return bool(np.any(letter_due(events))) if len(events) else False


def no_mobile(row: dict, month: Month, locate=None) -> Finding:
    header, letter = locate(row["_file"], row["_sheet"], PHONE_ALIAS) if locate else ("", "")
    return make("W-sms-no-mobile", file=str(row["_file"]), sheet=str(row["_sheet"]), row=int(row["_row"]),
                column=header or PHONE_HEADER, letter=letter, value=_text(row.get(PHONE_ALIAS)), dataset="customers",
                employee_id=_text(row.get("manager_id")), person=_text(row.get("key_person")),
                customer=_text(row.get("customer_name")), next_month=f"{month.next().month}月")


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""
