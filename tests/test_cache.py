"""Typed files kept between runs (kehu/load/cache.py, issue 15): a second `kehu validate` reads only
what changed — and a changed byte is always seen: a cache that can be wrong is worse than none."""
from __future__ import annotations

import pickle
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import tiny_month, write_month
from kehu.load import folder as load_folder_module
from kehu.load.cache import CACHE_DIR, KeptRows, TypedFileCache
from kehu.month import Month
from kehu.rules import load_rules
from kehu.validate import validate_month

MONTH = Month(2026, 10)


@pytest.fixture(autouse=True)
def own_secret(tmp_path, monkeypatch):
    """Each test signs with a key of its own (not the user's ~/.cache/kehu)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "home-cache"))


@pytest.fixture
def reads(monkeypatch):
    """The names of the files actually read and typed (not taken from the cache)."""
    seen = []
    real = load_folder_module.load_file

    def counting(source, rules, **kw):
        seen.append(source.name)
        return real(source, rules, **kw)
    monkeypatch.setattr(load_folder_module, "load_file", counting)
    return seen


def validate(folder: Path, out: Path, rules=None):
    rules = rules or load_rules()
    return validate_month(folder, MONTH, rules, TypedFileCache(out, rules), keep=True)


def flat(inputs) -> tuple:
    """What a validation gave, in a comparable form: findings, row counts and every typed frame."""
    frames = {k: f.astype(str).to_csv(index=False) for k, f in inputs.frames.items()}
    return ([(f.code, f.file, f.sheet, f.row, f.letter, f.message) for f in inputs.findings],
            [vars(s) for s in inputs.sheets], frames)


def test_a_second_validate_reads_nothing_and_gives_the_same(tmp_path, reads):
    folder = write_month(tmp_path / "in", tiny_month())
    first = validate(folder, tmp_path / "out")
    assert len(reads) == 9
    second = validate(folder, tmp_path / "out")
    assert len(reads) == 9                                   # all nine from the cache
    assert flat(second) == flat(first)


def test_a_changed_byte_is_read_again(tmp_path, reads):
    month = tiny_month()
    month["学习测评.csv"] = {"测评": month.pop("学习测评.xlsx")["测评"]}
    folder = write_month(tmp_path / "in", month)
    validate(folder, tmp_path / "out")
    data = (folder / "学习测评.csv").read_bytes()
    (folder / "学习测评.csv").write_bytes(data.replace(b"90", b"99"))       # one score, same size
    reads.clear()
    again = validate(folder, tmp_path / "out")
    assert reads == ["学习测评.csv"]
    assert list(again.frames["tests"]["score"]) == [99.0, 70.0]


def test_other_rules_or_another_name_are_other_entries(tmp_path, reads):
    folder = write_month(tmp_path / "in", tiny_month())
    validate(folder, tmp_path / "out")
    rules = load_rules()
    rules["violations"]["kinds"]["迟到早退"] = {"amount": 10, "notice": False}
    reads.clear()
    validate(folder, tmp_path / "out", rules)
    assert len(reads) == 9                                   # the enum's choices changed
    shutil.move(folder / "违纪记录.xlsx", folder / "违纪记录（改名）.xlsx")
    reads.clear()
    renamed = validate(folder, tmp_path / "out")
    assert reads == ["违纪记录（改名）.xlsx"]                  # its rows name their file
    assert set(renamed.frames["violations"]["_file"]) == {"违纪记录（改名）.xlsx"}


def test_an_entry_not_signed_by_this_user_is_never_unpickled(tmp_path, reads, monkeypatch):
    folder = write_month(tmp_path / "in", tiny_month())
    validate(folder, tmp_path / "out")
    for entry in (tmp_path / "out" / CACHE_DIR).glob("*.pkl"):
        entry.write_bytes(b"\x00" * 32 + entry.read_bytes()[32:])        # the signature forged
    monkeypatch.setattr("pickle.loads", lambda data: pytest.fail("an unsigned entry was unpickled"))
    reads.clear()
    validate(folder, tmp_path / "out")
    assert len(reads) == 9


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(0, 10_000), byte=st.integers(0, 255))
def test_any_changed_byte_gives_what_a_fresh_read_gives(tmp_path_factory, position, byte):
    """Property: after any one byte of a file changes, the cached validation equals an uncached one."""
    root = tmp_path_factory.mktemp("flip")
    month = tiny_month()
    month["请假外出.csv"] = {"请假": month.pop("请假外出.xlsx")["请假"]}
    folder = write_month(root / "in", month)
    validate(folder, root / "out")                               # fills the cache
    data = bytearray((folder / "请假外出.csv").read_bytes())
    data[position % len(data)] = byte
    (folder / "请假外出.csv").write_bytes(bytes(data))
    cached = validate(folder, root / "out")
    fresh = validate_month(folder, MONTH, load_rules())
    assert flat(cached) == flat(fresh)


def test_kehu_run_after_kehu_validate_reads_nothing_again(tmp_path, reads):
    from kehu.pipeline import run, validate as validate_command
    folder = write_month(tmp_path / "in", tiny_month())
    out = tmp_path / "kehu-out"
    assert validate_command(folder, MONTH, load_rules(), out / "校验报告_2026-10.xlsx").exit_code == 0
    reads.clear()
    done = run(folder, MONTH, out, load_rules())
    assert done.exit_code == 0 and reads == []
    assert (out / "2026-10" / "results.json").exists()


# -- the raw sheets kept for the report's annotated copies ------------------------------------

def flagged_month() -> dict:
    """A month whose 打卡记录 (a CSV, 200 rows: copied as header + flagged rows) and 出访登记 (short:
    copied whole) have rows the report annotates."""
    month = tiny_month()
    punches = month.pop("打卡记录.xlsx")["打卡"]
    punches += [[e, f"2026-10-{d:02d} 09:00"] for d in range(13, 31) for e in ("1001", "1002", "1003")] * 3
    punches[59] = ["9999", "2026-10-20 09:01"]                               # W-unknown-employee
    month["打卡记录.csv"] = {"打卡": punches}
    month["出访登记.xlsx"]["出访"][2][2] = "999999"                           # an unknown customer
    return month


def report_parts(path: Path) -> dict:
    """The report workbook's members and their bytes (xlsxwriter writes the same bytes for the same content)."""
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in sorted(book.namelist())}


