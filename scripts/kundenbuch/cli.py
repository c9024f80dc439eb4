"""The command line: German help and messages, exit codes 0 / 1 / 2, no tracebacks."""
from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__, api
from .findings import FEHLER, HINWEIS, WARNUNG
from .ooxml import UnreadableWorkbook
from .writer import WriteRefused

DEFAULT_BOOK = "kundenbuch.xlsx"
EXIT_OK, EXIT_FINDINGS, EXIT_FAILED = 0, 1, 2
COLOURS = {FEHLER: "bold red", WARNUNG: "yellow", HINWEIS: "cyan"}
TERMINAL_ROWS = 25        # longer lists stay in the report sheets

# soft_wrap: long German sentences are wrapped by the terminal, not cut into lines.
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


class GermanHelpFormatter(click.HelpFormatter):
    """click's own headings in German."""
    HEADINGS = {"Options": "Optionen", "Commands": "Befehle", "Arguments": "Argumente"}

    def write_usage(self, prog, args="", prefix=None):
        super().write_usage(prog, args.replace("[OPTIONS]", "[OPTIONEN]")
                            .replace("COMMAND [ARGS]...", "BEFEHL [ARGUMENTE]..."),
                            prefix="Aufruf: " if prefix is None else prefix)

    def section(self, name):
        return super().section(self.HEADINGS.get(name, name))


click.Context.formatter_class = GermanHelpFormatter
CONTEXT = {"help_option_names": ["-h", "--hilfe", "--help"], "max_content_width": 100}


def _help_option(function):
    return click.help_option("-h", "--hilfe", "--help",
                             help="Diese Hilfe zeigen und beenden.")(function)


def book_argument(function):
    return click.argument("pfad", required=False, default=DEFAULT_BOOK,
                          type=click.Path(dir_okay=False, path_type=Path))(function)


def stichtag_option(function):
    return click.option("--stichtag", type=click.DateTime(formats=["%Y-%m-%d", "%d.%m.%Y"]),
                        default=None, metavar="JJJJ-MM-TT",
                        help="Stichtag der Auswertung (Standard: heute).")(function)


def _stichtag(value) -> date:
    return value.date() if value else date.today()


def fail(message: str, code: int = EXIT_FAILED):
    errors.print(f"[bold red]Fehler:[/] {message}", highlight=False)
    sys.exit(code)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", message="kundenbuch %(version)s",
                      help="Version zeigen und beenden.")
@_help_option
def main():
    """kundenbuch: Kundenpflege aus einer Excel-Arbeitsmappe.

    Kunden, Rechnungen, Termine und Kundenstufen stehen in kundenbuch.xlsx. Jeder Befehl
    nimmt den Pfad der Arbeitsmappe als erstes Argument (Standard: ./kundenbuch.xlsx).

    \b
    Beispiele:
      kundenbuch neu kundenbuch.xlsx --demo
      kundenbuch monatsabschluss kundenbuch.xlsx
      kundenbuch pruefen kundenbuch.xlsx
      kundenbuch forderungen kundenbuch.xlsx --stichtag 2026-10-31
      kundenbuch stufen kundenbuch.xlsx --uebernehmen
      kundenbuch termine kundenbuch.xlsx --ics kundenbuch.ics
      kundenbuch briefe kundenbuch.xlsx --pdf
      kundenbuch BEFEHL --hilfe
    """


@main.command(context_settings=CONTEXT)
@click.argument("pfad", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--demo", is_flag=True, help="Mit erfundenen Beispieldaten füllen.")
@click.option("--ueberschreiben", is_flag=True, help="Eine vorhandene Datei ersetzen.")
@_help_option
def neu(pfad, demo, ueberschreiben):
    """Eine neue, leere Arbeitsmappe anlegen (oder mit --demo eine Beispielmappe).

    \b
    Beispiel:
      kundenbuch neu meine-kunden.xlsx
      kundenbuch neu kundenbuch.xlsx --demo
    """
    try:
        path = api.neu(pfad, with_demo=demo, overwrite=ueberschreiben)
    except (api.AlreadyExists, ValueError) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{pfad} kann nicht geschrieben werden: {exc.strerror or exc}")
    what = "Beispielmappe" if demo else "Neue Arbeitsmappe"
    console.print(f"{what} angelegt: [bold]{path}[/]")


@main.command(context_settings=CONTEXT)
@book_argument
@stichtag_option
@click.option("--json", "as_json", is_flag=True, help="Befunde als JSON ausgeben.")
@click.option("--schreiben", is_flag=True,
              help="Zusätzlich das Blatt „Prüfbericht“ mit Links zu den Zellen schreiben.")
@_help_option
def pruefen(pfad, stichtag, as_json, schreiben):
    """Die Arbeitsmappe prüfen und jede fehlerhafte Zelle nennen.

    Exit-Code 0: keine Fehler; 1: Fehler gefunden; 2: Datei nicht lesbar.

    \b
    Beispiele:
      kundenbuch pruefen kundenbuch.xlsx
      kundenbuch pruefen kundenbuch.xlsx --schreiben
      kundenbuch pruefen --json > befunde.json
    """
    day = _stichtag(stichtag)
    try:
        result = api.pruefen(pfad, day, datetime.now(), schreiben=schreiben)
    except UnreadableWorkbook as exc:
        if as_json:
            print(json.dumps({"fehler": str(exc)}, ensure_ascii=False))
        fail(str(exc))
    except WriteRefused as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps([f.as_json() for f in result.findings], ensure_ascii=False,
                         indent=2))
    else:
        print_findings(result)
    sys.exit(EXIT_FINDINGS if result.has_errors else EXIT_OK)


