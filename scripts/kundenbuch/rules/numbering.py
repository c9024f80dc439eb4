"""The next number in the book's own scheme (§ 14 Abs. 4 Nr. 4 UStG: unique and
sequential): detected from the numbers there are, e.g. 2026-0042 -> 2026-0043, RE-17 ->
RE-18; a year in the prefix follows the new document's year (2026-0042 -> 2027-0001).
Never one that exists already."""
from __future__ import annotations

import re
from datetime import date

_RUNNING_NUMBER = re.compile(r"(.*?)(\d+)")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")


def split_number(number) -> tuple[str, int] | None:
    """'2025-0042' -> ('2025-', 42): the running number is the trailing digits."""
    match = _RUNNING_NUMBER.fullmatch(str(number).strip())
    if not match:
        return None
    return match.group(1), int(match.group(2))


def next_number(numbers, day: date, default_prefix: str = "{year}-", width: int = 4,
                taken=()) -> str:
    """The number after the newest of `numbers` (the last typed), for a document dated
    `day`; taken: numbers handed out in this run already."""
    existing = {str(n).strip() for n in numbers if n is not None} | set(taken)
    split = [parts + (len(str(n).strip()) - len(parts[0]),)
             for n in numbers if n is not None and (parts := split_number(n))]
    if split:
        prefix, _, width = split[-1]
    else:
        prefix = default_prefix.format(year=day.year)
    year = _YEAR.search(prefix)
    if year and year.group(1) != str(day.year):
        prefix = prefix[:year.start()] + str(day.year) + prefix[year.end():]
    used = [n for p, n, _ in split if p == prefix]
    used += [parts[1] for t in taken if (parts := split_number(t)) and parts[0] == prefix]
    counter = max(used, default=0) + 1
    while True:
        candidate = f"{prefix}{counter:0{width}d}"
        if candidate not in existing:
            return candidate
        counter += 1
