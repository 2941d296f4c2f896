"""Ids that are a roster's ids written another way (issue 14 item 1: a pattern said once, with its fix).

An id a roster does not have is usually a typing slip or a person missing from the roster. But
when many ids of a column miss the roster *the same way* the cause is the export: a column of
ids saved as numbers loses its leading zeros (``000126`` → ``126``), and a pasted column may carry
inner spaces or full-width digits (``１００１``). Such an id is recognised when it becomes one
roster id — exactly one — once both are written plainly: NFKC-folded (full-width → half-width),
without spaces, without leading zeros. kehu never uses the id it guesses (SPEC §10: no plausible
wrong numbers); the rows are rejected under one finding that names the fix.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Mistyped:
    """An id written ``written`` that is the roster's ``meant``: the code that says so, and where
    the fix is made — ``"here"`` (the referring sheet) or ``"roster"``."""
    written: str
    meant: str
    code: str                   # E-id-lost-zeros | E-id-form
    fix_in: str                 # "here" | "roster"

    @property
    def example(self) -> str:
        if self.code == "E-id-form":
            return f"「{self.written}」→ {self.meant}" if self.fix_in == "here" else f"{self.written} → 名册中的「{self.meant}」"
        return f"{self.written} → {self.meant}" if self.fix_in == "here" else f"名册中的 {self.meant} → {self.written}"


def plain(text: str) -> str:
    """An id written plainly: half-width, without spaces."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def _bare(text: str) -> str:
    return plain(text).lstrip("0")


def mistyped_ids(unknown: set[str], roster: set[str]) -> dict[str, Mistyped]:
    """The ``unknown`` ids that are one ``roster`` id written another way, by the written id."""
    by_bare = defaultdict(list)
    for rid in roster:
        by_bare[_bare(rid)].append(rid)
    found = {}
    for written in unknown:
        same = by_bare.get(_bare(written), [])
        if len(same) == 1 and _bare(written):
            found[written] = _diagnosis(written, same[0])
    return found


def _diagnosis(written: str, meant: str) -> Mistyped:
    if plain(written) != written:
        return Mistyped(written, meant, "E-id-form", "here")
    if plain(meant) != meant:
        return Mistyped(written, meant, "E-id-form", "roster")
    return Mistyped(written, meant, "E-id-lost-zeros", "here" if len(written) < len(meant) else "roster")
