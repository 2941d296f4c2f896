"""``kehu plan``: a room's annual targets broken down to months, managers, weeks and workdays (issue 16)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from kehu.cli_common import finding_line, guarded, month_value, rules_of, rules_option
from kehu.cli_text import KehuCommand
from kehu.pipeline import EXIT_INPUT, EXIT_USAGE


@click.command(cls=KehuCommand)
@click.argument("annual", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--staff", "staff_path", required=True, type=click.Path(exists=True, path_type=Path),
              help="员工名册文件，或放着它的输入文件夹（其中的日历表也会用到）。")
@click.option("--month", callback=month_value, metavar="YYYY-MM", help="生成这一个月，如 2026-10。")
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
    outcome = make_plan(annual, staff_path, months, out_dir, rules_of(rules_path), calendar_path)
    for f in outcome.findings:
        click.echo(finding_line(f))
    if outcome.errors:
        click.echo(f"错误 {len(outcome.errors)} 条，警告 {len(outcome.warnings)} 条。没有写出任何文件；请改正后重新运行。")
        sys.exit(EXIT_INPUT)
    for p in outcome.written:
        click.echo(f"已生成 {p}")
