"""Calendar rules: tax dates, holidays per Bundesland, onboarding plan, trip log."""
from __future__ import annotations

from datetime import date, time

import pytest

from kundenbuch.rules.schedule import (new_onboarding_rows, new_tax_rows, onboarding_steps,
                                 overview, tax_deadlines)
from kundenbuch.book.records import Record, Settings
from kundenbuch.book.schema import SETTINGS
from kundenbuch.rules.workdays import holiday_name, next_working_day


def settings(**values):
    return Settings({**{s.field: s.default for s in SETTINGS}, **values}, {})


def appointment(**values):
    return Record("Termine", 2, values, {})


def test_easter_monday_2023_moves_the_vat_date():
    found = {d.title: d for d in tax_deadlines(2023, settings())}
    q1 = found["USt-Voranmeldung Q1/2023"]
    assert q1.original == date(2023, 4, 10) and q1.day == date(2023, 4, 11)
    assert "§ 108 Abs. 3 AO" in q1.note


def test_quarterly_vat_and_income_tax_dates_of_a_year():
    found = [(d.original, d.title) for d in tax_deadlines(2026, settings())]
    assert (date(2026, 1, 10), "USt-Voranmeldung Q4/2025") in found
    assert (date(2026, 10, 10), "USt-Voranmeldung Q3/2026") in found
    assert [t for _, t in found if t.startswith("ESt")] == [
        f"ESt-Vorauszahlung Q{q}/2026" for q in range(1, 5)]
    assert not [t for _, t in found if t.startswith("GewSt")]


def test_monthly_with_extension_one_month_later():
    found = {d.title: d.original for d in tax_deadlines(2026, settings(
        voranmeldung="monatlich", dauerfristverlaengerung="ja"))}
    assert found["USt-Voranmeldung 01/2026"] == date(2026, 3, 10)
    assert found["USt-Voranmeldung 11/2025"] == date(2026, 1, 10)
    assert len([t for t in found if t.startswith("USt-Voranmeldung")]) == 12


def test_small_business_files_no_vat_returns():
    found = tax_deadlines(2026, settings(kleinunternehmer="ja", gewst_vorauszahlung="ja"))
    assert not [d for d in found if d.title.startswith("USt")]
    assert [d.original for d in found if d.title.startswith("GewSt")] == [
        date(2026, 2, 15), date(2026, 5, 15), date(2026, 8, 15), date(2026, 11, 15)]


def test_trade_tax_on_sunday_moves_to_monday():
    found = {d.title: d for d in tax_deadlines(2026, settings(gewst_vorauszahlung="ja"))}
    assert found["GewSt-Vorauszahlung Q1/2026"].day == date(2026, 2, 16)   # 15.2. Sunday


@pytest.mark.parametrize("state, local, expected", [
    ("BY", ((8, 15),), date(2025, 8, 18)),      # a Bavarian municipality that keeps it
    ("BY", (), date(2025, 8, 15)),               # one that does not (or not said)
    ("NW", (), date(2025, 8, 15))])
def test_assumption_day_counts_only_where_feiertage_zusaetzlich_lists_it(state, local,
                                                                         expected):
    assert next_working_day(date(2025, 8, 15), state, local) == expected
    assert (holiday_name(date(2025, 8, 15), state, local) is not None) == bool(local)


def test_reformation_day_depends_on_the_state():
    assert next_working_day(date(2025, 10, 31), "NI") == date(2025, 11, 3)
    assert next_working_day(date(2025, 10, 31), "NW") == date(2025, 10, 31)


def test_onboarding_plan_counts_from_the_letter_date_once_on_working_days():
    """Kunde seit 28.10., welcomed on 31.10.: the plan counts from the letter, so no
    appointment lies before it (#20)."""
    client = Record("Kunden", 2, {"kundennr": "K-1", "kunde_seit": date(2026, 10, 28)}, {})
    rows = new_onboarding_rows([client], [], settings(), date(2026, 10, 31))
    assert [(r["betreff"], r["datum"]) for r in rows] == [
        ("Kickoff-Telefonat", date(2026, 11, 3)), ("Check-in", date(2026, 11, 30)),
        ("Review", date(2027, 1, 29))]
    later_start = Record("Kunden", 2, {"kundennr": "K-2", "kunde_seit": date(2026, 11, 9)},
                         {})
    assert new_onboarding_rows([later_start], [], settings(), date(2026, 10, 31))[0][
        "datum"] == date(2026, 11, 12)                   # counted from Kunde seit
    existing = [appointment(**row) for row in rows]
    assert new_onboarding_rows([client], existing, settings(), date(2026, 10, 31)) == []
    welcomed = Record("Kunden", 2, {"kundennr": "K-1", "begruesst_am": date(2026, 10, 29)},
                      {})
    assert new_onboarding_rows([welcomed], [], settings(), date(2026, 10, 31)) == []


def test_onboarding_plan_setting_is_parsed_forgivingly():
    assert onboarding_steps("Anruf=2;  Besuch = 14; kaputt; =3") == [("Anruf", 2),
                                                                       ("Besuch", 14)]


def test_tax_rows_are_added_once():
    rows = new_tax_rows(2027, [], settings())
    assert len(rows) == 8 and all(r["art"] == "Steuertermin" for r in rows)
    existing = [appointment(**row) for row in rows]
    assert new_tax_rows(2027, existing, settings()) == []


