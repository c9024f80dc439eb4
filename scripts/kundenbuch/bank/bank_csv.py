"""CSV exports of German banks' online banking, and any other CSV through a column
mapping.

The banks differ in their headers, not in what the columns mean; so each column is
recognised by the names banks give it (below), and a layout is named after the bank
whose headers it has. Metadata lines above the header (ING, DKB, comdirect, Deutsche
Bank) are skipped; amounts are German (1.234,56) or plain (1234.56), sometimes split
into Soll and Haben; dates are 31.10.2026, 31.10.26 or 2026-10-31.

Written with the standard library's csv: a CSV export is no format a library would
know better than its headers do.
"""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from .lines import RETURN_REASON, BankFileError, BankLine

# field -> header names banks use for it (compared without case, spaces and quotes)
ALIASES = {
    "day": ("Valutadatum", "Wertstellung", "Wertstellung (Valuta)", "Valuta", "Wert",
            "Value Date", "Wertstellungsdatum"),
    "booked": ("Buchungstag", "Buchung", "Buchungsdatum", "Datum", "Booking Date",
               "Booking date"),
    "amount": ("Betrag", "Umsatz", "Betrag (EUR)", "Betrag (€)", "Umsatz in EUR",
               "Amount (EUR)", "Amount"),
    "debit": ("Soll", "Debit"),
    "credit": ("Haben", "Credit"),
    "name": ("Beguenstigter/Zahlungspflichtiger", "Name Zahlungsbeteiligter",
             "Begünstigter / Auftraggeber", "Auftraggeber/Empfänger",
             "Auftraggeber / Begünstigter", "Partner Name", "Empfänger",
             "Beneficiary / Originator", "Zahlungsbeteiligter"),
    "payer": ("Zahlungspflichtige*r",),
    "payee": ("Zahlungsempfänger*in",),
    "iban": ("Kontonummer/IBAN", "IBAN Zahlungsbeteiligter", "IBAN", "IBAN / Kontonummer",
             "Partner Iban", "IBAN Auftraggeberkonto", "Kontonummer"),
    "purpose": ("Verwendungszweck", "Payment Reference", "Payment Details",
                "Buchungstext"),
    "posting": ("Buchungstext", "Umsatzart", "Vorgang", "Transaction Type", "Type",
                "Umsatztyp", "Transaktionstyp"),
    "account": ("Auftragskonto", "IBAN Auftragskonto"),
    "mandate": ("Mandatsreferenz", "Mandate Reference"),
    "reference": ("Kundenreferenz (End-to-End)", "Kundenreferenz", "Customer Reference"),
    "fee": ("Auslagenersatz Ruecklastschrift",),
    "currency": ("Waehrung", "Währung", "Currency"),
}

# layout name -> headers only that bank's export has
LAYOUTS = (
    ("Sparkasse (CSV-CAMT)", {"beguenstigter/zahlungspflichtiger", "auftragskonto"}),
    ("Volksbank/Raiffeisenbank", {"name zahlungsbeteiligter"}),
    ("Deutsche Bank/Postbank", {"umsatzart", "soll", "haben"}),
    ("Deutsche Bank/Postbank", {"beneficiary / originator"}),
    ("Commerzbank", {"umsatzart", "iban auftraggeberkonto"}),
    ("comdirect", {"wertstellung (valuta)", "umsatz in eur"}),
    ("ING", {"auftraggeber/empfänger", "buchung"}),
    ("DKB", {"zahlungspflichtige*r"}),
    ("DKB", {"auftraggeber / begünstigter"}),
    ("N26", {"partner iban"}),
    ("N26", {"payment reference", "partner name"}),
)
MAPPING_SETTING = "Bank-CSV Spalten"
# the names a user writes in the mapping setting: Datum=…; Betrag=…; …
MAPPING_NAMES = {"datum": "day", "buchungstag": "booked", "betrag": "amount",
                 "soll": "debit", "haben": "credit", "name": "name", "iban": "iban",
                 "verwendungszweck": "purpose", "buchungstext": "posting",
                 "mandatsreferenz": "mandate", "referenz": "reference"}


def _key(text) -> str:
    return " ".join(str(text or "").replace('"', "").split()).casefold()


def identify(head: bytes) -> bool:
    text = _decoded(head[:4096])
    return text.count(";") >= 3 or text.count(",") >= 3 or text.count("\t") >= 3


def parse_mapping(text: str) -> dict:
    """'Datum=Buchung; Betrag=Umsatz; Name=Gegenseite' -> field -> header."""
    mapping = {}
    for item in str(text or "").split(";"):
        key, _, header = item.partition("=")
        field = MAPPING_NAMES.get(_key(key))
        if field is None and key.strip():
            raise BankFileError(f"Einstellung „{MAPPING_SETTING}“: „{key.strip()}“ ist "
                                "kein Feld (möglich: " + ", ".join(
                                    n.capitalize() for n in MAPPING_NAMES) + ").")
        if field:
            mapping[field] = _key(header)
    if mapping and not ({"day", "booked"} & set(mapping)
                        and ({"amount"} & set(mapping) or {"debit", "credit"} <= set(mapping))):
        raise BankFileError(f"Einstellung „{MAPPING_SETTING}“ braucht mindestens Datum und "
                            "Betrag, z. B. „Datum=Buchungstag; Betrag=Umsatz; "
                            "Name=Auftraggeber; Verwendungszweck=Text“.")
    return mapping


