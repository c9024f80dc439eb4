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
    """Brutto as computed from Netto and USt-Satz (the written Brutto may be stale)."""
    return gross(invoice["netto"], invoice["ust_satz"])


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
