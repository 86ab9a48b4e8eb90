"""The XLSX export of a big ward is rendered chunk by chunk on both cores (cli/chunked.py,
issue 17): the workbook a user gets holds byte for byte the one-piece export's parts
(the export time aside: it is in the zip's stamps, core.xml and the rules sheet), in
MRN order, the rows numbered over the whole ward, whatever the chunking or the filters;
and with the same export time the whole file is the same bytes."""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli"))
from chunked_ways import WAYS, demo_dir, export_each_way  # noqa: E402,F401 (demo_dir: a fixture)
from cli_runner import env_for, run_cli  # noqa: E402

# the export time, as core.xml (W3CDTF, to the second) and the rules sheet (to the minute) write it
STAMP = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?(Z|[+-]\d\d:\d\d)?")



def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, STAMP.sub(b"T", zf.read(info))) for info in zf.infolist()]


@pytest.mark.parametrize("filters", [(), ("--only", "blocked"), ("--ward", "Neuro 4B"), ("--as-of", "+40d")])
def test_chunked_xlsx_is_the_one_piece_workbook(demo_dir, filters):
    files = export_each_way(demo_dir, "xlsx", filters, read=_parts)
    reference = files["one piece"]
    sheet = dict(reference[0])["xl/worksheets/sheet1.xml"]
    assert b'<row r="2">' in sheet and b"\x00" not in sheet
    for name, got in files.items():
        assert got == reference, f"{name}: xlsx {filters} differs from the one-piece export"


def test_chunked_xlsx_refuses_the_terminal_as_the_one_piece_path_does(demo_dir):
    runs = [run_cli(demo_dir, "--demo", "export", "--format", "xlsx", env=env_for(demo_dir, **extra))
            for _, extra in WAYS]
    assert runs[0].code == 1 and "needs an output file" in runs[0].err
    assert all((r.code, r.out, r.err) == (runs[0].code, runs[0].out, runs[0].err) for r in runs)


def test_rows_rendered_in_chunks_make_the_same_workbook_bytes():
    """In process, one export time: the chunked rows (unnumbered, joined, numbered) give
    the one-piece workbook's bytes exactly, zip stamps and deflate stream included."""
    from itb_tui import demo, report
    from itb_tui.clinical.rules import load_rules
    from itb_tui.exports import xlsx_cells, xlsx_export

    as_of = date(2026, 11, 25)
    rules = load_rules()
    pairs = report.assess_all(demo.build_demo_ward(as_of, 45), as_of, rules)
    when = datetime(2026, 11, 25, 9, 30, 12, tzinfo=timezone.utc)
    chunks = [xlsx_cells.ward_rows(pairs[i:i + 7], None).encode("utf-8") for i in range(0, len(pairs), 7)]
    rows = xlsx_cells.number_rows(b"".join(chunks), 2)
    assert b"".join(rows) == xlsx_cells.ward_rows(pairs, 2).encode("utf-8")
    one_piece = xlsx_export.render(pairs, as_of=as_of, rules=rules, generated_at=when)
    assert xlsx_export.workbook(rows, len(pairs), as_of=as_of, rules=rules, generated_at=when) == one_piece
