"""Turn cell values as the reader sees them into typed values, by column kind.

Each converter returns (value, problem): problem is None or a German sentence
saying what is wrong with the cell. Empty cells are (None, None). A problem with a
usable value is a warning (the value was understood); without a value, an error.
"""
from __future__ import annotations

import functools
import math
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from . import schema

EXCEL_EPOCH = date(1899, 12, 30)
CENT = Decimal("0.01")
FLOAT_NOISE = Decimal("1e-9")
# Dates and whole numbers a customer book can mean. Beyond them a value is a typo, and
# the date arithmetic of the rules (due dates, reminders, years ahead) would overflow.
FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2999, 12, 31)
LARGEST_INT = 100_000


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@functools.lru_cache(maxsize=65536)
def money_parts(value: float) -> tuple[Decimal, bool]:
    """(euros rounded half up to cents, whether the value had more than two decimals).
    Through repr to avoid 0.1 noise, and rounded to 1e-9 first: a sum Excel stored as
    0.30000000000000004 has two decimals, not seventeen. Cached: the same prices come
    back again and again."""
    exact = Decimal(repr(value)).quantize(FLOAT_NOISE)
    money = exact.quantize(CENT, rounding=ROUND_HALF_UP)    # kaufmännisch
    return money, money != exact


def to_money(value) -> Decimal:
    """Euros as Decimal with two places, rounded half up (kaufmännisch)."""
    return money_parts(float(value))[0]


def serial_date(kind: str, value):
    """A raw Excel serial number in a date column as a date (for the fallback reader,
    which sees no cell formats); anything else unchanged."""
    number = _number(value)
    if kind == schema.DATE and number is not None and 1 <= number < 2958466:
        return EXCEL_EPOCH + timedelta(days=int(number))
    return value


def _number(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) and math.isfinite(value):
        return value
    return None


def convert(kind: str, value, choices=()):
    if is_empty(value):
        return None, None
    return _CONVERTERS[kind](value, choices)


def converter(kind: str):
    """The converter of a kind, for values already known not to be empty."""
    return _CONVERTERS[kind]


def _text(value, _choices):
    if isinstance(value, float) and value.is_integer():
        return str(int(value)), None     # e.g. a PLZ typed as number
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M"), None
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y"), None
    return str(value).strip(), None


def _date(value, _choices):
    if type(value) is date:          # the common case, as calamine delivers it
        return _plausible(value)
    if isinstance(value, datetime):
        return _plausible(value.date())
    if isinstance(value, date):
        return _plausible(value)
    number = _number(value)
    if number is not None and 1 <= number < 2958466:
        day, problem = _plausible(EXCEL_EPOCH + timedelta(days=int(number)))
        return day, problem or (
            "ist eine Zahl im Datumsfeld; bitte die Zelle als Datum formatieren")
    return None, f"„{value}“ ist kein Datum; bitte als Datum eingeben, z. B. 31.12.2026"


def _plausible(day: date):
    if FIRST_DATE <= day <= LAST_DATE:
        return day, None
    return None, (f"„{day:%d.%m.%Y}“ liegt nicht zwischen {FIRST_DATE:%Y} und "
                  f"{LAST_DATE:%Y}; bitte das Jahr prüfen")


def _time(value, _choices):
    if isinstance(value, time):
        return value, None
    if isinstance(value, datetime):
        return value.time(), None
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        if 0 <= seconds < 86400:
            return time(seconds // 3600, seconds // 60 % 60), None
    number = _number(value)
    if number is not None and 0 <= number < 1:
        minutes = round(number * 1440)
        return time(minutes // 60 % 24, minutes % 60), None
    return None, f"„{value}“ ist keine Uhrzeit; bitte als Uhrzeit eingeben, z. B. 09:30"


def _money(value, _choices):
    number = _number(value)
    if number is None:
        return None, f"„{value}“ ist kein Betrag; bitte als Zahl eingeben, z. B. 1234,56"
    try:
        money, more_decimals = money_parts(float(number))
    except InvalidOperation:
        return None, f"„{value}“ ist kein gültiger Betrag"
    if more_decimals:
        shown = f"{money:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
        typed = f"{number:.15g}".replace(".", ",")
        return money, (f"Betrag „{typed}“ hat mehr als zwei Nachkommastellen; gerechnet "
                       f"wird mit {shown} € (kaufmännisch gerundet)")
    return money, None


def _float(value, _choices):
    number = _number(value)
    if number is None:
        return None, f"„{value}“ ist keine Zahl"
    return float(number), None


def _int(value, _choices):
    number = _number(value)
    if number is None or not float(number).is_integer():
        return None, f"„{value}“ ist keine ganze Zahl"
    if abs(number) > LARGEST_INT:
        largest = f"{LARGEST_INT:,}".replace(",", ".")
        return None, f"„{number:g}“ ist zu groß; erlaubt sind höchstens {largest}"
    return int(number), None


def _yesno(value, _choices):
    if isinstance(value, bool):
        return (schema.YES if value else schema.NO), None
    text = str(value).strip().casefold()
    if text in ("ja", "j", "x", "yes"):
        return schema.YES, None
    if text in ("nein", "n", "no"):
        return schema.NO, None
    return None, f"„{value}“ ist nicht erlaubt; bitte ja oder nein eingeben"


@functools.lru_cache(maxsize=64)
def choice_lookup(choices: tuple) -> tuple[bool, dict]:
    """(all choices are numbers, casefolded text -> choice); shared, do not change."""
    numeric = bool(choices) and all(isinstance(c, int) for c in choices)
    return numeric, {str(c).casefold(): c for c in choices}


def _choice(value, choices):
    numeric, lookup = choice_lookup(tuple(choices))
    if numeric:
        number = _number(value)
        if number is not None and 0 < number < 1 and round(number * 100) in choices:
            number = round(number * 100)   # 19 % formatted as percent reads 0.19
        if number is not None and float(number).is_integer() and int(number) in choices:
            return int(number), None
        allowed = ", ".join(str(c) for c in choices)
        return None, f"„{value}“ ist nicht erlaubt; erlaubt sind {allowed}"
    found = lookup.get(str(value).strip().casefold())
    if found is not None:
        return found, None
    allowed = ", ".join(str(c) for c in choices)
    return None, f"„{value}“ ist nicht erlaubt; erlaubt sind {allowed}"


_CONVERTERS = {
    schema.TEXT: _text, schema.DATE: _date, schema.TIME: _time, schema.MONEY: _money,
    schema.NUMBER: _float, schema.INT: _int, schema.YESNO: _yesno,
    schema.CHOICE: _choice,
}
