"""The month-end run (`kundenbuch monatsabschluss`): check, receivables, tier proposals,
calendar and every due letter, written back in ONE safe write with one Protokoll row."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..book import schema
from ..book.reader import Book, read_book
from ..book.records import split_cell
from ..checks import run_checks
from ..checks.findings import Finding, has_errors
from ..reports.check_report import report_sheet
from ..reports.german import counted, severity_counts
from ..rules.amounts import euro
from ..reports.bank_reconciliation import report as reconciliation_report
from . import appointments, bank_import, export_vat, receivables, tiers
from . import letters as letters_run
from . import quotes as quotes_run
from . import subscriptions
from .einvoice_out import EInvoices
from .einvoice_out import attach as attach_einvoices
from .stichtag import Stichtag, choose
from .apply import WriteResult, check_writable, exclusive
from .parallel import in_background
from .plan import Plan, RowAppend, protocol_row


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
    when: Stichtag | None = None      # the Stichtag used, with its reason
    payments_confirmed: int = 0       # rows taken from the answers in Zahlungsabgleich
    billed: object = None             # subscriptions billed (runs/subscriptions.Billed)
    accepted: object = None           # quotes invoiced (runs/quotes.Accepted)
    follow_ups: list = field(default_factory=list)   # Wiedervorlagen (rules/follow_ups)
    einvoices: EInvoices = field(default_factory=EInvoices)
    vat: object = None                # runs/export_vat.VatResult of the current period

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


def _show_letters_made(book, plan, analysis, letters, stichtag, now, version,
                       to_confirm=()) -> None:
    """Offene Posten and Stufenanalyse as they stand once the run's letters are out:
    a reminder just made shows as the last letter, not as due; a thank-you letter or
    an invitation just made shows with its date."""
    from ..reports.open_items import report as open_items
    from ..reports.tier_analysis import report as tier_analysis
    after = receivables.after_letters(book, stichtag, letters)
    if after is not None:
        after.to_confirm = to_confirm
        plan.replace_sheet(open_items(after, now, version))
    made = {("Dank" if letter.template == "dank" else "Jahrescheck",
             letter.client["kundennr"]): letter.context["datum"]
            for letter in letters if letter.template in ("dank", "jahrescheck")}
    if made:
        plan.replace_sheet(tier_analysis(analysis, now, version, made))


def rows_with_errors(findings) -> set:
    """(sheet, row) of Kunden and Rechnungen rows with a Fehler: no letters for them."""
    rows = set()
    for finding in findings:
        if (finding.severity == "Fehler" and finding.sheet in (schema.KUNDEN.sheet,
                                                               schema.RECHNUNGEN.sheet)
                and finding.cell[:1].isalpha()):
            rows.add((finding.sheet, split_cell(finding.cell.split(":")[0])[0]))
    return rows


@exclusive()
def run(path: Path, stichtag: date | None, now: datetime, probelauf: bool = False,
        pdf: bool = False, progress=None, book: Book | None = None,
        target=None, letters: bool = True, briefdatum: date | None = None,
        email: bool = False) -> MonthEndResult:
    """The month's work in one run: check, receivables, tier proposals, calendar and
    every due letter, written back in ONE safe write with one Protokoll row for the run."""
    from .. import __version__
    started = time.perf_counter()
    read = book or read_book(path, progress=progress)
    when = choose(stichtag, read.settings, now.date())
    stichtag = when.day
    letter_date = briefdatum or now.date()      # letters carry the day they are made
    # The payments the user confirmed in Zahlungsabgleich count from this run on: the
    # run computes with them (book); the file is written from the book as read.
    # (Not from Excel's button: the open workbook may hold answers not saved yet, and
    # the sheet would be rewritten without them.)
    answers = (bank_import.take_answers(read)
               if read.zahlungen is not None and target is None else None)
    book, added = bank_import.with_payments(read, answers.confirmed if answers else [])
    # Subscriptions due append their invoices (and get their documents below).
    book, billed = subscriptions.bill(book, stichtag, letter_date)
    # Quotes set to "angenommen" become invoices (their documents are made below).
    book, accepted = quotes_run.accept(book, letter_date, stichtag=stichtag)
    if book.zahlungen is not None:
        # made once, before the checks fork off: they and the receivables share it
        receivables.allocation_of(book)
    # The checks run beside the computations (on a second core where there is one).
    with in_background(run_checks, book, stichtag) as checking:
        summary = receivables.summarize(book, stichtag)
        if answers is not None:
            summary.to_confirm = bank_import.waiting_entries(answers.kept)
        analysis = tiers.analyse_book(book, stichtag, summary)
        plan = receivables.plan(book, summary, now, __version__)
        billed.into(plan)
        accepted.into(plan)
        if answers is not None:
            bank_import.take_new_rows(plan, added, answers.confirmed, summary)
            if answers.entries:
                plan.sheets.append(reconciliation_report(answers.kept, now, __version__))
        plan.extend(tiers.plan(book, analysis, now, __version__, take_over=False))
        calendar_plan, calendar_view, onboarding, _ = appointments.plan(
            book, stichtag, now, __version__, analysis.annual_checks_due(),
            plans_from=letter_date)
        plan.extend(calendar_plan)
        findings = checking.result()
    plan.sheets.insert(0, report_sheet(findings, stichtag))
    skipped = rows_with_errors(findings)
    due = letters_run.due_letters(book, stichtag, summary=summary, analysis=analysis,
                                  skip_rows=frozenset(skipped),
                                  letter_date=letter_date,
                                  also_invoices=billed.numbers | accepted.numbers
                                  ) if letters else []
    due, einvoices = attach_einvoices(due, book.settings)
    result = MonthEndResult(read, findings, summary, plan, stichtag, analysis, due,
                            sorted(skipped), onboarding=onboarding, when=when,
                            einvoices=einvoices, billed=billed, accepted=accepted,
                            follow_ups=calendar_view.follow_ups)
    result.payments_confirmed = len(answers.confirmed) if answers else 0
    result.vat = export_vat.due_return(book, stichtag)
    if probelauf:
        return result
    check_writable(read, target)
    result.letter_run = letters_run.produce(book, due, stichtag, now, pdf, progress, email)
    plan.extend(result.letter_run.plan)
    _show_letters_made(book, plan, analysis, due, stichtag, now, __version__,
                       summary.to_confirm)
    details = (f"offen {euro(summary.open_total)}, überfällig {euro(summary.overdue_total)}, "
               f"{counted(len(due), 'Brief')}, {len(analysis.promises)} Versprechen offen, "
               + severity_counts(findings)
               + f", {time.perf_counter() - started:.1f} s, kundenbuch {__version__}")
    plan.appends.append(RowAppend(schema.PROTOKOLL.table, [protocol_row(
        now, "Monatsabschluss", stichtag=stichtag, details=details)]))
    result.write = letters_run.write_with_letters(read, plan, now, target,
                                                  result.letter_run)
    return result
