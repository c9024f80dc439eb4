"""Subscriptions billed at month-end: each due period of an Abo becomes a new row of
Rechnungen (the next number of the book's scheme, dated the period's first day, its
Leistungszeitraum named) and its invoice document in the same run; Nächste Rechnung
moves on. See rules/subscriptions.py for what is due."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..book import schema
from ..rules.numbering import next_number
from ..rules.receivables import Terms, due_date
from ..rules.subscriptions import Billing, due_billings
from .new_rows import fold_into_rows, with_rows
from .plan import CellWrite, Plan


@dataclass
class Billed:
    billings: list[Billing] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    added: list = field(default_factory=list)           # their records
    cells: list[CellWrite] = field(default_factory=list)  # Nächste Rechnung

    @property
    def numbers(self) -> frozenset:
        return frozenset(str(row["rechnungsnr"]) for row in self.rows)

    def into(self, plan: Plan) -> None:
        fold_into_rows(plan, schema.RECHNUNGEN, self.added, self.rows)
        plan.cells += self.cells


def bill(book, stichtag: date, letter_date: date):
    """(the book with the new invoice rows, what was billed)."""
    billed = Billed()
    if not book.abos or schema.RECHNUNGEN.table not in book.locations:
        return book, billed
    billings, next_days = due_billings(book.abos, book.rechnungen, stichtag)
    terms = Terms.from_settings(book.settings)
    numbers = [i["rechnungsnr"] for i in book.rechnungen]
    for billing in billings:
        abo = billing.abo
        number = next_number(numbers, billing.start, taken=billed.numbers)
        billed.rows.append({
            "rechnungsnr": number, "kundennr": abo["kundennr"],
            "rechnungsdatum": billing.start, "leistung": billing.service,
            # the period is named in Leistung; its first day is the service date
            "leistungsdatum": billing.start,
            "netto": abo["netto"], "ust_satz": abo["ust_satz"],
            # due after the document goes out (and not before the Stichtag the run
            # computes at), not after the period began
            "faellig_am": due_date(max(billing.start, letter_date, stichtag), terms)})
        billed.billings.append(billing)
    for abo in book.abos:
        day = next_days.get(id(abo))
        # (a table without the column still bills each period once: by its Leistung)
        if (day is not None and abo["naechste_rechnung"] != day
                and abo.has_column("naechste_rechnung")):
            billed.cells.append(CellWrite(abo.sheet, abo.row,
                                          abo.columns["naechste_rechnung"], day))
    work, billed.added = with_rows(book, schema.RECHNUNGEN, billed.rows)
    return work, billed
