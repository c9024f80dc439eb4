"""Cancellations and credit notes: a Rechnungen row with a negative Netto whose column
"Storno zu" names the invoice it corrects (§ 14 Abs. 4 UStG, GoBD: an issued invoice is
never changed; a new document refers to it, and both stay in the book).

- A correction of the whole amount cancels the original from the correction's date:
  not open, not dunned, no interest (status "storniert").
- A partial one (Gutschrift, Rechnungskorrektur) lowers what the original owes from its
  date on. Interest is then reckoned on the lowered amount over the whole default: the
  conservative choice, which never asks interest on money credited.
- The correction row itself owes nothing and is never dunned.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .amounts import ZERO, invoice_gross


@dataclass(frozen=True)
class Correction:
    number: str
    day: date
    net: Decimal        # positive: the amount credited, net
    gross: Decimal      # positive: the amount credited, gross


def corrections_by_original(invoices) -> dict[str, tuple[Correction, ...]]:
    """Rechnungsnr of the original -> its corrections (complete rows only)."""
    found: dict[str, list] = {}
    for row in invoices:
        target = row["storno_zu"]
        if target is None or row["rechnungsdatum"] is None or row["netto"] is None:
            continue
        total = invoice_gross(row)
        if total is None or row["netto"] >= ZERO:
            continue
        found.setdefault(str(target).strip(), []).append(
            Correction(str(row["rechnungsnr"]), row["rechnungsdatum"], -row["netto"],
                       -total))
    return {number: tuple(sorted(items, key=lambda c: c.day))
            for number, items in found.items()}


@dataclass(frozen=True)
class Corrected:
    """What corrections do to one original on a day."""
    credited: Decimal = ZERO          # gross credited up to the day
    cancelled_on: date | None = None  # the day the last correction cancelled it in full


NOTHING = Corrected()


def as_of(invoice, corrections: tuple[Correction, ...], day: date) -> Corrected:
    made = [c for c in corrections if c.day <= day]
    if not made or invoice["netto"] is None:
        return NOTHING
    credited = sum((c.gross for c in made), ZERO)
    net = sum((c.net for c in made), ZERO)
    return Corrected(credited, made[-1].day if net >= invoice["netto"] else None)


def is_correction(invoice) -> bool:
    return invoice["storno_zu"] is not None
