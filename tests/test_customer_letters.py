"""What the customer reads (issue 14 items 10–13): a callback letter that says what happened, a
sender on every letter, SMS texts that can be sent, 奖状 apart — and the warnings when they can't."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from builders import SENDER, sender_rules, sender_rules_file, tiny_month, with_sender, write_month
from letters_factory import customer, demo_result, employee, event, make_result
from regen_golden import LETTER_GOLDENS, golden_letters
from sheet_text import page_text

from kehu.cli import cli
from kehu.month import Month
from kehu.render.letter_templates import sms_units
from kehu.render.letters import write_letters
from kehu.rules import load_rules
from kehu.validate import validate_month

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


def letter(tmp_path, result, path: str) -> str:
    write_letters(result, tmp_path)
    return page_text((tmp_path / path).read_text(encoding="utf-8"))


def test_a_golden_letter_of_each_kind(tmp_path):
    """回访函 (each case), 节日问候, 生日问候, 奖状 and the SMS list as the reader sees them
    (text, not pixels; regenerate with `python tests/regen_golden.py` and review the diff)."""
    for name, text in golden_letters(tmp_path).items():
        assert text == (LETTER_GOLDENS / name).read_text(encoding="utf-8"), name


# -- 10. the callback letter says what happened --------------------------------------------------

def callback_month(*events, phone="13800000001"):
    customers = [customer("C1", "甲公司", "1001", key_person="赵总", phone=phone)]
    return make_result(customers=customers, events=list(events))


NEVER_CALLED_WORDS = ("未能与您取得联系", "没能接通", "未能接通", "未接通")


def test_a_service_never_called_is_not_said_to_have_been_called(tmp_path):
    text = letter(tmp_path, callback_month(event("C1", "甲公司", "1001", "2026-10-08", "missing")),
                  "letters/1001/回访函_C1.html")
    assert "我们承诺每次服务后三天之内回访，但这次没能按时致电回访，向您致歉，特致此函补做回访。" in text
    assert not any(words in text for words in NEVER_CALLED_WORDS)
    assert "| 尚未回访" in text


def test_a_service_called_and_not_reached_says_how_often(tmp_path):
    text = letter(tmp_path, callback_month(event("C1", "甲公司", "1001", "2026-10-29", "pending", failed=2)),
                  "letters/1001/回访函_C1.html")
    assert "服务后我们曾 2 次致电您，都没能接通，特致此函，打扰您了。" in text and "| 致电 2 次未接通" in text
    once = letter(tmp_path / "once", callback_month(event("C1", "甲公司", "1001", "2026-10-08", "missing", failed=1)),
                  "letters/1001/回访函_C1.html")
    assert "服务后我们曾致电您，但没能接通" in once


def test_without_a_phone_number_the_letter_is_the_callback(tmp_path):
    text = letter(tmp_path, callback_month(event("C1", "甲公司", "1001", "2026-10-08", "missing"), phone=None),
                  "letters/1001/回访函_C1.html")
    assert "由于我们没有您的联系电话，这次以书面形式向您回访" in text
    assert not any(words in text for words in NEVER_CALLED_WORDS)


def test_the_callback_window_in_the_letter_follows_the_rules(tmp_path):
    result = callback_month(event("C1", "甲公司", "1001", "2026-10-08", "missing"))
    result.rules = load_rules()
    result.rules["callbacks"]["window_days"] = 5
    text = letter(tmp_path, result, "letters/1001/回访函_C1.html")
    assert "每次服务后五天之内回访" in text and "三天" not in text


# -- 11. the sender --------------------------------------------------------------------------------

def test_every_letter_carries_the_sender_and_the_seal(tmp_path):
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "公章.png").write_bytes(PNG)
    rules_file = sender_rules_file(tmp_path / "rules")
    rules_file.write_text(rules_file.read_text(encoding="utf-8") + 'seal_image = "公章.png"\n', encoding="utf-8")
    result = demo_result()
    result.rules = load_rules(rules_file)
    written = write_letters(result, tmp_path / "out")
    pages = [p for p in written if p.suffix == ".html" and p.name not in ("index.html", "合并打印.html")]
    assert len(pages) > 8
    for page in pages:
        html = page.read_text(encoding="utf-8")
        text = page_text(html)
        assert f"{SENDER['company']}{SENDER['department']}" in text, page.name
        seal = "公章.png" if page.parent.name == "奖状" else "../公章.png"
        assert f'src="{seal}"' in html, page.name
        if page.parent.name != "奖状":
            assert f"地址：{SENDER['address']} 服务电话：{SENDER['service_phone']}" in text, page.name
    assert (tmp_path / "out" / "letters" / "公章.png").read_bytes() == PNG
    assert (tmp_path / "out" / "奖状" / "公章.png").read_bytes() == PNG


def test_placeholders_never_reach_a_customer(tmp_path):
    """The template kehu init writes: its “（请填写…）” print as blanks, signed by the department."""
    CliRunner().invoke(cli, ["init", str(tmp_path / "rules"), "--organisation"])
    result = demo_result()
    result.rules = load_rules(tmp_path / "rules" / "单位信息.toml")
    written = write_letters(result, tmp_path / "out")
    text = "".join(p.read_text(encoding="utf-8") for p in written if p.suffix == ".html")
    assert "请填写" not in text and "集团客户部" in text and "公章" not in text


def test_kehu_init_writes_the_profile_to_fill_in_and_never_overwrites_it(tmp_path):
    first = CliRunner().invoke(cli, ["init", str(tmp_path), "--organisation"])
    assert first.exit_code == 0 and "单位信息.toml" in first.output
    assert [p.name for p in tmp_path.iterdir()] == ["单位信息.toml"]                # no input workbooks
    rules = load_rules(tmp_path / "单位信息.toml")
    assert rules["organisation"]["company"].startswith("（请填写")
    again = CliRunner().invoke(cli, ["init", str(tmp_path), "--organisation"])
    assert again.exit_code == 2 and "已存在" in again.output


def warnings_of(rules, month=None) -> list[tuple]:
    return [(f.code, f.sheet, f.row, f.letter) for f in validate_month(month, Month(2026, 10), rules).findings]


@pytest.fixture
def tiny(tmp_path) -> Path:
    return write_month(tmp_path / "in", tiny_month())


def test_letters_going_out_without_a_sender_are_warned(tiny, tmp_path):
    """The tiny month has letters (a November birthday, service events): the default profile is
    blank, the init template's is placeholders — both warn, naming what is missing; filled, none."""
    assert warnings_of(load_rules(), tiny) == [("W-letter-sender", "", None, "")]
    CliRunner().invoke(cli, ["init", str(tmp_path / "rules"), "--organisation"])
    [finding] = validate_month(tiny, Month(2026, 10), load_rules(tmp_path / "rules" / "单位信息.toml")).findings
    assert "公司名称、地址、服务电话" in finding.message and "部门名称" not in finding.message
    assert warnings_of(sender_rules(), tiny) == []


