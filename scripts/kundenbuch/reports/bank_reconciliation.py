"""The owned sheet Zahlungsabgleich: bank lines kundenbuch could not match surely, each
with its candidates, waiting for the user's answer in the column Zuordnen."""
from __future__ import annotations

from datetime import datetime

from ..book import schema
from .german import counted
from .sheet import DATE, MONEY, TEXT, ReportBlock, ReportColumn, ReportSheet

WIDTHS = {"Buchungs-ID": 22, "Datum": 12, "Betrag": 13, "Auftraggeber": 24, "IBAN": 26,
          "Verwendungszweck": 40, "Vorschläge": 50, "Zuordnen": 18, "Hinweis": 40}
KINDS = {"Datum": DATE, "Betrag": MONEY}


def report(entries: list[dict], now: datetime, version: str) -> ReportSheet:
    """entries: field -> value with buchungs_id, datum, betrag, auftraggeber, iban,
    verwendungszweck, vorschlaege, zuordnen, hinweis; waiting ones first, the ignored
    ones (Zuordnen "ignorieren", kept so that a statement read again does not bring
    them back) below."""
    fields = ("buchungs_id", "datum", "betrag", "auftraggeber", "iban",
              "verwendungszweck", "vorschlaege", "zuordnen", "hinweis")
    ordered = sorted(entries, key=lambda e: (str(e.get("zuordnen") or "").casefold()
                                             == "ignorieren", e["datum"]))
    waiting = sum(1 for e in ordered if str(e.get("zuordnen") or "").casefold()
                  != "ignorieren")
    block = ReportBlock(
        [ReportColumn(h, KINDS.get(h, TEXT), WIDTHS[h]) for h in schema.ABGLEICH_HEADERS],
        [[e.get(f) for f in fields] for e in ordered],
        heading="In „Zuordnen“ eintragen: Rechnungsnr (mehrere mit Komma), Kundennr oder "
                "„ignorieren“; der nächste Lauf von „kundenbuch bank“ oder des "
                "Monatsabschlusses übernimmt es.")
    return ReportSheet(schema.ZAHLUNGSABGLEICH, [block], title=[
        f"Zahlungsabgleich – {counted(waiting, 'Buchung')} zu bestätigen",
        f"Stand {now:%d.%m.%Y %H:%M} · kundenbuch {version}"])
