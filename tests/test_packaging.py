"""setup.cfg installs every package of kehu (a non-editable ``pip install .`` copies only those listed).

``packages = find:`` cannot be used: it would not find kehu.templates, which is the top-level
``templates/`` folder the department edits (``package_dir``), so the list is explicit and this
test keeps it whole.
"""
import configparser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_cfg() -> configparser.ConfigParser:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    return cfg


def test_every_package_under_kehu_is_installed():
    listed = set(setup_cfg()["options"]["packages"].split())
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kehu").rglob("__init__.py")}
    assert found - listed == set()
    assert listed - found == {"kehu.templates"}


def test_the_letter_templates_and_the_default_rules_are_installed_as_package_data():
    cfg = setup_cfg()
    assert cfg["options"]["package_dir"].split() == ["kehu.templates", "=", "templates"]
    assert (ROOT / "templates" / "__init__.py").exists()
    data = cfg["options.package_data"]
    assert data["kehu"] == "default_rules.toml" and (ROOT / "kehu" / "default_rules.toml").exists()
    suffixes = {s.strip().lstrip("*") for s in data["kehu.templates"].split(",")}
    assert {p.suffix for p in (ROOT / "templates").iterdir() if p.suffix != ".py"} <= suffixes
