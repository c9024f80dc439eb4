"""Public holidays per Bundesland and the "next working day" rule.

§ 193 BGB (payment deadlines) and § 108 Abs. 3 AO (tax deadlines): a deadline that
falls on a Saturday, Sunday or public holiday moves to the next working day.
"""
from __future__ import annotations

import importlib.util
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path

import holidays


@lru_cache(maxsize=64)
def _holidays(bundesland: str, year: int):
    # Bavaria's 15 August (Mariä Himmelfahrt) is in the "catholic" category.
    categories = ("public", "catholic") if bundesland == "BY" else ("public",)
    germany = _germany()
    if germany is None:
        return holidays.country_holidays("DE", subdiv=bundesland or None, years=year,
                                         language="de", categories=categories)
    return germany(subdiv=bundesland or None, years=year, language="de",
                   categories=categories)


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
def holiday_name(day: date, bundesland: str) -> str | None:
    """Cached: the holidays library converts its key on every lookup (2 µs), and the
    checks ask for every appointment."""
    return _holidays(bundesland, day.year).get(day)


def is_working_day(day: date, bundesland: str) -> bool:
    return day.weekday() < 5 and holiday_name(day, bundesland) is None


@lru_cache(maxsize=8192)
def next_working_day(day: date, bundesland: str) -> date:
    """The day itself when it is a working day, else the next one. Cached: a large
    book asks for the same few hundred due dates tens of thousands of times."""
    while not is_working_day(day, bundesland):
        day += timedelta(days=1)
    return day
