"""Public holidays per Bundesland and the "next working day" rule.

§ 193 BGB (payment deadlines) and § 108 Abs. 3 AO (tax deadlines): a deadline that
falls on a Saturday, Sunday or public holiday moves to the next working day.

Holidays of a whole Land come from the `holidays` package. Holidays that only some
municipalities keep (15.08. Mariä Himmelfahrt in most of Bavaria, 08.08. the Hohes
Friedensfest in Augsburg) count only where the Einstellung "Feiertage zusätzlich" lists
them: the package cannot know the place of business, and a wrong extra holiday would
move due dates and tax dates as surely as a missing one.
"""
from __future__ import annotations

import importlib.util
import re
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays


LOCAL_HOLIDAY_NAMES = {(8, 15): "Mariä Himmelfahrt", (8, 8): "Augsburger Hohes Friedensfest"}
_DAY_MONTH = re.compile(r"(\d{1,2})\.(\d{1,2})\.?(?:\d{2,4})?")


def parse_local_holidays(text) -> tuple[tuple, list[str]]:
    """'15.08.; 08.08.' -> ((8, 15), (8, 8)), and the parts that are no day.month.
    A date Excel made of the text ("15.08.2026") counts by its day and month."""
    found, bad = [], []
    for part in re.split(r"[;,\s]+", str(text or "")):
        if not part:
            continue
        match = _DAY_MONTH.fullmatch(part)
        try:
            day = date(2000, int(match.group(2)), int(match.group(1))) if match else None
        except ValueError:
            day = None
        if day is None:
            bad.append(part)
        elif (day.month, day.day) not in found:
            found.append((day.month, day.day))
    return tuple(found), bad


def local_holidays(settings) -> tuple:
    """The Einstellung "Feiertage zusätzlich" as (month, day) pairs."""
    return parse_local_holidays(settings.get("feiertage_zusaetzlich"))[0]


def holiday_place(settings) -> tuple[str, tuple]:
    """(Land code, local holidays): the one way every command reads where the business
    is. The reader has turned a full name ("Bayern") into its code; an empty Bundesland
    means the nationwide holidays only (`pruefen` warns)."""
    return settings.get("bundesland") or "", local_holidays(settings)


@lru_cache(maxsize=64)
def _holidays(bundesland: str, year: int):
    # Only the "public" category: Bavaria's 15 August is a holiday of most, not all,
    # municipalities and comes from "Feiertage zusätzlich".
    germany = _germany()
    if germany is None:
        return holidays.country_holidays("DE", subdiv=bundesland or None, years=year,
                                         language="de")
    return germany(subdiv=bundesland or None, years=year, language="de")


@lru_cache(maxsize=1)
def _germany():
    """The library's class for Germany, from its own file. Asking the library for a
    country first imports all of its 250 country modules (70 ms of every run);
    Germany's module needs only the library's base classes. None if the library is
    laid out otherwise: then it is asked the usual way."""
    try:
        path = Path(holidays.__file__).parent / "countries" / "germany.py"
        spec = importlib.util.spec_from_file_location("holidays.countries.germany", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module.Germany
    except Exception:           # noqa: BLE001 - any surprise: the library's own way
        return None


@lru_cache(maxsize=8192)
def holiday_name(day: date, bundesland: str, local: tuple = ()) -> str | None:
    """Cached: the holidays library converts its key on every lookup (2 µs), and the
    checks ask for every appointment. `local`: (month, day) of local holidays."""
    name = _holidays(bundesland, day.year).get(day)
    if name is None and (day.month, day.day) in local:
        name = LOCAL_HOLIDAY_NAMES.get((day.month, day.day), "örtlicher Feiertag")
    return name


def is_working_day(day: date, bundesland: str, local: tuple = ()) -> bool:
    return day.weekday() < 5 and holiday_name(day, bundesland, local) is None


@lru_cache(maxsize=8192)
def next_working_day(day: date, bundesland: str, local: tuple = ()) -> date:
    """The day itself when it is a working day, else the next one. Cached: a large
    book asks for the same few hundred due dates tens of thousands of times."""
    while not is_working_day(day, bundesland, local):
        day += timedelta(days=1)
    return day
