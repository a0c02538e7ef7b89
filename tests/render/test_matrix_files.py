"""A round's matrix files as a reader gets them: the spreadsheet opened by openpyxl (as a
spreadsheet program would), the HTML escaping what platforms write, and the archive index
written from the records in hand, the same as one rebuilt from the archive."""

from __future__ import annotations

import csv
import io
import re
import shutil
from dataclasses import replace
from pathlib import Path

import hypothesis
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markupsafe import escape

from pyrules import rounds
from pyrules.assess import Settings, collect, run, write_outputs
from pyrules.profile import load_profile
from pyrules.render.matrix import (
    FINDING_COLUMNS,
    FORMULA_START,
    VERDICT_COLUMNS,
    Matrix,
    _escape,
    finding_rows,
    render_csv,
    render_html,
    verdict_rows,
)
from pyrules.standard import Standard

openpyxl = pytest.importorskip("openpyxl")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "declarations"
FREEDONIA = ROOT / "examples" / "profiles" / "freedonia.yaml"
ODD_NAME = 'Tom & "Jerry\'s" <b>TV</b>'


@pytest.fixture(scope="module")
def submissions(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Aurora, one that cannot be read, and Kestrel under a name full of markup (in that
    order: the columns are sorted by file name)."""
    folder = tmp_path_factory.mktemp("submissions")
    for name in ("aurora-social", "kestrel-video"):
        shutil.copy(EXAMPLES / f"{name}.yaml", folder / f"{name}.yaml")
    kestrel = folder / "kestrel-video.yaml"
    quoted = "'" + ODD_NAME.replace("'", "''") + "'"
    text, count = re.subn(r"(?m)^(  name: ).*$", rf"\g<1>{quoted}", kestrel.read_text(), count=1)
    assert count == 1
    kestrel.write_text(text)
    (folder / "broken.yaml").write_text("platform: [unclosed\n")
    return folder


@pytest.fixture(scope="module")
def written(standard: Standard, submissions: Path) -> tuple[Matrix, Path]:
    settings = Settings(standard)
    archive = submissions.parent / "archive"
    table = write_outputs(run(collect([submissions]), settings), settings, archive, round_name="r")
    return table, archive / "r"


def test_the_spreadsheet_holds_what_the_matrix_shows(written: tuple[Matrix, Path]) -> None:
    table, folder = written
    book = openpyxl.load_workbook(folder / "matrix.xlsx")
    assert book.sheetnames == ["verdicts", "findings"]
    for sheet, header, rows in (
        (book["verdicts"], VERDICT_COLUMNS, verdict_rows(table)),
        (book["findings"], FINDING_COLUMNS, finding_rows(table)),
    ):
        values = [[cell.value for cell in row] for row in sheet.iter_rows()]
        assert values == [header, *rows]
        assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row)
        assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
        assert sheet.freeze_panes == "A2"
        last = openpyxl.utils.get_column_letter(len(header))
        assert sheet.auto_filter.ref == f"A1:{last}{len(rows) + 1}"
        assert sheet.column_dimensions["A"].width > 16
    assert any(ODD_NAME in row for row in finding_rows(table))


def test_the_html_matrix_escapes_what_a_platform_wrote(written: tuple[Matrix, Path]) -> None:
    page = (folder := written[1]).joinpath("matrix.html").read_text("utf-8")
    assert ODD_NAME not in page
    shown = str(escape(ODD_NAME))
    assert f'<li id="d-INC-01-2"><strong>{shown}</strong>, INC-01 fail: ' in page
    assert page.count('<td class="s none" title="could not be assessed">—</td>') > 1
    assert (folder / "reports" / "kestrel-video.html").is_file()
    for text in (ODD_NAME, "a\nb", "&amp; already", "<>&'\"", "plain", "", "ünï ✅"):
        assert _escape(text) == str(escape(text)), text


def test_the_table_of_verdicts_escapes_what_a_platform_wrote(written: tuple[Matrix, Path]) -> None:
    table = written[0]
    notes = (f"INC-01 waiver expired {ODD_NAME}", ODD_NAME)
    platforms = [replace(p, evidence=ODD_NAME, waiver_notes=notes) for p in table.platforms]
    page = render_html(replace(table, platforms=platforms))
    assert ODD_NAME not in page
    shown = str(escape(ODD_NAME))
    rows = re.findall(r"(?s)\n<tr>\n  <td class=\"mono\">.*?</tr>", page)
    assert [re.search(r'mono">([^<]*)<', row).group(1) for row in rows] == [  # type: ignore[union-attr]
        "aurora-social.yaml", "broken.yaml", "kestrel-video.yaml",
    ]  # fmt: skip
    aurora, broken, kestrel = rows
    assert f"\n  <td>{shown}</td>\n" in kestrel and "not-compliant" in kestrel
    assert f'<br><span class="evidence">Evidence: the {shown}</span></td>' in kestrel
    waivers = f'<span class="expired">INC-01 waiver expired {shown}</span>; <span class="">{shown}'
    assert all(waivers in row for row in rows)
    assert '<td class="num">—</td>' * 4 in broken and '<td><span class="reason">' in broken
    assert '<a href="reports/aurora-social.json">JSON</a>' in aurora


# Texts the CSV must quote, or make inert (a formula's first character), in any mix.
CSV_TEXTS = st.text(alphabet=st.sampled_from(list(",\"'\n\r\t =+-@aé😀")), max_size=6) | st.text()
CSV_ROW = st.lists(CSV_TEXTS, min_size=len(FINDING_COLUMNS), max_size=len(FINDING_COLUMNS))


@hypothesis.settings(max_examples=300, deadline=None)
@example(rows=[["", "=1", "a,b", 'say "x"', "a\nb", "\r", "\t=x", "-", "@", "+", " =", "'"]])
@example(rows=[[""] * len(FINDING_COLUMNS)])
@given(rows=st.lists(CSV_ROW, max_size=4))
def test_the_csv_is_what_the_csv_module_writes(
    written: tuple[Matrix, Path], rows: list[list[str]]
) -> None:
    """render_csv joins fields it had the csv module write one by one: the file must be
    what the module's writer writes of the rows made inert, as it did before."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(FINDING_COLUMNS)
    writer.writerows([f"'{t}" if t[:1] in FORMULA_START else t for t in row] for row in rows)
    assert render_csv(written[0], rows) == buffer.getvalue()


def test_the_csv_holds_the_findings_rows(written: tuple[Matrix, Path]) -> None:
    table, folder = written
    read = list(csv.reader(io.StringIO(folder.joinpath("matrix.csv").read_text("utf-8"))))
    assert read == [FINDING_COLUMNS, *finding_rows(table)]
    assert any(ODD_NAME in row for row in read)


def test_the_index_is_what_a_rebuild_from_the_archive_writes(
    standard: Standard, submissions: Path, tmp_path: Path
) -> None:
    """write_outputs writes the index from the records it has; reading every round back
    must give the same bytes, across a profile that leaves controls out and a replace."""
    archive = tmp_path / "archive"
    plain = Settings(standard)
    profiled = Settings(standard, profile=load_profile(FREEDONIA, standard))
    outcomes = run(collect([submissions / "aurora-social.yaml"]), profiled)
    runs = ((profiled, "a", False), (plain, "b", False), (profiled, "a", True))
    for settings, round_name, again in runs:
        write_outputs(outcomes, settings, archive, round_name=round_name, replace_round=again)
        written = {name: (archive / name).read_bytes() for name in rounds.INDEX_FILES}
        rounds.write_index(archive)
        assert {name: (archive / name).read_bytes() for name in rounds.INDEX_FILES} == written
    assert b"controls not assessed" in written["index.html"]
