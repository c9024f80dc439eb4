"""The owned sheet Offene Posten: open items, aging per client and tier, a chart."""
from __future__ import annotations

from datetime import datetime

from ..book import schema
from ..book.records import display_name, sheet_link
from ..rules.amounts import ZERO
from ..rules.receivables import BUCKETS, LEVEL_NAMES, Summary
from .sheet import (DATE, INT, LINK, MONEY, TEXT, ChartSpec, ReportBlock, ReportColumn,
                    ReportSheet, format_value)

CHART_ROWS = 16          # rows kept free beside the chart


def _bucket_columns():
    return [ReportColumn(bucket, MONEY, 13) for bucket in BUCKETS] + [
        ReportColumn("Summe", MONEY, 13)]


def _due_now(state) -> str:
    if state.time_barred:
        return "nichts (verjährt)"
    if state.collection is not None:
        return f"nichts (Einzug am {state.collection:%d.%m.%Y} angewiesen)"
    return LEVEL_NAMES[state.next_level] if state.next_level else ""


def report(summary: Summary, now: datetime, version: str) -> ReportSheet:
    items = sorted(summary.open_items, key=lambda s: (-(s.days_overdue or 0), s.number))
    count = {b: sum(1 for s in items if s.bucket == b) for b in BUCKETS}
    total = ReportBlock([ReportColumn("Altersklasse", TEXT, 14),
                         ReportColumn("Offen", MONEY, 14), ReportColumn("Anzahl", INT, 10)],
                        [[b, summary.buckets_total[b], count[b]] for b in BUCKETS],
                        heading="Altersstruktur gesamt", reserve_rows=CHART_ROWS)
    by_tier = ReportBlock([ReportColumn("Stufe", TEXT, 12)] + _bucket_columns(),
                          [[tier] + [row[b] for b in BUCKETS] + [sum(row.values(), ZERO)]
                           for tier, row in sorted(summary.buckets_by_tier.items())],
                          heading="Nach Stufe")
    clients = {s.invoice["kundennr"]: s.client for s in items}
    tiers = {s.invoice["kundennr"]: s.tier for s in items}
    client_rows, client_links = [], {}
    ranked = sorted(summary.buckets_by_client.items(),
                    key=lambda kv: (-sum(kv[1].values(), ZERO), kv[0]))
    for index, (number, row) in enumerate(ranked):
        client = clients.get(number)
        client_rows.append([number, display_name(client), tiers.get(number, "")]
                           + [row[b] for b in BUCKETS] + [sum(row.values(), ZERO)])
        if client is not None:
            client_links[(index, 0)] = sheet_link(client)
    by_client = ReportBlock([ReportColumn("Kundennr", LINK, 11),
                             ReportColumn("Kunde", TEXT, 26),
                             ReportColumn("Stufe", TEXT, 7)] + _bucket_columns(),
                            client_rows, heading="Nach Kunde", links=client_links)
    detail_rows, detail_links = [], {}
    for index, state in enumerate(items):
        invoice = state.invoice
        detail_rows.append([
            invoice["kundennr"], display_name(state.client), state.tier, state.number,
            invoice["rechnungsdatum"], state.effective_due, state.days_overdue, state.open,
            state.default.since if state.default else None,
            state.interest, state.flat_fee, state.fees, state.return_fee,
            LEVEL_NAMES[state.level_sent],
            _due_now(state), state.bucket,
            state.default.reason if state.default else ""])
        detail_links[(index, 3)] = sheet_link(invoice)
    details = ReportBlock([
        ReportColumn("Kundennr", TEXT, 11), ReportColumn("Kunde", TEXT, 26),
        ReportColumn("Stufe", TEXT, 7), ReportColumn("Rechnungsnr", LINK, 13),
        ReportColumn("Rechnungsdatum", DATE, 14), ReportColumn("Fällig (Werktag)", DATE, 14),
        ReportColumn("Tage überfällig", INT, 13), ReportColumn("Offen", MONEY, 13),
        ReportColumn("Verzug seit", DATE, 12),
        ReportColumn("Verzugszinsen", MONEY, 13), ReportColumn("Pauschale § 288", MONEY, 14),
        ReportColumn("Mahngebühren", MONEY, 13),
        ReportColumn("Bankgebühr Rücklastschrift", MONEY, 14),
        ReportColumn("Letzter Brief", TEXT, 18), ReportColumn("Fällig jetzt", TEXT, 18), ReportColumn("Altersklasse", TEXT, 13),
        ReportColumn("Verzug, weil", TEXT, 60)],
        detail_rows, heading="Offene Rechnungen", links=detail_links)
    blocks = [total, by_tier, by_client, details]
    barred = [s for s in items if s.time_barred]
    if barred:
        blocks.append(ReportBlock([
            ReportColumn("Kundennr", TEXT, 11), ReportColumn("Kunde", TEXT, 26),
            ReportColumn("Rechnungsnr", LINK, 13), ReportColumn("Fällig am", DATE, 12),
            ReportColumn("Offen", MONEY, 13), ReportColumn("Verjährt seit", DATE, 13)],
            [[s.invoice["kundennr"], display_name(s.client), s.number, s.due, s.open,
              s.time_barred] for s in barred],
            heading="Verjährt: keine Mahnung mehr, Zinsen und Gebühren entfallen "
                    "(§§ 195, 199, 217 BGB)",
            links={(index, 2): sheet_link(s.invoice) for index, s in enumerate(barred)}))
    if summary.late_damages:
        late_rows, late_links = [], {}
        for index, state in enumerate(summary.late_damages):
            invoice = state.invoice
            late_rows.append([invoice["kundennr"], display_name(state.client), state.number,
                              invoice["bezahlt_am"], state.default.since, state.interest,
                              state.flat_fee, state.fees,
                              state.interest + state.flat_fee + state.fees])
            late_links[(index, 2)] = sheet_link(invoice)
        blocks.append(ReportBlock([
            ReportColumn("Kundennr", TEXT, 11), ReportColumn("Kunde", TEXT, 26),
            ReportColumn("Rechnungsnr", LINK, 13), ReportColumn("Bezahlt am", DATE, 12),
            ReportColumn("Verzug seit", DATE, 12), ReportColumn("Verzugszinsen", MONEY, 13),
            ReportColumn("Pauschale § 288", MONEY, 14), ReportColumn("Mahngebühren", MONEY, 13),
            ReportColumn("Noch offen", MONEY, 13)], late_rows,
            heading="Verzugsschaden: spät bezahlt, Zinsen und Pauschale noch offen "
                    "(erlassen: Spalte „Verzugsschaden erlassen“ in Rechnungen)",
            links=late_links))
    blocks += _payment_blocks(summary)
    chart = ChartSpec("Offene Beträge nach Alter", block=0, category_column=0,
                      value_columns=[1], anchor="E3", y_title="Euro")
    return ReportSheet(
        schema.OFFENE_POSTEN, blocks,
        title=[f"Offene Posten – Stichtag {summary.stichtag:%d.%m.%Y}",
               f"Stand {now:%d.%m.%Y %H:%M} · kundenbuch {version} · offen "
               f"{format_value(summary.open_total)}, davon überfällig "
               f"{format_value(summary.overdue_total)}"],
        charts=[chart])


