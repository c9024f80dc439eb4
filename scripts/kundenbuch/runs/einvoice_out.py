"""The e-invoice of each invoice letter, built and checked before anything is made.

A letter whose e-invoice breaks a rule is taken out of the run: no document, no
archive entry, no Festschreibung, and the rule with its German explanation is shown
(the user mends the row and runs again). What an invoice gets and why not is decided
in einvoice/outgoing.py.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..einvoice import cii, outgoing
from ..einvoice.validate import FEHLER, Finding, check_iban, validate


@dataclass
class EInvoices:
    made: dict = field(default_factory=dict)        # Rechnungsnr -> kind
    without: dict = field(default_factory=dict)     # Rechnungsnr -> why none (German)
    refused: dict = field(default_factory=dict)     # Rechnungsnr -> [Finding]


def attach(letters, settings, asked: bool = False) -> tuple[list, EInvoices]:
    """The letters to make (each invoice letter with its e-invoice where one is due)
    and what happened per invoice."""
    outcome, kept = EInvoices(), []
    for letter in letters:
        if letter.template != "rechnung":
            kept.append(letter)
            continue
        number = str(letter.context["rechnung"]["nr"])
        need = outgoing.needed(letter.client, letter.context["kleinunternehmer"],
                               letter.context["kleinbetrag"], asked)
        if need.kind is None:
            outcome.without[number] = need.reason
            kept.append(letter)
            continue
        xrechnung = need.kind == outgoing.XRECHNUNG
        if xrechnung and not letter.client["leitweg_id"]:
            outcome.refused[number] = [Finding(
                "BR-DE-15", FEHLER, f"Kunde {letter.client['kundennr']} bekommt eine "
                "XRechnung, aber die Leitweg-ID (Blatt Kunden) fehlt.")]
            continue
        model = outgoing.from_letter(letter, settings, xrechnung)
        findings = check_iban(model)
        if not findings:
            xml = cii.to_xml(model, xrechnung)
            findings = validate(xml, number).errors
        if findings:
            outcome.refused[number] = findings
            continue
        letter.einvoice = (need.kind, xml)
        outcome.made[number] = need.kind
        kept.append(letter)
    return kept, outcome
