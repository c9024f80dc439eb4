"""The book as pandas DataFrames, for Jupyter or Excel's own Python.

    from kundenbuch import analyse
    rechnungen = analyse.rechnungen("kundenbuch.xlsx")
    rechnungen.groupby("Stufe")["Offen"].sum()

Columns carry the book's German headers, plus what kundenbuch computes at the Stichtag
(the same figures as the month-end: status, open amount, interest, aging bucket, tier,
phase). Money is a float in euros, dates are pandas timestamps. Needs pandas
(pip install -e ".[analyse]"); the commands never import this module.

stichtag: a date; None = the book's rule (the setting Stichtag, else in the first ten
days of a month the end of the month before, else today).
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal

try:
    import pandas as pd
except ImportError as exc:          # a clear word instead of a bare ImportError
    raise ImportError("kundenbuch.analyse braucht pandas: pip install -e \".[analyse]\" "
                      "(oder pip install pandas)") from exc

from .book import schema
from .book.reader import read_book
from .rules.receivables import BUCKETS
from .runs.receivables import summarize
from .runs.stichtag import choose
from .rules.tiers import YEAR, is_revenue
from .runs.tiers import analyse_book

__all__ = ["kunden", "rechnungen", "zahlungen", "termine", "altersstruktur", "umsatz",
           "zahlungsdauer", "empfehlungen"]


def _value(value):
    return float(value) if isinstance(value, Decimal) else value


def _frame(spec, records, extra=None) -> pd.DataFrame:
    """One row per record under the spec's headers (and extra computed columns); date
    columns as timestamps."""
    rows = []
    for index, record in enumerate(records):
        row = {column.header: _value(record[column.field]) for column in spec.columns}
        if extra is not None:
            row.update({k: _value(v) for k, v in extra[index].items()})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[c.header for c in spec.columns]
                         + (list(extra[0]) if extra else []))
    for column in spec.columns:
        if column.kind == schema.DATE:
            frame[column.header] = pd.to_datetime(frame[column.header])
    return frame


def _book_and_day(pfad, stichtag):
    book = read_book(pfad)
    return book, choose(stichtag, book.settings, date.today()).day


def kunden(pfad, stichtag: date | None = None) -> pd.DataFrame:
    """Kunden as in the book, plus "Stufe (Vorschlag)", "Umsatz 12 Monate" and "Offener
    Betrag" at the Stichtag, "Phase (Vorschlag)" and its "Phase Grund"."""
    return _clients(*_book_and_day(pfad, stichtag))


def _clients(book, day) -> pd.DataFrame:
    summary = summarize(book, day)
    analysis = analyse_book(book, day, summary)
    tiers = {t.number: t for t in analysis.clients}
    phases = {p.number: p for p in analysis.phases}
    clients = [c for c in book.kunden if c["kundennr"]]
    extra = [{"Stufe (Vorschlag)": tiers[c["kundennr"]].proposed,
              "Phase (Vorschlag)": phases[c["kundennr"]].proposed,
              "Phase Grund": phases[c["kundennr"]].reason} for c in clients]
    frame = _frame(schema.KUNDEN, clients, extra)
    frame["Umsatz 12 Monate"] = [float(tiers[c["kundennr"]].revenue) for c in clients]
    frame["Offener Betrag"] = [float(summary.open_by_client.get(c["kundennr"], 0))
                               for c in clients]
    return frame


def rechnungen(pfad, stichtag: date | None = None) -> pd.DataFrame:
    """Rechnungen as in the book, with Brutto, Status, Offen, Tage überfällig,
    Mahnstufe, Verzugszinsen computed at the Stichtag, plus "Fällig" (the due date in
    force), "Altersklasse" and the client's "Stufe"."""
    return _invoices(*_book_and_day(pfad, stichtag))


def _invoices(book, day) -> pd.DataFrame:
    summary = summarize(book, day)
    states = {(s.invoice.sheet, s.invoice.row): s for s in summary.invoices}
    records, picked, extra = [], [], []
    for invoice in book.rechnungen:
        state = states.get((invoice.sheet, invoice.row))
        if state is None:
            continue
        records.append(invoice)
        picked.append(state)
        extra.append({"Fällig": pd.Timestamp(state.effective_due) if state.effective_due
                      else pd.NaT, "Altersklasse": state.bucket,
                      # the tier the receivables use (as Offene Posten shows it)
                      "Stufe Kunde": state.tier or "ohne"})
    frame = _frame(schema.RECHNUNGEN, records, extra)
    for header, value in (("Brutto", "gross"), ("Status", "status"), ("Offen", "open"),
                          ("Tage überfällig", "days_overdue"), ("Mahnstufe", "level_sent"),
                          ("Verzugszinsen", "interest")):
        frame[header] = [_value(getattr(state, value)) for state in picked]
    return frame.rename(columns={"Stufe Kunde": "Stufe"})


