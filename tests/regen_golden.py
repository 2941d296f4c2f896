"""Regenerate the golden files from the demo month: `python tests/regen_golden.py`.

Review the diff before committing: a changed golden file is a changed result.
"""
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "tests"))
    from kehu.month import Month
    from kehu.pipeline import run
    from kehu.rules import load_rules
    with tempfile.TemporaryDirectory() as tmp:
        outcome = run(ROOT / "sample_inputs", Month(2026, 10), Path(tmp), load_rules())
        assert outcome.exit_code == 0
        for name in ("results.json", "payroll.csv"):
            shutil.copyfile(Path(tmp) / "2026-10" / name, GOLDEN / f"2026-10_{name}")
        write_summary_golden(Path(tmp) / "2026-10")
    print(f"golden files written to {GOLDEN}")


SUMMARY_OF = "1003_王芳"          # the issue's own example: 97.05 %, 24.55 of 30, 保有 20 of 15
SUMMARY_GOLDEN = GOLDEN / f"2026-10_{SUMMARY_OF}_考核汇总.txt"


def write_summary_golden(month_folder: Path) -> None:
    """The manager's signed form (考核汇总) as text, as Excel shows each cell."""
    import openpyxl

    from sheet_text import sheet_text
    book = openpyxl.load_workbook(month_folder / "managers" / f"{SUMMARY_OF}.xlsx")
    SUMMARY_GOLDEN.write_text(sheet_text(book["考核汇总"]), encoding="utf-8")


if __name__ == "__main__":
    main()
