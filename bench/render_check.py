"""Render a manager workbook and the department workbook to PDF and PNG — look at them.

    python3 bench/render_check.py [OUT_DIR]        (default /tmp/kehu-render-check)

Writes the synthetic month of tests/result_factory.py, converts a room
manager's workbook, a customer manager's workbook and the department workbook
with ``libreoffice --headless --convert-to pdf`` and then ``pdftoppm -png -r 60``,
and prints the PNG paths plus simple checks on the PDF text (no '###' cells,
Chinese glyphs present, page counts). Open the PNGs in an image viewer and
read them as the printed page: cut columns, ### cells, tiny text, tofu boxes.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from result_factory import make_result                     # noqa: E402
from kehu.render.workbooks import write_workbooks          # noqa: E402


def to_pdf(xlsx: Path, outdir: Path) -> Path:
    # a private profile dir: repeatable and safe next to a running LibreOffice
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["libreoffice", f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(outdir), str(xlsx)],
                       check=True, capture_output=True, timeout=180)
    return outdir / (xlsx.stem + ".pdf")


def to_png(pdf: Path, outdir: Path) -> list[Path]:
    prefix = outdir / pdf.stem
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(prefix)], check=True, timeout=120)
    return sorted(outdir.glob(pdf.stem + "*.png"))


def pdf_checks(pdf: Path) -> list[str]:
    problems = []
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    if "###" in text:
        problems.append("'###' in a cell (column too narrow)")
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        problems.append("no Chinese text extracted (missing glyphs?)")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    if "CJK" not in fonts and "Sim" not in fonts and "Song" not in fonts:
        problems.append("no CJK font embedded:\n" + fonts)
    return problems


def main(out: Path) -> int:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    paths = write_workbooks(make_result(), out / "xlsx")
    picks = [p for p in paths if p.name.startswith(("1001_", "1002_"))] + [paths[-1]]
    status = 0
    for xlsx in picks:
        pdf = to_pdf(xlsx, out)
        pages = to_png(pdf, out)
        problems = pdf_checks(pdf)
        print(f"{xlsx.name}: {len(pages)} page(s)")
        for p in pages:
            print("   ", p)
        for msg in problems:
            status = 1
            print("    PROBLEM:", msg)
    return status


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/kehu-render-check")))
