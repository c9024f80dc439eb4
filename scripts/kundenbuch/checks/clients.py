"""Client data: references, bank details, addresses, duplicates."""
from __future__ import annotations

import re

from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from ..book import schema
from . import at, check
from .findings import FEHLER, HINWEIS, WARNUNG, Finding

# Deliberately loose: catches typos (missing @, spaces, no dot in the domain), not RFC 5322.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")


def _client_numbers(book):
    return {str(c["kundennr"]).casefold() for c in book.kunden if c["kundennr"]}


@check
def unknown_client_numbers(book, stichtag):
    known = _client_numbers(book)
    for records, what in ((book.rechnungen, "Rechnung"), (book.termine, "Termin")):
        for record in records:
            number = record["kundennr"]
            if number and str(number).casefold() not in known:
                yield at(record, "kundennr", FEHLER, f"{what}: Kundennr {number} gibt es "
                         "im Blatt Kunden nicht.")


@check
def unknown_referrer(book, stichtag):
    known = _client_numbers(book)
    for client in book.kunden:
        referrer = client["empfohlen_von"]
        if not referrer:
            continue
        if str(referrer).casefold() not in known:
            yield at(client, "empfohlen_von", FEHLER,
                     f"Empfohlen von: Kundennr {referrer} gibt es nicht.")
        elif str(referrer).casefold() == str(client["kundennr"]).casefold():
            yield at(client, "empfohlen_von", WARNUNG,
                     "Der Kunde hat sich selbst empfohlen.")


@check
def name_present(book, stichtag):
    for client in book.kunden:
        if not client["nachname"] and not client["firma"]:
            yield at(client, "nachname", FEHLER, "Nachname oder Firma muss angegeben sein.")


def iban_problem(value) -> str | None:
    try:
        IBAN(str(value))
    except SchwiftyException as exc:
        return f"IBAN {value} ist ungültig ({exc})."
    return None


@check
def client_iban(book, stichtag):
    for client in book.kunden:
        if client["iban"]:
            problem = iban_problem(client["iban"])
            if problem:
                yield at(client, "iban", FEHLER, problem)


@check
def client_bic(book, stichtag):
    for client in book.kunden:
        if client["bic"]:
            try:
                BIC(str(client["bic"]))
            except SchwiftyException as exc:
                yield at(client, "bic", FEHLER, f"BIC {client['bic']} ist ungültig ({exc}).")


@check
def german_postcode(book, stichtag):
    for client in book.kunden:
        country = (client["land"] or "DE").upper()
        plz = client["plz"]
        if country == "DE" and plz and not re.fullmatch(r"\d{5}", str(plz)):
            yield at(client, "plz", FEHLER, f"PLZ {plz} ist keine deutsche Postleitzahl "
                     "(fünf Ziffern). Bei Auslandsadressen bitte Land angeben.")


@check
def email_syntax(book, stichtag):
    for client in book.kunden:
        email = client["email"]
        if email and not EMAIL.match(str(email)):
            yield at(client, "email", WARNUNG, f"E-Mail-Adresse „{email}“ sieht falsch aus.")


@check
def direct_debit_mandate(book, stichtag):
    for client in book.kunden:
        if client["zahlungsart"] != "Lastschrift":
            continue
        for field, label in (("iban", "IBAN"), ("mandatsreferenz", "Mandatsreferenz"),
                             ("mandat_vom", "Mandat vom")):
            if not client[field]:
                yield at(client, field, FEHLER,
                         f"Zahlungsart Lastschrift, aber {label} fehlt (SEPA-Mandat).")


@check
def creditor_identifier(book, stichtag):
    """A client with a mandate needs the Gläubiger-ID on the invoice's pre-notification
    (SEPA rulebook); its check digits are tested (python-stdnum, AT-02)."""
    from stdnum.eu import at_02
    from stdnum.exceptions import ValidationError

    from ..rules.direct_debit import has_mandate
    if not any(has_mandate(client) for client in book.kunden):
        return
    value = book.settings.get("glaeubiger_id")
    where = book.settings.cells.get("glaeubiger_id", "")
    sheet = schema.EINSTELLUNGEN.sheet
    if not value:
        yield Finding(FEHLER, sheet, where, "Gläubiger-ID fehlt: Kunden zahlen per "
                      "Lastschrift, und die Rechnung muss den Einzug mit ihr ankündigen. "
                      "Die Bundesbank vergibt sie kostenlos.")
        return
    try:
        at_02.validate(str(value))
    except ValidationError:
        yield Finding(FEHLER, sheet, where, f"Gläubiger-ID „{value}“ ist ungültig (Form "
                      "DE98ZZZ09999999999, Prüfziffer).")


def _normal(text) -> str:
    return " ".join(str(text or "").casefold().split())


@check
def probable_duplicate_clients(book, stichtag):
    by_email, by_address = {}, {}
    for client in book.kunden:
        email = _normal(client["email"])
        address = tuple(_normal(client[f]) for f in ("vorname", "nachname", "firma",
                                                     "strasse", "plz"))
        if email and email in by_email:
            yield at(client, "email", WARNUNG, f"Wahrscheinlich doppelt: dieselbe E-Mail "
                     f"wie {by_email[email]}.")
        elif any(address[1:3]) and address[3] and address in by_address:
            yield at(client, "nachname", WARNUNG, "Wahrscheinlich doppelt: derselbe Name "
                     f"und dieselbe Anschrift wie {by_address[address]}.")
        if email:
            by_email.setdefault(email, client["kundennr"])
        by_address.setdefault(address, client["kundennr"])


@check
def newsletter_consent_without_email(book, stichtag):
    for client in book.kunden:
        if client["einwilligung_newsletter"] and not client["email"] and not client["strasse"]:
            yield at(client, "einwilligung_newsletter", HINWEIS,
                     "Einwilligung für den Newsletter, aber weder E-Mail noch Anschrift.")


@check
def consent_provable(book, stichtag):
    """A consent must be provable (Art. 7 Abs. 1 DSGVO): its channel belongs beside
    its date. A withdrawal without an earlier consent is kept as an objection."""
    for client in book.kunden:
        given = [client[f] for f in ("einwilligung_newsletter", "einwilligung_gruesse")
                 if client[f] is not None]
        if given and client.has_column("einwilligung_kanal") and not client[
                "einwilligung_kanal"]:
            yield at(client, "einwilligung_kanal", HINWEIS,
                     f"Kunde {client['kundennr']}: Einwilligung ohne Kanal; bitte eintragen, "
                     "wie sie gegeben wurde (Formular, E-Mail, …), damit sie sich nachweisen "
                     "lässt (Art. 7 Abs. 1 DSGVO).")
