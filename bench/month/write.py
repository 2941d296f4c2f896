"""Writing the generated frames: a sheet is (name, title, columns); a column is (header, values, fmt),
values a list of str / int / float / None (None = blank cell). xlsx through xlsxwriter's
constant_memory mode (reproducible: fixed creation time), CSV through the csv module; the files of
one month are written in parallel by a fork pool (``run_writes``)."""
from __future__ import annotations

import csv
import datetime as dt
import math
import multiprocessing as mp
import time
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

ROWS_PER_FILE = 250_000
EXCEL_EPOCH = np.datetime64("1899-12-30T00:00:00", "s")


# --------------------------------------------------------------------------- cells

def _serial_from_dt64(a) -> np.ndarray:
    a = np.asarray(a, dtype="datetime64[s]")
    return (a - EXCEL_EPOCH) / np.timedelta64(86400, "s")


def _nan_to_none(vals: np.ndarray) -> list:
    lst = vals.tolist()
    if np.issubdtype(vals.dtype, np.floating):
        mask = np.isnan(vals)
        if mask.any():
            for i in np.flatnonzero(mask):
                lst[i] = None
    return lst


def col_excel_date(series, kind="date"):
    """datetime-like → Excel serial numbers (None for NaT) with a date/datetime format."""
    a = np.asarray(pd.to_datetime(pd.Series(series)).to_numpy(dtype="datetime64[s]"))
    ser = _serial_from_dt64(a)
    ser = np.where(np.isnat(a), np.nan, ser)
    if kind == "date":
        ser = np.floor(ser)
    return _nan_to_none(ser), kind


def col_text_date(series, style="iso"):
    if style in ("iso", "datetime_s"):  # vectorised (big CSV files)
        a = np.asarray(pd.to_datetime(pd.Series(series)).to_numpy(dtype="datetime64[s]"))
        txt = np.datetime_as_string(a, unit="D" if style == "iso" else "s")
        if style == "datetime_s":
            txt = np.char.replace(txt, "T", " ")
        out = txt.astype(object)
        out[np.isnat(a)] = None
        return out.tolist(), None
    out = []
    for v in pd.to_datetime(pd.Series(series)):
        if pd.isna(v):
            out.append(None)
        elif style == "slash":
            out.append(f"{v.year}/{v.month}/{v.day}")
        elif style == "cn":
            out.append(f"{v.year}年{v.month}月{v.day}日")
        elif style == "datetime":
            out.append(v.strftime("%Y-%m-%d %H:%M"))
        elif style == "datetime_s":
            out.append(v.strftime("%Y-%m-%d %H:%M:%S"))
        else:
            out.append(v.strftime("%Y-%m-%d"))
    return out, None


def col_time(seconds, style="excel"):
    """seconds since midnight (NaN blank) → Excel time serials or text."""
    s = np.asarray(seconds, dtype="float64")
    if style == "excel":
        return _nan_to_none(s / 86400.0), "time"
    out = []
    for v in s.tolist():
        if v != v:
            out.append(None)
            continue
        v = int(v)
        h, m, sec = v // 3600, v // 60 % 60, v % 60
        out.append(f"{h}:{m:02d}" if style == "hm" else f"{h:02d}:{m:02d}:{sec:02d}")
    return out, None


def col_text(series):
    out = pd.Series(series, dtype="object").tolist()
    return [None if (v is None or (isinstance(v, float) and v != v) or v == "") else str(v) for v in out], None


def col_id_number(series):
    return [None if v is None else int(v) for v in pd.Series(series, dtype="object").tolist()], None


def col_num(series, fmt=None):
    a = np.asarray(series, dtype="float64")
    return _nan_to_none(a), fmt


def col_int(series):
    return [int(v) for v in np.asarray(series).tolist()], None


def col_bool(series, style="是否"):
    yes, no = {"是否": ("是", "否"), "√×": ("√", "×"), "YN": ("Y", "N")}[style]
    out = []
    for v in pd.Series(series, dtype="object").tolist():
        out.append(None if v is None or (isinstance(v, float) and v != v) else (yes if v else no))
    return out, None

# --------------------------------------------------------------------------- sheets and files

class Sheet:
    def __init__(self, name, columns, title=None, widths=None):
        self.name, self.columns, self.title, self.widths = name, columns, title, widths

    @property
    def nrows(self):
        return len(self.columns[0][1]) if self.columns else 0


