"""The rules file (SPEC §3, §10.7): every policy number of SPEC §2, in one TOML file.

The default file ships inside the package (``kehu/default_rules.toml``). A
``--rules FILE`` overrides any subset: tables merge key by key, arrays and
scalars replace, and the department may add entries to its open tables (a new
违纪 kind, class or indicator). The merged, effective rules are then checked
against ``kehu.rules_spec.SPEC`` — every key's type, range and relations — and
any problem is a ``RulesError`` naming the key, the value as written and what
is allowed, so a misspelt or out-of-range policy never reaches the pay.

The file itself: at most 1 MB, a regular file, UTF-8 (with or without BOM) or
GB18030/GBK (what Chinese Windows Notepad saves as “ANSI”).
"""
from __future__ import annotations

import codecs
import copy
import re
import stat
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

import tomli_w

from kehu.rules_spec import rules_problems

MAX_BYTES = 1024 * 1024          # SPEC §10.7: a rules file is at most 1 MB
MAX_DOTS = 100                   # per line; see _refuse_long_dotted_keys
SHOWN_PROBLEMS = 20
DEFAULT_SOURCE = "default_rules.toml"


class RulesError(Exception):
    """A rules file that cannot be used; the message names the file and key (Chinese)."""


def default_rules_text() -> str:
    return resources.files("kehu").joinpath("default_rules.toml").read_text(encoding="utf-8")


def load_rules(path: str | Path | None = None) -> dict:
    """The effective rules: the packaged defaults, overridden by ``path`` if given, checked whole."""
    rules = tomllib.loads(default_rules_text())
    source = DEFAULT_SOURCE
    if path is not None:
        path = Path(path)
        source = path.name
        override = parse_rules_text(decode_rules(read_rules_bytes(path), source), source)
        rules = merged(rules, _paths_from(override, path.parent))
    refuse_problems(rules, source)
    return rules


def _paths_from(override: dict, folder: Path) -> dict:
    """The file paths a rules file names (``organisation.seal_image``), relative to its own folder."""
    organisation = override.get("organisation")
    seal = organisation.get("seal_image") if isinstance(organisation, dict) else None
    if isinstance(seal, str) and seal.strip() and seal.isprintable() and not Path(seal).is_absolute():
        try:
            organisation["seal_image"] = str((folder / seal).resolve())
        except (OSError, RuntimeError):
            pass                        # the check names the path as written
    return override


def merged(defaults: dict, override: dict) -> dict:
    """``defaults`` with ``override`` laid over it: tables merge key by key; everything else
    (arrays, scalars, a table replaced by a scalar) replaces. The check comes after."""
    out = copy.deepcopy(defaults)
    _lay_over(out, override)
    return out


def _lay_over(target: dict, override: dict) -> None:
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _lay_over(target[key], value)
        else:
            target[key] = value


def refuse_problems(rules: dict, source: str) -> None:
    """RulesError listing every problem of the effective rules, if any (SPEC §10.7)."""
    problems = rules_problems(rules)
    if not problems:
        return
    if len(problems) == 1:
        raise RulesError(f"规则文件 {source}：{problems[0].text}")
    lines = [f"  {p.text}" for p in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"  …… 另有 {len(problems) - SHOWN_PROBLEMS} 处。")
    raise RulesError(f"规则文件 {source} 有 {len(problems)} 处错误：\n" + "\n".join(lines))


# ---------------------------------------------------------------------------
# The file: bytes, text, TOML

def read_rules_bytes(path: Path) -> bytes:
    """At most MAX_BYTES + 1 bytes of a regular file; a folder, device, pipe or unreadable
    file is a RulesError (a FIFO would block, /dev/zero never end)."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            raise RulesError(f"规则文件 {path} 是一个文件夹，不是文件。请指定 .toml 规则文件。")
        if not stat.S_ISREG(mode):
            raise RulesError(f"规则文件 {path} 不是普通文件（是设备或管道），无法读取。请指定保存在磁盘上的 .toml 文件。")
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise RulesError(f"规则文件不存在：{path}。请检查文件名和所在文件夹。") from None
    except PermissionError:
        raise RulesError(f"规则文件 {path} 无法读取（没有权限或被其他程序占用）。请关闭占用它的程序或检查权限后重试。") from None
    except OSError as exc:
        raise RulesError(f"规则文件 {path} 无法读取（{exc.strerror or type(exc).__name__}）。") from None
    if len(data) > MAX_BYTES:
        raise RulesError(f"规则文件 {path.name} 超过 1 MB，不是 kehu 的规则文件。规则文件只需写要修改的几个键。")
    return data


def decode_rules(data: bytes, source: str) -> str:
    """UTF-8 (BOM optional), else GB18030 — a superset of GBK (SPEC §10.7); UTF-16 and
    binary files are refused with what to do."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        raise RulesError(f"规则文件 {source} 是 UTF-16（记事本中的“Unicode”）编码或二进制文件。"
                         f"请用记事本打开，“另存为”时编码选 UTF-8 后重试。")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            failure = exc
    raise RulesError(f"规则文件 {source} 既不是 UTF-8 也不是 GBK/GB18030 编码的文本"
                     f"（第 {failure.start + 1} 个字节起无法识别）。请另存为 UTF-8 后重试。")


def parse_rules_text(text: str, source: str) -> dict:
    """The TOML document; a syntax error names the line, a too-deep nesting or a too-long
    number is a RulesError too (never a RecursionError or ValueError)."""
    _refuse_long_dotted_keys(text, source)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        where = re.search(r"at line (\d+), column (\d+)", str(exc))
        at = f"第 {where[1]} 行第 {where[2]} 列附近" if where else ""
        detail = re.sub(r"\s*\(at line.*\)$", "", str(exc))
        raise RulesError(f"规则文件 {source} {at}不是有效的 TOML 写法（{detail}）。常见原因：文字没有加英文双引号、"
                         f"用了中文标点（如“＝”“，”）、同一个键写了两次。") from None
    except RecursionError:
        raise RulesError(f"规则文件 {source} 中的数组或表嵌套过深，不是 kehu 的规则文件。") from None
    except ValueError:   # an integer of thousands of digits
        raise RulesError(f"规则文件 {source} 中有位数过多的数字，不是 kehu 的规则文件。") from None


def _refuse_long_dotted_keys(text: str, source: str) -> None:
    """The TOML parser takes time quadratic in a dotted key's length (a 20,000-part key: 18 s);
    no rules key has more than 4 parts, so a line with over MAX_DOTS dots is refused first."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count(".") > MAX_DOTS and not line.lstrip().startswith("#"):
            raise RulesError(f"规则文件 {source} 第 {number} 行的键层级过多（超过 {MAX_DOTS} 个“.”），"
                             f"不是 kehu 的规则文件。")


def rules_toml(rules: dict) -> str:
    """The effective rules as TOML text (``kehu rules``)."""
    return tomli_w.dumps(rules)


def money(value: Any) -> Decimal:
    """A money or rate value from the rules file as an exact Decimal (50, 0.1 or "50.00")."""
    return Decimal(str(value))
