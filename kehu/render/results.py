"""Machine-readable outputs (SPEC §6): results.json, payroll.csv, manifest.json.

results.json is deterministic: same inputs and rules → byte-identical file
(keys in schema order, employees by 工号, no timestamps).
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from kehu.model import MonthInputs, MonthResult

PAYROLL_HEADERS = ["工号", "姓名", "绩效基数", "KPI得分", "扣款合计", "应发绩效"]


def write_results_json(result: MonthResult, path: Path) -> Path:
    text = json.dumps(result.results, ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8", newline="\n")
    return path


def payroll_rows(result: MonthResult) -> list[list[str]]:
    return [[e["employee_id"], e["name"], e["performance_base"], e["kpi"]["total"], e["deductions_total"],
             e["performance_pay"]] for e in result.results["employees"]]


def write_payroll(result: MonthResult, path: Path) -> Path:
    """UTF-8 with BOM so Excel on a Chinese Windows opens it correctly; ids stay text."""
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(PAYROLL_HEADERS)
        for row in payroll_rows(result):
            # a leading-zero id written as ="00123" would be a formula; keep plain text and quote all
            writer.writerow(row)
    return path


def manifest(inputs: MonthInputs, outputs: list[str], rules_source: str) -> dict:
    sheets = []
    for s in inputs.sheets:
        balanced = s.read == s.used + s.rejected + s.ignored + s.duplicate + s.empty
        sheets.append({"file": s.file, "sheet": s.sheet, "dataset": s.dataset, "read": s.read, "used": s.used,
                       "rejected": s.rejected, "ignored": s.ignored, "duplicate": s.duplicate, "empty": s.empty,
                       "balanced": balanced})
    errors = sum(f.severity == "error" for f in inputs.findings)
    set_aside = [{"file": a.name, "reason": a.reason} for a in inputs.set_aside]
    return {"month": inputs.month.label, "rules": rules_source, "sheets": sheets, "not_read": set_aside,
            "findings": {"errors": errors, "warnings": len(inputs.findings) - errors},
            "outputs": sorted(outputs)}


def write_manifest(data: dict, path: Path) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")
    return path
