"""Erasing a client (Art. 17 DSGVO) where no retention duty applies, and what must be
kept instead, each with the day it may go. Pure: the run writes and deletes.

Kept (fachregeln.md, § 147 AO, § 257 HGB), each counted from the end of the year made:
invoices with their lines 8 years, books (payments, trips) 10 years, business letters
(reminders, quotes, contracts) 6 years. While anything is kept, the name and address
stay in Kunden, restricted (Art. 18): they are what the kept invoices are addressed
to. Everything else goes now: contact data, birthday, notes, consents, bank data not
needed for kept records, contacts and appointments, letters that are not business
letters (greetings, thanks, invitations), e-mail drafts, client files and Auskunft
archives. A client with an open claim or a running subscription is not erased (Art.
17 Abs. 3 lit. e: the claim is still to be asserted).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath

from ..book import schema
from .amounts import euro
from .client_data import BOOKS_YEARS, INVOICE_YEARS, LETTER_YEARS
from .letters import COPY_KIND, PROTOCOL_KIND, DUNNING_TEMPLATES

KIND = "Löschung"
ERASED_NAME = "gelöscht"
# Protokoll kinds of files that are business letters or invoices (kept), by years
KEPT_FILES = {PROTOCOL_KIND["rechnung"]: INVOICE_YEARS, COPY_KIND: INVOICE_YEARS,
              PROTOCOL_KIND["angebot"]: LETTER_YEARS,
              PROTOCOL_KIND["angebot_nachfassen"]: LETTER_YEARS,
              **{PROTOCOL_KIND[t]: LETTER_YEARS for t in DUNNING_TEMPLATES.values()}}
# Kunden fields that identify the addressee of kept invoices
ADDRESS = ("anrede", "vorname", "nachname", "firma", "strasse", "plz", "ort", "land",
           "ustid", "leitweg_id")
BANK = ("iban", "bic", "mandatsreferenz", "mandat_vom")
# what a client row keeps in any case: the number the kept records refer to, and
# what decides how kept records are treated (consumer or business)
STAYS = ("kundennr", "kundenart", "stufe_fest", "mahnsperre", "e_rechnung")


def kept_until(made: date, years: int) -> date:
    """The last day of the retention: the end of the year made plus the years."""
    return date(made.year + years, 12, 31)


@dataclass(frozen=True)
class Kept:
    what: str                 # German, without personal data ("Rechnung 2026-0012")
    until: date
    why: str                  # the rule


@dataclass
class Erasure:
    client: object
    cells: list = field(default_factory=list)       # (record, field, new value)
    rows_cleared: dict = field(default_factory=dict)  # table -> rows emptied
    files: list = field(default_factory=list)       # relative paths to delete
    kept: list = field(default_factory=list)        # Kept
    refused: list = field(default_factory=list)     # German reasons not to erase now

    @property
    def kept_until(self) -> date | None:
        return max((k.until for k in self.kept), default=None)


def erased_clients(protocol) -> set:
    """The Kundennr erased before (the Protokoll has their Löschung row)."""
    return {str(row["kundennr"]) for row in protocol if row["art"] == KIND}


def is_kept(protocol_row) -> bool:
    """A file of this Protokoll row is kept when its client is erased."""
    return (protocol_row["art"] in KEPT_FILES
            and PurePosixPath(str(protocol_row["datei"])).suffix != ".eml")


def _clear(erasure: Erasure, record, spec) -> None:
    for column in spec.columns:
        if record.has_column(column.field) and record[column.field] is not None:
            erasure.cells.append((record, column.field, None))
    erasure.rows_cleared[spec.table] = erasure.rows_cleared.get(spec.table, 0) + 1


def plan_erasure(client, rows: dict, protocol_rows, open_amount, today: date,
                 own_files=()) -> Erasure:
    """rows: rules/client_data.rows_of; protocol_rows: the client's Protokoll rows;
    open_amount: what the client still owes; own_files: other files about the client
    (client files, Auskunft archives), relative paths."""
    erasure = Erasure(client)
    number = client["kundennr"]
    if open_amount and open_amount > 0:
        erasure.refused.append(f"Kunde {number} hat noch offene Posten ({euro(open_amount)}); "
                               "erst nach dem Ausgleich löschen (Art. 17 Abs. 3 lit. e "
                               "DSGVO)")
    for subscription in rows.get(schema.ABOS.table, []):
        if subscription["ende"] is None or subscription["ende"] >= today:
            erasure.refused.append(f"Abo {subscription['abonr']} läuft noch; erst ein Ende "
                                   "eintragen, das vorbei ist")
    for invoice in rows.get(schema.RECHNUNGEN.table, []):
        if invoice["rechnungsdatum"]:
            erasure.kept.append(Kept(f"Rechnung {invoice['rechnungsnr']} (Zeile, "
                                     "Positionen)", kept_until(invoice["rechnungsdatum"],
                                                               INVOICE_YEARS),
                                     "Rechnungen 8 Jahre (§ 147 AO, § 14b UStG)"))
    for payment in rows.get(schema.ZAHLUNGEN.table, []):
        if payment["datum"]:
            erasure.kept.append(Kept(f"Zahlung vom {payment['datum']:%d.%m.%Y}",
                                     kept_until(payment["datum"], BOOKS_YEARS),
                                     "Bücher 10 Jahre (§ 147 AO)"))
    for quote in rows.get(schema.ANGEBOTE.table, []):
        if quote["angebotsdatum"]:
            erasure.kept.append(Kept(f"Angebot {quote['angebotsnr']}",
                                     kept_until(quote["angebotsdatum"], LETTER_YEARS),
                                     "Geschäftsbriefe 6 Jahre (§ 257 HGB)"))
    for subscription in rows.get(schema.ABOS.table, []):
        if subscription["ende"] is not None and subscription["ende"] < today:
            erasure.kept.append(Kept(f"Abo {subscription['abonr']} (Vertrag)",
                                     kept_until(subscription["ende"], LETTER_YEARS),
                                     "Geschäftsbriefe 6 Jahre (§ 257 HGB)"))
    kept_files = set()
    for row in protocol_rows:
        if not row["datei"]:
            continue
        years = KEPT_FILES.get(row["art"])
        made = row["stichtag"] or today
        if is_kept(row):
            kept_files.add(row["datei"])
            erasure.kept.append(Kept(f"{row['art']} ({PurePosixPath(row['datei']).suffix[1:]})"
                                     f" vom {made:%d.%m.%Y}", kept_until(made, years),
                                     "Rechnungen 8 Jahre" if years == INVOICE_YEARS
                                     else "Geschäftsbriefe 6 Jahre"))
        elif row["datei"] not in erasure.files:
            erasure.files.append(row["datei"])
    erasure.files = [f for f in erasure.files if f not in kept_files]
    erasure.files += [f for f in own_files if f not in erasure.files]
    for contact in rows.get(schema.KONTAKTE.table, []):
        if contact["notiz"] in kept_files:
            continue                     # the row of a kept letter
        _clear(erasure, contact, schema.KONTAKTE)
    for appointment in rows.get(schema.TERMINE.table, []):
        if appointment["art"] == "Fahrt" and appointment["datum"]:
            erasure.kept.append(Kept(f"Fahrt vom {appointment['datum']:%d.%m.%Y} "
                                     "(Fahrtenbuch)", kept_until(appointment["datum"],
                                                                 BOOKS_YEARS),
                                     "Bücher 10 Jahre (§ 147 AO)"))
            continue
        _clear(erasure, appointment, schema.TERMINE)
    _client_cells(erasure, client, today, rows)
    return erasure


def _client_cells(erasure: Erasure, client, today: date, rows: dict) -> None:
    keep = set(STAYS)
    if erasure.kept:
        keep |= set(ADDRESS)
        if any(p["art"] in ("Lastschrift", "Rücklastschrift")
               for p in rows.get(schema.ZAHLUNGEN.table, [])):
            keep |= set(BANK)          # the mandate behind kept debit bookings
    until = erasure.kept_until
    note = (f"Auf Wunsch gelöscht am {today:%d.%m.%Y} (Art. 17 DSGVO)"
            + (f"; Name und Anschrift nur für aufbewahrte Unterlagen, bis {until:%d.%m.%Y}"
               if until else ""))
    values = {"notizen": note, "phase": "Inaktiv", "widerruf_am": today}
    if not erasure.kept:
        values["nachname"] = ERASED_NAME
    for column in schema.KUNDEN.columns:
        name = column.field
        if column.out or name in keep or not client.has_column(name):
            continue
        value = values.get(name)
        if client[name] != value:
            erasure.cells.append((client, name, value))
