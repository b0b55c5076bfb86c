#!/usr/bin/env python3
"""Build the archive in this folder into site/ (or: python build.py ARCHIVE_DIR --out OUT_DIR)."""

import sys
from pathlib import Path

from arshif.cli import main

if __name__ == "__main__":
    sys.exit(main(default_root=Path(__file__).resolve().parent))
