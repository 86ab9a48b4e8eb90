"""File formats the ward is read from and written to.

`fhir/` holds both directions of FHIR R4 (a Bundle written by `itb-tui export --format
fhir`, read back by `itb-tui import`) with the codes they share, so one change to a
resource shape is made, and tested, in one package. The ward file (`itb_tui/wardfile/`)
and the other exports (`itb_tui/exports/`: CSV, XLSX, HTML) still sit apart; they may
follow here.
"""
