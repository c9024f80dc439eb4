"""`kundenbuch auskunft KUNDENNR`: an Art. 15 DSGVO request answered in one archive.

auskunft/Auskunft_<Kundennr>_<Datum>.zip holds: a readable summary (PDF, else .docx),
one CSV file per table with every row about the client (as the workbook holds them;
UTF-8 with BOM, so Excel opens them), and every document the Protokoll lists for them.
The Protokoll records the archive with its SHA-256, but no personal data."""
from __future__ import annotations

import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..book import schema
from ..book.reader import Book, read_book
from ..documents import pdf, privacy_report
from ..documents.excel_csv import excel_csv
from ..documents.letters import sha256
from ..reports.sheet import format_value
from ..rules.client_data import documents_of, rows_of
from .apply import WriteResult, exclusive, write
from .plan import Plan, RowAppend, protocol_row

FOLDER = "auskunft"
SPECS = {spec.table: spec for spec in schema.ALL_TABLES}


class ClientNotFound(Exception):
    """No such Kundennr (German)."""


@dataclass
class PrivacyResult:
    book: Book
    archive: Path
    rows: dict
    documents: list
    missing: list            # documents the Protokoll lists that are gone
    pdf_problem: str = ""
    plan: Plan | None = None
    write: WriteResult | None = None


def find_client(book, number):
    """The Kunden row of a Kundennr, or ClientNotFound."""
    for client in book.kunden:
        if str(client["kundennr"]).strip() == str(number).strip():
            return client
    raise ClientNotFound(f"Kunde {number} steht nicht im Blatt Kunden; es wurde nichts "
                         "erstellt.")


def _csv(spec, records) -> bytes:
    return excel_csv([spec.headers] + [
        ["" if record[c.field] is None else format_value(record[c.field])
         for c in spec.columns] for record in records])


@exclusive()
def run(path: Path, number: str, now: datetime, book: Book | None = None,
        progress=None) -> PrivacyResult:
    book = book or read_book(path, progress=progress)
    client = find_client(book, number)
    rows = rows_of(book, number)
    base = Path(book.path).resolve().parent
    listed = documents_of(book.records.get(schema.PROTOKOLL.table, []), number)
    present = [name for name in listed if (base / name).is_file()]
    missing = [name for name in listed if name not in present]
    folder = base / FOLDER
    folder.mkdir(exist_ok=True)
    archive = folder / f"Auskunft_{client['kundennr']}_{now:%Y-%m-%d_%H%M%S}.zip"
    problem = ""
    with tempfile.TemporaryDirectory(prefix="kundenbuch-auskunft-") as work:
        summary = privacy_report.build(client, {t: r for t, r in rows.items()}, present,
                                       book.settings, now.date(),
                                       Path(work) / "Auskunft.docx")
        try:
            summary = pdf.convert([summary])[0]
        except pdf.PdfUnavailable as exc:
            problem = str(exc)
        partial = archive.with_suffix(".zip.tmp")
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.write(summary, summary.name)
            for table, records in rows.items():
                if records:
                    zf.writestr(f"Daten/{table}.csv", _csv(SPECS[table], records))
            for name in present:
                zf.write(base / name, f"Dokumente/{name}")
        partial.replace(archive)
    plan = Plan(appends=[RowAppend(schema.PROTOKOLL.table, [protocol_row(
        now, "Auskunft DSGVO", kundennr=client["kundennr"],
        datei=f"{FOLDER}/{archive.name}", sha256=sha256(archive),
        details=f"{sum(len(r) for r in rows.values())} Zeilen, {len(present)} Dokumente")])])
    result = PrivacyResult(book, archive, rows, present, missing, problem, plan)
    try:
        result.write = write(book, plan, now)
    except BaseException:
        archive.unlink(missing_ok=True)        # nothing archived that the book not lists
        raise
    return result
