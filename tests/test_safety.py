"""The workbook pre-scan (kehu.load.safety) reads a sheet's XML a block at a time and rules
out the expensive patterns with numpy; it must find exactly what the plain patterns find
over the whole XML.

Blocks are built from the pieces a sheet is made of — cell and row tags with refs near and
far, error cells, attributes written with spaces or single quotes, ``=`` in text — so that
every path of ``_scan_block`` (numpy, and the fallback to the expressions) is exercised.
"""
from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehu.load import safety as S

REFS = ["A1", "B12", "S999999", "T1", "Z9", "AA1", "XFD1048576", "A1000000", "B1048577", "1000000", "999999",
        "12", "a1", "T", "", "A1234567", "AB", "S1", "ZZZ900000"]
PIECES = st.one_of(
    st.sampled_from(REFS).map(lambda r: f'<c r="{r}" s="1"><v>1</v></c>'),
    st.sampled_from(REFS).map(lambda r: f'<row r="{r}" spans="1:3">'),
    st.sampled_from(REFS).map(lambda r: f"<c r = '{r}'><v>2</v></c>"),
    st.sampled_from(REFS).map(lambda r: f'<c r=\n"{r}" t="e"><f>1/0</f><v>#DIV/0!</v></c>'),
    st.sampled_from(REFS).map(lambda r: f'<c r="{r}" t="e"><v>#N/A</v></c>'),
    st.sampled_from(REFS).map(lambda r: f'<c r="{r}" t="s"><v>3</v></c>'),
    st.sampled_from(['</row>', '<c><v>1</v></c>', '<is><t>a = "b"</t></is>', '<pageMargins header="0.3"/>',
                     '<c t="e"/>', '=', 'r="', '"', "r=", "t=\"e", "中文", "1234567"]),
)
XML = st.lists(PIECES, max_size=40).map(lambda parts: "".join(parts).encode())


@settings(max_examples=400, deadline=None)
@given(XML)
def test_a_block_is_scanned_as_the_expressions_scan_it(xml):
    assert S._scan_block(xml) == (S._FAR_REF.findall(xml), S._error_cells(xml))


@settings(max_examples=200, deadline=None)
@given(XML, st.integers(min_value=1, max_value=64))
def test_blocks_cover_the_xml_and_split_no_cell(xml, size):
    blocks = list(_blocks(xml, size))
    assert b"".join(blocks) == xml
    assert all(b.startswith(b"<c") for b in blocks[1:])
    far, errors = set(), {}
    for block in blocks:
        refs, cells = S._scan_block(block)
        far.update(refs)
        errors.update(cells)
    assert far == set(S._FAR_REF.findall(xml)) and errors == S._error_cells(xml)


def _blocks(xml: bytes, size: int):
    old, S._BLOCK = S._BLOCK, size
    try:
        yield from S._cell_blocks(xml[:size], io.BytesIO(xml[size:]))
    finally:
        S._BLOCK = old


def _workbook_with_sheet(xml: bytes) -> bytes:
    import openpyxl
    plain = io.BytesIO()
    openpyxl.Workbook().save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(plain.getvalue())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            dst.writestr(name, xml if name == "xl/worksheets/sheet1.xml" else src.read(name))
    return out.getvalue()


def _sheet(cells: str) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main"><sheetData>{cells}</sheetData></worksheet>').encode()


@pytest.mark.parametrize("far", ['<c r="XFD1"><v>1</v></c>', "<c r = 'A1048577'><v>1</v></c>",
                                 '<c r="AA900000"><v>1</v></c>'])
def test_a_far_cell_after_many_blocks_is_refused(tmp_path, far, monkeypatch):
    monkeypatch.setattr(S, "_BLOCK", 4096)
    near = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>' for r in range(1, 3000))
    path = tmp_path / "远.xlsx"
    path.write_bytes(_workbook_with_sheet(_sheet(near + f'<row r="3000">{far}</row>')))
    with pytest.raises(S.UnsafeFile) as refused:
        S.check_xlsx(path)
    assert refused.value.code == "E-sheet-too-large"


def test_error_cells_in_every_block_are_collected(tmp_path, monkeypatch):
    monkeypatch.setattr(S, "_BLOCK", 1024)
    cells = "".join(f'<row r="{r}"><c r="B{r}" t="e"><v>#DIV/0!</v></c></row>' for r in range(1, 500))
    path = tmp_path / "错误.xlsx"
    path.write_bytes(_workbook_with_sheet(_sheet(cells)))
    [(sheet, errors)] = S.check_xlsx(path).error_cells.items()
    assert errors == {(r, "B"): "#DIV/0!" for r in range(1, 500)}


def test_an_error_cell_without_a_value_takes_none_from_the_next_cell():
    xml = b'<c r="A1" t="e"/><c r="B1" t="s"><v>7</v></c><c r="C1" t="e"><v>#N/A</v></c>'
    assert S._error_cells(xml) == {(1, "C"): "#N/A"}
