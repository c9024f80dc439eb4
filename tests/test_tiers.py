"""Tiers: ABC thresholds, ties, fixed tiers, referral uplift, first-year rule, promises."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from kundenbuch.book.records import Record, Settings
from kundenbuch.book.schema import SETTINGS, STUFEN_DEFAULTS
from kundenbuch.rules.tiers import analyse, check_promises, classify, tier_rows

STICHTAG = date(2026, 10, 31)
TIERS = [Record("Stufen", i + 2, dict(row), {}) for i, row in enumerate(STUFEN_DEFAULTS)]
ROWS = tier_rows(TIERS)
SETTINGS_DEFAULT = Settings({s.field: s.default for s in SETTINGS}, {})


def client(number, **values):
    return Record("Kunden", number + 1, {"kundennr": f"K-{number}", "nachname": "X",
                                         "kunde_seit": date(2020, 1, 1), **values}, {})


def invoice(number, netto, **values):
    return Record("Rechnungen", 2, {"rechnungsnr": f"R-{number}-{netto}",
                                    "kundennr": f"K-{number}",
                                    "rechnungsdatum": date(2026, 6, 1),
                                    "netto": Decimal(netto), **values}, {})


def appointment(number, art, day, done=True):
    return Record("Termine", 2, {"kundennr": f"K-{number}", "art": art, "datum": day,
                                 "erledigt": "ja" if done else "nein"}, {})


def tiers_of(result):
    return {t.number: t.proposed for t in result.clients}


def test_thresholds_by_cumulative_share():
    # shares 50 %, 30 %, 10 %, 6 %, 4 %: cumulative before each 0, 50, 80, 90, 96 %
    revenues = [("K-1", Decimal(500)), ("K-2", Decimal(300)), ("K-3", Decimal(100)),
                ("K-4", Decimal(60)), ("K-5", Decimal(40))]
    result = classify(revenues, ROWS)
    assert {k: v[0] for k, v in result.items()} == {"K-1": "A", "K-2": "A", "K-3": "B",
                                                    "K-4": "B", "K-5": "C"}
    assert result["K-2"][2] == 0.8


def test_one_big_client_is_always_a():
    result = classify([("K-1", Decimal(990)), ("K-2", Decimal(10))], ROWS)
    assert result["K-1"][0] == "A" and result["K-2"][0] == "C"     # starts at 99 %


def test_equal_revenue_gets_equal_tier():
    """K-3 starts at 80 % and would be B, but earns exactly what K-2 (A) earns."""
    revenues = [("K-1", Decimal(700)), ("K-2", Decimal(100)), ("K-3", Decimal(100)),
                ("K-4", Decimal(100))]
    result = classify(revenues, ROWS)
    assert [result[k][0] for k in ("K-2", "K-3", "K-4")] == ["A", "A", "A"]
    assert classify(revenues[:2] + [("K-3", Decimal(99))], ROWS)["K-3"][0] == "B"


def test_no_revenue_is_the_last_tier():
    assert classify([("K-1", Decimal(0))], ROWS)["K-1"][0] == "C"


def test_revenue_window_and_cancelled_invoices():
    clients = [client(1), client(2)]
    invoices = [invoice(1, 100), invoice(2, 1000, storniert="ja"),
                invoice(2, 5000, rechnungsdatum=STICHTAG - timedelta(days=366)),
                invoice(2, 50)]
    result = analyse(clients, invoices, TIERS, [], SETTINGS_DEFAULT, STICHTAG)
    revenue = {t.number: t.revenue for t in result.clients}
    assert revenue == {"K-1": Decimal(100), "K-2": Decimal(50)}


def test_fixed_tier_overrides_with_reason():
    clients = [client(1), client(2, stufe_fest="A")]
    invoices = [invoice(1, 1000), invoice(2, 1)]
    result = analyse(clients, invoices, TIERS, [], SETTINGS_DEFAULT, STICHTAG)
    tier = next(t for t in result.clients if t.number == "K-2")
    assert tier.computed == "C" and tier.proposed == "A"


def test_referral_uplift_lifts_one_tier():
    clients = [client(1), client(2), client(3, empfohlen_von="K-2")]
    invoices = [invoice(1, 10000), invoice(2, 100), invoice(3, 1200)]
    result = analyse(clients, invoices, TIERS, [], SETTINGS_DEFAULT, STICHTAG)
    tier = next(t for t in result.clients if t.number == "K-2")
    assert tier.computed == "C" and tier.proposed == "B"
    assert "Empfehlungen brachten 1.200,00 €" in tier.reasons[0]


def test_new_clients_get_at_least_b_in_their_first_year():
    clients = [client(1), client(2, kunde_seit=STICHTAG - timedelta(days=100)),
               client(3, kunde_seit=STICHTAG - timedelta(days=400))]
    invoices = [invoice(1, 10000), invoice(2, 10), invoice(3, 10)]
    result = tiers_of(analyse(clients, invoices, TIERS, [], SETTINGS_DEFAULT, STICHTAG))
    assert result == {"K-1": "A", "K-2": "B", "K-3": "C"}


def test_annual_check_promise():
    a_row = next(r for r in ROWS if r.name == "A")
    done_recently = [appointment(1, "Jahrescheck", STICHTAG - timedelta(days=100))]
    assert not [p for p in check_promises(client(1), a_row, done_recently, STICHTAG)
                if p.what == "Jahrescheck"]
    long_ago = [appointment(1, "Jahrescheck", STICHTAG - timedelta(days=400))]
    found = [p for p in check_promises(client(1), a_row, long_ago, STICHTAG)
             if p.what == "Jahrescheck"]
    assert found[0].state == "überfällig"
    soon = [appointment(1, "Jahrescheck", STICHTAG - timedelta(days=350))]
    assert [p.state for p in check_promises(client(1), a_row, soon, STICHTAG)
            if p.what == "Jahrescheck"] == ["bald fällig"]
    planned = long_ago + [appointment(1, "Jahrescheck", STICHTAG + timedelta(days=5), False)]
    assert not [p for p in check_promises(client(1), a_row, planned, STICHTAG)
                if p.what == "Jahrescheck"]
    c_row = next(r for r in ROWS if r.name == "C")       # C promises no annual check
    assert not [p for p in check_promises(client(1), c_row, long_ago, STICHTAG)
                if p.what == "Jahrescheck"]


def test_callback_promise_and_newsletter_consent():
    b_row = next(r for r in ROWS if r.name == "B")      # callback within 1 day, e-mail
    open_call = [appointment(1, "Rückruf", STICHTAG - timedelta(days=3), done=False)]
    found = {(p.what, p.state) for p in check_promises(client(1), b_row, open_call,
                                                        STICHTAG)}
    assert ("Rückruf", "überfällig") in found
    assert ("Newsletter", "fehlt") in found
    consented = client(1, einwilligung_newsletter=date(2025, 1, 1), email="a@example.org")
    assert not [p for p in check_promises(consented, b_row, [], STICHTAG)
                if p.what == "Newsletter"]


def test_journey_thanks_and_sources():
    clients = [client(1, phase="Erstkontakt", quelle="Messe",
                      kunde_seit=STICHTAG - timedelta(days=90)),
               client(2, phase="Betreuung", quelle="Empfehlung")]
    invoices = [invoice(2, 800, bezahlt_am=date(2026, 10, 20)),
                invoice(1, 10, rechnungsdatum=date(2026, 2, 1), bezahlt_am=date(2026, 3, 1))]
    result = analyse(clients, invoices, TIERS, [], SETTINGS_DEFAULT, STICHTAG)
    journey = result.journey
    assert result.per_phase["Erstkontakt"] == 1 and result.per_phase["Betreuung"] == 1
    # K-1's first payment is months ago: no thank-you any more
    assert [c["kundennr"] for c in journey.thanks_due] == ["K-2"]
    assert journey.sources[0] == ("Empfehlung", 1, Decimal(800))
    thanked = analyse(clients, invoices, TIERS, [], SETTINGS_DEFAULT, STICHTAG, {"K-2"})
    assert thanked.journey.thanks_due == []
