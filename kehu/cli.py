"""Command line (SPEC §8): a thin click layer over kehu.pipeline.

Exit codes: 0 done (warnings allowed), 1 input errors (the report says
which), 2 usage or rules-file error, 3 an unexpected failure (one line; the
traceback only with -v).
"""
from __future__ import annotations

import os
import sys
import traceback
from functools import wraps
from pathlib import Path

import click

from kehu import __version__
from kehu.findings import ERROR
from kehu.load.files import InputFolderError
from kehu.month import Month
from kehu.pipeline import EXIT_FAILURE, EXIT_INPUT, EXIT_OK, EXIT_USAGE
from kehu.rules import RulesError, load_rules, rules_toml

SHOWN_FINDINGS = 20


def _console_safe() -> None:
    """A GBK console cannot show every character: replace, never crash on printing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass


def _month(ctx, param, value):
    if value is None:
        return None
    try:
        return Month.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _rules(path):
    try:
        return load_rules(path)
    except RulesError as exc:
        click.echo(str(exc), err=True)   # names the file, the key, the value and what is allowed
        sys.exit(EXIT_USAGE)


def guarded(func):
    """Unexpected failures end with one line and exit 3; -v shows the traceback."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        verbose = kwargs.pop("verbose", False)
        try:
            return func(*args, **kwargs)
        except (SystemExit, click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            letters = sys.modules.get("kehu.render.letters")
            if letters is not None and isinstance(exc, letters.LetterTemplateError):
                click.echo(f"函件模板错误: {exc}", err=True)
                sys.exit(EXIT_USAGE)
            if isinstance(exc, InputFolderError):
                click.echo(str(exc), err=True)
                sys.exit(EXIT_USAGE)
            if verbose:
                traceback.print_exc()
            click.echo(f"kehu 意外失败: {type(exc).__name__}: {exc}(加 -v 查看详细信息)", err=True)
            sys.exit(EXIT_FAILURE)
    return click.option("-v", "--verbose", is_flag=True, help="出错时显示完整的技术信息 (traceback)。")(wrapper)


month_option = click.option("--month", required=True, callback=_month, metavar="YYYY-MM",
                            help="考核月份,如 2026-10。")
rules_option = click.option("--rules", "rules_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                            help="覆盖默认规则的 TOML 文件(只写要改的键)。")
input_argument = click.argument("input_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kehu")
def cli():
    """kehu — 集团客户部月度考核。

    把当月导出的 Excel/CSV 放进一个文件夹,然后运行:

        kehu run 输入文件夹 --month 2026-10
    """
    _console_safe()


class TerminalProgress:
    """Step labels and a progress bar for the long steps, on a terminal only (SPEC §8)."""

    def __init__(self):
        self._bar = None

    def __call__(self, label: str) -> None:
        self._close()
        click.echo(f"… {label}", err=True)

    def bar(self, total: int):
        self._bar = click.progressbar(length=total, file=sys.stderr, width=30, show_pos=True)
        self._bar.__enter__()
        return self._bar.update

    def _close(self):
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None


def _progress():
    return TerminalProgress() if sys.stderr.isatty() else None


def _print_findings(outcome) -> None:
    errors, warnings = outcome.errors, outcome.warnings
    shown = (errors + warnings)[:SHOWN_FINDINGS]
    for f in shown:
        where = " ".join(x for x in (f.file, f.sheet, f.cell or (f"第{f.row}行" if f.row else "")) if x)
        click.echo(f"[{'错误' if f.severity == ERROR else '提示'}] {f.code}{' ' + where if where else ''}: {f.message}")
    more = len(errors) + len(warnings) - len(shown)
    if more > 0:
        click.echo(f"…… 另有 {more} 条,详见校验报告。")
    click.echo(f"错误 {len(errors)} 条,提示 {len(warnings)} 条。")
    if outcome.report:
        click.echo(f"校验报告: {outcome.report}")


@cli.command()
@input_argument
@month_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("kehu-out"),
              show_default=True, help="输出文件夹;结果写在其中的 YYYY-MM 子文件夹。")
@rules_option
@click.option("--skip-invalid", is_flag=True, help="跳过有错误的行继续计算(每一行都列在校验报告中)。")
@click.option("--templates", "templates_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="使用自己修改过的函件模板文件夹。")
@click.option("--jobs", type=int, default=None, help="写工作簿的并行进程数(默认为 CPU 核数)。")
@guarded
def run(input_dir, month, out_dir, rules_path, skip_invalid, templates_dir, jobs):
    """计算当月考核并写出全部结果。

    Example:

        kehu run sample_inputs --month 2026-10 --out kehu-out
    """
    from kehu import pipeline
    rules = _rules(rules_path)
    outcome = pipeline.run(input_dir, month, out_dir, rules, str(rules_path or "default"), skip_invalid,
                           templates_dir, jobs, _progress())
    _print_findings(outcome)
    if outcome.exit_code == EXIT_INPUT:
        click.echo("输入有错误,未生成考核结果。请按校验报告改正后重新运行(或加 --skip-invalid 跳过错误行)。")
        sys.exit(EXIT_INPUT)
    done = outcome.result
    click.echo(f"完成：{len(done.results['employees'])} 名员工已考核，结果在 {outcome.out_dir}")
    for person in done.not_assessed:
        click.echo(f"未考核：{person['employee_id'] or '（工号无法读取）'} {person['name'] or ''}"
                   f"（{person['where']}：{person['reason']}）")


@cli.command()
@input_argument
@month_option
@rules_option
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="校验报告工作簿的位置(默认 kehu-out/校验报告_YYYY-MM.xlsx)。")
@guarded
def validate(input_dir, month, rules_path, report_path):
    """只校验输入,列出问题,不计算、不写结果。

    Example:

        kehu validate sample_inputs --month 2026-10
    """
    from kehu import pipeline
    rules = _rules(rules_path)
    report_path = report_path or Path("kehu-out") / f"校验报告_{month.label}.xlsx"
    outcome = pipeline.validate(input_dir, month, rules, report_path)
    _print_findings(outcome)
    sys.exit(outcome.exit_code)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@guarded
def init(directory):
    """生成空白的输入工作簿(带下拉选项、日期格式、填写说明和一行示例)。

    Example:

        kehu init 2026-11输入
    """
    from kehu.init_inputs import write_blank_inputs
    try:
        paths = write_blank_inputs(directory)
    except FileExistsError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_USAGE)
    for p in paths:
        click.echo(f"已生成 {p}")


@cli.command(name="rules")
@rules_option
@guarded
def rules_command(rules_path):
    """显示生效的规则(默认规则,加上 --rules 文件的覆盖)。

    Example:

        kehu rules --rules 我的规则.toml
    """
    click.echo(rules_toml(_rules(rules_path)), nl=False)


def main() -> None:
    code = _exit_code()
    sys.stdout.flush()
    sys.stderr.flush()
    # The run is complete and every file closed: ending here skips freeing a province
    # month's millions of objects one by one (~0.2 s), which nobody waits for.
    os._exit(code)


def _exit_code() -> int:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("已取消。", err=True)
        return EXIT_FAILURE
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except SystemExit as exc:                  # a command's sys.exit(code)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_FAILURE)
    return EXIT_OK