def test_overview_upcoming_overdue_and_trip_log():
    items = [appointment(datum=date(2026, 11, 2), art="Beratung", beginn=time(9, 0)),
             appointment(datum=date(2026, 12, 31), art="Beratung"),
             appointment(datum=date(2026, 10, 1), art="Lieferfrist", erledigt="nein"),
             appointment(datum=date(2026, 10, 5), art="Fahrt", km=42, kundennr="K-1"),
             appointment(datum=date(2026, 10, 9), art="Beratung", km=8, kundennr="K-1"),
             appointment(datum=date(2026, 10, 20), art="Rückruf", erledigt="nein")]
    view = overview(items, settings(), date(2026, 10, 31))
    assert [a["datum"] for a in view.upcoming] == [date(2026, 11, 2)]
    assert [a["art"] for a in view.overdue_deadlines] == ["Lieferfrist"]
    assert len(view.open_callbacks) == 1
    assert view.km_by_month == [("2026-10", 2, 50)]
    assert view.km_by_client == [("K-1", 2, 50)]
    assert [d.title for d in view.tax] == ["ESt-Vorauszahlung Q4/2026"]


def test_every_state_has_the_holidays_the_library_gives():
    """workdays loads only Germany's module of the holidays library (the library would
    load all 250 countries): the holidays must be the same as asking the library."""
    import holidays

    from kundenbuch.book.schema import BUNDESLAENDER
    from kundenbuch.rules.workdays import _holidays
    for state in BUNDESLAENDER + ("",):
        for year in (2024, 2026, 2027):
            expected = holidays.country_holidays("DE", subdiv=state or None, years=year,
                                                 language="de")
            assert dict(_holidays(state, year)) == dict(expected), (state, year)


# --- Lohnsteuer, Sondervorauszahlung, local holidays (fachregeln.md, Calendar) ------------

@pytest.mark.parametrize("period, expected", [
    ("monatlich", [date(2027, m, 10) for m in range(1, 13)]),
    ("vierteljährlich", [date(2027, 1, 10), date(2027, 4, 10), date(2027, 7, 10),
                         date(2027, 10, 10)]),
    ("jährlich", [date(2027, 1, 10)]),
    ("keine", [])])
def test_lohnsteuer_anmeldung_on_the_10th_after_each_period_section_41a_estg(period,
                                                                             expected):
    found = [d for d in tax_deadlines(2027, settings(lohnsteuer_anmeldung=period))
             if d.title.startswith("Lohnsteuer")]
    assert [d.original for d in found] == expected
    if period == "jährlich":
        # 10.1.2027 is a Sunday: the return for 2026 is due on Monday 11.1.
        assert [(d.title, d.day) for d in found] == [("Lohnsteuer-Anmeldung 2026",
                                                      date(2027, 1, 11))]


def test_lohnsteuer_anmeldung_is_off_by_default():
    assert not [d for d in tax_deadlines(2027, settings()) if "Lohnsteuer" in d.title]


def test_sondervorauszahlung_is_labelled_only_for_monthly_filers_with_extension():
    monthly = [d for d in tax_deadlines(2026, settings(
        voranmeldung="monatlich", dauerfristverlaengerung="ja"))
        if "Sondervorauszahlung" in d.title]
    assert [(d.original, d.title) for d in monthly] == [(date(2026, 2, 10),
        "USt-Sondervorauszahlung 2026 (Dauerfristverlängerung, § 48 UStDV)")]
    for other in (settings(voranmeldung="vierteljährlich", dauerfristverlaengerung="ja"),
                  settings(voranmeldung="monatlich"),
                  settings(voranmeldung="monatlich", dauerfristverlaengerung="ja",
                           kleinunternehmer="ja")):
        assert not [d for d in tax_deadlines(2026, other) if "Sondervoraus" in d.title]


def test_feiertage_zusaetzlich_move_tax_dates_too():
    # GewSt Q3/2025 on Friday 15.8.2025: in a municipality keeping Mariä Himmelfahrt
    # it is due on Monday 18.8.
    def gewst(**values):
        found = {d.title: d for d in tax_deadlines(2025, settings(
            gewst_vorauszahlung="ja", bundesland="BY", **values))}
        return found["GewSt-Vorauszahlung Q3/2025"].day
    assert gewst() == date(2025, 8, 15)
    assert gewst(feiertage_zusaetzlich="15.08.") == date(2025, 8, 18)
    # Augsburg's Friedensfest on Friday 8.8.2025 moves a payment deadline
    assert next_working_day(date(2025, 8, 8), "BY", ((8, 8),)) == date(2025, 8, 11)


def test_feiertage_zusaetzlich_is_read_as_day_and_month():
    from kundenbuch.rules.workdays import parse_local_holidays
    assert parse_local_holidays("15.08.; 08.08.") == (((8, 15), (8, 8)), [])
    assert parse_local_holidays("15.8, 15.08.2026") == (((8, 15),), [])
    assert parse_local_holidays("31.02.; Himmelfahrt") == ((), ["31.02.", "Himmelfahrt"])
    assert parse_local_holidays(None) == ((), [])
