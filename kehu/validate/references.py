"""Ids that refer to 员工名册 and 客户名册 (SPEC §1 "id in staff", "id in customers", §10.3).

A reference to an id no roster row has is a finding on the referring row. A reference to an
id whose roster row was *rejected* is not unknown: the rows that stay in use (the rejected
person's customers and visits, SPEC §10.3) stay, the rest is said once under its cause
(W-rows-of-rejected). A roster that could not be read whole (a column missing, no sheet) is not
checked against at all (W-rows-unchecked): its own error is the one to fix. Ids that are a
roster's ids written another way — leading zeros lost, spaces, full-width digits — are one
finding per sheet column with the fix (kehu.validate.id_patterns), not one per row.
"""
from __future__ import annotations

import pandas as pd

from kehu.findings import make
from kehu.schema import BY_KEY
from kehu.validate.id_patterns import mistyped_ids

ROSTERS = ("staff", "customers")
ID_NAME = {"staff": "工号", "customers": "客户编号"}
SHOWN_ROWS = 5                      # rows named in a pattern's finding

# references to a rejected roster row that stay in use: customers and visits of a rejected person
# (room totals, visits by anyone), his 回访人 entries (only ever a note)
KEPT_FOR_REJECTED = {("customers", "manager_id"), ("visits", "manager_id"), ("callbacks", "agent_id")}