def test_no_warning_for_a_month_without_letters(tmp_path):
    """No greeting next month (no key person born in November) and every service event called back."""
    month = tiny_month()
    customers = month["客户名册.xlsx"]["客户"]
    customers[1][6] = None                                          # 次仁's birthday
    month["回访记录.xlsx"]["回访"].append(["2026-10-21", "000101", "1003", "电话", "满意", None])
    month["回访记录.xlsx"]["回访"].append(["2026-10-13", "000102", "1003", "电话", "满意", None])
    assert warnings_of(load_rules(), write_month(tmp_path / "in", month)) == []


# -- 12. SMS texts that can be sent ------------------------------------------------------------------

def sms_list(folder: Path) -> list[dict]:
    data = (folder / "letters" / "短信发送清单.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")                                      # UTF-8 with BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_sms_list_is_ready_for_a_bulk_import(tmp_path):
    customers = [customer("C1", "=HYPERLINK(\"x\")", "1001", key_person="赵总", phone="138-0000 0001",
                          birthday="1970-01-15"),
                 customer("C2", "乙公司", "1002", key_person="钱总", phone=None, birthday="1980-01-20"),
                 customer("C3", "丙公司", "1001", key_person="孙总", phone="+86 13800000003")]
    result = make_result("2026-12", customers=customers)
    result.rules = with_sender(load_rules())
    result.rules["greetings"]["festival_days_before"] = 2
    write_letters(result, tmp_path)
    rows = sms_list(tmp_path)
    assert list(rows[0]) == ["手机号", "姓名", "客户", "类型", "发送日期", "短信内容"]
    assert [(r["手机号"], r["姓名"], r["客户"], r["类型"], r["发送日期"]) for r in rows] == [
        ("13800000001", "赵总", "'=HYPERLINK(\"x\")", "节日问候（元旦）", "2026-12-30"),    # formula-safe
        ("13800000003", "孙总", "丙公司", "节日问候（元旦）", "2026-12-30"),
        ("13800000001", "赵总", "'=HYPERLINK(\"x\")", "生日问候", "2027-01-15")]
    assert all(sms_units(r["短信内容"]) <= 70 for r in rows)
    assert "1月15日是您的生日" in rows[2]["短信内容"] and "元旦（1月1日）将至" in rows[0]["短信内容"]
    birthday = page_text((tmp_path / "letters" / "1001" / "生日问候_C1.html").read_text(encoding="utf-8"))
    assert "2027年1月15日" in birthday.splitlines()[-2]                            # dated the day it goes out
    index = (tmp_path / "letters" / "index.html").read_text(encoding="utf-8")
    assert "短信发送清单.csv" in index and "另有 2 条问候短信因关键人没有有效的手机号未列入清单" in index


def test_a_key_person_greeted_without_a_mobile_is_named(tmp_path):
    month = tiny_month()
    month["客户名册.xlsx"]["客户"][1][5] = None                        # 次仁, born in November
    found = [(f.code, f.sheet, f.row, f.letter, f.employee_id)
             for f in validate_month(write_month(tmp_path / "in", month), Month(2026, 10), sender_rules()).findings]
    assert found == [("W-sms-no-mobile", "客户", 2, "F", "1001")]


# -- 13. 奖状 are not customer letters -------------------------------------------------------------

def test_certificates_stay_out_of_the_customers_letters(tmp_path):
    result = make_result(employees=[employee("1001", "张伟", certificate=True)])
    written = write_letters(result, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written if "奖状" in p.as_posix()] == [
        "奖状/1001_张伟.html", "奖状/合并打印.html"]
    assert not any("奖状" in p.name for p in (tmp_path / "letters").rglob("*"))
