"""Structured creditor references (ISO 11649, "RF…") for the GiroCode and the
Verwendungszweck: a payment made from the code carries a reference that leads back to
its invoices without guessing from free text (#21 matches bank lines by it).

The reference holds the invoice numbers without their separators ("2026-0057" →
20260057), several joined by "X" (RF references allow only letters and digits, at most
21 of them); with more invoices than fit, or several of which one holds an X, there is
none, and the free text stays.
Check digits by ISO 7064 MOD 97-10, with python-stdnum as for IBANs.
"""
from __future__ import annotations

import re

from stdnum import iso11649
from stdnum.iso7064 import mod_97_10

JOIN = "X"
LONGEST = 21


def _compact(number) -> str:
    return re.sub(r"[^0-9A-Z]", "", str(number).upper())


def creditor_reference(numbers) -> str | None:
    """RF… for these invoice numbers, or None when they do not fit."""
    parts = [_compact(number) for number in numbers]
    body = JOIN.join(parts)
    joined_ambiguously = len(parts) > 1 and any(JOIN in part for part in parts)
    if not parts or not all(parts) or len(body) > LONGEST or joined_ambiguously:
        return None
    return "RF" + mod_97_10.calc_check_digits(body + "RF") + body


def printed(reference: str) -> str:
    """In groups of four, as banks print it: RF71 2026 0057."""
    return iso11649.format(reference)


def invoices_in(reference: str, known_numbers) -> list[str]:
    """The invoice numbers a reference names, among those of the book; [] when the
    reference is not valid or names an invoice the book does not have."""
    if not iso11649.is_valid(reference or ""):
        return []
    body = iso11649.compact(reference)[4:]
    by_compact = {_compact(number): str(number) for number in known_numbers}
    if body in by_compact:
        return [by_compact[body]]
    parts = body.split(JOIN)
    return [by_compact[p] for p in parts] if all(p in by_compact for p in parts) else []
