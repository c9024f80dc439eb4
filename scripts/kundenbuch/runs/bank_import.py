"""`kundenbuch bank DATEI… [PFAD]`: bank statements into the Zahlungen table.

Order of a run: the answers the user typed in Zahlungsabgleich first (each a payment,
or ignored); then the statement lines, matched by rules/bank_matching.py; sure matches
become Zahlungen rows, the rest waits in Zahlungsabgleich. The receivables are written
in the same write, so that Offen, Bezahlt and Zugeordnet show the new payments at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ..bank.bank_csv import MAPPING_SETTING, parse_mapping
from ..bank.read import read_statement
from ..book import schema
from ..book.convert import money_parts
from ..book.reader import Book, read_book, read_sheet_rows
from ..book.records import split_cell
from ..reports.bank_reconciliation import report as reconciliation_report
from ..rules.amounts import ZERO, invoice_gross
from ..rules.applied import principal_paid
from ..rules.bank_matching import IGNORE, Matcher, Matching, confirmed_row, weak_key
from ..rules.payments import allocation_of
from . import receivables
from .apply import WriteResult, exclusive, write
from .new_rows import fold_into_rows, with_rows
from .plan import CellWrite, Plan, RowAppend, protocol_row
from .stichtag import choose

READING = "Kontoauszüge lesen"


class NoPaymentsTable(Exception):
    """The book has no Zahlungen table yet."""


@dataclass
class BankResult:
    book: Book
    plan: Plan
    matching: Matching
    files: list = field(default_factory=list)        # (file name, format, lines)
    confirmed: list = field(default_factory=list)    # rows from the user's answers
    confirmed_ignored: int = 0
    waiting_answers: list = field(default_factory=list)  # (entry, why it waits)
    mapping_saved: bool = False
    write: WriteResult | None = None
    when: object = None


def _answers(book) -> list[dict]:
    """The lines of Zahlungsabgleich with the user's answers."""
    entries = []
    for row in read_sheet_rows(book.path, schema.ZAHLUNGSABGLEICH, schema.ABGLEICH_HEADERS):
        day = row["Datum"]
        day = day.date() if isinstance(day, datetime) else day
        if not isinstance(day, date) or not row["Buchungs-ID"]:
            continue
        amount, _ = money_parts(row["Betrag"]) if isinstance(row["Betrag"], (int, float)) \
            else (Decimal(str(row["Betrag"]).replace(",", ".")), False)
        entries.append({"buchungs_id": str(row["Buchungs-ID"]), "datum": day,
                        "betrag": amount, "auftraggeber": row["Auftraggeber"] or None,
                        "iban": row["IBAN"] or None,
                        "verwendungszweck": row["Verwendungszweck"] or None,
                        "vorschlaege": row["Vorschläge"] or None,
                        "zuordnen": str(row["Zuordnen"]).strip() or None,
                        "hinweis": None})
    return entries


def _open_amounts(book) -> dict:
    """Rechnungsnr -> principal still owed after every payment in Zahlungen."""
    allocation = allocation_of(book)
    result = {}
    for invoice in book.rechnungen:
        number = invoice["rechnungsnr"]
        if number is None or invoice["storniert"] == schema.YES:
            continue
        total = invoice_gross(invoice) or ZERO
        result[str(number)] = max(ZERO, total - principal_paid(allocation.parts.get(number, ())))
    return result


