"""A year of month-ends on the demo book, every letter read as the client reads it (#20):
no date a letter announces (an appointment, a deadline, a window for a date) lies
before the letter's own date, no appointment kundenbuch adds to Termine lies in the
past, and an invitation goes out once plus at most one follow-up."""
from __future__ import annotations

import calendar
import re
from collections import Counter
from datetime import date

from docx import Document

from kundenbuch.book.reader import read_book

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember")
LONG_DATE = re.compile(r"(\d{1,2})\. (" + "|".join(MONTHS) + r") (\d{4})")
# Where a letter announces a date: a plan line, a deadline, a window for an appointment.
ANNOUNCED = re.compile(r"(?:^• |bis zum |bis spätestens )(\d{1,2}\. \w+ \d{4})")


def long_date(text: str) -> date:
    day, month, year = LONG_DATE.fullmatch(text).groups()
    return date(int(year), MONTHS.index(month) + 1, int(day))


def month_ends(first: date, count: int) -> list[date]:
    days, year, month = [], first.year, first.month
    for _ in range(count):
        days.append(date(year, month, calendar.monthrange(year, month)[1]))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return days


def paragraphs(path) -> list[str]:
    document = Document(str(path))
    return [p.text for p in document.paragraphs]


def test_a_year_of_month_ends_announces_no_date_in_the_past(cli, demo_path):
    seen, invitations = set(), Counter()
    for day in month_ends(date(2026, 10, 31), 12):
        before = len(read_book(demo_path).termine)
        result = cli("monatsabschluss", demo_path, "--stichtag", day, "--briefdatum", day)
        assert result.exit_code in (0, 1), result.output
        added = read_book(demo_path).termine[before:]
        assert all(t["datum"] >= day for t in added), (day, [t["datum"] for t in added])
        for path in sorted((demo_path.parent / "briefe").rglob("*.docx")):
            if path in seen or path.name.startswith("Rechnung_"):
                continue
            seen.add(path)
            lines = paragraphs(path)
            if "Jahrescheck" in path.name:
                client = path.name.split("_")[2]
                invitations[client] += 1
                follow_up = any("hatten wir Sie zu Ihrem Jahrescheck eingeladen" in line
                                for line in lines)
                assert follow_up == (invitations[client] == 2), path.name
            for line in lines:
                for announced in ANNOUNCED.findall(line):
                    assert long_date(announced) >= day, (path.name, line)
    assert seen, "a year of month-ends made no letter"
    assert invitations and max(invitations.values()) <= 2, invitations
