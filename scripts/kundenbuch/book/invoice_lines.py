"""What an invoice's lines in Positionen add up to.

The contract fills an invoice's Netto from its lines when the cell is empty, so every
later stage must see the invoice as the book will hold it: the reader completes the
invoice records here. An invoice with lines then carries
- "saetze": ((rate, net), …), one net amount per VAT rate (§ 14 Abs. 4 Nr. 8 UStG);
- "positionen_netto": the lines' sum; Netto itself when that cell was empty (and then
  "netto_aus_positionen" is True, so that the run writes it).
A typed Netto that disagrees with the lines stays as typed, without "saetze": the
invoice computes as before and pruefen names the difference (checks/lines.py).
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def line_amount(line) -> Decimal | None:
    """Menge × Einzelpreis less Rabatt %, to the cent; Menge empty = 1. None without a
    price."""
    price = line["einzelpreis"]
    if price is None:
        return None
    quantity = Decimal(str(line["menge"])) if line["menge"] is not None else Decimal(1)
    discount = Decimal(str(line["rabatt"])) if line["rabatt"] is not None else Decimal(0)
    amount = quantity * price * (HUNDRED - discount) / HUNDRED
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def line_rate(line, document) -> int | None:
    """A line's VAT rate: its own, else the invoice's or quote's."""
    return line["ust_satz"] if line["ust_satz"] is not None else document["ust_satz"]


def lines_by_document(lines) -> dict[str, list]:
    """Belegnr -> its lines in Pos order (rows without Pos in their row order)."""
    grouped: dict[str, list] = {}
    for line in lines or ():
        if line["belegnr"] is not None:
            grouped.setdefault(str(line["belegnr"]).strip(), []).append(line)
    for group in grouped.values():
        group.sort(key=lambda line: (line["pos"] is None, line["pos"] or 0, line.row))
    return grouped


def rate_breakdown(document, lines) -> tuple[tuple[int, Decimal], ...] | None:
    """((rate, net), …) in rising rate order; None when a line lacks its price or
    rate (pruefen names it)."""
    nets: dict[int, Decimal] = {}
    for line in lines:
        amount, rate = line_amount(line), line_rate(line, document)
        if amount is None or rate is None:
            return None
        nets[rate] = nets.get(rate, Decimal("0.00")) + amount
    return tuple(sorted(nets.items()))


def complete_invoices(invoices, lines, number_field: str = "rechnungsnr") -> None:
    """Give each invoice (or quote: number_field "angebotsnr") with lines its rates, and
    its Netto where the cell is empty."""
    grouped = lines_by_document(lines)
    if not grouped:
        return
    for invoice in invoices:
        own = grouped.get(str(invoice[number_field]).strip()) if invoice[
            number_field] is not None else None
        if not own:
            continue
        rates = rate_breakdown(invoice, own)
        if rates is None:
            continue
        total = sum((net for _, net in rates), Decimal("0.00"))
        invoice["positionen_netto"] = total
        if (invoice["netto"] is None and invoice.has_column("netto")
                and not invoice.holds("netto")):
            invoice["netto"] = total
            invoice["netto_aus_positionen"] = True
        if invoice["netto"] != total:
            continue
        invoice["saetze"] = rates
        if invoice["ust_satz"] is None and len(rates) == 1:
            invoice["ust_satz"] = rates[0][0]
