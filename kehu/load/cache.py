"""Typed files kept between runs, for the clerk's loop: validate → fix one file → validate again (issue 15).

A file's entry is what loading it gave (kehu.load.folder.LoadedFile: its typed rows, row
counts, findings and safety pre-scan), kept under ``<output folder>/.kehu-cache/``. Its key is
the SHA-256 of everything that decides that result:

- the file's bytes and its name (the name is in every row's provenance and finding);
- kehu's own code — every ``.py`` of the package, so a changed kehu never reads an old entry;
- the rules in force (enum choices such as 违纪 kinds and 指标 names come from them).

Beside a file's typed entry, ``<key>.raw.pkl`` keeps the raw cells its sheets were read into
(kehu.load.reader.RawSheet), under the same key: the 校验报告's annotated copies take the
flagged rows from it instead of reading the workbook a second time (kehu.render.report_copies).
An entry is written only when the file's bytes hashed the same before and after it was read, so
a file changed while it was being read is never kept under the key of bytes it no longer has.

A changed byte is another key: an entry can be missing, never stale. Entries are pickles, so
each is signed with a secret kept in the user's own folder (``~/.cache/kehu/secret``): an entry
someone else wrote into a shared output folder is ignored, never unpickled. A damaged or
unreadable entry is ignored too — the file is simply read again. The cache holds at most
``MAX_ENTRIES`` entries and ``MAX_BYTES`` bytes; the oldest go first.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
import secrets
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import kehu

CACHE_DIR = ".kehu-cache"
MAX_ENTRIES = 1000
MAX_BYTES = 2 * 1024**3
_SIGNATURE = hashlib.sha256().digest_size
_CHUNK = 1 << 20
ROWS_PER_BLOCK = 4               # raw rows are kept in small blocks, unpickled only when wanted


@lru_cache(maxsize=1)
def code_fingerprint() -> bytes:
    """SHA-256 over kehu's source files (path and bytes), in a fixed order."""
    root = Path(kehu.__file__).parent
    digest = hashlib.sha256(kehu.__version__.encode())
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.digest()


def _secret() -> bytes | None:
    """The signing key, made once per user; None when it cannot be kept (then nothing is cached)."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kehu"
    path = home / "secret"
    try:
        if not path.exists():
            home.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == 32 else None


class TypedFileCache:
    """``cache.get(source)`` → the LoadedFile of an unchanged file, or None; ``cache.keep(key, …)``
    with the key taken before the file was read (kehu.load.folder.load_kept)."""

    def __init__(self, folder: Path | None, rules: dict):
        self.folder = Path(folder) / CACHE_DIR if folder is not None else None
        self.secret = _secret() if folder is not None else None
        rules_text = json.dumps(rules, sort_keys=True, ensure_ascii=False, default=str)
        self.salt = code_fingerprint() + hashlib.sha256(rules_text.encode()).digest()

    @property
    def enabled(self) -> bool:
        return self.folder is not None and self.secret is not None

    def key(self, source) -> str | None:
        """The SHA-256 of the salt, ``source``'s name and its bytes now; None if it cannot be read."""
        digest = hashlib.sha256(self.salt + source.name.encode("utf-8", "surrogateescape") + b"\0")
        try:
            with source.path.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    digest.update(chunk)
        except OSError:
            return None
        return digest.hexdigest()

    def get(self, source):
        """The cached LoadedFile of ``source``, or None (not cached, damaged, or not signed by us)."""
        return self.entry(self.key(source)) if self.enabled else None

    def entry(self, key: str | None):
        """The cached LoadedFile under ``key`` (a ``key(source)`` taken by the caller), or None."""
        return self._read(key, ".pkl") if self.enabled else None

    def get_raws(self, source):
        """The raw sheets ``source`` was read into when it was loaded with these bytes, or None."""
        return self._read(self.key(source), ".raw.pkl") if self.enabled else None

    def keep(self, key: str, body: bytes, raws: bytes | None = None) -> None:
        """Keep a pickled LoadedFile ``body`` (and the pickled raw sheets ``raws``) under ``key``,
        a key taken before the file was read; a cache that cannot be written is no cache (never an error)."""
        if not self.enabled or key is None:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._write(key, ".pkl", body)
            if raws is not None:
                self._write(key, ".raw.pkl", raws)
        except OSError:
            return

    def trim(self) -> None:
        """At most ``MAX_ENTRIES`` entries and ``MAX_BYTES`` bytes: the least recently used go."""
        if not self.enabled:
            return
        try:
            entries = sorted(self.folder.glob("*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
            total = 0
            for i, path in enumerate(entries):
                total += path.stat().st_size
                if i >= MAX_ENTRIES or total > MAX_BYTES:
                    path.unlink(missing_ok=True)
        except OSError:
            return

    def _read(self, key: str | None, suffix: str):
        if key is None:
            return None
        path = self.folder / f"{key}{suffix}"
        try:
            data = path.read_bytes()
            os.utime(path)                  # the most recently used entries are the last to go
        except OSError:
            return None
        signature, body = data[:_SIGNATURE], data[_SIGNATURE:]
        if not hmac.compare_digest(signature, hmac.new(self.secret, body, hashlib.sha256).digest()):
            return None
        try:
            return pickle.loads(body)
        except Exception:                   # a damaged entry: the file is read again
            return None

    def _write(self, key: str, suffix: str, body: bytes) -> None:
        path = self.folder / f"{key}{suffix}"
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(hmac.new(self.secret, body, hashlib.sha256).digest() + body)
        os.replace(tmp, path)


def pickled(value) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def kept_sheets(raws: list) -> bytes:
    """The raw sheets of a file (kehu.load.reader.RawSheet), pickled with their rows in blocks:
    the report wants the header and the flagged rows of a sheet, not its thousands of others."""
    return pickled([replace(raw, rows=KeptRows(raw.rows)) for raw in raws])


class KeptRows(Sequence):
    """A sheet's rows, ``ROWS_PER_BLOCK`` to a pickled block; a block is unpickled when one of its
    rows is first read (``rows[i]``, ``rows[a:b]``, ``len(rows)`` as of a list)."""

    def __init__(self, rows: list):
        self.count = len(rows)
        self.blocks = [pickled(rows[i:i + ROWS_PER_BLOCK]) for i in range(0, len(rows), ROWS_PER_BLOCK)]
        self.opened = {}

    def __getstate__(self):
        return {"count": self.count, "blocks": self.blocks, "opened": {}}

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(self.count))]
        if i < 0:
            i += self.count
        if not 0 <= i < self.count:
            raise IndexError(i)
        block = i // ROWS_PER_BLOCK
        if block not in self.opened:
            self.opened[block] = pickle.loads(self.blocks[block])
        return self.opened[block][i % ROWS_PER_BLOCK]
