"""Hypothesis: whatever the file holds, no traceback, and nothing lost."""
from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenbuch import api
from kundenbuch.book import convert, new_workbook, schema
from kundenbuch.cli import main
from kundenbuch.book.reader import read_book

from conftest import sha256

SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
# Text Excel can hold (no control characters); the writer's escaping is tested below.
EXCEL_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30)
ANY_CELL = st.one_of(
    st.none(), EXCEL_TEXT, st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32), st.booleans(),
    st.dates(date(1900, 3, 1), date(2200, 1, 1)), st.times(),
    st.sampled_from(["ja", "Nein", "=1+1", "+49 30", "-", "@x", "#NV", "19%", " K-0001 ",
                     "31.12.2026", "1.234,56"]))


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    return api.neu(tmp_path_factory.mktemp("demo") / "kundenbuch.xlsx", with_demo=True)


@SETTINGS
@given(data=st.binary(max_size=3000))
def test_random_bytes_are_refused_politely(tmp_path, data):
    path = tmp_path / "zufall.xlsx"
    path.write_bytes(data)
    result = run("pruefen", path, "--schreiben")
    assert result.exit_code == 2
    assert path.read_bytes() == data


@SETTINGS
@given(flips=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1,
                      max_size=4))
def test_damaged_workbook_never_crashes(tmp_path, demo_file, flips):
    path = tmp_path / "beschaedigt.xlsx"
    data = bytearray(demo_file.read_bytes())
    for where, value in flips:
        data[int(where * (len(data) - 1))] = value
    path.write_bytes(bytes(data))
    result = run("pruefen", path)
    assert result.exit_code in (0, 1, 2)
    assert path.read_bytes() == bytes(data)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet3.xml"])
def test_an_entry_flagged_as_encrypted_is_refused_politely(tmp_path, demo_file, part):
    """One flipped bit marks a zip entry as encrypted; zipfile then refuses to read it.
    The user gets the German message for a damaged file, not a traceback."""
    path = tmp_path / "verschluesselt.xlsx"
    data = bytearray(demo_file.read_bytes())
    name = part.encode()
    record = data.find(b"PK\x01\x02")                 # the central directory's entries
    while data[record + 46:record + 46 + len(name)] != name:
        record = data.find(b"PK\x01\x02", record + 4)
    data[record + 8] |= 0x01                          # general purpose flag: encrypted
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    result = run("pruefen", path)
    assert result.exit_code == 2
    assert "beschädigt" in result.output or "gelesen werden" in result.output
    assert path.read_bytes() == before


def _rows(draw, spec, count):
    return [{column.field: draw(ANY_CELL) for column in spec.columns} for _ in range(count)]


@SETTINGS
@given(data=st.data())
def test_any_cell_content_gives_findings_not_tracebacks(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("zufall")
    path = folder / "kundenbuch.xlsx"
    tables = {spec.table: _rows(data.draw, spec, data.draw(st.integers(0, 3)))
              for spec in (schema.KUNDEN, schema.RECHNUNGEN, schema.TERMINE)}
    new_workbook.create_workbook(path, tables)
    before = sha256(path)
    result = run("pruefen", path, "--json")
    assert result.exit_code in (0, 1), result.output
    assert sha256(path) == before
    written = run("pruefen", path, "--schreiben")
    assert written.exit_code in (0, 1), written.output
    # what was typed is still there, cell for cell
    book = read_book(path)
    for spec in (schema.KUNDEN, schema.RECHNUNGEN, schema.TERMINE):
        typed = [r for r in tables[spec.table]
                 if not all(convert.is_empty(v) for v in r.values())]
        assert len(book.records[spec.table]) == len(typed)


@given(kind=st.sampled_from([schema.TEXT, schema.DATE, schema.TIME, schema.MONEY,
                             schema.NUMBER, schema.INT, schema.YESNO]), value=ANY_CELL)
def test_converters_answer_with_a_value_or_a_german_problem(kind, value):
    converted, problem = convert.convert(kind, value)
    assert converted is not None or problem is not None or convert.is_empty(value)
    if problem:
        assert isinstance(problem, str) and problem[0].isalpha() or problem[0] in "„"


@given(text=st.text(max_size=40))
def test_any_text_can_be_written_into_a_cell_and_reads_back(text):
    """Both ways a cell is written (as text, and through lxml for unusual sheets) give
    well-formed XML that reads back as the text; characters XML cannot hold come back
    as Excel's _xHHHH_."""
    from lxml import etree
    from kundenbuch.writer.cells import set_cell
    from kundenbuch.writer.cellxml import cell_xml, xml_safe
    as_text = etree.fromstring(cell_xml("", "A1", "3", text).encode())
    cell = etree.Element("c")
    set_cell(cell, text)
    through_lxml = etree.fromstring(etree.tostring(cell))
    for parsed in (as_text, through_lxml):
        assert "".join(parsed.itertext()) == xml_safe(text)
    assert as_text.get("s") == "3" and as_text.get("t") == "inlineStr"


@given(display=st.text(max_size=40), target=st.text(max_size=30))
def test_any_link_text_survives_in_a_report_sheet(display, target):
    """A report cell with a link (Prüfbericht: „Zelle“) keeps any text in its cell and
    in the link's target and display, line breaks and quotes included."""
    from lxml import etree
    from kundenbuch.reports.sheet import LINK, ReportBlock, ReportColumn, ReportSheet
    from kundenbuch.writer.cellxml import xml_safe
    from kundenbuch.writer.report import build_report_sheet
    from kundenbuch.writer.styles import StyleBook
    block = ReportBlock([ReportColumn("Zelle", LINK, 20)], [[display]],
                        links={(0, 0): target})
    with zipfile.ZipFile(Path(__file__).parent.parent / "kundenbuch.xlsx") as demo:
        styles = StyleBook(demo.read("xl/styles.xml"))
    root = etree.fromstring(build_report_sheet(ReportSheet("Prüfbericht", [block]), styles))
    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    link = root.find(f"{main}hyperlinks/{main}hyperlink")
    assert (link.get("location"), link.get("display")) == (xml_safe(target),
                                                           xml_safe(display))
    cells = root.findall(f"{main}sheetData/{main}row/{main}c")
    assert ["".join(c.itertext()) for c in cells][1:] == ([xml_safe(display)]
                                                          if display else [])


@given(values=st.lists(st.one_of(st.none(), st.text(max_size=12), st.booleans(),
                                 st.integers(-10**6, 10**6),
                                 st.decimals(allow_nan=False, allow_infinity=False,
                                             places=2, min_value=-10**9, max_value=10**9),
                                 st.dates(), st.floats(allow_nan=False,
                                                       allow_infinity=False)),
                       max_size=8))
def test_report_columns_are_written_as_single_cells_would_be(values):
    """The report's column-wise fast way writes every value exactly as the one way
    for single cells (cellxml) does, and leaves empty values out."""
    from kundenbuch.writer.cellxml import cell_from_head
    from kundenbuch.writer.report import column_cells
    numbers = [str(n) for n in range(5, 5 + len(values))]
    expected = ["" if value is None or value == "" else
                cell_from_head("", f'<c r="C{number}" s="7"', value)
                for number, value in zip(numbers, values)]
    assert column_cells("C", ' s="7"', numbers, values) == expected
