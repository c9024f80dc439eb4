"""`kundenbuch export datev`: one folder per period for the tax advisor.

export/<Zeitraum>/ holds the DATEV booking batch (EXTF_Buchungsstapel_….csv), the same
bookings as a plain journal (Journal_….csv), the debtor accounts with their clients
(Debitoren_….csv), the invoice documents of the period (Belege/) and their list with
SHA-256 (Belegliste_….csv). The Protokoll records the export."""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from ..book import schema
from ..book.reader import Book, read_book
from ..book.records import display_name
from ..documents import datev
from ..documents.excel_csv import excel_csv
from ..documents.letters import sha256
from ..rules import bookings as rules
from ..rules import vat
from ..rules.amounts import ZERO, invoice_gross
from ..rules.payments import allocation_of
from .apply import WriteResult, exclusive, write
from .export_vat import default_period
from .receivables import paid_parts
from .plan import Plan, RowAppend, protocol_row
from .stichtag import choose

FOLDER = "export"
INVOICE_KINDS = ("Rechnung",)


class ExportRefused(Exception):
    """Settings the DATEV file needs are missing (German)."""


@dataclass
class DatevResult:
    book: Book
    period: vat.Period
    frame: str
    bookings: list = field(default_factory=list)
    folder: Path | None = None
    files: list = field(default_factory=list)          # paths written
    documents: list = field(default_factory=list)      # (Rechnungsnr, copied path)
    missing: list = field(default_factory=list)        # Rechnungsnr without a document
    plan: Plan | None = None
    write: WriteResult | None = None

    def total(self, kind: str) -> Decimal:
        return sum((b.amount if b.side == "S" else -b.amount for b in self.bookings
                    if b.kind == kind), ZERO)


def bookings_of(book, period: vat.Period) -> tuple[str, list]:
    clients = {c["kundennr"]: c for c in book.kunden}
    frame_name, frame = rules.frame_of(book.settings)
    debtors = rules.debtor_accounts(book.kunden, book.settings.get("debitoren_ab") or 10000)
    invoices = [i for i in book.rechnungen if i["rechnungsnr"] is not None]
    parts = paid_parts(book, period.end)
    found = rules.invoice_bookings(invoices, clients, period, frame, debtors,
                                   rules.is_small_business(book.settings))
    found += rules.payment_bookings(parts, invoices, clients, period, frame, debtors,
                                    rules.cash_days(book.zahlungen))
    if book.zahlungen is not None:
        found += rules.unapplied_bookings(book.zahlungen, rules.applied_by_row(parts),
                                          period, frame, debtors, allocation_of(book).payer)
    return frame_name, found


def invoice_files(book, period: vat.Period) -> tuple[dict, list]:
    """Rechnungsnr -> the files the Protokoll lists for its document (PDF, XML), for the
    invoices dated in the period; and those without any."""
    dated = {str(i["rechnungsnr"]): i for i in book.rechnungen
             if period.holds(i["rechnungsdatum"])}
    files: dict[str, list] = {}
    for row in book.records.get(schema.PROTOKOLL.table, []):
        if row["art"] not in INVOICE_KINDS or not row["datei"]:
            continue
        for number in str(row["rechnungen"] or "").split(","):
            number = number.strip()
            if number in dated and not str(row["datei"]).endswith(".docx"):
                files.setdefault(number, []).append(row["datei"])
    return files, sorted(n for n in dated if n not in files)


