"""The owned sheet Prüfbericht: one row per finding, linked to its cell."""
from __future__ import annotations

from datetime import date

from ..book import schema
from ..checks.findings import Finding
from .german import severity_counts
from .sheet import LINK, TEXT, ReportBlock, ReportColumn, ReportSheet


def link_target(finding: Finding) -> str | None:
    """Internal hyperlink target: 'Sheet name'!C14 (quotes for names with spaces)."""
    if not finding.sheet:
        return None
    cell = (finding.cell or "A1").split(":")[0]
    name = finding.sheet.replace("'", "''")
    return f"'{name}'!{cell}"


def report_sheet(findings: list[Finding], stichtag: date) -> ReportSheet:
    summary = severity_counts(findings)
    rows, links = [], {}
    for index, finding in enumerate(findings):
        rows.append([finding.severity, finding.address or "Arbeitsmappe", finding.message,
                     finding.rule])
        target = link_target(finding)
        if target:
            links[(index, 1)] = target
    block = ReportBlock([ReportColumn("Schwere", TEXT, 10), ReportColumn("Zelle", LINK, 22),
                         ReportColumn("Meldung", TEXT, 90), ReportColumn("Regel", TEXT, 26)],
                        rows, links=links)
    return ReportSheet(
        schema.PRUEFBERICHT, [block],
        title=[f"Prüfbericht – Stichtag {stichtag:%d.%m.%Y}",
               f"{summary}. Ein Klick auf die Zelle springt zur Fundstelle. Dieses Blatt "
               "schreibt kundenbuch bei jeder Prüfung neu."])
