"""Money arithmetic shared by checks and computations (Decimal, cents)."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    """Commercial rounding to cents (half up), as on German invoices."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@lru_cache(maxsize=65536)
def gross(net: Decimal | None, rate: int | None) -> Decimal | None:
    """Brutto of a Netto; cached, as the same prices come back again and again."""
    if net is None:
        return None
    return cents(net * (100 + (rate or 0)) / 100)


def invoice_gross(invoice) -> Decimal | None:
    """Brutto as computed from Netto and USt-Satz (the written Brutto may be stale); an
    invoice with lines at several rates: the tax per rate, each rounded (§ 14 Abs. 4
    Nr. 8 UStG), as its document shows it."""
    rates = invoice["saetze"]
    if rates:
        return sum((gross(net, rate) for rate, net in rates), ZERO)
    return gross(invoice["netto"], invoice["ust_satz"])


def rate_parts(document) -> list[tuple[int, Decimal, Decimal]]:
    """(rate, net, tax) of each VAT rate of an invoice or quote, the tax rounded per
    rate (§ 14 Abs. 4 Nr. 8 UStG): its lines' rates, else its own."""
    rates = document["saetze"] or ((document["ust_satz"], document["netto"]),)
    return [(rate or 0, net, gross(net, rate) - net) for rate, net in rates
            if net is not None]


def vat_rates(invoice) -> tuple:
    """The VAT rates an invoice charges: its lines' or its own."""
    rates = invoice["saetze"]
    return tuple(rate for rate, _ in rates) if rates else (invoice["ust_satz"],)


def open_amount(invoice) -> Decimal:
    """What is still owed on an invoice; cancelled invoices owe nothing."""
    if invoice["storniert"] == "ja":
        return ZERO
    total = invoice_gross(invoice)
    if total is None:
        return ZERO
    return max(ZERO, total - (invoice["bezahlt_betrag"] or ZERO))


def euro(value) -> str:
    """German money format: 1.234,56 €."""
    text = f"{Decimal(value):,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".") + " €"
