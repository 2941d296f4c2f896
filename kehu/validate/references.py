"""Ids that refer to 员工名册 and 客户名册 (SPEC §1 "id in staff", "id in customers", §10.3).

A reference to an id no roster row has is a finding on the referring row. A reference to an
id whose roster row was *rejected* is not unknown: the rows that stay in use (the rejected
person's customers and visits, SPEC §10.3) stay, the rest is said once under its cause
(W-rows-of-rejected). A roster that could not be read whole (a column missing, no sheet) is not
checked against at all (W-rows-unchecked): its own error is the one to fix.
"""
from __future__ import annotations

import pandas as pd

from kehu.findings import WARNING, Finding, show
from kehu.schema import BY_KEY

# references to a rejected roster row that stay in use: customers and visits of a rejected person
# (room totals, visits by anyone), his 回访人 entries (only ever a note)
KEPT_FOR_REJECTED = {("customers", "manager_id"), ("visits", "manager_id"), ("callbacks", "agent_id")}


class ReferenceChecks:
    """Checker mixin (kehu.validate.checks.Checker)."""

    def _unknown(self, key, alias, roster, code, severity, drop, what=None):
        """Rows of ``key`` whose ``alias`` is not an id of ``roster`` (staff or customers). An id
        whose roster row was rejected is not unknown: see ``_of_rejected``."""
        what = what or BY_KEY[roster].name
        if self._roster_unusable(roster):
            self._unchecked[roster][key] += int(self.f[key][alias].notna().sum())
            return
        frame = self.f[key]
        ids = self._staff_ids() if roster == "staff" else self._customer_ids()
        outside = frame[alias].notna() & ~frame[alias].isin(ids)
        rejected = outside & frame[alias].isin(self._rejected_ids(roster))
        self._of_rejected(key, alias, roster, rejected)
        frame = self.f[key]
        mask = frame[alias].notna() & ~frame[alias].isin(ids) & ~frame[alias].isin(self._rejected_ids(roster))
        name = BY_KEY[key].column(alias).name
        self.flag(key, mask, alias, code, severity,
                  lambda r: f"{BY_KEY[key].name}第 {r.excel_row} 行「{name}」{show(getattr(r, alias))} 不在{what}中。{_unknown_hint(what)}", drop)

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
            where = self._rejected_where(roster, rid)
            parts = "、".join(f"{name} {n:,} 行" for name, n in counts.items())
            id_name = "工号" if roster == "staff" else "客户编号"
            self.findings.append(Finding(
                WARNING, "W-rows-of-rejected", f"因{BY_KEY[roster].name}{where}（{id_name} {rid}）被拒，"
                f"另有 {sum(counts.values()):,} 行引用 {rid} 的记录未使用（{parts}）。改正该行后这些记录会自动使用。",
                dataset=roster, value=str(rid), employee_id=str(rid) if roster == "staff" else ""))

    def _rejected_where(self, roster: str, rid) -> str:
        rows = self.ledger.rejected_rows(roster)
        column = "employee_id" if roster == "staff" else "customer_id"
        hit = rows[rows[column] == rid].iloc[0]
        return f"「{hit['_file']}」第 {int(hit['_row'])} 行"

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
            id_name = "工号" if roster == "staff" else "客户编号"
            self.findings.append(Finding(
                WARNING, "W-rows-unchecked", f"因「{BY_KEY[roster].name}」未能完整读取（见上面的错误），{parts}中的{id_name}"
                f"未逐行核对。改正{BY_KEY[roster].name}后重新运行即可。", dataset=roster))


def _unknown_hint(what: str) -> str:
    return "请核对编号（注意前导零），或先把该人员/客户加入名册。" if "名册" in what and "潜在" not in what else ""