def test_a_warm_report_is_the_cold_one_without_reading_a_workbook_again(tmp_path, monkeypatch):
    from kehu import pipeline
    from kehu.render import report_copies
    folder = write_month(tmp_path / "in", flagged_month())
    report = tmp_path / "out" / "校验报告.xlsx"
    cold = pipeline.validate(folder, MONTH, load_rules(), report)
    cold_report = report_parts(report)
    assert len(cold_report) > 0 and any(f.file == "打卡记录.csv" and f.row == 60 for f in cold.inputs.findings)
    monkeypatch.setattr(report_copies, "read_file", lambda *a: pytest.fail("a workbook was read again"))
    warm = pipeline.validate(folder, MONTH, load_rules(), report)
    assert flat(warm.inputs) == flat(cold.inputs)
    assert report_parts(report) == cold_report


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.integers(0, 10_000), byte=st.integers(0, 255))
def test_any_changed_byte_gives_the_report_a_fresh_read_gives(tmp_path_factory, position, byte):
    """Property: after any one byte of a file with flagged rows changes, the report written from the
    cache (its typed file and raw sheets) is the report of a validation without one."""
    from kehu import pipeline
    root = tmp_path_factory.mktemp("flip-report")
    folder = write_month(root / "in", flagged_month())
    pipeline.validate(folder, MONTH, load_rules(), root / "warm" / "r.xlsx")       # fills the cache
    data = bytearray((folder / "打卡记录.csv").read_bytes())
    data[position % len(data)] = byte
    (folder / "打卡记录.csv").write_bytes(bytes(data))
    warm = pipeline.validate(folder, MONTH, load_rules(), root / "warm" / "r.xlsx")
    fresh = pipeline.validate(folder, MONTH, load_rules(), root / "fresh" / "r.xlsx")
    assert flat(warm.inputs) == flat(fresh.inputs)
    assert report_parts(root / "warm" / "r.xlsx") == report_parts(root / "fresh" / "r.xlsx")


def test_a_file_changed_while_it_is_read_is_not_kept(tmp_path, monkeypatch, reads):
    folder = write_month(tmp_path / "in", tiny_month())
    real = load_folder_module.load_file

    def changing(source, rules, **kw):
        loaded = real(source, rules, **kw)
        if source.name == "违纪记录.xlsx":                  # saved again in Excel while kehu read it
            source.path.write_bytes(source.path.read_bytes() + b"\0")
        return loaded
    monkeypatch.setattr(load_folder_module, "load_file", changing)
    validate(folder, tmp_path / "out")
    assert len(list((tmp_path / "out" / CACHE_DIR).glob("*.pkl"))) == 2 * 8     # typed + raw of the other eight
    monkeypatch.setattr(load_folder_module, "load_file", real)
    reads.clear()
    validate(folder, tmp_path / "out")
    assert reads == ["违纪记录.xlsx"]


def test_kept_rows_read_like_the_list_they_keep():
    rows = [[i, f"行{i}", None] for i in range(11)]
    kept = pickle.loads(pickle.dumps(KeptRows(rows)))
    assert len(kept) == 11 and list(kept) == rows
    assert kept[0] == rows[0] and kept[-1] == rows[10] and kept[5] == rows[5]
    assert kept[3:9] == rows[3:9] and kept[:30] == rows and kept[9:2] == []
    with pytest.raises(IndexError):
        kept[11]
    assert len(KeptRows([])) == 0 and list(KeptRows([])) == []
