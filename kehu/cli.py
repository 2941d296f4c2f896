"""Command line (SPEC §8): a thin click layer over kehu.pipeline.

Exit codes: 0 done (warnings allowed), 1 input errors (the report says
which), 2 usage or rules-file error, or an output folder / history store the
user must fix, 3 an unexpected failure (one line; the traceback only with -v).
SIGTERM ends a run as Ctrl+C does (its new folder removed, the history rolled
back, the lock released), with exit 143.
"""
from __future__ import annotations

import multiprocessing
import signal
import sys
import time
from pathlib import Path

import click

from kehu import __version__
from kehu.cli_common import (finding_line, guarded, input_argument, month_option, rules_of, rules_option)
from kehu.cli_history import history_group
from kehu.cli_plan import plan
from kehu.cli_text import ExistingPath, KehuGroup, PositiveInt
from kehu.findings_order import problems
from kehu.organisation import unfilled
from kehu.pipeline import EXIT_FAILURE, EXIT_INPUT, EXIT_OK, EXIT_USAGE
from kehu.rules import rules_toml

SHOWN_PROBLEMS = 20                 # problems on the console; the report has them all
EXIT_TERMINATED = 128 + 15          # what a shell reports for a process ended by SIGTERM


def _console_safe() -> None:
    """A GBK console cannot show every character: replace, never crash on printing."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")
        except (AttributeError, ValueError):
            pass


@click.group(cls=KehuGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kehu", help="显示版本号并退出。", message="%(prog)s %(version)s")
def cli():
    """kehu — 集团客户部月度考核。

    把当月导出的 Excel/CSV 放进一个文件夹，然后运行：

        kehu run 输入文件夹 --month 2026-10
    """
    _console_safe()


class TerminalProgress:
    """On a terminal only (SPEC §8; issue 15): each step's label and, when it ends, how long it took;
    a bar over the files read and the workbooks written."""

    def __init__(self):
        self._bar = None
        self._started = None

    def __call__(self, label: str) -> None:
        self._close()
        click.echo(f"… {label}", err=True)
        self._started = time.monotonic()

    def bar(self, total: int, unit: str = "份工作簿"):
        self._end_bar()
        self._bar = click.progressbar(length=total, file=sys.stderr, width=30, show_pos=True, label=f"  {unit}")
        self._bar.__enter__()
        return self._bar.update

    def done(self) -> None:
        self._close()

    def _end_bar(self):
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def _close(self):
        self._end_bar()
        if self._started is not None:
            click.echo(f"  用时 {time.monotonic() - self._started:.1f} 秒", err=True)
            self._started = None


def _progress(quiet: bool = False):
    return TerminalProgress() if sys.stderr.isatty() and not quiet else None


def _print_findings(outcome) -> None:
    """The problems in the order the clerk fixes them, causes first, each consequence under its
    cause and the findings of one code in one column as one line (kehu.findings_order) — the
    first ``SHOWN_PROBLEMS``, or every finding when there is no report to see the rest in."""
    errors, warnings = outcome.errors, outcome.warnings
    found = problems(errors + warnings)
    if outcome.report_error:
        for p in found:
            for f in (*p.findings, *p.consequences):
                click.echo(finding_line(f))
    else:
        for p in found[:SHOWN_PROBLEMS]:
            _echo_problem(p)
        if len(found) > SHOWN_PROBLEMS:
            rest = found[SHOWN_PROBLEMS:]
            click.echo(f"…… 另有 {len(rest)} 个问题（{sum(p.count + len(p.consequences) for p in rest)} 条），详见校验报告。")
    click.echo(f"错误 {len(errors)} 条，警告 {len(warnings)} 条。")
    if outcome.report:
        click.echo(f"校验报告：{outcome.report}")
    if outcome.report_error:
        click.echo(f"{outcome.report_error}。以上已列出全部问题；要得到报告，请用 --report 指定一个可以写入的位置。",
                   err=True)


def _echo_problem(p) -> None:
    more = f"（同类共 {p.count:,} 条，见校验报告）" if p.count > 1 else ""
    click.echo(finding_line(p.lead) + more)
    for c in p.consequences:
        click.echo("    └ " + finding_line(c))


@cli.command()
@input_argument
@month_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("kehu-out"),
              metavar="输出文件夹", show_default=True, help="输出文件夹；结果写在其中的 YYYY-MM 子文件夹。")
@rules_option
@click.option("--skip-invalid", is_flag=True, help="跳过有错误的行继续计算（每一行都列在校验报告中）。")
@click.option("--templates", "templates_dir", type=ExistingPath(exists=True, file_okay=False, path_type=Path),
              metavar="模板文件夹", help="使用自己修改过的函件模板文件夹。")
@click.option("--jobs", type=PositiveInt(), default=None, metavar="进程数",
              help="写工作簿的并行进程数（默认为 CPU 核数）。")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度（不在终端上时本来就不显示）。")
@guarded
def run(input_dir, month, out_dir, rules_path, skip_invalid, templates_dir, jobs, quiet):
    """计算当月考核并写出全部结果。

    Example:

        kehu run sample_inputs --month 2026-10 --out kehu-out
    """
    from kehu import pipeline
    rules = rules_of(rules_path)
    progress = _progress(quiet)
    outcome = pipeline.run(input_dir, month, out_dir, rules, str(rules_path or "default"), skip_invalid,
                           templates_dir, jobs, progress)
    if progress is not None:
        progress.done()
    _print_findings(outcome)
    if outcome.exit_code == EXIT_INPUT:
        click.echo("输入有错误，未生成考核结果。请按校验报告改正后重新运行（或加 --skip-invalid 跳过错误行）。")
        if outcome.previous:
            click.echo(outcome.previous)
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
              metavar="报告文件", help="校验报告工作簿的位置（默认 kehu-out/校验报告_YYYY-MM.xlsx）；"
                                       "读过的文件也记在它旁边的 .kehu-cache 里，改一个文件后再校验会更快。")
@click.option("-q", "--quiet", is_flag=True, help="不显示进度（不在终端上时本来就不显示）。")
@guarded
def validate(input_dir, month, rules_path, report_path, quiet):
    """只校验输入，列出问题，不计算、不写结果。

    Example:

        kehu validate sample_inputs --month 2026-10
    """
    from kehu import pipeline
    rules = rules_of(rules_path)
    report_path = report_path or Path("kehu-out") / f"校验报告_{month.label}.xlsx"
    progress = _progress(quiet)
    outcome = pipeline.validate(input_dir, month, rules, report_path, progress)
    if progress is not None:
        progress.done()
    _print_findings(outcome)
    sys.exit(outcome.exit_code)


@cli.command()
@click.argument("directory", metavar="文件夹", type=click.Path(file_okay=False, path_type=Path))
@click.option("--calendar", "calendar_year", type=int, metavar="YYYY",
              help="只生成该年的日历表 日历_YYYY.xlsx：按放假办法推算、待核对（内置安排没有的年份用）。")
@click.option("--plan", "plan_template", is_flag=True, help="只生成 kehu plan 的年度指标模板 年度指标.xlsx。")
@click.option("--organisation", "organisation", is_flag=True,
              help="只生成信函落款的填写模板 单位信息.toml（公司名称、地址、服务电话、公章），填好后用 --rules 指定。")
@rules_option
@guarded
def init(directory, calendar_year, plan_template, organisation, rules_path):
    """生成空白的输入工作簿（带下拉选项、日期格式、填写说明和一行示例）。

    加 --calendar、--plan 或 --organisation 时只生成日历表、年度指标模板或信函落款模板，不生成输入工作簿。

    Example:

        kehu init 2026-11输入

        kehu init 2027-01输入 --calendar 2027

        kehu init 年度计划 --plan

        kehu init 规则 --organisation
    """
    from kehu.init_inputs import REFUSED, write_init_files
    rules = rules_of(rules_path)
    try:
        paths = write_init_files(directory, rules, calendar_year, plan_template, organisation)
    except REFUSED as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_USAGE)
    for p in paths:
        click.echo(f"已生成 {p}")
    if organisation:
        click.echo("请用记事本打开它，把“（请填写…）”改为实际内容；运行时加 --rules 指定该文件（已有规则文件的，把其中的"
                   " [organisation] 一节复制过去）。")
    elif calendar_year is None and not plan_template and unfilled(rules["organisation"]):
        click.echo("客户信函的落款（公司名称、地址、服务电话）尚未填写：可运行 kehu init 文件夹 --organisation 生成填写模板。")
    if calendar_year is not None:
        click.echo(f"请对照国务院办公厅关于{calendar_year}年部分节假日安排的通知核对日历表（加上调休），"
                   f"核对后把各行的「核对状态」改为「已核对」。")


@cli.command(name="rules")
@rules_option
@guarded
def rules_command(rules_path):
    """显示生效的规则（默认规则，加上 --rules 文件的覆盖）。

    Example:

        kehu rules --rules 我的规则.toml
    """
    click.echo(rules_toml(rules_of(rules_path)), nl=False)


cli.add_command(plan)
cli.add_command(history_group)


class Terminated(BaseException):
    """SIGTERM, raised in the main thread: the run unwinds and cleans up as on Ctrl+C."""


def _on_sigterm(signum, frame) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)       # one clean-up; SIGKILL still ends it at once
    for child in multiprocessing.active_children():      # pool workers: their work is void now
        child.terminate()
    raise Terminated()


def main() -> int:
    """The ``kehu`` command: its exit code (see the module doc), returned — the console script
    and ``python -m kehu`` end the process with it, a Python caller just gets it."""
    if not hasattr(signal, "SIGTERM"):
        return _exit_code()
    before = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        return _exit_code()
    finally:
        signal.signal(signal.SIGTERM, before if before is not None else signal.SIG_DFL)


def _exit_code() -> int:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except click.Abort:
        click.echo("已取消。", err=True)
        return EXIT_FAILURE
    except Terminated:
        click.echo("kehu 已终止（收到 SIGTERM）。", err=True)
        return EXIT_TERMINATED
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except SystemExit as exc:                  # a command's sys.exit(code)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_FAILURE)
    return EXIT_OK
