"""Command line (SPEC §8): a thin click layer over kehu.pipeline.

Exit codes: 0 done (warnings allowed), 1 input errors (the report says
which), 2 usage or rules-file error, or an output folder / history store the
user must fix, 3 an unexpected failure (one line; the traceback only with -v).
SIGTERM ends a run as Ctrl+C does (its new folder removed, the history rolled
back, the lock released), with exit 143.
"""
from __future__ import annotations

import errno
import multiprocessing
import signal
import sys
import traceback
from functools import wraps
from pathlib import Path

import click

from kehu import __version__
from kehu.cli_text import ExistingPath, KehuGroup, PositiveInt
from kehu.findings_order import SEVERITY_WORDS, problems
from kehu.history_check import HistoryError
from kehu.load.files import InputFolderError
from kehu.month import Month
from kehu.outfolder import OutputError, OutputFolder, write_trouble
from kehu.pipeline import EXIT_FAILURE, EXIT_INPUT, EXIT_OK, EXIT_USAGE
from kehu.organisation import unfilled
from kehu.rules import RulesError, load_rules, rules_toml

SHOWN_PROBLEMS = 20                 # problems on the console; the report has them all
EXIT_TERMINATED = 128 + 15          # what a shell reports for a process ended by SIGTERM
# an OSError the user can fix (permissions, a full or read-only disk): exit 2, not 3
USER_ERRNOS = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, getattr(errno, "EDQUOT", -1)}


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


month_option = click.option("--month", required=True, callback=_month, metavar="YYYY-MM",
                            help="考核月份，如 2026-10。")
rules_option = click.option("--rules", "rules_path", type=ExistingPath(exists=True, dir_okay=False, path_type=Path),
                            metavar="规则文件", help="覆盖默认规则的 TOML 文件（只写要改的键）。")
input_argument = click.argument("input_dir", metavar="输入文件夹",
                                type=ExistingPath(exists=True, file_okay=False, path_type=Path))


@click.group(cls=KehuGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kehu", help="显示版本号并退出。", message="%(prog)s %(version)s")
def cli():
    """kehu — 集团客户部月度考核。

    把当月导出的 Excel/CSV 放进一个文件夹，然后运行：

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
    """The problems in the order the clerk fixes them, causes first, each consequence under its
    cause and the findings of one code in one column as one line (kehu.findings_order) — the
    first ``SHOWN_PROBLEMS``, or every finding when there is no report to see the rest in."""
    errors, warnings = outcome.errors, outcome.warnings
    found = problems(errors + warnings)
    if outcome.report_error:
        for p in found:
            for f in (*p.findings, *p.consequences):
                click.echo(_finding_line(f))
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
    click.echo(_finding_line(p.lead) + more)
    for c in p.consequences:
        click.echo("    └ " + _finding_line(c))


def _finding_line(f) -> str:
    where = " ".join(x for x in (f.file, f.sheet, f.cell or (f"第 {f.row} 行" if f.row else "")) if x)
    return f"[{SEVERITY_WORDS[f.severity]}] {f.code}{' ' + where if where else ''}：{f.message}"


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
              metavar="报告文件", help="校验报告工作簿的位置（默认 kehu-out/校验报告_YYYY-MM.xlsx）。")
@guarded
def validate(input_dir, month, rules_path, report_path):
    """只校验输入，列出问题，不计算、不写结果。

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
    rules = _rules(rules_path)
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


@cli.command()
@click.argument("annual", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--staff", "staff_path", required=True, type=click.Path(exists=True, path_type=Path),
              help="员工名册文件，或放着它的输入文件夹（其中的日历表也会用到）。")
@click.option("--month", callback=_month, metavar="YYYY-MM", help="生成这一个月，如 2026-10。")
@click.option("--year", type=click.IntRange(2000, 2099), metavar="YYYY", help="生成这一年的 12 个月。")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("指标计划"),
              show_default=True, help="输出文件夹；每个月写在其中的 YYYY-MM 子文件夹。")
@click.option("--calendar", "calendar_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="日历表（内置安排没有的年份需要；也可以放在 --staff 的文件夹中）。")
@rules_option
@guarded
def plan(annual, staff_path, month, year, out_dir, calendar_path, rules_path):
    """把年度指标分解到月、到人，并写出按周、按工作日分解的月计划表。

    室的全年指标按月度权重分到各月，再按员工名册中该室当月在岗的客户经理人数（或分配比例）
    分给每人；重要室经理得全室的月指标。每个月写出 指标.xlsx（kehu run 直接读取，月底填完成值）
    和 月计划表.xlsx。年度指标模板用 kehu init 文件夹 --plan 生成。

    Example:

        kehu plan 年度指标.xlsx --staff 2026-10输入 --month 2026-10 --out 指标计划

        kehu plan 年度指标.xlsx --staff 员工名册.xlsx --year 2026
    """
    from kehu.plan import existing_outputs, make_plan, year_months
    if (month is None) == (year is None):
        click.echo("请用 --month YYYY-MM 指定一个月，或用 --year YYYY 指定全年（二者选一）。", err=True)
        sys.exit(EXIT_USAGE)
    months = [month] if month else year_months(year)
    there = existing_outputs(out_dir, months)
    if there:
        click.echo(f"{there[0]} 已存在，未覆盖（其中可能已填了完成值）。请换一个 --out 文件夹，或先移走这些文件。",
                   err=True)
        sys.exit(EXIT_USAGE)
    outcome = make_plan(annual, staff_path, months, out_dir, _rules(rules_path), calendar_path)
    for f in outcome.findings:
        click.echo(_finding_line(f))
    if outcome.errors:
        click.echo(f"错误 {len(outcome.errors)} 条，警告 {len(outcome.warnings)} 条。没有写出任何文件；请改正后重新运行。")
        sys.exit(EXIT_INPUT)
    for p in outcome.written:
        click.echo(f"已生成 {p}")


@cli.command(name="rules")
@rules_option
@guarded
def rules_command(rules_path):
    """显示生效的规则（默认规则，加上 --rules 文件的覆盖）。

    Example:

        kehu rules --rules 我的规则.toml
    """
    click.echo(rules_toml(_rules(rules_path)), nl=False)


out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                          metavar="输出文件夹", help="输出文件夹（默认 kehu-out）；历史库是其中的 history.sqlite。")


