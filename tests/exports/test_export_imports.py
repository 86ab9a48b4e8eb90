"""Exports stay a thin shell: no UI, no database, and each heavy library only when its
format is asked for (a CSV export from the command line must not pay for openpyxl)."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import sys
import itb_tui.exports, itb_tui.exports.columns, itb_tui.exports.csv_export
import itb_tui.exports.html_export, itb_tui.formats.fhir.read, itb_tui.formats.fhir.write
heavy = [m for m in ("textual", "sqlmodel", "sqlalchemy", "openpyxl", "fhir", "fhir.resources")
         if m in sys.modules]
print(",".join(heavy))
"""


def test_exports_and_fhir_import_load_no_ui_database_or_heavy_format_library():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == ""
