"""Docs that fail the build when they drift (STYLE.md, after sqlite-utils' test_docs)."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kehu.cli import cli
from kehu.finding_codes import CODES
from kehu.schema import DATASETS

ROOT = Path(__file__).resolve().parents[1]
TYPE_CODES = {f"E-{c.type}" for d in DATASETS for c in d.columns if c.type not in ("enum", "phone")}


def codes_in_source() -> set[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "kehu").rglob("*.py"))
    return set(re.findall(r'"([EW]-[a-z0-9-]+)"', text)) | TYPE_CODES


def documented_codes() -> dict[str, tuple]:
    """code → (severity, row, 标题) as docs/FINDINGS.md's tables state them."""
    text = (ROOT / "docs/FINDINGS.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| ([EW]-[a-z0-9-]+) \| (\w+) \| ([^|]+?) \| ([^|]+?) \|", text, re.M)
    assert len(rows) == len({r[0] for r in rows}), "a code is documented twice"
    return {code: (severity, row, title) for code, severity, row, title in rows}


def test_every_code_used_in_kehu_is_defined():
    assert codes_in_source() - set(CODES) == set()


def test_findings_md_documents_every_defined_code_as_defined():
    """docs/FINDINGS.md is tested against kehu/finding_codes.py: the same codes, each with the
    same severity, the same effect on its row and the same 标题."""
    documented = documented_codes()
    assert set(documented) == set(CODES)
    defined = {c.code: (c.severity, c.rows, c.title) for c in CODES.values()}
    assert {k: v for k, v in documented.items() if v != defined[k]} == {}


@pytest.mark.parametrize("command", ["run", "validate", "init", "plan", "rules", "history", "history list", "history drop"])
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, command.split() + ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.output


def test_readme_opens_with_the_two_setup_commands():
    lines = [l for l in (ROOT / "README.md").read_text(encoding="utf-8").splitlines() if l.strip()]
    blocks = [l for l in lines[:12] if l.startswith(("python3 -m venv", "python -m venv"))]
    assert len(blocks) == 2
    assert "sample_inputs" in blocks[0] and "pytest" in blocks[1]


@pytest.mark.parametrize("args, says", [
    (["run", "."], "错误：缺少选项 '--month'。"),
    (["run", "--month", "2026-10"], "错误：缺少参数 '输入文件夹'。"),
    (["run", "/no/such/folder", "--month", "2026-10"], "错误：'输入文件夹' 的值不对：文件夹「/no/such/folder」不存在。"),
    (["run", ".", "--month", "2026-13"], "错误：'--month' 的值不对：月份应为 YYYY-MM（如 2026-10），实际为「2026-13」。"),
    (["run", ".", "--mnth", "2026-10"], "错误：没有选项 --mnth。你是不是想用：--month？"),
    (["run", ".", "--month", "2026-10", "--jobs", "x"], "错误：'--jobs' 的值不对：应为正整数，实际为「x」。"),
    (["rnu"], "错误：没有命令 rnu。你是不是想用：run？"),
    (["validate", ".", "extra", "--month", "2026-10"], "错误：多余的参数：extra。"),
])
def test_usage_errors_are_chinese(args, says):
    result = CliRunner().invoke(cli, args, prog_name="kehu")
    assert result.exit_code == 2
    assert says in result.output and "用法：kehu" in result.output
    assert not any(word in result.output for word in ("Usage:", "Error:", "Try ", "Missing", "Invalid"))


@pytest.mark.parametrize("command", ["", "run", "history"])
def test_help_headings_are_chinese(command):
    output = CliRunner().invoke(cli, [*command.split(), "--help"], prog_name="kehu").output
    assert output.startswith("用法：kehu") and "选项：" in output and "显示本帮助并退出。" in output
    assert not any(word in output for word in ("Usage:", "Options:", "Commands:", "Show this message", "[required]",
                                               "[default"))