def write_xlsx(path, sheets, constant_memory=True):
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory,
                                         "strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"created": dt.datetime(2026, 1, 1), "author": "kehu bench/make_month.py"})  # reproducible
    fmts = {"date": wb.add_format({"num_format": "yyyy-mm-dd"}),
            "datetime": wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
            "time": wb.add_format({"num_format": "hh:mm"}),
            "money": wb.add_format({"num_format": "0.00"}),
            None: None}
    bold = wb.add_format({"bold": True})
    title_fmt = wb.add_format({"bold": True, "font_size": 14})
    for sh in sheets:
        ws = wb.add_worksheet(sh.name)
        for j, (header, _vals, fmt) in enumerate(sh.columns):
            width = (sh.widths or {}).get(header) or max(10, 2 * len(header) + 2)
            if fmt in ("date",):
                width = max(width, 12)
            if fmt == "datetime":
                width = max(width, 20)
            ws.set_column(j, j, width)
        r = 0
        if sh.title:
            ws.write_string(0, 0, sh.title, title_fmt)
            r = 1
        for j, (header, _vals, _fmt) in enumerate(sh.columns):
            ws.write_string(r, j, header, bold)
        ws.freeze_panes(r + 1, 0)
        cols = [(j, vals, fmts[fmt]) for j, (_h, vals, fmt) in enumerate(sh.columns)]
        ws_str, ws_num = ws.write_string, ws.write_number
        base = r + 1
        for i in range(sh.nrows):
            row = base + i
            for j, vals, f in cols:
                v = vals[i]
                if v is None:
                    continue
                if v.__class__ is str:
                    ws_str(row, j, v)
                else:
                    ws_num(row, j, v, f)
    wb.close()


def write_csv(path, sheet, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        if sheet.title:
            w.writerow([sheet.title])
        w.writerow([h for h, _v, _f in sheet.columns])
        cols = [v for _h, v, _f in sheet.columns]
        for row in zip(*cols):
            w.writerow(["" if v is None else (repr(v) if isinstance(v, float) and not v.is_integer() else
                                               (str(int(v)) if isinstance(v, float) else str(v))) for v in row])


_TASKS: list = []


def _run_task(i):
    kind, path, payload = _TASKS[i]
    t = time.time()
    if kind == "xlsx":
        write_xlsx(path, payload)
    else:
        write_csv(path, payload[0], encoding=payload[1])
    return str(path), time.time() - t


def run_writes(tasks, jobs=1):
    global _TASKS
    _TASKS = tasks
    order = sorted(range(len(tasks)), key=lambda i: -sum(s.nrows * len(s.columns) for s in
                                                         (tasks[i][2] if tasks[i][0] == "xlsx" else [tasks[i][2][0]])))
    if jobs > 1 and len(tasks) > 1 and "fork" in mp.get_all_start_methods():
        with mp.get_context("fork").Pool(jobs) as pool:
            done = pool.map(_run_task, order, chunksize=1)
    else:
        done = [_run_task(i) for i in order]
    _TASKS = []
    return done


# --------------------------------------------------------------------------- a month's files

def split(df, n=ROWS_PER_FILE):
    if len(df) <= n:
        return [df]
    k = math.ceil(len(df) / n)
    size = math.ceil(len(df) / k)
    return [df.iloc[i:i + size] for i in range(0, len(df), size)]


class Layout:
    """The write tasks of one generated month: ``(kind, path, payload)``, kind "xlsx" (payload a
    list of sheets) or "csv" (payload ``(sheet, encoding)``); ``big`` files become CSV with --csv."""

    def __init__(self, out: Path, as_csv: bool = False):
        self.out, self.as_csv, self.tasks = Path(out), as_csv, []

    def add(self, fname, sheet_name, columns, big=False):
        if big and self.as_csv:
            self.tasks.append(("csv", self.out / f"{fname}.csv", (Sheet(sheet_name, columns), "utf-8")))
        else:
            self.tasks.append(("xlsx", self.out / f"{fname}.xlsx", [Sheet(sheet_name, columns)]))

    def add_split(self, fname, sheet_name, frame, columns_of, big=True):
        """One file for ``frame``, or ``fname_01`` … when it has more than ROWS_PER_FILE rows."""
        parts = split(frame)
        for i, part in enumerate(parts):
            self.add(fname + (f"_{i + 1:02d}" if len(parts) > 1 else ""), sheet_name, columns_of(part), big=big)

    def date(self, header, series, kind="date"):
        """A date / datetime column: Excel serials, or ISO text in CSV files."""
        if self.as_csv:
            return (header,) + col_text_date(series, "datetime_s" if kind == "datetime" else "iso")
        return (header,) + col_excel_date(series, kind)

    def time(self, header, seconds):
        """A time-of-day column (seconds since midnight): Excel time serials, or 09:30:00 in CSV."""
        return (header,) + col_time(seconds, "hms" if self.as_csv else "excel")
