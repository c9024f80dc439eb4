"""The tiers run (`kundenbuch stufen`): ABC analysis, promise monitor and customer
journey; tiers change in Kunden only when the user takes the proposals over."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..book import schema
from ..book.reader import Book, read_book
from ..reports.tier_analysis import report
from ..rules import phases
from ..rules.erasure import erased_clients
from ..rules.tiers import TierAnalysis, analyse
from .stichtag import Stichtag, choose
from .apply import WriteResult, exclusive, write
from .plan import Plan, changed_cells


def thanked_clients(protocol) -> set:
    return {row["kundennr"] for row in protocol if row["art"] == "Dank" and row["kundennr"]}


def analyse_book(book, stichtag: date, summary=None) -> TierAnalysis:
    """The tiers and promises; with the receivables (summary) also each client's
    phase proposal and the dormant clients."""
    analysis = analyse(book.kunden, book.rechnungen, book.stufen, book.termine,
                       book.settings, stichtag,
                       thanked_clients(book.records.get(schema.PROTOKOLL.table, [])))
    if summary is not None:
        last = phases.last_activities(
            stichtag, (book.rechnungen, "rechnungsdatum"), (book.termine, "datum"),
            (book.kontakte, "datum"), (book.angebote, "angebotsdatum"),
            (book.zahlungen or [], "datum"))
        protocol = book.records.get(schema.PROTOKOLL.table, [])
        analysis.phases = phases.propose(book.kunden, summary.invoices, book.angebote,
                                         book.abos, last, book.settings, stichtag,
                                         erased_clients(protocol))
        analysis.dormant = phases.dormant(analysis.phases, book.settings, stichtag)
    return analysis


def plan(book, analysis: TierAnalysis, now: datetime, version: str,
         take_over: bool) -> Plan:
    result = Plan(sheets=[report(analysis, now, version)])
    if take_over:
        for tier in analysis.clients:
            result.cells += changed_cells(tier.client, {"stufe": tier.proposed,
                                                        "umsatz_12_monate": tier.revenue})
        for proposal in analysis.phases:
            result.cells += changed_cells(proposal.client, {"phase": proposal.proposed},
                                          requested=True)
    return result


@dataclass
class TierResult:
    book: Book
    analysis: object
    plan: Plan
    write: WriteResult | None = None
    when: Stichtag | None = None      # the Stichtag used, with its reason


@exclusive()
def run(path: Path, stichtag: date | None, now: datetime, uebernehmen: bool = False,
        probelauf: bool = False, book: Book | None = None, target=None) -> TierResult:
    """ABC analysis, promise monitor and customer journey; tiers change in Kunden only
    with uebernehmen."""
    from .. import __version__
    book = book or read_book(path)
    when = choose(stichtag, book.settings, now.date())
    stichtag = when.day
    from .receivables import summarize
    analysis = analyse_book(book, stichtag, summarize(book, stichtag))
    plan_ = plan(book, analysis, now, __version__, uebernehmen)
    result = TierResult(book, analysis, plan_, when=when)
    if not probelauf:
        result.write = write(book, plan_, now, target, protocol=("Stufen", stichtag))
    return result