def read(data: bytes, name: str, mapping: dict | None = None) -> tuple[str, list[BankLine]]:
    text = _decoded(data)
    try:
        dialect_rows = _rows(text)
    except csv.Error as exc:
        raise BankFileError(f"{name}: keine lesbare CSV-Datei ({exc}); es wurde nichts "
                            "übernommen.") from exc
    found = _header(dialect_rows, mapping)
    if found is None:
        raise BankFileError(
            f"{name}: keine Kopfzeile einer bekannten Bank gefunden (Sparkasse, "
            "Volksbank/Raiffeisenbank, Deutsche Bank/Postbank, Commerzbank/comdirect, ING, "
            "DKB, N26). Für eine andere Bank die Spalten einmal angeben: kundenbuch bank "
            "DATEI --spalten \"Datum=…; Betrag=…; Name=…; Verwendungszweck=…\"; kundenbuch "
            f"merkt sie sich in der Einstellung „{MAPPING_SETTING}“.")
    header_index, columns, layout = found
    account = _preamble_iban(dialect_rows[:header_index])
    lines = []
    for number, row in enumerate(dialect_rows[header_index + 1:], start=header_index + 2):
        if not any(cell.strip() for cell in row):
            continue
        lines.append(_line(row, columns, account, f"{name}, Zeile {number}"))
    return layout, lines


def _decoded(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _rows(text: str) -> list[list[str]]:
    sample = "\n".join(text.splitlines()[:40])
    delimiter = max(";,\t", key=sample.count)
    # newline="": the csv module reads line ends itself, a lone \r included
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _header(rows, mapping):
    for index, row in enumerate(rows[:40]):
        keys = [_key(cell) for cell in row]
        if mapping:
            if all(header in keys for header in mapping.values()):
                return index, {f: keys.index(h) for f, h in mapping.items()}, "eigene Zuordnung"
            continue
        columns = {}
        for field, names in ALIASES.items():
            for alias in names:
                alias = _key(alias)
                if alias in keys and keys.index(alias) not in columns.values():
                    columns[field] = keys.index(alias)
                    break
        has_amount = "amount" in columns or {"debit", "credit"} <= set(columns)
        if ({"day", "booked"} & set(columns)) and has_amount and len(columns) >= 3:
            layout = next((label for label, marks in LAYOUTS if marks <= set(keys)),
                          "CSV (Spalten erkannt)")
            return index, columns, layout
    return None


def _preamble_iban(rows) -> str:
    for row in rows:
        for cell in row:
            found = re.search(r"\b[A-Z]{2}\d{2}(?: ?[0-9A-Z]){11,30}\b", cell)
            if found:
                return found.group().replace(" ", "")
    return ""


def _cell(row, columns, field) -> str:
    index = columns.get(field)
    return row[index].strip() if index is not None and index < len(row) else ""


def money(text: str, where: str) -> Decimal:
    cleaned = text.replace("€", "").replace("EUR", "").replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})*(,\d+)?|[-+]?\d+(,\d+)?", cleaned):
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"[-+]?\d{1,3}(,\d{3})*(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise BankFileError(f"{where}: „{text}“ ist kein Betrag; es wurde nichts "
                            "übernommen.") from None


def day_of(text: str, where: str) -> date:
    for pattern in ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise BankFileError(f"{where}: „{text}“ ist kein Datum; es wurde nichts übernommen.")


def _line(row, columns, account, where) -> BankLine:
    day_text = _cell(row, columns, "day") or _cell(row, columns, "booked")
    day = day_of(day_text, where)
    if _cell(row, columns, "amount") or not {"debit", "credit"} & set(columns):
        amount = money(_cell(row, columns, "amount"), where)
    else:       # Deutsche Bank: Soll and Haben in two columns
        debit, credit = _cell(row, columns, "debit"), _cell(row, columns, "credit")
        amount = (money(credit, where) if credit else ZERO) - (
            abs(money(debit, where)) if debit else ZERO)
    name = _cell(row, columns, "name")
    if not name:       # DKB names the payer and the payee in two columns
        name = _cell(row, columns, "payer" if amount > 0 else "payee")
    purpose = _cell(row, columns, "purpose")
    posting = _cell(row, columns, "posting")
    if columns.get("posting") != columns.get("purpose") and posting and not purpose:
        purpose = posting
    reason = RETURN_REASON.search(purpose)
    fee_text = _cell(row, columns, "fee")
    fee = abs(money(fee_text, where)) if fee_text else ZERO
    returned = amount < 0 and ("RUECKLASTSCHRIFT" in (posting + " " + purpose).upper()
                               .replace("Ü", "UE") or bool(reason))
    reference = re.search(r"\bRF\d{2}[0-9A-Z]{1,21}\b", purpose.replace(" ", "").upper())
    return BankLine(day, amount, " ".join(name.split()),
                    _cell(row, columns, "iban").replace(" ", ""), " ".join(purpose.split()),
                    reference.group() if reference else "", "",
                    (_cell(row, columns, "account") or account).replace(" ", ""),
                    returned, reason.group() if reason else "", fee,
                    _cell(row, columns, "mandate"), where)


ZERO = Decimal("0.00")
