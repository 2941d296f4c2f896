"""``kehu history``: the months the history store keeps, and dropping a month run by mistake (issue 11)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from kehu.cli_common import guarded, month_value
from kehu.cli_text import KehuGroup
from kehu.outfolder import OutputFolder
from kehu.pipeline import EXIT_OK, EXIT_USAGE


out_option = click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                          metavar="输出文件夹", help="输出文件夹（默认 kehu-out）；历史库是其中的 history.sqlite。")


@click.group(name="history", cls=KehuGroup, invoke_without_command=True)
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
@click.argument("month", callback=month_value, metavar="YYYY-MM")
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