def _payment_blocks(summary: Summary) -> list[ReportBlock]:
    """With the Zahlungen table: credits left from overpayments, and payments that no
    client could be found for (to be completed in Zahlungen)."""
    allocation = summary.allocation
    if allocation is None:
        return []
    blocks = []
    if summary.to_confirm:
        blocks.append(ReportBlock(
            [ReportColumn("Datum", DATE, 12), ReportColumn("Betrag", MONEY, 13),
             ReportColumn("Auftraggeber", TEXT, 24), ReportColumn("Verwendungszweck", TEXT, 40),
             ReportColumn("Vorschläge", TEXT, 50)],
            [[e["datum"], e["betrag"], e.get("auftraggeber"), e.get("verwendungszweck"),
              e.get("vorschlaege")] for e in summary.to_confirm],
            heading="Zahlungen zu bestätigen: im Blatt Zahlungsabgleich in „Zuordnen“ "
                    "Rechnungsnr, Kundennr oder „ignorieren“ eintragen"))
    clients = {s.invoice["kundennr"]: s.client for s in summary.invoices}
    credits = allocation.credits_at(summary.stichtag)
    if credits:
        blocks.append(ReportBlock(
            [ReportColumn("Kundennr", TEXT, 11), ReportColumn("Kunde", TEXT, 26),
             ReportColumn("Guthaben", MONEY, 13)],
            [[number, display_name(clients.get(number)), amount]
             for number, amount in sorted(credits.items())],
            heading="Guthaben aus Überzahlungen: wird mit der nächsten Rechnung verrechnet "
                    "oder erstattet"))
    unassigned = [p for p in allocation.unassigned if p["datum"] <= summary.stichtag]
    if unassigned:
        blocks.append(ReportBlock(
            [ReportColumn("Zeile", LINK, 10), ReportColumn("Datum", DATE, 12),
             ReportColumn("Betrag", MONEY, 13), ReportColumn("Auftraggeber", TEXT, 24),
             ReportColumn("IBAN", TEXT, 27), ReportColumn("Verwendungszweck", TEXT, 40)],
            [[f"Zahlungen {p.row}", p["datum"], p["betrag"], p["auftraggeber"], p["iban"],
              p["verwendungszweck"]] for p in unassigned],
            heading="Zahlungen ohne Kunde: bitte in Zahlungen Kundennr oder Rechnungsnr "
                    "eintragen",
            links={(index, 0): sheet_link(p) for index, p in enumerate(unassigned)}))
    return blocks
