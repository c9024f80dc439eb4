"""The DATEV-Format booking batch (EXTF, Buchungsstapel) and a plain journal, written
from rules/bookings.

Written by hand: no maintained Python library writes this format. The layout follows
DATEV's specification (developer.datev.de/datev/platform/de/dtvf, "Einstieg",
"Header" and "Buchungsstapel", header version 700, format category 21, format version
13): line 1 the header, line 2 the column names, then one line per booking; fields
separated by ";", lines ended by CR LF, text fields in double quotes (quotes inside
doubled, no line breaks), amounts positive with a decimal comma, Belegdatum as TTMM
(the year comes from the header), other dates as TTMMJJJJ; the file name starts with
EXTF_; the character set is ANSI (Windows-1252).
"""
from __future__ import annotations

import unicodedata
from datetime import date, datetime

from ..reports.sheet import format_value
from .excel_csv import excel_csv

ENCODING = "cp1252"
# The 125 fields of a booking line, format version 13, in DATEV's order (Leistungsdatum
# is field 115, Fälligkeit 117, Generalumkehr 118).
COLUMNS = (
    "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs",
    "Basis-Umsatz", "WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel", "Belegdatum", "Belegfeld 1", "Belegfeld 2", "Skonto", "Buchungstext",
    "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank", "Sachverhalt",
    "Zinssperre", "Beleglink",
    *(f"Beleginfo - {what} {n}" for n in range(1, 9) for what in ("Art", "Inhalt")),
    "KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge", "EU-Land u. UStID",
    "EU-Steuersatz", "Abw. Versteuerungsart", "Sachverhalt L+L", "Funktionsergänzung L+L",
    "BU 49 Hauptfunktionstyp", "BU 49 Hauptfunktionsnummer", "BU 49 Funktionsergänzung",
    *(f"Zusatzinformation - {what} {n}" for n in range(1, 21) for what in ("Art", "Inhalt")),
    "Stück", "Gewicht", "Zahlweise", "Forderungsart", "Veranlagungsjahr",
    "Zugeordnete Fälligkeit", "Skontotyp", "Auftragsnummer", "Buchungstyp",
    "USt-Schlüssel (Anzahlungen)", "EU-Land (Anzahlungen)", "Sachverhalt L+L (Anzahlungen)",
    "EU-Steuersatz (Anzahlungen)", "Erlöskonto (Anzahlungen)", "Herkunft-Kz", "Leerfeld",
    "KOST-Datum", "SEPA-Mandatsreferenz", "Skontosperre", "Gesellschaftername",
    "Beteiligtennummer", "Identifikationsnummer", "Zeichnernummer", "Postensperre bis",
    "Bezeichnung SoBil-Sachverhalt", "Kennzeichen SoBil-Buchung", "Festschreibung",
    "Leistungsdatum", "Datum Zuord. Steuerperiode", "Fälligkeit", "Generalumkehr",
    "Steuersatz", "Land", "Abrechnungsreferenz", "BVV-Position",
    "EU-Land u. UStID (Ursprung)", "EU-Steuersatz (Ursprung)", "Abw. Skontokonto",
)
assert len(COLUMNS) == 125
TEXT_FIELDS = {"Soll/Haben-Kennzeichen", "WKZ Umsatz", "Belegfeld 1", "Belegfeld 2",
               "Buchungstext"}


def ansi(text: str) -> str:
    """Text Windows-1252 can hold: other letters lose their accents (ł → l), what is
    left becomes '?'; quotes are doubled, line breaks become spaces."""
    text = " ".join(str(text).split())
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        text = "".join(ch if _fits(ch) else _plain(ch) for ch in text)
    return text.replace('"', '""')


def _fits(ch: str) -> bool:
    try:
        ch.encode(ENCODING)
        return True
    except UnicodeEncodeError:
        return False


# letters with a stroke have no decomposition to take the accent from
STROKED = {"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i"}


def _plain(ch: str) -> str:
    if ch in STROKED:
        return STROKED[ch]
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if base and all(_fits(c) for c in base) else "?"


def amount(value) -> str:
    return f"{value:.2f}".replace(".", ",")


def header(created: datetime, period_start: date, period_end: date, settings,
           frame_name: str, label: str) -> str:
    """The header line (31 fields, version 700)."""
    fields = [
        '"EXTF"', "700", "21", '"Buchungsstapel"', "13",
        created.strftime("%Y%m%d%H%M%S") + f"{created.microsecond // 1000:03d}",
        "", '"RE"', '"kundenbuch"', '""',
        str(settings.get("beraternummer")), str(settings.get("mandantennummer")),
        f"{period_start.year}0101", "4", f"{period_start:%Y%m%d}", f"{period_end:%Y%m%d}",
        f'"{ansi("kundenbuch " + label)[:30]}"', '"KB"', "1", "0", "0", '"EUR"', "", '""',
        "", "", f'"{frame_name[-2:]}"', "", "", '""', '""']
    assert len(fields) == 31
    return ";".join(fields)


def booking_line(booking) -> str:
    values = dict.fromkeys(COLUMNS, "")
    values.update({
        "Umsatz (ohne Soll/Haben-Kz)": amount(booking.amount),
        "Soll/Haben-Kennzeichen": booking.side, "WKZ Umsatz": "EUR",
        "Konto": str(booking.account), "Gegenkonto (ohne BU-Schlüssel)": str(booking.contra),
        "Belegdatum": f"{booking.day:%d%m}", "Belegfeld 1": booking.document[:36],
        "Belegfeld 2": booking.document2[:12], "Buchungstext": booking.text[:60],
        "Leistungsdatum": f"{booking.service_day:%d%m%Y}" if booking.service_day else ""})
    return ";".join(f'"{ansi(values[c])}"' if c in TEXT_FIELDS else values[c]
                    for c in COLUMNS)


def extf(bookings, created: datetime, period, settings, frame_name: str) -> bytes:
    lines = [header(created, period.start, period.end, settings, frame_name, period.label),
             ";".join(f'"{ansi(c)}"' for c in COLUMNS)]
    lines += [booking_line(b) for b in sorted(bookings, key=lambda b: (b.day, b.document))]
    return ("\r\n".join(lines) + "\r\n").encode(ENCODING)


def journal(bookings, names: dict) -> bytes:
    """The same bookings as a plain CSV for any software (excel_csv, German numbers),
    with net and tax where a booking is revenue."""
    rows = [["Datum", "Art", "Beleg", "Bezug", "Kundennr", "Kunde", "Betrag", "Soll/Haben",
             "Konto", "Gegenkonto", "USt-Satz", "Netto", "USt", "Leistungsdatum", "Text"]]
    for b in sorted(bookings, key=lambda b: (b.day, b.document)):
        rows.append([f"{b.day:%d.%m.%Y}", b.kind, b.document2 or b.document,
                     b.document if b.document2 else "", b.kundennr,
                     names.get(b.kundennr, ""), amount(b.amount), b.side, b.account,
                     b.contra, "" if b.rate is None else b.rate,
                     "" if b.net is None else amount(b.net),
                     "" if b.tax is None else amount(b.tax),
                     format_value(b.service_day) if b.service_day else "", b.text])
    return excel_csv(rows)
