"""The command line: German help and messages, exit codes 0 / 1 / 2, no tracebacks."""
from __future__ import annotations

import contextlib
import json
import os
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from . import __version__, api, cli_german
from .book.ooxml import UnreadableWorkbook
from .checks.findings import FEHLER, HINWEIS, WARNUNG
from .reports.german import counted, severity_counts
from .rules.amounts import ZERO
from .runs import oserrors
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
cli_german.install()


def plain_name(text: str) -> str:
    """'Prüfen' -> 'pruefen', 'Begrüßung' -> 'begruessung': how names are typed without
    umlauts, so that both spellings mean the same command or letter kind."""
    text = text.strip().casefold()
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return text
CONTEXT = {"help_option_names": ["-h", "--hilfe", "--help"], "max_content_width": 100}


def _help_option(function):
    return click.help_option("-h", "--hilfe", "--help",
                             help="Diese Hilfe zeigen und beenden.")(function)


class LetterKind(click.ParamType):
    """A letter kind by its German name, with or without umlauts, in any case
    ("Begrüßung", "begruessung"); Zahlungserinnerung and Mahnungen mean the dunning
    letters."""
    name = "Briefart"
    KINDS = {"begruessung": "begruessung", "dank": "dank", "mahnung": "mahnung",
             "mahnungen": "mahnung", "zahlungserinnerung": "mahnung",
             "jahrescheck": "jahrescheck", "rechnung": "rechnung", "rechnungen": "rechnung",
             "nachfassen": "nachfassen", "angebot": "nachfassen", "angebote": "nachfassen",
             "gruss": "gruss", "gruesse": "gruss", "geburtstag": "gruss",
             "jubilaeum": "gruss", "zufriedenheit": "zufriedenheit",
             "empfehlungsdank": "empfehlungsdank", "empfehlung": "empfehlungsdank"}

    def convert(self, value, param, ctx):
        kind = self.KINDS.get(plain_name(str(value)))
        if kind is None:
            self.fail(f"„{value}“ ist keine Briefart; möglich sind Begrüßung, Dank, "
                      "Mahnung, Jahrescheck, Rechnung, Nachfassen (Angebote), Gruß "
                      "(Geburtstag, Jubiläum), Zufriedenheit und Empfehlungsdank.",
                      param, ctx)
        return kind


def book_argument(function):
    return click.argument("pfad", required=False, default=DEFAULT_BOOK,
                          type=click.Path(dir_okay=False, path_type=Path))(function)


def stichtag_option(function):
    return click.option("--stichtag", type=click.DateTime(formats=["%Y-%m-%d", "%d.%m.%Y"]),
                        default=None, metavar="JJJJ-MM-TT",
                        help="Stichtag der Auswertung (Standard: die Einstellung Stichtag, "
                             "sonst in den ersten zehn Tagen eines Monats das Ende des "
                             "Vormonats, sonst heute).")(function)


def briefdatum_option(function):
    return click.option("--briefdatum", type=click.DateTime(formats=["%Y-%m-%d", "%d.%m.%Y"]),
                        default=None, metavar="JJJJ-MM-TT",
                        help="Datum der Briefe (Standard: heute); Fristen zählen ab ihm. "
                             "Was fällig ist, entscheidet der Stichtag.")(function)


def _day(value) -> date | None:
    """The day given with --stichtag or --briefdatum; None lets the run choose (the one
    Stichtag rule of runs/stichtag.py, or today for the letter date)."""
    return value.date() if value else None


@contextlib.contextmanager
def progress_bars():
    """A callback progress(label, done, total, detail="") that shows one bar per label
    with the count, the time taken and the time left. Redrawn at each call, not by a
    thread of its own: with no other thread running, the checks can run beside the
    computations (runs/parallel.py)."""
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                               TimeElapsedColumn, TimeRemainingColumn)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn(), TextColumn("noch"), TimeRemainingColumn())
    # Only on a terminal: piped output (a log file, a test) stays free of bar lines.
    with Progress(*columns, console=console, transient=True, auto_refresh=False,
                  disable=not console.is_terminal) as bar:
        tasks = {}

        def progress(label: str, done: int, total: int, detail: str = "") -> None:
            if label not in tasks:
                tasks[label] = bar.add_task(label, total=total)
            text = f"{label}: {detail}" if detail else label
            bar.update(tasks[label], completed=done, total=total, description=text)
            bar.refresh()
        yield progress


def print_stichtag(when) -> None:
    console.print(f"Stichtag {when}", highlight=False)


# Set by run(): the process ends with the command (not so under a test's CliRunner).
_PROCESS_ENDS_WITH_COMMAND = False


def leave(code: int):
    """End a command that holds a whole book. From the command line the process ends
    at once: Python would otherwise free millions of objects one by one (0.3 s on
    groß) only for the operating system to take the memory back anyway. Every file
    is closed by then (with-blocks); the output is flushed here."""
    if _PROCESS_ENDS_WITH_COMMAND:
        console.file.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def fail(message: str, code: int = EXIT_FAILED):
    errors.print(f"[bold red]Fehler:[/] {message}", highlight=False)
    sys.exit(code)


