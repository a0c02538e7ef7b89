"""A small SpreadsheetML (XLSX) writer for sheets of text: the assessment matrix's workbook.

Why not a library: a round of 400 platforms has a "findings" sheet of about 300,000
cells, and writing it was most of the time a round took to write. Measured on that
round (bench/write_round.py, CPU time): XlsxWriter 1.2 s, and no library did better
while staying deterministic: openpyxl's write-only mode, XlsxWriter's constant_memory
mode and pyexcelerate were no faster; the Rust-backed writers built on rust_xlsxwriter
(rustpy-xlsxwriter 0.8, rvgsrust-xlsxwriter 0.3.5: about 0.5 s for a sheet that size)
stamp the workbook with the current time and offer no option to fix it, so the same
matrix would not give the same bytes. This writer needs no per-cell object: each row is
one join of its cells' indices into the shared-string table, where each distinct text is
escaped once: about 40 ms for that round.

No cell and no row names its place: SpreadsheetML makes a row's `r` (its number) and
`spans` and a cell's `r` (`A12`) optional (ECMA-376 Part 1, CT_Row and CT_Cell), a cell
without one being the next column of its row and a row without one the next row. Excel
opens such files (other programs export them), LibreOffice and openpyxl read every cell
where it was (tests/render/test_xlsx.py reads them back); only a reader that wrongly
insists on the attributes (some older libraries did) would not. Every cell being the
same markup around its string's index, a row is one `str.join`: for that round's sheet
a third smaller, compressed a fifth the size (1.28 against 0.23 MB: the references'
numbers barely compress), and 64 ms less to write. The `dimension` and `autoFilter`
references still span the whole sheet. Parts are compressed at zlib level 1: two
thirds larger than level 6 (0.22 against 0.13 MB), 11 against 29 ms.

What it writes, and nothing else: sheets whose every cell is a string (never a formula,
never a number), a bold first row, the first row frozen, an autofilter over the whole
sheet, one width for every column, and document properties with a title and a fixed
creation date. Text is stored as XlsxWriter stores it, so a spreadsheet program reads
the same values: longer than 32,767 UTF-16 units is cut there, control characters
become `_xHHHH_` escapes (and a literal `_xHHHH_` gets its underscore escaped), and
leading or trailing white space is preserved. Unlike XlsxWriter, a text that looks like
rich-text markup (`<r>...</r>`) is escaped like any other rather than copied raw.

Same sheets, same bytes: no clock, fixed ZIP entry dates, parts in a fixed order.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from typing import NamedTuple

MAX_TEXT = 32_767  # Excel's limit on a cell's text, in UTF-16 units
COLUMN_WIDTH = "16.7109375"  # 16 characters, as Excel stores it (with the cell padding)
_ESCAPED = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f]")
SELECTED = ' tabSelected="1"'  # the sheet a program shows first
_DATE = (1980, 1, 1, 0, 0, 0)  # every ZIP entry's date: the earliest ZIP can store
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="2">'
    '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class Sheet(NamedTuple):
    title: str  # at most 31 characters, none of []:*?/\ (the caller's fixed names)
    header: Sequence[str]  # bold, frozen, and the autofilter's row
    rows: Sequence[Sequence[str]]  # each as long as the header


class _Strings(dict[str, str]):
    """The shared-string table: each distinct text gets the next index (as the text a cell
    holds) on first use, so a row's indices are one C-level lookup per cell; only a new
    text runs Python code."""

    def __init__(self) -> None:
        super().__init__()
        self.items: list[str] = []

    def __missing__(self, text: str) -> str:
        index = self[text] = str(len(self.items))
        self.items.append(_shared_string(text))
        return index


def _shared_string(text: str) -> str:
    """One `<si>` element, the text stored as XlsxWriter stores it (see the module)."""
    if len(text) > MAX_TEXT // 2 and len(text.encode("utf-16-le", "surrogatepass")) > 2 * MAX_TEXT:
        text = _cut(text)
    text = _ESCAPED.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda found: f"_x{ord(found.group()):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<si><t{preserve}>{_escape(text)}</t></si>"


def _cut(text: str) -> str:
    """The longest start of `text` within MAX_TEXT UTF-16 units, never half a character."""
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > MAX_TEXT:
            return text[:index]
    return text


def column_letter(index: int) -> str:
    """A (0), B (1), ... Z, AA, AB ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _sheet_xml(sheet: Sheet, strings: _Strings, *, selected: bool) -> str:
    width = len(sheet.header)
    last = f"{column_letter(width - 1)}{len(sheet.rows) + 1}"
    # No cell or row names its place (see the module): every cell of the sheet is the same
    # markup around its string's index, so a row is one join of the indices.
    cell, header = '</v></c><c t="s"><v>', '</v></c><c s="1" t="s"><v>'
    index = strings.__getitem__
    parts = [
        f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><dimension ref="A1:{last}"/>',
        f"<sheetViews><sheetView{SELECTED if selected else ''}"
        ' workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f'<cols><col min="1" max="{width}" width="{COLUMN_WIDTH}" customWidth="1"/></cols>'
        '<sheetData><row><c s="1" t="s"><v>',
        header.join(map(index, sheet.header)),
        "</v></c></row>",
    ]
    parts += [
        '<row><c t="s"><v>' + cell.join(map(index, cells)) + "</v></c></row>"
        for cells in sheet.rows
    ]
    parts.append(
        f'</sheetData><autoFilter ref="A1:{last}"/><pageMargins left="0.7" right="0.7" '
        'top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
    )
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _workbook_xml(sheets: Sequence[Sheet]) -> str:
    listed = "".join(
        f'<sheet name="{s.title}" sheetId="{i}" r:id="rId{i}"/>' for i, s in enumerate(sheets, 1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"{s.title}!$A$1:${column_letter(len(s.header) - 1)}${len(s.rows) + 1}</definedName>"
        for i, s in enumerate(sheets)
    )
    return (
        f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC_RELS}"><bookViews><workbookView/>'
        f"</bookViews><sheets>{listed}</sheets><definedNames>{filters}</definedNames></workbook>"
    )


