"""Consent and its withdrawal (DSGVO Art. 6, 7 and 21, § 7 UWG). Pure.

A consent counts from its date; "Widerruf am" ends every consent given before it and
objects to advertising (Art. 21 Abs. 3 DSGVO). A consent dated after a withdrawal
counts again: the client changed their mind. Every command asks here before it makes
a letter that is not needed for the contract itself.
"""
from __future__ import annotations

from datetime import date

# Letters that serve the relationship, not the contract: none after a withdrawal.
# (A satisfaction request and an invitation count as advertising, BGH VI ZR 225/17.)
ADVERTISING_KINDS = frozenset({"dank", "jahrescheck", "gruss", "zufriedenheit",
                               "empfehlungsdank"})


def withdrawn(client, day: date) -> date | None:
    """The date of a withdrawal in force on the day, else None."""
    when = client.get("widerruf_am")
    return when if isinstance(when, date) and when <= day else None


def _given(client, field: str, day: date) -> bool:
    given = client.get(field)
    if not isinstance(given, date) or given > day:
        return False
    stop = withdrawn(client, day)
    return stop is None or given > stop


def allows_newsletter(client, day: date) -> bool:
    return _given(client, "einwilligung_newsletter", day)


def allows_greetings(client, day: date) -> bool:
    return _given(client, "einwilligung_gruesse", day)


def allows_advertising(client, day: date) -> bool:
    """No objection in force: invitations, thanks and satisfaction letters may go. A
    newer consent (to greetings or the newsletter) lifts an older objection."""
    stop = withdrawn(client, day)
    if stop is None:
        return True
    return any(isinstance(client.get(f), date) and stop < client.get(f) <= day
               for f in ("einwilligung_gruesse", "einwilligung_newsletter"))


def letter_allowed(letter_kind: str, client, day: date) -> bool:
    return letter_kind not in ADVERTISING_KINDS or allows_advertising(client, day)