class _Commands(click.Group):
    """Faults of the machine (a full disk, a read-only folder, missing permissions)
    end a command with a German message naming the file, not as an internal error.
    Commands answer to their umlaut spelling too (`prüfen`, `Prüfen`)."""

    def get_command(self, ctx, cmd_name):
        return (super().get_command(ctx, cmd_name)
                or super().get_command(ctx, plain_name(cmd_name)))

    def resolve_command(self, ctx, args):
        if args and plain_name(args[0]) in self.commands:
            args = [plain_name(args[0]), *args[1:]]
        return super().resolve_command(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except OSError as exc:
            fail(oserrors.explain(exc))


@click.group(cls=_Commands, context_settings=CONTEXT)
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
      kundenbuch bank auszug.xml kundenbuch.xlsx
      kundenbuch lastschrift kundenbuch.xlsx
      kundenbuch zahlungen einrichten kundenbuch.xlsx
      kundenbuch einrichten kundenbuch.xlsx
      kundenbuch erechnung anzeigen rechnung.xml
      kundenbuch angebot annehmen A-2026-007
      kundenbuch auskunft K-0007
      kundenbuch akte K-0007
      kundenbuch BEFEHL --hilfe
    """


@main.command(context_settings=CONTEXT)
@click.argument("pfad", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--demo", is_flag=True, help="Mit erfundenen Beispieldaten füllen.")
@click.option("--ueberschreiben", "--überschreiben", is_flag=True,
              help="Eine vorhandene Datei ersetzen.")
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
        fail(f"{pfad} kann nicht geschrieben werden: {oserrors.reason(exc)}.")
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
    day = _day(stichtag)
    try:
        with progress_bars() as progress:
            result = api.pruefen(pfad, day, datetime.now(), schreiben=schreiben,
                                 progress=progress)
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
    leave(EXIT_FINDINGS if result.has_errors else EXIT_OK)


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
    day = _day(stichtag)
    try:
        with progress_bars() as progress:
            result = api.forderungen(pfad, day, datetime.now(), probelauf=probelauf,
                                     progress=progress)
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    print_stichtag(result.when)
    print_receivables(result.summary)
    for warning in result.warnings:
        console.print(f"[yellow]Warnung:[/] {warning.message}")
    if probelauf:
        lines = result.plan.describe()
        console.print(f"\n[bold]Probelauf[/]: {counted(len(lines), 'Änderung')} würden "
                      "geschrieben, nichts wurde verändert.")
        for line in lines:
            console.print("  " + line, highlight=False)
    else:
        print_write(result)


@main.command(context_settings=CONTEXT)
@book_argument
@stichtag_option
@briefdatum_option
@click.option("--pdf", is_flag=True, help="Briefe zusätzlich als PDF (LibreOffice).")
@click.option("--email", is_flag=True,
              help="Zu jedem Brief an einen Kunden mit E-Mail-Adresse einen E-Mail-Entwurf "
                   "(.eml mit PDF); kundenbuch sendet nichts.")
@click.option("--ohne-briefe", "ohne_briefe", is_flag=True,
              help="Keine Briefe erzeugen (z. B. um sie später mit „briefe“ zu machen).")
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, was geschähe.")
@_help_option
def monatsabschluss(pfad, stichtag, briefdatum, pdf, email, ohne_briefe, probelauf):
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
    day = _day(stichtag)
    try:
        with progress_bars() as progress:
            result = api.monatsabschluss(pfad, day, datetime.now(), probelauf=probelauf,
                                         pdf=pdf, progress=progress,
                                         letters=not ohne_briefe,
                                         briefdatum=_day(briefdatum), email=email)
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    console.print(f"[bold]Monatsabschluss[/] {pfad.name}, Stichtag {result.when}",
                  highlight=False)
    if result.payments_confirmed:
        console.print(f"Aus dem Zahlungsabgleich übernommen: "
                      f"{counted(result.payments_confirmed, 'Zahlung')}", highlight=False)
    if result.summary.to_confirm:
        console.print(f"[yellow]Zu bestätigen:[/] "
                      f"{counted(len(result.summary.to_confirm), 'Buchung')} im Blatt "
                      "„Zahlungsabgleich“", highlight=False)
    print_receivables(result.summary, "Mahnbriefe, die dieser Lauf erstellen würde"
                      if probelauf or ohne_briefe else "Mahnbriefe dieses Laufs")
    errors_found = [f for f in result.findings if f.severity == FEHLER]
    console.print("Prüfung: " + severity_counts(result.findings)
                  + (" (Einzelheiten im Blatt „Prüfbericht“)" if result.findings else ""))
    print_errors_and_warnings(result.findings)
    if result.skipped_rows:
        console.print("Ohne Brief wegen Fehlern: " + ", ".join(
            f"{sheet} Zeile {row}" for sheet, row in result.skipped_rows[:20]))
    kinds = {}
    for letter in result.letters:
        kinds[letter.protocol_kind] = kinds.get(letter.protocol_kind, 0) + 1
    console.print("Briefe: " + (", ".join(f"{n} × {k}" for k, n in kinds.items()) or "keine"))
    for label, made in (("Abos", result.billed), ("Angenommene Angebote", result.accepted)):
        if made is not None and made.rows:
            numbers = [str(row["rechnungsnr"]) for row in made.rows]
            console.print(f"{label}: {counted(len(numbers), 'Rechnung')} angelegt ("
                          + ", ".join(numbers[:10]) + (" …" if len(numbers) > 10 else "")
                          + ")", highlight=False)
    print_einvoices(result.einvoices, False)
    print_follow_ups(result.follow_ups, result.stichtag)
    console.print(f"Serviceversprechen offen oder bald fällig: "
                  f"{len(result.analysis.promises)}; Begrüßungstermine neu: "
                  f"{len(result.onboarding)}")
    print_care(result.analysis)
    if result.vat is not None:
        so_far = " bis zum Stichtag" if result.stichtag < result.vat.period.end else ""
        console.print(f"Umsatzsteuer {result.vat.period.german}{so_far} "
                      f"({result.vat.basis}): {format_money(result.vat.tax)} vor Vorsteuer; "
                      "Einzelheiten mit "
                      f"„kundenbuch export ust --zeitraum {result.vat.period.label}“",
                      highlight=False)
    if probelauf:
        console.print(f"Probelauf: {counted(len(result.plan.describe()), 'Änderung')} und "
                      f"{counted(len(result.letters), 'Brief')} wären fällig; nichts wurde "
                      "verändert.")
    else:
        if result.letter_run and result.letter_run.pdf_problem:
            console.print(f"[yellow]PDF:[/] {result.letter_run.pdf_problem}")
        if email and result.letter_run and result.letter_run.letters:
            print_email_drafts(result.letter_run)
        print_write(result)
    leave(EXIT_FINDINGS if errors_found else EXIT_OK)


@main.command(context_settings=CONTEXT)
@book_argument
@stichtag_option
@click.option("--uebernehmen", "--übernehmen", is_flag=True,
              help="Vorgeschlagene Stufen, Phasen und Umsatz 12 Monate ins Blatt Kunden "
                   "schreiben.")
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, nichts schreiben.")
@_help_option
def stufen(pfad, stichtag, uebernehmen, probelauf):
    """Kundenstufen A/B/C, Serviceversprechen, Kundenreise und Empfehlungen.

    Schreibt das Blatt „Stufenanalyse“ (mit Pareto-Diagramm): Stufen, die Phase jedes
    Kunden aus Angeboten, Rechnungen und Zahlungen mit Grund, ruhende Kontakte mit dem
    nächsten Schritt und wer wen empfohlen hat. Stufen und Phasen im Blatt Kunden
    ändern sich nur mit --uebernehmen.

    \b
    Beispiele:
      kundenbuch stufen kundenbuch.xlsx --stichtag 2026-10-31
      kundenbuch stufen --uebernehmen
    """
    day = _day(stichtag)
    try:
        result = api.stufen(pfad, day, datetime.now(), uebernehmen=uebernehmen,
                            probelauf=probelauf)
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    print_stichtag(result.when)
    print_tiers(result.analysis)
    if probelauf:
        console.print("Probelauf: nichts wurde verändert.")
    else:
        print_write(result)
        if not uebernehmen:
            console.print("Stufen und Phasen im Blatt Kunden bleiben Vorschläge; "
                          "--uebernehmen schreibt sie.")


@main.command(context_settings=CONTEXT)
@book_argument
@stichtag_option
@click.option("--ics", type=click.Path(dir_okay=False, path_type=Path), metavar="DATEI",
              help="Alle Termine und Fristen als Kalenderdatei (.ics) schreiben.")
@click.option("--steuertermine", type=click.IntRange(2000, 2100), metavar="JAHR",
              help="Die Steuertermine dieses Jahres ins Blatt Termine eintragen (einmal).")
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, nichts schreiben.")
@_help_option
def termine(pfad, stichtag, ics, steuertermine, probelauf):
    """Ein Kalender für alles: Terminübersicht, Begrüßungsplan, Steuertermine, .ics.

    Schreibt das Blatt „Terminübersicht“ (nächste Tage, verstrichene Fristen, offene
    Rückrufe, fällige Jahreschecks, Steuertermine, Fahrtenbuch) und trägt für neue
    Kunden ohne „Begrüßt am“ die ersten Termine des Begrüßungsplans ein.

    \b
    Beispiele:
      kundenbuch termine kundenbuch.xlsx --ics kundenbuch.ics
      kundenbuch termine --steuertermine 2027
    """
    day = _day(stichtag)
    try:
        result = api.termine(pfad, day, datetime.now(), ics=ics, steuertermine=steuertermine,
                             probelauf=probelauf)
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"Die Kalenderdatei kann nicht geschrieben werden: {oserrors.reason(exc)}.")
    print_stichtag(result.when)
    view = result.overview
    table = Table(title=f"Termine ab {view.stichtag:%d.%m.%Y}", title_justify="left")
    for header in ("Datum", "Zeit", "Art", "Kunde", "Betreff"):
        table.add_column(header)
    for item in view.upcoming[:TERMINAL_ROWS]:
        table.add_row(f"{item['datum']:%d.%m.%Y}",
                      f"{item['beginn']:%H:%M}" if item["beginn"] else "", item["art"] or "",
                      item["kundennr"] or "", item["betreff"] or "")
    console.print(table)
    _more(len(view.upcoming), "Termine", "Terminübersicht")
    for deadline in view.tax:
        console.print(f"Steuertermin {deadline.day:%d.%m.%Y}: {deadline.title}"
                      + (f" ({deadline.note})" if deadline.note else ""))
    if view.overdue_deadlines:
        console.print(f"[red]{counted(len(view.overdue_deadlines), 'Lieferfrist')} "
                      "verstrichen und offen[/] – siehe Terminübersicht")
    if view.open_callbacks:
        console.print(f"Offen: {counted(len(view.open_callbacks), 'Rückruf')}")
    print_follow_ups(view.follow_ups, view.stichtag)
    if result.onboarding:
        console.print(f"Begrüßungsplan: {counted(len(result.onboarding), 'Termin')} für "
                      "neue Kunden eingetragen")
    if result.taxes:
        console.print(f"Steuertermine {steuertermine}: {len(result.taxes)} eingetragen")
    elif steuertermine:
        console.print(f"Steuertermine {steuertermine}: schon alle eingetragen")
    if probelauf:
        console.print("Probelauf: nichts wurde verändert.")
        return
    print_write(result)
    if ics:
        console.print(f"Kalenderdatei geschrieben: {ics} ({result.ics_events} Einträge)")


@main.command(context_settings=CONTEXT)
@book_argument
@stichtag_option
@briefdatum_option
@click.option("--art", "arten", multiple=True,
              type=LetterKind(), metavar="ART",
              help="Nur diese Briefart (mehrfach möglich): Begrüßung, Dank, Mahnung, "
                   "Jahrescheck, Rechnung, Nachfassen (offene Angebote kurz vor Ablauf), "
                   "Gruß (Geburtstag, Jubiläum), Zufriedenheit, Empfehlungsdank. "
                   "Standard: alle fälligen.")
@click.option("--rechnung", "rechnungsnr", metavar="NR", help="Genau diese Rechnung erstellen.")
@click.option("--angebot", "angebotsnr", metavar="NR",
              help="Das Angebot NR erstellen (Blatt Angebote, Positionen).")
@click.option("--pdf", is_flag=True, help="Zusätzlich PDF über LibreOffice erzeugen.")
@click.option("--erechnung", is_flag=True,
              help="E-Rechnung auch dort, wo sie nicht Pflicht ist (Kleinunternehmer, "
                   "Rechnungen bis 250 € brutto).")
@click.option("--email", is_flag=True,
              help="Zu jedem Brief an einen Kunden mit E-Mail-Adresse einen E-Mail-Entwurf "
                   "(.eml, PDF angehängt) zum Prüfen und Senden; kundenbuch sendet nichts.")
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, welche Briefe fällig sind.")
@_help_option
def briefe(pfad, stichtag, briefdatum, arten, rechnungsnr, angebotsnr, pdf, erechnung,
           email, probelauf):
    """Alle fälligen Briefe aus den Word-Vorlagen in vorlagen/ erzeugen.

    Begrüßung (Kunden ohne „Begrüßt am“), Dank (erste Rechnung bezahlt),
    Zahlungserinnerung und Mahnungen (wie „forderungen“ sie fällig sieht),
    Jahrescheck-Einladung (versprochen und fällig), Rechnungen (dieses Monats, noch nicht
    erstellt), Grüße im Monat vor Geburtstag oder Kundenjubiläum (1, 5, 10 Jahre; nur mit
    Einwilligung), die Frage nach der Zufriedenheit nach einer erledigten Lieferfrist
    oder einem bezahlten Auftrag, der Dank an den, der einen neuen Kunden empfohlen hat;
    jeder davon einmal. Nach einem Widerruf (Kunden-Spalte „Widerruf am“) geht keiner
    der Briefe, die werben. Die Dateien kommen nach briefe/JJJJ-MM/; zurückgeschrieben
    werden Begrüßt am, Mahnstufe, Gemahnt am, je Brief eine Zeile in Kontakte und je
    Datei eine Protokollzeile mit SHA-256.

    Rechnungen an Gewerbekunden in Deutschland sind E-Rechnungen: ZUGFeRD (EN 16931,
    die XML steckt in der PDF/A-3) oder XRechnung (Kunden-Spalte E-Rechnung, mit
    Leitweg-ID) als XML daneben. Jede wird vorher geprüft; verletzt sie eine Regel, wird
    diese Rechnung nicht erstellt und die Regel genannt.

    \b
    Beispiele:
      kundenbuch briefe kundenbuch.xlsx --stichtag 2026-10-31 --pdf
      kundenbuch briefe --art mahnung --probelauf
      kundenbuch briefe --rechnung 2026-0057 --pdf
      kundenbuch briefe --angebot A-2026-007 --pdf
    """
    day = _day(stichtag)
    try:
        with progress_bars() as progress:
            result = api.briefe(pfad, day, datetime.now(), kinds=arten or None,
                                invoice_number=rechnungsnr, pdf=pdf, probelauf=probelauf,
                                progress=progress, briefdatum=_day(briefdatum),
                                erechnung=erechnung, quote_number=angebotsnr,
                                email=email)
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    except api.InvoiceNotFound as exc:
        fail(str(exc), EXIT_FINDINGS)
    print_stichtag(result.when)
    print_einvoices(result.einvoices, rechnungsnr is not None)
    if not result.letters:
        console.print("Keine Briefe fällig.")
        sys.exit(EXIT_FINDINGS if result.einvoices.refused else EXIT_OK)
    table = Table(title=f"Briefe zum {result.when.day:%d.%m.%Y}", title_justify="left")
    for header in ("Brief", "Kunde", "Rechnungen"):
        table.add_column(header)
    for letter in result.letters[:TERMINAL_ROWS]:
        table.add_row(letter.protocol_kind, f"{letter.client['kundennr']} "
                      f"{letter.context['empfaenger']['name']}",
                      ", ".join(str(i["rechnungsnr"]) for i in letter.invoices))
    console.print(table)
    _more(len(result.letters), "Briefe", "Protokoll")
    if probelauf:
        console.print(f"Probelauf: {counted(len(result.letters), 'Brief')} wären fällig; nichts "
                      "erstellt.")
        return
    folder = result.run.files[0][1].parent
    console.print(f"{counted(len(result.run.files), 'Datei')} in {folder}")
    if result.run.pdf_problem:
        console.print(f"[yellow]PDF:[/] {result.run.pdf_problem}")
    if email:
        print_email_drafts(result.run)
    print_write(result)


def print_email_drafts(letter_run) -> None:
    """How many drafts were made, and who gets paper because the book has no address."""
    from .runs.letters import emailed
    drafts = [f for _, f in letter_run.files if f.suffix == ".eml"]
    drafted = emailed(letter_run.files)
    paper = sorted({str(letter.client["kundennr"]) for letter in letter_run.letters
                    if id(letter) not in drafted})
    console.print(f"E-Mail-Entwürfe: {len(drafts)} (.eml, mit PDF; zum Prüfen und Senden im "
                  "Mailprogramm)", highlight=False)
    if paper:
        console.print(f"Ohne E-Mail-Adresse, nur Papierbrief: {', '.join(paper[:20])}"
                      + (" …" if len(paper) > 20 else ""), highlight=False)


def print_follow_ups(items, stichtag) -> None:
    """The Wiedervorlagen, overdue ones first (the list is in Terminübersicht)."""
    if not items:
        return
    late = [f for f in items if f.overdue(stichtag)]
    console.print(f"Wiedervorlagen: {len(items)} (davon {len(late)} überfällig; Liste im "
                  "Blatt „Terminübersicht“)", highlight=False)
    for item in (late + [f for f in items if not f.overdue(stichtag)])[:5]:
        console.print(f"  {item.day:%d.%m.%Y} {item.client}: {item.what}", highlight=False)


def print_einvoices(outcome, asked_for_one: bool) -> None:
    """What became of each invoice's e-invoice: made, not needed (said when one invoice
    was asked for), or refused with the rules it breaks."""
    for number, kind in outcome.made.items():
        console.print(f"E-Rechnung {number}: {kind}, geprüft (EN 16931)", highlight=False)
    if asked_for_one:
        for number, why in outcome.without.items():
            console.print(f"E-Rechnung {number}: keine ({why})", highlight=False)
    for number, findings in outcome.refused.items():
        console.print(f"[red]Rechnung {number} nicht erstellt[/]: die E-Rechnung verletzt "
                      f"{counted(len(findings), 'Regel')}:", highlight=False)
        for finding in findings[:10]:
            console.print(f"    {finding.rule}: {finding.text}", highlight=False)


@main.group(context_settings=CONTEXT)
@_help_option
def vorlagen():
    """Die Word-Vorlagen in vorlagen/ anlegen und prüfen."""


@vorlagen.command("neu", context_settings=CONTEXT)
@click.option("--ordner", type=click.Path(file_okay=False, path_type=Path),
              default=Path("vorlagen"), show_default=True)
@click.option("--ueberschreiben", "--überschreiben", is_flag=True,
              help="Vorhandene Vorlagen ersetzen.")
@_help_option
def vorlagen_neu(ordner, ueberschreiben):
    """Die Standardvorlagen anlegen (vorhandene bleiben, außer mit --ueberschreiben).

    \b
    Beispiel:
      kundenbuch vorlagen neu --ordner vorlagen
    """
    written = api.vorlagen_neu(ordner, overwrite=ueberschreiben)
    console.print(f"{counted(len(written), 'Vorlage')} geschrieben in {ordner}" if written else
                  "Alle Vorlagen sind schon da (--ueberschreiben ersetzt sie).")


@vorlagen.command("pruefen", context_settings=CONTEXT)
@click.option("--ordner", type=click.Path(file_okay=False, path_type=Path),
              default=Path("vorlagen"), show_default=True)
@_help_option
def vorlagen_pruefen(ordner):
    """Jede Vorlage prüfen: Platzhalter-Syntax, Word-Anführungszeichen, unbekannte Namen.

    Exit-Code 0: alle in Ordnung; 1: Probleme gefunden; 2: Ordner fehlt.

    \b
    Beispiel:
      kundenbuch vorlagen pruefen --ordner vorlagen
    """
    if not ordner.is_dir():
        fail(f"Den Ordner {ordner} gibt es nicht.")
    results = api.vorlagen_pruefen(ordner)
    for name, problems in results.items():
        if problems:
            console.print(f"[red]✗[/] {name}.docx")
            for problem in problems:
                console.print(f"    {problem}", highlight=False)
        else:
            console.print(f"[green]✓[/] {name}.docx")
    sys.exit(EXIT_FINDINGS if any(results.values()) else EXIT_OK)


@main.command(context_settings=CONTEXT)
@book_argument
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, was angelegt würde.")
@_help_option
def einrichten(pfad, probelauf):
    """Eine ältere Mappe bekommt die neuen Tabellen und Spalten.

    Tabellen Positionen (Rechnungs- und Angebotszeilen), Abos, Angebote und Kontakte auf
    neuen Blättern am Ende der Mappe; Spalten wie „Storno zu“ (Rechnungen), Geburtstag,
    Leitweg-ID und E-Rechnung (Kunden) rechts an ihren Tabellen, leer. Ein
    Schreibvorgang mit Sicherungskopie; ein zweiter Aufruf tut nichts.

    \b
    Beispiel:
      kundenbuch einrichten kundenbuch.xlsx --probelauf
    """
    try:
        result = api.einrichten(pfad, datetime.now(), probelauf=probelauf)
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    for table in result.tables:
        console.print(f"Neue Tabelle {table} (Blatt am Ende der Mappe)", highlight=False)
    for table, header in result.columns:
        console.print(f"Neue Spalte {header} in {table}", highlight=False)
    for reason in result.left_out:
        console.print(f"[yellow]Nicht angelegt:[/] {reason}.", highlight=False)
    if result.nothing:
        console.print(f"{pfad.name} hat alle Tabellen und Spalten; nichts zu tun.")
        return
    if probelauf:
        console.print("[bold]Probelauf[/]: nichts wurde verändert.")
    else:
        print_write(result)


@main.group(context_settings=CONTEXT)
@_help_option
def zahlungen():
    """Zahlungseingänge: jede Zahlung eine Zeile der Tabelle Zahlungen."""


@zahlungen.command("einrichten", context_settings=CONTEXT)
@book_argument
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, was geschrieben würde.")
@_help_option
def zahlungen_einrichten(pfad, probelauf):
    """Eine ältere Mappe bekommt die Tabelle Zahlungen.

    Jede eingetragene Zahlung (Bezahlt am und Bezahlt Betrag in Rechnungen) wird eine
    Zeile mit Art „Übernommen“; Rechnungen bekommt die Spalte Offen. Ein Schreibvorgang
    mit Sicherungskopie. Danach schreibt kundenbuch Bezahlt am und Bezahlt Betrag aus
    den Zahlungen; neue Zahlungen kommen als Zeilen in die Tabelle Zahlungen.

    \b
    Beispiel:
      kundenbuch zahlungen einrichten kundenbuch.xlsx
    """
    try:
        result = api.zahlungen_einrichten(pfad, datetime.now(), probelauf=probelauf)
    except (UnreadableWorkbook, WriteRefused, api.SetupRefused) as exc:
        fail(str(exc))
    if result.already:
        console.print(f"{pfad.name} hat die Tabelle Zahlungen schon; nichts zu tun.")
        return
    console.print(f"Tabelle Zahlungen: {counted(len(result.moved), 'Zahlung')} aus "
                  "Rechnungen übernommen (Art „Übernommen“). Das Blatt steht am Ende der "
                  "Mappe; Sie können es neben Rechnungen ziehen.", highlight=False)
    if result.offen_added:
        console.print("Rechnungen: neue Spalte Offen (noch offener Betrag).")
    elif result.offen_blocked:
        console.print(f"[yellow]Hinweis:[/] {result.offen_blocked}.", highlight=False)
    if probelauf:
        console.print("[bold]Probelauf[/]: nichts wurde verändert.")
        for line in result.plan.describe():
            console.print("  " + line, highlight=False)
    else:
        print_write(result)


BOOK_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


@main.command(context_settings=CONTEXT)
@click.argument("dateien", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@stichtag_option
@click.option("--spalten", metavar="ZUORDNUNG", default=None,
              help="Für die CSV-Datei einer unbekannten Bank: welche Spalte was ist, z. B. "
                   "\"Datum=Buchungstag; Betrag=Umsatz; Name=Auftraggeber; "
                   "Verwendungszweck=Text\" (wird in den Einstellungen gemerkt).")
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, nichts schreiben.")
@_help_option
def bank(dateien, stichtag, spalten, probelauf):
    """Kontoauszüge einlesen: Zahlungen zuordnen, Unsicheres zum Bestätigen vorlegen.

    Liest camt.053, camt.052, camt.054, MT940 und die CSV-Exporte deutscher Banken
    (Sparkasse, Volks-/Raiffeisenbank, Deutsche Bank/Postbank, Commerzbank/comdirect,
    ING, DKB, N26). Sicher Zugeordnetes wird eine Zeile in Zahlungen; der Rest steht im
    Blatt „Zahlungsabgleich“, wo Sie in „Zuordnen“ eine Rechnungsnr, eine Kundennr oder
    „ignorieren“ eintragen. Der nächste Aufruf (auch ohne Datei) übernimmt das zuerst.
    Dieselbe Buchung wird nie zweimal übernommen. Die letzte Angabe ist die Mappe, wenn
    sie auf .xlsx oder .xlsm endet (Standard: ./kundenbuch.xlsx).

    \b
    Beispiele:
      kundenbuch bank auszug-oktober.xml kundenbuch.xlsx
      kundenbuch bank umsaetze.csv --probelauf
      kundenbuch bank kundenbuch.xlsx          # nur die Antworten im Zahlungsabgleich
    """
    files = list(dateien)
    path = Path(DEFAULT_BOOK)
    if files and files[-1].suffix.casefold() in BOOK_SUFFIXES:
        path = files.pop()
    from .bank.lines import BankFileError
    try:
        with progress_bars() as progress:
            result = api.bank(path, files, datetime.now(), _day(stichtag), probelauf=probelauf,
                              spalten=spalten, progress=progress)
    except (UnreadableWorkbook, WriteRefused, BankFileError, api.NoPaymentsTable) as exc:
        fail(str(exc))
    print_bank(result)
    if probelauf:
        console.print("[bold]Probelauf[/]: nichts wurde verändert.")
    else:
        print_write(result)


def print_bank(result) -> None:
    from .reports.sheet import format_value
    for name, kind, count in result.files:
        console.print(f"{name}: {kind}, {counted(count, 'Buchung')}", highlight=False)
    matching = result.matching
    if result.confirmed or result.confirmed_ignored:
        console.print(f"Aus dem Zahlungsabgleich übernommen: "
                      f"{counted(len(result.confirmed), 'Zahlung')}"
                      + (f", {result.confirmed_ignored} ignoriert"
                         if result.confirmed_ignored else ""), highlight=False)
    for entry, why in result.waiting_answers:
        console.print(f"[yellow]Warnung:[/] Zahlungsabgleich {entry['buchungs_id']}: {why}.",
                      highlight=False)
    if matching.payments:
        table = Table(title="Zugeordnet", title_justify="left")
        for header in ("Datum", "Betrag", "Kunde", "Rechnungen", "Art"):
            table.add_column(header, justify="right" if header == "Betrag" else "left")
        for row in matching.payments[:TERMINAL_ROWS]:
            table.add_row(format_value(row["datum"]), format_value(Decimal(row["betrag"])),
                          row["kundennr"] or "", row["rechnungsnr"] or "", row["art"])
        console.print(table)
    if matching.to_confirm:
        table = Table(title="Zu bestätigen (Blatt Zahlungsabgleich)", title_justify="left")
        for header in ("Datum", "Betrag", "Auftraggeber", "Verwendungszweck", "Vorschlag"):
            table.add_column(header, justify="right" if header == "Betrag" else "left")
        for line, candidates in matching.to_confirm[:TERMINAL_ROWS]:
            table.add_row(format_value(line.day), format_value(line.amount), line.name,
                          line.purpose[:60], candidates[0].shown() if candidates else "")
        console.print(table)
    if matching.ignored:
        table = Table(title="Ignoriert", title_justify="left")
        for header in ("Datum", "Betrag", "Auftraggeber/Empfänger", "Verwendungszweck",
                       "Warum"):
            table.add_column(header, justify="right" if header == "Betrag" else "left")
        for line, why in matching.ignored[:TERMINAL_ROWS]:
            table.add_row(format_value(line.day), format_value(line.amount), line.name,
                          line.purpose[:60], why)
        console.print(table)
        if len(matching.ignored) > TERMINAL_ROWS:
            console.print(f"… und {len(matching.ignored) - TERMINAL_ROWS} weitere")
    credits = [line.amount for line, _ in matching.ignored if line.amount > 0]
    debits = [-line.amount for line, _ in matching.ignored if line.amount < 0]
    console.print(
        f"Zugeordnet: {len(matching.payments)} ({format_value(matching.total('payments'))}); "
        f"zu bestätigen: {len(matching.to_confirm)} "
        f"({format_value(matching.total('to_confirm'))}); ignoriert: "
        f"{counted(len(credits), 'Eingang')} ({format_value(sum(credits, ZERO))}) und "
        f"{counted(len(debits), 'Abbuchung')} ({format_value(sum(debits, ZERO))}); "
        f"schon übernommen: {len(matching.duplicates)}.", highlight=False)
    if result.mapping_saved:
        console.print("Die Spaltenzuordnung steht jetzt in der Einstellung "
                      "„Bank-CSV Spalten“.")


@main.command(context_settings=CONTEXT)
@book_argument
@click.option("--faellig", "--fällig", type=click.DateTime(formats=["%Y-%m-%d", "%d.%m.%Y"]),
              default=None, metavar="JJJJ-MM-TT",
              help="Alles einziehen, was bis zu diesem Tag fällig ist (Standard: heute in "
                   "14 Tagen).")
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, keine Datei schreiben.")
@_help_option
def lastschrift(pfad, faellig, probelauf):
    """SEPA-Lastschriftdatei (pain.008) für fällige Rechnungen von Lastschrift-Kunden.

    Für jede offene Rechnung eines Kunden mit Mandat (Zahlungsart Lastschrift, IBAN,
    Mandatsreferenz, Mandat vom), deren Einzugstag bis --faellig kommt: Einzugstag wie
    auf der Rechnung angekündigt (frühestens nach der Vorabankündigung), FRST beim
    ersten Einzug eines Mandats, sonst RCUR. Die Datei kommt nach lastschriften/ und
    wird im Online-Banking hochgeladen; das Protokoll nennt ihre Rechnungen, die bis
    zur Zahlung oder Rücklastschrift nicht gemahnt werden. Ein zweiter Aufruf zieht
    keine Rechnung noch einmal ein.

    \b
    Beispiele:
      kundenbuch lastschrift kundenbuch.xlsx
      kundenbuch lastschrift --faellig 2026-11-30 --probelauf
    """
    from .bank.lines import BankFileError
    from .reports.sheet import format_value
    try:
        result = api.lastschrift(pfad, datetime.now(), _day(faellig), probelauf=probelauf)
    except (UnreadableWorkbook, WriteRefused, BankFileError, api.DebitRefused) as exc:
        fail(str(exc))
    if not result.orders:
        console.print(f"Keine Rechnung von Lastschrift-Kunden ist bis zum "
                      f"{result.until:%d.%m.%Y} einzuziehen.", highlight=False)
        return
    table = Table(title=f"Einzüge bis {result.until:%d.%m.%Y}", title_justify="left")
    for header in ("Einzug am", "Kunde", "Rechnung", "Betrag", "Mandat", "Art"):
        table.add_column(header, justify="right" if header == "Betrag" else "left")
    for order in result.orders:
        table.add_row(format_value(order.collection_day), f"{order.client_number} {order.name}",
                      order.number, format_value(Decimal(order.amount_cents) / 100),
                      order.mandate_reference, order.sequence)
    console.print(table)
    total = sum((Decimal(o.amount_cents) for o in result.orders), Decimal(0)) / 100
    console.print(f"{counted(len(result.orders), 'Lastschrift')}, zusammen "
                  f"{format_value(total.quantize(Decimal('0.01')))}", highlight=False)
    if probelauf:
        console.print("[bold]Probelauf[/]: keine Datei geschrieben, nichts verändert.")
        return
    console.print(f"Datei zum Hochladen bei der Bank: [bold]{result.file}[/]",
                  highlight=False)
    print_write(result)


@main.group(context_settings=CONTEXT)
@_help_option
def angebot():
    """Angebote (Blatt Angebote): angenommene werden Rechnungen."""


@angebot.command("annehmen", context_settings=CONTEXT)
@click.argument("nummer", metavar="NR")
@book_argument
@click.option("--pdf", is_flag=True, help="Die Rechnung auch als PDF (ZUGFeRD).")
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, nichts schreiben.")
@_help_option
def angebot_annehmen(nummer, pfad, pdf, probelauf):
    """Aus dem Angebot NR sofort eine Rechnung machen.

    Die Rechnung bekommt die nächste Nummer, das Datum von heute, die Positionen des
    Angebots und ihr Dokument; im Angebot steht danach die Rechnungsnr. (Ohne diesen
    Befehl macht der Monatsabschluss das für jedes Angebot mit Status „angenommen“.)

    \b
    Beispiel:
      kundenbuch angebot annehmen A-2026-007 kundenbuch.xlsx --pdf
    """
    try:
        with progress_bars() as progress:
            result = api.angebot_annehmen(pfad, nummer, datetime.now(), probelauf=probelauf,
                                          pdf=pdf, progress=progress)
    except (UnreadableWorkbook, WriteRefused, api.QuoteRefused) as exc:
        fail(str(exc))
    number = ", ".join(sorted(result.accepted.numbers))
    console.print(f"Angebot {nummer} angenommen: Rechnung {number}", highlight=False)
    print_einvoices(result.einvoices, True)
    if probelauf:
        console.print("[bold]Probelauf[/]: nichts wurde verändert.")
        return
    if result.letter_run and result.letter_run.files:
        console.print(f"{counted(len(result.letter_run.files), 'Datei')} in "
                      f"{result.letter_run.files[0][1].parent}", highlight=False)
    print_write(result)


@main.command(context_settings=CONTEXT)
@click.argument("kundennr", metavar="KUNDENNR")
@book_argument
@stichtag_option
@_help_option
def akte(kundennr, pfad, stichtag):
    """Die Kundenakte: alles über einen Kunden, am Bildschirm und als PDF (akten/).

    Stammdaten, Phase, Stufe und warum, offene Posten, die Serviceversprechen der Stufe
    und ob sie gehalten sind, und der ganze Verlauf in zeitlicher Folge: Rechnungen,
    Zahlungen, Angebote, Termine, Kontakte und Briefe. Nur für Sie (nennt die Stufe);
    die Mappe bleibt unverändert.

    \b
    Beispiel:
      kundenbuch akte K-0015 kundenbuch.xlsx
    """
    from .book.records import display_name
    from .reports.sheet import format_value
    try:
        result = api.akte(pfad, kundennr, datetime.now(), _day(stichtag))
    except UnreadableWorkbook as exc:
        fail(str(exc))
    except api.ClientNotFound as exc:
        fail(str(exc), EXIT_FINDINGS)
    client = result.client
    console.print(f"[bold]Kundenakte {client['kundennr']} {display_name(client)}[/], Stand "
                  f"{result.stichtag:%d.%m.%Y}", highlight=False)
    tier = result.tier
    console.print(f"Phase: {result.phase_text}; Stufe: "
                  f"{(tier.in_force or '–') if tier else '–'}"
                  + (f" (Vorschlag {tier.proposed}: {'; '.join(tier.reasons)})"
                     if tier and tier.reasons else ""), highlight=False)
    console.print("Offen: " + (", ".join(f"{s.number} {format_value(s.open)}"
                                          for s in result.open_items) or "nichts"),
                  highlight=False)
    for promise in result.promises:
        console.print(f"[yellow]Versprechen {promise.what}:[/] {promise.state} "
                      f"{promise.detail}", highlight=False)
    table = Table(title="Verlauf", title_justify="left")
    for header in ("Datum", "Art", "Was"):
        table.add_column(header)
    for event in result.events[-TERMINAL_ROWS:]:
        table.add_row(f"{event.day:%d.%m.%Y}", event.kind, event.text)
    console.print(table)
    if len(result.events) > TERMINAL_ROWS:
        console.print(f"(die letzten {TERMINAL_ROWS} von {len(result.events)}; alle in der PDF)")
    if result.pdf_problem:
        console.print(f"[yellow]PDF:[/] {result.pdf_problem}", highlight=False)
    console.print(f"Akte: [bold]{result.path}[/]", highlight=False)


@main.command(context_settings=CONTEXT)
@click.argument("kundennr", metavar="KUNDENNR")
@book_argument
@_help_option
def auskunft(kundennr, pfad):
    """Auskunft nach Art. 15 DSGVO: alles über einen Kunden in einem Archiv.

    Schreibt auskunft/Auskunft_KUNDENNR_….zip: eine lesbare Zusammenfassung (PDF: welche
    Daten, wozu, woher, wie lange, Ihre Rechte), je Tabelle eine CSV-Datei mit allen
    Zeilen zu diesem Kunden und alle Briefe und Rechnungen, die das Protokoll für ihn
    nennt. Das Protokoll vermerkt die Auskunft (ohne die Daten selbst).

    \b
    Beispiel:
      kundenbuch auskunft K-0007 kundenbuch.xlsx
    """
    try:
        result = api.auskunft(pfad, kundennr, datetime.now())
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    except api.ClientNotFound as exc:
        fail(str(exc), EXIT_FINDINGS)
    counts = ", ".join(f"{table} {len(rows)}" for table, rows in result.rows.items() if rows)
    console.print(f"Auskunft für {kundennr}: {counts}; {len(result.documents)} Dokumente",
                  highlight=False)
    if result.missing:
        console.print(f"[yellow]Fehlen im Ordner briefe/:[/] {', '.join(result.missing[:5])}",
                      highlight=False)
    if result.pdf_problem:
        console.print(f"[yellow]PDF:[/] {result.pdf_problem} (Zusammenfassung als .docx)",
                      highlight=False)
    console.print(f"Archiv: [bold]{result.archive}[/]", highlight=False)
    print_write(result)


@main.command(context_settings=CONTEXT)
@click.argument("kundennr", metavar="KUNDENNR")
@book_argument
@click.option("--probelauf", is_flag=True, help="Nur anzeigen, was gelöscht und was "
              "aufbewahrt würde.")
@_help_option
def loeschen(kundennr, pfad, probelauf):
    """Einen Kunden löschen (Art. 17 DSGVO), soweit keine Aufbewahrungspflicht gilt.

    Geleert werden E-Mail, Telefon, Geburtstag, Notizen, Einwilligungen, Kontakte und
    Termine; gelöscht Briefe, die keine Geschäftsbriefe sind (Grüße, Dank, Einladungen),
    E-Mail-Entwürfe, Kundenakten und Auskunftsarchive. Aufbewahrt werden Rechnungen
    (8 Jahre), Zahlungen und Fahrten (10 Jahre), Mahnungen und Angebote (6 Jahre), je ab
    Ende des Jahres; solange bleiben Name und Anschrift im Blatt Kunden, gesperrt (Phase
    Inaktiv, Widerruf am). Zu jedem aufbewahrten Stück steht, bis wann. Mit offenen
    Posten oder einem laufenden Abo wird nicht gelöscht. Vorher kommt eine
    Sicherungskopie nach sicherung/; das Protokoll vermerkt die Löschung ohne die Daten.

    \b
    Beispiele:
      kundenbuch loeschen K-0007 kundenbuch.xlsx --probelauf
      kundenbuch loeschen K-0007 kundenbuch.xlsx
    """
    try:
        result = api.loeschen(pfad, kundennr, datetime.now(), probelauf=probelauf)
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    except (api.ClientNotFound, api.ErasureRefused) as exc:
        fail(str(exc), EXIT_FINDINGS)
    erasure = result.erasure
    cleared = ", ".join(f"{table} {count}" for table, count in erasure.rows_cleared.items())
    console.print(f"{'Würde löschen' if probelauf else 'Gelöscht'} für {kundennr}: "
                  f"{len(result.plan.cells)} Felder"
                  + (f" (ganze Zeilen: {cleared})" if cleared else "")
                  + f", {len(erasure.files)} Dateien", highlight=False)
    if erasure.kept:
        table = Table(title="Aufbewahrt (gesperrt), danach löschen", title_justify="left")
        for header in ("Unterlagen", "Grund", "bis"):
            table.add_column(header)
        groups = {}
        for item in sorted(erasure.kept, key=lambda k: k.until):
            groups.setdefault(item.why, []).append(item)
        for why, items in groups.items():       # each group in date order
            first, last = items[0].until, items[-1].until
            table.add_row(items[0].what if len(items) == 1 else
                          f"{len(items)}: {items[0].what} … {items[-1].what}", why,
                          f"{first:%d.%m.%Y}" if first == last
                          else f"{first:%d.%m.%Y} bis {last:%d.%m.%Y}")
        console.print(table)
        console.print(f"Name und Anschrift bleiben bis {erasure.kept_until:%d.%m.%Y} "
                      "(für die aufbewahrten Unterlagen).", highlight=False)
    else:
        console.print("Nichts ist aufzubewahren: auch Name und Anschrift sind gelöscht.")
    if probelauf:
        console.print("Probelauf: nichts wurde verändert.")
        return
    for name, reason in result.not_deleted:
        console.print(f"[yellow]Nicht gelöscht:[/] {name} ({reason}); bitte von Hand.",
                      highlight=False)
    print_write(result)
    console.print("Die Sicherungskopien in sicherung/ enthalten die Daten noch; sie werden "
                  "nach und nach ersetzt (Einstellung „Sicherungen behalten“).")


@main.group(context_settings=CONTEXT)
@_help_option
def export():
    """Zahlen für das Steuerbüro: Umsatzsteuer, DATEV, Einnahmen."""


def period_export_options(function):
    """Book, --zeitraum, --stichtag, --probelauf and help of an export by period."""
    for option in reversed((
            book_argument,
            click.option("--zeitraum", metavar="ZEITRAUM",
                         help="Monat (2026-10), Quartal (2026-Q3) oder Jahr (2026); leer "
                              "= der Zeitraum der Voranmeldung, in dem der Stichtag liegt."),
            stichtag_option,
            click.option("--probelauf", is_flag=True, help="Nur anzeigen, nichts schreiben."),
            _help_option)):
        function = option(function)
    return function


@export.command("ust", context_settings=CONTEXT)
@period_export_options
def export_ust(pfad, zeitraum, stichtag, probelauf):
    """Umsatzsteuer eines Voranmeldungszeitraums, mit den Kennzahlen des Formulars.

    Netto und Steuer je Steuersatz nach Soll- oder Ist-Versteuerung (Einstellung
    Versteuerung), Stornos und Gutschriften im Zeitraum ihrer Ausstellung, die
    Kennzahlen der Umsatzsteuer-Voranmeldung 2026 (81, 86, 21, 45, 48 …) und die
    Umsatzsteuer je Zeitraum als Diagramm; geschrieben ins Blatt „Umsatzsteuer“.
    Kleinunternehmer: keine Umsatzsteuer, aber der Umsatz gegen die Grenzen des § 19.

    \b
    Beispiele:
      kundenbuch export ust kundenbuch.xlsx --zeitraum 2026-Q3
      kundenbuch export ust --zeitraum 2026-10 --probelauf
    """
    try:
        result = api.export_ust(pfad, zeitraum, datetime.now(), _day(stichtag),
                                probelauf=probelauf)
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    except api.PeriodError as exc:
        fail(str(exc), EXIT_FINDINGS)
    console.print(f"[bold]Umsatzsteuer {result.period.german}[/] "
                  f"({result.period.start:%d.%m.%Y} bis {result.period.end:%d.%m.%Y}), "
                  f"{result.basis}-Versteuerung", highlight=False)
    from .rules.vat import FORM
    table = Table(title=f"Kennzahlen ({FORM})", title_justify="left")
    for header in ("Kz", "Bezeichnung", "Bemessungsgrundlage", "volle Euro", "Steuer"):
        table.add_column(header, justify="right" if header in (
            "Bemessungsgrundlage", "volle Euro", "Steuer") else "left")
    for line in result.lines:
        taxed = line.kennzahl in ("81", "86", "35")
        table.add_row(line.kennzahl, line.text, format_money(line.net), str(line.base),
                      format_money(line.tax) if taxed else "")
    console.print(table)
    console.print(f"Umsatzsteuer: [bold]{format_money(result.tax)}[/] (vor Abzug der "
                  f"Vorsteuer); {counted(len(result.entries), 'Buchung')} gezählt",
                  highlight=False)
    for note in result.notes:
        console.print(f"  {note}", highlight=False)
    if probelauf:
        console.print("Probelauf: nichts wurde verändert.")
    else:
        print_write(result)


@export.command("datev", context_settings=CONTEXT)
@period_export_options
def export_datev(pfad, zeitraum, stichtag, probelauf):
    """Ein Ordner für das Steuerbüro: DATEV-Buchungsstapel, Journal und Belege.

    Schreibt export/ZEITRAUM/: den Buchungsstapel im DATEV-Format (EXTF, eine Buchung je
    Rechnung und Steuersatz, je Storno und Gutschrift, je Zahlung), dasselbe als
    einfaches CSV-Journal für Steuerbüros ohne DATEV, die Debitorenkonten, die
    Rechnungs-PDFs des Zeitraums (Belege/) und ihre Liste mit SHA-256. Konten nach
    Kontenrahmen (Einstellung SKR03 oder SKR04), Debitoren ab „Debitoren ab“; Berater-
    und Mandantennummer aus den Einstellungen.

    \b
    Beispiele:
      kundenbuch export datev kundenbuch.xlsx --zeitraum 2026-10
      kundenbuch export datev --zeitraum 2026-Q3 --probelauf
    """
    try:
        result = api.export_datev(pfad, zeitraum, datetime.now(), _day(stichtag),
                                  probelauf=probelauf)
    except (UnreadableWorkbook, WriteRefused) as exc:
        fail(str(exc))
    except (api.PeriodError, api.ExportRefused) as exc:
        fail(str(exc), EXIT_FINDINGS)
    console.print(f"[bold]DATEV-Export {result.period.german}[/] "
                  f"({result.period.start:%d.%m.%Y} bis {result.period.end:%d.%m.%Y}), "
                  f"{result.frame}", highlight=False)
    kinds = {}
    for booking in result.bookings:
        kinds[booking.kind] = kinds.get(booking.kind, 0) + 1
    console.print(f"{counted(len(result.bookings), 'Buchung')}: "
                  + (", ".join(f"{n} × {k}" for k, n in sorted(kinds.items())) or "keine")
                  + f"; Rechnungen {format_money(result.total('Rechnung'))}, Zahlungen "
                  f"{format_money(result.total('Zahlung'))}", highlight=False)
    console.print(f"Belege: {len(result.documents)}"
                  + (f"; ohne PDF: {', '.join(result.missing[:10])}"
                     + (" …" if len(result.missing) > 10 else "")
                     + " (mit „kundenbuch briefe --rechnung NR --pdf“ erstellen)"
                     if result.missing else ""), highlight=False)
    if probelauf:
        console.print("Probelauf: nichts wurde verändert.")
        return
    console.print(f"Ordner für das Steuerbüro: [bold]{result.folder}[/]", highlight=False)
    for path in result.files:
        console.print(f"  {path.name}", highlight=False)
    print_write(result)


@export.command("euer", context_settings=CONTEXT)
@book_argument
@click.option("--jahr", type=click.IntRange(2000, 2100), required=True, metavar="JAHR",
              help="Das Jahr der Einnahmen, z. B. 2026.")
@_help_option
def export_euer(pfad, jahr):
    """Die Einnahmen eines Jahres für die Einnahmen-Überschuss-Rechnung.

    Was im Jahr eingegangen ist (Zuflussprinzip, § 11 EStG), je Monat und je Kunde:
    Netto, vereinnahmte Umsatzsteuer, Zinsen und Mahnkosten; als Tabelle und in
    export/EUER_JAHR_Monate.csv und export/EUER_JAHR_Kunden.csv. Ausgaben stehen nicht
    in diesem Buch; die Mappe bleibt unverändert.

    \b
    Beispiel:
      kundenbuch export euer kundenbuch.xlsx --jahr 2026
    """
    try:
        result = api.export_euer(pfad, jahr)
    except UnreadableWorkbook as exc:
        fail(str(exc))
    from .runs.export_income import MONTHS
    table = Table(title=f"Einnahmen {jahr} (Zufluss)", title_justify="left")
    for header in ("Monat", "Netto", "Umsatzsteuer", "Zinsen, Kosten", "Zufluss"):
        table.add_column(header, justify="left" if header == "Monat" else "right")
    for month, income in result.income.by_month.items():
        table.add_row(MONTHS[month - 1], format_money(income.net), format_money(income.vat),
                      format_money(income.other), format_money(income.total))
    total = result.income.total
    table.add_row("[bold]Summe[/]", format_money(total.net), format_money(total.vat),
                  format_money(total.other), f"[bold]{format_money(total.total)}[/]")
    console.print(table)
    top = sorted(result.income.by_client.items(), key=lambda item: -item[1].total)
    console.print("Größte Einzahler: " + ", ".join(
        f"{number or 'ohne Zuordnung'} {result.names.get(number, '')} "
        f"{format_money(income.total)}" for number, income in top[:5]), highlight=False)
    console.print("Ausgaben stehen nicht in diesem Buch; für die Einnahmen-Überschuss-"
                  "Rechnung kommen sie aus Ihrer Belegablage dazu. Die vereinnahmte "
                  "Umsatzsteuer ist Betriebseinnahme, die an das Finanzamt gezahlte "
                  "Betriebsausgabe.")
    for path in result.files:
        console.print(f"Geschrieben: {path}", highlight=False)


def format_money(value) -> str:
    from .reports.sheet import format_value
    return format_value(value)


@main.group(context_settings=CONTEXT)
@_help_option
def erechnung():
    """E-Rechnungen (XRechnung, ZUGFeRD, Factur-X) prüfen und lesbar machen."""


@erechnung.command("anzeigen", context_settings=CONTEXT)
@click.argument("dateien", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_help_option
def erechnung_anzeigen(dateien):
    """Empfangene E-Rechnungen prüfen und als lesbare PDF daneben legen.

    Liest XRechnung (CII oder UBL) und ZUGFeRD/Factur-X-PDFs, prüft Schema und die
    Geschäftsregeln EN 16931 (bei XRechnung auch die deutschen Regeln BR-DE) offline
    und schreibt DATEI_lesbar.pdf daneben: Absender, Empfänger, Positionen,
    Steuer, Summen, Zahlungsdaten und das Prüfergebnis. Eine Rechnung mit Fehlern
    dürfen Sie zurückweisen. Exit-Code 1, wenn eine Datei Fehler hat.

    \b
    Beispiel:
      kundenbuch erechnung anzeigen eingang/rechnung-4711.xml
    """
    with progress_bars() as progress:
        shown = api.erechnung_anzeigen(list(dateien), progress)
    bad = 0
    for item in shown:
        result = item.result
        if result is None or result.invoice is None:
            bad += 1
            reason = item.problem
            console.print(f"[red]✗[/] {item.source.name}: {reason}", highlight=False)
            continue
        invoice = result.invoice
        mark = "[green]✓[/]" if result.ok else "[red]✗[/]"
        bad += not result.ok
        console.print(f"{mark} {item.source.name}: {invoice.type_name} {invoice.number} "
                      f"von {invoice.seller.name}, {_money_text(invoice.payable)} "
                      f"{invoice.currency}", highlight=False)
        for finding in result.findings:
            colour = "red" if finding.level == "Fehler" else "yellow"
            console.print(f"    [{colour}]{finding.level}[/] {finding.rule}: {finding.text}",
                          highlight=False)
        if item.readable:
            console.print(f"    lesbar: {item.readable}", highlight=False)
        elif item.problem:
            console.print(f"    [yellow]PDF:[/] {item.problem}", highlight=False)
    sys.exit(EXIT_FINDINGS if bad else EXIT_OK)


def _money_text(value) -> str:
    from .reports.sheet import format_value
    return format_value(Decimal(value)).replace(" €", "")


@main.group(context_settings=CONTEXT)
@_help_option
def archiv():
    """Die erzeugten Dokumente prüfen."""


@archiv.command("pruefen", context_settings=CONTEXT)
@book_argument
@_help_option
def archiv_pruefen(pfad):
    """Fehlen Dateien, die das Protokoll nennt, oder wurden sie verändert (SHA-256)?

    \b
    Beispiel:
      kundenbuch archiv pruefen kundenbuch.xlsx
    """
    try:
        checked, problems = api.archiv_pruefen(pfad)
    except UnreadableWorkbook as exc:
        fail(str(exc))
    for problem in problems:
        console.print(f"[red]✗[/] Protokoll Zeile {problem.row}: {problem.file} "
                      f"{problem.problem}", highlight=False)
    console.print(f"{checked} Dokumente geprüft, {len(problems)} Probleme.")
    sys.exit(EXIT_FINDINGS if problems else EXIT_OK)


def print_tiers(analysis) -> None:
    from .book.records import display_name
    from .reports.sheet import format_value
    counts = Table(title=f"Kundenstufen zum Stichtag {analysis.stichtag:%d.%m.%Y}",
                   title_justify="left")
    for header in ("Stufe", "Kunden (Vorschlag)", "Umsatz 12 Monate"):
        counts.add_column(header, justify="left" if header == "Stufe" else "right")
    tiers = sorted({t.proposed for t in analysis.clients})
    for name in tiers:
        members = [t for t in analysis.clients if t.proposed == name]
        counts.add_row(name, str(len(members)),
                       format_value(sum((t.revenue for t in members), ZERO)))
    console.print(counts)
    changes = [t for t in analysis.clients if t.change]
    if changes:
        table = Table(title="Vorgeschlagene Änderungen", title_justify="left")
        for header in ("Kunde", "Änderung", "Grund"):
            table.add_column(header)
        for tier in changes[:TERMINAL_ROWS]:
            table.add_row(f"{tier.number} {display_name(tier.client)}", tier.change,
                          "; ".join(tier.reasons))
        console.print(table)
        _more(len(changes), "Änderungen", "Stufenanalyse")
    if analysis.promises:
        table = Table(title="Serviceversprechen offen oder bald fällig", title_justify="left")
        for header in ("Kunde", "Versprechen", "Stand", "Einzelheiten"):
            table.add_column(header)
        for promise in analysis.promises[:TERMINAL_ROWS]:
            table.add_row(f"{promise.client['kundennr']} {display_name(promise.client)}",
                          promise.what, promise.state, promise.detail)
        console.print(table)
        _more(len(analysis.promises), "Versprechen", "Stufenanalyse")
    journey = analysis.journey
    console.print("Kundenreise: " + ", ".join(f"{phase} {n}" for phase, n in
                                              analysis.per_phase.items() if n)
                  + f"; ruhend: {len(analysis.dormant)}; Dankesbrief fällig: "
                  f"{len(journey.thanks_due)}")
    print_phases(analysis)


def print_care(analysis) -> None:
    """The month-end's line on the customer process: phase proposals, dormant clients
    (the first few with the next step), referrals."""
    from .book.records import display_name
    changes = sum(1 for p in analysis.phases if p.change)
    referred = sum(len(r.referred) for r in analysis.referrals)
    console.print(f"Kundenprozess: {counted(changes, 'Phasenvorschlag')}"
                  " (übernehmen mit „kundenbuch stufen --uebernehmen“); ruhend: "
                  f"{len(analysis.dormant)}; Empfehlungen: {referred} Kunden von "
                  f"{len(analysis.referrals)} Empfehlenden (Blatt „Stufenanalyse“)",
                  highlight=False)
    for item in analysis.dormant[:SHOWN_ONE_BY_ONE]:
        console.print(f"  {item.client['kundennr']} {display_name(item.client)} "
                      f"({item.phase}, seit {item.days} Tagen): {item.next_step}",
                      highlight=False)


def print_phases(analysis) -> None:
    """The phase proposals that differ from Kunden, and the dormant clients with the
    next step."""
    from .book.records import display_name
    changes = [p for p in analysis.phases if p.change]
    if changes:
        table = Table(title=f"Phasenvorschläge ({len(changes)})", title_justify="left")
        for header in ("Kunde", "Änderung", "Grund"):
            table.add_column(header)
        for proposal in changes[:TERMINAL_ROWS]:
            table.add_row(f"{proposal.number} {display_name(proposal.client)}",
                          proposal.change, proposal.reason)
        console.print(table)
        _more(len(changes), "Vorschläge", "Stufenanalyse")
    if analysis.dormant:
        table = Table(title=f"Ruhende Kontakte ({len(analysis.dormant)})",
                      title_justify="left")
        for header in ("Kunde", "Phase", "Tage", "nächster Schritt"):
            table.add_column(header)
        for item in analysis.dormant[:TERMINAL_ROWS]:
            table.add_row(f"{item.client['kundennr']} {display_name(item.client)}",
                          item.phase, str(item.days), item.next_step)
        console.print(table)
        _more(len(analysis.dormant), "ruhende Kontakte", "Stufenanalyse")


@main.command(context_settings=CONTEXT)
@click.option("--groesse", "--größe", type=click.Choice(["klein", "mittel", "gross"]),
              default="klein",
              show_default=True, help="klein: 200 Kunden, 2.000 Rechnungen; mittel: "
              "5.000/50.000; gross: 20.000/200.000.")
@click.option("--ausgabe", type=click.Path(dir_okay=False, path_type=Path),
              help="Ergebnis zusätzlich als Markdown in diese Datei schreiben.")
@click.option("--briefe", "letters", type=click.IntRange(0, 10000), default=200,
              show_default=True, help="So viele Mahnbriefe rendern (0: keine).")
@_help_option
def benchmark(groesse, ausgabe, letters):
    """Messen, wie schnell kundenbuch auf diesem Rechner ist.

    Erzeugt eine Beispielmappe der gewählten Größe (mit demselben Generator wie
    „neu --demo“), misst Lesen, Prüfen, Rechnen, Planen, Schreiben und den ganzen
    Monatsabschluss und zum Vergleich openpyxl und das schnellste reine Lesen.
    „gross“ braucht einige Minuten und gut 2 GB Speicher (für openpyxl).

    \b
    Beispiele:
      kundenbuch benchmark
      kundenbuch benchmark --groesse mittel --ausgabe messung.md
    """
    import platform

    from .runs import benchmark as bench
    with progress_bars() as progress:
        report = bench.run(groesse, progress=lambda text, done, total: progress(
            "Messung", done, total, text), letters=letters)
    table = Table(title=f"Messung {groesse}", title_justify="left")
    for header in ("Schritt", "Sekunden", "Speicher (MB)", "Hinweis"):
        table.add_column(header, justify="left" if header in ("Schritt", "Hinweis")
                         else "right")
    for m in report.measurements:
        table.add_row(m.name, f"{m.seconds:.2f}", f"{m.peak_mb:.0f}" if m.peak_mb else "",
                      m.note)
    console.print(table)
    console.print(report.ratios_line())
    if report.letter_ms is not None:
        console.print(f"Briefe: {report.letters} Mahnbriefe, {report.letter_ms:.0f} ms je Brief"
                      + (f", PDF {report.pdf_seconds:.2f} s je Brief im Stapel"
                         if report.pdf_seconds is not None else ", kein LibreOffice für PDF"))
    for text, ok in report.verdicts:
        console.print(f"{'[green]✓' if ok else '[red]✗'}[/] {text}")
    if ausgabe:
        machine = f"{platform.machine()}, {os.cpu_count()} Kerne, Python {platform.python_version()}"
        ausgabe.write_text(bench.markdown(report, machine, date.today().isoformat()),
                           encoding="utf-8")
        console.print(f"Ergebnis gespeichert: {ausgabe}")


def print_receivables(summary, letters_title="Fällige Briefe (erzeugt beim "
                                            "Monatsabschluss)") -> None:
    from .book.records import display_name
    from .reports.sheet import format_value
    from .rules.receivables import BUCKETS, LEVEL_NAMES
    table = Table(title=f"Forderungen zum Stichtag {summary.stichtag:%d.%m.%Y}",
                  title_justify="left")
    table.add_column("Altersklasse")
    table.add_column("Offen", justify="right")
    for bucket in BUCKETS:
        table.add_row(bucket, format_value(summary.buckets_total[bucket]))
    table.add_row("[bold]Summe[/]", f"[bold]{format_value(summary.open_total)}[/]")
    console.print(table)
    console.print(f"Davon überfällig: [bold]{format_value(summary.overdue_total)}[/]")
    barred = [s for s in summary.open_items if s.time_barred]
    if barred:
        console.print("[yellow]Verjährt[/] (keine Mahnung mehr, §§ 195, 199 BGB): "
                      + ", ".join(f"{s.number} seit {s.time_barred:%d.%m.%Y}"
                                  for s in barred[:TERMINAL_ROWS])
                      + (" …" if len(barred) > TERMINAL_ROWS else ""), highlight=False)
    letters = summary.letters_due()
    if not letters:
        console.print("Keine Zahlungserinnerung oder Mahnung fällig.")
        return
    due = Table(title=letters_title, title_justify="left")
    for header in ("Kunde", "Brief", "Rechnungen", "Offen"):
        due.add_column(header, justify="right" if header == "Offen" else "left")
    ordered = sorted(((number, max(s.next_level for s in states), states)
                      for number, states in letters.items()),
                     key=lambda row: (-row[1], row[0]))
    for number, level, states in ordered[:TERMINAL_ROWS]:
        due.add_row(f"{number} {display_name(states[0].client)}", LEVEL_NAMES[level],
                    ", ".join(s.number for s in states),
                    format_value(sum((s.open for s in states), ZERO)))
    console.print(due)
    _more(len(ordered), "Briefe", "Offene Posten")


def _more(count: int, what: str, sheet: str) -> None:
    if count > TERMINAL_ROWS:
        console.print(f"… und {count - TERMINAL_ROWS} weitere {what} (alle im Blatt „{sheet}“)")


SHOWN_ONE_BY_ONE = 10


def print_errors_and_warnings(findings) -> None:
    """Every Fehler and Warnung of a run, each with its cell; where there are many of
    one kind, grouped by the rule that found them (the Prüfbericht lists every one)."""
    for level in (FEHLER, WARNUNG):
        found = [f for f in findings if f.severity == level]
        if len(found) <= SHOWN_ONE_BY_ONE:
            for finding in found:
                console.print(f"  [{COLOURS[level]}]{level}[/] {finding.address}: "
                              f"{finding.message}", highlight=False)
            continue
        by_rule: dict[str, list] = {}
        for finding in found:
            by_rule.setdefault(finding.rule, []).append(finding)
        for group in by_rule.values():
            first = group[0]
            more = f" (und {len(group) - 1} weitere gleicher Art)" if len(group) > 1 else ""
            console.print(f"  [{COLOURS[level]}]{level}[/] {first.address}: "
                          f"{first.message}{more}", highlight=False)


def print_write(result) -> None:
    """What the run wrote, as the writer reports it: only what changed."""
    write = result.write
    if write is None:
        return
    if write.changed:
        console.print(f"Geschrieben: {result.plan.written(result.book, write.parts)}. "
                      f"Sicherung: {write.backup}", highlight=False)
    else:
        console.print("Die Arbeitsmappe ist schon aktuell; nichts geschrieben.")


def print_findings(result) -> None:
    findings = result.findings
    path = result.book.path
    if not findings:
        console.print(f"[green]✓[/] {path.name}: keine Befunde (Stichtag {result.when}).",
                      highlight=False)
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
    if findings:
        console.print(f"{path.name}, Stichtag {result.when}: " + severity_counts(findings),
                      highlight=False)
    print_write(result)


def run():
    """Entry point that turns anything unexpected into a German message, not a traceback."""
    from .runs.gcpause import collector_paused
    global _PROCESS_ENDS_WITH_COMMAND
    _PROCESS_ENDS_WITH_COMMAND = True
    try:
        with collector_paused(resume=False):       # the process ends with the run
            main(standalone_mode=True)
    except KeyboardInterrupt:
        fail("abgebrochen.")
    except Exception as exc:  # the last line of defence: a message, never a traceback
        fail(f"Unerwarteter Fehler ({type(exc).__name__}: {exc}). Die Arbeitsmappe wurde "
             "nicht verändert. Bitte diesen Text an den Support schicken.")


if __name__ == "__main__":
    run()
