#!/usr/bin/env python3
"""Top-level launcher: `python cli.py run sample_inputs --month 2026-10` works from a checkout."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from kehu.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
