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
        write_letter_goldens(Path(tmp) / "letters")
    print(f"golden files written to {GOLDEN}")


SUMMARY_OF = "1003_王芳"          # the issue's own example: 97.05 %, 24.55 of 30, 保有 20 of 15
SUMMARY_GOLDEN = GOLDEN / f"2026-10_{SUMMARY_OF}_考核汇总.txt"


def write_summary_golden(month_folder: Path) -> None:
    """The manager's signed form (考核汇总) as text, as Excel shows each cell."""
    import openpyxl

    from sheet_text import sheet_text
    book = openpyxl.load_workbook(month_folder / "managers" / f"{SUMMARY_OF}.xlsx", data_only=True)
    SUMMARY_GOLDEN.write_text(sheet_text(book["考核汇总"]), encoding="utf-8")



LETTER_GOLDENS = GOLDEN / "letters"
# each kind of letter of the demo December (tests/letters_factory.py demo_result), with the sender filled in
LETTER_FILES = {"回访函_未接通.txt": "letters/1001/回访函_C1004.html", "回访函_未回访.txt": "letters/1002/回访函_C1003.html",
                "回访函_书面回访.txt": "letters/1001/回访函_C1002.html", "回访函_多种情况.txt": "letters/1001/回访函_C1001.html",
                "节日问候.txt": "letters/1001/节日问候_元旦_C1001.html", "生日问候.txt": "letters/1001/生日问候_C1001.html",
                "奖状.txt": "奖状/1001_张伟.html", "短信发送清单.csv": "letters/短信发送清单.csv"}


def golden_letters(out: Path) -> dict[str, str]:
    """{golden file name: the text a reader sees} of the demo month's letters written into ``out``."""
    from builders import sender_rules
    from letters_factory import demo_result
    from sheet_text import page_text

    from kehu.render.letters import write_letters
    result = demo_result()
    result.rules = sender_rules()
    write_letters(result, out)
    return {name: (out / path).read_text(encoding="utf-8-sig") if name.endswith(".csv")
            else page_text((out / path).read_text(encoding="utf-8")) for name, path in LETTER_FILES.items()}


def write_letter_goldens(out: Path) -> None:
    LETTER_GOLDENS.mkdir(exist_ok=True)
    for name, text in golden_letters(out).items():
        (LETTER_GOLDENS / name).write_text(text, encoding="utf-8", newline="")


if __name__ == "__main__":
    main()
