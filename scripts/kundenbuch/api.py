"""The Python API behind the commands; the command line is a thin layer over it.

Time comes in as a parameter (stichtag, now): nothing below this layer asks the clock.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from . import schema
from .amounts import euro
from .checks import run_checks
from .findings import Finding, has_errors
from .parallel import in_background
from .plan import Plan, RowAppend
from .pruefbericht import report_sheet
from .reader import Book, read_book
from .writer import WriteResult, apply_plan


class AlreadyExists(Exception):
    pass


def _write(book, plan, now, target=None):
    """Apply a plan: to the closed file (default), or to a target such as the workbook
    open in Excel (see excel.py)."""
    if target is not None:
        return target.apply(book, plan, now)
    return apply_plan(book, plan, now, book.settings.get("sicherungen_behalten", 30))


def _check(book, target=None):
    """Before letters are made: can the result be written at all?"""
    if target is None:
        from .writer import check_writable
        check_writable(book)


def neu(path: Path, with_demo: bool = False, overwrite: bool = False) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ValueError(f"{path.name}: der Dateiname muss auf .xlsx enden.")
    if path.exists() and not overwrite:
        raise AlreadyExists(f"{path} gibt es schon; zum Ersetzen --ueberschreiben angeben.")
    path.parent.mkdir(parents=True, exist_ok=True)
    from . import demo, template     # openpyxl is needed only to create a new file
    template.create_workbook(path, demo.generate() if with_demo else None)
    return path


@dataclass
class CheckResult:
    book: Book
    findings: list[Finding]
    stichtag: date
    write: WriteResult | None = None
    plan: Plan = field(default_factory=Plan)

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


def pruefen(path: Path, stichtag: date, now: datetime,
            schreiben: bool = False, book: Book | None = None, target=None) -> CheckResult:
    """Check the workbook; with schreiben, also (re)write the Prüfbericht sheet."""
    book = book or read_book(path)
    findings = run_checks(book, stichtag)
    result = CheckResult(book, findings, stichtag)
    if schreiben:
        result.plan = Plan(sheets=[report_sheet(findings, stichtag)])
        result.write = _write(book, result.plan, now, target)
    return result


@dataclass
class ReceivablesResult:
    book: Book
    summary: object
    plan: Plan
    warnings: list[Finding]
    write: WriteResult | None = None


def forderungen(path: Path, stichtag: date, now: datetime, probelauf: bool = False,
                book: Book | None = None, target=None) -> ReceivablesResult:
    """Status, aging, interest and the dunning level due, written back unless probelauf."""
    from . import __version__, forderungen as receivables_run
    from .checks.einstellungen import base_rate_current
    book = book or read_book(path)
    summary = receivables_run.summarize(book, stichtag)
    plan = receivables_run.plan(book, summary, now, __version__)
    result = ReceivablesResult(book, summary, plan, list(base_rate_current(book, stichtag)))
    if not probelauf:
        result.write = _write(book, plan, now, target)
    return result


@dataclass
class MonthEndResult:
    book: Book
    findings: list[Finding]
    summary: object
    plan: Plan
    stichtag: date
    analysis: object = None
    letters: list = field(default_factory=list)
    skipped_rows: list = field(default_factory=list)     # (sheet, row) left out of letters
    letter_run: object = None
    onboarding: list = field(default_factory=list)
    write: WriteResult | None = None

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


def default_stichtag(today: date) -> date:
    """In the first days of a month the month just ended, otherwise today."""
    if today.day <= 10:
        return today.replace(day=1) - timedelta(days=1)
    return today


def rows_with_errors(findings) -> set:
    """(sheet, row) of Kunden and Rechnungen rows with a Fehler: no letters for them."""
    from .records import split_cell
    rows = set()
    for finding in findings:
        if (finding.severity == "Fehler" and finding.sheet in (schema.KUNDEN.sheet,
                                                               schema.RECHNUNGEN.sheet)
                and finding.cell[:1].isalpha()):
            rows.add((finding.sheet, split_cell(finding.cell.split(":")[0])[0]))
    return rows


def monatsabschluss(path: Path, stichtag: date, now: datetime, probelauf: bool = False,
                    pdf: bool = False, progress=None, book: Book | None = None,
                    target=None, letters: bool = True) -> MonthEndResult:
    """The month's work in one run: check, receivables, tier proposals, calendar and
    every due letter, written back in ONE safe write with one Protokoll row for the run."""
    import time
    from . import (__version__, briefe_lauf, forderungen as receivables_run, stufenanalyse,
                   terminuebersicht)
    from .plan import protocol_row
    started = time.perf_counter()
    book = book or read_book(path)
    # The checks run beside the computations (on a second core where there is one).
    with in_background(run_checks, book, stichtag) as checking:
        summary = receivables_run.summarize(book, stichtag)
        analysis = stufenanalyse.analyse_book(book, stichtag)
        plan = receivables_run.plan(book, summary, now, __version__)
        plan.extend(stufenanalyse.plan(book, analysis, now, __version__, take_over=False))
        calendar_plan, _, onboarding, _ = terminuebersicht.plan(
            book, stichtag, now, __version__, analysis.annual_checks_due())
        plan.extend(calendar_plan)
        findings = checking.result()
    plan.sheets.insert(0, report_sheet(findings, stichtag))
    skipped = rows_with_errors(findings)
    due = briefe_lauf.due_letters(book, stichtag, summary=summary, analysis=analysis,
                                  skip_rows=frozenset(skipped)) if letters else []
    result = MonthEndResult(book, findings, summary, plan, stichtag, analysis, due,
                            sorted(skipped), onboarding=onboarding)
    if probelauf:
        return result
    _check(book, target)
    result.letter_run = briefe_lauf.produce(book, due, stichtag, now, pdf, progress)
    plan.extend(result.letter_run.plan)
    counts = {level: sum(f.severity == level for f in findings)
              for level in ("Fehler", "Warnung", "Hinweis")}
    details = (f"offen {euro(summary.open_total)}, überfällig {euro(summary.overdue_total)}, "
               f"{len(due)} Briefe, {len(analysis.promises)} Versprechen offen, "
               + ", ".join(f"{n} {k}" for k, n in counts.items())
               + f", {time.perf_counter() - started:.1f} s, kundenbuch {__version__}")
    plan.appends.append(RowAppend(schema.PROTOKOLL.table, [protocol_row(
        now, "Monatsabschluss", stichtag=stichtag, details=details)]))
    result.write = _write(book, plan, now, target)
    return result


@dataclass
class TierResult:
    book: Book
    analysis: object
    plan: Plan
    write: WriteResult | None = None


def stufen(path: Path, stichtag: date, now: datetime, uebernehmen: bool = False,
           probelauf: bool = False, book: Book | None = None, target=None) -> TierResult:
    """ABC analysis, promise monitor and customer journey; tiers change in Kunden only
    with uebernehmen."""
    from . import __version__, stufenanalyse
    book = book or read_book(path)
    analysis = stufenanalyse.analyse_book(book, stichtag)
    plan = stufenanalyse.plan(book, analysis, now, __version__, uebernehmen)
    result = TierResult(book, analysis, plan)
    if not probelauf:
        result.write = _write(book, plan, now, target)
    return result


@dataclass
class CalendarResult:
    book: Book
    overview: object
    onboarding: list
    taxes: list
    plan: Plan
    write: WriteResult | None = None
    ics_events: int = 0


def termine(path: Path, stichtag: date, now: datetime, ics: Path | None = None,
            steuertermine: int | None = None, probelauf: bool = False,
            book: Book | None = None, target=None) -> CalendarResult:
    """Terminübersicht, onboarding plans and (asked for) tax dates into Termine, and an
    .ics export of everything."""
    from . import __version__, stufenanalyse, terminuebersicht
    book = book or read_book(path)
    checks_due = stufenanalyse.analyse_book(book, stichtag).annual_checks_due()
    plan, view, onboarding, taxes = terminuebersicht.plan(book, stichtag, now, __version__,
                                                          checks_due, steuertermine)
    result = CalendarResult(book, view, onboarding, taxes, plan)
    if probelauf:
        return result
    result.write = _write(book, plan, now, target)
    if ics is not None:
        from .ics import calendar
        from .records import Record
        # The rows just appended join the ones read, instead of reading the file again.
        added = [Record(schema.TERMINE.sheet, 0, row, {}) for row in onboarding + taxes]
        data = calendar(book.termine + added, book.kunden, book.settings, stichtag, now)
        Path(ics).write_bytes(data)
        result.ics_events = data.count(b"BEGIN:VEVENT")
    return result


@dataclass
class LettersResult:
    book: Book
    letters: list
    run: object = None
    write: WriteResult | None = None


def briefe(path: Path, stichtag: date, now: datetime, kinds=None, invoice_number=None,
           pdf: bool = False, probelauf: bool = False, progress=None,
           book: Book | None = None, target=None) -> LettersResult:
    """Produce every due letter (or those of the kinds asked for) and write back."""
    from . import briefe as letters_module, briefe_lauf
    book = book or read_book(path)
    kinds = tuple(kinds or letters_module.KINDS)
    if invoice_number is not None:
        kinds = ("rechnung",)
    letters = briefe_lauf.due_letters(book, stichtag, kinds, invoice_number)
    result = LettersResult(book, letters)
    if probelauf or not letters:
        return result
    _check(book, target)
    result.run = briefe_lauf.produce(book, letters, stichtag, now, pdf, progress)
    result.write = _write(book, result.run.plan, now, target)
    return result


def vorlagen_pruefen(folder: Path) -> dict:
    """Template name -> problems (empty list: fine)."""
    from .render import check_template
    from .vorlagen import allowed_names
    return {path.stem: check_template(path, allowed_names(path.stem))
            for path in sorted(Path(folder).glob("*.docx")) if not path.name.startswith("~$")}


def archiv_pruefen(path: Path):
    from .briefe_lauf import check_archive
    return check_archive(read_book(path))
