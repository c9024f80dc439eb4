"""The calendar run (`kundenbuch termine`): the Terminübersicht, onboarding plans and
(asked for) tax dates into Termine, and an .ics export of everything."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..book import schema
from ..book.reader import Book, read_book
from ..reports.calendar_overview import report
from ..rules.follow_ups import follow_ups
from ..rules.schedule import Overview, new_onboarding_rows, new_tax_rows, overview
from .stichtag import Stichtag, choose
from .apply import WriteResult, exclusive, write
from .plan import Plan, RowAppend


def plan(book, stichtag: date, now: datetime, version: str, annual_checks,
         tax_year: int | None = None, plans_from: date | None = None
         ) -> tuple[Plan, Overview, list, list]:
    """The Terminübersicht, plus new Termine rows: onboarding plans (counted from
    plans_from: the welcome letter's date, else today, so never in the past) and, when
    asked for, the tax dates of a year."""
    onboarding = new_onboarding_rows(book.kunden, book.termine, book.settings,
                                     plans_from or now.date())
    taxes = new_tax_rows(tax_year, book.termine, book.settings) if tax_year else []
    view = overview(book.termine, book.settings, stichtag)
    days = book.settings.get("vorschau_tage", 14)
    view.follow_ups = follow_ups(book.kontakte, book.angebote, stichtag, days, book.kunden,
                                 book.stufen, view.overdue_deadlines)
    result = Plan(sheets=[report(view, book.kunden, annual_checks, now, version, days,
                                 view.follow_ups)])
    if onboarding or taxes:
        result.appends.append(RowAppend(schema.TERMINE.table, onboarding + taxes))
    return result, view, onboarding, taxes


@dataclass
class CalendarResult:
    book: Book
    overview: object
    onboarding: list
    taxes: list
    plan: Plan
    write: WriteResult | None = None
    ics_events: int = 0
    when: Stichtag | None = None      # the Stichtag used, with its reason


@exclusive()
def run(path: Path, stichtag: date | None, now: datetime, ics: Path | None = None,
        steuertermine: int | None = None, probelauf: bool = False,
        book: Book | None = None, target=None) -> CalendarResult:
    """Terminübersicht, onboarding plans and (asked for) tax dates into Termine, and an
    .ics export of everything."""
    from .. import __version__
    from .tiers import analyse_book
    book = book or read_book(path)
    when = choose(stichtag, book.settings, now.date())
    stichtag = when.day
    checks_due = analyse_book(book, stichtag).annual_checks_due()
    plan_, view, onboarding, taxes = plan(book, stichtag, now, __version__, checks_due,
                                          steuertermine)
    result = CalendarResult(book, view, onboarding, taxes, plan_, when=when)
    if probelauf:
        return result
    result.write = write(book, plan_, now, target, protocol=("Termine", stichtag))
    if ics is not None:
        from ..book.records import Record
        from ..documents.ics import calendar
        # The rows just appended join the ones read, instead of reading the file again.
        added = [Record(schema.TERMINE.sheet, 0, row, {}) for row in onboarding + taxes]
        data = calendar(book.termine + added, book.kunden, book.settings, stichtag, now,
                        view.follow_ups)
        Path(ics).write_bytes(data)
        result.ics_events = data.count(b"BEGIN:VEVENT")
    return result
