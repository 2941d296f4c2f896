"""No module of kehu reaches into another library's private names, except the one isolated
module that is allowed to (../shared/STYLE.md "Speed without reaching into other libraries").

A reach is: ``from lib import _name``; ``lib_name._attr``; ``getattr(x, "_attr")`` (or has-/setattr);
``super()._method`` or a method ``_method`` defined on a subclass of another library's class;
assigning an attribute of another library's module (swapping its globals). ``_`` names of
kehu's own objects are fine.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

KEHU = Path(__file__).resolve().parents[1] / "kehu"
ISOLATED = {"render/xlsx_fast_rows.py"}          # xlsxwriter internals: version-pinned, same-bytes tested
DOCUMENTED = {("os", "_exit")}                  # Python documents os._exit (for forked children)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _foreign_names(tree: ast.Module) -> set[str]:
    """Names bound by importing from a library other than kehu."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names if not a.name.startswith("kehu")}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and not (node.module or "").startswith("kehu"):
            names |= {a.asname or a.name for a in node.names}
    return names


def reaches(source: str) -> list[str]:
    """Every reach into another library's private names in ``source`` (line: what)."""
    tree = ast.parse(source)
    foreign, found = _foreign_names(tree), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and not (node.module or "").startswith("kehu"):
            found += [f"{node.lineno}: from {node.module} import {a.name}" for a in node.names if _private(a.name)]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in foreign:
            if _private(node.attr) and (node.value.id, node.attr) not in DOCUMENTED:
                found.append(f"{node.lineno}: {node.value.id}.{node.attr}")
            if isinstance(node.ctx, ast.Store):
                found.append(f"{node.lineno}: {node.value.id}.{node.attr} = …")
        elif isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(node.value, ast.Call) \
                and isinstance(node.value.func, ast.Name) and node.value.func.id == "super":
            found.append(f"{node.lineno}: super().{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("getattr", "hasattr", "setattr") and len(node.args) > 1 \
                and isinstance(node.args[1], ast.Constant) and _private(str(node.args[1].value)):
            found.append(f"{node.lineno}: {node.func.id}(…, {node.args[1].value!r})")
        elif isinstance(node, ast.ClassDef) and any(isinstance(b, ast.Name) and b.id in foreign or
                                                    isinstance(b, ast.Attribute) for b in node.bases):
            found += [f"{item.lineno}: {node.name}.{item.name} overrides a private method"
                      for item in node.body if isinstance(item, ast.FunctionDef) and _private(item.name)]
    return found


def test_no_module_but_the_isolated_one_uses_another_librarys_private_names():
    found = {str(path.relative_to(KEHU)): reaches(path.read_text(encoding="utf-8"))
             for path in sorted(KEHU.rglob("*.py")) if path.relative_to(KEHU).as_posix() not in ISOLATED}
    assert {path: lines for path, lines in found.items() if lines} == {}


@pytest.mark.parametrize("source, what", [
    ("import markupsafe\nx = getattr(markupsafe, '_escape_inner', None)\n", "getattr(…, '_escape_inner')"),
    ("from xlsxwriter import workbook\nworkbook.ZipFile = object\n", "workbook.ZipFile = …"),
    ("from markupsafe import _escape_inner\n", "from markupsafe import _escape_inner"),
    ("import zipfile\nzipfile._EndRecData(None)\n", "zipfile._EndRecData"),
    ("from jinja2.sandbox import SandboxedEnvironment\nclass S(SandboxedEnvironment):\n"
     "    def _wrap(self):\n        return super()._wrap()\n", "super()._wrap"),
    ("from xlsxwriter.worksheet import Worksheet\nclass W(Worksheet):\n    def _write_rows(self):\n        pass\n",
     "W._write_rows overrides a private method"),
])
def test_each_kind_of_reach_is_found(source, what):
    assert any(line.endswith(what) for line in reaches(source)), reaches(source)


def test_own_private_names_and_documented_ones_are_fine():
    assert reaches("import os\nclass A:\n    def _b(self):\n        return self._c\nos._exit(0)\n") == []
