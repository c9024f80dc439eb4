"""Invoice status, aging and the dunning ladder as of a Stichtag. Pure: no file I/O.

Rules and their sources are in the README (section "Forderungen") and fachregeln.md.

When default begins (§ 286 BGB): on the earliest of
- the day after an agreed calendar due date (Abs. 2 Nr. 1): only where the due date was
  agreed (the Rechnungen column "Zahlungsziel vereinbart", empty = the setting); a date
  that only the invoice states is not agreed;
- the day after receipt of a reminder sent on or after the due date (Abs. 1); receipt is
  the letter date plus "Zugang nach Tagen", moved to a working day (§ 193). A level the
  user typed (Mahnstufe, Gemahnt am) counts like a letter kundenbuch sent;
- the day after the 30 days that follow due date and receipt of the invoice (Abs. 3):
  always for business clients, for consumers only where the invoice pointed it out
  (the column "Verzugshinweis", empty = ja where kundenbuch made the invoice document).
The first day counted is the day after the event in each case (§ 187 Abs. 1 BGB).

What may be charged (§ 288 BGB): interest from that day; a business debtor also owes the
40 € flat fee once, set off against the dunning fees (Abs. 5 Satz 3: the larger of the
two, not both, unless "Pauschale anrechnen" is nein). The first reminder is free. Paid
late in full, the interest up to the day before the payment and the flat fee stay owed:
the status "Verzugsschaden", until the user waives it ("Verzugsschaden erlassen").

Direct debit: an invoice of a client with a SEPA mandate counts as due on its
collection day (rules/direct_debit.py), so no reminder goes out while the collection
is pending; if the money does not come, the ladder runs from that day.

Limitation (§§ 195, 199 BGB): a payment claim arises when it is due, so the three years
run from the end of the year of the due date (Fällig am, or the computed one where it is
empty; the due date as agreed, not moved by § 193). A claim due on 15.03.2023 is
time-barred from 01.01.2027. A time-barred claim gets no reminder, and neither interest
nor flat fee nor fees are demanded for it any more (§ 217 BGB: the ancillary claims
lapse with it). Only a Mahnbescheid or a lawsuit stops the clock (§ 204 BGB), which
kundenbuch does not see: the user decides that in time, warned by `pruefen`.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ..book import schema
from .amounts import ZERO, invoice_gross
from .corrections import NOTHING, Corrected, as_of, corrections_by_original
from .interest import (FLAT_FEE_BUSINESS, SURCHARGE_BUSINESS, SURCHARGE_CONSUMER, Period,
                       default_interest)
from .applied import last_paid_on, principal_paid, principal_steps, typed_parts
from .direct_debit import collection_date, has_mandate
from .workdays import holiday_place, next_working_day

OPEN, PARTLY_PAID, PAID, OVERDUE, CANCELLED, LATE_DAMAGES = schema.STATUS
BUCKETS = ("nicht fällig", "1–30 Tage", "31–60 Tage", "61–90 Tage", "> 90 Tage")
LEVEL_NAMES = {0: "keine", 1: "Zahlungserinnerung", 2: "1. Mahnung", 3: "2. Mahnung",
               4: "letzte Mahnung"}
LAST_LEVEL = 4
THIRTY_DAYS = timedelta(days=30)         # § 286 Abs. 3 BGB
# Used when a client has no tier or the Stufen table lacks the numbers.
FALLBACK_REMINDER_DAYS, FALLBACK_INTERVAL_DAYS = 7, 14


@dataclass(frozen=True)
class Terms:
    """The settings receivables depend on."""
    bundesland: str = "NW"
    zahltag: int | None = None
    zahlungsziel_tage: int = 14
    mahngebuehr: Decimal = Decimal("1.50")
    mahngrenze: Decimal = Decimal("5.00")
    due_date_agreed: bool = False       # Einstellungen "Zahlungsziel vereinbart"
    receipt_days: int = 3               # Einstellungen "Zugang nach Tagen"
    flat_fee_covers_fees: bool = True   # Einstellungen "Pauschale anrechnen"
    local_holidays: tuple = ()          # Einstellungen "Feiertage zusätzlich"
    debit_notice_days: int = 14         # Einstellungen "Vorabankündigung Tage"

    @classmethod
    def from_settings(cls, settings) -> "Terms":
        receipt = settings.get("zugang_nach_tagen", 3)
        land, local = holiday_place(settings)
        return cls(land, settings["zahltag"],
                   settings.get("zahlungsziel_tage", 14),
                   Decimal(settings.get("mahngebuehr", Decimal("1.50"))),
                   Decimal(settings.get("mahngrenze", Decimal("5.00"))),
                   settings.get("zahlungsziel_vereinbart") == schema.YES,
                   3 if receipt is None else receipt,
                   settings.get("pauschale_anrechnen") != schema.NO, local,
                   settings.get("vorabankuendigung_tage", 14))


@dataclass(frozen=True)
class Default:
    """The first day in default and the rule that put the debtor there. The reason is
    worded only when asked for: 200,000 invoices would format 600,000 dates otherwise."""
    since: date
    rule: str                       # BY_AGREEMENT, BY_REMINDER or BY_THIRTY_DAYS
    event: date                     # the due date, the reminder, the end of the 30 days
    receipt: date | None = None     # when the reminder was received

    @property
    def reason(self) -> str:
        if self.rule == BY_AGREEMENT:
            return f"vereinbartes Zahlungsziel {self.event:%d.%m.%Y}, § 286 Abs. 2 Nr. 1 BGB"
        if self.rule == BY_REMINDER:
            return (f"Mahnung vom {self.event:%d.%m.%Y}, zugegangen am "
                    f"{self.receipt:%d.%m.%Y}, § 286 Abs. 1 BGB")
        return (f"30 Tage nach Fälligkeit und Zugang der Rechnung, am "
                f"{self.event:%d.%m.%Y}, § 286 Abs. 3 BGB")


BY_AGREEMENT, BY_REMINDER, BY_THIRTY_DAYS = "vereinbart", "Mahnung", "30 Tage"


@dataclass(frozen=True)
class TierRules:
    reminder_after_days: int
    interval_days: int


@dataclass(slots=True)      # not frozen: one per invoice, and a frozen one costs 8× to make
class InvoiceState:
    invoice: object                     # the Rechnungen record
    client: object | None
    tier: str
    due: date | None                    # Fällig am as given or computed
    due_is_computed: bool
    effective_due: date | None          # moved to the next working day (§ 193 BGB)
    gross: Decimal
    paid: Decimal                       # paid up to the Stichtag
    open: Decimal
    status: str
    days_overdue: int | None
    interest: Decimal
    periods: tuple[Period, ...]
    flat_fee: Decimal
    level_sent: int
    next_level: int                     # the letter due now; 0 = none
    fees: Decimal                       # dunning fees including the next letter
    default: "Default | None" = None    # when and why default began (§ 286 BGB)
    time_barred: date | None = None     # first day the claim is time-barred (§ 199 BGB)
    return_fee: Decimal = ZERO          # a returned direct debit's bank fee, still owed
    collection: date | None = None      # a direct debit ordered for this day

    @property
    def number(self) -> str:
        return self.invoice["rechnungsnr"]

    @property
    def bucket(self) -> str | None:
        if self.open <= ZERO or self.status == CANCELLED:
            return None
        return bucket_of(self.days_overdue or 0)


@dataclass
class Summary:
    stichtag: date
    invoices: list[InvoiceState]
    open_by_client: dict = field(default_factory=dict)     # Kundennr -> Decimal
    buckets_total: dict = field(default_factory=dict)
    buckets_by_client: dict = field(default_factory=dict)  # Kundennr -> bucket -> Decimal
    buckets_by_tier: dict = field(default_factory=dict)
    allocation: object = None      # rules/payments.Allocation in a book with Zahlungen
    to_confirm: list = field(default_factory=list)   # bank lines waiting in Zahlungsabgleich

    @property
    def open_items(self) -> list[InvoiceState]:
        return [s for s in self.invoices if s.open > ZERO and s.status != CANCELLED]

    @property
    def late_damages(self) -> list[InvoiceState]:
        """Paid late in full: interest and flat fee still owed (§ 288 BGB)."""
        return [s for s in self.invoices if s.status == LATE_DAMAGES]

    @property
    def open_total(self) -> Decimal:
        return sum((s.open for s in self.open_items), ZERO)

    @property
    def overdue_total(self) -> Decimal:
        return sum((s.open for s in self.open_items if s.status == OVERDUE), ZERO)

    def letters_due(self) -> dict:
        """Kundennr -> the invoices due for a reminder or Mahnung: one letter per client
        (in the tone of the highest level among them, rules/letters.py)."""
        letters = {}
        for state in self.invoices:
            if state.next_level:
                letters.setdefault(state.invoice["kundennr"], []).append(state)
        return letters


def bucket_of(days_overdue: int) -> str:
    if days_overdue <= 0:
        return BUCKETS[0]
    if days_overdue <= 30:
        return BUCKETS[1]
    if days_overdue <= 60:
        return BUCKETS[2]
    if days_overdue <= 90:
        return BUCKETS[3]
    return BUCKETS[4]


def due_date(issued: date, terms: Terms) -> date:
    """Zahlungsziel days after the invoice date, then on to the next Zahltag if set."""
    earliest = issued + timedelta(days=terms.zahlungsziel_tage or 0)
    if not terms.zahltag:
        return earliest
    year, month = earliest.year, earliest.month
    while True:
        # § 188 Abs. 3 BGB: a day the month lacks is its last day.
        day = min(terms.zahltag, calendar.monthrange(year, month)[1])
        candidate = date(year, month, day)
        if candidate >= earliest:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def due_of(invoice, terms: Terms) -> date | None:
    """Fällig am as typed, else as kundenbuch computes it (Zahlungsziel, Zahltag)."""
    if invoice["faellig_am"]:
        return invoice["faellig_am"]
    issued = invoice["rechnungsdatum"]
    return due_date(issued, terms) if issued else None


def limitation_ends(due: date) -> date:
    """The last day before a claim due on `due` is time-barred: the end of the third year
    after the year it became due (§§ 195, 199 Abs. 1 BGB)."""
    return date(due.year + 3, 12, 31)


def time_barred_since(due: date | None, stichtag: date) -> date | None:
    """The first day of limitation, when it lies on or before the Stichtag."""
    if due is None:
        return None
    first_day = limitation_ends(due) + timedelta(days=1)
    return first_day if first_day <= stichtag else None


def tier_in_force(client) -> str:
    if client is None:
        return ""
    return client["stufe_fest"] or client["stufe"] or ""


def tier_rules(tiers, tier: str) -> TierRules:
    row = next((t for t in tiers if t["stufe"] == tier), None)
    if row is None:           # no tier yet: the most patient row, i.e. the last one
        row = next((t for t in reversed(tiers) if t["stufe"]), None)
    reminder = row["erinnerung_nach_tagen"] if row else None
    interval = row["mahnabstand_tage"] if row else None
    # A day count out of range is a Fehler in `pruefen`; meanwhile the fallback holds.
    valid = range(0, 366)
    return TierRules(reminder if reminder in valid else FALLBACK_REMINDER_DAYS,
                     interval if interval in valid else FALLBACK_INTERVAL_DAYS)


def compute(invoices, clients, tiers, base_rates, terms: Terms, stichtag: date,
            first_reminders: dict | None = None, documents_made=frozenset(),
            allocation=None, collections: dict | None = None) -> Summary:
    """first_reminders: Rechnungsnr -> date of the first reminder (from the Protokoll);
    documents_made: the Rechnungsnr whose invoice document kundenbuch produced (it
    carries the notice of § 286 Abs. 3 BGB); allocation: the payments of the Zahlungen
    table as rules/payments.py applied them (None: a book without it); collections:
    Rechnungsnr -> collection day of a direct debit ordered and not returned."""
    collections = collections or {}
    by_number = {c["kundennr"]: c for c in clients if c["kundennr"]}
    paid = allocation.until(stichtag) if allocation is not None else None
    corrections = corrections_by_original(invoices)
    states = [invoice_state(inv, by_number.get(inv["kundennr"]), tiers, base_rates, terms,
                            stichtag, (first_reminders or {}).get(inv["rechnungsnr"]),
                            inv["rechnungsnr"] in documents_made,
                            None if paid is None else paid.get(inv["rechnungsnr"], ()),
                            collections.get(str(inv["rechnungsnr"])),
                            as_of(inv, corrections.get(str(inv["rechnungsnr"]).strip(), ()),
                                  stichtag) if corrections else NOTHING)
              for inv in invoices]
    summary = Summary(stichtag, states, allocation=allocation)
    for client in clients:
        if client["kundennr"]:
            summary.open_by_client[client["kundennr"]] = ZERO
    summary.buckets_total = {b: ZERO for b in BUCKETS}
    for state in summary.open_items:
        number = state.invoice["kundennr"]
        summary.open_by_client[number] = summary.open_by_client.get(number, ZERO) + state.open
        for table, key in ((summary.buckets_by_client, number),
                           (summary.buckets_by_tier, state.tier or "ohne")):
            row = table.setdefault(key, {b: ZERO for b in BUCKETS})
            row[state.bucket] += state.open
        summary.buckets_total[state.bucket] += state.open
    return summary


def timing(invoice, client, terms: Terms) -> tuple[date | None, bool, date | None]:
    """(due date, whether kundenbuch computed it, the day it counts as due): the due
    date moved to the next working day (§ 193 BGB), and for a client with a SEPA
    mandate to the collection day, so nobody is reminded while it is pending
    (rules/direct_debit.py)."""
    issued = invoice["rechnungsdatum"]
    due = invoice["faellig_am"]
    computed = due is None and issued is not None
    if computed:
        due = due_date(issued, terms)
    effective = next_working_day(due, terms.bundesland, terms.local_holidays) if due else None
    if effective is not None and issued is not None and has_mandate(client):
        effective = max(effective, collection_date(issued, due, terms.debit_notice_days))
    return due, computed, effective


def is_business(client) -> bool:
    return client is not None and client["kundenart"] == "Gewerbe"


def surcharge_for(business: bool) -> Decimal:
    return SURCHARGE_BUSINESS if business else SURCHARGE_CONSUMER


def invoice_state(invoice, client, tiers, base_rates, terms: Terms, stichtag: date,
                  first_reminder: date | None = None, document_made: bool = False,
                  parts: tuple | None = None,
                  collection: date | None = None,
                  corrected: Corrected = NOTHING) -> InvoiceState:
    """parts: what the payments of the Zahlungen table paid on this invoice up to the
    Stichtag (rules/payments.py); None = the typed Bezahlt columns. collection: the day
    of a direct debit ordered for it ("Einzug angewiesen"): due no earlier, and no
    reminder while the bank collects, until the money comes or is returned. corrected:
    what cancellations and credit notes did to it by the Stichtag (rules/corrections)."""
    tier = tier_in_force(client)
    due, computed, effective = timing(invoice, client, terms)
    if collection is not None and effective is not None:
        effective = max(effective, collection)
    total = (invoice_gross(invoice) or ZERO) - corrected.credited
    if parts is None:
        parts = typed_parts(invoice, stichtag)
    paid = principal_paid(parts)
    paid_on = last_paid_on(parts)
    still_open = max(ZERO, total - paid)
    level_sent = invoice["mahnstufe"] or 0
    cancelled = invoice["storniert"] == schema.YES or corrected.cancelled_on is not None
    business = is_business(client)
    settled = cancelled or still_open <= ZERO      # paid, or a credit note (Netto <= 0)
    late = (not cancelled and total > ZERO and paid_on is not None
            and effective is not None and paid_on > effective)
    # Only what can owe interest needs its default (most paid invoices were paid in time).
    default = (default_begins(invoice, effective, terms, business, first_reminder,
                              document_made) if late or not settled else None)
    default_start = default.since if default else None
    if settled:
        if late:
            late = _late_damages(invoice, client, tier, due, computed, effective, total,
                                 parts, paid_on, level_sent, default, business, base_rates,
                                 terms)
            if late is not None:
                return late
        status = CANCELLED if cancelled else PAID
        fees = dunning_fees(0, level_sent, terms)
        return InvoiceState(invoice, client, tier, due, computed, effective, total, paid,
                            ZERO, status, None, ZERO, (), ZERO, level_sent, 0, fees)
    overdue_days = max(0, (stichtag - effective).days) if effective else 0
    if overdue_days > 0:
        status = OVERDUE
    else:
        status = PARTLY_PAID if paid > ZERO else OPEN
    in_default = default_start is not None and default_start <= stichtag
    barred = time_barred_since(due, stichtag)
    if barred is not None:        # § 217 BGB: nothing more is demanded, no letter goes out
        return InvoiceState(invoice, client, tier, due, computed, effective, total, paid,
                            still_open, status, overdue_days, ZERO, (), ZERO, level_sent,
                            0, ZERO, default if in_default else None, barred)
    interest, periods = ZERO, []
    if in_default:
        # A (partial) payment during default lowers the principal from its day on.
        interest, periods = default_interest(
            default_start, stichtag, principal_steps(total, parts, default_start),
            base_rates, surcharge_for(business))
    flat_fee = FLAT_FEE_BUSINESS if business and in_default else ZERO
    next_level = 0 if collection is not None else _next_level(
        invoice, client, tiers, tier, terms, stichtag, effective, still_open, level_sent)
    fees = charged_fees(dunning_fees(next_level, level_sent, terms), flat_fee, terms)
    interest, fees, flat_fee, return_fee = _less_paid(parts, interest, fees, flat_fee)
    return InvoiceState(invoice, client, tier, due, computed, effective, total, paid,
                        still_open, status, overdue_days, interest, tuple(periods),
                        flat_fee, level_sent, next_level, fees,
                        default if in_default else None, return_fee=return_fee,
                        collection=collection)


def _less_paid(parts, interest, fees, flat_fee):
    """What is still owed of interest, fees, flat fee and a returned debit's bank fee
    once the payments' shares for costs and interest (§ 367 BGB) are counted; costs
    paid settle the oldest first: dunning fees, the flat fee, the bank's fee."""
    if not parts:
        return interest, fees, flat_fee, ZERO
    interest = max(ZERO, interest - sum((p.interest for p in parts), ZERO))
    costs_paid = sum((p.costs for p in parts), ZERO)
    owed = []
    for amount in (fees, flat_fee, sum((p.return_fee for p in parts), ZERO)):
        settled = min(amount, costs_paid)
        costs_paid -= settled
        owed.append(amount - settled)
    return interest, *owed