def _package_xml(sheets: Sequence[Sheet], title: str) -> dict[str, str]:
    """Every part but the sheets and the string table: content types and relationships."""
    xml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{xml}.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    n = len(sheets)
    return {
        "[Content_Types].xml": f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/'
        '2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
        'openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/docProps/core.xml" '
        'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{xml}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{xml}.styles+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{xml}.sharedStrings+xml"/>'
        f"{overrides}</Types>",
        "_rels/.rels": f'{_HEAD}<Relationships xmlns="{_RELS}"><Relationship Id="rId1" '
        f'Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/><Relationship Id="rId2" '
        'Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/></Relationships>',
        "docProps/core.xml": f'{_HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats'
        '.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
        f'XMLSchema-instance"><dc:title>{_escape(title)}</dc:title><dcterms:created '
        'xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created><dcterms:modified '
        'xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>',
        "xl/workbook.xml": _workbook_xml(sheets),
        "xl/_rels/workbook.xml.rels": f'{_HEAD}<Relationships xmlns="{_RELS}">{sheet_rels}'
        f'<Relationship Id="rId{n + 1}" Type="{_DOC_RELS}/styles" Target="styles.xml"/>'
        f'<Relationship Id="rId{n + 2}" Type="{_DOC_RELS}/sharedStrings" '
        'Target="sharedStrings.xml"/></Relationships>',
        "xl/styles.xml": _STYLES,
    }


def write_workbook(sheets: Sequence[Sheet], title: str) -> bytes:
    """The workbook of `sheets` (the first one selected), as the bytes of an .xlsx file."""
    strings = _Strings()
    parts = {
        f"xl/worksheets/sheet{i}.xml": _sheet_xml(sheet, strings, selected=i == 1)
        for i, sheet in enumerate(sheets, 1)
    }
    count = sum((len(s.rows) + 1) * len(s.header) for s in sheets)  # cells, all strings
    parts["xl/sharedStrings.xml"] = (
        f'{_HEAD}<sst xmlns="{_MAIN}" count="{count}" uniqueCount="{len(strings.items)}">'
        + "".join(strings.items)
        + "</sst>"
    )
    parts.update(_package_xml(sheets, title))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        for name in sorted(parts):
            entry = zipfile.ZipInfo(name, _DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0  # the same bytes whatever system wrote it
            package.writestr(entry, parts[name].encode("utf-8"), compresslevel=1)
    return buffer.getvalue()
