"""Is ``history.sqlite`` kehu's own store, whole and free? (SPEC §4, §9.6; issue 12 item 8)

kehu reads and writes only a store it recognises as its own: the SQLite header, the
``application_id`` kehu sets (a store from before it set one: kehu's tables and schema
version 1), a schema version it knows, and — before a run or a drop changes it — a
``PRAGMA quick_check`` that passes and a write lock it can take. Any trouble is a
``HistoryError`` naming the file and what to do (exit 2): restore ``history.sqlite.bak``,
the rolling backup of the last good store (``backup_store``, taken before each change),
or move the file aside so that kehu starts a new history. Nothing is ever written into a
file that fails these checks.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

APPLICATION_ID = int.from_bytes(b"kehu", "big")     # PRAGMA application_id of kehu's stores
SQLITE_HEADER = b"SQLite format 3\x00"
KEHU_TABLES = frozenset({"meta", "learning_flags", "customer_revenue", "visits", "months", "employee_results"})
TABLES_OF_VERSION = {1: KEHU_TABLES - {"months", "employee_results"}, 2: KEHU_TABLES - {"employee_results"},
                     3: KEHU_TABLES}
BUSY_SECONDS = 2.0          # how long to wait for another program's lock on the store
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")             # a month label as kehu writes it


class HistoryError(Exception):
    """A history file kehu cannot use; the message names the file and the remedy."""


def backup_path(path: Path) -> Path:
    return Path(path).with_name(Path(path).name + ".bak")


def check_store(path: Path, for_writing: bool = False) -> None:
    """Raise ``HistoryError`` unless ``path`` is absent or kehu's store, whole (quick_check)
    and — ``for_writing`` — free for kehu to write now."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    conn = connect_checked(path)
    try:
        problems = conn.execute("PRAGMA quick_check").fetchall()
        if problems != [("ok",)]:
            raise refused(path, f"数据库内部检查未通过（{problems[0][0][:120]}）")
        bad_key = _bad_key(conn)
        if bad_key:
            raise refused(path, bad_key)
        if for_writing:
            conn.execute("BEGIN IMMEDIATE")
            conn.rollback()
    except sqlite3.Error as exc:
        raise store_error(path, exc) from None
    finally:
        conn.close()


def _bad_key(conn: sqlite3.Connection) -> str | None:
    """A row whose month or date is not as kehu writes it — reads select rows by these keys, so
    such a row would be left out (or, in visits, never replaced) without a word. The distinct
    keys come from the indexes; only visits' month/date agreement needs the table."""
    tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in ("learning_flags", "customer_revenue", "employee_results"):
        if table not in tables:                 # employee_results: a store from before version 3
            continue
        for (label,) in conn.execute(f"SELECT DISTINCT month FROM {table}"):
            if not (isinstance(label, str) and _MONTH.fullmatch(label)):
                return f"表 {table} 有一行的月份「{label}」格式不对"
    for (day,) in conn.execute("SELECT DISTINCT date FROM visits"):
        if not _is_day(day):
            return f"表 visits 有一行的日期「{day}」格式不对"
    row = conn.execute("SELECT month, date FROM visits WHERE month IS NOT substr(date, 1, 7) LIMIT 1").fetchone()
    return f"表 visits 有一行的月份「{row[0]}」与日期「{row[1]}」不符" if row else None


def _is_day(text) -> bool:
    try:
        return isinstance(text, str) and len(text) == 10 and date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False


def connect_checked(path: Path, check_same_thread: bool = True) -> sqlite3.Connection:
    """A connection to ``path`` once its header and identity are kehu's (no full check)."""
    trouble = header_trouble(path)
    if trouble:
        raise refused(path, trouble)
    conn = sqlite3.connect(str(path), timeout=BUSY_SECONDS, check_same_thread=check_same_thread)
    try:
        schema_version(conn, path)
    except BaseException as exc:
        conn.close()
        if isinstance(exc, sqlite3.Error):
            raise store_error(path, exc) from None
        raise
    return conn


