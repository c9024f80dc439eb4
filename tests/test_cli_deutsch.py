"""The command line speaks German: click's own usage errors, umlaut spellings, letter
kinds by their German names, one Stichtag rule for every command, German plurals."""
from __future__ import annotations

import os
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kundenbuch.cli import main
from kundenbuch.reports.german import counted
from kundenbuch.runs.stichtag import choose

ENGLISH = ("Usage", "Error", "Try ", "No such", "Invalid", "Missing", "Got unexpected",
           "does not", "is not", "requires", "Did you mean", "Show this", "Options",
           "Commands", "Aborted")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], prog_name="kundenbuch")


def assert_german(output: str):
    assert not [word for word in ENGLISH if word in output], output


@pytest.mark.parametrize("args, german", [
    (["pruefn"], "Den Befehl „pruefn“ gibt es nicht. Meinten Sie"),
    (["forderungen", "--stichtag", "gestern"], "„gestern“ ist kein Datum"),
    (["forderungen", "--stichtag"], "Die Option --stichtag braucht einen Wert"),
    (["stufen", "--gibtsnicht"], "Die Option „--gibtsnicht“ gibt es nicht"),
    (["forderungen", "a.xlsx", "b.xlsx"], "Unerwartetes zusätzliches Argument (b.xlsx)"),
    (["briefe", "--art", "Brief"], "„Brief“ ist keine Briefart"),
    (["benchmark", "--groesse", "riesig"], "„riesig“ geht nicht; möglich sind"),
    (["neu"], "Argument fehlt"),
])
def test_click_usage_errors_are_german(args, german):
    result = run(*args)
    assert result.exit_code == 2
    assert german in result.output
    assert result.output.count("Fehler: ") == 1
    assert_german(result.output)


def test_help_is_german():
    result = run("--hilfe")
    assert result.exit_code == 0
    assert "Befehle:" in result.output and "Optionen:" in result.output
    assert_german(result.output)


# Not `neu`: it rightly makes the book it is given.
COMMANDS = ["pruefen", "prüfen", "forderungen", "monatsabschluss", "briefe", "termine",
            "stufen", "vorlagen", "archiv", "Prüfen", "pruefn", "xyz"]
OPTIONS = ["--stichtag", "--art", "--probelauf", "--json", "--pdf", "--rechnung", "--ics",
           "--steuertermine", "--uebernehmen", "--übernehmen", "--gibtsnicht", "-x", "--"]
VALUES = ["2026-10-31", "31.10.2026", "gestern", "Mahnung", "Begrüßung", "Brief", "",
          "fehlt.xlsx", "2027", "abc", "-5"]


@settings(max_examples=60, deadline=None)
@given(command=st.sampled_from(COMMANDS),
       rest=st.lists(st.sampled_from(OPTIONS + VALUES), max_size=4))
def test_no_english_click_message_for_any_typo(command, rest, tmp_path_factory):
    """Whatever a user types (commands, options and values in any order), the answer is
    German; the book named does not exist, so nothing is written anywhere."""
    folder = tmp_path_factory.mktemp("leer")
    rest = [str(folder / v) if v.endswith(".xlsx") else v for v in rest]
    # In an empty folder: without a path a command takes ./kundenbuch.xlsx.
    here = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, [command, *rest], prog_name="kundenbuch")
    finally:
        os.chdir(here)
    assert not any(folder.iterdir())
    assert result.exit_code in (0, 1, 2), result.output
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit), repr(result.exception)
    assert_german(result.output)


def test_umlaut_spellings_and_german_letter_kinds(cli, demo_path):
    plain = cli("pruefen", demo_path, "--json")
    umlaut = cli("prüfen", demo_path, "--json")
    assert plain.exit_code == umlaut.exit_code and plain.output == umlaut.output
    for kind in ("Begrüßung", "begruessung", "Mahnung", "Zahlungserinnerung", "Rechnung",
                 "JAHRESCHECK", "Dank"):
        result = cli("briefe", demo_path, "--art", kind, "--probelauf")
        assert result.exit_code == 0, (kind, result.output)
    reminders = cli("briefe", demo_path, "--art", "Mahnung", "--probelauf").output
    assert "Zahlungserinnerung" in reminders and "Begrüßung" not in reminders


def test_one_stichtag_rule_for_every_command():
    settings_with = {"stichtag": date(2026, 10, 31)}
    assert str(choose(date(2026, 5, 2), settings_with, date(2026, 12, 7))) == (
        "02.05.2026 (angegeben)")
    assert str(choose(None, settings_with, date(2026, 12, 7))) == (
        "31.10.2026 (Einstellung Stichtag)")
    assert str(choose(None, {}, date(2026, 12, 7))) == "30.11.2026 (Ende des Vormonats)"
    assert str(choose(None, {"stichtag": None}, date(2026, 12, 11))) == (
        "11.12.2026 (heute)")


@pytest.mark.parametrize("command", ["pruefen", "forderungen", "stufen", "termine",
                                     "briefe", "monatsabschluss"])
def test_every_command_says_which_stichtag_and_why(cli, demo_path, command):
    """The demo book has Einstellung Stichtag 31.10.2026: every command uses it."""
    result = cli(command, demo_path, *(["--probelauf"] if command != "pruefen" else []))
    assert "Stichtag 31.10.2026 (Einstellung Stichtag)" in result.output, result.output
    given = cli(command, demo_path, "--stichtag", "2026-09-30",
                *(["--probelauf"] if command != "pruefen" else []))
    assert "Stichtag 30.09.2026 (angegeben)" in given.output


def test_german_plurals():
    assert [counted(n, "Warnung") for n in (0, 1, 2)] == [
        "0 Warnungen", "1 Warnung", "2 Warnungen"]
    assert counted(1, "Datei") == "1 Datei" and counted(3, "Hinweis") == "3 Hinweise"
    assert counted(2, "Fehler") == "2 Fehler"
