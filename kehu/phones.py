"""Mobile numbers as an SMS platform takes them (SPEC §1: 关键人电话 is an 11-digit mobile).

The same reading as the loader's W-phone check (kehu/load/values.py): spaces and hyphens are
ignored, a leading +86 is dropped; what remains must be 1 and ten more digits.
"""
from __future__ import annotations

import re

_MOBILE = re.compile(r"1\d{10}")
_SEPARATORS = re.compile(r"[\s-]")


def mobile_number(text) -> str | None:
    """"138-0000 0001" or "+86 13800000001" → "13800000001"; None when it is no mobile number."""
    if not isinstance(text, str):
        return None
    digits = _SEPARATORS.sub("", text).removeprefix("+86")
    return digits if _MOBILE.fullmatch(digits) else None