@exclusive()
def run(path: Path, files: list, now: datetime, stichtag: date | None = None,
        probelauf: bool = False, spalten: str | None = None, book: Book | None = None,
        progress=None) -> BankResult:
    from .. import __version__
    book = book or read_book(path, progress=progress)
    if book.zahlungen is None:
        raise NoPaymentsTable(f"{Path(path).name} hat noch keine Tabelle Zahlungen. Bitte "
                              "zuerst „kundenbuch zahlungen einrichten“; es wurde nichts "
                              "geschrieben.")
    when = choose(stichtag, book.settings, now.date())
    mapping_text = spalten or book.settings.get("bank_csv_spalten")
    mapping = parse_mapping(mapping_text) if mapping_text else None
    read = []
    lines = []
    for done, file in enumerate(files, start=1):
        kind, found = read_statement(file, mapping)
        read.append((Path(file).name, kind, len(found)))
        lines += found
        if progress:
            progress(READING, done, len(files))

    answers = take_answers(book)
    entries, kept = answers.entries, answers.kept

    known_ids = {str(p["buchungs_id"]) for p in book.zahlungen if p["buchungs_id"]}
    known_ids |= {e["buchungs_id"] for e in entries}
    known_keys = {weak_key(p["datum"], p["betrag"], p["verwendungszweck"], p["auftraggeber"])
                  for p in book.zahlungen if p["buchungs_id"] and p["datum"] and p["betrag"]}
    known_keys |= {weak_key(e["datum"], e["betrag"], e["verwendungszweck"],
                            e["auftraggeber"]) for e in entries}
    open_amounts = _open_amounts(book)
    matcher = Matcher(book.rechnungen, book.kunden, open_amounts, known_ids, known_keys)
    matching = matcher.match(lines)
    for line, candidates in matching.to_confirm:
        kept.append({"buchungs_id": line.booking_id, "datum": line.day, "betrag": line.amount,
                     "auftraggeber": line.name or None, "iban": line.iban or None,
                     "verwendungszweck": line.purpose or None,
                     "vorschlaege": "; ".join(c.shown() for c in candidates) or None,
                     "zuordnen": None,
                     "hinweis": "Rücklastschrift: Kundennr oder Rechnungsnr eintragen"
                     if line.returned else None})

    new_rows = answers.confirmed + matching.payments
    work, added = with_payments(book, new_rows)
    summary = receivables.summarize(work, when.day)
    summary.to_confirm = waiting_entries(kept)
    plan = receivables.plan(work, summary, now, __version__)
    take_new_rows(plan, added, new_rows, summary)
    if entries or kept:
        plan.sheets.append(reconciliation_report(kept, now, __version__))
    result = BankResult(book, plan, matching, read, answers.confirmed, answers.ignored,
                        answers.waiting, when=when)
    if spalten and not book.settings.get("bank_csv_spalten"):
        _keep_mapping(book, plan, spalten)
        result.mapping_saved = True
    details = (", ".join(f"{name} ({kind}, {count} Buchungen)" for name, kind, count in read)
               + f"; {len(matching.payments)} zugeordnet, {len(answers.confirmed)} bestätigt, "
               f"{len(matching.to_confirm)} zu bestätigen, {len(matching.ignored)} "
               f"ignoriert, {len(matching.duplicates)} schon übernommen")
    plan.appends.append(RowAppend(schema.PROTOKOLL.table, [protocol_row(
        now, "Kontoauszug", stichtag=when.day, details=details)]))
    if not probelauf:
        result.write = write(book, plan, now)
    return result


def _keep_mapping(book, plan, spalten: str) -> None:
    """The column mapping into its (empty) setting, or a new settings row."""
    address = book.settings.cells.get("bank_csv_spalten")
    location = book.locations.get(schema.EINSTELLUNGEN.table)
    if address and location is not None:
        row, column = split_cell(address)
        plan.cells.append(CellWrite(location.sheet, row, column, spalten))
    else:
        plan.appends.append(RowAppend(schema.EINSTELLUNGEN.table, [
            {"einstellung": MAPPING_SETTING, "wert": spalten}]))


@dataclass
class Answers:
    """What the user typed in Zahlungsabgleich, taken before the sheet is rewritten."""
    entries: list = field(default_factory=list)     # every line of the sheet
    confirmed: list = field(default_factory=list)   # Zahlungen rows made from answers
    kept: list = field(default_factory=list)        # lines staying (waiting, ignored)
    ignored: int = 0
    waiting: list = field(default_factory=list)     # (entry, why an answer cannot be used)


def take_answers(book) -> Answers:
    answers = Answers(_answers(book))
    for entry in answers.entries:
        row, meaning = confirmed_row(entry, entry["zuordnen"], book.rechnungen, book.kunden)
        if row is not None:
            answers.confirmed.append(row)
            continue
        if meaning == IGNORE:
            answers.ignored += 1
        elif meaning != "offen":
            entry["hinweis"] = meaning
            answers.waiting.append((entry, meaning))
        answers.kept.append(entry)
    return answers


def waiting_entries(kept) -> list:
    return [e for e in kept if str(e.get("zuordnen") or "").casefold() != IGNORE]


def with_payments(book, new_rows: list[dict]):
    """(the book as if the new Zahlungen rows were in it, their records): for the
    computations of this run; the file is written from the book as read."""
    return with_rows(book, schema.ZAHLUNGEN, new_rows)


def take_new_rows(plan: Plan, added, new_rows: list[dict], summary) -> None:
    """The new rows are appended (with what they paid), not written as cells."""
    for record, row in zip(added, new_rows):
        row["zugeordnet"] = summary.allocation.notes.get(record.row)
    fold_into_rows(plan, schema.ZAHLUNGEN, added, new_rows)
