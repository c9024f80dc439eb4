"""The torture suite: hundreds of broken and odd books (tests/torture.py), each through
`pruefen` and `monatsabschluss` as a user would run them.

For every case: no traceback, no "Unerwarteter Fehler", an exit code the README names
(0, 1 or 2) and a German message; `pruefen` leaves the file byte for byte; a refusal
(exit 2) leaves it byte for byte; a write keeps every cell the user typed (every
non-empty cell of the input outside the sheets and columns kundenbuch owns) and gives a
file that other readers (calamine) open.

Every test run takes every seventh case (each kind is among them); `--alle-folterfaelle`
or CI (the environment variable CI) takes all.
"""
from __future__ import annotations

import io
import math
import os
import tempfile
import zipfile
from pathlib import Path

import pytest
import python_calamine
from click.testing import CliRunner
from lxml import etree

import torture
from kundenbuch import api
from kundenbuch.book import schema
from kundenbuch.cli import main
from kundenbuch.runs.excel_layout import save_like_excel

STICHTAG = "2026-10-31"
EVERY = 7
# (The base books have the Zahlungen table: Bezahlt am and Bezahlt Betrag are written
# from it, and a replaced value is kept in the Protokoll; test_zahlungen.py.)
OUT_HEADERS = {spec.sheet: {c.header for c in spec.columns
                            if (c.out or c.out_with) and not c.fills_empty}
               for spec in schema.ALL_TABLES}
# The base books, made once per test session: the demo as kundenbuch writes it, and the
# same book laid out as Excel saves it (shared strings, other part names).
_BASES: dict[str, bytes] = {}


def _bases() -> dict[str, bytes]:
    if not _BASES:
        with tempfile.TemporaryDirectory() as folder:
            demo = api.neu(Path(folder) / "kundenbuch.xlsx", with_demo=True)
            _BASES["kundenbuch"] = demo.read_bytes()
            save_like_excel(demo)
            _BASES["excel"] = demo.read_bytes()
    return _BASES


def _all_cases() -> list[tuple[torture.Case, str]]:
    demo = _bases()["kundenbuch"]
    with zipfile.ZipFile(io.BytesIO(demo)) as package:
        names = package.namelist()
    xml_names = [n for n in names if n.endswith((".xml", ".rels", ".vml"))]
    result = []
    for index, case in enumerate(torture.cases(names, xml_names)):
        # Cases about the demo's own part names run on the demo; the others alternate.
        by_name = case.kind in ("Teile", "Entitäten", "Kaputtes XML")
        result.append((case, "kundenbuch" if by_name or index % 2 == 0 else "excel"))
    return result


def pytest_generate_tests(metafunc):
    if "torture_case" not in metafunc.fixturenames:
        return
    everything = _all_cases()
    take_all = metafunc.config.getoption("alle_folterfaelle") or os.environ.get("CI")
    chosen = everything if take_all else sample(everything)
    metafunc.parametrize("torture_case", [pytest.param(item, id=f"{item[1]}-{item[0].name}")
                                          for item in chosen])


def sample(everything) -> list:
    """Every EVERY-th case of each kind, so that a quick run still meets every kind
    however many cases the book's tables give."""
    seen: dict[str, int] = {}
    chosen = []
    for item in everything:
        count = seen.get(item[0].kind, 0)
        seen[item[0].kind] = count + 1
        if count % EVERY == 0:
            chosen.append(item)
    return chosen


def test_the_suite_has_at_least_500_cases_of_every_kind():
    everything = _all_cases()
    kinds = {case.kind for case, _ in everything}
    assert len(everything) >= 500
    assert {case.kind for case, _ in sample(everything)} == kinds


def _cells(path: Path) -> dict | None:
    """Every non-empty cell as calamine (another reader than kundenbuch's own path for
    writing) reads it, or None when it cannot read the file."""
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        return {name: workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
                for name in workbook.sheet_names}
    except BaseException:       # calamine's errors and Rust panics alike
        return None


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


def _lost_cells(before: dict, after: dict) -> list[str]:
    lost = []
    for sheet, rows in before.items():
        if sheet in schema.OWNED_SHEETS:
            continue
        if sheet not in after:
            lost.append(f"Blatt {sheet} fehlt")
            continue
        skip = {index for index, header in enumerate(rows[0] if rows else [])
                if header in OUT_HEADERS.get(sheet, ())}
        new = after[sheet]
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value == "" or c in skip:
                    continue
                now = new[r][c] if r < len(new) and c < len(new[r]) else ""
                if not _same(value, now):
                    lost.append(f"{sheet}!{torture.column_letter(c + 1)}{r + 1}: "
                                f"{value!r} -> {now!r}")
    return lost


def _damage(path: Path) -> list[str]:
    """What makes a written file damaged: a part whose CRC does not fit, XML that is
    not well-formed or carries a DTD."""
    problems = []
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    with zipfile.ZipFile(path) as package:
        for info in package.infolist():
            try:
                data = package.read(info)
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
                problems.append(f"{info.filename}: {exc}")
                continue
            if info.filename.endswith((".xml", ".rels")):
                try:
                    tree = etree.fromstring(data, parser).getroottree()
                except etree.XMLSyntaxError as exc:
                    problems.append(f"{info.filename}: {exc}")
                    continue
                if tree.docinfo.doctype:
                    problems.append(f"{info.filename}: DTD")
    return problems


def _polite(result, what: str) -> None:
    output = result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{what}: {type(result.exception).__name__}: {result.exception}")
    assert result.exit_code in (0, 1, 2), f"{what}: exit {result.exit_code}\n{output}"
    assert "Traceback" not in output and "Unerwarteter Fehler" not in output, output
    assert output.strip(), f"{what}: no message at all"
    if result.exit_code == 2:
        assert "Fehler:" in output, output


def test_a_broken_book_gives_a_german_message_and_loses_nothing(torture_case, tmp_path):
    case, base = torture_case
    data = case.make(_bases()[base])
    path = tmp_path / "kundenbuch.xlsx"
    path.write_bytes(data)
    runner = CliRunner()

    checked = runner.invoke(main, ["pruefen", str(path), "--stichtag", STICHTAG])
    _polite(checked, "pruefen")
    assert path.read_bytes() == data, "pruefen changed the file"

    month_end = runner.invoke(main, ["monatsabschluss", str(path), "--ohne-briefe",
                                     "--stichtag", STICHTAG])
    _polite(month_end, "monatsabschluss")
    if month_end.exit_code == 2 or "Geschrieben" not in month_end.output:
        assert path.read_bytes() == data, "refused, but the file changed"
        return
    assert _damage(path) == [], "kundenbuch wrote a damaged file"
    original = tmp_path / "vorher.xlsx"
    original.write_bytes(data)
    before = _cells(original)       # read only now: kundenbuch vouched for its extent
    if before is None:
        return                  # calamine could not read the input either
    after = _cells(path)
    assert after is not None, "calamine read the input but cannot read the output"
    assert _lost_cells(before, after) == []
