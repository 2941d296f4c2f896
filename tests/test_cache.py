"""Typed files kept between runs (kehu/load/cache.py, issue 15): a second `kehu validate` reads only
what changed — and a changed byte is always seen: a cache that can be wrong is worse than none."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import tiny_month, write_month
from kehu.load import folder as load_folder_module
from kehu.load.cache import CACHE_DIR, TypedFileCache
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
