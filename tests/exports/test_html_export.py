"""HTML round sheet: read back with html.parser; escaped, self-contained, print-ready."""

from __future__ import annotations

import shutil
import stat
import subprocess
from html.parser import HTMLParser

import pytest

from export_fixtures import AS_OF, EVIL_NAME, GENERATED_AT
from itb_tui.exports import write_export


class _Sheet(HTMLParser):
    """Collects what a reader of the page would see, by class."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.stack: list[tuple[str, dict]] = []
        self.patients: list[str] = []  # data-mrn of each patient block, in page order
        self.text_by_class: dict[str, list[str]] = {}
        self.codes_by_class: dict[str, list[tuple[str, str]]] = {}  # class -> (mrn, code)
        self.attrs: list[dict] = []
        self.style = ""
        self.in_thead = False
        self.thead_text = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        self.attrs.append(attrs)
        self.stack.append((tag, attrs))
        if tag == "thead":
            self.in_thead = True
        if tag == "tbody" and "data-mrn" in attrs:
            self.patients.append(attrs["data-mrn"])
        if "data-code" in attrs and self.patients:
            cell = next((a.get("class") for t, a in reversed(self.stack) if t == "td"), "")
            for cls in (attrs.get("class") or "").split() + [f"in:{cell}"]:
                self.codes_by_class.setdefault(cls, []).append((self.patients[-1], attrs["data-code"]))

    def handle_endtag(self, tag):
        if tag == "thead":
            self.in_thead = False
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.stack and self.stack[-1][0] == "style":
            self.style += data
        if self.in_thead:
            self.thead_text += data
        for _tag, attrs in self.stack:
            for cls in (attrs.get("class") or "").split():
                self.text_by_class.setdefault(cls, []).append(data)


def _sheet(tmp_path, pairs, rules):
    path = write_export("html", pairs, tmp_path / "round.html", as_of=AS_OF, rules=rules,
                        generated_at=GENERATED_AT)
    raw = path.read_text(encoding="utf-8")
    parser = _Sheet()
    parser.feed(raw)
    return path, raw, parser


def test_urgent_patients_come_first(tmp_path, pairs, rules):
    _path, _raw, sheet = _sheet(tmp_path, list(reversed(pairs)), rules)
    assert sheet.patients[0] == "A1001"  # withdrawal risk, whatever order came in
    assert sorted(sheet.patients) == ["A1001", "B2002", "C3003"]


def test_names_and_alert_text_are_escaped(tmp_path, pairs, rules):
    _path, raw, sheet = _sheet(tmp_path, pairs, rules)
    assert "<script" not in raw and "script" not in sheet.tags
    assert "&lt;script&gt;" in raw
    assert EVIL_NAME in "".join(sheet.text_by_class["name"])  # shown as the text it is
    assert "<b>" not in raw  # an alert text with markup is shown, not rendered
    assert "&lt;b&gt;contact precautions&lt;/b&gt;" in raw


def test_text_repeated_from_patient_to_patient_is_escaped_in_every_block(tmp_path, rules):
    """The sheet puts together what repeats (a rule's source, a badge, a section head) once
    per chunk and reuses it (`_Blocks`): the second patient with the same markup in an
    alert, a source and a ward still gets it escaped, never the raw text."""
    from dataclasses import replace

    from export_fixtures import explanted_pair

    patient, assessment = explanted_pair()
    alert = replace(assessment.alerts[0], source="<i>CDC</i> & local", action="<u>isolate</u>")
    pairs = [(replace(patient, mrn=mrn, ward="Ward <A&B>"), replace(assessment, mrn=mrn, alerts=(alert,)))
             for mrn in ("C3003", "C3004", "C3005")]
    _path, raw, sheet = _sheet(tmp_path, pairs, rules)
    assert sheet.patients == ["C3003", "C3004", "C3005"]
    for shown in ("&lt;b&gt;contact precautions&lt;/b&gt;", "(&lt;i&gt;CDC&lt;/i&gt; &amp; local)",
                  "&lt;u&gt;isolate&lt;/u&gt;", "Ward &lt;A&amp;B&gt;", "&lt;script&gt;"):
        assert raw.count(shown) == 3, shown
    assert not {"b", "i", "u", "script"} & set(sheet.tags)


def test_print_stylesheet_a4_landscape_dated_and_numbered_pages(tmp_path, pairs, rules):
    _path, raw, sheet = _sheet(tmp_path, pairs, rules)
    css = " ".join(sheet.style.split())
    assert "@page { size: A4 landscape;" in css
    assert "@media print" in css
    # The as-of day and "page N of M" in the margins of every printed page.
    assert '@top-left { content: "ITB pump ward round · as of 2026-11-25 · generated ' in css
    assert '@bottom-right { content: "page " counter(page) " of " counter(pages);' in css
    assert "thead { display: table-header-group; }" in css  # the patient strip repeats
    assert "section.patient-block { break-inside: avoid; page-break-inside: avoid;" in css
    assert "as of 2026-11-25" in " ".join("".join(sheet.text_by_class["running"]).split())
    assert "generated 2026-11-25 07:30+00:00" in " ".join("".join(sheet.text_by_class["running"]).split())


def test_each_patient_block_is_headed_by_its_name_and_mrn(tmp_path, pairs, rules):
    """The strip a browser repeats when a block runs onto the next page (thead)."""
    _path, _raw, sheet = _sheet(tmp_path, pairs, rules)
    strip = " ".join(sheet.thead_text.split())
    for patient, _a in pairs:
        assert f"{patient.name} · MRN {patient.mrn}" in strip


def test_a_notes_box_per_patient(tmp_path, pairs, rules):
    _path, _raw, sheet = _sheet(tmp_path, pairs, rules)
    assert len(sheet.text_by_class["notes"]) == len(pairs) == len(sheet.patients)


def test_statuses_dates_and_alerts_as_in_the_assessment(tmp_path, pairs, rules):
    _path, _raw, sheet = _sheet(tmp_path, pairs, rules)
    refill = [pair for pair in sheet.codes_by_class["in:refill"]
              if pair in sheet.codes_by_class["status"]]
    assert dict(refill) == {"A1001": "blocked", "B2002": "ok", "C3003": "not_applicable"}
    antifungal = dict(sheet.codes_by_class["in:antifungal"])
    assert antifungal == {"A1001": "awaiting_clearance", "B2002": "not_indicated",
                          "C3003": "complete"}
    assert ("A1001", "fungemia") in sheet.codes_by_class["reason"]
    assert ("A1001", "withdrawal_risk") in sheet.codes_by_class["critical"]
    assert ("C3003", "c_auris") in sheet.codes_by_class["warning"]
    assert "2026-11-28" in sheet.text_by_class["alarm-on"]
    assert "2026-10-18" in sheet.text_by_class["required-until"]
    assert "2026-11-30" in sheet.text_by_class["eligible-on"]
    # past the required day: never "Day 52 of 14" (Display rule D3)
    assert not any("of 14" in t and int(t.split()[1]) > 14 for t in sheet.text_by_class["day"]
                   if t.startswith("Day "))
    assert not any("Day 52" in t for t in sheet.text_by_class["day"])
    # Alerts are headed by the rule's title, as Help names it.
    assert rules.entry("withdrawal_risk").title in sheet.text_by_class["code"]
    # Worded as well as coloured: the state is readable without colour.
    assert "✖ BLOCKED" in sheet.text_by_class["tone-danger"]


def test_self_contained_and_private(tmp_path, pairs, rules):
    path, raw, sheet = _sheet(tmp_path, pairs, rules)
    assert not any("src" in a or "href" in a for a in sheet.attrs)
    assert "link" not in sheet.tags and "img" not in sheet.tags
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_empty_ward_still_prints_a_dated_sheet(tmp_path, rules):
    _path, raw, sheet = _sheet(tmp_path, [], rules)
    assert "No patients match" in raw and "as of 2026-11-25" in "".join(sheet.text_by_class["running"])


CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser",
                             shutil.which("chromium") or "") if p and shutil.which(p)), None)


@pytest.mark.skipif(CHROMIUM is None, reason="no headless chromium installed")
def test_prints_to_pdf_in_a_real_browser(tmp_path, pairs, rules):
    path, _raw, _sheet_ = _sheet(tmp_path, pairs, rules)
    pdf = tmp_path / "round.pdf"
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    f"--print-to-pdf={pdf}", path.as_uri()], check=True, timeout=120,
                   capture_output=True)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000


def test_the_sheets_own_escape_is_html_escape():
    """exports/html_export.escape stands in for html.escape (start-up, issue 17): the same
    text for every character that needs escaping, mixed with ordinary and non-ASCII text."""
    import html

    from hypothesis import given, strategies as st

    from itb_tui.exports.html_export import escape

    @given(st.text(alphabet=st.sampled_from("&<>\"'a é;#x27\u2028") | st.characters(), max_size=40))
    def same(text):
        assert escape(text) == html.escape(text, quote=True)

    same()
