"""Docs that fail the build when they drift (STYLE.md, after sqlite-utils' test_docs)."""
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kehu.cli import cli
from kehu.schema import DATASETS

ROOT = Path(__file__).resolve().parents[1]
TYPE_CODES = {f"E-{c.type}" for d in DATASETS for c in d.columns if c.type not in ("enum", "phone")}


def codes_in_source() -> set[str]:
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "kehu").rglob("*.py"))
    return set(re.findall(r'"([EW]-[a-z0-9-]+)"', text)) | TYPE_CODES


def test_every_finding_code_is_documented():
    documented = set(re.findall(r"^\| ([EW]-[a-z0-9-]+) \|", (ROOT / "docs/FINDINGS.md").read_text(encoding="utf-8"), re.M))
    assert codes_in_source() - documented == set()


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
