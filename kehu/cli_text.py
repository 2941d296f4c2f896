"""click's own texts in Chinese (issue 14 item 3): usage, --help headings and usage errors.

The clerk reads every line kehu prints in Chinese, click's included: ``用法：`` for ``Usage:``,
``选项`` / ``命令`` for the --help headings, ``错误：缺少选项 '--month'。`` for ``Error: Missing
option '--month'.``. ``KehuGroup`` and ``KehuCommand`` do it through click's public methods
(format_usage, format_options, format_commands, get_help_option, make_context,
resolve_command); a usage error is raised again as ``ChineseUsageError``, whose message and
``show()`` are Chinese, so it reads the same under click's standalone ``main`` (tests'
CliRunner) and under ``kehu.cli.main``. The ``Example:`` blocks of --help stay as written.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import click

USAGE = "用法："
HELP_TEXT = "显示本帮助并退出。"


class ChineseUsageError(click.UsageError):
    """A usage error, said in Chinese; exit 2 like click's own."""

    def __init__(self, message: str, ctx: click.Context | None):
        super().__init__(message, ctx)

    def show(self, file=None) -> None:
        def say(text: str) -> None:
            click.echo(text, file=file, err=file is None)
        if self.ctx is not None:
            say(self.ctx.get_usage())
            names = self.ctx.command.get_help_option_names(self.ctx)
            if names:
                say(f"查看帮助：{self.ctx.command_path} {names[0]}")
            say("")
        say(f"错误：{self.format_message()}")


def chinese(exc: click.UsageError) -> click.UsageError:
    """``exc`` said in Chinese (a help page asked for by no arguments stays as it is)."""
    if isinstance(exc, (ChineseUsageError, click.exceptions.NoArgsIsHelpError)):
        return exc
    return ChineseUsageError(_message(exc), exc.ctx)


def _message(exc: click.UsageError) -> str:
    if isinstance(exc, click.MissingParameter):
        kind = "选项" if (exc.param_type or getattr(exc.param, "param_type_name", "")) == "option" else "参数"
        return f"缺少{kind} {_hint(exc)}。"
    if isinstance(exc, click.BadParameter):
        return f"{_hint(exc)} 的值不对：{exc.message}"
    if isinstance(exc, click.NoSuchOption):
        return f"没有选项 {exc.option_name}。" + _maybe(exc.possibilities)
    if isinstance(exc, click.exceptions.NoSuchCommand):
        return f"没有命令 {exc.command_name}。" + _maybe(exc.possibilities)
    if isinstance(exc, click.BadOptionUsage):
        needs = "不接受值" if "does not take" in exc.message else "后面需要一个值"
        return f"选项 {exc.option_name} {needs}。"
    extra = re.search(r"unexpected extra arguments? \((.*)\)", exc.message)
    if extra:
        return f"多余的参数：{extra.group(1)}。"
    return exc.message


def _hint(exc: click.BadParameter) -> str:
    hint = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx)
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(hint)
    return hint or "参数"


def _maybe(possibilities) -> str:
    return f"你是不是想用：{'、'.join(possibilities)}？" if possibilities else ""


class KehuCommand(click.Command):
    """A command whose usage, --help headings and usage errors are Chinese."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=USAGE)

    def format_options(self, ctx, formatter) -> None:
        rows = [_option_row(p, ctx) for p in self.get_params(ctx) if isinstance(p, click.Option)]
        write_rows(formatter, "选项", [r for r in rows if r is not None])

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            raise chinese(exc) from None


class KehuGroup(KehuCommand, click.Group):
    """A group of KehuCommands: its command list is headed 命令, an unknown command is Chinese too."""

    command_class = KehuCommand
    group_class = type

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def format_options(self, ctx, formatter) -> None:
        KehuCommand.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter) -> None:
        commands = [(name, cmd) for name in self.list_commands(ctx)
                    for cmd in [self.get_command(ctx, name)] if cmd is not None and not cmd.hidden]
        if commands:
            limit = formatter.width - 6 - max(len(name) for name, _ in commands)
            write_rows(formatter, "命令", [(name, cmd.get_short_help_str(limit)) for name, cmd in commands])

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            raise chinese(exc) from None


def _option_row(option: click.Option, ctx) -> tuple[str, str] | None:
    """(``--out 输出文件夹``, its help with 默认 / 必填 in Chinese) — None for a hidden option."""
    record = option.get_help_record(ctx)
    if record is None:
        return None
    extra = option.get_help_extra(ctx)
    notes = ([f"默认：{extra['default']}"] if "default" in extra else []) + (["必填"] if "required" in extra else [])
    return record[0], (option.help or "") + (f"（{'，'.join(notes)}）" if notes else "")


def write_rows(formatter, heading: str, rows: list[tuple[str, str]]) -> None:
    """A --help section: ``heading：`` and its rows, the second column aligned by display width
    (a Chinese character takes two columns on a terminal)."""
    if not rows:
        return
    formatter.write_paragraph()
    formatter.write_text(f"{heading}：")
    first = min(max(_width(term) for term, _ in rows), 30) + 2
    for term, text in rows:
        pad = first - _width(term)
        line = f"  {term}" + (" " * pad if pad > 0 else "\n  " + " " * first)
        formatter.write(f"{line}{text}\n")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class ExistingPath(click.Path):
    """click.Path whose refusals are Chinese: a folder or file that must exist, and be of its kind."""

    def convert(self, value, param, ctx):
        path, what = Path(value), "文件夹" if not self.file_okay else "文件"
        if self.exists and not path.exists():
            self.fail(f"{what}「{value}」不存在。", param, ctx)
        if not self.file_okay and path.exists() and not path.is_dir():
            self.fail(f"「{value}」是文件，不是文件夹。", param, ctx)
        if not self.dir_okay and path.is_dir():
            self.fail(f"「{value}」是文件夹，不是文件。", param, ctx)
        return super().convert(value, param, ctx)


class PositiveInt(click.ParamType):
    name = "正整数"

    def convert(self, value, param, ctx):
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if number < 1:
            self.fail(f"应为正整数，实际为「{value}」。", param, ctx)
        return number
