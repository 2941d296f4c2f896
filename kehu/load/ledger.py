"""The row ledger: accounts for every input row (SPEC §5, §9.10).

read = used + rejected + ignored (unused with a warning) + duplicate + empty,
per sheet, counted in *source* rows. Rows are dropped from the typed frames only
through ``drop`` so the manifest can never lose one.

Most sheets give one dataset row per source row, and are counted by rows. A sheet
whose shape makes several rows of one source row (an attendance export's day holds
several punches: ``sheet(..., one_to_one=False)``) is counted by distinct source rows
(``_row``): a source row is used when any of its rows is used, else rejected when any
was rejected, else ignored, else a duplicate. A source row that makes no row at all but
says something (a day of 每日统计 without a punch: the person did not punch) is marked with
``mark_used`` and counts as used unless one of the above already counted it.

The ledger also carries what the attendance exports say of each day (their own verdicts,
``keep_verdicts``) from the load, which may run in a pool worker, to the 导入核对 check.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from kehu.model import SheetCount

KINDS = ("rejected", "ignored", "duplicate")


class Ledger:
    def __init__(self) -> None:
        self._sheets: dict[tuple[str, str], SheetCount] = {}
        self._dropped: dict[tuple[str, str], Counter] = {}
        self._many: dict[tuple[str, str], dict[str, list]] = {}   # one-to-many sheet → kind → dropped _row arrays
        self.headers: dict[tuple[str, str], dict[str, tuple[str, str]]] = {}   # alias → (header, letter)
        self.rejected: dict[str, list[pd.DataFrame]] = {}   # roster key → its rejected rows (typed as far as readable)
        self.verdicts: list[pd.DataFrame] = []      # the exports' own verdicts (kehu.load.shapes.verdicts)

    def keep_rejected(self, key: str, rows: pd.DataFrame) -> None:
        """Keep the rejected rows of a roster (员工名册, 客户名册): other datasets refer to them, and
        with ``--skip-invalid`` the people left out are named (SPEC §10.3)."""
        self.rejected.setdefault(key, []).append(rows)

    def rejected_rows(self, key: str) -> pd.DataFrame | None:
        parts = [p for p in self.rejected.get(key, []) if len(p)]
        return pd.concat(parts, ignore_index=True) if parts else None

    def sheet(self, file: str, sheet: str, dataset: str | None, read: int, empty: int, one_to_one: bool = True) -> None:
        self._sheets[(file, sheet)] = SheetCount(file, sheet, dataset, read=read, empty=empty)
        if not one_to_one:
            self._many[(file, sheet)] = {kind: [] for kind in KINDS + ("marked",)}

    def mark_used(self, file: str, sheet: str, rows) -> None:
        """Source rows of a one-to-many sheet that make no dataset row but are used all the same."""
        if len(rows):
            self._many[(file, sheet)]["marked"].append(np.asarray(rows, dtype=np.int64))

    def keep_verdicts(self, frame: pd.DataFrame) -> None:
        """What an export says of each day (kehu.load.shapes.verdicts), for the 导入核对 check."""
        if len(frame):
            self.verdicts.append(frame)

    def drop_count(self, file: str, sheet: str, n: int, kind: str) -> None:
        """Count ``n`` rows of a sheet that was not typed at all (unknown or ambiguous sheet)."""
        if n:
            self._dropped.setdefault((file, sheet), Counter())[kind] += n

    def drop(self, frame: pd.DataFrame, mask: pd.Series, kind: str) -> pd.DataFrame:
        """Remove the rows under ``mask`` from ``frame``, counting them as ``kind``."""
        assert kind in KINDS
        if not mask.any():
            return frame
        gone = frame.loc[mask, ["_file", "_sheet"]]
        for (file, sheet), n in gone.value_counts(sort=False).items():
            self._dropped.setdefault((file, sheet), Counter())[kind] += int(n)
        if self._many:
            for key, rows in self._many.items():
                hit = (gone["_file"] == key[0]) & (gone["_sheet"] == key[1])
                if hit.any():
                    rows[kind].append(frame.loc[mask, "_row"][hit.to_numpy()].to_numpy())
        return frame.loc[~mask]

    def absorb(self, other: "Ledger") -> None:
        """Take over the sheets another ledger counted (one per input file, from a pool worker)."""
        self._sheets.update(other._sheets)
        for key, dropped in other._dropped.items():
            self._dropped.setdefault(key, Counter()).update(dropped)
        self.headers.update(other.headers)
        self._many.update(other._many)
        for key, parts in other.rejected.items():
            self.rejected.setdefault(key, []).extend(parts)
        self.verdicts.extend(other.verdicts)

    def has_dataset(self, key: str) -> bool:
        """Some sheet was recognised as dataset ``key`` (even if all its rows were dropped)."""
        return any(c.dataset == key for c in self._sheets.values())

    def locate(self, file: str, sheet: str, alias: str) -> tuple[str, str]:
        """The header text and column letter of ``alias`` in that sheet ("", "" if absent)."""
        return self.headers.get((file, sheet), {}).get(alias, ("", ""))

    def counts(self, frames: dict[str, pd.DataFrame]) -> list[SheetCount]:
        used = Counter()
        for frame in frames.values():
            if len(frame):
                for key, n in frame[["_file", "_sheet"]].value_counts(sort=False).items():
                    used[key] += int(n)
        out = []
        for key, count in sorted(self._sheets.items()):
            if key in self._many:
                self._count_source_rows(count, key, frames)
            else:
                dropped = self._dropped.get(key, Counter())
                count.rejected, count.ignored, count.duplicate = (dropped[k] for k in KINDS)
                count.used = used[key]
            out.append(count)
        return out

    def _count_source_rows(self, count: SheetCount, key: tuple, frames: dict) -> None:
        """A one-to-many sheet: each source row once, under the first of used, rejected, ignored,
        duplicate — and, last, used again for the rows marked used that nothing else counted."""
        used = [f.loc[(f["_file"] == key[0]) & (f["_sheet"] == key[1]), "_row"].to_numpy()
                for f in frames.values() if len(f)]
        seen = _distinct(used)
        count.used = len(seen)
        for kind in KINDS + ("marked",):
            rows = _distinct(self._many[key][kind])
            rows = rows[~np.isin(rows, seen)]
            if kind == "marked":
                count.used += len(rows)
            else:
                setattr(count, kind, len(rows))
            seen = np.concatenate([seen, rows])


def _distinct(parts: list) -> np.ndarray:
    """The distinct row numbers of ``parts`` (sorting: numpy 2.4's np.unique hashes, ~25× slower here)."""
    rows = np.sort(np.concatenate(parts).astype(np.int64)) if parts else np.array([], dtype=np.int64)
    return rows[np.concatenate(([True], rows[1:] != rows[:-1]))] if len(rows) else rows
