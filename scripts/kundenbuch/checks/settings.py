"""Own business data and the base-rate table."""
from __future__ import annotations

from datetime import date

from ..book import schema
from ..rules.receivables import FALLBACK_INTERVAL_DAYS, FALLBACK_REMINDER_DAYS
from ..rules.workdays import parse_local_holidays
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


@check
def long_payment_term_setting(book, stichtag):
    """§ 271a BGB: more than 60 days between businesses only when expressly agreed;
    warned at the setting as soon as it is set, not only on computed invoices."""
    days = book.settings.get("zahlungsziel_tage")
    if days is not None and days > 60 and any(c["kundenart"] == "Gewerbe"
                                              for c in book.kunden):
        yield Finding(WARNUNG, SHEET, _where(book, "zahlungsziel_tage"), f"Zahlungsziel "
                      f"{days} Tage: mit Gewerbekunden gilt ein Zahlungsziel über 60 Tage nur, "
                      "wenn es ausdrücklich vereinbart ist (§ 271a BGB).")


@check
def local_holiday_setting(book, stichtag):
    """Feiertage zusätzlich: day.month entries; Bavaria's 15.08. is local (README)."""
    text = book.settings.get("feiertage_zusaetzlich")
    _, bad = parse_local_holidays(text)
    for part in bad:
        yield Finding(FEHLER, SHEET, _where(book, "feiertage_zusaetzlich"), "Einstellung "
                      f"Feiertage zusätzlich: „{part}“ ist kein Tag.Monat; bitte z. B. "
                      "„15.08.; 08.08.“ eintragen. Bis dahin zählt dieser Eintrag nicht.")
    if book.settings.get("bundesland") == "BY" and not text:
        yield Finding(HINWEIS, SHEET, _where(book, "bundesland"), "Bayern: Mariä "
                      "Himmelfahrt (15.08.) ist nur in Gemeinden mit überwiegend katholischer "
                      "Bevölkerung Feiertag, das Friedensfest (08.08.) nur in Augsburg. "
                      "kundenbuch zählt sie nur, wenn die Einstellung „Feiertage zusätzlich“ "
                      "sie nennt (z. B. 15.08.); das verschiebt Fälligkeiten und "
                      "Steuertermine.")


@check
def missing_bundesland(book, stichtag):
    """An empty Bundesland: only the nationwide holidays move due dates and tax dates."""
    if "bundesland" in book.settings.cells and not book.settings.get("bundesland"):
        yield Finding(WARNUNG, SHEET, _where(book, "bundesland"), "Bundesland fehlt: "
                      "Fälligkeiten und Steuertermine verschieben sich dann nur an "
                      "bundesweiten Feiertagen. Bitte Kürzel oder Namen eintragen, z. B. NW "
                      "oder Nordrhein-Westfalen.")


@check
def tier_day_counts(book, stichtag):
    """Erinnerung nach Tagen and Mahnabstand Tage: a day count, not negative."""
    if not _has(book, schema.STUFEN_TABELLE):
        return
    for tier in book.stufen:
        for field, label, fallback in (
                ("erinnerung_nach_tagen", "Erinnerung nach Tagen", FALLBACK_REMINDER_DAYS),
                ("mahnabstand_tage", "Mahnabstand Tage", FALLBACK_INTERVAL_DAYS),
                ("nachfassen_nach_tagen", "Nachfassen nach Tagen", "keine")):
            days = tier.get(field)
            if days is not None and not 0 <= days <= 365:
                yield Finding(FEHLER, tier.sheet, tier.cell(field), f"{label} von Stufe "
                              f"{tier['stufe']}: {days} geht nicht; erlaubt sind 0 bis 365 "
                              f"Tage. Bis dahin gelten {fallback} Tage.")


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