@main.command(context_settings=CONTEXT)
@book_argument
@stichtag_option
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, was geschrieben würde.")
@_help_option
def forderungen(pfad, stichtag, probelauf):
    """Offene Posten, Verzugszinsen und fällige Mahnstufen zum Stichtag.

    Schreibt in Rechnungen: Fällig am (nur wo leer), Brutto, Status, Tage überfällig,
    Verzugszinsen; in Kunden: Offener Betrag; und das Blatt „Offene Posten“.

    \b
    Beispiele:
      kundenbuch forderungen kundenbuch.xlsx --stichtag 2026-10-31
      kundenbuch forderungen --probelauf
    """
    day = _stichtag(stichtag)
    try:
        result = api.forderungen(pfad, day, datetime.now(), probelauf=probelauf)
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    print_receivables(result.summary)
    for warning in result.warnings:
        console.print(f"[yellow]Warnung:[/] {warning.message}")
    if probelauf:
        lines = result.plan.describe()
        console.print(f"\n[bold]Probelauf[/]: {len(lines)} Änderungen würden geschrieben, "
                      "nichts wurde verändert.")
        for line in lines:
            console.print("  " + line, highlight=False)
    else:
        print_write(result.write, f"{len(result.plan.cells)} Zellen und Blatt „Offene Posten“")


@main.command(context_settings=CONTEXT)
@book_argument
@stichtag_option
@click.option("--pdf", is_flag=True, help="Briefe zusätzlich als PDF (LibreOffice).")
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, was geschähe.")
@_help_option
def monatsabschluss(pfad, stichtag, pdf, probelauf):
    """Der Monatsabschluss in einem Lauf: prüfen, rechnen, Briefe, alles zurückschreiben.

    Prüft die Mappe, rechnet Forderungen, schlägt Stufen vor, schreibt Terminübersicht
    und Begrüßungspläne, erzeugt jeden fälligen Brief und schreibt alles in einem
    sicheren Schreibvorgang zurück (eine Sicherung, eine Protokollzeile für den Lauf).
    Zeilen mit Fehlern bekommen keinen Brief und werden genannt.

    Stichtag ohne Angabe: in den ersten zehn Tagen eines Monats der letzte Tag des
    Vormonats, sonst heute. Exit-Code 0: fertig; 1: fertig, aber die Mappe enthält
    Fehler (siehe Prüfbericht); 2: nichts war möglich.

    \b
    Beispiele:
      kundenbuch monatsabschluss kundenbuch.xlsx
      kundenbuch monatsabschluss --stichtag 2026-10-31 --pdf
      kundenbuch monatsabschluss --probelauf
    """
    from rich.progress import Progress
    if stichtag:
        day, why = stichtag.date(), "angegeben"
    else:
        day = api.default_stichtag(date.today())
        why = "heute" if day == date.today() else "Ende des Vormonats"
    console.print(f"[bold]Monatsabschluss[/] {pfad.name}, Stichtag {day:%d.%m.%Y} ({why})")
    try:
        with Progress(console=console, transient=True) as bar:
            task = bar.add_task("Briefe werden erstellt …", total=None)
            result = api.monatsabschluss(pfad, day, datetime.now(), probelauf=probelauf,
                                         pdf=pdf, progress=lambda: bar.advance(task))
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    print_receivables(result.summary)
    errors_found = [f for f in result.findings if f.severity == FEHLER]
    counts = {level: sum(f.severity == level for f in result.findings)
              for level in (FEHLER, WARNUNG, HINWEIS)}
    console.print("Prüfung: " + ", ".join(f"{n} {level}" for level, n in counts.items())
                  + (" (Einzelheiten im Blatt „Prüfbericht“)" if result.findings else ""))
    for finding in errors_found[:10]:
        console.print(f"  [red]{finding.address}[/] {finding.message}", highlight=False)
    if result.skipped_rows:
        console.print("Ohne Brief wegen Fehlern: " + ", ".join(
            f"{sheet} Zeile {row}" for sheet, row in result.skipped_rows[:20]))
    kinds = {}
    for letter in result.letters:
        kinds[letter.protocol_kind] = kinds.get(letter.protocol_kind, 0) + 1
    console.print("Briefe: " + (", ".join(f"{n} {k}" for k, n in kinds.items()) or "keine"))
    console.print(f"Serviceversprechen offen oder bald fällig: "
                  f"{len(result.analysis.promises)}; Begrüßungstermine neu: "
                  f"{len(result.onboarding)}")
    if probelauf:
        console.print(f"Probelauf: {len(result.plan.describe())} Änderungen und "
                      f"{len(result.letters)} Briefe wären fällig; nichts wurde verändert.")
    else:
        if result.letter_run and result.letter_run.pdf_problem:
            console.print(f"[yellow]PDF:[/] {result.letter_run.pdf_problem}")
        print_write(result.write, "Prüfbericht, Forderungen, Offene Posten, "
                                  "Stufenanalyse, Terminübersicht, Briefe, Protokoll")
    sys.exit(EXIT_FINDINGS if errors_found else EXIT_OK)


