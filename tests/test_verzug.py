"""When default begins (§ 286 BGB): the earliest of an agreed due date, the receipt of a
reminder, and 30 days after due date and receipt of the invoice. Worked examples in
2026 (NW): 1.9. is a Tuesday, 15.9. a Tuesday, 4.10. a Sunday, 15.10. a Thursday."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import openpyxl

from kundenbuch.book.records import BaseRate, Record
from kundenbuch.book.schema import BASISZINS_HISTORIE, STUFEN_DEFAULTS
from kundenbuch.rules.receivables import Terms, default_begins, invoice_state

RATES = [BaseRate(date.fromisoformat(day), Decimal(str(p))) for day, p in BASISZINS_HISTORIE]
TIERS = [Record("Stufen", i + 2, dict(row), {}) for i, row in enumerate(STUFEN_DEFAULTS)]
TERMS = Terms(bundesland="NW", zahlungsziel_tage=14)
STICHTAG = date(2026, 12, 31)


def client(kind):
    return Record("Kunden", 2, {"kundennr": "K-1", "kundenart": kind}, {})


def invoice(**values):
    base = {"rechnungsnr": "R-1", "kundennr": "K-1", "rechnungsdatum": date(2026, 9, 1),
            "netto": Decimal("1000.00"), "ust_satz": 0, "faellig_am": date(2026, 9, 15)}
    return Record("Rechnungen", 2, {**base, **values}, {})


def state(inv, kind, terms=TERMS, first_reminder=None, document_made=False):
    return invoice_state(inv, client(kind), TIERS, RATES, terms, STICHTAG, first_reminder,
                         document_made)


def test_an_agreed_due_date_puts_the_debtor_in_default_the_day_after():
    by_column = state(invoice(zahlungsziel_vereinbart="ja"), "Privat")
    assert by_column.default.since == date(2026, 9, 16)
    assert "§ 286 Abs. 2 Nr. 1" in by_column.default.reason
    assert by_column.periods[0].first_day == date(2026, 9, 16)
    by_setting = state(invoice(), "Privat", Terms(due_date_agreed=True))
    assert by_setting.default.since == date(2026, 9, 16)
    # The column says it for one invoice, against the setting.
    not_this_one = state(invoice(zahlungsziel_vereinbart="nein"), "Privat",
                         Terms(due_date_agreed=True))
    assert not_this_one.default is None


def test_a_due_date_only_the_invoice_states_starts_no_default_for_a_consumer():
    unreminded = state(invoice(), "Privat")
    assert unreminded.default is None
    assert unreminded.interest == 0 and unreminded.flat_fee == 0
    assert unreminded.days_overdue > 0           # overdue, but not in default


def test_a_reminder_puts_in_default_the_day_after_its_receipt():
    # Letter of Thursday 1.10.; received 3 days later, a Sunday: on Monday 5.10. (§ 193)
    typed = state(invoice(mahnstufe=1, gemahnt_am=date(2026, 10, 1)), "Privat")
    assert typed.default.since == date(2026, 10, 6)
    assert "zugegangen am 05.10.2026" in typed.default.reason
    from_protocol = state(invoice(), "Privat", first_reminder=date(2026, 10, 1))
    assert from_protocol.default.since == date(2026, 10, 6)
    slower_post = state(invoice(), "Privat", Terms(receipt_days=6),
                        first_reminder=date(2026, 10, 1))
    assert slower_post.default.since == date(2026, 10, 8)


def test_a_reminder_before_the_due_date_puts_nobody_in_default():
    early = state(invoice(mahnstufe=1, gemahnt_am=date(2026, 9, 10)), "Privat")
    assert early.default is None


def test_thirty_days_after_due_date_and_receipt_for_business_clients():
    # Due 15.9., the invoice received 4.9.: 30 days end on Thursday 15.10.
    business = state(invoice(), "Gewerbe")
    assert business.default.since == date(2026, 10, 16)
    assert "§ 286 Abs. 3" in business.default.reason
    assert business.flat_fee == Decimal("40.00")
    # Due before the invoice arrived: the 30 days count from receipt (4.9.) and end on
    # Sunday 4.10., moved to Monday.
    early_due = state(invoice(faellig_am=date(2026, 9, 2)), "Gewerbe")
    assert early_due.default.since == date(2026, 10, 6)


def test_thirty_days_for_consumers_only_where_the_invoice_said_so():
    assert state(invoice(), "Privat").default is None
    made_by_kundenbuch = state(invoice(), "Privat", document_made=True)
    assert made_by_kundenbuch.default.since == date(2026, 10, 16)
    told_elsewhere = state(invoice(verzugshinweis="ja"), "Privat")
    assert told_elsewhere.default.since == date(2026, 10, 16)
    not_told = state(invoice(verzugshinweis="nein"), "Privat", document_made=True)
    assert not_told.default is None


def test_the_earliest_rule_decides():
    agreed_business = state(invoice(zahlungsziel_vereinbart="ja"), "Gewerbe")
    assert agreed_business.default.since == date(2026, 9, 16)
    # A reminder of Sunday 20.9., received Wednesday 23.9., is earlier than the 30 days.
    reminded_business = state(invoice(), "Gewerbe", first_reminder=date(2026, 9, 20))
    assert reminded_business.default.since == date(2026, 9, 24)
    assert "Mahnung vom 20.09.2026" in reminded_business.default.reason


def test_no_due_date_no_default():
    assert default_begins(invoice(), None, TERMS, business=True) is None


# --- on a real workbook ------------------------------------------------------------------

def _offene_posten(path) -> list[dict]:
    sheet = openpyxl.load_workbook(path, data_only=True)["Offene Posten"]
    rows = list(sheet.iter_rows(values_only=True))
    top = next(i for i, row in enumerate(rows) if row and "Verzug seit" in row)
    header = rows[top]
    return [dict(zip(header, row)) for row in rows[top + 1:] if row and row[3]]


def test_offene_posten_shows_since_when_and_why_each_invoice_is_in_default(cli, make_book):
    kunden = [{"kundennr": "K-1", "nachname": "Privat", "kundenart": "Privat",
               "kunde_seit": date(2026, 1, 1)},
              {"kundennr": "K-2", "firma": "Gewerbe GmbH", "kundenart": "Gewerbe",
               "kunde_seit": date(2026, 1, 1)}]
    common = {"rechnungsdatum": date(2026, 9, 1), "leistung": "Beratung",
              "netto": 1000, "ust_satz": 19, "faellig_am": date(2026, 9, 15)}
    rechnungen = [
        {"rechnungsnr": "2026-0001", "kundennr": "K-1", **common},
        {"rechnungsnr": "2026-0002", "kundennr": "K-1", "mahnstufe": 1,
         "gemahnt_am": date(2026, 10, 1), **common},
        {"rechnungsnr": "2026-0003", "kundennr": "K-2", **common}]
    path = make_book(kunden=kunden, rechnungen=rechnungen)
    result = cli("forderungen", path, "--stichtag", "2026-12-31")
    assert result.exit_code in (0, 1), result.output
    rows = {row["Rechnungsnr"]: row for row in _offene_posten(path)}
    assert rows["2026-0001"]["Verzug seit"] is None
    assert rows["2026-0001"]["Verzugszinsen"] in (0, None)
    assert rows["2026-0002"]["Verzug seit"].date() == date(2026, 10, 6)
    assert "§ 286 Abs. 1" in rows["2026-0002"]["Verzug, weil"]
    assert rows["2026-0003"]["Verzug seit"].date() == date(2026, 10, 16)
    assert "§ 286 Abs. 3" in rows["2026-0003"]["Verzug, weil"]


def test_a_typed_reminder_still_counts_after_kundenbuchs_next_letter(cli, make_book):
    kunden = [{"kundennr": "K-1", "anrede": "Frau", "vorname": "Ida", "nachname": "Privat",
               "kundenart": "Privat", "strasse": "Weg 1", "plz": "50667", "ort": "Köln",
               "kunde_seit": date(2026, 1, 1)}]
    rechnungen = [{"rechnungsnr": "2026-0001", "kundennr": "K-1",
                   "rechnungsdatum": date(2026, 9, 1), "leistungsdatum": date(2026, 9, 1),
                   "leistung": "Beratung", "netto": 1000, "ust_satz": 19,
                   "faellig_am": date(2026, 9, 15), "mahnstufe": 1,
                   "gemahnt_am": date(2026, 10, 1)}]
    path = make_book(kunden=kunden, rechnungen=rechnungen)
    result = cli("monatsabschluss", path, "--stichtag", "2026-10-31")
    assert result.exit_code in (0, 1), result.output
    assert list((path.parent / "briefe").rglob("*1.Mahnung*"))   # Gemahnt am is now 31.10.
    cli("forderungen", path, "--stichtag", "2026-11-30")
    row = next(r for r in _offene_posten(path) if r["Rechnungsnr"] == "2026-0001")
    assert row["Verzug seit"].date() == date(2026, 10, 6)


def test_a_book_with_the_old_setting_verzugsbeginn_gets_a_hint(cli, make_book):
    path = make_book()
    book = openpyxl.load_workbook(path)
    sheet = book["Einstellungen"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "Vorschau Tage")
    row[0].value, row[1].value = "Verzugsbeginn", "Fälligkeit"
    book.save(path)
    result = cli("pruefen", path, "--stichtag", "2026-12-31", "--json")
    hint = next(f for f in json.loads(result.output) if "Verzugsbeginn" in f["meldung"])
    assert hint["schwere"] == "Hinweis" and hint["zelle"] == f"A{row[0].row}"
    assert "Zahlungsziel vereinbart" in hint["meldung"]


def _letter_text(path) -> str:
    from docx import Document
    document = Document(str(path))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def test_the_reminder_says_since_when_a_client_is_in_default_and_charges_nothing(cli,
                                                                                 make_book):
    """A business client is in default 30 days after due date and receipt (§ 286 Abs. 3):
    the Zahlungserinnerung of 31.10. says so for the invoice due 15.9.; the consumer,
    not in default before the reminder arrives, reads no such line."""
    kunden = [{"kundennr": "K-1", "anrede": "Frau", "vorname": "Ida", "nachname": "Privat",
               "kundenart": "Privat", "strasse": "Weg 1", "plz": "50667", "ort": "Köln",
               "kunde_seit": date(2026, 1, 1)},
              {"kundennr": "K-2", "anrede": "Firma", "firma": "Gewerbe GmbH",
               "kundenart": "Gewerbe", "strasse": "Weg 2", "plz": "50667", "ort": "Köln",
               "kunde_seit": date(2026, 1, 1)}]
    common = {"rechnungsdatum": date(2026, 9, 1), "leistungsdatum": date(2026, 9, 1),
              "leistung": "Beratung", "netto": 1000, "ust_satz": 19,
              "faellig_am": date(2026, 9, 15)}
    path = make_book(kunden=kunden, rechnungen=[
        {"rechnungsnr": "2026-0001", "kundennr": "K-1", **common},
        {"rechnungsnr": "2026-0002", "kundennr": "K-2", **common}])
    result = cli("briefe", path, "--stichtag", "2026-10-31", "--art", "mahnung")
    assert result.exit_code in (0, 1), result.output
    folder = path.parent / "briefe" / "2026-10"
    business = _letter_text(next(folder.glob("*Zahlungserinnerung_K-2_*.docx")))
    assert ("Rechnung 2026-0002: in Verzug seit 16. Oktober 2026 (30 Tage nach Fälligkeit"
            in business)
    assert "Zinsen und Kosten berechnen wir mit dieser Erinnerung nicht" in business
    consumer = _letter_text(next(folder.glob("*Zahlungserinnerung_K-1_*.docx")))
    assert "in Verzug seit" not in consumer
