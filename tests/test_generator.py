"""bench/make_month.py and its package bench/month/: generated months satisfy the SPEC §1 invariants.

The files are read back here with openpyxl / csv only (not kehu's loader):
header row found by column names (title rows allowed), Chinese or English
headers, ids normalised (Excel number 1001 == text "1001", leading zeros kept).
Only the visit-heavy month is also run through kehu (it must be a valid month
that makes the letters the bench counts).
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import importlib
import importlib.util
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest

from kehu import schema
from kehu.month import Month
from kehu.pipeline import run
from kehu.rules import load_rules
from kehu.schemes import indicator_names

RULES = load_rules()

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_inputs"


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_month", ROOT / "bench" / "make_month.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["make_month"] = mod
    spec.loader.exec_module(mod)       # puts bench/ on sys.path: the package ``month`` is the generator
    return mod


mm = _load_generator()
base = importlib.import_module("month.base")
generic = importlib.import_module("month.generic")
generate = mm.generate


# --------------------------------------------------------------------------- reading

def _norm_header(h):
    return re.sub(r"[\s\u3000]+", "", str(h)) if h is not None else ""


NAME_TO_ALIAS = {}
for _d in schema.DATASETS:
    for _c in _d.columns:
        NAME_TO_ALIAS[_c.name] = _c.alias
        NAME_TO_ALIAS[_c.alias] = _c.alias


def _sheets(path: Path):
    if path.suffix == ".csv":
        raw = path.read_bytes()
        for enc in ("utf-8-sig", "gbk"):
            try:
                text = raw.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise AssertionError(f"{path.name}: neither UTF-8 nor GBK")
        rows = [[c if c != "" else None for c in r] for r in csv.reader(text.splitlines())]
        yield path.name, rows
        return
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            yield ws.title, [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _identify(header):
    aliases = {NAME_TO_ALIAS.get(_norm_header(h)) for h in header} - {None}
    best, best_n = None, -1
    for d in schema.DATASETS:
        for req in d.required_sets:
            if req <= aliases and len(req) > best_n:
                best, best_n = d, len(req)
    return best


def read_folder(folder: Path):
    """dataset key → list of row dicts (alias → raw cell value)."""
    data = defaultdict(list)
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".xlsx", ".csv") or path.name.startswith(("~$", ".")):
            continue
        for sheet, rows in _sheets(path):
            hdr_i = next(i for i, r in enumerate(rows)
                         if sum(1 for c in r if _norm_header(c) in NAME_TO_ALIAS) >= 2)
            header = rows[hdr_i]
            ds = _identify(header)
            assert ds is not None, f"{path.name}/{sheet}: header matches no dataset: {header}"
            cols = [NAME_TO_ALIAS.get(_norm_header(h)) for h in header]
            for r in rows[hdr_i + 1:]:
                if all(c is None or str(c).strip() == "" for c in r):
                    continue
                data[ds.key].append({a: v for a, v in zip(cols, r) if a})
    return data


def _id(v):
    if v is None:
        return None
    if isinstance(v, (int, float)):
        assert float(v).is_integer(), v
        return str(int(v))
    return str(v).strip()


def _date(v):
    if v is None or v == "":
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(v).strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            pass
    raise AssertionError(f"bad date {v!r}")


def _month(v):
    m = re.match(r"^\s*(\d{4})\s*(?:-|/|年)\s*(\d{1,2})\s*月?\s*$", str(v))
    assert m, v
    return int(m.group(1)), int(m.group(2))


def _num(v):
    return None if v is None or v == "" else float(v)


BOOL = {"是": True, "否": False, "√": True, "×": False, "Y": True, "N": False}


# --------------------------------------------------------------------------- invariants

def check_month(folder: Path, month: str):
    M = base.MonthSpec(month)
    data = read_folder(folder)
    for key in ("staff", "customers", "visits", "punches", "leave", "violations", "targets", "tests", "callbacks"):
        assert data[key], f"no {key} rows in {folder}"

    # enums
    for key, rows in data.items():
        ds = schema.BY_KEY[key]
        for c in ds.columns:
            choices = tuple(schema.column_choices(c, RULES)) if c.choices_rule else c.choices
            if choices:
                for r in rows:
                    if r.get(c.alias) is not None:
                        assert r[c.alias] in choices, (key, c.alias, r[c.alias])

    # staff: unique ids, one 重要室经理 per room
    staff = data["staff"]
    ids = [_id(r["employee_id"]) for r in staff]
    assert len(ids) == len(set(ids))
    role = {_id(r["employee_id"]): r["role"] for r in staff}
    rms = Counter(r["room"] for r in staff if r["role"] == "重要室经理")
    assert set(rms) == {r["room"] for r in staff} and set(rms.values()) == {1}
    assert all(float(r["performance_base"]) >= 0 for r in staff)
    emp = set(ids)

    # customers
    cust = data["customers"]
    cids = [_id(r["customer_id"]) for r in cust]
    assert len(cids) == len(set(cids))
    cset = set(cids)
    for r in cust:
        assert _id(r["manager_id"]) in emp
        assert r["member"] in BOOL
        assert int(r["members_start"]) >= 0 and int(r["members_end"]) >= 0
        assert float(r["revenue"]) >= 0 and float(r["info_revenue"]) >= 0
        if r["status"] == "离网":
            assert _date(r["churned_on"]) is not None and _date(r["churned_on"]) <= M.last
        if r.get("key_person_phone"):
            assert re.fullmatch(r"1[3-9]\d{9}", str(r["key_person_phone"])), r["key_person_phone"]

    # visits: ids exist, dates in the month or the 2 previous months
    for r in data["visits"]:
        assert _id(r["manager_id"]) in emp and _id(r["customer_id"]) in cset
        assert M.shift(-2).first <= _date(r["date"]) <= M.last
        for b in ("problem_solved", "customer_signed", "callback_required"):
            assert r.get(b) is None or r[b] in BOOL
    # punches: known staff, inside the month
    for r in data["punches"]:
        assert _id(r["employee_id"]) in emp
        d = _date(r["punched_at"] if r.get("punched_at") is not None else r["date"])
        assert M.first <= d <= M.last
    # leave: end ≥ start, touches the month, 补卡 without end
    for r in data["leave"]:
        assert _id(r["employee_id"]) in emp
        s, e = _date(r["starts_at"]), _date(r.get("ends_at"))
        if r["kind"] == "补卡":
            assert e is None and M.first <= s <= M.last
        else:
            assert e is not None and e >= s and s <= M.last and e >= M.first
    for r in data["violations"]:
        assert _id(r["employee_id"]) in emp and M.first <= _date(r["date"]) <= M.last
    # callbacks: ≤ 10 days into the next month
    for r in data["callbacks"]:
        assert _id(r["customer_id"]) in cset
        assert r.get("agent_id") is None or _id(r["agent_id"]) in emp
        assert _date(r["date"]) <= M.last + dt.timedelta(days=10)
    # tests: unique (工号, 月份), scores 0–100, month and the 2 previous
    keys = set()
    allowed = {(M.shift(k).year, M.shift(k).month) for k in (-2, -1, 0)}
    for r in data["tests"]:
        k = (_id(r["employee_id"]), _month(r["month"]))
        assert k[0] in emp and k[1] in allowed and k not in keys
        keys.add(k)
        assert r.get("score") is None or 0 <= float(r["score"]) <= 100
    # targets: unique (工号, 指标), base ≤ target ≤ challenge, complete per role
    have = defaultdict(dict)
    for r in data["targets"]:
        e = _id(r["employee_id"])
        assert e in emp and r["indicator"] not in have[e]
        b, t, c = _num(r["base"]), _num(r["target"]), _num(r["challenge"])
        assert b <= t <= c, r
        have[e][r["indicator"]] = _num(r.get("actual"))
    for e, ro in role.items():
        need = base.INDICATORS if ro == "重要室经理" else base.CM_INDICATORS
        assert set(need) <= set(have[e]), (e, ro, have[e])
        for ind in ("行业产品", "企信通", "其他集团指标"):
            if ind in need:
                assert have[e][ind] is not None, (e, ind)
    return data


def class_mismatches(data):
    out = []
    for r in data["customers"]:
        s = _num(r.get("annual_spend"))
        if s is None:
            continue
        band = "A1" if s >= 500_000 else "A2" if s >= 200_000 else "B1" if s >= 50_000 else \
            "B2" if s >= 20_000 else None
        if (band or "C/D") != r["customer_class"] and not (band is None and r["customer_class"] in ("C", "D")):
            out.append(_id(r["customer_id"]))
    return out


# --------------------------------------------------------------------------- tests

def test_enums_match_schema():
    assert base.ROLES == schema.ROLES
    assert base.CUSTOMER_CLASSES == schema.CUSTOMER_CLASSES
    assert base.VISIT_METHODS == schema.VISIT_METHODS
    assert base.LEAVE_KINDS == schema.LEAVE_KINDS
    assert set(base.INDICATORS) == set(indicator_names(load_rules()))    # the default schemes' 指标 names
    assert base.CALLBACK_METHODS == schema.CALLBACK_METHODS
    assert base.CALLBACK_RESULTS == schema.CALLBACK_RESULTS
    assert base.STATUSES == schema.STATUSES


def test_small_month(tmp_path):
    res = generate(tmp_path, month="2026-10", rooms=3, managers=15, customers=150, seed=5)
    for f in res["files"]:
        assert Path(f).exists()
    data = check_month(tmp_path, "2026-10")
    assert len(data["staff"]) == 15 and len(data["customers"]) == 150
    assert len(data["punches"]) == res["rows"]["punches"]
    assert not class_mismatches(data)


def test_punch_target_csv_and_summer(tmp_path):
    res = generate(tmp_path, month="2026-06", rooms=2, managers=8, customers=60, punches=2000,
                      visits=200, callbacks=90, seed=2, csv=True, jobs=2)
    assert res["rows"]["punches"] == 2000 and res["rows"]["callbacks"] == 90
    assert (tmp_path / "打卡记录.csv").exists()
    data = check_month(tmp_path, "2026-06")
    assert len(data["punches"]) == 2000 and len(data["callbacks"]) == 90


def test_year_without_official_calendar_gets_calendar_sheet(tmp_path):
    generate(tmp_path, month="2031-03", rooms=1, managers=4, customers=20, seed=3)
    assert (tmp_path / "日历.xlsx").exists()
    data = check_month(tmp_path, "2031-03")
    assert len(data["calendar"]) == 31


def test_deterministic():
    a = generic.build_generic("2026-10", 2, 12, 150, None, None, None, seed=9)
    b = generic.build_generic("2026-10", 2, 12, 150, None, None, None, seed=9)
    for k in a:
        assert a[k].equals(b[k]), k


def _assert_outings_logged(data):
    """Every 外出走访 has a 出访登记 row of that employee that day (else W-visit-unlogged)."""
    visit_days = {(_id(r["manager_id"]), _date(r["date"])) for r in data["visits"]}
    for r in data["leave"]:
        if r["kind"] == "外出走访":
            assert (_id(r["employee_id"]), _date(r["starts_at"])) in visit_days


def _check_demo(folder: Path):
    data = check_month(folder, "2026-10")
    assert len(data["staff"]) == 12 and len(data["customers"]) == 150
    assert sorted(class_mismatches(data)) == ["000104", "000213"]
    churn = sorted((_id(r["customer_id"]), _date(r["churned_on"])) for r in data["customers"] if r["status"] == "离网")
    assert [c for c, d in churn if d.month == 10] == ["000140", "000207", "000231"]
    counted = Counter(_id(r["employee_id"]) for r in data["leave"] if r["kind"] in ("事假", "病假"))
    assert counted["2002"] == 4 and max(v for k, v in counted.items() if k != "2002") <= 3
    oct_scores = {_id(r["employee_id"]): r.get("score") for r in data["tests"] if _month(r["month"]) == (2026, 10)}
    assert oct_scores["2004"] is None
    cb_dates = [_date(r["date"]) for r in data["callbacks"]]
    assert max(cb_dates) == dt.date(2026, 11, 2)
    _assert_outings_logged(data)
    # messiness really present
    first_rows = {}
    for path in folder.iterdir():
        for sheet, rows in _sheets(path):
            first_rows[(path.name, sheet)] = rows[0]
    titled = [k for k, r in first_rows.items() if sum(1 for c in r if c is not None) == 1]
    assert len(titled) >= 2
    assert any(k[0].startswith("出访登记") for k in first_rows) and \
        sum(1 for k in first_rows if k[0].startswith("出访登记")) == 2
    assert (folder / "请假外出.csv").read_bytes().decode("gbk")
    return data


def test_demo_generates(tmp_path):
    res = generate(tmp_path, demo=True)
    assert "000106" in res["planted"]
    _check_demo(tmp_path)


@pytest.mark.skipif(not (SAMPLE / "员工名册.xlsx").exists(), reason="sample_inputs not generated")
def test_committed_sample_inputs_match_generator(tmp_path):
    _check_demo(SAMPLE)
    generate(tmp_path, demo=True)
    names = sorted(p.name for p in SAMPLE.iterdir() if p.suffix in (".xlsx", ".csv"))
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for n in names:
        assert (SAMPLE / n).read_bytes() == (tmp_path / n).read_bytes(), f"sample_inputs/{n} is stale"
    assert sum(p.stat().st_size for p in SAMPLE.iterdir()) < 2_000_000


# --------------------------------------------------------------------------- the generator, split by dataset

GENERATED = ("staff", "customers", "visits", "punches", "leave", "violations", "targets", "tests", "callbacks",
             "calendar")


def test_one_module_per_dataset_none_long():
    folder = ROOT / "bench" / "month"
    for key in GENERATED:
        assert key in schema.BY_KEY
        module = importlib.import_module(f"month.{key}")
        assert callable(module.make) and callable(module.files), key
    for path in folder.glob("*.py"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= 450, path.name
    assert len((ROOT / "bench" / "make_month.py").read_text(encoding="utf-8").splitlines()) <= 150


def _fingerprint(frames) -> str:
    h = hashlib.sha256()
    for key in sorted(frames):
        h.update(key.encode())
        h.update(frames[key].to_csv(index=False).encode())
    return h.hexdigest()


def test_punch_heavy_frames_as_before_the_split():
    """Taken with the one-file make_month.py (1,552 lines) before the split: the province month's
    generator makes the same data (and so, through the same writer, the same bytes)."""
    assert _fingerprint(generic.build_generic("2026-10", 3, 15, 150, None, None, None, seed=5)) == \
        "6ac46c53f609b91f902267c0f186b6e6661d5b421e27bd501c6b5236f809cf0e"
    assert _fingerprint(generic.build_generic("2026-10", 3, 20, 400, 3000, 900, 500, seed=7)) == \
        "65553ba3bcc662bf271ac831ed7405db66302deeee3bd7bcb65c59b6606d2b0d"


def test_command_line_sizes_by_shape(tmp_path):
    a = mm._options(["--out", str(tmp_path)])
    assert (a.shape, a.rooms, a.managers, a.customers, a.punches, a.visits, a.callbacks, a.duplicates) == \
        ("punches", 100, 2000, 100_000, 1_000_000, 300_000, 200_000, None)
    a = mm._options(["--out", str(tmp_path), "--shape", "visits", "--customers", "500"])
    assert (a.rooms, a.managers, a.customers, a.punches, a.visits, a.callbacks) == \
        (100, 2100, 500, 140_000, 225_000, 140_000)
    assert generic.default_duplicates(a.visits) == 10_000
    with pytest.raises(SystemExit):
        mm._options(["--out", str(tmp_path), "--duplicates", "5"])       # duplicates: visit-heavy month only
    with pytest.raises(ValueError):
        generic.build_generic("2026-10", 1, 3, 10, shape="calls")


# --------------------------------------------------------------------------- the visit-heavy month

VISIT_HEAVY = {"month": "2026-10", "rooms": 3, "managers": 24, "customers": 600, "punches": 1500,
               "visits": 1350, "callbacks": 800, "seed": 4, "shape": "visits"}
PASTED = generic.default_duplicates(VISIT_HEAVY["visits"])             # 60


@pytest.fixture(scope="module")
def visit_heavy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("visit_heavy")
    res = generate(folder, **VISIT_HEAVY)
    return folder, res, check_month(folder, "2026-10")


def _register_rows(folder: Path):
    """(register file, row tuple) of every 出访登记 data row, in file order."""
    out = []
    for path in sorted(folder.glob("出访登记_*.xlsx")):
        for _sheet, rows in _sheets(path):
            out += [(path.name, tuple(r)) for r in rows[1:]]
    return out


def test_visit_heavy_registers_have_rows_pasted_twice(visit_heavy):
    folder, res, data = visit_heavy
    rooms = {r["room"] for r in data["staff"]}
    assert sorted(p.name for p in folder.glob("出访登记*")) == sorted(f"出访登记_{r}.xlsx" for r in rooms)
    rows = _register_rows(folder)
    assert len(rows) == res["rows"]["visits"] > VISIT_HEAVY["visits"] - PASTED
    first_file, same, other = {}, 0, 0
    for name, row in rows:
        if row not in first_file:
            first_file[row] = name
        elif first_file[row] == name:
            same += 1
        else:
            other += 1
    assert same + other == PASTED and same > other > 0
    # every row is in its manager's room register, except the pasted copies in another room's
    room_of = {_id(r["employee_id"]): r["room"] for r in data["staff"]}
    elsewhere = sum(1 for name, row in rows if name != f"出访登记_{room_of[_id(row[1])]}.xlsx")
    assert elsewhere == other


def test_visit_heavy_punches_and_outings(visit_heavy):
    folder, res, data = visit_heavy
    assert VISIT_HEAVY["punches"] - 1 <= res["rows"]["punches"] <= VISIT_HEAVY["punches"]
    outings = [r for r in data["leave"] if r["kind"] == "外出走访"]
    assert len(outings) > 20                  # the natural count (~1,700) is cut down by half days out
    _assert_outings_logged(data)
    punched = defaultdict(list)
    for r in data["punches"]:
        punched[_id(r["employee_id"])].append(r["punched_at"])
    assert not any(r["starts_at"] <= t <= r["ends_at"] for r in outings for t in punched[_id(r["employee_id"])])


def test_visit_heavy_callbacks(visit_heavy):
    folder, res, data = visit_heavy
    rows = [tuple(sorted(r.items(), key=lambda kv: kv[0])) for r in data["callbacks"]]
    assert len(rows) == len(set(rows)) == VISIT_HEAVY["callbacks"]
    assert any(r["result"] == "未接通" for r in data["callbacks"])


def test_visit_heavy_month_runs_in_kehu_with_letters(visit_heavy, tmp_path):
    """A valid month (exit 0) whose only warnings are the pasted rows and the generic visit ones,
    and whose missing / 未接通 callbacks and November birthdays make letters."""
    folder, _res, _data = visit_heavy
    outcome = run(folder, Month(2026, 10), tmp_path, load_rules())
    assert outcome.exit_code == 0
    codes = Counter(f.code for f in outcome.inputs.findings)
    assert codes["W-duplicate-row"] == PASTED
    assert set(codes) <= {"W-duplicate-row", "W-visit-foreign", "W-visit-unsigned"}
    kinds = Counter(p.name.split("_")[0] for p in (tmp_path / "2026-10" / "letters").rglob("*.html"))
    assert kinds["回访函"] > 10 and kinds["生日问候"] > 10


def test_visit_heavy_deterministic():
    a = generic.build_generic("2026-10", 2, 10, 200, 600, 450, 250, seed=3, shape="visits")
    b = generic.build_generic("2026-10", 2, 10, 200, 600, 450, 250, seed=3, shape="visits")
    assert _fingerprint(a) == _fingerprint(b)
