"""The output folder's safety contract (SPEC §6, §9.6, §10.9; issue 12 items 4–6, 11).

**One run at a time.** ``OUT/.kehu.lock`` carries an OS lock (flock; msvcrt.locking on
Windows) held for the whole run — or ``kehu history`` — and released by the OS when the
process ends, however it ends. Its text names the holder (pid, command, month, start, host)
for a second run, which waits ``LOCK_WAIT_SECONDS`` and then stops (exit 2) naming it.

**A month's folder and its history rows are committed as one unit.** Before it makes
anything, a run writes the journal ``OUT/.kehu-journal.json``: its id, its month, its new
folder ``.<YYYY-MM>-new-<tag>``, where the month's previous folder will go aside
(``.<YYYY-MM>-old-<tag>``) and whether the history store existed. Then:

    new folder complete → previous folder aside → history COMMIT → new folder in place
    → previous folder deleted → journal removed

The history COMMIT (it records the run's id in the store's ``months`` table) is the one
commit point: before it the previous folder comes back (undo), after it the new folder
goes in (finish). **Repair:** under the lock, before anything else, a journal left by a
killed run is resolved the same way — the store says whether that run committed — and
then what killed runs left is cleared (a month folder that an older kehu moved aside comes
back if the month has none). No step deletes the only complete copy of a month.
"""
from __future__ import annotations

import errno
import json
import os
import re
import shutil
import socket
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from kehu.crashpoint import crash_point
from kehu.history import committed_run, remove_store
from kehu.history_check import HistoryError
from kehu.month import Month

LOCK_NAME = ".kehu.lock"
JOURNAL_NAME = ".kehu-journal.json"
HISTORY_NAME = "history.sqlite"
LOCK_WAIT_SECONDS = 3.0
_HOLDER_BYTES = 512             # the holder's text, padded: rewritten in place, never truncated
_LOCK_BYTE = 1 << 20            # Windows locks this byte, past the text (which stays readable)
_TEMPORARY = re.compile(r"^\.(\d{4}-\d{2})-(old-|new-)?[\w-]+$")
_HELD: set[int] = set()         # lock descriptors this process holds (closed in forked children)
_REASONS = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.EROFS: "所在的磁盘是只读的",
            errno.ENOSPC: "磁盘已满", getattr(errno, "EDQUOT", -1): "磁盘配额已用完",
            errno.ENOTDIR: "路径中有一级是文件而不是文件夹", errno.EISDIR: "同名的文件夹已存在",
            errno.EEXIST: "同名的文件已存在，不能建文件夹"}


class OutputError(Exception):
    """The output folder cannot be used as it is; the Chinese message says what to do (exit 2)."""


class OutputFolder:
    """``with OutputFolder(out, "run", month) as out:`` locks the folder and repairs an
    interrupted run; then ``begin()`` → the new month folder, and ``commit(history)`` or
    ``abandon(history)``."""

    def __init__(self, root: Path, command: str, month: Month | None = None):
        self.root = Path(root)
        self.command, self.month = command, month
        self.history_path = self.root / HISTORY_NAME
        self._lock: FolderLock | None = None
        self._journal: Journal | None = None

    def __enter__(self) -> "OutputFolder":
        self._lock = FolderLock.take(self.root, self.command, self.month)
        try:
            repair(self.root)
        except BaseException:
            self._lock.release()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self._lock.release()

    @property
    def run_id(self) -> str:
        return self._journal.run

    def begin(self) -> Path:
        """The run's new month folder (empty, made with the user's umask), journaled first."""
        run = uuid.uuid4().hex
        tag, label = f"{os.getpid()}-{run[:8]}", self.month.label
        self._journal = Journal(run, label, f".{label}-new-{tag}", f".{label}-old-{tag}",
                                not self.history_path.exists())
        try:
            self._journal.save(self.root)
            (self.root / self._journal.new).mkdir()   # tempfile.mkdtemp would make it 0700
        except OSError as exc:
            raise OutputError(unwritable(self.root, exc)) from None
        return self.root / self._journal.new

    def commit(self, history) -> Path:
        """The new folder replaces the month's, committed with ``history`` (a PendingMonth)."""
        journal = self._journal
        final, new, old = (self.root / name for name in (journal.month, journal.new, journal.old))
        crash_point("before-swap")
        if final.exists():
            _move(final, old)           # a file open in Excel/WPS stops the run here, nothing changed
            crash_point("after-aside")
        history.commit()                # the commit point
        crash_point("after-commit")
        _move(new, final)
        crash_point("after-swap")
        self.abandon(history)           # committed: finishes (the previous folder deleted)
        return final

    def abandon(self, history=None) -> None:
        """The run ends here: undone if its history was not committed, else finished."""
        committed = history is not None and history.committed
        if history is not None:
            history.discard()
        journal, self._journal = self._journal, None
        if journal is not None:
            _resolve(self.root, journal, committed)