def zahlungen(pfad) -> pd.DataFrame:
    """Zahlungen as in the book, "Zugeordnet" as the law applies them (§§ 366, 367
    BGB); an empty frame for a book without the table."""
    book = read_book(pfad)
    if book.zahlungen is None:
        return _frame(schema.ZAHLUNGEN, [])
    from .rules.payments import allocation_of
    notes = allocation_of(book).notes
    frame = _frame(schema.ZAHLUNGEN, book.zahlungen)
    frame["Zugeordnet"] = [notes.get(p.row, p["zugeordnet"]) for p in book.zahlungen]
    return frame


def termine(pfad) -> pd.DataFrame:
    """Termine as in the book."""
    return _frame(schema.TERMINE, read_book(pfad).termine)


def altersstruktur(pfad, stichtag: date | None = None) -> pd.DataFrame:
    """Open amounts by tier (rows) and aging bucket (columns), as Offene Posten."""
    frame = rechnungen(pfad, stichtag)
    frame = frame[frame["Offen"] > 0]
    table = frame.pivot_table(index="Stufe", columns="Altersklasse", values="Offen",
                              aggfunc="sum", fill_value=0.0)
    return table.reindex(columns=[b for b in BUCKETS], fill_value=0.0).round(2)


def umsatz(pfad, stichtag: date | None = None, nach: str = "Monat") -> pd.Series:
    """Net revenue of the 12 months before the Stichtag (as the tiers count it:
    rules/tiers.is_revenue), by "Monat", "Kunde", "Quelle" or "Stufe"."""
    if nach not in ("Monat", "Kunde", "Quelle", "Stufe"):
        raise ValueError(f"nach={nach!r}: möglich sind Monat, Kunde, Quelle, Stufe")
    book, day = _book_and_day(pfad, stichtag)
    since = day - YEAR
    of_client = {}
    if nach == "Quelle":
        of_client = {c["kundennr"]: c["quelle"] for c in book.kunden}
    elif nach == "Stufe":
        of_client = {t.number: t.proposed for t in analyse_book(book, day).clients}

    def key(invoice):
        if nach == "Monat":
            return f"{invoice['rechnungsdatum']:%Y-%m}"
        if nach == "Kunde":
            return invoice["kundennr"]
        return of_client.get(invoice["kundennr"]) or "unbekannt"
    totals = {}
    for invoice in book.rechnungen:
        if is_revenue(invoice, day) and invoice["rechnungsdatum"] > since:
            group = key(invoice)
            totals[group] = totals.get(group, 0) + invoice["netto"]
    return pd.Series({k: round(float(v), 2) for k, v in sorted(totals.items())},
                     name="Umsatz netto", dtype=float).rename_axis(nach)


def zahlungsdauer(pfad, stichtag: date | None = None) -> pd.DataFrame:
    """Days from invoice to (last) payment per client, for the paid invoices: number,
    mean and median."""
    frame = rechnungen(pfad, stichtag)
    paid = frame[frame["Status"].isin(["bezahlt", "Verzugsschaden"])
                 & frame["Bezahlt am"].notna()].copy()
    paid["Tage bis Zahlung"] = (paid["Bezahlt am"] - paid["Rechnungsdatum"]).dt.days
    return paid.groupby("Kundennr")["Tage bis Zahlung"].agg(
        Rechnungen="count", Durchschnitt="mean", Median="median").round(1)


def empfehlungen(pfad, stichtag: date | None = None) -> pd.DataFrame:
    """Who referred whom: per referrer the clients and the revenue they brought (12
    months before the Stichtag and up to it)."""
    book, day = _book_and_day(pfad, stichtag)
    analysis = analyse_book(book, day)
    return pd.DataFrame([{"Kundennr": r.client["kundennr"],
                          "Kunden": len(r.referred),
                          "Empfohlene Kunden": ", ".join(c["kundennr"] for c in r.referred),
                          "Umsatz 12 Monate": float(r.revenue),
                          "Umsatz gesamt": float(r.revenue_total)}
                         for r in analysis.referrals],
                        columns=["Kundennr", "Kunden", "Empfohlene Kunden",
                                 "Umsatz 12 Monate", "Umsatz gesamt"])
