"""Machine-readable outputs (SPEC §6): results.json, payroll.csv, manifest.json.

results.json is deterministic: same inputs and rules → byte-identical file
(keys in schema order, employees by 工号, no timestamps).
"""
from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from kehu.model import MonthInputs, MonthResult
from kehu.render.safe import write_csv

PAYROLL_HEADERS = ["工号", "姓名", "绩效基数", "KPI得分", "扣款合计", "应发绩效"]


def write_results_json(result: MonthResult, path: Path) -> Path:
    text = json.dumps(result.results, ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8", newline="\n")
    return path


def payroll_rows(result: MonthResult) -> list[list]:
    """工号 and 姓名 as text (the clerk's input: the CSV formula rule applies), the money and
    the KPI score as numbers (``Decimal``: written digit for digit as results.json has them)."""
    return [[e["employee_id"], e["name"], Decimal(e["performance_base"]), Decimal(e["kpi"]["total"]),
             Decimal(e["deductions_total"]), Decimal(e["performance_pay"])] for e in result.results["employees"]]


def write_payroll(result: MonthResult, path: Path) -> Path:
    """UTF-8 with BOM so Excel on a Chinese Windows opens it correctly (``write_csv``). An id
    stays plain text (a leading-zero id written as ="00123" would itself be a formula)."""
    return write_csv(path, PAYROLL_HEADERS, payroll_rows(result))


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