def header_trouble(path: Path) -> str | None:
    """What is wrong with the file before SQLite reads it, or None."""
    if path.is_dir():
        return "它是一个文件夹，不是历史库文件"
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError as exc:
        return f"无法读取（{exc.strerror or exc}）"
    if not head:
        return "文件是空的（0 字节）"
    if not head.startswith(SQLITE_HEADER):
        return "它不是 SQLite 数据库（可能是文本或其他文件被改成了这个名字）"
    if len(head) < 100:
        return f"文件不完整（只有 {len(head)} 字节）"
    return None


def schema_version(conn: sqlite3.Connection, path: Path) -> int:
    """The store's schema version, once its tables and application_id say it is kehu's."""
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
              if not r[0].startswith("sqlite_")}         # SQLite's own (ANALYZE's sqlite_stat1, …)
    if app not in (0, APPLICATION_ID) or not tables <= KEHU_TABLES or "meta" not in tables:
        shown = "、".join(sorted(tables)[:5]) or "没有任何表"
        raise refused(path, f"它不是 kehu 的历史库（其中的表：{shown}）")
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    version = int(row[0]) if row and str(row[0]).isdigit() else None
    if version is None or (app == 0 and version != 1):
        raise refused(path, f"它的版本标记不对（{row[0] if row else '没有'}）")
    if version > max(TABLES_OF_VERSION):
        raise HistoryError(f"历史库 {path} 由更新版本的 kehu 写入（版本 {version}），本程序只支持到版本 "
                           f"{max(TABLES_OF_VERSION)}。请升级 kehu，或用 --out 换一个输出文件夹。")
    missing = TABLES_OF_VERSION.get(version, KEHU_TABLES) - tables
    if version < 1 or missing:
        raise refused(path, f"缺少表 {'、'.join(sorted(missing))}" if missing else f"版本号 {version} 不对")
    return version


def refused(path: Path, detail: str) -> HistoryError:
    """The store cannot be used: what is wrong, and the two ways on."""
    bak = backup_path(path)
    restore = f"用上次正常时的备份 {bak} 替换它（先把它改名留存），或" if bak.is_file() else ""
    return HistoryError(f"历史库 {path} 无法使用：{detail}。kehu 没有改动它。处理办法：{restore}"
                        f"把它移到别处（或改名），kehu 会新建历史库——之前各月的学习连续记录、离网对比和拜访周期"
                        f"将从头算起。")


def store_error(path: Path, exc: sqlite3.Error) -> HistoryError:
    """A SQLite error on ``path`` as a message a clerk can act on."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return HistoryError(f"历史库 {path} 正被其他程序占用（例如在数据库工具中打开着）。请关闭该程序后重试。")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return refused(path, f"文件已损坏（{exc}）")
    if "readonly" in text or "read-only" in text:
        return HistoryError(f"历史库 {path} 是只读的，无法写入。请检查文件和文件夹的权限后重试。")
    return HistoryError(f"读写历史库 {path} 时出错（{exc}）。请检查磁盘空间和权限后重试；"
                        f"本月结果没有写入，之前的结果保持不变。")


def backup_store(path: Path) -> Path:
    """``history.sqlite.bak``: a copy of the store as it is now (SQLite's backup API), replacing
    the previous one only once complete — the rolling backup of the last good store."""
    path = Path(path)
    bak = backup_path(path)
    partial = bak.with_name(bak.name + ".part")
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(str(path), timeout=BUSY_SECONDS)) as source, \
                closing(sqlite3.connect(str(partial))) as copy:
            source.backup(copy)
        partial.replace(bak)
    except (OSError, sqlite3.Error) as exc:
        partial.unlink(missing_ok=True)
        raise HistoryError(f"无法备份历史库 {path} 到 {bak}（{exc}）。请检查磁盘空间和权限后重试；"
                           f"本月结果没有写入。") from None
    return bak

