"""Own business data and the base-rate table."""
from __future__ import annotations

from datetime import date

from ..book import schema
from . import check
from .clients import iban_problem
from .findings import FEHLER, HINWEIS, WARNUNG, Finding

SHEET = schema.EINSTELLUNGEN.sheet


def _where(book, field):
    return book.settings.cells.get(field, "")


def _has(book, spec) -> bool:
    """Rules about a table say nothing when the table is missing (reported once)."""
    return spec.table in book.locations


@check
def invoice_sender_data(book, stichtag):
    """§ 14 Abs. 4 UStG: name, address and tax number of the seller on every invoice."""
    if not _has(book, schema.EINSTELLUNGEN):
        return
    settings = book.settings
    severity = FEHLER if book.rechnungen else HINWEIS
    if not settings["firma"] and not settings["inhaber"]:
        yield Finding(severity, SHEET, _where(book, "firma"), "Firma oder Inhaber fehlt "
                      "(Pflichtangabe auf Rechnungen, § 14 Abs. 4 UStG).")
    for field, label in (("strasse", "Straße"), ("plz", "PLZ"), ("ort", "Ort")):
        if not settings[field]:
            yield Finding(severity, SHEET, _where(book, field), f"{label} der eigenen "
                          "Anschrift fehlt (Pflichtangabe auf Rechnungen).")
    if not settings["steuernummer"] and not settings["ustid"]:
        yield Finding(severity, SHEET, _where(book, "steuernummer"), "Steuernummer oder "
                      "USt-IdNr fehlt (Pflichtangabe auf Rechnungen, § 14 Abs. 4 UStG).")


@check
def own_bank_account(book, stichtag):
    if not _has(book, schema.EINSTELLUNGEN):
        return
    iban = book.settings["iban"]
    if iban:
        problem = iban_problem(iban)
        if problem:
            yield Finding(FEHLER, SHEET, _where(book, "iban"), "Eigene " + problem)
    elif book.rechnungen:
        yield Finding(WARNUNG, SHEET, _where(book, "iban"), "Eigene IBAN fehlt; Rechnungen "
                      "und Mahnungen brauchen eine Bankverbindung.")


@check
def retired_settings(book, stichtag):
    """Verzugsbeginn (Fälligkeit/Erinnerung) went: § 286 BGB decides, with the facts the
    new settings give."""
    if schema.header_key("Verzugsbeginn") in book.settings.cells:
        yield Finding(HINWEIS, SHEET, _where(book, schema.header_key("Verzugsbeginn")),
                      "Die Einstellung „Verzugsbeginn“ gibt es nicht mehr; die Zeile kann "
                      "weg. Der Verzug beginnt jetzt nach § 286 BGB am frühesten von: dem "
                      "Tag nach einem vereinbarten Zahlungsziel (Einstellung „Zahlungsziel "
                      "vereinbart“, je Rechnung die Spalte gleichen Namens), dem Tag nach "
                      "Zugang einer Mahnung (Einstellung „Zugang nach Tagen“) und, bei "
                      "Geschäftskunden oder mit Hinweis auf der Rechnung (Spalte "
                      "„Verzugshinweis“), 30 Tage nach Fälligkeit und Zugang der Rechnung.")


def half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


@check
def base_rate_current(book, stichtag):
    if not _has(book, schema.BASISZINS):
        return
    rates = book.base_rates
    wanted = half_year_start(stichtag)
    table = book.package.table(schema.BASISZINS.table)
    where = table.ref.split(":")[0] if table else ""
    if not rates:
        yield Finding(WARNUNG, SHEET, where, "Die Tabelle Basiszins ist leer; ohne "
                      "Basiszinssatz können keine Verzugszinsen berechnet werden.")
    elif rates[-1].valid_from < wanted:
        yield Finding(WARNUNG, SHEET, where, f"Der Basiszinssatz ab {wanted:%d.%m.%Y} fehlt "
                      "in der Tabelle Basiszins (neuester Eintrag: "
                      f"{rates[-1].valid_from:%d.%m.%Y}). Bitte den Wert der Bundesbank "
                      "nachtragen.")


@check
def tier_thresholds(book, stichtag):
    if not _has(book, schema.STUFEN_TABELLE):
        return
    shares = [(t["stufe"], t["umsatzanteil_bis"], t) for t in book.stufen if t["stufe"]]
    present = {name for name, _, _ in shares}
    for missing in sorted(set(schema.STUFEN) - present):
        yield Finding(FEHLER, schema.STUFEN_TABELLE.sheet, "", f"Stufe {missing} fehlt in "
                      "der Tabelle Stufen.")
    ordered = sorted((s for s in shares if s[1] is not None), key=lambda s: s[0])
    for (_, low, _), (name, high, record) in zip(ordered, ordered[1:]):
        if high < low:
            yield Finding(FEHLER, record.sheet, record.cell("umsatzanteil_bis"),
                          f"Umsatzanteil bis von Stufe {name} muss größer sein als bei der "
                          "Stufe davor.")
    for name, share, record in ordered:
        if not 0 < share <= 1:
            yield Finding(FEHLER, record.sheet, record.cell("umsatzanteil_bis"),
                          f"Umsatzanteil bis von Stufe {name} muss zwischen 0 % und 100 % "
                          "liegen.")
