"""Look at the letters: screenshot and print them with headless Chromium.

    python3 bench/letter_check.py [--letters DIR] [--out DIR]

Without ``--letters`` it renders the demo month of tests/letters_factory.py
(回访函 with a long 服务项目 and a blank one, 元旦 greetings, a 29-Feb and a
very long key-person name, a 奖状, a ``<script>`` customer name). With
``--letters DIR`` (a ``letters/`` folder written by ``kehu run``) it checks that.

For one 回访函 (or the first letter) and the largest combined print file it writes
    <out>/<name>.png        screen screenshot, 1240×1754 (A4 at 150 dpi)
    <out>/<name>.pdf        Chromium's print (A4 print CSS)
    <out>/<name>-<n>.png    each PDF page, via pdftoppm
and checks: a single letter prints on exactly one page; the combined file
prints one page per letter (CSS page breaks, nothing overflows); a CJK font
is installed and the PDF text holds the Chinese. Exit 1 when a check fails. Look at the PNGs.
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars"]
WINDOW = "1240,1754"


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return name
    sys.exit("chromium not found (Debian: apt-get install chromium fonts-noto-cjk)")


def run_chromium(args: list[str]) -> None:
    with tempfile.TemporaryDirectory() as profile:
        cmd = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)


def screenshot(html: Path, png: Path) -> None:
    run_chromium([f"--screenshot={png}", f"--window-size={WINDOW}", html.as_uri()])


def print_pdf(html: Path, pdf: Path) -> None:
    run_chromium(["--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri()])


def pdf_pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout


def cjk_fonts() -> list[str]:
    """Installed fonts covering Chinese (Chromium embeds CJK glyphs as Type 3, nameless)."""
    listed = subprocess.run(["fc-list", ":lang=zh-cn", "family"], capture_output=True, text=True).stdout
    return sorted({line.split(",")[0] for line in listed.splitlines() if line.strip()})


def rasterize(pdf: Path, prefix: Path) -> list[Path]:
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(prefix)], check=True, capture_output=True)
    return sorted(prefix.parent.glob(prefix.name + "-*.png"))


def demo_letters(out: Path) -> Path:
    sys.path[:0] = [str(REPO), str(REPO / "tests")]
    from letters_factory import demo_result

    from kehu.render.letters import write_letters
    write_letters(demo_result(), out / "demo")
    return out / "demo" / "letters"


def pick(letters: Path) -> tuple[Path, Path, int]:
    """A single letter (a 回访函 if any) and the combined file with the most pages."""
    singles = sorted(p for p in letters.glob("*/*.html") if p.name != "合并打印.html")
    if not singles:
        sys.exit(f"no letters in {letters}")
    single = next((p for p in singles if p.name.startswith("回访函")), singles[0])
    combined = max(letters.glob("*/合并打印.html"),
                   key=lambda p: sum(1 for s in p.parent.glob("*.html") if s.name != "合并打印.html"))
    expected = sum(1 for s in combined.parent.glob("*.html") if s.name != "合并打印.html")
    return single, combined, expected


def check(html: Path, out: Path, name: str, expected_pages: int) -> list[str]:
    png, pdf = out / f"{name}.png", out / f"{name}.pdf"
    screenshot(html, png)
    print_pdf(html, pdf)
    pages = pdf_pages(pdf)
    images = rasterize(pdf, out / name)
    hanzi = len(re.findall(r"[\u4e00-\u9fff]", pdf_text(pdf)))
    print(f"{name}: {html}\n  screenshot {png}\n  pdf {pdf}: {pages} page(s) (expected {expected_pages}),"
          f" {hanzi} Chinese characters\n  pages {', '.join(str(i) for i in images)}")
    problems = []
    if pages != expected_pages:
        problems.append(f"{name}: {pages} PDF pages, expected {expected_pages} (a page break or an overflow)")
    if hanzi < 20:
        problems.append(f"{name}: only {hanzi} Chinese characters in the PDF text")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--letters", type=Path, help="a letters/ folder (default: render the demo month)")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "kehu-letter-check")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    letters = args.letters or demo_letters(args.out)
    single, combined, expected = pick(letters)
    fonts = cjk_fonts()
    print(f"CJK fonts installed: {', '.join(fonts) or 'NONE'}")
    problems = check(single, args.out, "letter", 1) + check(combined, args.out, "combined", expected)
    screenshot(letters / "index.html", args.out / "index.png")
    print(f"index screenshot {args.out / 'index.png'}")
    if not fonts:
        problems.append("no font covers Chinese: install fonts-noto-cjk (Debian) or a CJK font")
    for problem in problems:
        print("FAIL", problem)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