def _late_damages(invoice, client, tier, due, computed, effective, total, parts, paid_on,
                  level_sent, default, business, base_rates, terms) -> InvoiceState | None:
    """Paid in full, but after default began: the interest up to the day before the
    payment and the flat fee stay owed (§§ 286, 288 BGB), unless the user waived them
    (Rechnungen column "Verzugsschaden erlassen") or the payments paid them (§ 367 BGB).
    None when nothing is owed."""
    waived = invoice.get("verzugsschaden_erlassen") == schema.YES
    if waived or default is None or paid_on is None or paid_on <= default.since:
        return None
    interest, periods = default_interest(default.since, paid_on - timedelta(days=1),
                                         principal_steps(total, parts, default.since),
                                         base_rates, surcharge_for(business))
    flat_fee = FLAT_FEE_BUSINESS if business else ZERO
    fees = charged_fees(dunning_fees(0, level_sent, terms), flat_fee, terms)
    interest, fees, flat_fee, return_fee = _less_paid(parts, interest, fees, flat_fee)
    if interest <= ZERO and flat_fee <= ZERO and return_fee <= ZERO:
        return None
    return InvoiceState(invoice, client, tier, due, computed, effective, total,
                        principal_paid(parts), ZERO, LATE_DAMAGES, None, interest,
                        tuple(periods), flat_fee, level_sent, 0, fees, default,
                        return_fee=return_fee)


