"""The owned sheet Umsatzsteuer: the Kennzahlen of one return period, the documents and
payments counted in it, the tax of the periods before (with a chart), and notes."""
from __future__ import annotations

from datetime import datetime

from ..book import schema
from ..book.records import display_name
from ..rules import vat
from .sheet import (DATE, INT, MONEY, TEXT, ChartSpec, ReportBlock, ReportColumn,
                    ReportSheet)

HISTORY = 8          # periods in the chart


def report(result, now: datetime, version: str) -> ReportSheet:
    """result: runs/export_vat.VatResult."""
    clients = {c["kundennr"]: c for c in result.book.kunden}
    kennzahlen = ReportBlock(
        [ReportColumn("Kz", TEXT, 6), ReportColumn("Bezeichnung", TEXT, 60),
         ReportColumn("Bemessungsgrundlage", MONEY, 18),
         ReportColumn("volle Euro", INT, 12), ReportColumn("Steuer", MONEY, 14)],
        [[line.kennzahl, line.text, line.net, line.base,
          line.tax if line.kennzahl in ("81", "86", "35") else None]
         for line in result.lines]
        + [["", "Umsatzsteuer (vor Abzug der Vorsteuer, Kz 66: nicht in diesem Buch)",
            None, None, result.tax]],
        heading=f"Kennzahlen der Umsatzsteuer-Voranmeldung ({vat.FORM})")
    # The blocks share the sheet's columns: A short keys, B the wide text, C and E money.
    entries = ReportBlock(
        [ReportColumn("Kz", TEXT, 6), ReportColumn("Kunde", TEXT, 40),
         ReportColumn("Netto", MONEY, 13), ReportColumn("Satz", INT, 6),
         ReportColumn("USt", MONEY, 12), ReportColumn("Datum", DATE, 12),
         ReportColumn("Beleg", TEXT, 12), ReportColumn("Art", TEXT, 11)],
        [[e.kennzahl, f"{e.kundennr} {display_name(clients.get(e.kundennr))}", e.net,
          e.rate, e.tax, e.day, e.number, e.kind] for e in result.entries],
        heading=f"Gezählt im Zeitraum ({result.basis}-Versteuerung)")
    history = ReportBlock(
        [ReportColumn("Zeitraum", TEXT, 9), ReportColumn("von – bis", TEXT, 30),
         ReportColumn("Umsätze netto", MONEY, 15), ReportColumn("Buchungen", INT, 10),
         ReportColumn("Umsatzsteuer", MONEY, 15)],
        [[period.label, f"{period.start:%d.%m.%Y} – {period.end:%d.%m.%Y}", net, count,
          tax] for period, net, tax, count in result.history],
        heading="Umsatzsteuer je Zeitraum", reserve_rows=16)     # room for the chart
    notes = ReportBlock([ReportColumn("Nr", INT, 5), ReportColumn("Hinweis", TEXT, 60)],
                        [[n, note] for n, note in enumerate(result.notes, start=1)],
                        heading="Hinweise")
    sheet = ReportSheet(schema.UMSATZSTEUER, [kennzahlen, entries, history, notes], title=[
        f"Umsatzsteuer {result.period.german} ({result.period.start:%d.%m.%Y} bis "
        f"{result.period.end:%d.%m.%Y}), {result.basis}-Versteuerung",
        f"Stand {now:%d.%m.%Y %H:%M} · kundenbuch {version} · neu mit „kundenbuch export "
        f"ust --zeitraum {result.period.label}“"])
    header_row = sheet.layout()[2][0]
    sheet.charts.append(ChartSpec("Umsatzsteuer je Zeitraum", block=2, category_column=0,
                                  value_columns=[4], anchor=f"G{header_row}",
                                  y_title="Euro"))
    return sheet
