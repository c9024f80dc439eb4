"""An EInvoice as CII XML (UN/CEFACT Cross Industry Invoice), the syntax of ZUGFeRD 2.x
profile EN16931 and of XRechnung in CII.

factur-x builds the XML from a dict keyed by EN 16931 business terms; this module only
maps the model to that dict. factur-x writes the Factur-X/ZUGFeRD specification
identifier; an XRechnung names its own, set afterwards.
"""
from __future__ import annotations

from decimal import Decimal

from lxml import etree

from .model import EInvoice, Party

XRECHNUNG_ID = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
PEPPOL_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
NS = {"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
      "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"}


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _party(party: Party) -> dict:
    data = {"name": party.name, "addr_l1": party.street, "postcode": party.postcode,
            "city": party.city, "country_code": party.country or "DE"}
    if party.vat_id:
        data["vat_identifier"] = party.vat_id
    if party.tax_number:
        data["tax_identifier"] = party.tax_number
    if party.email:
        data["einvoicing_addr"], data["einvoicing_addr_schemeid"] = party.email, "EM"
    if party.contact or party.phone or party.email:
        data["contacts"] = [{key: value for key, value in (
            ("name", party.contact), ("phone", party.phone), ("email", party.email))
            if value}]
    return {key: value for key, value in data.items() if value}


def data_dict(invoice: EInvoice) -> dict:
    m = _money
    data = {
        "BT-1": invoice.number, "BT-2": invoice.issue_date, "BT-3": invoice.type_code,
        "BT-5": invoice.currency, "BT-24": "urn:cen.eu:en16931:2017",
        "BG-4": _party(invoice.seller), "BG-7": _party(invoice.buyer),
        "BG-1": [{"BT-22": note} for note in invoice.notes],
        "BG-25": [{
            "BT-126": line.number, "BT-129": f"{line.quantity:.4f}",
            "BT-130": line.unit, "BT-131": m(line.net_amount),
            "BT-146": f"{line.net_price:.4f}", "BT-151": line.category,
            "BT-152": f"{line.rate:.2f}", "BT-153": line.name,
            **({"BT-154": line.description} if line.description else {}),
        } for line in invoice.lines],
        "BG-23": [{
            "BT-116": m(tax.basis), "BT-117": m(tax.tax), "BT-118": tax.category,
            "BT-119": f"{tax.rate:.2f}",
            **({"BT-120": tax.exemption_reason} if tax.exemption_reason else {}),
        } for tax in invoice.taxes],
        "BT-106": m(invoice.line_total), "BT-109": m(invoice.tax_exclusive),
        "BT-110": m(invoice.tax_total), "BT-112": m(invoice.tax_inclusive),
        "BT-113": m(invoice.prepaid), "BT-115": m(invoice.payable),
        "BT-81": invoice.payment_means,
    }
    optional = {"BT-9": invoice.due_date, "BT-10": invoice.buyer_reference,
                "BT-20": invoice.payment_terms, "BT-72": invoice.service_date,
                "BT-83": invoice.remittance, "BT-89": invoice.mandate,
                "BT-90": invoice.creditor_id}
    if invoice.period:
        optional["BT-73"], optional["BT-74"] = invoice.period
    if invoice.payment_means == "59":
        optional["BT-91"] = invoice.iban
    else:
        optional["BT-84"], optional["BT-86"] = invoice.iban, invoice.bic
    if invoice.preceding:
        data["BG-3"] = [{"BT-25": invoice.preceding[0],
                         **({"BT-26": invoice.preceding[1]} if invoice.preceding[1] else {})}]
    data.update({key: value for key, value in optional.items() if value})
    if not data["BG-1"]:
        del data["BG-1"]
    return data


def to_xml(invoice: EInvoice, xrechnung: bool = False) -> bytes:
    """The CII XML; checked against the XSD by factur-x (raises on a broken structure),
    the business rules are checked by validate.py."""
    from facturx import generate_xml
    xml = generate_xml(data_dict(invoice), flavor="factur-x", level="en16931",
                       check_xsd=True, check_schematron=False)
    if not xrechnung:
        return xml
    root = etree.fromstring(xml)
    context = root.find("rsm:ExchangedDocumentContext", NS)
    context.find("ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", NS).text = (
        XRECHNUNG_ID)
    if context.find("ram:BusinessProcessSpecifiedDocumentContextParameter", NS) is None:
        process = etree.Element(f"{{{NS['ram']}}}BusinessProcessSpecifiedDocumentContextParameter")
        etree.SubElement(process, f"{{{NS['ram']}}}ID").text = PEPPOL_PROCESS
        context.insert(0, process)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
