"""The XLSX baseline: openpyxl's write-only mode writing as many rows and columns of
plain values as the ward-list export (`--rows N --cols C --out FILE`). It reads nothing
and styles nothing, so it is the library's floor for a workbook of that size."""

from __future__ import annotations

import argparse
from datetime import date, timedelta


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--cols", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ward list")
    ws.append([f"column {c}" for c in range(args.cols)])
    start = date(2026, 11, 25)
    for r in range(args.rows):
        row = []
        for c in range(args.cols):
            row.append(start + timedelta(days=r % 90) if c % 5 == 4 else f"value {r}-{c}")
        ws.append(row)
    wb.save(args.out)


if __name__ == "__main__":
    main()
