"""Bank statements as banks write them, made by the tests: camt.052/053/054 in an old
and a new version, MT940, and the CSV layouts of the German banks kundenbuch knows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

OUR_IBAN = "DE44500105175407324931"


@dataclass
class Booking:
    day: date
    amount: Decimal          # signed
    name: str = ""
    iban: str = ""
    purpose: str = ""
    reference: str = ""      # structured creditor reference
    bank_id: str = ""
    mandate: str = ""
    return_reason: str = ""
    fee: Decimal = Decimal("0")


def camt(bookings, message="053", version="08") -> str:
    """A camt message; version 02 names parties in <Nm>, 08 in <Pty><Nm>."""
    body, block = {"053": ("BkToCstmrStmt", "Stmt"), "052": ("BkToCstmrAcctRpt", "Rpt"),
                   "054": ("BkToCstmrDbtCdtNtfctn", "Ntfctn")}[message]
    entries = "".join(_entry(b, version) for b in bookings)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:'
            f'20022:tech:xsd:camt.{message}.001.{version}"><{body}><GrpHdr><MsgId>M1</MsgId>'
            "<CreDtTm>2026-10-31T18:00:00</CreDtTm></GrpHdr>"
            f"<{block}><Id>S1</Id><CreDtTm>2026-10-31T18:00:00</CreDtTm><Acct><Id><IBAN>"
            f"{OUR_IBAN}</IBAN></Id></Acct>{entries}</{block}></{body}></Document>")


def _name(name, version):
    return f"<Pty><Nm>{name}</Nm></Pty>" if version >= "08" else f"<Nm>{name}</Nm>"


def _entry(b: Booking, version: str) -> str:
    side = "CRDT" if b.amount > 0 else "DBIT"
    status = "<Sts><Cd>BOOK</Cd></Sts>" if version >= "08" else "<Sts>BOOK</Sts>"
    ref = f"<AcctSvcrRef>{b.bank_id}</AcctSvcrRef>" if b.bank_id else ""
    # the other party: the debtor of a credit and of a returned debit, else the creditor
    party = "Dbtr" if b.amount > 0 or b.return_reason else "Cdtr"
    debtor = (f"<{party}>{_name(b.name, version)}</{party}>" if b.name else "") + (
        f"<{party}Acct><Id><IBAN>{b.iban}</IBAN></Id></{party}Acct>" if b.iban else "")
    remittance = (f"<Ustrd>{b.purpose}</Ustrd>" if b.purpose else "") + (
        f"<Strd><CdtrRefInf><Ref>{b.reference}</Ref></CdtrRefInf></Strd>"
        if b.reference else "")
    refs = f"<Refs><MndtId>{b.mandate}</MndtId></Refs>" if b.mandate else ""
    fee = f'<Chrgs><Amt Ccy="EUR">{b.fee:.2f}</Amt></Chrgs>' if b.fee else ""
    returned = (f"<RtrInf><Rsn><Cd>{b.return_reason}</Cd></Rsn></RtrInf>"
                if b.return_reason else "")
    return (f'<Ntry><Amt Ccy="EUR">{abs(b.amount):.2f}</Amt><CdtDbtInd>{side}</CdtDbtInd>'
            f"{status}<BookgDt><Dt>{b.day}</Dt></BookgDt><ValDt><Dt>{b.day}</Dt></ValDt>{ref}"
            f"<NtryDtls><TxDtls>{refs}{fee}<RltdPties>{debtor}</RltdPties>"
            f"<RmtInf>{remittance}</RmtInf>{returned}</TxDtls></NtryDtls></Ntry>")


def mt940(bookings) -> str:
    lines = [":20:STARTUMSE", f":25:{OUR_IBAN}", ":28C:00001/001", ":60F:C261001EUR1000,00"]
    for b in bookings:
        mark = "C" if b.amount > 0 else "D"
        amount = f"{abs(b.amount):.2f}".replace(".", ",")
        code = "109" if b.return_reason else "166"
        lines.append(f":61:{b.day:%y%m%d}{b.day:%m%d}{mark}{amount}NMSCNONREF"
                     + (f"//{b.bank_id}" if b.bank_id else ""))
        purpose = b.purpose + (f" {b.return_reason}" if b.return_reason else "")
        chunks = [purpose[i:i + 27] for i in range(0, len(purpose), 27)] or [""]
        details = "".join(f"?{20 + i}{'SVWZ+' if i == 0 else ''}{c}" for i, c in
                          enumerate(chunks[:9]))
        lines.append(f":86:{code}?00{'RUECKLASTSCHRIFT' if b.return_reason else 'GUTSCHRIFT'}"
                     f"{details}?31{b.iban}?32{b.name[:27]}")
    lines += [":62F:C261031EUR1000,00", "-"]
    return "\r\n".join(lines) + "\r\n"


def _german(amount: Decimal) -> str:
    text = f"{amount:,.2f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


# bank -> (lines above the header, header, a row from a Booking, delimiter)
def _sparkasse(b):
    return [OUR_IBAN, f"{b.day:%d.%m.%y}", f"{b.day:%d.%m.%y}", "GUTSCHR. UEBERWEISUNG",
            b.purpose, "", b.mandate, "", "", "", "", b.name, b.iban, "", _german(b.amount),
            "EUR", "Umsatz gebucht"]


def _volksbank(b):
    return ["Girokonto", OUR_IBAN, "GENODEF1XXX", "Volksbank", f"{b.day:%d.%m.%Y}",
            f"{b.day:%d.%m.%Y}", b.name, b.iban, "", "Gutschrift", b.purpose,
            _german(b.amount), "EUR", "1.000,00", "", "", "", "", b.mandate]


def _deutsche_bank(b):
    credit = _german(b.amount) if b.amount > 0 else ""
    debit = _german(-b.amount) if b.amount < 0 else ""
    return [f"{b.day:%d.%m.%Y}", f"{b.day:%d.%m.%Y}", "SEPA-Überweisung von", b.name,
            b.purpose, b.iban, "", "", b.mandate, "", "", "", "", "", "", debit, credit, "EUR"]


def _commerzbank(b):
    return [f"{b.day:%d.%m.%Y}", f"{b.day:%d.%m.%Y}", "Gutschrift",
            f"{b.name} {b.purpose}", _german(b.amount), "EUR", "", "", b.iban, ""]


def _ing(b):
    return [f"{b.day:%d.%m.%Y}", f"{b.day:%d.%m.%Y}", b.name, "Gutschrift", b.purpose,
            "1.000,00", "EUR", _german(b.amount), "EUR"]


def _dkb(b):
    return [f"{b.day:%d.%m.%y}", f"{b.day:%d.%m.%y}", "Gebucht", b.name, "Sommer Beratung",
            b.purpose, "Eingang", b.iban, _german(b.amount), "", b.mandate, ""]


def _n26(b):
    return [b.day.isoformat(), b.day.isoformat(), b.name, b.iban, "Credit Transfer",
            b.purpose, "Hauptkonto", f"{b.amount:.2f}", "", "", ""]


CSV_BANKS = {
    "Sparkasse (CSV-CAMT)": ([], ["Auftragskonto", "Buchungstag", "Valutadatum",
                                  "Buchungstext", "Verwendungszweck", "Glaeubiger ID",
                                  "Mandatsreferenz", "Kundenreferenz (End-to-End)",
                                  "Sammlerreferenz", "Lastschrift Ursprungsbetrag",
                                  "Auslagenersatz Ruecklastschrift",
                                  "Beguenstigter/Zahlungspflichtiger", "Kontonummer/IBAN",
                                  "BIC (SWIFT-Code)", "Betrag", "Waehrung", "Info"],
                             _sparkasse, ";"),
    "Volksbank/Raiffeisenbank": ([], ["Bezeichnung Auftragskonto", "IBAN Auftragskonto",
                                      "BIC Auftragskonto", "Bankname Auftragskonto",
                                      "Buchungstag", "Valutadatum", "Name Zahlungsbeteiligter",
                                      "IBAN Zahlungsbeteiligter",
                                      "BIC (SWIFT-Code) Zahlungsbeteiligter", "Buchungstext",
                                      "Verwendungszweck", "Betrag", "Waehrung",
                                      "Saldo nach Buchung", "Bemerkung", "Kategorie",
                                      "Steuerrelevant", "Glaeubiger ID", "Mandatsreferenz"],
                                 _volksbank, ";"),
    "Deutsche Bank/Postbank": ([["Umsätze Girokonto", "Zeitraum: 01.10.2026 - 31.10.2026"],
                                [""]],
                               ["Buchungstag", "Wert", "Umsatzart", "Begünstigter / Auftraggeber",
                                "Verwendungszweck", "IBAN", "BIC", "Kundenreferenz",
                                "Mandatsreferenz ", "Gläubiger ID", "Fremde Gebühren", "Betrag",
                                "Abweichender Empfänger", "Anzahl der Aufträge",
                                "Anzahl der Schecks", "Soll", "Haben", "Währung"],
                               _deutsche_bank, ";"),
    "Commerzbank": ([], ["Buchungstag", "Wertstellung", "Umsatzart", "Buchungstext", "Betrag",
                         "Währung", "Auftraggeberkonto", "Bankleitzahl Auftraggeberkonto",
                         "IBAN Auftraggeberkonto", "Kategorie"], _commerzbank, ";"),
    "ING": ([["Umsatzanzeige", "Datei erstellt am: 31.10.2026 18:00"], [""],
             ["IBAN", OUR_IBAN], ["Kontoname", "Girokonto"], ["Bank", "ING"], [""],
             ["Zeitraum", "01.10.2026 - 31.10.2026"], [""]],
            ["Buchung", "Wertstellungsdatum", "Auftraggeber/Empfänger", "Buchungstext",
             "Verwendungszweck", "Saldo", "Währung", "Betrag", "Währung"], _ing, ";"),
    "DKB": ([["Girokonto", OUR_IBAN], [""], ["Zeitraum:", "01.10.2026 - 31.10.2026"],
             ["Kontostand vom 31.10.2026:", "1.000,00 €"], [""]],
            ["Buchungsdatum", "Wertstellung", "Status", "Zahlungspflichtige*r",
             "Zahlungsempfänger*in", "Verwendungszweck", "Umsatztyp", "IBAN", "Betrag (€)",
             "Gläubiger-ID", "Mandatsreferenz", "Kundenreferenz"], _dkb, ";"),
    "N26": ([], ["Booking Date", "Value Date", "Partner Name", "Partner Iban", "Type",
                 "Payment Reference", "Account Name", "Amount (EUR)", "Original Amount",
                 "Original Currency", "Exchange Rate"], _n26, ","),
}


# ING's export names the other party but not its account
WITHOUT_IBAN = {"ING"}


def bank_csv(bank: str, bookings) -> str:
    import csv
    import io
    preamble, header, row_of, delimiter = CSV_BANKS[bank]
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_ALL)
    for line in preamble:
        writer.writerow(line)
    writer.writerow(header)
    for booking in bookings:
        writer.writerow(row_of(booking))
    return out.getvalue()
