"""The owned sheet Terminübersicht: what is coming up, deadlines, callbacks, trips."""
from __future__ import annotations

from datetime import datetime

from ..book import schema
from ..book.records import display_name, sheet_link
from ..rules.schedule import Overview
from .sheet import (DATE, INT, NUMBER, TEXT, ChartSpec, ReportBlock, ReportColumn,
                    ReportSheet)


def _appointment_block(items, heading, names) -> ReportBlock:
    rows, links = [], {}
    for index, item in enumerate(items):
        rows.append([item["datum"], _time(item["beginn"]), _time(item["ende"]), item["art"],
                     names.get(item["kundennr"], item["kundennr"] or ""), item["betreff"],
                     item["ort"]])
        links[(index, 0)] = sheet_link(item)
    return ReportBlock([ReportColumn("Datum", DATE, 12), ReportColumn("Beginn", TEXT, 8),
                        ReportColumn("Ende", TEXT, 8), ReportColumn("Art", TEXT, 12),
                        ReportColumn("Kunde", TEXT, 26), ReportColumn("Betreff", TEXT, 36),
                        ReportColumn("Ort", TEXT, 16)],
                       rows, heading=heading, links=links)


def _time(value) -> str:
    return f"{value:%H:%M}" if value else ""


def _follow_up_block(items, names, stichtag) -> ReportBlock:
    rows, links = [], {}
    for index, item in enumerate(items):
        rows.append([item.day, names.get(item.client, item.client or ""), item.what,
                     "überfällig" if item.overdue(stichtag) else ""])
        links[(index, 0)] = sheet_link(item.record)
    return ReportBlock([ReportColumn("fällig", DATE, 12), ReportColumn("Kunde", TEXT, 26),
                        ReportColumn("Wiedervorlage", TEXT, 50),
                        ReportColumn("Stand", TEXT, 11)],
                       rows, heading="Wiedervorlagen", links=links)


def report(view: Overview, clients, annual_checks, now: datetime, version: str,
           days: int, follow_ups=()) -> ReportSheet:
    names = {c["kundennr"]: f"{c['kundennr']} {display_name(c)}" for c in clients}
    follow = _follow_up_block(follow_ups, names, view.stichtag)
    upcoming = _appointment_block(view.upcoming, f"Die nächsten {days} Tage", names)
    overdue = _appointment_block(view.overdue_deadlines, "Verstrichene offene Lieferfristen",
                                 names)
    callbacks = _appointment_block(view.open_callbacks, "Offene Rückrufe", names)
    checks = ReportBlock([ReportColumn("Kunde", TEXT, 26), ReportColumn("Stufe", TEXT, 7),
                          ReportColumn("Stand", TEXT, 12), ReportColumn("fällig", DATE, 12)],
                         [[names.get(p.client["kundennr"], ""), p.tier, p.state, p.due]
                          for p in annual_checks],
                         heading="Versprochene Jahreschecks fällig")
    tax = ReportBlock([ReportColumn("Datum", DATE, 12), ReportColumn("Steuertermin", TEXT, 30),
                       ReportColumn("Hinweis", TEXT, 50)],
                      [[d.day, d.title, d.note] for d in view.tax],
                      heading="Steuertermine der nächsten 60 Tage")
    months = ReportBlock([ReportColumn("Monat", TEXT, 10), ReportColumn("Fahrten", INT, 9),
                          ReportColumn("Km", NUMBER, 10)],
                         [list(row) for row in view.km_by_month],
                         heading="Fahrtenbuch je Monat", reserve_rows=16)
    by_client = ReportBlock([ReportColumn("Kunde", TEXT, 26), ReportColumn("Fahrten", INT, 9),
                             ReportColumn("Km", NUMBER, 10)],
                            [[names.get(c, c), n, km] for c, n, km in view.km_by_client],
                            heading="Fahrtenbuch je Kunde")
    blocks = [upcoming, overdue, callbacks, follow, checks, tax, months, by_client]
    charts = []
    trips = blocks.index(months)
    if view.km_by_month:
        charts.append(ChartSpec("Gefahrene Kilometer je Monat", block=trips,
                                category_column=0, value_columns=[2], anchor="E" + str(
                                    _block_row(blocks, trips)), y_title="Km"))
    return ReportSheet(schema.TERMINUEBERSICHT, blocks,
                       title=[f"Terminübersicht – Stichtag {view.stichtag:%d.%m.%Y}",
                              f"Stand {now:%d.%m.%Y %H:%M} · kundenbuch {version}"],
                       charts=charts)


def _block_row(blocks, index) -> int:
    """Header row of a block (for anchoring a chart beside it)."""
    sheet = ReportSheet("", blocks, title=["", ""])
    return sheet.layout()[index][0]