@dataclass
class Journal:
    """What a run that is under way will have changed (see the module's docstring)."""
    run: str
    month: str
    new: str
    old: str
    created_store: bool

    def save(self, root: Path) -> None:
        part = root / (JOURNAL_NAME + ".part")
        with open(part, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(part, root / JOURNAL_NAME)
        _sync_folder(root)

    @staticmethod
    def load(root: Path) -> "Journal | None":
        path = root / JOURNAL_NAME
        if not path.exists():
            return None
        try:
            journal = Journal(**json.loads(path.read_text(encoding="utf-8")))
            if all(_TEMPORARY.match(n) for n in (journal.new, journal.old)) \
                    and Month.parse(journal.month).label == journal.month:
                return journal
        except (ValueError, TypeError, OSError):
            pass
        raise OutputError(f"kehu 的运行记录 {path} 已损坏。请确认 {root} 中各月份文件夹完整后删除这个文件，"
                          f"再重新运行。")

    @staticmethod
    def remove(root: Path) -> None:
        (root / JOURNAL_NAME).unlink(missing_ok=True)
        _sync_folder(root)


def repair(root: Path) -> None:
    """Resolve a run that was interrupted, then clear what killed runs left (under the lock)."""
    journal = Journal.load(root)
    if journal is not None:
        _resolve(root, journal, _committed(root, journal))
    _clear_leftovers(root)


def _committed(root: Path, journal: Journal) -> bool:
    """Did the journal's run reach its commit point? The store says."""
    try:
        return committed_run(root / HISTORY_NAME, journal.month) == journal.run
    except HistoryError:
        if journal.created_store:       # the run's own store, never committed whole: nothing to keep
            return False
        raise


def _resolve(root: Path, journal: Journal, committed: bool) -> None:
    """Finish a committed run (its new folder in place) or undo one that was not (the
    previous folder back, the new one and a store the run created removed)."""
    final, new, old = (root / name for name in (journal.month, journal.new, journal.old))
    if committed and new.exists():
        if final.exists() and not old.exists():
            _move(final, old)
        try:
            os.replace(new, final)
        except OSError as exc:
            raise OutputError(f"{journal.month} 的结果已经完成并记入历史库，但无法把它从 {new} 移到 {final}"
                              f"（{write_trouble(exc)}）。请关闭打开其中文件的程序（如 Excel/WPS），然后运行"
                              f" kehu history --out {root}，kehu 会把它移到位。") from None
    elif not committed:
        shutil.rmtree(new, ignore_errors=True)
        if old.exists() and not final.exists():
            _move(old, final)
        if journal.created_store:
            remove_store(root / HISTORY_NAME)
    if final.exists():
        shutil.rmtree(old, ignore_errors=True)
    Journal.remove(root)


def _clear_leftovers(root: Path) -> None:
    """Folders of killed runs: removed — but a month folder moved aside (by an older kehu
    killed between its two renames) is put back when the month has no folder."""
    for path in sorted(root.iterdir()):
        found = _TEMPORARY.match(path.name)
        if not found or not path.is_dir():
            continue
        final = root / found[1]
        if found[2] == "old-" and not final.exists():
            _move(path, final)
        else:
            shutil.rmtree(path, ignore_errors=True)
    (root / (JOURNAL_NAME + ".part")).unlink(missing_ok=True)


def _move(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except PermissionError as exc:
        raise OutputError(in_use_message(source, exc)) from None


def in_use_message(folder: Path, exc: OSError) -> str:
    """A folder that could not be moved: which file is open elsewhere, and what to do."""
    busy = next((p for p in sorted(folder.rglob("*")) if p.is_file() and file_in_use(p)), None)
    if busy is not None:
        return f"无法替换 {folder}：其中的文件 {busy} 正被其他程序打开。请关闭 Excel/WPS 中打开的该文件后重试。"
    return (f"无法替换 {folder}（{exc.strerror or exc}）。如果其中有文件在 Excel/WPS 中打开，"
            f"请关闭 Excel/WPS 中打开的该文件后重试。")


def file_in_use(path: Path) -> bool:
    """Windows refuses to open for writing a file another program (Excel, WPS) holds open."""
    try:
        with open(path, "r+b"):
            return False
    except PermissionError:
        return True
    except OSError:
        return False


def replace_file(source: Path, target: Path) -> None:
    """``os.replace`` for a file of the output folder, a file open elsewhere named."""
    try:
        os.replace(source, target)
    except PermissionError:
        raise OutputError(f"无法写入 {target}：该文件正被其他程序打开，或没有写入权限。"
                          f"请关闭 Excel/WPS 中打开的该文件后重试。") from None


def unwritable(folder: Path, exc: OSError) -> str:
    return f"无法写入输出文件夹 {folder}（{write_trouble(exc)}）。请用 --out 换一个可以写入的文件夹，或检查该文件夹的权限。"


def write_trouble(exc: OSError) -> str:
    """Why a write failed, in words a clerk knows (the OS's own words otherwise)."""
    return _REASONS.get(exc.errno, exc.strerror or str(exc))


def _sync_folder(folder: Path) -> None:
    """A rename or removal in ``folder`` made durable (POSIX; Windows has no folder fsync)."""
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError:
        pass


# ---------------------------------------------------------------------------
# the lock

class FolderLock:
    """The OS lock on ``OUT/.kehu.lock`` and the text naming its holder."""

    def __init__(self, fd: int):
        self.fd: int | None = fd

    @classmethod
    def take(cls, root: Path, command: str, month: Month | None = None,
             wait: float | None = None) -> "FolderLock":
        """The lock, waiting ``LOCK_WAIT_SECONDS`` at most; else ``OutputError`` naming the holder."""
        try:
            root.mkdir(parents=True, exist_ok=True)
            fd = os.open(root / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise OutputError(unwritable(root, exc)) from None
        wait = LOCK_WAIT_SECONDS if wait is None else wait
        deadline = time.monotonic() + wait
        while not _try_lock(fd):
            if time.monotonic() >= deadline:
                holder = _read_holder(fd)
                os.close(fd)
                raise OutputError(busy_message(root, holder, wait))
            time.sleep(0.1)
        _HELD.add(fd)
        lock = cls(fd)
        lock._write({"pid": os.getpid(), "command": command, "month": month.label if month else None,
                     "started": datetime.now().strftime("%Y-%m-%d %H:%M:%S"), "host": socket.gethostname()})
        return lock

    def release(self) -> None:
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        _HELD.discard(fd)
        try:
            self._write_at(fd, b"")
            _unlock(fd)
        except OSError:
            pass                        # closing releases it all the same
        os.close(fd)

    def _write(self, holder: dict) -> None:
        self._write_at(self.fd, json.dumps(holder, ensure_ascii=False).encode("utf-8"))

    @staticmethod
    def _write_at(fd: int, text: bytes) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, text[:_HOLDER_BYTES].ljust(_HOLDER_BYTES))


def busy_message(root: Path, holder: dict | None, waited: float) -> str:
    who = "另一个 kehu 进程"
    if holder:
        what = " ".join(str(x) for x in (holder.get("command"), holder.get("month")) if x)
        who += (f"（进程号 {holder.get('pid')}，kehu {what}，{holder.get('started')} 开始，"
                f"计算机 {holder.get('host')}）")
    return (f"输出文件夹 {root} 正被{who}使用，等了 {waited:g} 秒仍未结束。"
            f"请等它完成后再运行，或用 --out 换一个输出文件夹。")


def _read_holder(fd: int) -> dict | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return json.loads(os.read(fd, _HOLDER_BYTES).decode("utf-8"))
    except (OSError, ValueError):
        return None


def _try_lock(fd: int) -> bool:
    try:
        if sys.platform == "win32":
            import msvcrt
            os.lseek(fd, _LOCK_BYTE, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        else:
            import fcntl
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except OSError as exc:
        if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK, getattr(errno, "EDEADLOCK", -1)):
            return False
        raise


def _unlock(fd: int) -> None:
    if sys.platform == "win32":
        import msvcrt
        os.lseek(fd, _LOCK_BYTE, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    else:
        import fcntl
        fcntl.flock(fd, fcntl.LOCK_UN)


def _close_in_forked_child() -> None:
    """A forked pool worker does not keep the run's lock alive (flock belongs to the open file,
    which a fork shares): its copy of the descriptor is closed; the parent's lock stays."""
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_in_forked_child)
