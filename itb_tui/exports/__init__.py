"""Export the assessed ward: CSV, XLSX, a printable HTML round sheet, a FHIR Bundle, the
ward file, an iCalendar feed of the dated tasks. One entry point, `write_export`, for the CLI and the TUI alike.

Exports read (Patient, Assessment) pairs and write a file; they never open the store, so
an export cannot change it. Each format lives in its own module, imported only when
asked for (fhir.resources is not paid for by a CSV export). Every file is
written atomically with mode 0600 (see `atomic`).
"""

from __future__ import annotations

import importlib
import sys
from datetime import date, datetime
from pathlib import Path

FORMATS = ("csv", "xlsx", "html", "fhir", "ward-json", "ics")
# Formats that write only the assessment and the patient's name, MRN, ward and bed, never
# the record history: `itb-tui export` reads them as `status` does (each pump with only the
# refill the engine uses on the date, store/reader.AssessingReads), the same bytes
# (tests/exports/test_export_latest_refill.py). The ward file and FHIR write every refill.
ASSESSMENT_ONLY_FORMATS = ("csv", "xlsx", "html")
# Formats that cannot go to a terminal: a binary workbook would garble it.
BINARY_FORMATS = ("xlsx",)
_MODULES = {
    "csv": "itb_tui.exports.csv_export",
    "xlsx": "itb_tui.exports.xlsx_export",
    "html": "itb_tui.exports.html_export",
    "fhir": "itb_tui.formats.fhir.write",
    "ics": "itb_tui.exports.ics_export",
}
SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "html": ".html", "fhir": ".json", "ward-json": ".json",
            "ics": ".ics"}
# Formats that show the round's tasks: they take what was read once for the ward beside the
# patients (`round_data`: present/round_sheet.RoundData, from exports/round_data.py).
ROUND_FORMATS = ("html", "ics")
# Formats that leave patient names out unless asked (`with_names`); the others carry them.
NAMELESS_FORMATS = ("ics",)


class ExportError(Exception):
    """An export that cannot be written; str() is one line for the user."""


def render_export(fmt: str, pairs, *, as_of: date, rules, generated_at: datetime,
                  for_file: bool = True, round_data=None, with_names: bool = False,
                  **options) -> bytes:
    """The bytes of one export, in memory (for a file, or for the TUI to preview).
    `options`: the format's own keywords (fhir: bundle, mrn_system, ...)."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if with_names and fmt not in NAMELESS_FORMATS:
        raise ExportError(f"--with-names is for {', '.join(NAMELESS_FORMATS)}: "
                          f"a {fmt} export always carries the names")
    pairs = list(pairs)
    if fmt == "ward-json":
        from itb_tui.wardfile import dumps_ward

        text = dumps_ward([patient for patient, _assessment in pairs])
        return (text if text.endswith("\n") else text + "\n").encode("utf-8")
    module = importlib.import_module(_MODULES[fmt])
    extra: dict = {"round_data": round_data} if fmt in ROUND_FORMATS else {}
    if fmt in NAMELESS_FORMATS:
        extra["with_names"] = with_names
    return module.render(pairs, as_of=as_of, rules=rules, generated_at=generated_at,
                         for_file=for_file, **extra, **options)


def write_export(fmt: str, pairs, path: str | Path | None, *, as_of: date, rules,
                 generated_at: datetime, round_data=None, with_names: bool = False,
                 **options) -> Path | None:
    """Write `pairs` as `fmt` to `path` (atomic, mode 0600) and return the path written;
    with `path=None` a text format goes to stdout and None is returned.

    Raises ExportError with one clear line for an unknown format, xlsx without a path, a
    missing directory or any OS error; the previous file at `path` is then untouched.
    """
    from itb_tui.exports.atomic import write_bytes_atomic, write_chunks_atomic

    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    if path is None:
        if fmt in BINARY_FORMATS:
            raise ExportError(f"{fmt} export needs an output file (-o FILE.{fmt}): "
                              "a spreadsheet cannot be written to the terminal")
        data = render_export(fmt, pairs, as_of=as_of, rules=rules, generated_at=generated_at,
                             for_file=False, round_data=round_data, with_names=with_names,
                             **options)
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return None
    target = Path(path).expanduser()
    if target.is_dir():
        raise ExportError(f"cannot write {target}: it is a directory, give a file name")
    if not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: directory {target.parent} does not exist")
    module = importlib.import_module(_MODULES[fmt]) if fmt in _MODULES else None
    try:
        if hasattr(module, "render_chunks"):  # a format big enough to stream (FHIR)
            chunks = module.render_chunks(list(pairs), as_of=as_of, rules=rules, generated_at=generated_at,
                                          **options)
            return write_chunks_atomic(target, chunks).absolute()
        data = render_export(fmt, pairs, as_of=as_of, rules=rules, generated_at=generated_at,
                             round_data=round_data, with_names=with_names, **options)
        return write_bytes_atomic(target, data).absolute()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ExportError(f"cannot write {target}: {reason}") from None
