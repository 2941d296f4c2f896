"""Reading frames column-wise for the renderers (one ``tolist`` per column, not a dict per row)."""
from __future__ import annotations


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
