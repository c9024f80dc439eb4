"""The bookings of a period for the tax advisor: one per invoice and VAT rate, one per
cancellation or credit note, one per payment part. Pure; the DATEV file and the plain
journal are written from them (documents/datev.py).

Accounts follow the chosen frame (Einstellung Kontenrahmen). Revenue goes to the
frame's automatic accounts (the VAT is split off by DATEV itself, so no BU key is
needed); each client gets a debtor account (Debitoren ab + the number in its Kundennr).
Interest and dunning costs received are not revenue (damages, not taxable): they go to
the frame's interest and other income accounts. These are the frames' standard
accounts; the advisor may map them differently.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..book import schema
from ..book.records import display_name
from .amounts import ZERO, rate_parts
from .vat import Period, kennzahl, kind_of, lowers_turnover

# frame -> what -> account (DATEV SKR 03 and SKR 04, standard accounts)
ACCOUNTS = {
    "SKR03": {"19": 8400, "7": 8300, "other": 8200, "21": 8336, "45": 8338, "48": 8100,
              "19_ku": 8195, "bank": 1200, "interest": 2650, "income": 2700,
              "suspense": 1590},
    "SKR04": {"19": 4400, "7": 4300, "other": 4200, "21": 4336, "45": 4338, "48": 4100,
              "19_ku": 4185, "bank": 1800, "interest": 7100, "income": 4830,
              "suspense": 1370},
}
ACCOUNT_NAMES = {"19": "Erlöse 19 % USt", "7": "Erlöse 7 % USt", "other": "Erlöse",
                 "21": "Erlöse EU-Leistungen (§ 13b)", "45": "Erlöse Drittland, nicht "
                 "steuerbar", "48": "steuerfreie Umsätze § 4 Nr. 8 ff.", "19_ku":
                 "Erlöse Kleinunternehmer § 19", "bank": "Bank", "interest":
                 "Zinserträge", "income": "sonstige Erträge", "suspense":
                 "Durchlaufende Posten (Zahler unbekannt)"}


@dataclass(frozen=True)
class Booking:
    day: date
    amount: Decimal               # positive
    side: str                     # S or H, seen from `account`
    account: int
    contra: int
    document: str                 # Belegfeld 1
    document2: str                # Belegfeld 2
    text: str                     # Buchungstext
    kind: str                     # Rechnung, Storno, Gutschrift, Zahlung, Zinsen, Kosten
    kundennr: str = ""
    rate: int | None = None
    net: Decimal | None = None
    tax: Decimal | None = None
    service_day: date | None = None


def debtor_accounts(clients, first: int = 10000) -> dict:
    """Kundennr -> debtor account: first + the last number in the Kundennr (K-0015 →
    10015); clients without one, or whose account is taken, follow the highest."""
    accounts, taken, later = {}, set(), []
    for client in sorted(clients, key=lambda c: str(c["kundennr"] or "")):
        number = client["kundennr"]
        if not number:
            continue
        digits = re.findall(r"\d+", str(number))
        account = first + int(digits[-1]) if digits else None
        if account is None or account in taken or account > 69999:
            later.append(number)
            continue
        accounts[number] = account
        taken.add(account)
    for number in later:
        account = max(taken | {first}) + 1
        accounts[number] = account
        taken.add(account)
    return accounts


def revenue_account(rate: int, client, frame: dict, small_business: bool) -> int:
    if small_business and not rate:
        return frame["19_ku"]
    key = kennzahl(rate, client)
    return frame.get({"81": "19", "86": "7", "35": "other"}.get(key, key))


def invoice_bookings(invoices, clients: dict, period: Period, frame: dict, debtors: dict,
                     small_business: bool = False) -> list[Booking]:
    """Each invoice, cancellation and credit note dated in the period (Rechnungsdatum,
    the document's date), one booking per VAT rate; the debtor on the debit side for
    an invoice, on the credit side for a correction (Belegfeld 1: the invoice it
    corrects, so that the advisor's open items match)."""
    found = []
    for invoice in invoices:
        day = invoice["rechnungsdatum"]
        if (not period.holds(day) or invoice["netto"] is None
                or invoice["kundennr"] not in debtors
                or invoice["storniert"] == schema.YES):     # marked, without a Storno row
            continue
        client = clients.get(invoice["kundennr"])
        number = str(invoice["rechnungsnr"])
        correction = lowers_turnover(invoice)
        kind = kind_of(invoice)
        for rate, net, tax in rate_parts(invoice):
            total = net + tax
            if not total:
                continue
            text = f"{kind} {number} {display_name(client)}"
            found.append(Booking(
                day, abs(total), "H" if total < 0 else "S", debtors[invoice["kundennr"]],
                revenue_account(rate, client, frame, small_business),
                str(invoice["storno_zu"] or number) if correction else number,
                number if correction else "", text[:60], kind, invoice["kundennr"], rate,
                net, tax, invoice["leistungsdatum"] or day))
    return found


def payment_bookings(paid_parts: dict, invoices, clients: dict, period: Period,
                     frame: dict, debtors: dict, cash_days=None) -> list[Booking]:
    """paid_parts: Rechnungsnr -> the payment parts applied to it. Principal against the
    debtor (Belegfeld 1: the invoice), interest and costs to income; a returned
    direct debit the other way round. cash_days: Zahlungen row -> the day the money
    came (a credit set against a later invoice is booked when it came in)."""
    cash_days = cash_days or {}
    by_number = {str(i["rechnungsnr"]): i for i in invoices}
    found = []
    for number, parts in paid_parts.items():
        invoice = by_number.get(str(number))
        if invoice is None or invoice["kundennr"] not in debtors:
            continue
        name = display_name(clients.get(invoice["kundennr"]))
        for part in parts:
            day = cash_days.get(part.row, part.day)
            if not period.holds(day):
                continue
            for amount, contra, kind in ((part.principal, debtors[invoice["kundennr"]],
                                          "Zahlung"),
                                         (part.interest, frame["interest"], "Zinsen"),
                                         (part.costs, frame["income"], "Kosten")):
                if amount:
                    found.append(Booking(
                        day, abs(amount), "S" if amount > 0 else "H", frame["bank"],
                        contra, str(number), "", f"{kind} {number} {name}"[:60], kind,
                        invoice["kundennr"]))
    return found


def unapplied(payments, applied_by_row: dict, payers: dict) -> list:
    """(day, payer or "", amount, payment) of what each payment brought beyond the
    invoices it paid: a credit, or money from a payer not known."""
    found = []
    for payment in payments or ():
        if payment["datum"] is None or payment["betrag"] is None:
            continue
        left = payment["betrag"] - applied_by_row.get(payment.row, ZERO)
        if left:
            found.append((payment["datum"], payers.get(payment.row) or payment["kundennr"]
                          or "", left, payment))
    return found


def unapplied_bookings(payments, applied_by_row: dict, period: Period, frame: dict,
                       debtors: dict, payers: dict) -> list[Booking]:
    """Money beyond the invoices it paid: against the payer's debtor, else a suspense
    account for the advisor."""
    found = []
    for day, payer, left, payment in unapplied(payments, applied_by_row, payers):
        if not period.holds(day):
            continue
        contra = debtors.get(payer, frame["suspense"])
        text = (f"Guthaben {payer}" if payer in debtors else
                f"Zahlung ohne Zuordnung {payment['auftraggeber'] or ''}")
        found.append(Booking(day, abs(left), "S" if left > 0 else "H", frame["bank"],
                             contra, "", "", text.strip()[:60], "Zahlung", payer))
    return found


def applied_by_row(paid_parts: dict) -> dict:
    """Zahlungen row -> how much of the payment the invoices took."""
    applied = {}
    for parts in paid_parts.values():
        for part in parts:
            if part.row is not None:
                # (a returned debit's bank fee is not applied: it stays the client's
                # debt, booked against the debtor as the rest of the payment)
                applied[part.row] = (applied.get(part.row, ZERO) + part.principal
                                     + part.interest + part.costs)
    return applied


def frame_of(settings) -> tuple[str, dict]:
    name = settings.get("kontenrahmen") or "SKR03"
    frame = dict(ACCOUNTS.get(name, ACCOUNTS["SKR03"]))
    if settings.get("bankkonto"):
        frame["bank"] = settings.get("bankkonto")
    return name, frame


def is_small_business(settings) -> bool:
    return settings.get("kleinunternehmer") == schema.YES


def cash_days(payments) -> dict:
    """Zahlungen row -> its Datum (empty for a book without Zahlungen)."""
    return {p.row: p["datum"] for p in payments or ()}
