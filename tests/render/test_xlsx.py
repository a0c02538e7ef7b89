"""matrix.xlsx, written by pyrules' own SpreadsheetML writer, holds what XlsxWriter's file
held: openpyxl (as a spreadsheet program would) reads every cell of both, over a round
whose platforms write odd texts, and finds the same values, types, bold header, frozen
row, filter, widths and properties."""

from __future__ import annotations

import io
import shutil
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from pyrules.assess import Settings, build_matrix, collect, run
from pyrules.render.matrix import (
    FINDING_COLUMNS,
    VERDICT_COLUMNS,
    Cell,
    Matrix,
    finding_rows,
    render_xlsx,
    verdict_rows,
)
from pyrules.render.xlsx import MAX_TEXT, Sheet, column_letter, write_workbook
from pyrules.standard import Standard

openpyxl = pytest.importorskip("openpyxl")
xlsxwriter = pytest.importorskip("xlsxwriter")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "declarations"
EMOJI = "\U0001f600"  # two UTF-16 units: Excel's length limit counts those
ODD_TEXTS = (
    "=1+2", "+SUM(A1:A9)", "-3", "@cmd", "\t=x", '=HYPERLINK("http://evil.example","x")',
    "ünï ✅ 日本語 Ελλάδα", EMOJI * 3, "", " leading", "trailing ", "\nnew line first",
    "a\nb\r\nc", "nul\x00 bel\x07 vt\x0b us\x1f del\x7f", "non-characters \ufffe \uffff",
    "_x0041_ and _X00fF_ are literal", "_x004_ _xZZZZ_ stay", '<b>&amp; "q" \'a\' </b>',
    "x" * (MAX_TEXT + 10), EMOJI * (MAX_TEXT // 2 + 5), "a" * (MAX_TEXT - 1) + EMOJI,
    "é" * MAX_TEXT,
)  # fmt: skip


def xlsxwriter_workbook(matrix: Matrix) -> bytes:
    """The matrix as pyrules wrote it with XlsxWriter until pyrules.render.xlsx replaced
    it: the reference the spreadsheet must still match, cell by cell."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    workbook.set_properties(
        {"title": f"EDHS {matrix.standard_version} assessment {matrix.round}".strip(),
         "created": datetime(2000, 1, 1)}
    )  # fmt: skip
    bold = workbook.add_format({"bold": True})
    for title, header, rows in (
        ("verdicts", VERDICT_COLUMNS, verdict_rows(matrix)),
        ("findings", FINDING_COLUMNS, finding_rows(matrix)),
    ):
        sheet = workbook.add_worksheet(title)
        sheet.set_column(0, len(header) - 1, 16)
        sheet.write_row(0, 0, header, bold)
        for index, row in enumerate(rows, start=1):
            for column, value in enumerate(row):
                sheet.write_string(index, column, value)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, len(rows), len(header) - 1)
    workbook.close()
    return buffer.getvalue()


def as_read(data: bytes) -> dict[str, Any]:
    """What a spreadsheet program sees in a workbook: every cell and the sheets' settings."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    seen: dict[str, Any] = {"properties": (book.properties.title, book.properties.created)}
    for sheet in book:
        seen[sheet.title] = {
            "cells": [
                [(cell.value, cell.data_type, bool(cell.font.b)) for cell in row]
                for row in sheet.iter_rows()
            ],
            "frozen": sheet.freeze_panes,
            "filter": sheet.auto_filter.ref,
            "widths": {k: (d.min, d.max, d.width) for k, d in sheet.column_dimensions.items()},
        }
    seen["sheets"] = book.sheetnames
    return seen


@pytest.fixture(scope="module")
def matrix(standard: Standard, tmp_path_factory: pytest.TempPathFactory) -> Matrix:
    folder = tmp_path_factory.mktemp("submissions")
    for name in ("aurora-social", "kestrel-video"):
        shutil.copy(EXAMPLES / f"{name}.yaml", folder / f"{name}.yaml")
    (folder / "broken.yaml").write_text("platform: [unclosed\n")
    settings = Settings(standard)
    return build_matrix(run(collect([folder]), settings), settings, "r")


def with_odd_texts(matrix: Matrix) -> Matrix:
    """Every text a platform controls (its name, findings, places, waivers, the reason it
    could not be assessed) made odd, one text of ODD_TEXTS after another."""
    texts = iter(ODD_TEXTS * 200)
    platforms = []
    for p in matrix.platforms:
        cells = {
            control: Cell(
                cell.status, (next(texts), next(texts)), (next(texts),), next(texts),
                cell.profile_only, cell.error,
            )
            for control, cell in p.cells.items()
        }  # fmt: skip
        reason = next(texts) if p.reason is not None else None
        platforms.append(replace(p, name=next(texts), file=next(texts), cells=cells, reason=reason))
    return replace(matrix, platforms=platforms, round=next(texts))


def test_every_cell_reads_as_xlsxwriter_wrote_it(matrix: Matrix) -> None:
    odd = with_odd_texts(matrix)
    ours = as_read(render_xlsx(odd))
    assert ours == as_read(xlsxwriter_workbook(odd))
    cells = [value for row in ours["findings"]["cells"] for value, _, _ in row]
    shown = "\n".join(cells)
    assert all(text[:100] in shown for text in ODD_TEXTS[:12]), "a text went missing"
    assert "_x0000_ bel_x0007_" in shown and "_xFFFE_" in shown  # as XlsxWriter stored them
    assert "x" * MAX_TEXT in cells and "x" * (MAX_TEXT + 1) not in shown
    assert EMOJI * (MAX_TEXT // 2) in cells and "a" * (MAX_TEXT - 1) in cells
    assert as_read(render_xlsx(matrix)) == as_read(xlsxwriter_workbook(matrix))


def test_the_same_matrix_gives_the_same_bytes(matrix: Matrix) -> None:
    odd = with_odd_texts(matrix)
    assert render_xlsx(odd) == render_xlsx(with_odd_texts(matrix))
    assert render_xlsx(odd) != render_xlsx(matrix)


def test_markup_is_text_never_copied_into_the_file() -> None:
    """XlsxWriter copied a text written like its rich-text markup into the file as it was
    (a platform named '<r><t>x</t></r>' showed as 'x'); it is text like any other here."""
    texts = ["<r><t>x</t></r>", "<r>broken", "</r>"]
    data = write_workbook([Sheet("s", ["h1", "h2", "h3"], [texts])], title="<r>t</r>")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert [c.value for c in book["s"][2]] == texts
    assert book.properties.title == "<r>t</r>"


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 11, 12, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "L", "M", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip
