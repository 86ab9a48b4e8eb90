"""The workbook written without openpyxl (issue 17) reads back as the one openpyxl wrote:
every cell's value, type, number format, font (bold, colour), fill, alignment; the column
widths, the frozen panes, the autofilter, the printed header, the page orientation and
the document title. Compared on the demo ward (engine-assessed, every state the demo has)
and on the hand-built sample ward with its awkward text (a formula-like name, markup,
blanks at the ends).

The reference is the old writer, kept in tests/exports/xlsx_openpyxl_reference.py.
"""

from __future__ import annotations

import io
import zipfile
from xml.dom import minidom
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook

import xlsx_openpyxl_reference as reference
from export_fixtures import EVIL_NAME, FORMULA_NAME

from itb_tui import demo, report
from itb_tui.exports import ExportError, render_export
from itb_tui.exports.xlsx_cells import excel_serial

AS_OF = date(2026, 11, 25)
GENERATED_AT = datetime(2026, 11, 25, 7, 0, tzinfo=timezone.utc)


def _both(pairs, rules):
    old = reference.render(pairs, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT)
    new = render_export("xlsx", pairs, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT)
    return load_workbook(io.BytesIO(old)), load_workbook(io.BytesIO(new))


def _colour(colour):
    return None if colour is None else (colour.type, colour.value)


def _look(cell):
    """What a reader of the cell gets: value, type, format and the style that shows."""
    font, fill, align = cell.font, cell.fill, cell.alignment
    return (cell.value, cell.data_type, cell.number_format, bool(font.b), _colour(font.color),
            fill.patternType, _colour(fill.fgColor) if fill.patternType else None,
            bool(align.wrap_text), align.vertical)


def _sheet_look(ws):
    cells = {c.coordinate: _look(c) for row in ws.iter_rows() for c in row
             if c.value is not None or c.has_style}
    widths = {k: d.width for k, d in ws.column_dimensions.items() if d.customWidth}
    return {"cells": cells, "widths": widths, "freeze": ws.freeze_panes,
            "filter": ws.auto_filter.ref, "dimension": ws.dimensions,
            "header": ws.oddHeader.center.text, "orientation": ws.page_setup.orientation}


def _assert_same(old, new):
    assert new.sheetnames == old.sheetnames == ["Ward list", "Rules"]
    for name in old.sheetnames:
        o, n = _sheet_look(old[name]), _sheet_look(new[name])
        for key in o:
            if key == "cells":
                assert n["cells"].keys() == o["cells"].keys(), name
                for ref, look in o["cells"].items():
                    assert n["cells"][ref] == look, f"{name}!{ref}"
            else:
                assert n[key] == o[key], f"{name}: {key}"
    assert new.properties.title == old.properties.title
    assert new.properties.creator == old.properties.creator
    assert new.defined_names.keys() == old.defined_names.keys()


@pytest.fixture(scope="module")
def demo_pairs():
    from itb_tui.clinical.rules import load_rules

    rules = load_rules()
    return report.assess_all(demo.build_demo_ward(AS_OF), AS_OF, rules)


def test_demo_ward_workbook_reads_as_the_openpyxl_one(demo_pairs, rules):
    old, new = _both(demo_pairs, rules)
    assert new["Ward list"].max_row == len(demo_pairs) + 1 > 10
    _assert_same(old, new)


def test_awkward_text_reads_the_same_and_stays_text(pairs, rules):
    patient, assessment = pairs[0]
    awkward = [
        (replace(patient, name=FORMULA_NAME, ward=" 4B ", bed="   "), assessment),
        (replace(patient, name=EVIL_NAME, ward="x" * 40000, bed="=1+1"), assessment),
        *pairs[1:],
    ]
    old, new = _both(awkward, rules)
    _assert_same(old, new)
    name = new["Ward list"]["B2"]
    assert name.value == FORMULA_NAME and name.data_type == "s"  # text, never a formula
    assert new["Ward list"]["C2"].value == " 4B "  # blanks kept
    assert len(new["Ward list"]["C3"].value) == 32767  # cut where Excel (and openpyxl) cut


def test_empty_ward_workbook_reads_the_same(rules):
    old, new = _both([], rules)
    _assert_same(old, new)
    assert new["Ward list"].auto_filter.ref == "A1:U1"


def test_control_character_is_a_clear_error_not_a_broken_file(pairs, rules):
    patient, assessment = pairs[0]
    with pytest.raises(ExportError, match="control character"):
        render_export("xlsx", [(replace(patient, name="Eve\x07"), assessment)], as_of=AS_OF,
                      rules=rules, generated_at=GENERATED_AT)


@pytest.mark.parametrize("day, serial", [
    (date(1900, 1, 1), 1),  # worked out: Excel counts 1900-01-01 as day 1
    (date(1900, 2, 28), 59),
    (date(1900, 3, 1), 61),  # Excel's phantom 1900-02-29 is day 60
    (date(2026, 11, 25), 46351),  # 46351 days after 1899-12-30, as the rules sheet read
])
def test_dates_are_excel_serial_days(day, serial):
    assert excel_serial(day) == serial


def test_package_is_a_valid_zip_with_the_parts_excel_needs(demo_pairs, rules):
    data = render_export("xlsx", demo_pairs, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert zf.testzip() is None
        names = set(zf.namelist())
        for name in names:  # every part is well-formed XML (Excel refuses a file otherwise)
            minidom.parseString(zf.read(name))
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/styles.xml", "xl/theme/theme1.xml", "xl/worksheets/sheet1.xml",
            "xl/worksheets/sheet2.xml", "docProps/core.xml", "docProps/app.xml"} <= names
