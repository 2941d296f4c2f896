"""Letters (SPEC §7): which letters a month gets, escaping, blanks, template errors, SMS length.

The MonthResult here is hand-made (docs/ARCHITECTURE.md contract), like a
clerk's month: two managers, a handful of customers, a few service events.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from markupsafe import Markup

from kehu.month import Month
from kehu.render.holidays import birthday_in, festival_day, festivals_in
from kehu.render.letter_selection import select_letters
from kehu.render.letter_templates import default_templates_dir, sms_units
from kehu.render.letters import write_letters
from kehu.render.template_files import LetterTemplateError
from kehu.model import MonthResult
from letters_factory import customer, employee, event, make_result, staff_frame


def kinds(result) -> list[tuple]:
    """Flattened selection: (kind, manager, file stem)."""
    return [(l.kind, l.manager_id, l.stem) for l in select_letters(result)]


def all_text(paths) -> str:
    return "\n".join(Path(p).read_text(encoding="utf-8") for p in paths)


# ---------------------------------------------------------------- 回访函 selection

def october_callbacks() -> MonthResult:
    customers = [
        customer("C1", "甲公司", "1001", key_person="赵总", phone="13800000001"),
        customer("C2", "乙公司", "1001"),
        customer("C3", "丙公司", "1002", key_person="孙经理"),
        customer("C4", "丁公司", "1002"),
        customer("C5", "戊公司", "1002"),
        customer("C6", "己公司", "1001"),
    ]
    events = [
        event("C1", "甲公司", "1001", "2026-10-08", "missing"),               # never called → letter
        event("C1", "甲公司", "1001", "2026-10-20", "on_time"),               # answered: not listed
        event("C2", "乙公司", "1001", "2026-10-09", "on_time"),               # answered → no letter
        event("C3", "丙公司", "1001", "2026-10-29", "pending", failed=1),     # 未接通, open → letter (foreign visit)
        event("C4", "丁公司", "1002", "2026-10-30", "pending"),               # not yet due → no letter
        event("C5", "戊公司", "1002", "2026-10-05", "late", failed=2),        # reached late → no letter
        event("C6", "己公司", "1001", "2026-10-12", "missing", failed=1, item=None),  # 未接通 → letter
    ]
    return make_result(customers=customers, events=events)


def test_callback_letters_go_to_missing_and_unanswered_customers_only():
    callback = [k for k in kinds(october_callbacks()) if k[0] == "callback"]
    # C3's visit was made by 1001, but the letter is filed under the customer's manager 1002.
    assert callback == [("callback", "1001", "回访函_C1"), ("callback", "1002", "回访函_C3"),
                        ("callback", "1001", "回访函_C6")]


def test_callback_letter_lists_only_the_unanswered_visits_and_the_manager(tmp_path):
    write_letters(october_callbacks(), tmp_path)
    html = (tmp_path / "letters" / "1001" / "回访函_C1.html").read_text(encoding="utf-8")
    assert "2026年10月8日" in html and "2026年10月20日" not in html
    assert "专线故障处理" in html and "张伟" in html and "13900001001" in html
    for question in ("满意吗", "准确性", "及时性", "服务态度", "意见和建议"):
        assert question in html
    c3 = (tmp_path / "letters" / "1002" / "回访函_C3.html").read_text(encoding="utf-8")
    assert "李娜" in c3 and "张伟" in c3          # customer's manager signs; visiting manager listed


# ---------------------------------------------------------------- festivals and birthdays

def test_festival_dates_match_the_official_calendar():
    import chinese_calendar
    names = {"元旦": "New Year's Day", "春节": "Spring Festival", "端午节": "Dragon Boat Festival",
             "中秋节": "Mid-autumn Festival"}
    for year in range(2021, 2027):
        for name, english in names.items():
            on_holiday, holiday = chinese_calendar.get_holiday_detail(festival_day(name, year))
            assert on_holiday and holiday == english, (year, name)


@pytest.mark.parametrize("month, expected", [
    ("2027-01", [("元旦", date(2027, 1, 1))]),
    ("2027-02", [("春节", date(2027, 2, 6))]),
    ("2028-01", [("元旦", date(2028, 1, 1)), ("春节", date(2028, 1, 26))]),
    ("2027-06", [("端午节", date(2027, 6, 9))]),
    ("2027-09", [("中秋节", date(2027, 9, 15))]),
    ("2027-03", []),
])
def test_festivals_in_month_beyond_chinese_calendar(month, expected):
    assert [(f.name, f.day) for f in festivals_in(Month.parse(month))] == expected


def greeting_customers() -> list[dict]:
    return [
        customer("C1", "甲公司", "1001", key_person="赵总", phone="13800000001", birthday="1970-01-15"),
        customer("C2", "乙公司", "1002", key_person="钱总", birthday="1980-02-29"),
        customer("C3", "丙公司", "1001", key_person="孙总", birthday="1975-12-03", status="离网"),
        customer("C4", "丁公司", "1001", birthday="1960-01-20"),                 # no key person
        customer("C5", "戊公司", "1002", key_person="李总"),                      # no birthday
    ]


def test_december_run_greets_for_new_year_and_january_birthdays():
    result = make_result("2026-12", customers=greeting_customers())
    assert kinds(result) == [
        ("festival", "1001", "节日问候_元旦_C1"), ("festival", "1002", "节日问候_元旦_C2"),
        ("festival", "1002", "节日问候_元旦_C5"),
        ("birthday", "1001", "生日问候_C1"),
    ]


def test_january_run_greets_for_spring_festival_2027_and_29_february_birthday(tmp_path):
    result = make_result("2027-01", customers=greeting_customers())
    assert [k for k in kinds(result) if k[0] == "festival"] == [
        ("festival", "1001", "节日问候_春节_C1"), ("festival", "1002", "节日问候_春节_C2"),
        ("festival", "1002", "节日问候_春节_C5")]
    assert [k for k in kinds(result) if k[0] == "birthday"] == [("birthday", "1002", "生日问候_C2")]
    write_letters(result, tmp_path)
    birthday = (tmp_path / "letters" / "1002" / "生日问候_C2.html").read_text(encoding="utf-8")
    assert "2月28日" in birthday                   # 2027 is not a leap year
    festival = (tmp_path / "letters" / "1001" / "节日问候_春节_C1.html").read_text(encoding="utf-8")
    assert "新春" in festival and "2027年2月6日" in festival


def test_29_february_birthday_in_a_leap_year():
    assert birthday_in(Month(2028, 2), date(1980, 2, 29)) == date(2028, 2, 29)
    assert birthday_in(Month(2027, 2), date(1980, 2, 29)) == date(2027, 2, 28)
    assert birthday_in(Month(2027, 3), date(1980, 2, 29)) is None


def test_no_greetings_in_a_month_without_festival_or_birthday():
    assert kinds(make_result("2027-02", customers=greeting_customers())) == []   # March: none


# ---------------------------------------------------------------- certificates

def test_certificate_for_each_manager_with_a_best_streak(tmp_path):
    employees = [employee("1001", "张伟", certificate=True), employee("1002", "李娜"),
                 employee("2001", "王强", role="重要室经理")]
    result = make_result(employees=employees)
    assert [k for k in kinds(result) if k[0] == "certificate"] == [("certificate", "1001", "奖状")]
    write_letters(result, tmp_path)
    html = (tmp_path / "letters" / "1001" / "奖状.html").read_text(encoding="utf-8")
    assert "张伟" in html and "2026年8月至2026年10月" in html


# ---------------------------------------------------------------- files, escaping, blanks

def test_files_per_manager_combined_print_and_index(tmp_path):
    result = make_result("2026-12", customers=greeting_customers(), employees=[employee("1001", "张伟", True)])
    written = write_letters(result, tmp_path)
    root = tmp_path / "letters"
    names = sorted(str(p.relative_to(root)) for p in written)
    assert names == sorted([
        "1001/节日问候_元旦_C1.html", "1001/节日问候_元旦_C1.txt", "1001/生日问候_C1.html",
        "1001/生日问候_C1.txt", "1001/奖状.html", "1001/合并打印.html",
        "1002/节日问候_元旦_C2.html", "1002/节日问候_元旦_C2.txt",
        "1002/节日问候_元旦_C5.html", "1002/节日问候_元旦_C5.txt", "1002/合并打印.html",
        "index.html"])
    combined = (root / "1001" / "合并打印.html").read_text(encoding="utf-8")
    assert combined.count('<section class="page') == 3
    assert "page-break-after: always" in combined
    index = (root / "index.html").read_text(encoding="utf-8")
    assert "1001/%E5%90%88%E5%B9%B6%E6%89%93%E5%8D%B0.html" in index   # 1001/合并打印.html
    assert "元旦\uff082027年1月1日\uff09" in index


def test_index_counts_the_letters_written_per_kind(tmp_path):
    result = make_result("2026-12", customers=greeting_customers(), employees=[employee("1001", "张伟", True)])
    write_letters(result, tmp_path)
    index = (tmp_path / "letters" / "index.html").read_text(encoding="utf-8")
    assert "回访函 0 封 · 节日问候 3 封 · 生日问候 1 封 · 奖状 1 张" in index


def test_user_data_is_escaped(tmp_path):
    customers = [customer("C1", "<script>alert(1)</script>公司", "1001", key_person="<b>赵</b>")]
    events = [event("C1", "<script>alert(1)</script>公司", "1001", "2026-10-08", "missing",
                    item="<img src=x onerror=alert(1)>")]
    paths = write_letters(make_result("2026-12", customers=customers, events=events), tmp_path)
    html = all_text(p for p in paths if p.suffix == ".html")
    assert "<script>" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;公司" in html
    sms = all_text(p for p in paths if p.suffix == ".txt")
    assert "尊敬的<b>赵</b>" in sms                  # plain text stays plain text


def test_missing_optional_values_print_blank_never_none_or_nan(tmp_path):
    customers = [customer("C1", "甲公司", "1002", key_person="赵总", phone=None, birthday="1970-11-02",
                          address=float("nan"))]
    events = [event("C1", "甲公司", "1002", "2026-10-08", "missing", item=float("nan"))]
    staff = staff_frame([("1002", "李娜", "客户经理", "一室", float("nan"))])
    paths = write_letters(make_result(customers=customers, events=events, staff=staff), tmp_path)
    text = all_text(paths)
    for bad in ("None", "nan", "NaN", "NaT", "undefined"):
        assert bad not in text
    assert "联系电话:</td>" not in text  # the value cell exists and is empty
    assert "<td></td>" in text


def test_sms_variants_fit_70_characters(tmp_path):
    long_name = "欧阳" + "长" * 30
    customers = [customer("C1", "甲公司", "1001", key_person="赵总", birthday="1970-01-15"),
                 customer("C2", "乙公司", "1001", key_person=long_name, birthday="1970-01-16")]
    paths = write_letters(make_result("2026-12", customers=customers), tmp_path)
    messages = [p.read_text(encoding="utf-8").rstrip("\n") for p in paths if p.suffix == ".txt"]
    assert len(messages) == 4
    assert all(sms_units(m) <= 70 for m in messages)
    short = [m for m in messages if "赵总" in m]
    assert all("张伟" in m and "13900001001" in m for m in short)     # full text fits: nothing dropped


# ---------------------------------------------------------------- templates

def test_default_templates_are_found():
    assert (default_templates_dir() / "callback_letter.html").is_file()


def test_syntax_error_names_template_file_and_line(tmp_path):
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "callback_letter.html").write_text(
        '{% extends "base.html" %}\n{% block letter %}\n<p>{{ customer.name }</p>\n{% endblock %}\n',
        encoding="utf-8")
    with pytest.raises(LetterTemplateError) as caught:
        write_letters(october_callbacks(), tmp_path / "out", templates_dir=custom)
    assert "callback_letter.html" in str(caught.value) and "第 3 行" in str(caught.value)
    assert caught.value.lineno == 3
    assert not (tmp_path / "out" / "letters").exists()          # nothing half-written


def test_misspelt_variable_names_template_file_and_line(tmp_path):
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "festival_sms.txt").write_text("第一行\n{{ festival.name }}{{ custmer.name }}\n", encoding="utf-8")
    with pytest.raises(LetterTemplateError) as caught:
        write_letters(make_result("2026-12", customers=greeting_customers()), tmp_path / "out",
                      templates_dir=custom)
    message = str(caught.value)
    assert "festival_sms.txt" in message and "第 2 行" in message and "custmer" in message


def test_sandbox_blocks_unsafe_attribute_access(tmp_path):
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "birthday_sms.txt").write_text("{{ key_person.__class__.__mro__ }}\n", encoding="utf-8")
    with pytest.raises(LetterTemplateError, match="birthday_sms.txt"):
        write_letters(make_result("2026-12", customers=greeting_customers()), tmp_path / "out",
                      templates_dir=custom)


def test_custom_template_overrides_one_letter_and_keeps_the_others(tmp_path):
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "festival_sms.txt").write_text("{{ key_person }}新年好!\n", encoding="utf-8")
    write_letters(make_result("2026-12", customers=greeting_customers()), tmp_path / "out",
                  templates_dir=custom)
    letters = tmp_path / "out" / "letters" / "1001"
    assert (letters / "节日问候_元旦_C1.txt").read_text(encoding="utf-8") == "赵总新年好!\n"
    assert "新年问候" in (letters / "节日问候_元旦_C1.html").read_text(encoding="utf-8")


def test_month_without_letters_writes_an_index(tmp_path):
    paths = write_letters(make_result("2027-02", customers=greeting_customers()), tmp_path)
    assert paths == [tmp_path / "letters" / "index.html"]
    assert "本月没有需要寄发的信函" in paths[0].read_text(encoding="utf-8")


def test_missing_parent_template_is_named(tmp_path):
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "certificate.html").write_text('\n{% extends "my_base.html" %}\n', encoding="utf-8")
    with pytest.raises(LetterTemplateError) as caught:
        write_letters(make_result(employees=[employee("1001", "张伟", True)]), tmp_path / "out",
                      templates_dir=custom)
    assert "certificate.html" in str(caught.value) and "第 2 行" in str(caught.value)
    assert "找不到模板 my_base.html" in str(caught.value)


# ---------------------------------------------------------------- Jinja2's own sandbox, as it is

def test_letters_render_in_jinja2s_own_sandbox_and_escape():
    from jinja2.sandbox import SandboxedEnvironment

    from kehu.render.letter_templates import LetterEnvironment
    env = LetterEnvironment()
    assert type(env.env) is SandboxedEnvironment            # no subclass overriding its attribute lookup
    page = env.env.from_string("{{ a.b }}|{{ c }}|{{ a.missing | default('') }}")
    assert page.render(a={"b": "<x>&"}, c=Markup("<i>")) == "&lt;x&gt;&amp;|<i>|"    # a dict key by attribute


# ---------------------------------------------------------------- letters written in batches by pool workers

def _in_pool(letters, count: int) -> list[Path]:
    from concurrent.futures import ProcessPoolExecutor

    from kehu.render.letters import write_letter_batch
    with ProcessPoolExecutor(max_workers=2) as pool:
        parts = [pool.submit(write_letter_batch, batch) for batch in letters.batches(count)]
        return letters.write_index([part.result() for part in parts])


def test_letters_written_in_batches_by_pool_workers_equal_the_serial_ones(tmp_path):
    from kehu.render.letters import MonthLetters
    from letters_factory import demo_result
    result = demo_result()                                  # one letter of each kind at least
    serial = write_letters(result, tmp_path / "a")
    parallel = _in_pool(MonthLetters(result, tmp_path / "b"), 3)
    assert len(serial) > 3
    assert [p.relative_to(tmp_path / "a") for p in serial] == [p.relative_to(tmp_path / "b") for p in parallel]
    for a, b in zip(serial, parallel):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_a_template_error_in_a_pool_worker_names_file_and_line(tmp_path):
    import pickle

    from kehu.render.letters import MonthLetters
    error = pickle.loads(pickle.dumps(LetterTemplateError("a.html", 3, "坏了")))
    assert (error.template, error.lineno, str(error)) == ("a.html", 3, "信函模板 a.html 第 3 行有误: 坏了")
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "festival_sms.txt").write_text("第一行\n{{ festival.name }}{{ custmer.name }}\n", encoding="utf-8")
    letters = MonthLetters(make_result("2026-12", customers=greeting_customers()), tmp_path / "out",
                           templates_dir=custom)
    with pytest.raises(LetterTemplateError) as caught:
        _in_pool(letters, 2)
    assert caught.value.template.endswith("festival_sms.txt") and caught.value.lineno == 2
