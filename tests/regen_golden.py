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
    from kehu.month import Month
    from kehu.pipeline import run
    from kehu.rules import load_rules
    with tempfile.TemporaryDirectory() as tmp:
        outcome = run(ROOT / "sample_inputs", Month(2026, 10), Path(tmp), load_rules())
        assert outcome.exit_code == 0
        for name in ("results.json", "payroll.csv"):
            shutil.copyfile(Path(tmp) / "2026-10" / name, GOLDEN / f"2026-10_{name}")
    print(f"golden files written to {GOLDEN}")


if __name__ == "__main__":
    main()