def charged_fees(fees: Decimal, flat_fee: Decimal, terms: Terms) -> Decimal:
    """Dunning fees still charged beside the flat fee: § 288 Abs. 5 Satz 3 BGB sets the
    flat fee off against other costs of collection, so a business debtor pays the larger
    of the two, not both (unless the setting "Pauschale anrechnen" is nein)."""
    if flat_fee <= ZERO or not terms.flat_fee_covers_fees:
        return fees
    return max(ZERO, fees - flat_fee)


def _said(value, otherwise: bool) -> bool:
    """A ja/nein input column: empty means the default given."""
    return otherwise if value is None else value == schema.YES


def received(sent: date, terms: Terms) -> date:
    """The day a letter counts as received: its date plus "Zugang nach Tagen", moved to
    the next working day (§ 193 BGB)."""
    return next_working_day(sent + timedelta(days=terms.receipt_days), terms.bundesland,
                            terms.local_holidays)


def default_begins(invoice, effective: date | None, terms: Terms, business: bool,
                   first_reminder: date | None = None,
                   document_made: bool = False) -> Default | None:
    """The first day in default under § 286 BGB: the earliest of the three rules that
    apply (see the module's docstring), or None while none does."""
    if effective is None:
        return None
    day = timedelta(days=1)
    candidates = []
    if _said(invoice.get("zahlungsziel_vereinbart"), terms.due_date_agreed):
        candidates.append(Default(effective + day, BY_AGREEMENT, effective))
    reminder = first_reminder or (invoice["gemahnt_am"] if invoice["mahnstufe"] else None)
    if reminder is not None and reminder >= effective:
        receipt = received(reminder, terms)
        candidates.append(Default(receipt + day, BY_REMINDER, reminder, receipt))
    notice = _said(invoice.get("verzugshinweis"), document_made)
    issued = invoice["rechnungsdatum"]
    if (business or notice) and issued is not None:
        start = max(effective, received(issued, terms))
        end = next_working_day(start + THIRTY_DAYS, terms.bundesland,
                               terms.local_holidays)
        candidates.append(Default(end + day, BY_THIRTY_DAYS, end))
    return min(candidates, key=lambda c: c.since, default=None)


def _next_level(invoice, client, tiers, tier, terms, stichtag, effective, still_open,
                level_sent) -> int:
    blocked = schema.YES in (invoice["mahnsperre"], client["mahnsperre"] if client else None)
    if blocked or still_open < terms.mahngrenze or effective is None:
        return 0
    if level_sent >= LAST_LEVEL:
        return 0
    rules = tier_rules(tiers, tier)
    last_letter = invoice["gemahnt_am"]
    if last_letter and stichtag < last_letter:
        return 0                       # an earlier Stichtag never raises a level
    if level_sent == 0:
        due_on = effective + timedelta(days=rules.reminder_after_days)
    else:
        due_on = (last_letter or effective) + timedelta(days=rules.interval_days)
    return level_sent + 1 if stichtag >= due_on else 0


def dunning_fees(next_level: int, level_sent: int, terms: Terms) -> Decimal:
    """The first reminder is free; each later letter costs the Mahngebühr."""
    letters_with_fee = max(0, max(next_level, level_sent) - 1)
    return terms.mahngebuehr * letters_with_fee
