"""Which letters are due, and what goes into each. Pure: rendering is elsewhere.

A letter is data: its template, recipient, context for the template, what it writes
back into the workbook and the row it adds to the Protokoll.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from ..book import schema
from ..book.records import display_name
from ..book.invoice_lines import line_amount, line_rate
from .amounts import ZERO, cents, euro, invoice_gross, open_amount, rate_parts
from . import quotes
from .corrections import corrections_by_original
from .direct_debit import collection
from .references import creditor_reference, printed
from .interest import SURCHARGE_BUSINESS, SURCHARGE_CONSUMER
from .receivables import LEVEL_NAMES, Terms, due_of
from .schedule import PLAN_NOTE, onboarding_plan
from .small_business import exemption
from .workdays import holiday_place, next_working_day

KINDS = ("begruessung", "dank", "mahnung", "jahrescheck", "rechnung", "nachfassen",
         "gruss", "zufriedenheit", "empfehlungsdank")
DUNNING_TEMPLATES = {1: "zahlungserinnerung", 2: "mahnung_1", 3: "mahnung_2",
                     4: "mahnung_letzte"}
PROTOCOL_KIND = {"begruessung": "Begrüßung", "dank": "Dank",
                 "jahrescheck": "Jahrescheck-Einladung", "rechnung": "Rechnung",
                 "angebot": "Angebot", "angebot_nachfassen": "Angebot nachgefasst",
                 "gruss": "Gruß", "zufriedenheit": "Zufriedenheit",
                 "empfehlungsdank": "Empfehlungsdank",
                 **{name: LEVEL_NAMES[level] for level, name in DUNNING_TEMPLATES.items()}}
COPY_KIND = "Rechnungskopie"
INVITATION_LEAD_DAYS = 60       # an invitation this long before the check falls due counts
ANNUAL_CHECK_WINDOW_DAYS = 30   # an invitation offers appointments at least this far ahead
SMALL_INVOICE = Decimal("250.00")


@dataclass
class Letter:
    template: str                 # file name in vorlagen/ without .docx
    client: object
    context: dict
    filename: str
    invoices: list = field(default_factory=list)
    writes: list = field(default_factory=list)        # (record, field, value)
    girocode: tuple | None = None  # (name, iban, amount, text, bic)
    due_dates: dict = field(default_factory=dict)     # Rechnungsnr -> due date
    copy: bool = False            # a document made again on request, marked "Kopie"
    # (kind, XML) of an invoice's e-invoice: ZUGFeRD goes into its PDF, an XRechnung
    # (or a ZUGFeRD without PDF) lies beside it (runs/einvoice_out.py)
    einvoice: tuple | None = None
    # the occasion in the Protokoll's Details, by which a letter sent once is known
    protocol_details: str | None = None
    # a Wiedervorlage on the letter's row in Kontakte (awaiting the client's answer)
    follow_up: date | None = None

    @property
    def locks_invoices(self) -> bool:
        """An invoice document or a reminder fixes its invoices (Festschreibung)."""
        return self.template == "rechnung" or self.template in DUNNING_TEMPLATES.values()

    @property
    def protocol_kind(self) -> str:
        return COPY_KIND if self.copy else PROTOCOL_KIND[self.template]


def sender(settings) -> dict:
    keys = ("firma", "inhaber", "strasse", "plz", "ort", "telefon", "email", "steuernummer",
            "ustid", "iban", "bic", "bank")
    return {key: settings.get(key) or "" for key in keys}


# In the address a man is "Herrn" (accusative, DIN 5008); Divers has no title.
ADDRESS_TITLE = {"Herr": "Herrn", "Frau": "Frau"}


def recipient(client) -> dict:
    """Address lines (DIN 5008: a contact person on the line below the company, without
    "z. Hd.") and the salutation: "Sehr geehrter Herr …", "Sehr geehrte Frau …", for
    Divers or an unknown form the name ("Guten Tag Alex Beispiel"), for a company
    without a person "Sehr geehrte Damen und Herren"."""
    person = " ".join(p for p in (client["vorname"], client["nachname"]) if p)
    form = client["anrede"]
    addressed = " ".join(p for p in (ADDRESS_TITLE.get(form), person) if p)
    lines = [client["firma"], addressed] if client["firma"] else [addressed]
    lines += [client["strasse"] or "", f"{client['plz'] or ''} {client['ort'] or ''}".strip()]
    if (client["land"] or "DE").upper() != "DE":
        lines.append(str(client["land"]).upper())
    if form == "Frau" and client["nachname"]:
        salutation = f"Sehr geehrte Frau {client['nachname']}"
    elif form == "Herr" and client["nachname"]:
        salutation = f"Sehr geehrter Herr {client['nachname']}"
    elif form == "Firma" or not person:
        salutation = "Sehr geehrte Damen und Herren" if client["firma"] else "Guten Tag"
    else:
        salutation = f"Guten Tag {person}"
    return {"kundennr": client["kundennr"], "name": display_name(client),
            "zeilen": [line for line in lines if line], "anrede": salutation}


def file_name(letter_date: date, label: str, client, suffix: str = "") -> str:
    name = re.sub(r"[^\w.-]+", "-", display_name(client), flags=re.UNICODE).strip("-")
    parts = [f"{letter_date:%Y-%m-%d}", label, str(client["kundennr"]), name[:40]]
    return "_".join(p for p in parts if p) + suffix + ".docx"


def _base(settings, client, letter_date, subject) -> dict:
    return {"absender": sender(settings), "empfaenger": recipient(client),
            "datum": letter_date, "betreff": subject}


def _deadline(settings, letter_date) -> date:
    days = settings.get("frist_mahnung_tage", 10)
    return next_working_day(letter_date + timedelta(days=days), *holiday_place(settings))


def _charged(state) -> bool:
    """From the 1. Mahnung on an invoice carries interest, flat fee and fees; the
    reminder that causes default asks for nothing extra."""
    return state.next_level >= 2


def dunning_letters(summary, clients, settings, letter_date, skip_rows=frozenset()) -> list:
    """One letter per client, with every invoice due for a reminder or Mahnung, in the
    tone of the highest level among them; each invoice advances to its own next level
    and is charged by it. The Stichtag (summary) decides what is due and the interest;
    the letter carries its own date, and its deadline counts from that day."""
    letters = []
    for number, states in sorted(summary.letters_due().items()):
        states = [s for s in states if (s.invoice.sheet, s.invoice.row) not in skip_rows]
        client = states[0].client if states else None
        if not states or client is None or (client.sheet, client.row) in skip_rows:
            continue
        level = max(s.next_level for s in states)
        items = [{"rechnungsnr": s.number, "rechnungsdatum": s.invoice["rechnungsdatum"],
                  "faellig": s.effective_due, "offen": s.open,
                  "zinsen": s.interest if _charged(s) else ZERO,
                  "zinsen_erklaert": interest_explained(s) if _charged(s) else "",
                  "pauschale": s.flat_fee if _charged(s) else ZERO,
                  # the bank's fee for a returned direct debit: a cost the client
                  # caused, owed from the first letter on (not a dunning charge)
                  "bankgebuehr": s.return_fee,
                  # Every letter says since when and why the client is in default
                  # (§ 286 BGB); the reminder charges nothing for it.
                  "verzug_seit": s.default.since if s.default else None,
                  "verzug_grund": s.default.reason if s.default else ""}
                 for s in states]
        totals = {key: sum((i[key] for i in items), ZERO) for key in
                  ("offen", "zinsen", "pauschale", "bankgebuehr")}
        fees = max((s.fees for s in states if _charged(s)), default=ZERO)
        total = cents(sum(totals.values(), ZERO) + fees)
        purpose, reference = payment_purpose([s.number for s in states])
        template = DUNNING_TEMPLATES[level]
        context = {**_base(settings, client, letter_date, LEVEL_NAMES[level]), "posten": items,
                   "summe_offen": totals["offen"], "summe_zinsen": totals["zinsen"],
                   "summe_pauschale": totals["pauschale"], "gebuehren": fees,
                   "summe_bankgebuehr": totals["bankgebuehr"],
                   "summe": total, "frist": _deadline(settings, letter_date), "stufe": level,
                   "pauschale_erklaert": (flat_fee_explained(settings) if totals["pauschale"]
                                          else ""),
                   "stufe_name": LEVEL_NAMES[level], "verwendungszweck": purpose}
        writes = [(s.invoice, f, v) for s in states
                  for f, v in (("mahnstufe", s.next_level), ("gemahnt_am", letter_date))]
        letters.append(Letter(template, client, context,
                              file_name(letter_date, LEVEL_NAMES[level].replace(" ", ""),
                                        client), [s.invoice for s in states], writes,
                              _girocode(settings, total, purpose, reference),
                              {s.number: s.due for s in states}))
    return letters


NBSP = "\u00a0"           # keeps "7,27 %" on one line


def _percent(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",") + NBSP + "%"


def interest_explained(state) -> str:
    """One plain sentence: rate, paragraph, principal and days (§§ 288, 247 BGB)."""
    periods = state.periods
    if not periods or state.interest <= ZERO:
        return ""
    business = state.client is not None and state.client["kundenart"] == "Gewerbe"
    points, paragraph = ((SURCHARGE_BUSINESS, "§ 288 Abs. 2 BGB") if business
                         else (SURCHARGE_CONSUMER, "§ 288 Abs. 1 BGB"))
    rates = []
    for period in periods:
        if not rates or rates[-1][1] != period.rate:
            rates.append((period.first_day, period.rate))
    if len(rates) == 1:
        rate_text = f"das sind {_percent(rates[0][1])} im Jahr"
    else:
        rate_text = "das sind " + ", ".join(
            f"ab {day:%d.%m.%Y} {_percent(rate)}" for day, rate in rates) + " im Jahr"
    principals = {period.principal for period in periods}
    on = (f"auf {euro(periods[0].principal)}" if len(principals) == 1
          else "auf den jeweils offenen Betrag")
    return (f"{points:f} Prozentpunkte über dem Basiszinssatz "
            f"({paragraph}), {rate_text}, {on} vom {periods[0].first_day:%d.%m.%Y} bis "
            f"{periods[-1].last_day:%d.%m.%Y}")


def flat_fee_explained(settings) -> str:
    covered = settings.get("pauschale_anrechnen") != schema.NO
    return ("Die Pauschale von 40 € je Rechnung steht uns zu, weil Sie als Unternehmen in "
            "Zahlungsverzug sind (§ 288 Abs. 5 BGB)"
            + ("; Mahngebühren rechnen wir darauf an." if covered else "."))


def payment_purpose(numbers) -> tuple[str, str | None]:
    """The Verwendungszweck printed in a letter ("RF71 2026 0057 (Rechnung 2026-0057)")
    and the structured reference its GiroCode carries (rules/references.py); without a
    reference (too many invoices for one) the invoice numbers alone."""
    text = "Rechnung " + ", ".join(str(number) for number in numbers)
    reference = creditor_reference(numbers)
    return (f"{printed(reference)} ({text})" if reference else text)[:140], reference


def _girocode(settings, amount, text, reference=None):
    """GiroCode data, only for a valid own IBAN (checked with schwifty; pruefen reports
    an invalid one): a wrong QR code would send the money astray. With a reference the
    code carries it as structured remittance information, else the text."""
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException
    if not settings.get("iban") or amount <= 0:
        return None
    try:
        iban = IBAN(str(settings.get("iban")))
    except SchwiftyException:
        return None
    return (settings.get("firma") or settings.get("inhaber") or "", iban.compact,
            amount, text[:140], settings.get("bic"), reference)


def welcome_letters(clients, appointments, settings, letter_date, skip_rows=frozenset()):
    """The welcome letter with the first appointments, all on or after its date: those
    already planned in Termine from that day on, else the plan counted from the letter's
    date (rules/schedule.py)."""
    letters = []
    for client in clients:
        if (client["begruesst_am"] or client["phase"] == "Inaktiv" or not client["kundennr"]
                or (client.sheet, client.row) in skip_rows):
            continue
        planned = [{"datum": a["datum"], "betreff": a["betreff"]} for a in appointments
                   if a["kundennr"] == client["kundennr"] and a["notiz"] == PLAN_NOTE
                   and a["datum"] and a["datum"] >= letter_date]
        plan = planned or [{"datum": r["datum"], "betreff": r["betreff"]}
                           for r in onboarding_plan(client, settings, letter_date)]
        context = {**_base(settings, client, letter_date, "Willkommen"),
                   "plan": sorted(plan, key=lambda t: t["datum"])}
        letters.append(Letter("begruessung", client, context,
                              file_name(letter_date, "Begruessung", client),
                              writes=[(client, "begruesst_am", letter_date)]))
    return letters


def thank_you_letters(journey, invoices, settings, letter_date, skip_rows=frozenset()):
    letters = []
    for client in journey.thanks_due:
        if (client.sheet, client.row) in skip_rows:
            continue
        own = sorted((i for i in invoices if i["kundennr"] == client["kundennr"]
                      and i["rechnungsdatum"]), key=lambda i: i["rechnungsdatum"])
        context = {**_base(settings, client, letter_date, "Danke"),
                   "rechnungsnr": own[0]["rechnungsnr"] if own else ""}
        letters.append(Letter("dank", client, context,
                              file_name(letter_date, "Dank", client)))
    return letters


def follow_up_days(tiers, tier: str) -> int | None:
    """Stufen "Nachfassen nach Tagen": when one follow-up to an invitation goes out
    (None: none)."""
    row = next((t for t in tiers if t["stufe"] == tier), None)
    days = row.get("nachfassen_nach_tagen") if row is not None else None
    return days if isinstance(days, int) and 0 < days <= 365 else None


def annual_check_letters(promises, protocol, tiers, settings, letter_date,
                         skip_rows=frozenset()):
    """One invitation to a due annual check, and at most one follow-up `Nachfassen nach
    Tagen` (Stufen) later; then none until the check is done and falls due again.
    Every date named lies ahead of the letter."""
    sent: dict[str, list] = {}
    for row in protocol:
        if row["art"] == PROTOCOL_KIND["jahrescheck"] and row["stichtag"]:
            sent.setdefault(row["kundennr"], []).append(row["stichtag"])
    letters = []
    for promise in promises:
        client = promise.client
        if (client.sheet, client.row) in skip_rows:
            continue
        due = promise.due or letter_date
        # Invitations for this check: from shortly before it fell due on.
        invited = sorted(day for day in sent.get(client["kundennr"], [])
                         if day >= due - timedelta(days=INVITATION_LEAD_DAYS))
        if invited:
            days = follow_up_days(tiers, promise.tier)
            if len(invited) > 1 or days is None or letter_date < invited[0] + timedelta(
                    days=days):
                continue
        context = {**_base(settings, client, letter_date, "Jahrescheck"),
                   "termin_bis": max(due, letter_date
                                     + timedelta(days=ANNUAL_CHECK_WINDOW_DAYS)),
                   "eingeladen_am": invited[0] if invited else None}
        letters.append(Letter("jahrescheck", client, context,
                              file_name(letter_date, "Jahrescheck", client)))
    return letters


DUNNING_KINDS = set(LEVEL_NAMES.values()) - {LEVEL_NAMES[0]}


def first_reminders(protocol) -> dict:
    """Rechnungsnr -> date of its first reminder or dunning letter, from the Protokoll."""
    found = {}
    for row in protocol:
        if row["art"] not in DUNNING_KINDS:
            continue
        day = row["stichtag"] or _date_of(row["zeitpunkt"])
        for number in str(row["rechnungen"] or "").split(","):
            number = number.strip()
            if number and day and (number not in found or day < found[number]):
                found[number] = day
    return found


def _date_of(timestamp) -> date | None:
    try:
        return datetime.strptime(str(timestamp)[:10], "%Y-%m-%d").date()
    except ValueError:
        return None


def invoice_documents(protocol) -> set:
    """The Rechnungsnr whose invoice document kundenbuch made (the Protokoll lists them):
    those carry the notice of § 286 Abs. 3 BGB."""
    return {number.strip() for row in protocol if row["art"] == PROTOCOL_KIND["rechnung"]
            for number in str(row["rechnungen"] or "").split(",") if number.strip()}


def line_context(document, lines) -> list[dict]:
    """The lines of an invoice or quote as its document lists them."""
    return [{"pos": line["pos"] or index, "beschreibung": line["beschreibung"] or "",
             "menge": line["menge"] if line["menge"] is not None else 1,
             "einheit": line["einheit"] or "", "einzelpreis": line["einzelpreis"],
             "ust_satz": line_rate(line, document), "rabatt": line["rabatt"],
             "betrag": line_amount(line)}
            for index, line in enumerate(lines or (), start=1)]


def rate_context(document) -> list[dict]:
    """One net and tax amount per VAT rate (§ 14 Abs. 4 Nr. 8 UStG), of an invoice or a
    quote."""
    return [{"satz": rate, "netto": net, "ust": tax} for rate, net, tax in rate_parts(document)]


def _rates_text(invoice) -> str | int:
    """"7 und 19" for an invoice at several rates (older templates print one rate)."""
    rates = [rate for rate, _ in invoice["saetze"] or ()]
    if len(rates) > 1:
        return " und ".join(str(r) for r in rates)
    return invoice["ust_satz"] or 0


def correction_context(invoice, originals: dict, corrections: dict) -> dict | None:
    """For a Storno or credit note (Storno zu): the invoice it corrects, and whether it
    cancels all of it ("Stornorechnung") or a part ("Rechnungskorrektur").
    corrections: rules/corrections.corrections_by_original of the book."""
    target = invoice["storno_zu"]
    original = originals.get(str(target).strip()) if target is not None else None
    if original is None or original["netto"] is None or invoice["netto"] is None:
        return None
    made = corrections.get(str(target).strip(), ())
    whole = sum((c.net for c in made if c.day <= invoice["rechnungsdatum"]), ZERO) >= \
        original["netto"]
    return {"nr": original["rechnungsnr"], "datum": original["rechnungsdatum"],
            "voll": whole, "titel": "Stornorechnung" if whole else "Rechnungskorrektur"}


def invoice_letters(invoices, clients, protocol, settings, stichtag, number=None,
                    skip_rows=frozenset(), letter_date: date | None = None, lines=None,
                    also=frozenset()):
    """Invoices dated in the Stichtag's month (up to it) that were not issued yet; or
    exactly the one asked for. A Kleinunternehmer invoice showing VAT while the exemption
    holds is left out (checks/invoices.py names it as a Fehler)."""
    issued = invoice_documents(protocol)
    by_number = {c["kundennr"]: c for c in clients}
    originals = {str(i["rechnungsnr"]).strip(): i for i in invoices if i["rechnungsnr"]}
    corrections = corrections_by_original(invoices)
    exempt = exemption(invoices, settings)
    terms = Terms.from_settings(settings)
    letters = []
    for invoice in invoices:
        nr, issued_on = invoice["rechnungsnr"], invoice["rechnungsdatum"]
        made_now = str(nr) in also       # by this run: its document goes out now
        if number is not None:
            if str(nr) != str(number):
                continue
        elif made_now:
            pass
        elif (nr is None or issued_on is None or str(nr) in issued
              or invoice["storniert"] == schema.YES
              or (issued_on.year, issued_on.month) != (stichtag.year, stichtag.month)
              or issued_on > stichtag):
            continue
        client = by_number.get(invoice["kundennr"])
        if (client is None or invoice["netto"] is None or issued_on is None
                or exempt.contradicts(invoice) or (invoice.sheet, invoice.row) in skip_rows):
            continue            # a self-contradicting invoice is never produced (§ 14c UStG)
        total = invoice_gross(invoice)
        due = due_of(invoice, terms)
        correction = correction_context(invoice, originals, corrections)
        paid = correction is None and open_amount(invoice) <= ZERO
        # part paid already (a credit from an overpayment, a payment in advance)
        received = ZERO if paid or correction else min(total, invoice["bezahlt_betrag"]
                                                       or ZERO)
        to_pay = total - received
        debit = None if paid or correction else collection(invoice, client, due, settings)
        if number is None and correction is None and not made_now and (
                paid or due < max(stichtag, letter_date or stichtag)):
            # Paid, or overdue: a payable document now would ask for money already
            # received, or for a date gone by (the reminder speaks for it).
            continue
        purpose, reference = payment_purpose([nr])
        exempt_invoice = exempt.applies and not exempt.must_show_vat(invoice)
        # § 14 Abs. 4 UStG: without a typed service date, the service was on the invoice
        # date; a Kleinunternehmer invoice states none then (§ 34a UStDV).
        service_day = invoice["leistungsdatum"] or (None if exempt_invoice else issued_on)
        title = correction["titel"] if correction else "Rechnung"
        context = {**_base(settings, client, issued_on, f"{title} {nr}"),
                   "rechnung": {"nr": nr, "datum": issued_on, "leistungsdatum": service_day,
                                "leistung": invoice["leistung"] or "",
                                "netto": invoice["netto"],
                                "ust_satz": _rates_text(invoice),
                                "ust": total - invoice["netto"], "brutto": total,
                                "faellig": due},
                   "positionen": line_context(invoice, (lines or {}).get(str(nr).strip())),
                   "saetze": rate_context(invoice),
                   "kleinunternehmer": exempt_invoice,
                   "privat": client["kundenart"] == "Privat",
                   "kleinbetrag": abs(total) <= SMALL_INVOICE, "verwendungszweck": purpose,
                   "storno": correction,
                   "kopie": str(nr) in issued,
                   "bezahlt_am": invoice["bezahlt_am"] if paid else None,
                   "bereits_erhalten": received, "zu_zahlen": to_pay,
                   # SEPA pre-notification instead of a payment request
                   "lastschrift": debit.as_context() if debit else None}
        name = re.sub(r"[^\w.-]+", "-", str(nr))
        copy = "_Kopie" if str(nr) in issued else ""
        letters.append(Letter("rechnung", client, context,
                              f"{title}_{name}_{client['kundennr']}{copy}.docx", [invoice],
                              girocode=(None if paid or debit or correction
                                        else _girocode(settings, to_pay, purpose, reference)),
                              due_dates={nr: due}, copy=bool(copy)))
    return letters


def _quote_context(settings, client, quote, letter_date, subject, lines) -> dict:
    sums = quotes.totals(quote)
    return {**_base(settings, client, letter_date, subject),
            "angebot": {"nr": quote["angebotsnr"], "datum": quote["angebotsdatum"],
                        "gueltig_bis": quotes.valid_until(quote),
                        "leistung": quote["leistung"] or "", "netto": sums.net,
                        "ust": sums.gross - sums.net, "brutto": sums.gross},
            "positionen": line_context(quote, lines),
            "saetze": rate_context(quote),
            "kleinunternehmer": settings.get("kleinunternehmer") == schema.YES,
            "zahlungsziel_tage": settings.get("zahlungsziel_tage", 14)}


def quote_letter(quote, clients, settings, letter_date: date, lines=None) -> Letter | None:
    """The quote document (kundenbuch briefe --angebot NR)."""
    client = next((c for c in clients if c["kundennr"] == quote["kundennr"]), None)
    if client is None or quote["netto"] is None:
        return None
    number = quote["angebotsnr"]
    context = _quote_context(settings, client, quote, quote["angebotsdatum"] or letter_date,
                             f"Angebot {number}", (lines or {}).get(str(number).strip()))
    name = re.sub(r"[^\w.-]+", "-", str(number))
    return Letter("angebot", client, context, f"Angebot_{name}_{client['kundennr']}.docx")


def quote_follow_up_letters(quotes_, clients, settings, stichtag: date, letter_date: date,
                            skip_rows=frozenset()) -> list:
    """One follow-up for an open quote in its last week; Nachgefasst am written."""
    by_number = {c["kundennr"]: c for c in clients}
    letters = []
    for quote in quotes.follow_ups_due(quotes_, stichtag):
        client = by_number.get(quote["kundennr"])
        if client is None or (quote.sheet, quote.row) in skip_rows:
            continue
        context = _quote_context(settings, client, quote, letter_date,
                                 f"Unser Angebot {quote['angebotsnr']}", None)
        letters.append(Letter("angebot_nachfassen", client, context,
                              file_name(letter_date, "Angebot-nachgefasst", client),
                              writes=[(quote, "nachgefasst_am", letter_date)]))
    return letters
