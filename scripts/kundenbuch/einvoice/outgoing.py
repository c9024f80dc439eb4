"""Own invoices as e-invoices: which clients get which kind, and the invoice letter's
content as an EInvoice (the e-invoice says exactly what the printed document says).

The rules (fachregeln.md, § 14 UStG since 2025): business clients in Germany receive an
EN 16931 e-invoice (ZUGFeRD unless the Kunden column E-Rechnung says otherwise), public
clients an XRechnung with their Leitweg-ID. Kleinunternehmer and small invoices up to
250 € gross are exempt from the obligation: they get one only when asked.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..book.records import display_name
from .model import CREDIT_NOTE, INVOICE, EInvoice, Line, Party, TaxBreakdown

ZUGFERD, XRECHNUNG, NONE = "ZUGFeRD", "XRechnung", "keine"
SMALL_BUSINESS_REASON = "Kein Ausweis von Umsatzsteuer, da Kleinunternehmer gemäß § 19 UStG"
# German units as typed in Positionen -> UN/ECE Recommendation 20
UNIT_CODES = {"std": "HUR", "std.": "HUR", "stunde": "HUR", "stunden": "HUR", "h": "HUR",
              "min": "MIN", "tag": "DAY", "tage": "DAY", "woche": "WEE", "monat": "MON",
              "monate": "MON", "jahr": "ANN", "stk": "H87", "stk.": "H87", "stück": "H87",
              "pauschal": "LS", "psch": "LS", "km": "KMT", "m": "MTR", "m²": "MTK",
              "qm": "MTK", "kg": "KGM", "l": "LTR", "seite": "C62", "seiten": "C62"}
DEFAULT_UNIT = "C62"      # "one"


@dataclass(frozen=True)
class Need:
    kind: str | None          # ZUGFERD, XRECHNUNG or None (no e-invoice)
    reason: str = ""          # German: why none, or why only on request


def needed(client, exempt: bool, small: bool, asked: bool) -> Need:
    """Which e-invoice an invoice to this client gets."""
    chosen = (client["e_rechnung"] or "").strip()
    if chosen == NONE:
        return Need(None, "Kunde: E-Rechnung „keine“")
    domestic = (client["land"] or "DE").strip().upper() in ("DE", "DEUTSCHLAND")
    business = client["kundenart"] == "Gewerbe"
    if chosen != XRECHNUNG and not (business and domestic):
        return Need(None, "kein Gewerbekunde in Deutschland")
    kind = XRECHNUNG if chosen == XRECHNUNG else ZUGFERD
    if (exempt or small) and not asked:
        why = ("Kleinunternehmer (§ 19 UStG)" if exempt
               else "Kleinbetragsrechnung bis 250 € (§ 33 UStDV)")
        return Need(None, f"{why}: keine E-Rechnungspflicht; mit --erechnung trotzdem")
    return Need(kind)


def unit_code(unit: str) -> str:
    text = (unit or "").strip()
    return UNIT_CODES.get(text.casefold(), text if text.isupper() and len(text) == 3
                          else DEFAULT_UNIT)


def _party_of_settings(sender: dict) -> Party:
    return Party(name=sender["firma"] or sender["inhaber"], street=sender["strasse"],
                 postcode=str(sender["plz"]), city=sender["ort"], country="DE",
                 vat_id=sender["ustid"], tax_number=sender["steuernummer"],
                 email=sender["email"], phone=sender["telefon"],
                 contact=sender["inhaber"] or sender["firma"])


def _party_of_client(client) -> Party:
    person = " ".join(p for p in (client["vorname"], client["nachname"]) if p)
    return Party(name=display_name(client), street=client["strasse"] or "",
                 postcode=str(client["plz"] or ""), city=client["ort"] or "",
                 country=(client["land"] or "DE").strip().upper()[:2],
                 vat_id=client["ustid"] or "", email=client["email"] or "",
                 contact=person if client["firma"] else "")


def _price(value) -> Decimal:
    return Decimal(str(value))


REFUND_TERMS = "Gutschrift: der Betrag wird erstattet oder mit der nächsten Rechnung verrechnet"


def notes_for(exempt: bool) -> list[str]:
    return [SMALL_BUSINESS_REASON] if exempt else []


def from_letter(letter, settings, xrechnung: bool = False) -> EInvoice:
    """The EInvoice of an invoice letter (rules/letters.invoice_letters)."""
    context, client = letter.context, letter.client
    invoice = context["rechnung"]
    exempt = context["kleinunternehmer"]
    correction = context.get("storno")
    # a credit note (381) states what it credits as positive amounts
    sign = Decimal(-1) if correction else Decimal(1)
    category = "E" if exempt else None
    lines = []
    for position in context["positionen"] or [{
            "pos": 1, "beschreibung": invoice["leistung"] or f"Leistung {invoice['nr']}",
            "menge": 1, "einheit": "", "einzelpreis": invoice["netto"], "rabatt": None,
            "ust_satz": invoice["ust_satz"], "betrag": invoice["netto"]}]:
        quantity = _price(position["menge"])
        discount = _price(position["rabatt"] or 0)
        net_price = (_price(position["einzelpreis"]) * (100 - discount) / 100).quantize(
            Decimal("0.0001"), ROUND_HALF_UP)
        if correction:       # what it credits, as positive quantity and price
            quantity, net_price = abs(quantity), abs(net_price)
        rate = Decimal(0) if exempt else _price(position["ust_satz"] or 0)
        lines.append(Line(number=str(position["pos"]), name=position["beschreibung"],
                          quantity=quantity, unit=unit_code(position["einheit"]),
                          net_price=net_price, net_amount=sign * _price(position["betrag"]),
                          category=category or ("S" if rate else "Z"), rate=rate))
    if exempt:
        taxes = [TaxBreakdown("E", Decimal(0), sign * _price(invoice["netto"]),
                              Decimal("0.00"), SMALL_BUSINESS_REASON)]
    else:
        taxes = [TaxBreakdown("S" if entry["satz"] else "Z", _price(entry["satz"]),
                              sign * _price(entry["netto"]), sign * _price(entry["ust"]))
                 for entry in context["saetze"]]
    debit = context.get("lastschrift")
    tax_total = sum((t.tax for t in taxes), Decimal("0.00"))
    gross = sign * _price(invoice["brutto"])
    net = sign * _price(invoice["netto"])
    if correction:
        # what we owe goes to the client's account where we know it
        refund_to = str(client["iban"] or "").replace(" ", "")
        return EInvoice(
            number=str(invoice["nr"]), type_code=CREDIT_NOTE, issue_date=invoice["datum"],
            seller=_party_of_settings(context["absender"]),
            buyer=_party_of_client(client), lines=lines, taxes=taxes, line_total=net,
            tax_exclusive=net, tax_total=tax_total, tax_inclusive=gross, payable=gross,
            service_date=invoice["leistungsdatum"],
            buyer_reference=(client["leitweg_id"] or "") if xrechnung else "",
            preceding=(str(correction["nr"]), correction["datum"]),
            payment_means="58" if refund_to else "1", iban=refund_to,
            payment_terms=REFUND_TERMS, notes=notes_for(exempt),
            specification="XRechnung" if xrechnung else "EN16931")
    due: date | None = invoice["faellig"]
    return EInvoice(
        number=str(invoice["nr"]), type_code=INVOICE, issue_date=invoice["datum"],
        seller=_party_of_settings(context["absender"]), buyer=_party_of_client(client),
        lines=lines, taxes=taxes, line_total=net,
        tax_exclusive=net, tax_total=tax_total, tax_inclusive=gross,
        prepaid=_price(context["bereits_erhalten"] or 0),
        payable=_price(context["zu_zahlen"]), due_date=due,
        service_date=invoice["leistungsdatum"],
        buyer_reference=(client["leitweg_id"] or "") if xrechnung else "",
        payment_means="59" if debit else "58",
        iban=(str(client["iban"] or "").replace(" ", "") if debit
              else str(settings.get("iban") or "").replace(" ", "")),
        bic="" if debit else str(settings.get("bic") or ""),
        mandate=debit["mandatsreferenz"] if debit else "",
        creditor_id=debit["glaeubiger_id"] if debit else "",
        payment_terms=(f"Einzug per SEPA-Lastschrift am {debit['datum']:%d.%m.%Y}" if debit
                       else f"Zahlbar bis {due:%d.%m.%Y} ohne Abzug" if due else ""),
        remittance=str(context["verwendungszweck"] or ""), notes=notes_for(exempt),
        specification="XRechnung" if xrechnung else "EN16931")
