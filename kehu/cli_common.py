"""What the commands share: their options, the rules file, the one-line failure, a finding on the console.

kehu.cli is the group and its core commands; kehu.cli_plan and kehu.cli_history add theirs.
"""
from __future__ import annotations

import errno
import sys
import traceback
from functools import wraps
from pathlib import Path

import click

from kehu.cli_text import ExistingPath
from kehu.findings_order import SEVERITY_WORDS
from kehu.history_check import HistoryError
from kehu.load.files import InputFolderError
from kehu.month import Month
from kehu.outfolder import OutputError, write_trouble
from kehu.pipeline import EXIT_FAILURE, EXIT_USAGE
from kehu.rules import RulesError, load_rules

# an OSError the user can fix (permissions, a full or read-only disk): exit 2, not 3
USER_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, getattr(errno, "EDQUOT", -1)}


def month_value(ctx, param, value):
    if value is None:
        return None
    try:
        return Month.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def rules_of(path):
    try:
        return load_rules(path)
    except RulesError as exc:
        click.echo(str(exc), err=True)   # names the file, the key, the value and what is allowed
        sys.exit(EXIT_USAGE)


def guarded(func):
    """Unexpected failures end with one line and exit 3; -v shows the traceback. What the
    user can fix (a letter template, the output folder, the history store) is exit 2."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        verbose = kwargs.pop("verbose", False)
        try:
            return func(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            message = _user_can_fix(exc)
            if message:
                click.echo(message, err=True)
                sys.exit(EXIT_USAGE)
            if verbose:
                traceback.print_exc()
            click.echo(f"kehu 意外失败：{type(exc).__name__}：{exc}（加 -v 查看详细信息）", err=True)
            sys.exit(EXIT_FAILURE)
    return click.option("-v", "--verbose", is_flag=True, help="出错时显示完整的技术信息（traceback）。")(wrapper)


def _user_can_fix(exc: Exception) -> str | None:
    """The message for an error the user must fix (exit 2), or None."""
    templates = sys.modules.get("kehu.render.template_files")
    if templates is not None and isinstance(exc, templates.LetterTemplateError):
        return f"函件模板错误：{exc}"
    if isinstance(exc, (OutputError, HistoryError, InputFolderError)):
        return str(exc)
    if isinstance(exc, OSError) and exc.errno in USER_ERRNOS:
        return (f"无法读写 {exc.filename or '文件'}（{write_trouble(exc)}）。"
                f"请检查该文件和所在文件夹的权限、磁盘空间后重试。")
    return None


month_option = click.option("--month", required=True, callback=month_value, metavar="YYYY-MM",
                            help="考核月份，如 2026-10。")
rules_option = click.option("--rules", "rules_path", type=ExistingPath(exists=True, dir_okay=False, path_type=Path),
                            metavar="规则文件", help="覆盖默认规则的 TOML 文件（只写要改的键）。")
input_argument = click.argument("input_dir", metavar="输入文件夹",
                                type=ExistingPath(exists=True, file_okay=False, path_type=Path))


def finding_line(f) -> str:
    where = " ".join(x for x in (f.file, f.sheet, f.cell or (f"第 {f.row} 行" if f.row else "")) if x)
    return f"[{SEVERITY_WORDS[f.severity]}] {f.code}{' ' + where if where else ''}：{f.message}"
