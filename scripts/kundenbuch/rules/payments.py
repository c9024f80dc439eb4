"""Payments of the Zahlungen table applied to invoices as the law says. Pure: no I/O.

Every payment is applied on its own day, in date order, so that interest follows each
payment and a later payment never changes what an earlier one paid:
- Who paid: Kundennr, else the client of the invoices named, else the client whose
  IBAN it is. A payment no client can be found for stays unapplied (pruefen names it).
- Which invoices (§ 366 BGB): those named in Rechnungsnr, in their order. Without, and
  for what is left over: among the payer's invoices issued by that day, the due ones
  first; among those the more burdensome (already in default, so interest runs) and
  then the older (by invoice date). The book knows no securities, so that criterion
  never decides. Where all criteria are equal, the payment is shared in proportion
  (§ 366 Abs. 2 at the end).
- Within an invoice (§ 367 BGB): first the costs (dunning fees, the 40 € flat fee of
  § 288 Abs. 5, a returned debit's bank fee), then the interest up to the day before
  the payment, then the principal. Where the user waived them ("Verzugsschaden
  erlassen"), neither interest nor flat fee is taken first.
- What is left over is a credit (Guthaben) of the client: it pays the client's next
  invoice on the day it is issued, never lost.
- A negative amount (Rücklastschrift) takes back what a direct debit paid: on the
  invoices named, else on those the client's latest direct debit paid. What it takes
  beyond that is the bank's fee, owed by the client as costs.
Dunning fees count from the letter that charged them; the book keeps only the date of
the latest letter (Gemahnt am), so the fee of that letter counts from that date and
the earlier ones from before.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from operator import itemgetter

from ..book import schema
from .amounts import ZERO, cents, euro, invoice_gross
from .corrections import corrections_by_original, is_correction
from .applied import Part, principal_paid, principal_steps, received
from .interest import FLAT_FEE_BUSINESS, default_interest
from .receivables import (Terms, charged_fees, default_begins, is_business, surcharge_for,
                          timing)

DIRECT_DEBIT = "Lastschrift"


@dataclass
class Allocation:
    parts: dict = field(default_factory=dict)       # Rechnungsnr -> [Part] in day order
    notes: dict = field(default_factory=dict)       # Zahlungen row -> Zugeordnet text
    # Kundennr -> [(day, change)]: credits arising from overpayments, used by invoices
    credit_moves: dict = field(default_factory=dict)
    unassigned: list = field(default_factory=list)  # payments without a payer
    held: list = field(default_factory=list)        # payments naming incomplete invoices
    incomplete: set = field(default_factory=set)    # Rechnungsnr that owe an unknown sum
    payer: dict = field(default_factory=dict)       # Zahlungen row -> Kundennr
    _until: dict = field(default_factory=dict, repr=False)

    def until(self, stichtag: date) -> dict:
        """Rechnungsnr -> the parts paid on or before the Stichtag (each list is in day
        order, so most are taken whole)."""
        cached = self._until.get(stichtag)
        if cached is None:
            cached = self._until[stichtag] = {
                number: parts if parts[-1].day <= stichtag
                else [p for p in parts if p.day <= stichtag]
                for number, parts in self.parts.items()}
        return cached

    def credits_at(self, stichtag: date) -> dict:
        """Kundennr -> the credit a client has on the Stichtag."""
        left = {client: sum((change for day, change in moves if day <= stichtag), ZERO)
                for client, moves in self.credit_moves.items()}
        return {client: amount for client, amount in left.items() if amount > ZERO}

    def received(self, number: str) -> Decimal:
        """Everything applied to an invoice: the Bezahlt Betrag."""
        return received(self.parts.get(number, ()))


def invoice_numbers(text) -> list[str]:
    """Rechnungsnr typed in Zahlungen: several separated by comma or semicolon."""
    return [n.strip() for n in str(text or "").replace(";", ",").split(",") if n.strip()]


def compact_iban(value) -> str:
    return str(value or "").replace(" ", "").upper()


_UNKNOWN = object()


class _Claim:
    """One invoice while payments are applied: what it owes on a given day."""

    def __init__(self, invoice, client, terms: Terms, base_rates, first_reminder,
                 document_made):
        self.invoice = invoice
        self.number = invoice["rechnungsnr"]
        self.client = invoice["kundennr"]
        self.issued = invoice["rechnungsdatum"]
        self.total = invoice_gross(invoice) or ZERO
        self._client = client
        self.business = is_business(client)
        self._default_from = (first_reminder, document_made)
        self.waived = invoice["verzugsschaden_erlassen"] == schema.YES
        self.terms, self.base_rates = terms, base_rates
        self._default = None
        self._effective = _UNKNOWN
        self.parts: list[Part] = []

    def principal(self) -> Decimal:
        return self.total - principal_paid(self.parts)

    @property
    def effective(self):
        """The day it counts as due (receivables.timing); found when first needed."""
        if self._effective is _UNKNOWN:
            self._effective = timing(self.invoice, self._client, self.terms)[2]
        return self._effective

    @property
    def default(self):
        """When default began (§ 286 BGB); found only for an invoice paid after its due
        date (most are paid in time)."""
        if self._default_from is not None:
            first_reminder, document_made = self._default_from
            self._default = default_begins(self.invoice, self.effective, self.terms,
                                           self.business, first_reminder, document_made)
            self._default_from = None
        return self._default

    def in_default(self, day: date) -> bool:
        # default begins the day after the due date at the earliest
        if self.effective is None or day <= self.effective:
            return False
        return self.default is not None and self.default.since <= day

    def is_due(self, day: date) -> bool:
        return self.effective is not None and self.effective <= day

    def interest(self, day: date) -> Decimal:
        """Interest accrued up to the day before `day`, less what was paid of it."""
        if self.waived or not self.base_rates or not self.in_default(day - timedelta(days=1)):
            return ZERO
        since = self.default.since
        accrued, _ = default_interest(since, day - timedelta(days=1),
                                      principal_steps(self.total, self.parts, since),
                                      self.base_rates, surcharge_for(self.business))
        return max(ZERO, accrued - sum((p.interest for p in self.parts), ZERO))

    def costs(self, day: date) -> Decimal:
        level = self.invoice["mahnstufe"] or 0
        default = self.in_default(day)
        if level < 2 and not default and not self.parts:
            return ZERO                      # the common case: nothing charged yet
        latest = self.invoice["gemahnt_am"]
        letters_with_fee = max(0, level - 1) - (1 if latest and latest > day and level > 1
                                                else 0)
        fees = self.terms.mahngebuehr * letters_with_fee
        flat = FLAT_FEE_BUSINESS if self.business and default and not self.waived else ZERO
        owed = charged_fees(fees, flat, self.terms)
        for part in self.parts:
            owed += part.return_fee - part.costs
        return max(ZERO, owed + flat)

    def owed(self, day: date) -> Decimal:
        return max(ZERO, self.costs(day) + self.interest(day) + max(ZERO, self.principal()))

    def pay(self, amount: Decimal, day: date, row) -> Decimal:
        """§ 367 BGB: costs, interest, principal; returns what is left of amount."""
        if self._nothing_else_owed(day):
            costs = interest = ZERO
        else:
            costs = min(amount, self.costs(day))
            interest = min(amount - costs, self.interest(day))
        principal = min(amount - costs - interest, max(ZERO, self.principal()))
        if costs + interest + principal > ZERO:
            self.parts.append(Part(day, principal, interest, costs, row=row))
        return amount - costs - interest - principal

    def _nothing_else_owed(self, day: date) -> bool:
        """Paid by the due date, before any fee: only principal can be owed (the
        common case, decided without the due day's working-day and default rules)."""
        if self.parts or (self.invoice["mahnstufe"] or 0) > 1:
            return False
        typed_due = self.invoice["faellig_am"]
        if typed_due is not None and day <= typed_due:
            return True
        return not self.in_default(day)


def allocate(payments, invoices, clients, terms: Terms, base_rates,
             first_reminders: dict | None = None, documents_made=frozenset()) -> Allocation:
    """Apply every payment (all of them, whatever the Stichtag: each only changes what
    comes after its day; the receivables take the parts up to their Stichtag)."""
    by_client = {c["kundennr"]: c for c in clients if c["kundennr"]}
    claims, incomplete = {}, set()
    corrections = corrections_by_original(invoices)
    for invoice in invoices:
        number = invoice["rechnungsnr"]
        if (number is None or invoice["storniert"] == schema.YES or number in claims
                or is_correction(invoice)):
            continue
        if complete(invoice) is False:
            incomplete.add(str(number))      # what it owes is not known: pruefen says why
            continue
        claim = _Claim(invoice, by_client.get(invoice["kundennr"]), terms, base_rates,
                       (first_reminders or {}).get(number), number in documents_made)
        # a credit note lowers the claim (whatever its day: money paid on a cancelled
        # invoice becomes the client's credit)
        claim.total -= sum((c.gross for c in corrections.get(str(number).strip(), ())), ZERO)
        if claim.total > ZERO:
            claims[number] = claim
    return _Allocator(claims, by_client, incomplete).run(payments)


def complete(invoice) -> bool:
    """Whether an invoice's row says what it owes: its date, Netto and USt-Satz."""
    return (invoice["rechnungsdatum"] is not None and invoice["netto"] is not None
            and (invoice["ust_satz"] is not None or bool(invoice["saetze"])))


class _Allocator:
    def __init__(self, claims: dict, by_client: dict, incomplete=frozenset()):
        self.claims = claims
        self.incomplete = incomplete
        self.of_client: dict = {}             # Kundennr -> its claims
        for claim in claims.values():
            self.of_client.setdefault(claim.client, []).append(claim)
        self.by_iban = {compact_iban(c["iban"]): number for number, c in by_client.items()
                        if c["iban"]}
        self.known_clients = set(by_client)
        self.result = Allocation()
        self.lines: dict = {}                 # row -> [text]
        self.credit: dict = {}                # Kundennr -> [[row, amount]] oldest first
        self.debits: dict = {}                # Kundennr -> rows of direct debits, in order

    def run(self, payments) -> Allocation:
        # On one day the invoices first (a credit pays them), then the payments in
        # the order of their rows.
        events = [(c.issued, 0, index, c) for index, c in enumerate(self.claims.values())]
        events += [(p["datum"], 1, p.row, p) for p in payments
                   if p["datum"] is not None and p["betrag"]]
        for day, kind, _, item in sorted(events, key=itemgetter(0, 1, 2)):
            if kind == 0:
                self._use_credit(item, day)
            else:
                self._apply(item, day)
        for number, claim in self.claims.items():
            if claim.parts:
                self.result.parts[number] = claim.parts
        self.result.notes = {row: "; ".join(texts) for row, texts in self.lines.items()}
        self.result.incomplete = set(self.incomplete)
        return self.result

    def _payer(self, payment, named) -> str | None:
        if payment["kundennr"] in self.known_clients:
            return payment["kundennr"]
        owners = {claim.client for claim in named}
        if len(owners) == 1:
            return owners.pop()
        return self.by_iban.get(compact_iban(payment["iban"]))

    def _apply(self, payment, day: date) -> None:
        row = payment.row
        numbers = invoice_numbers(payment["rechnungsnr"])
        waiting = [n for n in numbers if n in self.incomplete]
        if waiting:
            # applied to others instead, it would pay what the client did not mean
            self.result.held.append(payment)
            self.lines[row] = [f"wartet: Rechnung {', '.join(waiting)} ist unvollständig "
                               "(Rechnungsdatum, Netto oder USt-Satz fehlt)"]
            return
        named = [self.claims[n] for n in numbers if n in self.claims]
        payer = self._payer(payment, named)
        if payer is None:
            self.result.unassigned.append(payment)
            self.lines[row] = ["nicht zugeordnet: Kunde unbekannt (Kundennr, Rechnungsnr "
                               "oder IBAN eintragen)"]
            return
        self.result.payer[row] = payer
        amount = cents(Decimal(payment["betrag"]))
        if amount < ZERO:
            self._take_back(payment, -amount, day, named, payer)
            return
        if payment["art"] == DIRECT_DEBIT:
            self.debits.setdefault(payer, []).append(row)
        for claim in named:
            amount = self._pay(claim, amount, day, row)
        if amount > ZERO:
            amount = self._by_law(payer, amount, day, row)
        if amount > ZERO:
            self.credit.setdefault(payer, []).append([row, amount])
            self.result.credit_moves.setdefault(payer, []).append((day, amount))
            self.lines.setdefault(row, []).append(f"Guthaben {euro(amount)}")

    def _pay(self, claim, amount, day, row) -> Decimal:
        if amount <= ZERO:
            return amount
        before = len(claim.parts)
        rest = claim.pay(amount, day, row)
        if len(claim.parts) > before:
            self.lines.setdefault(row, []).append(_described(claim.number, claim.parts[-1]))
        return rest

    def _by_law(self, payer, amount, day, row) -> Decimal:
        """§ 366 Abs. 2 BGB over the payer's invoices issued by that day."""
        open_claims = [c for c in self.of_client.get(payer, ())
                       if c.issued <= day and c.owed(day) > ZERO]
        groups: dict = {}
        for claim in open_claims:
            key = (not claim.is_due(day), not claim.in_default(day), claim.issued)
            groups.setdefault(key, []).append(claim)
        for key in sorted(groups):
            if amount <= ZERO:
                break
            group = groups[key]
            owed = [c.owed(day) for c in group]
            total = sum(owed, ZERO)
            if amount >= total or len(group) == 1:
                for claim in group:
                    amount = self._pay(claim, amount, day, row)
                continue
            shares = [cents(amount * o / total) for o in owed]
            shares[-1] = amount - sum(shares[:-1], ZERO)
            amount = ZERO
            for claim, share in zip(group, shares):
                amount += self._pay(claim, share, day, row)
        return amount

    def _use_credit(self, claim, day: date) -> None:
        """A new invoice of a client with a credit: the credit pays it on its day."""
        for entry in self.credit.get(claim.client, ()):
            row, amount = entry
            if amount <= ZERO:
                continue
            rest = claim.pay(amount, day, row)
            if rest < amount:
                self.result.credit_moves[claim.client].append((day, rest - amount))
                self.lines.setdefault(row, []).append(
                    f"davon {euro(amount - rest)} verrechnet mit {claim.number}")
            entry[1] = rest

    def _take_back(self, payment, amount, day, named, payer) -> None:
        """A returned direct debit: the principal it paid is owed again, the rest of
        the amount is the bank's fee."""
        row = payment.row
        if not named:
            rows = self.debits.get(payer, [])
            paid_by = rows[-1] if rows else None
            named = [c for c in self.of_client.get(payer, ())
                     if any(p.row == paid_by for p in c.parts)] if paid_by else []
        if not named:
            self.result.unassigned.append(payment)
            self.lines[row] = ["nicht zugeordnet: keine Lastschrift dieses Kunden gefunden "
                               "(Rechnungsnr eintragen)"]
            return
        for claim in named:
            back = min(amount, max(ZERO, principal_paid(claim.parts)))
            if back > ZERO:
                claim.parts.append(Part(day, -back, row=row))
                amount -= back
                self.lines.setdefault(row, []).append(
                    f"{claim.number}: {euro(back)} wieder offen")
        if amount > ZERO:
            named[0].parts.append(Part(day, ZERO, return_fee=amount, row=row))
            self.lines.setdefault(row, []).append(f"Bankgebühr {euro(amount)} "
                                                  f"auf {named[0].number}")


def _described(number: str, part: Part) -> str:
    if not part.costs and not part.interest:
        return f"{number}: {euro(part.principal)}"
    shares = [(label, value) for label, value in (("Kosten", part.costs),
              ("Zinsen", part.interest), ("Betrag", part.principal)) if value]
    return f"{number}: " + ", ".join(f"{label} {euro(value)}" for label, value in shares)


def allocation_of(book):
    """The book's payments applied, as every run and check asks for them."""
    return allocate_book(book.zahlungen, book.rechnungen, book.kunden, book.settings,
                         book.base_rates, book.records.get(schema.PROTOKOLL.table, []))


# The last allocation with the very objects it was made from (held, so that no other
# object can take their identity): the checks and the receivables of one run ask for
# the same one, and a month-end makes it before the checks fork off (runs/parallel.py).
_LAST: list = []


def allocate_book(zahlungen, rechnungen, kunden, settings, base_rates, protocol):
    """allocate() for a book's tables: terms from the settings, reminders and invoice
    documents from the Protokoll; only the invoices the receivables compute."""
    inputs = (zahlungen, rechnungen, kunden, settings, base_rates, protocol)
    if _LAST and all(a is b for a, b in zip(_LAST[0][0], inputs)):
        return _LAST[0][1]
    from .letters import first_reminders, invoice_documents
    invoices = [i for i in rechnungen if i["rechnungsnr"] is not None]
    result = allocate(zahlungen, invoices, kunden, Terms.from_settings(settings),
                      base_rates, first_reminders(protocol), invoice_documents(protocol))
    _LAST[:] = [(inputs, result)]
    return result
