"""VAT per return period (Umsatzsteuer-Voranmeldung), from the invoices or the payments.
Pure.

- Soll (§ 13 Abs. 1 Nr. 1 a UStG): an invoice counts in the period of its service
  (Leistungsdatum, else Rechnungsdatum); a cancellation or credit note (Storno zu) in
  the period it is issued (§ 17 Abs. 1 UStG).
- Ist (§ 13 Abs. 1 Nr. 1 b, § 20 UStG): what is received in the period, principal
  only (interest and dunning costs are damages, not consideration), split over the
  invoice's rates by their share of its gross; a credit note counts when issued, as
  far as the money it corrects was received before.
- Kennzahlen of the form USt 1 A 2026 (BMF-Schreiben vom 29.12.2025, III C 3 -
  S 7344/00039/007/036): 81 (19 %), 86 (7 %), 35 (other rates), 21 (services to
  businesses in other EU states, § 18b Satz 1 Nr. 2), 45 (other turnover not taxable
  in Germany), 48 (tax-free without input tax, § 4 Nr. 8 ff.). The bases go into the
  form in whole euros, the tax with cents; input tax (Kz 66) is outside this book.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from ..book import schema
from .amounts import ZERO, cents, rate_parts
from .corrections import is_correction

FORM = "USt 1 A 2026 (BMF-Schreiben vom 29.12.2025)"
KENNZAHLEN = {
    "81": "Steuerpflichtige Umsätze zum Steuersatz von 19 %",
    "86": "Steuerpflichtige Umsätze zum Steuersatz von 7 %",
    "35": "Umsätze, die anderen Steuersätzen unterliegen",
    "21": "Nicht steuerbare sonstige Leistungen an Unternehmer im übrigen "
          "Gemeinschaftsgebiet (§ 18b Satz 1 Nr. 2 UStG)",
    "45": "Übrige nicht steuerbare Umsätze (Leistungsort nicht im Inland)",
    "48": "Steuerfreie Umsätze ohne Vorsteuerabzug (§ 4 Nr. 8 bis 29 UStG)",
}
# EU member states other than Germany (ISO codes; Greece is EL in VAT numbers, GR here)
EU = {"AT", "BE", "BG", "CY", "CZ", "DK", "EE", "ES", "FI", "FR", "GR", "EL", "HR", "HU",
      "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK"}


class PeriodError(ValueError):
    """A period typed in a way kundenbuch does not understand (German)."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    label: str              # "2026-10", "2026-Q3", "2026"

    def holds(self, day) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def german(self) -> str:
        if "-Q" in self.label:
            return f"{self.label[-1]}. Quartal {self.start.year}"
        if len(self.label) == 4:
            return f"Jahr {self.label}"
        return f"{self.start:%m/%Y}"


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def month(year: int, number: int) -> Period:
    return Period(date(year, number, 1), _month_end(year, number), f"{year}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    first = 3 * number - 2
    return Period(date(year, first, 1), _month_end(year, first + 2), f"{year}-Q{number}")


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), str(number))


def parse_period(text: str) -> Period:
    """"2026-10" or "10/2026" (a month), "2026-Q3" or "Q3/2026" (a quarter), "2026"."""
    value = str(text).strip().upper()
    for pattern, make in ((r"(\d{4})-?Q([1-4])", lambda y, n: quarter(y, n)),
                          (r"Q([1-4])[/ ]?(\d{4})", lambda n, y: quarter(y, n)),
                          (r"(\d{4})-(\d{1,2})", lambda y, m: month(y, m)),
                          (r"(\d{1,2})[/.](\d{4})", lambda m, y: month(y, m)),
                          (r"(\d{4})", lambda y: year(y))):
        found = re.fullmatch(pattern, value)
        if found:
            numbers = [int(g) for g in found.groups()]
            try:
                return make(*numbers)
            except ValueError:
                break
    raise PeriodError(f"„{text}“ ist kein Zeitraum; bitte z. B. 2026-10 (Monat), 2026-Q3 "
                      "(Quartal) oder 2026 (Jahr) angeben.")


