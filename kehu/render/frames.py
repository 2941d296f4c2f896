"""Reading frames column-wise for the renderers (one ``tolist`` per column, not a dict per row)."""
from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd


def columns(frame, names, rows: list[int] | None = None) -> dict[str, list]:
    """{column: list of its cells} (only the ``rows`` positions, when given); a missing
    column reads as None (like ``dict.get``); a missing or empty frame gives empty lists."""
    if frame is None or len(frame) == 0:
        return {name: [] for name in names}
    present = set(frame.columns)
    n = len(frame) if rows is None else len(rows)
    cols = {}
    for name in names:
        if name not in present:
            cols[name] = [None] * n
        elif rows is None:
            cols[name] = frame[name].tolist()
        else:
            cols[name] = frame[name].take(rows).tolist()
    return cols


# the cell types frame.to_dict("records") hands over as they are (its maybe_box_native only
# converts numpy scalars and datetime64 values in object columns)
_PLAIN = frozenset((str, type(None), int, float, bool, Decimal, pd.Timestamp))


def records(frame) -> list[dict]:
    """``frame.to_dict("records")``, the same values and types, built column-wise.

    to_dict boxes every cell of the frame one by one; here an object column whose
    cells are all plain Python values is taken with one ``tolist``, a numpy
    int/float/bool column likewise, and a datetime64 column boxes each distinct
    timestamp once (a month has few). Any other column (extension dtypes, numpy
    scalars inside objects) is read by to_dict itself, one column at a time."""
    if frame is None or len(frame) == 0:
        return []
    names = list(frame.columns)
    cols = [_column_as_records(frame, name, position) for position, name in enumerate(names)]
    return [dict(zip(names, row)) for row in zip(*cols)]


def _column_as_records(frame, name, position: int) -> list:
    series = frame.iloc[:, position]
    dtype = series.dtype
    if isinstance(dtype, np.dtype):
        if dtype.kind in "iufb":
            return series.tolist()
        if dtype.kind == "M":
            codes, uniques = pd.factorize(series)
            boxed = [*uniques, pd.NaT]                 # code -1 (missing) → boxed[-1]
            return [boxed[code] for code in codes.tolist()]
        if dtype.kind == "O":
            values = series.tolist()
            if all(type(value) in _PLAIN for value in values):
                return values
    return [record[name] for record in frame.iloc[:, [position]].to_dict("records")]