def print_receivables(summary) -> None:
    from .plan import format_value
    from .receivables import BUCKETS, LEVEL_NAMES
    from .records import display_name
    table = Table(title=f"Forderungen zum Stichtag {summary.stichtag:%d.%m.%Y}",
                  title_justify="left")
    table.add_column("Altersklasse")
    table.add_column("Offen", justify="right")
    for bucket in BUCKETS:
        table.add_row(bucket, format_value(summary.buckets_total[bucket]))
    table.add_row("[bold]Summe[/]", f"[bold]{format_value(summary.open_total)}[/]")
    console.print(table)
    console.print(f"Davon überfällig: [bold]{format_value(summary.overdue_total)}[/]")
    letters = summary.letters_due()
    if not letters:
        console.print("Keine Zahlungserinnerung oder Mahnung fällig.")
        return
    due = Table(title="Fällige Briefe (erzeugt beim Monatsabschluss)", title_justify="left")
    for header in ("Kunde", "Brief", "Rechnungen", "Offen"):
        due.add_column(header, justify="right" if header == "Offen" else "left")
    ordered = sorted(letters.items(), key=lambda kv: (-kv[0][1], kv[0]))
    for (number, level), states in ordered[:TERMINAL_ROWS]:
        due.add_row(f"{number} {display_name(states[0].client)}", LEVEL_NAMES[level],
                    ", ".join(s.number for s in states),
                    format_value(sum((s.open for s in states), states[0].open * 0)))
    console.print(due)
    _more(len(ordered), "Briefe", "Offene Posten")


def _more(count: int, what: str, sheet: str) -> None:
    if count > TERMINAL_ROWS:
        console.print(f"… und {count - TERMINAL_ROWS} weitere {what} (alle im Blatt „{sheet}“)")


def print_write(write, what: str) -> None:
    if write is None:
        return
    if write.changed:
        console.print(f"Geschrieben: {what}. Sicherung: {write.backup}")
    else:
        console.print("Die Arbeitsmappe ist schon aktuell; nichts geschrieben.")


def print_findings(result) -> None:
    findings = result.findings
    path = result.book.path
    if not findings:
        console.print(f"[green]✓[/] {path.name}: keine Befunde "
                      f"(Stichtag {result.stichtag:%d.%m.%Y}).")
    groups = {}
    for finding in findings:
        groups.setdefault(finding.sheet or "Arbeitsmappe", []).append(finding)
    for sheet, items in groups.items():
        table = Table(title=f"Blatt {sheet}", title_justify="left", show_lines=False,
                      expand=False)
        table.add_column("Zelle", no_wrap=True)
        table.add_column("Schwere", no_wrap=True)
        table.add_column("Meldung")
        for finding in items:
            table.add_row(finding.address or "–",
                          f"[{COLOURS[finding.severity]}]{finding.severity}[/]",
                          finding.message)
        console.print(table)
    counts = {level: sum(f.severity == level for f in findings)
              for level in (FEHLER, WARNUNG, HINWEIS)}
    if findings:
        console.print(f"{path.name}: " + ", ".join(f"{n} {level}"
                                                   for level, n in counts.items()))
    print_write(result.write, "Blatt „Prüfbericht“")


def run():
    """Entry point that turns anything unexpected into a German message, not a traceback."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        fail("abgebrochen.")
    except Exception as exc:  # the last line of defence: a message, never a traceback
        fail(f"Unerwarteter Fehler ({type(exc).__name__}: {exc}). Die Arbeitsmappe wurde "
             "nicht verändert. Bitte diesen Text an den Support schicken.")


if __name__ == "__main__":
    run()
