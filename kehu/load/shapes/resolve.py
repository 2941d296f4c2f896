"""After loading: the people and customers an export names in its own way, as kehu's ids (issue 17).

An export row names its person by 工号 when the export has one. Otherwise only by the account
of the attendance system — 钉钉's UserId, 企业微信's 账号 (their APIs have nothing else): the shape
puts the account where the 工号 goes and marks the row. Here, once 员工名册 is loaded, an account
becomes the 工号 of the 员工名册 row whose 钉钉UserId / 企业微信账号 column holds it. Never a name:
two people may share one, and a name is no key.

- no such column in 员工名册 (or none filled in): the rows cannot be matched — an error per sheet
  (E-export-no-id), rows rejected: the people would otherwise be absent every day;
- an account no row holds: someone outside the roster, like a punch of an unknown 工号
  (SPEC §9.9) — unused, one warning per account (W-export-unmatched);
- an account two rows hold: an error (E-account-duplicate), rows rejected.

A 签到's 拜访客户 is the customer's name in DingTalk: it is 客户名册's 客户编号 when it is one, else
the 客户编号 of the one customer whose 客户名称 is written exactly alike (spaces and full-width forms
aside). A name two customers share is left unused with a warning (W-signin-customer); a name no
customer has is a prospect (W-unknown-customer, kehu.validate).
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import pandas as pd

from kehu.findings import Finding, make
from kehu.load.ledger import Ledger
from kehu.load.shapes.export_rows import CARRIED
from kehu.load.shapes.exports import DINGTALK, WECOM
from kehu.schema import BY_KEY

ACCOUNT_COLUMNS = {DINGTALK: "dingtalk_userid", WECOM: "wecom_userid"}
ACCOUNT_WORDS = {DINGTALK: "UserId", WECOM: "账号"}
HELPERS = CARRIED + ("_customer_by_name",)
ID_COLUMN = {"visits": "manager_id"}          # the other datasets name their person in employee_id
_SPACES = re.compile(r"\s+")


def resolve_exports(frames: dict, ledger: Ledger, findings: list) -> tuple[dict, pd.DataFrame | None]:
    """The frames with every account resolved (helper columns gone), and the exports' verdicts
    (kehu.load.shapes.exports.Verdicts) of the people found, or None when no export gave any."""
    book = AccountBook(frames["staff"], ledger.rejected_rows("staff"))
    for key, frame in list(frames.items()):
        if "_by_account" not in frame.columns:
            continue
        frame = book.resolve(key, frame, ledger, findings)
        if key == "visits" and "_customer_by_name" in frame.columns:
            frame = customers_by_name(frame, frames["customers"], ledger, findings)
        frames[key] = frame.drop(columns=[c for c in HELPERS if c in frame.columns])
    verdicts = pd.concat(ledger.verdicts, ignore_index=True) if ledger.verdicts else None
    return frames, (book.quietly(verdicts) if verdicts is not None else None)


class AccountBook:
    """account → 工号, per attendance system, from 员工名册 (its rejected rows too: their rows are
    then the rejected person's, said under that cause by kehu.validate)."""

    def __init__(self, staff: pd.DataFrame, rejected: pd.DataFrame | None):
        rows = [f for f in (staff, rejected) if f is not None and len(f)]
        self.ids: dict[str, dict[str, set]] = {system: defaultdict(set) for system in ACCOUNT_COLUMNS}
        for frame in rows:
            for system, column in ACCOUNT_COLUMNS.items():
                if column in frame.columns:
                    for account, eid in zip(frame[column], frame["employee_id"]):
                        if isinstance(account, str) and account and isinstance(eid, str):
                            self.ids[system][account].add(eid)

    def lookup(self, system: str, account) -> tuple[str | None, str]:
        """(工号, "ok") or (None, "no-column" | "unknown" | "ambiguous")."""
        table = self.ids.get(system, {})
        if not table:
            return None, "no-column"
        found = table.get(account, set())
        if len(found) == 1:
            return next(iter(found)), "ok"
        return None, "ambiguous" if found else "unknown"

    def resolve(self, key: str, frame: pd.DataFrame, ledger: Ledger, findings: list) -> pd.DataFrame:
        """Each account of ``frame`` as its 工号; the rows that cannot be matched dropped, with findings."""
        alias = ID_COLUMN.get(key, "employee_id")
        marked = frame["_by_account"].eq(True).to_numpy()
        if not marked.any():
            return frame
        frame = frame.copy()
        outcome = pd.Series("ok", index=frame.index, dtype=object)
        for i in frame.index[marked]:
            eid, status = self.lookup(frame.at[i, "_system"], frame.at[i, alias])
            if eid is not None:
                frame.at[i, alias] = eid
            outcome.at[i] = status
        for status, kind in (("no-column", "rejected"), ("ambiguous", "rejected"), ("unknown", "ignored")):
            hit = outcome.eq(status)
            if hit.any():
                findings.extend(_unmatched(key, alias, frame.loc[hit], status, self))
                frame = ledger.drop(frame, hit, kind)
                outcome = outcome.loc[frame.index]
        return frame

    def quietly(self, verdicts: pd.DataFrame) -> pd.DataFrame:
        """The verdicts of the people found (the rows of the others are already said)."""
        keep = []
        for eid, by_account, system in zip(verdicts["employee_id"].tolist(), verdicts["_by_account"].tolist(),
                                           verdicts["_system"].tolist()):
            keep.append(eid if not by_account else self.lookup(system, eid)[0])
        verdicts = verdicts.assign(employee_id=keep)
        return verdicts.loc[verdicts["employee_id"].notna()].drop(columns=["_account", "_by_account"]).reset_index(drop=True)

    def holders(self, system: str, account: str) -> list[str]:
        return sorted(self.ids[system].get(account, ()))


def _unmatched(key: str, alias: str, rows: pd.DataFrame, status: str, book: AccountBook) -> list[Finding]:
    """One finding per sheet (no column to match by) or per account (unknown, or held twice)."""
    out = []
    by = ["_file", "_sheet"] if status == "no-column" else ["_file", "_sheet", alias]
    for _, group in rows.groupby(by, sort=True):
        first = group.iloc[0]
        system = first["_system"]
        column, word = BY_KEY["staff"].column(ACCOUNT_COLUMNS[system]).name, ACCOUNT_WORDS[system]
        code = {"no-column": "E-export-no-id", "ambiguous": "E-account-duplicate", "unknown": "W-export-unmatched"}[status]
        out.append(make(code, file=first["_file"], sheet=first["_sheet"], row=int(first["_row"]),
                        value=str(first[alias]), dataset=key, rejected=True, system=system, word=word,
                        account_column=column, who=_who(first[alias], first["_name"]), count=len(group),
                        examples=_examples(group, alias), holders="、".join(book.holders(system, first[alias]))))
    return out


def _who(account, name) -> str:
    return f"{account}（{name}）" if isinstance(name, str) and name else str(account)


def _examples(rows: pd.DataFrame, alias: str) -> str:
    seen = rows.drop_duplicates(alias).head(3)
    return "、".join(_who(a, n) for a, n in zip(seen[alias], seen["_name"]))


def customers_by_name(visits: pd.DataFrame, customers: pd.DataFrame, ledger: Ledger, findings: list) -> pd.DataFrame:
    """A 签到's 拜访客户 as a 客户编号: itself when it is one, else the one customer of that name."""
    marked = visits["_customer_by_name"].eq(True).to_numpy()
    if not marked.any():
        return visits
    ids = set(customers["customer_id"].dropna())
    named: dict[str, set] = defaultdict(set)
    for cid, name in zip(customers["customer_id"], customers["customer_name"]):
        if isinstance(cid, str) and isinstance(name, str):
            named[_name_key(name)].add(cid)
    visits, shared = visits.copy(), pd.Series(False, index=visits.index)
    for i in visits.index[marked]:
        given = visits.at[i, "customer_id"]
        found = named.get(_name_key(given), set()) if isinstance(given, str) and given not in ids else set()
        if len(found) == 1:
            visits.at[i, "customer_id"] = next(iter(found))
        elif found:
            shared.at[i] = True
            findings.append(_shared_name(visits.loc[i], sorted(found), ledger))
    return ledger.drop(visits, shared, "ignored")


def _shared_name(row: pd.Series, ids: list[str], ledger: Ledger) -> Finding:
    header, letter = ledger.locate(row["_file"], row["_sheet"], "customer_id")
    return make("W-signin-customer", file=row["_file"], sheet=row["_sheet"], row=int(row["_row"]), column=header,
                letter=letter, value=str(row["customer_id"]), dataset="visits", employee_id=str(row["manager_id"]),
                rejected=True, count=len(ids), ids="、".join(ids))


def _name_key(name) -> str:
    return _SPACES.sub("", unicodedata.normalize("NFKC", str(name)))
