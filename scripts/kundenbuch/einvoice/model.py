"""One shape for an e-invoice, whichever syntax it came in or goes out as.

The fields follow EN 16931's business terms (BT-…); only those kundenbuch writes or a
reader shows are here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# UNTDID 1001 document types this program writes and reads in plain German
TYPE_NAMES = {"380": "Rechnung", "381": "Gutschrift (Rechnungskorrektur)",
              "384": "Rechnungskorrektur", "389": "Gutschrift (Selbstfakturierung)",
              "326": "Teilrechnung", "875": "Teilrechnung (Bau)", "877": "Schlussrechnung"}
INVOICE, CREDIT_NOTE = "380", "381"
# UNTDID 4461 payment means
PAYMENT_MEANS = {"10": "Bar", "30": "Überweisung", "31": "Überweisung",
                 "42": "Überweisung", "48": "Karte", "49": "Lastschrift",
                 "57": "Dauerauftrag", "58": "SEPA-Überweisung", "59": "SEPA-Lastschrift",
                 "1": "nicht angegeben", "ZZZ": "vereinbart"}
# VAT category codes (UNCL 5305)
CATEGORY_NAMES = {"S": "Regelsatz", "Z": "Nullsatz", "E": "steuerbefreit",
                  "AE": "Steuerschuldnerschaft des Leistungsempfängers",
                  "K": "innergemeinschaftliche Lieferung", "G": "Ausfuhr",
                  "O": "nicht steuerbar", "L": "Kanaren (IGIC)", "M": "Ceuta/Melilla (IPSI)"}


@dataclass
class Party:
    name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    country: str = ""
    vat_id: str = ""            # BT-31 / BT-48
    tax_number: str = ""        # BT-32 (Steuernummer)
    email: str = ""
    phone: str = ""
    contact: str = ""


@dataclass
class Line:
    number: str
    name: str
    quantity: Decimal
    unit: str                   # UN/ECE Rec 20 code, e.g. HUR
    net_price: Decimal          # per price base quantity
    net_amount: Decimal
    category: str = "S"
    rate: Decimal = Decimal("0")
    description: str = ""
    base_quantity: Decimal = Decimal("1")
    discount: Decimal = Decimal("0")    # line allowance amount (BT-136)


@dataclass
class TaxBreakdown:
    category: str
    rate: Decimal
    basis: Decimal
    tax: Decimal
    exemption_reason: str = ""


@dataclass
class EInvoice:
    number: str
    type_code: str
    issue_date: date | None
    seller: Party
    buyer: Party
    lines: list[Line] = field(default_factory=list)
    taxes: list[TaxBreakdown] = field(default_factory=list)
    currency: str = "EUR"
    line_total: Decimal = Decimal("0")         # BT-106
    tax_exclusive: Decimal = Decimal("0")      # BT-109
    tax_total: Decimal = Decimal("0")          # BT-110
    tax_inclusive: Decimal = Decimal("0")      # BT-112
    prepaid: Decimal = Decimal("0")            # BT-113
    payable: Decimal = Decimal("0")            # BT-115
    due_date: date | None = None               # BT-9
    service_date: date | None = None           # BT-72
    period: tuple[date, date] | None = None    # BT-73/74
    buyer_reference: str = ""                  # BT-10, the Leitweg-ID for XRechnung
    preceding: tuple[str, date | None] | None = None   # BT-25/26
    payment_means: str = ""                    # BT-81
    iban: str = ""                             # BT-84 (or the debited account BT-91)
    bic: str = ""
    mandate: str = ""                          # BT-89
    creditor_id: str = ""                      # BT-90
    payment_terms: str = ""                    # BT-20
    remittance: str = ""                       # BT-83
    notes: list[str] = field(default_factory=list)
    specification: str = ""                    # BT-24
    syntax: str = ""                           # "CII" or "UBL"

    @property
    def type_name(self) -> str:
        return TYPE_NAMES.get(self.type_code, f"Beleg (Typ {self.type_code})")

    @property
    def is_xrechnung(self) -> bool:
        return "xrechnung" in self.specification.casefold()
