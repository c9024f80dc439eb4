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
from .apply import WriteResult, exclusive, write
from .plan import Plan


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


# Unusable settings are listed with every other finding, not refused: nothing computed
# from them is written here.
@exclusive(writes=lambda options: options.get("schreiben"), refuse_settings=False)
def run(path: Path, stichtag: date, now: datetime,
        schreiben: bool = False, book: Book | None = None, target=None) -> CheckResult:
    """Check the workbook; with schreiben, also (re)write the Prüfbericht sheet."""
    book = book or read_book(path, refuse_settings=False)
    findings = run_checks(book, stichtag)
    result = CheckResult(book, findings, stichtag)
    if schreiben:
        result.plan = Plan(sheets=[report_sheet(findings, stichtag)])
        result.write = write(book, result.plan, now, target)
    return result
