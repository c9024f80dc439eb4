"""The check run (`kundenbuch pruefen`): every rule over the book; with schreiben, the
Prüfbericht sheet too."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..book.reader import Book, read_book
from ..checks import run_checks
from ..checks.findings import Finding, has_errors
from ..reports.check_report import report_sheet
from .stichtag import Stichtag, choose
from .apply import WriteResult, exclusive, write
from .plan import Plan


@dataclass
class CheckResult:
    book: Book
    findings: list[Finding]
    stichtag: date
    write: WriteResult | None = None
    plan: Plan = field(default_factory=Plan)
    when: Stichtag | None = None      # the Stichtag used, with its reason

    @property
    def has_errors(self) -> bool:
        return has_errors(self.findings)


# Unusable settings are listed with every other finding, not refused: nothing computed
# from them is written here.
@exclusive(writes=lambda options: options.get("schreiben"), refuse_settings=False)
def run(path: Path, stichtag: date | None, now: datetime,
        schreiben: bool = False, book: Book | None = None, target=None,
        progress=None) -> CheckResult:
    """Check the workbook; with schreiben, also (re)write the Prüfbericht sheet."""
    book = book or read_book(path, refuse_settings=False, progress=progress)
    when = choose(stichtag, book.settings, now.date())
    stichtag = when.day
    findings = run_checks(book, stichtag)
    result = CheckResult(book, findings, stichtag, when=when)
    if schreiben:
        result.plan = Plan(sheets=[report_sheet(findings, stichtag)])
        result.write = write(book, result.plan, now, target)
    return result
