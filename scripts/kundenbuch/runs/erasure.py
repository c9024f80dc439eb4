"""`kundenbuch loeschen KUNDENNR`: erase a client's personal data where no retention
duty applies (rules/erasure.py), in one safe write with a backup; then delete the
files that need not be kept. The Protokoll records that it happened, with counts and
the last retention day, never the erased data."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..book import schema
from ..book.reader import Book, read_book
from ..rules import erasure as rules
from ..rules.client_data import rows_of
from .apply import WriteResult, exclusive, write
from .client_file import FOLDER as CLIENT_FILES
from .plan import CellWrite, Plan, RowAppend, protocol_row
from .privacy import FOLDER as ARCHIVES
from .privacy import find_client
from .receivables import summarize


class ErasureRefused(Exception):
    """The client cannot be erased now (German reasons)."""


@dataclass
class ErasureResult:
    book: Book
    erasure: rules.Erasure
    plan: Plan
    write: WriteResult | None = None
    deleted: list | None = None         # files deleted
    not_deleted: list | None = None     # (file, reason)


def own_files(base: Path, number: str) -> list[str]:
    """The client files and Auskunft archives made for the client."""
    found = []
    for folder, prefix in ((CLIENT_FILES, "Akte"), (ARCHIVES, "Auskunft")):
        for path in sorted((base / folder).glob(f"{prefix}_{number}_*")):
            found.append(f"{folder}/{path.name}")
    return found


def plan_of(book, erasure: rules.Erasure, now: datetime) -> Plan:
    cells = [CellWrite(record.sheet, record.row, record.columns[name], value,
                       requested=True) for record, name, value in erasure.cells]
    until = erasure.kept_until
    details = (f"{len(cells)} Felder geleert, "
               + ", ".join(f"{table} {count} Zeilen" for table, count in
                           erasure.rows_cleared.items())
               + f"; {len(erasure.files)} Dateien gelöscht; "
               + (f"{len(erasure.kept)} Unterlagen aufbewahrt, längstens bis "
                  f"{until:%d.%m.%Y}" if until else "nichts aufzubewahren"))
    return Plan(cells=cells, appends=[RowAppend(schema.PROTOKOLL.table, [protocol_row(
        now, rules.KIND, stichtag=now.date(), kundennr=erasure.client["kundennr"],
        details=details)])])


@exclusive()
def run(path: Path, number: str, now: datetime, probelauf: bool = False,
        book: Book | None = None) -> ErasureResult:
    book = book or read_book(path)
    client = find_client(book, number)
    today = now.date()
    base = Path(book.path).resolve().parent
    number = client["kundennr"]
    protocol = [row for row in book.records.get(schema.PROTOKOLL.table, [])
                if str(row["kundennr"] or "").strip() == str(number)]
    owed = summarize(book, today).open_by_client.get(number)
    erasure = rules.plan_erasure(client, rows_of(book, number), protocol, owed, today,
                                 own_files(base, number))
    if erasure.refused:
        raise ErasureRefused("Nicht gelöscht: " + "; ".join(erasure.refused)
                             + ". Die Mappe ist unverändert.")
    result = ErasureResult(book, erasure, plan_of(book, erasure, now))
    if probelauf:
        return result
    result.write = write(book, result.plan, now)
    result.deleted, result.not_deleted = [], []
    for name in erasure.files:                 # only once the book says so
        target = base / name
        try:
            target.unlink(missing_ok=True)
            result.deleted.append(name)
        except OSError as exc:
            result.not_deleted.append((name, exc.strerror or str(exc)))
    return result
