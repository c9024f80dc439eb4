"""Invoice lock (Festschreibung, GoBD, § 146 Abs. 4 AO).

When an invoice document or its first reminder is produced, the invoice's defining
cells are fingerprinted (SHA-256) in the Protokoll, together with their values in
plain text, so that a later change is detected and can be named.
"""
from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from ..book import schema

KIND = "Festschreibung"
FIELDS = ("rechnungsnr", "kundennr", "rechnungsdatum", "leistungsdatum", "leistung",
          "netto", "ust_satz", "faellig_am")
SEPARATOR = " | "


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    return str(value)


def values_text(invoice, due: date | None = None) -> str:
    """Header=value pairs of the defining cells; due stands in for an empty Fällig am."""
    values = {name: invoice[name] for name in FIELDS}
    if values["faellig_am"] is None:
        values["faellig_am"] = due
    return SEPARATOR.join(f"{schema.RECHNUNGEN.column(n).header}={_text(values[n])}"
                          for n in FIELDS)


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse(text: str) -> dict:
    pairs = (part.partition("=") for part in str(text or "").split(SEPARATOR))
    return {header: value for header, _, value in pairs}


def locks(protocol) -> dict:
    """Rechnungsnr -> its Festschreibung row (the first one counts)."""
    found = {}
    for row in protocol:
        if row["art"] == KIND and row["rechnungen"] and row["rechnungen"] not in found:
            found[str(row["rechnungen"])] = row
    return found


def register(protocol) -> dict:
    """The register as the Protokoll holds it: Rechnungsnr -> {"sha256", "zeitpunkt"}."""
    return {number: {"sha256": str(row["sha256"] or ""), "zeitpunkt": str(row["zeitpunkt"])}
            for number, row in locks(protocol).items()}


def register_problems(kept: dict, protocol) -> list[tuple[str, str]]:
    """(Rechnungsnr, German problem) for each lock the copy kept that the Protokoll no
    longer holds as it was."""
    now = register(protocol)
    problems = []
    for number, entry in sorted(kept.items()):
        found = now.get(number)
        if found is None:
            problems.append((number, f"Die Festschreibung der Rechnung {number} vom "
                                     f"{entry.get('zeitpunkt', '?')} fehlt im Protokoll"))
        elif found["sha256"] != entry.get("sha256"):
            problems.append((number, f"Die Festschreibung der Rechnung {number} vom "
                                     f"{entry.get('zeitpunkt', '?')} wurde im Protokoll "
                                     "verändert"))
    return problems
