"""Validation stage: typed frames + findings for a month folder (SPEC §1, §5)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from kehu.load.ledger import Ledger
from kehu.load.folder import collector_paused, load_folder
from kehu.model import MonthInputs
from kehu.month import Month
from kehu.schema import DATASETS
from kehu.validate.checks import Checker


def empty_frame(dataset) -> pd.DataFrame:
    return pd.DataFrame({c.alias: pd.Series(dtype=object) for c in dataset.columns}
                        | {"_file": pd.Series(dtype=object), "_sheet": pd.Series(dtype=object),
                           "_row": pd.Series(dtype="int64")})


def _concat(parts: list[pd.DataFrame], dataset) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_frame(dataset)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0].reset_index(drop=True)


def validate_month(folder: Path, month: Month, rules: dict) -> MonthInputs:
    """Read, type and check every input; rejected and ignored rows are removed, each with a finding."""
    with collector_paused():
        return _validate_month(folder, month, rules)


def _validate_month(folder: Path, month: Month, rules: dict) -> MonthInputs:
    ledger, file_findings, parse_findings, vetted = Ledger(), [], [], {}
    parts: dict[str, list[pd.DataFrame]] = {d.key: [] for d in DATASETS}
    for loaded in load_folder(Path(folder), rules):
        if loaded.error is not None:
            file_findings.append(loaded.error)
        ledger.absorb(loaded.ledger)
        if loaded.vetted is not None:
            vetted[loaded.file] = loaded.vetted
        parse_findings.extend(loaded.findings)
        for key, frame in loaded.parts:
            parts[key].append(frame)
    findings = file_findings + parse_findings
    frames = {d.key: _concat(parts[d.key], d) for d in DATASETS}
    frames = Checker(frames, month, rules, ledger, findings).run()
    frames = {k: f.reset_index(drop=True) for k, f in frames.items()}
    findings.extend(_class_findings(frames["customers"], rules, ledger))
    return MonthInputs(month, frames, ledger.counts(frames), findings, vetted)


def _class_findings(customers: pd.DataFrame, rules: dict, ledger: Ledger) -> list:
    """SPEC §2.10 class check (a warning on the row; the declared class is used)."""
    from kehu.compute.classes import class_findings
    return class_findings(customers, rules, locate=ledger.locate)


__all__ = ["validate_month"]