@cli.group(name="history", invoke_without_command=True)
@out_option
@click.pass_context
@guarded
def history_group(ctx, out_dir):
    """列出历史库中保存的月份（默认），或删除一个月份（drop）。

    历史库 OUT/history.sqlite 保存每月的学习标记、客户收入和出访记录，供以后的月份使用
    （学习连续三次、离网预警、两三个月的拜访周期）。跑错了月份，用 drop 删掉它。

    Example:

        kehu history --out kehu-out

        kehu history drop 2026-11 --out kehu-out
    """
    ctx.obj = out_dir or Path("kehu-out")
    if ctx.invoked_subcommand is None:
        _list_months(ctx.obj)


@history_group.command(name="list")
@out_option
@click.pass_obj
@guarded
def history_list(group_out, out_dir):
    """列出历史库中保存的月份，以及每个月份写入的时间。

    Example:

        kehu history list --out kehu-out
    """
    _list_months(out_dir or group_out)


@history_group.command(name="drop")
@click.argument("month", callback=_month, metavar="YYYY-MM")
@out_option
@click.option("--yes", is_flag=True, help="不再询问，直接删除。")
@click.pass_obj
@guarded
def history_drop(group_out, month, out_dir, yes):
    """从历史库中删除一个月份的全部记录（先询问，除非加 --yes）。

    该月的输出文件夹不会被删除。删除前的历史库备份在 history.sqlite.bak。

    Example:

        kehu history drop 2026-11 --out kehu-out --yes
    """
    from kehu.history import drop_stored_month, stored_months_of
    out_dir = out_dir or group_out
    path = out_dir / "history.sqlite"
    if not out_dir.is_dir():
        _no_store(path, EXIT_USAGE)
    with OutputFolder(out_dir, "history drop", month):
        if not path.exists():
            _no_store(path, EXIT_USAGE)
        found = next((m for m in stored_months_of(path) if m.label == month.label), None)
        if found is None:
            kept = "、".join(m.label for m in stored_months_of(path)) or "没有任何月份"
            click.echo(f"历史库 {path} 中没有 {month.label} 的记录（现有：{kept}）。", err=True)
            sys.exit(EXIT_USAGE)
        if not yes and not _confirmed(f"确定从历史库 {path} 删除 {month.label} 的全部记录吗？"
                                      f"（{_counts(found)}）"):
            return
        backup = drop_stored_month(path, month.label)
    click.echo(f"已从 {path} 删除 {month.label} 的记录（{_counts(found)}）。删除前的历史库备份在 {backup}。")
    if (out_dir / month.label).exists():
        click.echo(f"输出文件夹 {out_dir / month.label} 没有删除；如不再需要，请手动删除。")


def _list_months(out_dir: Path) -> None:
    from kehu.history import stored_months_of
    path = out_dir / "history.sqlite"
    months = None
    if out_dir.is_dir():
        with OutputFolder(out_dir, "history"):      # a run interrupted here is repaired first
            if path.exists():
                months = stored_months_of(path)
    if months is None:
        _no_store(path, EXIT_OK)
    if not months:
        click.echo(f"历史库 {path} 中没有任何月份。")
        return
    click.echo(f"历史库 {path} 中保存的月份：")
    for m in months:
        when = m.written_at[:19].replace("T", " ") if m.written_at else "时间不详（旧版本 kehu 写入）"
        click.echo(f"  {m.label}  写入于 {when}  {_counts(m)}")
    click.echo(f"共 {len(months)} 个月份。删除某个月份：kehu history drop YYYY-MM --out {out_dir}")


def _no_store(path: Path, code: int) -> None:
    click.echo(f"{path} 不存在：这个输出文件夹还没有保存过任何月份。", err=code != EXIT_OK)
    sys.exit(code)


def _counts(month) -> str:
    return f"学习标记 {month.flags} 条、客户收入 {month.customers} 条、出访 {month.visits} 条"


def _confirmed(question: str) -> bool:
    """The user's yes; no answer possible (no terminal) is a usage error."""
    try:
        if click.confirm(question, default=False):
            return True
    except click.Abort:
        click.echo("\n未删除：需要确认。在脚本中请加 --yes。", err=True)
        sys.exit(EXIT_USAGE)
    click.echo("未删除。")
    return False


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
