"""Bank statement lines matched to clients and invoices. Pure: the lines come read
(bank/), the result is data (rows for Zahlungen, lines to confirm, lines ignored).

A credit is taken as a payment without asking only when all three agree:
- it names invoices: the GiroCode's structured reference (RF…, rules/references.py) or
  invoice numbers of the book in its text;
- the amount fits: what those invoices still owe, or their gross sum;
- the payer is known: the client's IBAN, or the client's name in the payer's name,
  and it is the client of those invoices.
Anything less goes to the sheet Zahlungsabgleich with its candidates ranked (reference
60, amount 30, IBAN 25, name 15 points), where the user decides. A returned direct
debit is matched to the client by mandate reference or IBAN. Other debits, and credits
that point to no client at all, are ignored and counted. A line whose Buchungs-ID (or,
without one, whose day, amount and text) the book has already is a duplicate and adds
nothing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..book.records import display_name
from .amounts import ZERO, invoice_gross
from .references import invoices_in

TOLERANCE = Decimal("0.01")
POINTS = {"reference": 60, "amount": 30, "iban": 25, "name": 15}
SHOWN_CANDIDATES = 3
IGNORE = "ignorieren"

# The SEPA return reasons a small business meets, in plain German.
RETURN_REASONS = {
    "AC01": "IBAN falsch", "AC04": "Konto erloschen", "AC06": "Konto gesperrt",
    "AC13": "Konto eines Verbrauchers", "AG01": "Lastschrift auf dem Konto nicht erlaubt",
    "AG02": "ungültiger Vorgang", "AM04": "keine Deckung", "AM05": "doppelt eingezogen",
    "MD01": "kein Mandat", "MD02": "Mandatsdaten fehlen oder falsch",
    "MD06": "Widerspruch des Zahlers", "MD07": "Zahler verstorben",
    "MS02": "Zahler hat abgelehnt", "MS03": "Grund nicht angegeben",
    "SL01": "Dienstleister der Bank",
}


@dataclass
class Candidate:
    number: str            # Rechnungsnr, or "" for the client alone
    client: str
    open: Decimal
    score: int
    why: list[str]

    def shown(self) -> str:
        what = f"{self.number} ({self.client}, offen {self.open:.2f} €)".replace(".", ",") \
            if self.number else f"Kunde {self.client}"
        return f"{what}: {', '.join(self.why)}"


@dataclass
class Matching:
    payments: list = field(default_factory=list)      # Zahlungen rows (field -> value)
    to_confirm: list = field(default_factory=list)    # (line, [Candidate])
    ignored: list = field(default_factory=list)       # (line, reason)
    duplicates: list = field(default_factory=list)    # lines the book has already

    def total(self, which: str) -> Decimal:
        lines = {"payments": [p["betrag"] for p in self.payments],
                 "to_confirm": [line.amount for line, _ in self.to_confirm],
                 "ignored": [line.amount for line, _ in self.ignored],
                 "duplicates": [line.amount for line in self.duplicates]}[which]
        return sum((Decimal(a) for a in lines), ZERO)


def plain(text) -> str:
    """Names compared as banks print them: upper case, umlauts spelt out."""
    text = str(text or "").casefold()
    for umlaut, spelt in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelt)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def weak_key(day, amount, purpose, name="") -> tuple:
    """Day, amount and text: how a line without a bank id is known again."""
    return (day, Decimal(amount).quantize(TOLERANCE), plain(purpose), plain(name))


class Matcher:
    def __init__(self, invoices, clients, open_amounts: dict, known_ids=(), known_keys=()):
        """open_amounts: Rechnungsnr -> still owed now (principal); known_ids: Buchungs-IDs
        in Zahlungen and in Zahlungsabgleich; known_keys: weak_key of Zahlungen rows."""
        self.invoices = {str(i["rechnungsnr"]): i for i in invoices if i["rechnungsnr"]}
        self.clients = {c["kundennr"]: c for c in clients if c["kundennr"]}
        self.open = dict(open_amounts)
        self.known_ids = set(known_ids)
        self.known_keys = set(known_keys)
        self.by_iban = {str(c["iban"]).replace(" ", "").upper(): n
                        for n, c in self.clients.items() if c["iban"]}
        self.by_mandate = {str(c["mandatsreferenz"]).strip(): n
                           for n, c in self.clients.items() if c["mandatsreferenz"]}
        numbers = sorted(self.invoices, key=len, reverse=True)
        self.number_pattern = (re.compile(r"(?<![0-9A-Za-z])(" + "|".join(
            re.escape(n) for n in numbers) + r")(?![0-9A-Za-z])") if numbers else None)

    def match(self, lines) -> Matching:
        result = Matching()
        for line in lines:
            key = weak_key(line.day, line.amount, line.purpose, line.name)
            if line.booking_id in self.known_ids or key in self.known_keys:
                result.duplicates.append(line)
                continue
            self.known_ids.add(line.booking_id)
            self.known_keys.add(key)
            if line.amount < 0:
                self._debit(line, result)
            else:
                self._credit(line, result)
        return result

    def _payer(self, line) -> str | None:
        by_iban = self.by_iban.get(line.iban.upper()) if line.iban else None
        if by_iban:
            return by_iban
        if line.mandate and line.mandate in self.by_mandate:
            return self.by_mandate[line.mandate]
        return None

    def _name_fits(self, client, name: str) -> bool:
        payer = plain(name).split()
        if not payer or client is None:
            return False
        for candidate in (client["firma"], display_name(client), client["nachname"]):
            words = plain(candidate).split()
            if words and all(w in payer for w in words):
                return True
        return False

    def named_invoices(self, line) -> list[str]:
        found = invoices_in(line.reference, self.invoices) if line.reference else []
        if not found and self.number_pattern is not None:
            found = list(dict.fromkeys(self.number_pattern.findall(line.purpose)))
            compact = re.sub(r"[^0-9A-Z]", "", line.purpose.upper())
            for reference in re.findall(r"RF\d{2}[0-9A-Z]{1,21}", compact):
                found = found or invoices_in(reference, self.invoices)
        return found

    def _credit(self, line, result: Matching) -> None:
        named = self.named_invoices(line)
        payer = self._payer(line)
        owners = {self.invoices[n]["kundennr"] for n in named}
        owner = owners.pop() if len(owners) == 1 else None
        if payer is None and owner is not None and self._name_fits(
                self.clients.get(owner), line.name):
            payer = owner
        open_sum = sum((self.open.get(n, ZERO) for n in named), ZERO)
        gross_sum = sum((self._gross(n) for n in named), ZERO)
        fits = named and (abs(open_sum - line.amount) <= TOLERANCE
                          or abs(gross_sum - line.amount) <= TOLERANCE)
        if named and fits and payer is not None and payer == owner:
            for number in named:
                self.open[number] = max(ZERO, self.open.get(number, ZERO) - line.amount)
            result.payments.append(self._row(line, payer, ", ".join(named),
                                             "Lastschrift" if line.mandate else "Überweisung",
                                             "aus dem Kontoauszug, sicher zugeordnet"))
            return
        candidates = self._candidates(line, named, payer)
        if not candidates and payer is None:
            result.ignored.append((line, "kein Kunde und keine Rechnung erkennbar"))
            return
        result.to_confirm.append((line, candidates))

    def _gross(self, number) -> Decimal:
        invoice = self.invoices.get(number)
        return (invoice_gross(invoice) or ZERO) if invoice is not None else ZERO

    def _candidates(self, line, named, payer) -> list[Candidate]:
        found = []
        for number, invoice in self.invoices.items():
            still_open = self.open.get(number, ZERO)
            if still_open <= ZERO and number not in named:
                continue
            client = invoice["kundennr"]
            why, score = [], 0
            if number in named:
                score += POINTS["reference"]
                why.append("im Verwendungszweck")
            if abs(still_open - line.amount) <= TOLERANCE:
                score += POINTS["amount"]
                why.append("Betrag passt")
            if payer is not None and payer == client:
                score += POINTS["iban"]
                why.append("IBAN des Kunden")
            elif self._name_fits(self.clients.get(client), line.name):
                score += POINTS["name"]
                why.append("Name passt")
            if score >= POINTS["iban"]:
                found.append(Candidate(number, client, still_open, score, why))
        found.sort(key=lambda c: (-c.score, c.number))
        if not found and payer is not None:
            found.append(Candidate("", payer, ZERO, POINTS["iban"], ["IBAN des Kunden"]))
        return found[:SHOWN_CANDIDATES]

    def _debit(self, line, result: Matching) -> None:
        if not line.returned:
            result.ignored.append((line, "Abbuchung"))
            return
        payer = self._payer(line)
        if payer is None and line.mandate in self.by_mandate:
            payer = self.by_mandate[line.mandate]
        if payer is None:
            result.to_confirm.append((line, []))
            return
        reason = RETURN_REASONS.get(line.return_reason, "")
        note = "Rücklastschrift" + (f", Grund {line.return_reason}" if line.return_reason
                                    else "") + (f" ({reason})" if reason else "")
        if line.fee:
            note += f", davon Bankgebühr {line.fee:.2f} €".replace(".", ",")
        named = self.named_invoices(line)
        result.payments.append(self._row(line, payer, ", ".join(named), "Rücklastschrift",
                                         note))

    @staticmethod
    def _row(line, client, numbers, kind, note) -> dict:
        return {"datum": line.day, "betrag": line.amount, "kundennr": client,
                "rechnungsnr": numbers or None, "art": kind,
                "auftraggeber": line.name or None, "iban": line.iban or None,
                "verwendungszweck": line.purpose or None, "buchungs_id": line.booking_id,
                "notiz": note}


def confirmed_row(entry: dict, answer: str, invoices, clients) -> tuple[dict | None, str]:
    """A line of Zahlungsabgleich with the user's answer in Zuordnen: (the Zahlungen row
    or None, what it means). An answer kundenbuch cannot use keeps the line waiting."""
    text = " ".join(str(answer or "").split())
    if not text:
        return None, "offen"
    if text.casefold() == IGNORE:
        return None, IGNORE
    numbers = [n.strip() for n in text.replace(";", ",").split(",") if n.strip()]
    by_number = {str(i["rechnungsnr"]): i for i in invoices if i["rechnungsnr"]}
    known_clients = {c["kundennr"] for c in clients if c["kundennr"]}
    amount = Decimal(entry["betrag"])
    kind = "Rücklastschrift" if amount < 0 else "Überweisung"
    base = {"datum": entry["datum"], "betrag": amount, "art": kind,
            "auftraggeber": entry.get("auftraggeber"), "iban": entry.get("iban"),
            "verwendungszweck": entry.get("verwendungszweck"),
            "buchungs_id": entry["buchungs_id"], "notiz": "aus dem Kontoauszug, bestätigt"}
    if all(n in by_number for n in numbers):
        owners = {by_number[n]["kundennr"] for n in numbers}
        return {**base, "kundennr": owners.pop() if len(owners) == 1 else None,
                "rechnungsnr": ", ".join(numbers)}, "zugeordnet"
    if len(numbers) == 1 and numbers[0] in known_clients:
        return {**base, "kundennr": numbers[0], "rechnungsnr": None}, "zugeordnet"
    unknown = [n for n in numbers if n not in by_number]
    return None, (f"„{', '.join(unknown)}“ ist weder eine Rechnungsnr noch eine Kundennr "
                  f"noch „{IGNORE}“")
