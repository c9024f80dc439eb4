"""One rule for the Stichtag of every command (the command line, the Excel button and
the month-end alike): the day given, else the Einstellung "Stichtag", else in the first
ten days of a month the month just ended (the month-end is usually run then), else
today. The reason goes with the day, so that every command can say which it used."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

GIVEN, SETTING, TODAY, LAST_MONTH = ("angegeben", "Einstellung Stichtag", "heute",
                                     "Ende des Vormonats")
LAST_MONTH_UNTIL_DAY = 10


@dataclass(frozen=True)
class Stichtag:
    day: date
    reason: str

    def __str__(self) -> str:
        return f"{self.day:%d.%m.%Y} ({self.reason})"


def default_stichtag(today: date) -> date:
    """In the first days of a month the month just ended, otherwise today."""
    if today.day <= LAST_MONTH_UNTIL_DAY:
        return today.replace(day=1) - timedelta(days=1)
    return today


def choose(given: date | None, settings, today: date) -> Stichtag:
    if given is not None:
        return Stichtag(given, GIVEN)
    fixed = settings.get("stichtag")
    if isinstance(fixed, date):
        return Stichtag(fixed, SETTING)
    day = default_stichtag(today)
    return Stichtag(day, TODAY if day == today else LAST_MONTH)