def period_of(day: date, rhythm: str) -> Period:
    """The return period holding a day: monthly or quarterly (Einstellung
    Voranmeldung)."""
    if rhythm == "monatlich":
        return month(day.year, day.month)
    return quarter(day.year, (day.month - 1) // 3 + 1)


def periods_before(period: Period, count: int) -> list[Period]:
    """This period and the count - 1 before it, oldest first."""
    found, current = [], period
    for _ in range(count):
        found.append(current)
        previous = current.start - timedelta(days=1)
        current = (quarter(previous.year, (previous.month - 1) // 3 + 1)
                   if "-Q" in current.label else month(previous.year, previous.month)
                   if len(current.label) > 4 else year(previous.year))
    return found[::-1]


@dataclass(frozen=True)
class Entry:
    """One amount of one rate counted in a period."""
    day: date
    number: str                 # Rechnungsnr
    kundennr: str
    kind: str                   # Rechnung, Storno, Gutschrift, Zahlung
    rate: int
    net: Decimal
    tax: Decimal
    kennzahl: str


def kennzahl(rate: int, client) -> str:
    if rate == 19:
        return "81"
    if rate == 7:
        return "86"
    if rate:
        return "35"
    land = str((client or {}).get("land") or "DE").strip().upper()
    if land in EU and (client or {}).get("ustid"):
        return "21"
    if land != "DE":
        return "45"
    return "48"


def _service_day(invoice) -> date | None:
    return invoice["leistungsdatum"] or invoice["rechnungsdatum"]


def lowers_turnover(invoice) -> bool:
    """A cancellation or credit note: a row with Storno zu, or a negative Netto."""
    return is_correction(invoice) or (invoice["netto"] is not None
                                      and invoice["netto"] < 0)


def kind_of(invoice) -> str:
    """Rechnung, Storno (names the invoice it cancels) or Gutschrift."""
    if not lowers_turnover(invoice):
        return "Rechnung"
    return "Storno" if is_correction(invoice) else "Gutschrift"


def soll_entries(invoices, clients: dict, period: Period) -> list[Entry]:
    entries = []
    for invoice in invoices:
        if invoice["storniert"] == schema.YES or invoice["netto"] is None:
            continue
        day = invoice["rechnungsdatum"] if lowers_turnover(invoice) else _service_day(invoice)
        if not period.holds(day):
            continue
        client = clients.get(invoice["kundennr"])
        for rate, net, tax in rate_parts(invoice):
            entries.append(Entry(day, str(invoice["rechnungsnr"]), invoice["kundennr"],
                                 kind_of(invoice), rate, net, tax, kennzahl(rate, client)))
    return entries


def split_received(amount: Decimal, invoice) -> list[tuple[int, Decimal, Decimal]]:
    """A gross amount received for an invoice, split over its rates by their share of
    its gross: (rate, net, tax)."""
    parts = rate_parts(invoice)
    total = sum((net + tax for _, net, tax in parts), ZERO)
    if not parts or not total:
        return []
    found, left = [], amount
    for index, (rate, net, tax) in enumerate(parts):
        share = left if index == len(parts) - 1 else cents(amount * (net + tax) / total)
        left -= share
        net_share = cents(share * 100 / (100 + rate))
        found.append((rate, net_share, share - net_share))
    return found


def ist_entries(invoices, clients: dict, paid_parts: dict, period: Period) -> list[Entry]:
    """paid_parts: Rechnungsnr -> the payment parts applied to it (rules/applied.Part)."""
    by_number = {str(i["rechnungsnr"]): i for i in invoices}
    entries = []
    for invoice in invoices:
        number = str(invoice["rechnungsnr"])
        client = clients.get(invoice["kundennr"])
        if lowers_turnover(invoice):
            entries += _ist_correction(invoice, by_number, paid_parts, client, period)
            continue
        for part in paid_parts.get(number, ()):
            if period.holds(part.day) and part.principal:
                for rate, net, tax in split_received(part.principal, invoice):
                    entries.append(Entry(part.day, number, invoice["kundennr"], "Zahlung",
                                         rate, net, tax, kennzahl(rate, client)))
    return entries


def _ist_correction(invoice, by_number, paid_parts, client, period) -> list[Entry]:
    day = invoice["rechnungsdatum"]
    original = by_number.get(str(invoice["storno_zu"] or ""))
    if not period.holds(day) or original is None:
        return []
    received = sum((p.principal for p in paid_parts.get(str(original["rechnungsnr"]), ())
                    if p.day <= day), ZERO)
    corrected = -sum((net + tax for _, net, tax in rate_parts(invoice)), ZERO)
    undone = min(received, corrected)
    if undone <= 0:
        return []
    return [Entry(day, str(invoice["rechnungsnr"]), invoice["kundennr"], kind_of(invoice),
                  rate, -net, -tax, kennzahl(rate, client))
            for rate, net, tax in split_received(undone, original)]


@dataclass(frozen=True)
class Line:
    kennzahl: str
    text: str
    net: Decimal
    tax: Decimal

    @property
    def base(self) -> int:
        """The base as the form wants it: whole euros, cents dropped."""
        return int(self.net)


def lines(entries) -> list[Line]:
    """One line per Kennzahl, in the order of the form."""
    sums = {}
    for entry in entries:
        net, tax = sums.get(entry.kennzahl, (ZERO, ZERO))
        sums[entry.kennzahl] = (net + entry.net, tax + entry.tax)
    return [Line(kz, KENNZAHLEN[kz], *sums[kz]) for kz in KENNZAHLEN if kz in sums]


def tax_due(entries) -> Decimal:
    return sum((e.tax for e in entries), ZERO)


def cancelled_without_row(invoices, period: Period) -> list:
    """Invoices marked Storniert = ja with a service in the period but no Storno row:
    left out; if declared before, the correction belongs to the period of the
    cancellation (the output says so)."""
    return [i for i in invoices if i["storniert"] == schema.YES
            and period.holds(_service_day(i)) and not lowers_turnover(i)]
