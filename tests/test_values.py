"""Column-wise typing (kehu.load.values) equals typing each cell on its own.

The converters take fast paths for a column of one exact type (text only,
date-times only…) and a general path for mixed columns; a one-cell column
always takes a fast path. So typing a mixed column and typing its cells one by
one must agree — that is what these properties check, plus hand cases.
"""
from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.load import values as V

TEXTS = ["1001", " 1001 ", "1001.0", "00123", "\u30001002\u3000", "", "  ", "abc", "2026-10-08", "2026/10/8 9:05",
         "2026年10月8日", "09:20", "9:20:31", "是", "否", "Y", "1,234.50", "¥100", "-5", "13800138000"]
cells = st.one_of(
    st.none(),
    st.sampled_from(TEXTS),
    st.floats(min_value=-1e6, max_value=1e6),
    st.just(float("nan")),
    st.integers(min_value=0, max_value=10**6).map(float),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2030, 12, 31)),
    st.dates(),                 # any year: outside 1678–2261 a bad cell (V.FIRST_DAY … V.LAST_DAY)
    st.datetimes(),
    st.times(),
)
CONVERTERS = ["id", "text", "money", "number", "int", "score", "bool", "date", "time", "month", "phone"]


def _cleaned(raw: list) -> pd.Series:
    return pd.Series(V.clean_cells(raw), dtype=object)


def _same(a, b) -> bool:
    if (a is None or a is pd.NA or (isinstance(a, float) and math.isnan(a)) or a is pd.NaT) and \
            (b is None or b is pd.NA or (isinstance(b, float) and math.isnan(b)) or b is pd.NaT):
        return True
    return type(a) is type(b) and a == b if not isinstance(a, (np.generic, pd.Timestamp)) else a == b


@settings(max_examples=150, deadline=None)
@given(st.lists(cells, min_size=1, max_size=12))
def test_clean_cells_trims_text_and_blanks_empty(raw):
    out = V.clean_cells(raw)
    for given_, got in zip(raw, out):
        if isinstance(given_, str):
            assert got == (given_.strip(V._STRIP) or None)
        elif isinstance(given_, float) and math.isnan(given_):
            assert got is None
        else:
            assert got is given_


@settings(max_examples=60, deadline=None)
@given(st.lists(cells, min_size=2, max_size=10), st.sampled_from(CONVERTERS))
def test_a_column_types_like_its_cells_one_by_one(raw, kind):
    convert = V.CONVERTERS[kind]
    column = _cleaned(raw)
    values, bad = convert(column)
    for i in range(len(column)):
        one_values, one_bad = convert(column.iloc[i:i + 1].reset_index(drop=True))
        assert bool(bad.iloc[i]) == bool(one_bad.iloc[0]), (kind, column.iloc[i])
        assert _same(values.iloc[i], one_values.iloc[0]), (kind, column.iloc[i], values.iloc[i], one_values.iloc[0])


@settings(max_examples=60, deadline=None)
@given(st.lists(cells, min_size=2, max_size=10))
def test_datetime_column_and_date_only_mask_match_cells(raw):
    column = _cleaned(raw)
    values, bad, date_only = V.to_datetime(column)
    for i in range(len(column)):
        v, b, d = V.to_datetime(column.iloc[i:i + 1].reset_index(drop=True))
        assert _same(values.iloc[i], v.iloc[0]) and bool(bad.iloc[i]) == bool(b.iloc[0])
        assert bool(date_only.iloc[i]) == bool(d.iloc[0])


def test_ids_keep_leading_zeros_and_lose_point_zero():
    values, bad = V.to_id(_cleaned(["00123", "1001.0", 1002.0, " 1003 ", None, 12.5]))
    assert list(values[:4]) == ["00123", "1001", "1002", "1003"] and values[4:].isna().all()
    assert list(bad) == [False, False, False, False, False, True]


