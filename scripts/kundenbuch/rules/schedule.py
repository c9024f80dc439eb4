"""One calendar: tax deadlines, the onboarding plan, what is coming up, the trip log.

Tax dates (fachregeln.md): the VAT return on the 10th after the month or quarter
(Einstellung "Voranmeldung"), one month later with Dauerfristverlängerung (§ 46 UStDV),
none for Kleinunternehmer; monthly filers with the extension pay the
Sondervorauszahlung by 10 February (§§ 47, 48 UStDV), labelled as such. The
Lohnsteuer-Anmeldung is due on the 10th after its month, quarter or year (§ 41a Abs. 1
EStG; Einstellung "Lohnsteuer-Anmeldung", none by default: only with employees).
Income-tax and trade-tax prepayments on their fixed days. Every date on a weekend or
holiday, local ones from "Feiertage zusätzlich" included, moves to the next working day
(§ 108 Abs. 3 AO).

Pure: records, settings and a Stichtag in, results out.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta

from ..book import schema
from .workdays import holiday_name, holiday_place, next_working_day

MONTHLY, QUARTERLY, YEARLY, NONE = "monatlich", "vierteljährlich", "jährlich", "keine"
PERIOD_MONTHS = {MONTHLY: 1, QUARTERLY: 3, YEARLY: 12}
TAX_KIND = "Steuertermin"
_MIDNIGHT = time(0, 0)
PLAN_NOTE = "Begrüßungsplan"
DEFAULT_PLAN = schema.DEFAULT_ONBOARDING_PLAN
INCOME_TAX_DAYS = ((3, 10), (6, 10), (9, 10), (12, 10))        # ESt-Vorauszahlungen
TRADE_TAX_DAYS = ((2, 15), (5, 15), (8, 15), (11, 15))         # GewSt-Vorauszahlungen


@dataclass(frozen=True)
class Deadline:
    day: date                # when it is due (moved to a working day)
    original: date           # the date the law names
    title: str

    @property
    def note(self) -> str:
        if self.day == self.original:
            return ""
        reason = "Wochenende" if self.original.weekday() >= 5 else "Feiertag"
        return f"verschoben vom {self.original:%d.%m.%Y} ({reason}, § 108 Abs. 3 AO)"


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def tax_deadlines(year: int, settings) -> list[Deadline]:
    """Tax dates falling in a year, from the settings; weekends and holidays of the
    Bundesland move a date to the next working day (§ 108 Abs. 3 AO)."""
    state, local = holiday_place(settings)
    found = []

    def add(day: date, title: str):
        if day.year == year:
            found.append(Deadline(next_working_day(day, state, local), day, title))

    def periodic(period: str, extension: int, title: str):
        """The 10th after each month, quarter or year, `extension` months later."""
        step = PERIOD_MONTHS[period]
        for last_year in (year - 1, year):
            for first_month in range(1, 13, step):
                end_year, end_month = _add_months(last_year, first_month, step - 1)
                due_year, due_month = _add_months(end_year, end_month, 1 + extension)
                label = {1: f"{first_month:02d}/{last_year}", 12: f"{last_year}"}.get(
                    step, f"Q{(first_month - 1) // 3 + 1}/{last_year}")
                add(date(due_year, due_month, 10), f"{title} {label}")

    period = settings.get("voranmeldung", QUARTERLY)
    if settings.get("kleinunternehmer") != schema.YES and period in (MONTHLY, QUARTERLY):
        extended = settings.get("dauerfristverlaengerung") == schema.YES
        periodic(period, 1 if extended else 0, "USt-Voranmeldung")
        if extended and period == MONTHLY:
            # § 48 UStDV: monthly filers pay 1/11 of last year's VAT with the application.
            add(date(year, 2, 10), f"USt-Sondervorauszahlung {year} (Dauerfristverlängerung, "
                "§ 48 UStDV)")
    payroll = settings.get("lohnsteuer_anmeldung", NONE)
    if payroll in PERIOD_MONTHS:
        periodic(payroll, 0, "Lohnsteuer-Anmeldung")    # § 41a Abs. 1 EStG
    if settings.get("est_vorauszahlung") == schema.YES:
        for quarter, (month, day) in enumerate(INCOME_TAX_DAYS, start=1):
            add(date(year, month, day), f"ESt-Vorauszahlung Q{quarter}/{year}")
    if settings.get("gewst_vorauszahlung") == schema.YES:
        for quarter, (month, day) in enumerate(TRADE_TAX_DAYS, start=1):
            add(date(year, month, day), f"GewSt-Vorauszahlung Q{quarter}/{year}")
    return sorted(found, key=lambda d: (d.day, d.title))


def onboarding_steps(text: str | None) -> list[tuple[str, int]]:
    """'Kickoff-Telefonat=3; Check-in=30' -> [('Kickoff-Telefonat', 3), ('Check-in', 30)]."""
    steps = []
    for part in (text or DEFAULT_PLAN).split(";"):
        title, _, days = part.partition("=")
        if title.strip() and days.strip().isdigit():
            steps.append((title.strip(), int(days.strip())))
    return steps


def onboarding_plan(client, settings, start: date) -> list[dict]:
    """The first appointments with a new client, as Termine rows: counted from `start`
    (the welcome letter's date, or today), or from Kunde seit where that lies later, so
    that no planned day lies in the past."""
    start = max(client["kunde_seit"] or start, start)
    state, local = holiday_place(settings)
    return [{"datum": next_working_day(start + timedelta(days=days), state, local),
             "kundennr": client["kundennr"], "art": "Beratung", "betreff": title,
             "erledigt": schema.NO, "notiz": PLAN_NOTE}
            for title, days in onboarding_steps(settings.get("begruessungsplan"))]


def new_onboarding_rows(clients, appointments, settings, start: date) -> list[dict]:
    """Plan rows for clients not yet welcomed, unless already in Termine; `start` as in
    onboarding_plan."""
    existing = {(a["kundennr"], a["betreff"]) for a in appointments}
    rows = []
    for client in clients:
        if client["begruesst_am"] or client["phase"] == "Inaktiv" or not client["kundennr"]:
            continue
        rows += [row for row in onboarding_plan(client, settings, start)
                 if (row["kundennr"], row["betreff"]) not in existing]
    return rows


def new_tax_rows(year: int, appointments, settings) -> list[dict]:
    """Tax deadlines of a year as Termine rows, unless already there."""
    existing = {(a["datum"], a["betreff"]) for a in appointments if a["art"] == TAX_KIND}
    return [{"datum": d.day, "art": TAX_KIND, "betreff": d.title, "erledigt": schema.NO,
             "notiz": d.note or None}
            for d in tax_deadlines(year, settings) if (d.day, d.title) not in existing]


@dataclass
class Overview:
    stichtag: date
    upcoming: list            # appointments in the next days
    overdue_deadlines: list   # open Lieferfristen before the Stichtag
    open_callbacks: list
    tax: list[Deadline]       # the next tax dates
    km_by_month: list         # (JJJJ-MM, trips, km)
    km_by_client: list        # (Kundennr, trips, km)
    follow_ups: list = field(default_factory=list)   # Wiedervorlagen (rules/follow_ups)


def overview(appointments, settings, stichtag: date) -> Overview:
    days = settings.get("vorschau_tage", 14)
    horizon = stichtag + timedelta(days=days)
    dated = [a for a in appointments if a["datum"]]
    upcoming = sorted((a for a in dated if stichtag <= a["datum"] <= horizon),
                      key=lambda a: (a["datum"], a["beginn"] or _MIDNIGHT))
    overdue = [a for a in dated if a["art"] == "Lieferfrist" and a["erledigt"] != schema.YES
               and a["datum"] < stichtag]
    callbacks = [a for a in dated if a["art"] == "Rückruf" and a["erledigt"] != schema.YES]
    tax_window = stichtag + timedelta(days=60)
    tax = [d for year in {stichtag.year, tax_window.year}
           for d in tax_deadlines(year, settings) if stichtag <= d.day <= tax_window]
    by_month, by_client = {}, {}
    for item in dated:
        km = item["km"]
        if not km and item["art"] != "Fahrt":
            continue
        month = f"{item['datum']:%Y-%m}"
        trips, total = by_month.get(month, (0, 0.0))
        by_month[month] = (trips + 1, total + (km or 0))
        if item["kundennr"]:
            trips, total = by_client.get(item["kundennr"], (0, 0.0))
            by_client[item["kundennr"]] = (trips + 1, total + (km or 0))
    return Overview(stichtag, upcoming, sorted(overdue, key=lambda a: a["datum"]),
                    sorted(callbacks, key=lambda a: a["datum"]),
                    sorted(tax, key=lambda d: d.day),
                    [(m, n, km) for m, (n, km) in sorted(by_month.items())],
                    sorted(((c, n, km) for c, (n, km) in by_client.items()),
                           key=lambda x: -x[2]))


def is_free_day(day: date, state: str, local: tuple = ()) -> str | None:
    """'Sonntag' or the holiday's name, else None."""
    if day.weekday() == 6:
        return "Sonntag"
    return holiday_name(day, state, local)
