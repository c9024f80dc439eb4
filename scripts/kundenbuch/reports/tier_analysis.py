"""The owned sheet Stufenanalyse: ABC analysis, service promises, customer journey."""
from __future__ import annotations

from datetime import datetime

from ..book import schema
from ..book.records import display_name, sheet_link
from ..rules.tiers import TierAnalysis
from .sheet import (DATE, INT, LINK, MONEY, PERCENT, TEXT, ChartSpec, ReportBlock,
                    ReportColumn, ReportSheet)

PARETO_CLIENTS = 30          # the chart shows the biggest clients


def report(analysis: TierAnalysis, now: datetime, version: str,
           letters_made: dict | None = None) -> ReportSheet:
    """letters_made: (letter kind, Kundennr) -> letter date, for the letters the same run
    made (a month-end): the sheet then shows them as made, not as still due."""
    made = letters_made or {}
    rows, links = [], {}
    for index, tier in enumerate(analysis.clients):
        rows.append([tier.number, display_name(tier.client), tier.revenue, tier.share,
                     tier.cumulative, tier.computed, tier.in_force, tier.proposed,
                     tier.change, "; ".join(tier.reasons)])
        links[(index, 0)] = sheet_link(tier.client)
    abc = ReportBlock([
        ReportColumn("Kundennr", LINK, 11), ReportColumn("Kunde", TEXT, 26),
        ReportColumn("Umsatz 12 Monate", MONEY, 15), ReportColumn("Anteil", PERCENT, 9),
        ReportColumn("kumuliert", PERCENT, 10), ReportColumn("berechnet", TEXT, 10),
        ReportColumn("gültig", TEXT, 8), ReportColumn("Vorschlag", TEXT, 10),
        ReportColumn("Änderung", TEXT, 10), ReportColumn("Grund", TEXT, 50)],
        rows, heading="ABC-Analyse (Nettoumsatz der 12 Monate vor dem Stichtag)",
        links=links, reserve_rows=18)
    promises = ReportBlock([
        ReportColumn("Kundennr", TEXT, 11), ReportColumn("Kunde", TEXT, 26),
        ReportColumn("Stufe", TEXT, 7), ReportColumn("Versprechen", TEXT, 12),
        ReportColumn("Stand", TEXT, 12), ReportColumn("fällig", DATE, 12),
        ReportColumn("Einladung", DATE, 12), ReportColumn("Einzelheiten", TEXT, 50)],
        [[p.client["kundennr"], display_name(p.client), p.tier, p.what, p.state, p.due,
          made.get((p.what, p.client["kundennr"])), p.detail] for p in analysis.promises],
        heading="Serviceversprechen: offen oder bald fällig")
    journey = analysis.journey
    phases = ReportBlock([ReportColumn("Phase", TEXT, 16), ReportColumn("Kunden", INT, 9),
                          ReportColumn("davon ruhend", INT, 12)],
                         [[phase, count, sum(1 for d in analysis.dormant if d.phase == phase)]
                          for phase, count in analysis.per_phase.items()],
                         heading="Kundenreise: Kunden je Phase")
    changes = [p for p in analysis.phases if p.change]
    proposals = ReportBlock([ReportColumn("Kundennr", TEXT, 11), ReportColumn("Kunde", TEXT, 26),
                             ReportColumn("Phase", TEXT, 14), ReportColumn("Vorschlag", TEXT, 14),
                             ReportColumn("Grund", TEXT, 60)],
                            [[p.number, display_name(p.client), p.typed or "–", p.proposed,
                              p.reason] for p in changes],
                            heading="Phasenvorschläge aus Angeboten, Rechnungen und "
                                    "Zahlungen (übernommen mit --uebernehmen)")
    stale = ReportBlock([ReportColumn("Kundennr", TEXT, 11), ReportColumn("Kunde", TEXT, 26),
                         ReportColumn("Phase", TEXT, 14),
                         ReportColumn("letzte Aktivität", DATE, 14),
                         ReportColumn("Tage", INT, 8), ReportColumn("nächster Schritt", TEXT, 60)],
                        [[d.client["kundennr"], display_name(d.client), d.phase,
                          d.last_activity, d.days, d.next_step] for d in analysis.dormant],
                        heading="Ruhende Kontakte (Phase bewegt sich nicht)")
    thanks = ReportBlock([ReportColumn("Kundennr", TEXT, 11), ReportColumn("Kunde", TEXT, 26),
                          ReportColumn("Dankesbrief", TEXT, 22)],
                         [[c["kundennr"], display_name(c),
                           f"erstellt am {made[('Dank', c['kundennr'])]:%d.%m.%Y}"
                           if ("Dank", c["kundennr"]) in made else "fällig"]
                          for c in journey.thanks_due],
                         heading="Erste Rechnung bezahlt: Dankesbrief")
    sources = ReportBlock([ReportColumn("Quelle", TEXT, 14), ReportColumn("Kunden", INT, 9),
                           ReportColumn("Umsatz 12 Monate", MONEY, 15),
                           ReportColumn("je Kunde", MONEY, 12)],
                          [[source, count, revenue, revenue / count if count else 0]
                           for source, count, revenue in journey.sources],
                          heading="Woher die Kunden kommen")
    chart = ChartSpec("Pareto: Umsatz und kumulierter Anteil", block=0, category_column=0,
                      value_columns=[2], line_column=4, anchor="L3", y_title="Euro",
                      data_rows=PARETO_CLIENTS)
    monthly = ReportBlock([ReportColumn("Monat", TEXT, 11),
                           ReportColumn("Umsatz netto", MONEY, 15),
                           ReportColumn("Rechnungen", INT, 11)],
                          [list(row) for row in analysis.monthly],
                          heading="Umsatz je Monat (netto, Rechnungsdatum)",
                          reserve_rows=18)                # room for the chart beside it
    sheet = ReportSheet(schema.STUFENANALYSE,
                       [abc, monthly, promises, phases, proposals, stale, thanks, sources,
                        referral_block(analysis)],
                       title=[f"Stufenanalyse – Stichtag {analysis.stichtag:%d.%m.%Y}",
                              f"Stand {now:%d.%m.%Y %H:%M} · kundenbuch {version} · "
                              "Vorschläge; übernommen wird erst mit "
                              "„kundenbuch stufen --uebernehmen“"],
                       charts=[chart])
    sheet.charts.append(ChartSpec("Umsatz je Monat", block=1, category_column=0,
                                  value_columns=[1], anchor=f"E{sheet.layout()[1][0]}",
                                  y_title="Euro"))
    return sheet


def referral_block(analysis: TierAnalysis) -> ReportBlock:
    """Who referred whom: per referrer the clients they brought and their revenue."""
    rows = [[r.client["kundennr"], display_name(r.client), len(r.referred),
             ", ".join(f"{c['kundennr']} {display_name(c)}" for c in r.referred),
             r.revenue, r.revenue_total] for r in analysis.referrals]
    return ReportBlock([ReportColumn("Kundennr", TEXT, 11), ReportColumn("Empfohlen von", TEXT, 26),
                        ReportColumn("Kunden", INT, 9), ReportColumn("Empfohlene Kunden", TEXT, 50),
                        ReportColumn("Umsatz 12 Monate", MONEY, 15),
                        ReportColumn("Umsatz gesamt", MONEY, 15)],
                       rows, heading="Empfehlungen: wer wen gebracht hat")