class ReferenceChecks:
    """Checker mixin (kehu.validate.checks.Checker)."""

    def _unknown(self, key, alias, roster, code, drop, **fields):
        """Rows of ``key`` whose ``alias`` is not an id of ``roster`` (staff or customers): a
        finding of ``code`` each (``fields``: its template's), dropped as ``drop``. An id whose
        roster row was rejected is not unknown (``_of_rejected``); an id that is a roster id
        written another way is said once per pattern (``_mistyped``)."""
        if self._roster_unusable(roster):
            self._unchecked[roster][key] += int(self.f[key][alias].notna().sum())
            return
        frame = self.f[key]
        ids = self._staff_ids() if roster == "staff" else self._customer_ids()
        outside = frame[alias].notna() & ~frame[alias].isin(ids)
        rejected = outside & frame[alias].isin(self._rejected_ids(roster))
        unknown = outside & ~rejected             # of the rows left after each step: frames only lose rows
        self._of_rejected(key, alias, roster, rejected)
        if drop is not None:                       # a reference that only ever is a note stays one
            self._mistyped(key, alias, roster, ids, unknown)
        self.flag(key, unknown.loc[self.f[key].index], alias, code, lambda r: fields, drop)

    def _mistyped(self, key: str, alias: str, roster: str, ids: set, unknown: pd.Series) -> None:
        """Rows whose id is a roster id written another way (leading zeros lost, spaces, full-width
        digits): rejected, under one finding per pattern and sheet that names the fix. ``unknown``:
        the rows whose id is in no roster row, rejected or not."""
        frame = self.f[key]
        unknown = unknown.loc[frame.index]
        found = mistyped_ids(set(frame.loc[unknown, alias]), ids) if unknown.any() else {}
        if not found:
            return
        kind = frame[alias].map(lambda v: found[v].code if v in found else None)
        for code, rows in frame[kind.notna()].groupby(kind[kind.notna()], sort=True):
            for (file, sheet), group in rows.groupby(["_file", "_sheet"], sort=True):
                self.findings.append(self._pattern(key, alias, roster, code, group, found))
        hit = kind.notna()
        if key in ROSTERS:
            self.ledger.keep_rejected(key, frame.loc[hit])
        self.f[key] = self.ledger.drop(frame, hit, "rejected")

    def _pattern(self, key: str, alias: str, roster: str, code: str, group: pd.DataFrame, found: dict):
        """One finding for the rows of one sheet whose ids are mistyped one way (``code``)."""
        file, sheet = group["_file"].iloc[0], group["_sheet"].iloc[0]
        header, letter = self.ledger.locate(file, sheet, alias)
        first = found[group[alias].iloc[0]]
        rows = [int(r) for r in group["_row"].iloc[:SHOWN_ROWS]]
        shown = "第 " + "、".join(map(str, rows)) + " 行" + ("等" if len(group) > SHOWN_ROWS else "")
        column = header or BY_KEY[key].column(alias).name
        whose = f"{BY_KEY[key].name}「{column}」中" if first.fix_in == "here" else f"{BY_KEY[roster].name}中"
        where = f"「{file}」" if first.fix_in == "here" else BY_KEY[roster].name
        return make(code, file=file, sheet=sheet, row=rows[0], column=column, letter=letter,
                    value=first.example, dataset=key, rejected=True, whose=whose, where=where,
                    ids=group[alias].nunique(), id_name=ID_NAME[roster], example=first.example,
                    count=len(group), rows_shown=shown)

    def _of_rejected(self, key: str, alias: str, roster: str, mask: pd.Series) -> None:
        """Rows that refer to a rejected roster row. What the rejected row was is still known, so
        customers and visits of a rejected person stay (a room's totals count them, SPEC §10.3)
        and his 回访人 is no stranger; the rest is his own month, unused (he is not assessed) and
        said once under its cause (``consequence_findings``), not once per row."""
        if not mask.any():
            return
        if (key, alias) in KEPT_FOR_REJECTED:
            return
        frame = self.f[key]
        for rid, n in frame.loc[mask, alias].value_counts(sort=False).items():
            self._consequences[(roster, rid)][BY_KEY[key].name] += int(n)
        self.f[key] = self.ledger.drop(frame, mask, "ignored")

    def _rejected_ids(self, roster: str) -> set:
        rows = self.ledger.rejected_rows(roster)
        column = "employee_id" if roster == "staff" else "customer_id"
        return set() if rows is None else set(rows[column].dropna())

    def consequence_findings(self):
        """One line per rejected roster row that others refer to (SPEC §10.3, issue 14: a
        consequence folded under its cause)."""
        for (roster, rid), counts in sorted(self._consequences.items()):
            at = self._rejected_row(roster, rid)
            parts = "、".join(f"{name} {n:,} 行" for name, n in counts.items())
            self.findings.append(make(
                "W-rows-of-rejected", file=at["_file"], sheet=at["_sheet"], row=int(at["_row"]), dataset=roster,
                value=str(rid), employee_id=str(rid) if roster == "staff" else "", roster=BY_KEY[roster].name,
                where=f"「{at['_file']}」第 {int(at['_row'])} 行", id_name=ID_NAME[roster],
                count=sum(counts.values()), parts=parts))

    def _rejected_row(self, roster: str, rid) -> pd.Series:
        """The rejected roster row of id ``rid``: the cause its referring rows are folded under."""
        rows = self.ledger.rejected_rows(roster)
        column = "employee_id" if roster == "staff" else "customer_id"
        return rows[rows[column] == rid].iloc[0]

    def _roster_unusable(self, roster: str) -> bool:
        """The roster could not be read whole (a sheet with columns missing, or none at all):
        checking ids against it would only repeat that error once per referring row."""
        broken = ("E-column-missing", "E-dataset-missing")
        return any(f.code == "E-folder-empty" or (f.code in broken and f.dataset == roster) for f in self.findings)

    def unchecked_references(self):
        """One line per roster that could not be used, instead of a finding per referring row."""
        for roster, counts in self._unchecked.items():
            counted = {k: n for k, n in counts.items() if n}
            if not counted:
                continue
            parts = "、".join(f"{BY_KEY[k].name} {n:,} 行" for k, n in counted.items())
            self.findings.append(make("W-rows-unchecked", dataset=roster, roster=BY_KEY[roster].name, parts=parts,
                                      id_name=ID_NAME[roster]))
