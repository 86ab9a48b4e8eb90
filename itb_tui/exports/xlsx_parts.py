"""The fixed parts of the workbook package (content types, relationships, styles,
workbook, document properties) and the frame of each sheet, as SpreadsheetML text.

They are what openpyxl 3.1 wrote for this workbook (issue 17 took openpyxl off the write
path; tests/exports/test_xlsx_writer_same_workbook.py reads both back and compares), with
one change on purpose: the style table holds only the styles the workbook uses, in a
fixed order (xlsx_cells' style ids), where openpyxl numbered them as it met them.
"""

from __future__ import annotations

from datetime import datetime, timezone


def escape(text: str) -> str:
    """XML text escaping (xml.sax.saxutils.escape, whose import pulls in urllib and http:
    66 ms at start-up, a third of a 30-patient export)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quoteattr(text: str) -> str:
    """An XML attribute value in double quotes."""
    return '"' + escape(text).replace('"', "&quot;") + '"'


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"

# Fill and font colours per tone (the light fills keep the word readable in grey print).
TONE_COLOURS = {  # tone: (fill, font colour, bold)
    "danger": ("F4C7C3", "9C0006", True),
    "warn": ("FFEB9C", "7F6000", False),
    "ok": ("C6EFCE", "006100", False),
    "muted": ("EDEDED", "595959", False),
}
TONE_ORDER = ("danger", "warn", "ok", "muted")  # xlsx_cells.TONE_STYLES: 4, 5, 6, 7
DATE_FORMAT = "yyyy-mm-dd"


def _styles_xml() -> str:
    fonts = ['<font><name val="Calibri" /><family val="2" /><color theme="1" /><sz val="11" />'
             '<scheme val="minor" /></font>', '<font><b val="1" /></font>']
    fills = ["<fill><patternFill /></fill>", '<fill><patternFill patternType="gray125" /></fill>']
    xf = '<xf numFmtId="{n}" fontId="{f}" fillId="{l}" borderId="0" pivotButton="0" quotePrefix="0" xfId="0" />'
    xfs = [xf.format(n=0, f=0, l=0),
           '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" applyAlignment="1" pivotButton="0" '
           'quotePrefix="0" xfId="0"><alignment vertical="top" wrapText="1" /></xf>',
           xf.format(n=164, f=0, l=0), xf.format(n=0, f=1, l=0)]
    for name in TONE_ORDER:
        fill, colour, bold = TONE_COLOURS[name]
        fonts.append("<font>" + ('<b val="1" />' if bold else "") + f'<color rgb="00{colour}" /></font>')
        fills.append(f'<fill><patternFill patternType="solid"><fgColor rgb="00{fill}" /></patternFill></fill>')
        xfs.append(xf.format(n=0, f=len(fonts) - 1, l=len(fills) - 1))
    return (f'<styleSheet xmlns="{MAIN_NS}"><numFmts count="1"><numFmt numFmtId="164" '
            f'formatCode="{DATE_FORMAT}" /></numFmts>'
            f'<fonts count="{len(fonts)}">{"".join(fonts)}</fonts>'
            f'<fills count="{len(fills)}">{"".join(fills)}</fills>'
            '<borders count="1"><border><left /><right /><top /><bottom /><diagonal /></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" /></cellStyleXfs>'
            f'<cellXfs count="{len(xfs)}">{"".join(xfs)}</cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0" hidden="0" /></cellStyles>'
            '<tableStyles count="0" defaultTableStyle="TableStyleMedium9" defaultPivotStyle="PivotStyleLight16" />'
            "</styleSheet>")


STYLES_XML = _styles_xml()

_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CONTENT_TYPES_XML = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />'
    '<Default Extension="xml" ContentType="application/xml" />'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml" />'
    '<Override PartName="/xl/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml" />'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml" />'
    '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml" />'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SHEET_TYPE}" />'
    f'<Override PartName="/xl/worksheets/sheet2.xml" ContentType="{_SHEET_TYPE}" />'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml" />'
    "</Types>")

ROOT_RELS_XML = (
    f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Type="{REL_NS}/officeDocument" Target="xl/workbook.xml" Id="rId1" />'
    '<Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" '
    'Target="docProps/core.xml" Id="rId2" />'
    f'<Relationship Type="{REL_NS}/extended-properties" Target="docProps/app.xml" Id="rId3" />'
    "</Relationships>")

WORKBOOK_RELS_XML = (
    f'<Relationships xmlns="{PKG_REL_NS}">'
    f'<Relationship Type="{REL_NS}/worksheet" Target="/xl/worksheets/sheet1.xml" Id="rId1" />'
    f'<Relationship Type="{REL_NS}/worksheet" Target="/xl/worksheets/sheet2.xml" Id="rId2" />'
    f'<Relationship Type="{REL_NS}/styles" Target="styles.xml" Id="rId3" />'
    f'<Relationship Type="{REL_NS}/theme" Target="theme/theme1.xml" Id="rId4" />'
    "</Relationships>")

APP_XML = ('<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
           "<Application>itb-tui</Application></Properties>")


def workbook_xml(ward_sheet: str, rules_sheet: str, filter_ref: str) -> str:
    """The workbook part: the two sheets and the ward sheet's autofilter range."""
    quoted = "'" + ward_sheet.replace("'", "''") + "'"
    absolute = ":".join(_absolute(ref) for ref in filter_ref.split(":"))
    return (f'<workbook xmlns:r="{REL_NS}" xmlns="{MAIN_NS}"><workbookPr /><workbookProtection />'
            '<bookViews><workbookView visibility="visible" minimized="0" showHorizontalScroll="1" '
            'showVerticalScroll="1" showSheetTabs="1" tabRatio="600" firstSheet="0" activeTab="0" '
            'autoFilterDateGrouping="1" /></bookViews>'
            f'<sheets><sheet name={quoteattr(ward_sheet)} sheetId="1" state="visible" r:id="rId1" />'
            f'<sheet name={quoteattr(rules_sheet)} sheetId="2" state="visible" r:id="rId2" /></sheets>'
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
            f"{escape(quoted)}!{absolute}</definedName></definedNames>"
            '<calcPr calcId="124519" fullCalcOnLoad="1" /></workbook>')


