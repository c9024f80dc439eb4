"""Every payment a row (#21): payments of the Zahlungen table applied as the law says
(§§ 366, 367 BGB), interest following each payment, credits and returned debits; and
the book: what a run writes from them, what pruefen says."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl

from kundenbuch.book.reader import read_book
from kundenbuch.book.records import BaseRate, Record
from kundenbuch.book.schema import BASISZINS_HISTORIE, STUFEN_DEFAULTS
from kundenbuch.rules.payments import allocate
from kundenbuch.rules.receivables import Terms, compute

from conftest import sha256

RATES = [BaseRate(date.fromisoformat(day), Decimal(str(p))) for day, p in BASISZINS_HISTORIE]
TIERS = [Record("Stufen", i + 2, dict(row), {}) for i, row in enumerate(STUFEN_DEFAULTS)]
AGREED = Terms(due_date_agreed=True, mahngebuehr=Decimal("2.50"))
D = Decimal


def client(kind="Gewerbe", **values):
    base = {"kundennr": "K-1", "kundenart": kind, "iban": None, "zahlungsart": None,
            "stufe": "B", "stufe_fest": None, "mahnsperre": None, "mandatsreferenz": None,
            "mandat_vom": None}
    return Record("Kunden", 2, {**base, **values}, {})


def invoice(row, number, issued, net, due, **values):
    base = {"rechnungsnr": number, "kundennr": "K-1", "rechnungsdatum": issued,
            "netto": D(net), "ust_satz": 0, "faellig_am": due, "storniert": None,
            "mahnstufe": None, "gemahnt_am": None, "mahnsperre": None, "bezahlt_am": None,
            "bezahlt_betrag": None}
    return Record("Rechnungen", row, {**base, **values}, {})


def payment(row, day, amount, **values):
    base = {"datum": day, "betrag": D(amount), "kundennr": "K-1", "rechnungsnr": None,
            "art": "Überweisung", "iban": None}
    return Record("Zahlungen", row, {**base, **values}, {})


def receivables(invoices, payments, stichtag, kind="Gewerbe", terms=AGREED, **client_values):
    clients = [client(kind, **client_values)]
    allocation = allocate(payments, invoices, clients, terms, RATES)
    summary = compute(invoices, clients, TIERS, RATES, terms, stichtag,
                      allocation=allocation)
    return {s.number: s for s in summary.invoices}, allocation


def interest(principal, rate, days) -> Decimal:
    """Simple interest, actual days / 365 (fachregeln.md), unrounded."""
    return D(principal) * D(rate) / 100 * days / 365


def cents(value) -> Decimal:
    return value.quantize(D("0.01"))


# In default since 16.09.2026 (agreed due date 15.09.); base rate 1.27 % all along.
DUE = date(2026, 9, 15)


def test_each_partial_payment_lowers_the_principal_from_its_own_day():
    states, allocation = receivables(
        [invoice(2, "R-1", date(2026, 9, 1), "1000", DUE)],
        [payment(2, date(2026, 10, 1), "500", rechnungsnr="R-1"),
         payment(3, date(2026, 10, 20), "504.22", rechnungsnr="R-1")],
        date(2026, 10, 31), kind="Privat")
    # 1.10.: interest for 16.–30.9. (15 days at 6.27 % on 1,000 €) first, the rest
    # lowers the principal
    first = interest(1000, "6.27", 15)
    assert allocation.notes[2] == f"R-1: Zinsen {cents(first)} €, Betrag {500 - cents(first)} €".replace(".", ",")
    # 20.10.: the interest on what was left for 1.–19.10. and the rest of the principal
    left = 1000 - (500 - cents(first))
    second = cents(first + interest(left, "6.27", 19)) - cents(first)
    assert cents(second) + left == D("504.22")
    assert states["R-1"].status == "bezahlt" and states["R-1"].open == 0
    # typed as one sum on the last day, the whole 1,000 € would have owed interest
    # until 19.10.: the Zahlungen table asks less of the client
    assert cents(first) + cents(second) < cents(interest(1000, "6.27", 34))


def test_a_late_payment_pays_costs_and_interest_before_the_principal():
    """§ 367 BGB: 1,000 € paid on 15.10. by a business client in default since 16.09.
    pay the 40 € flat fee, the interest of 29 days, and only then the principal."""
    states, allocation = receivables(
        [invoice(2, "R-1", date(2026, 9, 1), "1000", DUE)],
        [payment(2, date(2026, 10, 15), "1000", rechnungsnr="R-1")], date(2026, 10, 31))
    owed_interest = cents(interest(1000, "10.27", 29))          # 8,16 €
    still_open = D("40.00") + owed_interest
    assert allocation.notes[2] == ("R-1: Kosten 40,00 €, Zinsen 8,16 €, Betrag 951,84 €")
    state = states["R-1"]
    assert state.open == still_open and state.status == "überfällig"
    assert state.flat_fee == 0                         # paid already, not asked twice
    assert state.interest == cents(interest(still_open, "10.27", 17))    # 15.–31.10.


def test_waived_damages_let_the_payment_pay_the_principal():
    states, allocation = receivables(
        [invoice(2, "R-1", date(2026, 9, 1), "1000", DUE, verzugsschaden_erlassen="ja")],
        [payment(2, date(2026, 10, 15), "1000", rechnungsnr="R-1")], date(2026, 10, 31))
    assert allocation.notes[2] == "R-1: 1.000,00 €"
    assert states["R-1"].status == "bezahlt"


def test_without_invoice_number_the_invoice_in_default_is_paid_before_an_older_one():
    """§ 366 Abs. 2 BGB: due ones first, among them the more burdensome (in default,
    interest runs) before the older; one not yet due comes last."""
    older = invoice(2, "R-1", date(2026, 8, 1), "300", date(2026, 8, 15),
                    zahlungsziel_vereinbart="nein", verzugshinweis="nein")
    in_default = invoice(3, "R-2", date(2026, 9, 1), "500", DUE,
                         verzugsschaden_erlassen="ja")
    not_due = invoice(4, "R-3", date(2026, 10, 1), "200", date(2026, 10, 31))
    states, allocation = receivables([older, in_default, not_due],
                                     [payment(2, date(2026, 10, 10), "600")],
                                     date(2026, 10, 10), kind="Privat")
    assert allocation.notes[2] == "R-2: 500,00 €; R-1: 100,00 €"
    assert [states[n].open for n in ("R-1", "R-2", "R-3")] == [D("200.00"), 0, D("200.00")]


def test_equal_invoices_share_a_payment_in_proportion():
    first = invoice(2, "R-1", date(2026, 10, 1), "300", date(2026, 10, 31))
    second = invoice(3, "R-2", date(2026, 10, 1), "100", date(2026, 10, 31))
    states, _ = receivables([first, second], [payment(2, date(2026, 10, 5), "200")],
                            date(2026, 10, 5))
    assert (states["R-1"].open, states["R-2"].open) == (D("150.00"), D("50.00"))


def test_an_overpayment_is_a_credit_that_pays_the_next_invoice():
    paid = invoice(2, "R-1", date(2026, 9, 1), "100", DUE)
    later = invoice(3, "R-2", date(2026, 10, 1), "50", date(2026, 10, 15))
    states, allocation = receivables(
        [paid, later], [payment(2, date(2026, 9, 10), "130", rechnungsnr="R-1")],
        date(2026, 9, 30))
    assert allocation.credits_at(date(2026, 9, 30)) == {"K-1": D("30.00")}
    assert "Guthaben 30,00 €" in allocation.notes[2]
    states, allocation = receivables(
        [paid, later], [payment(2, date(2026, 9, 10), "130", rechnungsnr="R-1")],
        date(2026, 10, 31))
    assert states["R-2"].open == D("20.00")              # paid by the credit on 1.10.
    assert "davon 30,00 € verrechnet mit R-2" in allocation.notes[2]
    assert allocation.credits_at(date(2026, 10, 31)) == {}


def test_a_returned_direct_debit_reopens_the_invoice_with_the_bank_fee():
    mandate = dict(zahlungsart="Lastschrift", iban="DE02120300000000202051",
                   mandatsreferenz="M-1", mandat_vom=date(2026, 1, 2))
    debit = invoice(2, "R-1", date(2026, 9, 1), "100", DUE, ust_satz=19)
    payments = [payment(2, date(2026, 9, 15), "119", art="Lastschrift"),
                payment(3, date(2026, 9, 18), "-122.50", art="Rücklastschrift")]
    states, allocation = receivables([debit], payments, date(2026, 9, 16),
                                     kind="Privat", **mandate)
    assert states["R-1"].status == "bezahlt"
    states, allocation = receivables([debit], payments, date(2026, 10, 31),
                                     kind="Privat", **mandate)
    state = states["R-1"]
    assert state.open == D("119.00") and state.return_fee == D("3.50")
    assert state.next_level == 1                     # back on the dunning ladder
    assert allocation.notes[3] == "R-1: 119,00 € wieder offen; Bankgebühr 3,50 € auf R-1"


def test_a_payment_is_matched_to_its_client_by_iban():
    states, allocation = receivables(
        [invoice(2, "R-1", date(2026, 9, 1), "100", DUE)],
        [payment(2, date(2026, 9, 10), "100", kundennr=None, iban="de02 1203 0000 0000 2020 51"),
         payment(3, date(2026, 9, 10), "5", kundennr=None, iban="DE89370400440532013000")],
        date(2026, 9, 30), iban="DE02120300000000202051")
    assert states["R-1"].status == "bezahlt"
    assert [p.row for p in allocation.unassigned] == [3]


# The book: what a run writes and what pruefen says.

def _book(make_book, zahlungen, **invoice_values):
    return make_book(
        kunden=[{"kundennr": "K-0001", "nachname": "Hobelspan", "firma": "Tischlerei",
                 "kundenart": "Gewerbe", "strasse": "Weg 1", "plz": "50667", "ort": "Köln",
                 "iban": "DE02120300000000202051"}],
        rechnungen=[{"rechnungsnr": "2026-0001", "kundennr": "K-0001",
                     "rechnungsdatum": date(2026, 9, 1), "leistungsdatum": date(2026, 9, 1),
                     "leistung": "Regal", "netto": 1000.0, "ust_satz": 19,
                     "faellig_am": date(2026, 9, 15), **invoice_values},
                    {"rechnungsnr": "2026-0002", "kundennr": "K-0001",
                     "rechnungsdatum": date(2026, 10, 1), "leistungsdatum": date(2026, 10, 1),
                     "leistung": "Tür", "netto": 100.0, "ust_satz": 19,
                     "faellig_am": date(2026, 10, 15)}],
        zahlungen=zahlungen)


def test_a_run_writes_paid_columns_open_amounts_and_what_each_payment_paid(cli, make_book):
    path = _book(make_book, [
        {"datum": date(2026, 9, 10), "betrag": 600.0, "rechnungsnr": "2026-0001",
         "art": "Überweisung", "verwendungszweck": "RE 2026-0001 Teil 1"},
        {"datum": date(2026, 9, 14), "betrag": 590.0, "art": "Überweisung",
         "iban": "DE02 1203 0000 0000 2020 51", "verwendungszweck": "Rest"}])
    result = cli("forderungen", path, "--stichtag", "2026-10-20")
    assert result.exit_code == 0, result.output
    book = read_book(path)
    first, second = book.rechnungen
    assert (first["bezahlt_am"], first["bezahlt_betrag"]) == (date(2026, 9, 14), D("1190.00"))
    assert first["offen"] == 0 and first["status"] == "bezahlt"
    assert second["offen"] == D("119.00") and second["bezahlt_betrag"] is None
    assert [p["zugeordnet"] for p in book.zahlungen] == ["2026-0001: 600,00 €",
                                                         "2026-0001: 590,00 €"]
    # the same data again: nothing to write
    before = sha256(path)
    assert cli("forderungen", path, "--stichtag", "2026-10-20").exit_code == 0
    assert sha256(path) == before


def test_pruefen_names_unknown_invoices_unknown_payers_and_typed_paid_cells(cli, make_book):
    path = _book(make_book, [
        {"datum": date(2026, 9, 10), "betrag": 50.0, "rechnungsnr": "2026-0099"},
        {"datum": date(2026, 9, 11), "betrag": 70.0, "iban": "DE89370400440532013000"}],
        bezahlt_am=date(2026, 9, 12), bezahlt_betrag=1190.0)
    result = cli("pruefen", path, "--stichtag", "2026-10-20", "--json")
    import json
    findings = {(f["blatt"], f["zelle"]): (f["schwere"], f["meldung"])
                for f in json.loads(result.stdout)}
    book = read_book(path)
    first_payment, second_payment = book.zahlungen
    assert findings[("Zahlungen", first_payment.cell("rechnungsnr"))][0] == "Fehler"
    assert "Rechnung 2026-0099 gibt es" in findings[("Zahlungen",
                                                     first_payment.cell("rechnungsnr"))][1]
    severity, message = findings[("Zahlungen", second_payment.cell("kundennr"))]
    assert severity == "Warnung" and "kein Kunde gefunden" in message
    severity, message = findings[("Rechnungen", book.rechnungen[0].cell("bezahlt_betrag"))]
    assert severity == "Warnung" and "Tabelle Zahlungen" in message


def test_typed_paid_cells_replaced_by_the_table_are_kept_in_the_protokoll(cli, make_book):
    path = _book(make_book, [], bezahlt_am=date(2026, 9, 12), bezahlt_betrag=1190.0)
    assert cli("forderungen", path, "--stichtag", "2026-10-20").exit_code == 0
    book = read_book(path)
    assert book.rechnungen[0]["bezahlt_betrag"] is None
    details = " ".join(str(r["details"]) for r in book.records["Protokoll"])
    assert "1.190,00" in details and "12.09.2026" in details


def _typed_payment_book(make_book):
    """A book as older versions made it, with one payment typed in Rechnungen."""
    return make_book(
        kunden=[{"kundennr": "K-0001", "nachname": "Hobelspan", "kundenart": "Privat"}],
        rechnungen=[{"rechnungsnr": "2026-0001", "kundennr": "K-0001",
                     "rechnungsdatum": date(2026, 9, 1), "netto": 100.0, "ust_satz": 19,
                     "bezahlt_am": date(2026, 9, 12), "bezahlt_betrag": 119.0}])


def test_a_book_without_the_zahlungen_table_keeps_its_typed_payments(cli, make_book):
    path = _typed_payment_book(make_book)
    assert "Zahlungen" not in openpyxl.load_workbook(path).sheetnames
    assert cli("forderungen", path, "--stichtag", "2026-10-20").exit_code == 0
    invoice = read_book(path).rechnungen[0]
    assert invoice["bezahlt_betrag"] == D("119.00") and invoice["status"] == "bezahlt"
    checked = cli("pruefen", path, "--stichtag", "2026-10-20")
    assert "Zahlungen" not in checked.output, checked.output


def _letter_text(path) -> str:
    from docx import Document
    document = Document(str(path))
    return "\n".join([p.text for p in document.paragraphs]
                     + [c.text for t in document.tables for r in t.rows for c in r.cells])


def test_the_reminder_after_a_returned_debit_asks_for_the_bank_fee(cli, make_book):
    path = make_book(
        kunden=[{"kundennr": "K-0001", "anrede": "Frau", "vorname": "Ida", "nachname": "Lenz",
                 "kundenart": "Privat", "strasse": "Weg 1", "plz": "50667", "ort": "Köln",
                 "zahlungsart": "Lastschrift", "iban": "DE02120300000000202051",
                 "mandatsreferenz": "M-0001", "mandat_vom": date(2026, 1, 2)}],
        rechnungen=[{"rechnungsnr": "2026-0001", "kundennr": "K-0001",
                     "rechnungsdatum": date(2026, 9, 1), "leistung": "Wartung",
                     "netto": 100.0, "ust_satz": 19, "faellig_am": date(2026, 9, 15)}],
        zahlungen=[{"datum": date(2026, 9, 15), "betrag": 119.0, "kundennr": "K-0001",
                    "art": "Lastschrift"},
                   {"datum": date(2026, 9, 18), "betrag": -122.5, "kundennr": "K-0001",
                    "art": "Rücklastschrift", "verwendungszweck": "RUECKLASTSCHRIFT MD06"}])
    result = cli("briefe", path, "--stichtag", "2026-10-31", "--briefdatum", "2026-11-02",
                 "--art", "Mahnung")
    assert result.exit_code == 0, result.output
    letter = next((path.parent / "briefe").rglob("*Zahlungserinnerung*.docx"))
    text = _letter_text(letter)
    assert "zurückgegebene Lastschrift: 3,50" in text
    assert "Zu zahlen: 122,50" in text


def test_an_invoice_paid_in_part_by_a_credit_asks_only_for_the_rest(cli, make_book):
    path = _book(make_book, [{"datum": date(2026, 9, 10), "betrag": 1200.0,
                              "rechnungsnr": "2026-0001"}])
    result = cli("briefe", path, "--rechnung", "2026-0002", "--stichtag", "2026-10-05",
                 "--briefdatum", "2026-10-05")
    assert result.exit_code == 0, result.output
    text = _letter_text(next((path.parent / "briefe").rglob("Rechnung_2026-0002*.docx")))
    assert "Davon haben wir 10,00\u00a0€ schon erhalten" in text
    assert "Bitte zahlen Sie 109,00\u00a0€ bis zum" in text


# `zahlungen einrichten`: an older book gets the table.

def _older_book(make_book, monkeypatch, **second_invoice):
    """A book as the versions before the Zahlungen table made it: without that table
    and without the column Offen in Rechnungen."""
    from dataclasses import replace

    from kundenbuch.book import schema
    older = replace(schema.RECHNUNGEN, columns=tuple(
        c for c in schema.RECHNUNGEN.columns if c.field != "offen"))
    with monkeypatch.context() as patched:
        patched.setattr(schema, "DATA_TABLES", tuple(
            older if spec is schema.RECHNUNGEN else spec for spec in schema.DATA_TABLES))
        return _make_older(make_book, **second_invoice)


def _make_older(make_book, **second_invoice):
    return make_book(
        kunden=[{"kundennr": "K-0001", "nachname": "Hobelspan", "firma": "Tischlerei",
                 "kundenart": "Gewerbe", "strasse": "Weg 1", "plz": "50667", "ort": "Köln"}],
        rechnungen=[{"rechnungsnr": "2026-0001", "kundennr": "K-0001",
                     "rechnungsdatum": date(2026, 9, 1), "leistung": "Regal",
                     "netto": 1000.0, "ust_satz": 19, "faellig_am": date(2026, 9, 15),
                     "bezahlt_am": date(2026, 9, 12), "bezahlt_betrag": 500.0},
                    {"rechnungsnr": "2026-0002", "kundennr": "K-0001",
                     "rechnungsdatum": date(2026, 10, 1), "leistung": "Tür",
                     "netto": 100.0, "ust_satz": 19, "faellig_am": date(2026, 10, 15),
                     **second_invoice}])


def test_einrichten_moves_typed_payments_into_the_new_table(cli, make_book, monkeypatch):
    path = _older_book(make_book, monkeypatch, bezahlt_am=date(2026, 10, 10),
                       bezahlt_betrag=119.0)
    assert "Zahlungen" not in openpyxl.load_workbook(path).sheetnames
    result = cli("zahlungen", "einrichten", path)
    assert result.exit_code == 0, result.output
    assert "2 Zahlungen aus Rechnungen übernommen" in result.output
    assert list((path.parent / "sicherung").glob("*.xlsx"))
    book = read_book(path)
    assert [(p["datum"], p["betrag"], p["rechnungsnr"], p["art"]) for p in book.zahlungen] == [
        (date(2026, 9, 12), D("500.00"), "2026-0001", "Übernommen"),
        (date(2026, 10, 10), D("119.00"), "2026-0002", "Übernommen")]
    assert book.zahlungen[0]["zugeordnet"] == "2026-0001: 500,00 €"
    assert [i["offen"] for i in book.rechnungen] == [D("690.00"), D("0.00")]
    assert any(r["art"] == "Zahlungen eingerichtet" for r in book.records["Protokoll"])
    # from now on the book works from the table: nothing typed is replaced
    checked = cli("pruefen", path, "--stichtag", "2026-10-20")
    assert "Bezahlt" not in checked.output, checked.output
    assert cli("forderungen", path, "--stichtag", "2026-10-20").exit_code == 0
    again = read_book(path)
    assert [(i["bezahlt_am"], i["bezahlt_betrag"]) for i in again.rechnungen] == [
        (date(2026, 9, 12), D("500.00")), (date(2026, 10, 10), D("119.00"))]
    # a second call finds the table and leaves the file alone
    before = sha256(path)
    assert "schon" in cli("zahlungen", "einrichten", path).output
    assert sha256(path) == before


def test_einrichten_refuses_a_payment_without_its_day_and_changes_nothing(cli, make_book,
                                                                          monkeypatch):
    path = _older_book(make_book, monkeypatch, bezahlt_betrag=119.0)
    before = sha256(path)
    result = cli("zahlungen", "einrichten", path)
    assert result.exit_code == 2
    assert "Rechnungen!" in result.output and "2026-0002" in result.output
    assert sha256(path) == before


def test_einrichten_probelauf_writes_nothing(cli, make_book, monkeypatch):
    path = _older_book(make_book, monkeypatch)
    before = sha256(path)
    result = cli("zahlungen", "einrichten", path, "--probelauf")
    assert result.exit_code == 0 and "Neues Blatt „Zahlungen“" in result.output
    assert sha256(path) == before


def test_einrichten_leaves_out_offen_where_the_column_beside_the_table_is_used(cli, make_book,
                                                                               monkeypatch):
    path = _older_book(make_book, monkeypatch)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Rechnungen"]
    beside = sheet.max_column + 1
    sheet.cell(5, beside, "meine Notiz")
    workbook.save(path)
    result = cli("zahlungen", "einrichten", path)
    assert result.exit_code == 0, result.output
    assert "Hinweis" in result.output and "Offen" in result.output
    book = read_book(path)
    assert book.zahlungen is not None and "offen" not in book.locations["Rechnungen"].columns
    assert openpyxl.load_workbook(path)["Rechnungen"].cell(5, beside).value == "meine Notiz"


def test_einrichten_works_on_a_book_saved_as_excel_saves_it(cli, make_book, monkeypatch):
    from kundenbuch.runs.excel_layout import save_like_excel
    path = _older_book(make_book, monkeypatch)
    save_like_excel(path)
    result = cli("zahlungen", "einrichten", path)
    assert result.exit_code == 0, result.output
    book = read_book(path)
    assert len(book.zahlungen) == 1 and book.rechnungen[0]["offen"] == D("690.00")
    assert cli("monatsabschluss", path, "--stichtag", "2026-10-31",
               "--briefdatum", "2026-11-02").exit_code in (0, 1)


def test_a_payment_for_an_incomplete_invoice_waits_and_pays_nothing_else(cli, make_book):
    """Without its USt-Satz the invoice's sum is unknown: the payment is not spread over
    the client's other invoices, and the row's Bezahlt cells stay as they are."""
    path = _book(make_book, [{"datum": date(2026, 9, 10), "betrag": 1190.0,
                              "rechnungsnr": "2026-0001"}],
                 bezahlt_am=date(2026, 9, 10), bezahlt_betrag=1190.0)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Rechnungen"]
    column = [c.value for c in sheet[1]].index("USt-Satz") + 1
    sheet.cell(2, column).value = None
    workbook.save(path)
    assert cli("forderungen", path, "--stichtag", "2026-10-20").exit_code == 0
    book = read_book(path)
    first, second = book.rechnungen
    assert (first["bezahlt_am"], first["bezahlt_betrag"]) == (date(2026, 9, 10),
                                                              D("1190.00"))
    assert second["offen"] == D("119.00")          # nothing of it went here
    assert book.zahlungen[0]["zugeordnet"].startswith("wartet: Rechnung 2026-0001")
    checked = cli("pruefen", path, "--stichtag", "2026-10-20")
    assert "wartet" in checked.output


def test_a_users_own_sheet_called_zahlungen_is_not_taken_for_the_table(cli, make_book):
    path = _typed_payment_book(make_book)
    workbook = openpyxl.load_workbook(path)
    own = workbook.create_sheet("Zahlungen")
    own["A1"], own["B1"] = "Meine Notizen", "Bank"
    workbook.save(path)
    assert read_book(path).zahlungen is None
    assert cli("forderungen", path, "--stichtag", "2026-10-20").exit_code == 0
    assert read_book(path).rechnungen[0]["bezahlt_betrag"] == D("119.00")
    refused = cli("zahlungen", "einrichten", path)
    assert refused.exit_code == 2 and "umbenennen" in refused.output