def test_money_is_exact_decimal_and_refuses_negatives():
    values, bad = V.to_money(_cleaned([13015.79, 131.0, "1,234.50", "¥100", -5.0, "abc", None]))
    assert list(values)[:4] == [Decimal("13015.79"), Decimal(131), Decimal("1234.50"), Decimal(100)]
    assert str(values.iloc[1]) == "131"
    assert list(bad) == [False, False, False, False, True, True, False]


def test_member_counts_are_whole_and_not_negative():
    values, bad = V.to_int(_cleaned([131.0, "12", 1.5, -1.0, None]))
    assert list(values[:2]) == [131, 12]
    assert list(bad) == [False, False, True, True, False]


def test_excel_datetimes_round_to_the_second_then_drop_seconds():
    values, bad, date_only = V.to_datetime(_cleaned([dt.datetime(2026, 10, 8, 9, 0, 59, 600000),
                                                    dt.datetime(2026, 10, 8, 9, 5)]))
    assert list(values) == [pd.Timestamp("2026-10-08 09:01"), pd.Timestamp("2026-10-08 09:05")]
    assert not bad.any() and not date_only.any()


def test_a_date_column_is_date_only():
    values, bad, date_only = V.to_datetime(_cleaned([dt.date(2026, 10, 8), None]))
    assert values.iloc[0] == pd.Timestamp("2026-10-08") and pd.isna(values.iloc[1])
    assert list(date_only) == [True, False] and not bad.any()


def test_ragged_csv_rows_are_padded_not_shifted():
    columns = V.clean_columns([["a", "b", "c"], ["d"], ["e", " ", "f"]])
    assert [list(c) for c in columns] == [["a", "d", "e"], ["b", None, None], ["c", None, "f"]]


def test_a_serial_past_2192_in_a_date_column_is_a_bad_cell_not_a_crash():
    serial = (dt.date(2026, 10, 8) - dt.date(1899, 12, 30)).days
    values, bad = V.to_date(_cleaned([132321.0, float(serial)]))
    assert list(bad) == [True, False]
    assert values.iloc[1] == pd.Timestamp("2026-10-08")


def test_a_date_outside_the_frames_years_is_a_bad_cell_not_a_crash():
    """datetime64[ns] holds 1678-01-01 … 2261-12-31 (V.FIRST_DAY, V.LAST_DAY): a cell outside — as a
    real Excel date, date-time or text, alone in its column or mixed — is a bad cell; the two
    days at the ends are read."""
    outside = [dt.datetime(9999, 12, 31), dt.date(26, 10, 15), "0026-10-15", "2500/01/01 10:00",
               dt.date(1677, 12, 31), dt.date(2262, 1, 1)]
    ends = [dt.date(1678, 1, 1), dt.datetime(2261, 12, 31, 23, 59)]
    for convert in (V.to_date, V.to_datetime):
        for cell in outside:
            typed = convert(_cleaned([cell]))
            assert typed[0].isna().all() and typed[1].all(), (convert.__name__, cell)
        typed = convert(_cleaned(outside + ends))
        assert list(typed[1]) == [True] * len(outside) + [False, False]
        assert typed[0].dtype == "datetime64[ns]"
        assert typed[0].iloc[-2] == pd.Timestamp("1678-01-01")


def test_an_absent_column_is_blank_in_the_dtype_its_converter_gives():
    """A sheet without an optional column gets it blank in the column's own dtype, so a dataset
    read from sheets with and without it keeps one dtype (pandas 2 warned, pandas 3 made it object)."""
    blank = pd.Series([None, None], dtype=object)
    given = {kind: convert(blank)[0].dtype for kind, convert in V.CONVERTERS.items()}
    given |= {"datetime": V.to_datetime(blank)[0].dtype, "enum": V.to_enum(blank, ("a",))[0].dtype}
    for kind, dtype in given.items():
        column = V.blank_column(kind, blank.index)
        assert column.dtype == dtype and column.isna().all(), kind


def test_phone_numbers_warn_unless_eleven_digits():
    values, bad = V.to_phone(_cleaned(["138-0013-8000", "+8613800138000", "12345", None]))
    assert list(values[:3]) == ["138-0013-8000", "+8613800138000", "12345"]
    assert list(bad) == [False, False, True, False]