def _absolute(ref: str) -> str:
    """"U31" -> "$U$31"."""
    letters = "".join(ch for ch in ref if ch.isalpha())
    return f"${letters}${ref[len(letters):]}"


def core_xml(title: str, creator: str, when: datetime) -> str:
    """Document properties: title, creator, created and modified (the export's time)."""
    if when.tzinfo is not None:
        when = when.astimezone(timezone.utc).replace(tzinfo=None)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:creator>{escape(creator)}</dc:creator><dc:title>{escape(title)}</dc:title>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified></cp:coreProperties>')


def cols_xml(widths) -> str:
    return "<cols>" + "".join(f'<col width="{w}" customWidth="1" min="{i}" max="{i}" />'
                              for i, w in enumerate(widths, start=1)) + "</cols>"


SHEET_PR = ('<sheetPr><outlinePr summaryBelow="1" summaryRight="1" /><pageSetUpPr /></sheetPr>')
FORMAT_PR = '<sheetFormatPr baseColWidth="8" defaultRowHeight="15" />'
MARGINS = '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5" />'


def ward_sheet_head(dimension: str, widths) -> str:
    """The ward sheet up to its first row: header row and the MRN/name columns frozen."""
    return (f'<worksheet xmlns="{MAIN_NS}">{SHEET_PR}<dimension ref="{dimension}" />'
            '<sheetViews><sheetView workbookViewId="0"><pane xSplit="2" ySplit="1" topLeftCell="C2" '
            'activePane="bottomRight" state="frozen" /><selection pane="topRight" />'
            '<selection pane="bottomLeft" /><selection pane="bottomRight" activeCell="A1" sqref="A1" />'
            f"</sheetView></sheetViews>{FORMAT_PR}{cols_xml(widths)}<sheetData>")


def ward_sheet_tail(filter_ref: str, header_text: str) -> str:
    """After the ward sheet's last row: autofilter, landscape page, the printed header."""
    return (f'</sheetData><autoFilter ref="{filter_ref}" />{MARGINS}<pageSetup orientation="landscape" />'
            f"<headerFooter><oddHeader>{escape('&C' + header_text)}</oddHeader><oddFooter /><evenHeader />"
            "<evenFooter /><firstHeader /><firstFooter /></headerFooter></worksheet>")


def rules_sheet_xml(dimension: str, header_row: int, widths, rows: str) -> str:
    """The rules sheet: everything above the rule table's first line frozen."""
    return (f'<worksheet xmlns="{MAIN_NS}">{SHEET_PR}<dimension ref="{dimension}" />'
            f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{header_row}" '
            f'topLeftCell="A{header_row + 1}" activePane="bottomLeft" state="frozen" />'
            '<selection pane="bottomLeft" activeCell="A1" sqref="A1" /></sheetView></sheetViews>'
            f"{FORMAT_PR}{cols_xml(widths)}<sheetData>{rows}</sheetData>{MARGINS}</worksheet>")
