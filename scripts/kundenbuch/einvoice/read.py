"""Read a received e-invoice: XRechnung or any EN 16931 invoice in CII or UBL syntax,
or a ZUGFeRD/Factur-X PDF with its XML inside.

The XML inside a PDF comes out through factur-x. The XML itself is read by hand with
lxml: drafthorse parses CII only and no maintained package reads UBL into a model, and
a receiver needs both. The paths follow EN 16931-3-2 (UBL) and -3-3 (CII).
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lxml import etree

from .model import EInvoice, Line, Party, TaxBreakdown

CII_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
UBL_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
UBL_ROOTS = {"Invoice", "CreditNote"}


class EInvoiceError(Exception):
    """A file that is no e-invoice kundenbuch can read; the message is German."""


def xml_of(path: Path) -> bytes:
    """The invoice XML of a file: the file itself, or the XML embedded in a PDF."""
    data = path.read_bytes()
    if data[:5] == b"%PDF-":
        from facturx import get_xml_from_pdf
        try:
            _, xml = get_xml_from_pdf(data, check_xsd=False)
        except Exception as exc:        # pypdf raises many kinds on broken files
            raise EInvoiceError(f"{path.name}: die PDF-Datei lässt sich nicht lesen "
                                f"({exc}).") from exc
        if not xml:
            raise EInvoiceError(f"{path.name}: eine PDF ohne eingebettete Rechnung (keine "
                                "ZUGFeRD- oder Factur-X-Datei). Eine reine PDF-Rechnung "
                                "ist keine E-Rechnung.")
        return xml
    return data


def parse(xml: bytes, name: str = "Datei"):
    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise EInvoiceError(f"{name}: kein gültiges XML ({exc}).") from exc
    return root


def syntax_of(root) -> str:
    local = etree.QName(root).localname
    if local == "CrossIndustryInvoice":
        return "CII"
    if local in UBL_ROOTS:
        return "UBL"
    raise EInvoiceError(f"Das Wurzelelement „{local}“ ist weder eine CII- noch eine "
                        "UBL-Rechnung.")


def read(path: Path) -> tuple[EInvoice, bytes]:
    """The invoice and its XML, or EInvoiceError."""
    xml = xml_of(path)
    root = parse(xml, path.name)
    invoice = read_cii(root) if syntax_of(root) == "CII" else read_ubl(root)
    return invoice, xml


# --- helpers -------------------------------------------------------------------------

def _text(node, path, ns) -> str:
    if node is None:
        return ""
    found = node.xpath(path, namespaces=ns)
    if not found:
        return ""
    value = found[0]
    return (value if isinstance(value, str) else (value.text or "")).strip()


def _amount(text: str) -> Decimal:
    try:
        return Decimal(text) if text else Decimal("0")
    except InvalidOperation:
        return Decimal("0")


def _date(text: str) -> date | None:
    text = text.strip()
    for pattern in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


# --- CII (UN/CEFACT Cross Industry Invoice, ZUGFeRD, Factur-X, XRechnung CII) ----------

def _cii_party(node) -> Party:
    t = lambda p: _text(node, p, CII_NS)       # noqa: E731 (one local shorthand)
    tax_ids = {} if node is None else {
        reg.get("schemeID"): (reg.text or "").strip()
        for reg in node.xpath("ram:SpecifiedTaxRegistration/ram:ID", namespaces=CII_NS)}
    return Party(name=t("ram:Name"),
                 street=t("ram:PostalTradeAddress/ram:LineOne"),
                 postcode=t("ram:PostalTradeAddress/ram:PostcodeCode"),
                 city=t("ram:PostalTradeAddress/ram:CityName"),
                 country=t("ram:PostalTradeAddress/ram:CountryID"),
                 vat_id=tax_ids.get("VA", ""), tax_number=tax_ids.get("FC", ""),
                 email=t("ram:URIUniversalCommunication/ram:URIID")
                 or t("ram:DefinedTradeContact/ram:EmailURIUniversalCommunication/ram:URIID"),
                 phone=t("ram:DefinedTradeContact/ram:TelephoneUniversalCommunication/"
                         "ram:CompleteNumber"),
                 contact=t("ram:DefinedTradeContact/ram:PersonName"))


def read_cii(root) -> EInvoice:
    ns = CII_NS
    doc = root.find("rsm:ExchangedDocument", ns)
    tx = root.find("rsm:SupplyChainTradeTransaction", ns)
    agreement = tx.find("ram:ApplicableHeaderTradeAgreement", ns) if tx is not None else None
    settlement = tx.find("ram:ApplicableHeaderTradeSettlement", ns) if tx is not None else None
    delivery = tx.find("ram:ApplicableHeaderTradeDelivery", ns) if tx is not None else None
    s = lambda p: _text(settlement, p, ns)     # noqa: E731
    money = "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
    lines = []
    for item in ([] if tx is None else tx.findall("ram:IncludedSupplyChainTradeLineItem", ns)):
        i = lambda p: _text(item, p, ns)       # noqa: E731
        lines.append(Line(
            number=i("ram:AssociatedDocumentLineDocument/ram:LineID"),
            name=i("ram:SpecifiedTradeProduct/ram:Name"),
            description=i("ram:SpecifiedTradeProduct/ram:Description"),
            quantity=_amount(i("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")),
            unit=i("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode"),
            net_price=_amount(i("ram:SpecifiedLineTradeAgreement/"
                                "ram:NetPriceProductTradePrice/ram:ChargeAmount")),
            base_quantity=_amount(i("ram:SpecifiedLineTradeAgreement/"
                                    "ram:NetPriceProductTradePrice/ram:BasisQuantity")
                                  or "1"),
            net_amount=_amount(i("ram:SpecifiedLineTradeSettlement/"
                                 "ram:SpecifiedTradeSettlementLineMonetarySummation/"
                                 "ram:LineTotalAmount")),
            category=i("ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
                       "ram:CategoryCode"),
            rate=_amount(i("ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
                           "ram:RateApplicablePercent"))))
    taxes = [TaxBreakdown(category=_text(t, "ram:CategoryCode", ns),
                          rate=_amount(_text(t, "ram:RateApplicablePercent", ns)),
                          basis=_amount(_text(t, "ram:BasisAmount", ns)),
                          tax=_amount(_text(t, "ram:CalculatedAmount", ns)),
                          exemption_reason=_text(t, "ram:ExemptionReason", ns))
             for t in ([] if settlement is None
                       else settlement.findall("ram:ApplicableTradeTax", ns))]
    start = _date(s("ram:BillingSpecifiedPeriod/ram:StartDateTime/udt:DateTimeString"))
    end = _date(s("ram:BillingSpecifiedPeriod/ram:EndDateTime/udt:DateTimeString"))
    preceding = s("ram:InvoiceReferencedDocument/ram:IssuerAssignedID")
    currency = s("ram:InvoiceCurrencyCode") or "EUR"
    tax_total = next((a.text for a in (settlement.xpath(
        money + "ram:TaxTotalAmount", namespaces=ns) if settlement is not None else [])
        if a.get("currencyID") in (None, currency)), "")
    return EInvoice(
        number=_text(doc, "ram:ID", ns), type_code=_text(doc, "ram:TypeCode", ns),
        issue_date=_date(_text(doc, "ram:IssueDateTime/udt:DateTimeString", ns)),
        notes=[(n.text or "").strip() for n in ([] if doc is None else doc.xpath(
            "ram:IncludedNote/ram:Content", namespaces=ns))],
        seller=_cii_party(agreement.find("ram:SellerTradeParty", ns)
                          if agreement is not None else None),
        buyer=_cii_party(agreement.find("ram:BuyerTradeParty", ns)
                         if agreement is not None else None),
        buyer_reference=_text(agreement, "ram:BuyerReference", ns),
        lines=lines, taxes=taxes, currency=currency,
        line_total=_amount(s(money + "ram:LineTotalAmount")),
        tax_exclusive=_amount(s(money + "ram:TaxBasisTotalAmount")),
        tax_total=_amount(tax_total or ""),
        tax_inclusive=_amount(s(money + "ram:GrandTotalAmount")),
        prepaid=_amount(s(money + "ram:TotalPrepaidAmount")),
        payable=_amount(s(money + "ram:DuePayableAmount")),
        due_date=_date(s("ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/"
                         "udt:DateTimeString")),
        payment_terms=s("ram:SpecifiedTradePaymentTerms/ram:Description"),
        service_date=_date(_text(delivery, "ram:ActualDeliverySupplyChainEvent/"
                                 "ram:OccurrenceDateTime/udt:DateTimeString", ns)),
        period=(start, end) if start and end else None,
        preceding=(preceding, _date(s("ram:InvoiceReferencedDocument/"
                                      "ram:FormattedIssueDateTime/*"))) if preceding else None,
        payment_means=s("ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode"),
        iban=s("ram:SpecifiedTradeSettlementPaymentMeans/"
               "ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
        # (an account number that is no valid IBAN travels as ProprietaryID)
        or s("ram:SpecifiedTradeSettlementPaymentMeans/"
             "ram:PayeePartyCreditorFinancialAccount/ram:ProprietaryID")
        or s("ram:SpecifiedTradeSettlementPaymentMeans/"
             "ram:PayerPartyDebtorFinancialAccount/ram:IBANID"),
        bic=s("ram:SpecifiedTradeSettlementPaymentMeans/"
              "ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID"),
        mandate=s("ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"),
        creditor_id=s("ram:CreditorReferenceID"),
        remittance=s("ram:PaymentReference"),
        specification=_text(root, "rsm:ExchangedDocumentContext/"
                            "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", ns),
        syntax="CII")


# --- UBL (OASIS UBL 2.1 Invoice and CreditNote, XRechnung UBL, Peppol) -----------------

def _ubl_party(node) -> Party:
    t = lambda p: _text(node, p, UBL_NS)       # noqa: E731
    vat, tax_number = "", ""
    for scheme in ([] if node is None else node.findall("cac:PartyTaxScheme", UBL_NS)):
        if _text(scheme, "cac:TaxScheme/cbc:ID", UBL_NS) == "VAT":
            vat = _text(scheme, "cbc:CompanyID", UBL_NS)
        else:
            tax_number = _text(scheme, "cbc:CompanyID", UBL_NS)
    return Party(name=t("cac:PartyLegalEntity/cbc:RegistrationName")
                 or t("cac:PartyName/cbc:Name"),
                 street=t("cac:PostalAddress/cbc:StreetName"),
                 postcode=t("cac:PostalAddress/cbc:PostalZone"),
                 city=t("cac:PostalAddress/cbc:CityName"),
                 country=t("cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
                 vat_id=vat, tax_number=tax_number,
                 email=t("cac:Contact/cbc:ElectronicMail") or t("cbc:EndpointID"),
                 phone=t("cac:Contact/cbc:Telephone"), contact=t("cac:Contact/cbc:Name"))


def read_ubl(root) -> EInvoice:
    ns = UBL_NS
    t = lambda p: _text(root, p, ns)           # noqa: E731
    credit = etree.QName(root).localname == "CreditNote"
    line_tag, quantity_tag = (("cac:CreditNoteLine", "cbc:CreditedQuantity") if credit
                              else ("cac:InvoiceLine", "cbc:InvoicedQuantity"))
    lines = []
    for item in root.findall(line_tag, ns):
        i = lambda p: _text(item, p, ns)       # noqa: E731
        lines.append(Line(
            number=i("cbc:ID"), name=i("cac:Item/cbc:Name"),
            description=i("cac:Item/cbc:Description"),
            quantity=_amount(i(quantity_tag)), unit=i(quantity_tag + "/@unitCode"),
            net_price=_amount(i("cac:Price/cbc:PriceAmount")),
            base_quantity=_amount(i("cac:Price/cbc:BaseQuantity") or "1"),
            net_amount=_amount(i("cbc:LineExtensionAmount")),
            category=i("cac:Item/cac:ClassifiedTaxCategory/cbc:ID"),
            rate=_amount(i("cac:Item/cac:ClassifiedTaxCategory/cbc:Percent"))))
    taxes = [TaxBreakdown(category=_text(st, "cac:TaxCategory/cbc:ID", ns),
                          rate=_amount(_text(st, "cac:TaxCategory/cbc:Percent", ns)),
                          basis=_amount(_text(st, "cbc:TaxableAmount", ns)),
                          tax=_amount(_text(st, "cbc:TaxAmount", ns)),
                          exemption_reason=_text(st, "cac:TaxCategory/cbc:TaxExemptionReason",
                                                 ns))
             for st in root.xpath("cac:TaxTotal/cac:TaxSubtotal", namespaces=ns)]
    money = "cac:LegalMonetaryTotal/"
    means = "cac:PaymentMeans/"
    start, end = _date(t("cac:InvoicePeriod/cbc:StartDate")), _date(
        t("cac:InvoicePeriod/cbc:EndDate"))
    preceding = t("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID")
    return EInvoice(
        number=t("cbc:ID"),
        type_code=t("cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode"),
        issue_date=_date(t("cbc:IssueDate")),
        notes=[(n.text or "").strip() for n in root.findall("cbc:Note", ns)],
        seller=_ubl_party(root.find("cac:AccountingSupplierParty/cac:Party", ns)),
        buyer=_ubl_party(root.find("cac:AccountingCustomerParty/cac:Party", ns)),
        buyer_reference=t("cbc:BuyerReference"), lines=lines, taxes=taxes,
        currency=t("cbc:DocumentCurrencyCode") or "EUR",
        line_total=_amount(t(money + "cbc:LineExtensionAmount")),
        tax_exclusive=_amount(t(money + "cbc:TaxExclusiveAmount")),
        tax_total=_amount(t("cac:TaxTotal/cbc:TaxAmount")),
        tax_inclusive=_amount(t(money + "cbc:TaxInclusiveAmount")),
        prepaid=_amount(t(money + "cbc:PrepaidAmount")),
        payable=_amount(t(money + "cbc:PayableAmount")),
        due_date=_date(t("cbc:DueDate") or t("cac:PaymentMeans/cbc:PaymentDueDate")),
        payment_terms=t("cac:PaymentTerms/cbc:Note"),
        service_date=_date(t("cac:Delivery/cbc:ActualDeliveryDate")),
        period=(start, end) if start and end else None,
        preceding=(preceding, _date(t("cac:BillingReference/cac:InvoiceDocumentReference/"
                                      "cbc:IssueDate"))) if preceding else None,
        payment_means=t(means + "cbc:PaymentMeansCode"),
        iban=t(means + "cac:PayeeFinancialAccount/cbc:ID")
        or t(means + "cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID"),
        bic=t(means + "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"),
        mandate=t(means + "cac:PaymentMandate/cbc:ID"),
        creditor_id=t("cac:AccountingSupplierParty/cac:Party/cac:PartyIdentification/"
                      "cbc:ID[@schemeID='SEPA']"),
        remittance=t(means + "cbc:PaymentID"),
        specification=t("cbc:CustomizationID"), syntax="UBL")
