"""The round sheet printed to PDF by headless Chromium, each page's text read back with
pypdf: no patient is split across a page break (every page begins with a patient's
name strip, never with the rest of someone's alerts), a patient taller than a page
starts on a new page and has the strip repeated, and every page says "page N of M".

Skipped only where no Chromium is installed; `.ci/run` installs it, so CI runs these.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from datetime import date, datetime, timezone

import pytest

from itb_tui import demo, report
from itb_tui.clinical.rules import load_rules
from itb_tui.exports import write_export
from itb_tui.exports.atomic import write_bytes_atomic
from itb_tui.exports.html_export import render_text
from itb_tui.present.round_sheet import SECTIONS, Section, SectionLine

pypdf = pytest.importorskip("pypdf")

AS_OF = date(2026, 11, 25)
GENERATED_AT = datetime(2026, 11, 25, 7, 0, tzinfo=timezone.utc)
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser",
                             shutil.which("chromium") or "") if p and shutil.which(p)), None)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no headless chromium installed")

STRIP = re.compile(r" · MRN (\S+)")
HEADER = "ITB pump ward round · as of 2026-11-25 · generated 2026-11-25 07:00+00:00"
FOOTER = ("Computed by itb-tui for 2026-11-25; check each alert against its source. "
          "Clinical decisions stay with the treating team.")


@pytest.fixture(scope="module")
def ward():
    """The demo ward topped up to 45 synthetic patients: several printed pages."""
    rules = load_rules()
    pairs = report.assess_all(demo.build_demo_ward(AS_OF, 45), AS_OF, rules)
    return rules, pairs


def _print(html_path, tmp_path) -> list[str]:
    """Each page's text, whitespace collapsed (a wrapped margin line reads as one) and
    ligatures undone (the PDF's "ﬁ" reads as "fi")."""
    pdf = tmp_path / "round.pdf"
    # No --no-pdf-header-footer: the sheet's own margin boxes must win over Chromium's.
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    f"--print-to-pdf={pdf}", html_path.as_uri()],
                   check=True, timeout=180, capture_output=True)
    return [" ".join(unicodedata.normalize("NFKC", page.extract_text() or "").split())
            for page in pypdf.PdfReader(pdf).pages]


def _body(text: str, number: int, total: int) -> str:
    """The page without its margin boxes (as-of header, footer, page number)."""
    for furniture in (HEADER, FOOTER, f"page {number} of {total}"):
        assert furniture in text, f"page {number}: {furniture!r} missing"
        text = text.replace(furniture, " ", 1)  # the margin box (read first), once
    return " ".join(text.split())


def _strips(pages: list[str], names: dict[str, str]) -> list[list[str]]:
    """Per page, the MRNs whose strip is printed on it, and a check that every page after
    the first begins with a strip. Page 1 begins with the sheet's heading (the counts);
    it may hold no patient when the most urgent one is taller than what is left of it."""
    found = []
    for number, text in enumerate(pages, 1):
        body = _body(text, number, len(pages))
        mrns = STRIP.findall(body)
        if number == 1:
            assert body.startswith("ITB pump ward round · as of 2026-11-25")
            if not mrns:
                assert len(body) < 300  # the heading alone, nobody's alerts without a name
        else:  # nothing of another patient above the first strip: no spill-over
            assert mrns, f"page {number} has no patient name on it"
            before = body[:STRIP.search(body).start()]
            assert before == names[mrns[0]], f"page {number} starts with {before[:120]!r}"
        found.append(mrns)
    return found


def test_no_patient_split_and_pages_numbered(tmp_path, ward):
    rules, pairs = ward
    path = write_export("html", pairs, tmp_path / "round.html", as_of=AS_OF, rules=rules,
                        generated_at=GENERATED_AT)
    pages = _print(path, tmp_path)
    assert len(pages) >= 3  # big enough to need page breaks
    names = {p.mrn: p.name for p, _a in pairs}
    per_page = _strips(pages, names)
    printed = [mrn for mrns in per_page for mrn in mrns]
    # Every patient once, on one page, urgent first (the list's one order).
    # Every patient in the list's one order, urgent first; a patient on two pages only
    # when taller than a page, then on consecutive pages, its name atop each.
    order = [p.mrn for p, _a in report.sort_by_urgency(pairs)]
    assert list(dict.fromkeys(printed)) == order
    for mrn in set(printed):
        on = [n for n, mrns in enumerate(per_page) if mrn in mrns]
        assert on == list(range(on[0], on[0] + len(on)))
        assert all(per_page[n][0] == mrn for n in on[1:])
    assert printed.count(order[-1]) == 1 and len(printed) < len(order) + 5


def test_a_patient_taller_than_a_page_starts_a_page_and_repeats_the_name(tmp_path, ward):
    """A section hook (as "handover notes" will plug in) makes one patient 90 lines long."""
    rules, pairs = ward
    ordered = report.sort_by_urgency(pairs)
    tall = ordered[4][0].mrn

    def long_notes(patient, _assessment, _context):
        if patient.mrn != tall:
            return None
        return Section("notes", "Handover notes",
                       tuple(SectionLine(f"handover line {i}") for i in range(90)))

    html = render_text(pairs, as_of=AS_OF, rules=rules, generated_at=GENERATED_AT,
                       sections=SECTIONS + (("notes", long_notes),))
    path = write_bytes_atomic(tmp_path / "tall.html", html.encode("utf-8"))
    pages = _print(path, tmp_path)
    per_page = _strips(pages, {p.mrn: p.name for p, _a in pairs})
    on = [n for n, mrns in enumerate(per_page) if tall in mrns]
    assert len(on) >= 2 and on == list(range(on[0], on[0] + len(on)))  # consecutive pages
    assert per_page[on[0]][0] == tall and on[0] > 0  # starts a new page, not mid-page
    for n in on[1:]:
        assert per_page[n][0] == tall  # its name repeated at the top of each next page
    assert "handover line 89" in pages[on[-1]]
    printed = list(dict.fromkeys(m for mrns in per_page for m in mrns))
    assert printed == [p.mrn for p, _a in ordered]
