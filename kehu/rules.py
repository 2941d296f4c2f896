"""The rules file (SPEC §3): every policy number of SPEC §2, in one TOML file.

The default file ships inside the package (``kehu/default_rules.toml``). A
``--rules FILE`` overrides any subset: tables merge key by key, arrays and
scalars replace. An unknown key or a value of the wrong type is rejected with
the key's dotted name, so a misspelt policy never silently keeps the default.
"""
from __future__ import annotations

import copy
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

import tomli_w

# Tables whose keys the department may extend (a new 违纪 kind, a new class,
# a new indicator); a new key must have the shape of the existing entries.
OPEN_TABLES = ("violations.kinds", "visits.classes", "kpi.customer_manager", "kpi.room_manager")


class RulesError(Exception):
    """A rules file that cannot be used; the message names the file and key."""


def default_rules_text() -> str:
    return resources.files("kehu").joinpath("default_rules.toml").read_text(encoding="utf-8")


def load_rules(path: str | Path | None = None) -> dict:
    """The effective rules: the packaged defaults, overridden by ``path`` if given."""
    rules = tomllib.loads(default_rules_text())
    if path is None:
        return rules
    path = Path(path)
    try:
        override = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise RulesError(f"规则文件不存在: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise RulesError(f"规则文件 {path.name} 不是有效的 TOML: {exc}") from None
    merged = copy.deepcopy(rules)
    _merge(merged, override, rules, prefix="", source=path.name)
    _check_semantics(merged, path.name)
    return merged


def rules_toml(rules: dict) -> str:
    """The effective rules as TOML text (``kehu rules``)."""
    return tomli_w.dumps(rules)


def money(value: Any) -> Decimal:
    """A money or rate value from the rules file as an exact Decimal (50, 0.1 or "50.00")."""
    return Decimal(str(value))


def _merge(target: dict, override: dict, default: dict, prefix: str, source: str) -> None:
    for key, value in override.items():
        dotted = f"{prefix}{key}"
        if key not in default:
            if prefix.rstrip(".") in OPEN_TABLES and default:
                template = next(iter(default.values()))
                _check_type(dotted, value, template, source)
                target[key] = value
                continue
            raise RulesError(f"规则文件 {source}: 未知的键 '{dotted}'(请检查拼写;可用 `kehu rules` 查看全部键)")
        expected = default[key]
        if isinstance(expected, dict):
            if not isinstance(value, dict):
                raise RulesError(f"规则文件 {source}: 键 '{dotted}' 应为表 (table),实际为 {_kind(value)}")
            _merge(target[key], value, expected, prefix=dotted + ".", source=source)
        else:
            _check_type(dotted, value, expected, source)
            target[key] = value


def _check_type(dotted: str, value: Any, expected: Any, source: str) -> None:
    if isinstance(expected, dict):
        if not isinstance(value, dict):
            raise RulesError(f"规则文件 {source}: 键 '{dotted}' 应为表 (table),实际为 {_kind(value)}")
        for k, v in value.items():
            if k not in expected:
                raise RulesError(f"规则文件 {source}: 未知的键 '{dotted}.{k}'")
            _check_type(f"{dotted}.{k}", v, expected[k], source)
        missing = sorted(set(expected) - set(value))
        if missing:
            raise RulesError(f"规则文件 {source}: 键 '{dotted}' 缺少 {', '.join(missing)}")
        return
    if isinstance(expected, list):
        if not isinstance(value, list):
            raise RulesError(f"规则文件 {source}: 键 '{dotted}' 应为数组 (array),实际为 {_kind(value)}")
        if expected:
            for i, item in enumerate(value):
                _check_type(f"{dotted}[{i}]", item, expected[0], source)
        return
    if not _same_kind(value, expected):
        raise RulesError(f"规则文件 {source}: 键 '{dotted}' 应为 {_kind(expected)},实际为 {_kind(value)} ({value!r})")


def _same_kind(value: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(expected, bool)
    if isinstance(expected, (int, float)):
        if isinstance(value, (int, float)):
            return True
        if isinstance(value, str):  # money written as "50.00"
            try:
                Decimal(value)
                return True
            except InvalidOperation:
                return False
        return False
    if isinstance(expected, str):
        return isinstance(value, str)
    return type(value) is type(expected)


def _kind(value: Any) -> str:
    return {bool: "布尔值", int: "数字", float: "数字", str: "字符串", list: "数组", dict: "表"}.get(type(value), type(value).__name__)


def _check_semantics(rules: dict, source: str) -> None:
    """Checks a type check cannot make: cycles, tiers in order."""
    for cls, spec in rules["visits"]["classes"].items():
        if spec["cycle_months"] not in (1, 2, 3, 4, 6, 12):
            raise RulesError(f"规则文件 {source}: 键 'visits.classes.{cls}.cycle_months' 须为 1、2、3、4、6、12 之一")
    tiers = rules["attendance"]["tiers"]
    bounds = [t["max_minutes"] for t in tiers[:-1]]
    if not tiers or bounds != sorted(bounds) or any(b <= 0 for b in bounds):
        raise RulesError(f"规则文件 {source}: 键 'attendance.tiers' 的 max_minutes 须递增且为正,最后一档为 0 (不封顶)")