@exclusive()
def run(path: Path, zeitraum: str | None, now: datetime, stichtag: date | None = None,
        probelauf: bool = False, book: Book | None = None) -> DatevResult:
    book = book or read_book(path)
    when = choose(stichtag, book.settings, now.date())
    period = vat.parse_period(zeitraum) if zeitraum else default_period(book, when.day)
    missing = [name for name, key in (("Beraternummer", "beraternummer"),
                                      ("Mandantennummer", "mandantennummer"))
               if not book.settings.get(key)]
    if missing:
        raise ExportRefused(f"Für die DATEV-Datei fehlt in den Einstellungen: "
                            f"{' und '.join(missing)} (Ihr Steuerbüro nennt sie). Es wurde "
                            "nichts geschrieben.")
    frame_name, found = bookings_of(book, period)
    result = DatevResult(book, period, frame_name, found)
    files, result.missing = invoice_files(book, period)
    base = Path(book.path).resolve().parent
    result.folder = base / FOLDER / period.label
    if probelauf:
        result.documents = [(n, Path(f)) for n, names in files.items() for f in names]
        return result
    created = not result.folder.exists()
    try:
        _write_folder(book, result, files, base, now)
        extf = result.files[0]
        result.plan = Plan(appends=[RowAppend(schema.PROTOKOLL.table, [protocol_row(
            now, "DATEV-Export", stichtag=period.end,
            datei=extf.relative_to(base).as_posix(), sha256=sha256(extf),
            details=f"{period.label}: {len(found)} Buchungen, "
                    f"{len(result.documents)} Belege, {frame_name}")])])
        result.write = write(book, result.plan, now)
    except BaseException:
        if created:
            shutil.rmtree(result.folder, ignore_errors=True)
        raise
    return result


def _write_folder(book, result: DatevResult, files: dict, base: Path, now: datetime):
    folder, label = result.folder, result.period.label
    (folder / "Belege").mkdir(parents=True, exist_ok=True)
    names = {c["kundennr"]: display_name(c) for c in book.kunden}
    clients = {c["kundennr"]: c for c in book.kunden}
    outputs = {
        f"EXTF_Buchungsstapel_{label}.csv": datev.extf(result.bookings, now, result.period,
                                                       book.settings, result.frame),
        f"Journal_{label}.csv": datev.journal(result.bookings, names),
        f"Debitoren_{label}.csv": excel_csv(
            [["Konto", "Kundennr", "Name", "Straße", "PLZ", "Ort", "Land", "USt-IdNr"]]
            + [[account, number, names.get(number, ""), *_address(clients.get(number))]
               for number, account in sorted(rules.debtor_accounts(
                   book.kunden, book.settings.get("debitoren_ab") or 10000).items(),
                   key=lambda item: item[1])])}
    for name, data in outputs.items():
        (folder / name).write_bytes(data)
        result.files.append(folder / name)
    invoices = {str(i["rechnungsnr"]): i for i in book.rechnungen}
    listing = [["Rechnungsnr", "Rechnungsdatum", "Kundennr", "Kunde", "Brutto", "Datei",
                "SHA-256"]]
    for number in sorted(set(files) | set(result.missing)):
        invoice = invoices[number]
        gross = invoice_gross(invoice)
        for name in files.get(number, [None]):
            source = base / name if name else None
            if source is not None and source.is_file():
                target = folder / "Belege" / source.name
                shutil.copy2(source, target)
                result.documents.append((number, target))
                shown, digest = f"Belege/{source.name}", sha256(target)
            else:
                shown = f"fehlt (mit „kundenbuch briefe --rechnung {number} --pdf“ erstellen)"
                digest = ""
                if number not in result.missing:
                    result.missing.append(number)
            listing.append([number, f"{invoice['rechnungsdatum']:%d.%m.%Y}",
                            invoice["kundennr"], names.get(invoice["kundennr"], ""),
                            datev.amount(gross) if gross is not None else "", shown, digest])
    (folder / f"Belegliste_{label}.csv").write_bytes(excel_csv(listing))
    result.files.append(folder / f"Belegliste_{label}.csv")


def _address(client) -> list:
    if client is None:
        return [""] * 5
    return [client["strasse"] or "", client["plz"] or "", client["ort"] or "",
            client["land"] or "DE", client["ustid"] or ""]


PeriodError = vat.PeriodError
