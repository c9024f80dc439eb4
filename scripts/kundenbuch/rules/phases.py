"""The customer process, proposed from what the book shows, and the clients it lost
sight of. Pure.

The facts move a client along: first contact → quote sent (Empfehlung) → quote
accepted (Vertrag) → first invoice (Umsetzung) → paid, then regular (Betreuung); no
activity for `Inaktiv nach Tagen` → Inaktiv. Vertrauen and Bedarfsanalyse are
conversations the book cannot see: a phase typed by hand that lies ahead of the facts
stays. Kunden changes only when the user takes the proposals over.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..book import schema
from .consent import allows_advertising
from .amounts import ZERO
from .receivables import CANCELLED, PAID, LATE_DAMAGES

INACTIVE = "Inaktiv"
# A client set to Inaktiv by hand counts as active again after something this recent.
REACTIVATION_DAYS = 90
ORDER = [p for p in schema.PHASEN if p != INACTIVE]

# What to do next for a client of this phase who was not heard from for too long.
NEXT_STEP = {
    "Erstkontakt": "nachfragen, ob noch Interesse besteht; Kennenlerngespräch anbieten",
    "Vertrauen": "etwas Nützliches schicken (Referenz, Fachbeitrag), Gespräch anbieten",
    "Bedarfsanalyse": "Ergebnis der Bedarfsanalyse zusammenfassen, Angebot ankündigen",
    "Empfehlung": "zum Angebot nachfassen: Fragen klären, Angebot anpassen",
    "Vertrag": "Starttermin vereinbaren und den nächsten Schritt bestätigen",
    "Umsetzung": "vom Stand der Arbeit berichten, Liefertermin bestätigen",
    "Betreuung": "melden, ohne etwas zu verkaufen: Jahrescheck oder kurzer Anruf",
}
NO_ADVERTISING = "Widerspruch gegen Werbung: nur melden, wenn der Kunde fragt"


@dataclass(frozen=True)
class PhaseProposal:
    client: object
    typed: str                    # what Kunden says ("" = nothing)
    facts: str                    # what the book shows
    proposed: str
    reason: str
    last_activity: date | None

    @property
    def number(self) -> str:
        return self.client["kundennr"]

    @property
    def change(self) -> str:
        return "" if self.proposed == self.typed else f"{self.typed or '–'} → {self.proposed}"


@dataclass(frozen=True)
class Dormant:
    client: object
    phase: str
    last_activity: date
    days: int
    next_step: str


def _by_client(records, field: str = "kundennr") -> dict:
    grouped = {}
    for record in records:
        if record[field]:
            grouped.setdefault(record[field], []).append(record)
    return grouped


def last_activities(stichtag: date, *dated) -> dict:
    """Kundennr -> the latest day on or before the Stichtag of any dated row:
    dated is (records, date field) pairs (invoices, appointments, contacts, …)."""
    last = {}
    for records, field in dated:
        for record in records:
            day, number = record[field], record["kundennr"]
            if number and isinstance(day, date) and day <= stichtag:
                if number not in last or day > last[number]:
                    last[number] = day
    return last


def _issued(state) -> date:
    return state.invoice["rechnungsdatum"]


def from_facts(quotes, states, subscriptions, stichtag: date) -> tuple[str, str]:
    """(phase, why) from one client's quotes, invoice states and subscriptions."""
    states = [s for s in states if s.status != CANCELLED and s.gross > ZERO
              and s.invoice["rechnungsdatum"] and s.invoice["rechnungsdatum"] <= stichtag]
    paid = [s for s in states if s.status in (PAID, LATE_DAMAGES)]
    running = [a for a in subscriptions if a["beginn"] and a["beginn"] <= stichtag
               and not (a["ende"] and a["ende"] < stichtag)]
    if len(paid) >= 2 or (paid and running):
        return "Betreuung", (f"Stammkunde: {len(paid)} bezahlte Rechnungen"
                             + (", laufendes Abo" if running else ""))
    if paid:
        return "Betreuung", f"erste Rechnung {paid[0].number} bezahlt"
    if states:
        first = min(states, key=_issued)
        return "Umsetzung", (f"erste Rechnung {first.number} vom "
                             f"{first.invoice['rechnungsdatum']:%d.%m.%Y}")
    quotes = sorted((q for q in quotes if q["angebotsdatum"] and q["angebotsdatum"] <= stichtag),
                    key=lambda q: q["angebotsdatum"])
    accepted = [q for q in quotes if q["status"] == "angenommen"]
    if accepted:
        return "Vertrag", f"Angebot {accepted[-1]['angebotsnr']} angenommen"
    if quotes:
        return "Empfehlung", (f"Angebot {quotes[-1]['angebotsnr']} vom "
                              f"{quotes[-1]['angebotsdatum']:%d.%m.%Y} verschickt")
    return "Erstkontakt", "noch kein Angebot und keine Rechnung"


def propose(clients, states, quotes, subscriptions, last_activity: dict, settings,
            stichtag: date, erased=frozenset()) -> list[PhaseProposal]:
    """One proposal per client. states: the receivables' invoice states; erased: the
    Kundennr erased on request, who stay Inaktiv whatever their kept invoices show."""
    inactive_after = settings.get("inaktiv_nach_tagen", 730)
    states_of, quotes_of = {}, _by_client(quotes)
    for state in states:
        states_of.setdefault(state.invoice["kundennr"], []).append(state)
    subscriptions_of = _by_client(subscriptions)
    proposals = []
    for client in clients:
        number = client["kundennr"]
        if not number:
            continue
        typed = client["phase"] or ""
        facts, why = from_facts(quotes_of.get(number, []), states_of.get(number, []),
                                subscriptions_of.get(number, []), stichtag)
        last = last_activity.get(number) or client["kunde_seit"]
        idle = (stichtag - last).days if last else None
        if str(number) in erased:
            proposed, why, facts = INACTIVE, "auf Wunsch gelöscht (Art. 17 DSGVO)", INACTIVE
        elif inactive_after and idle is not None and idle > inactive_after:
            proposed, why = INACTIVE, (f"seit {idle} Tagen kein Angebot, keine Rechnung, "
                                       "kein Termin und kein Kontakt")
            facts = INACTIVE
        elif typed == INACTIVE:
            active = last_activity.get(number)
            if active is not None and (stichtag - active).days <= REACTIVATION_DAYS:
                proposed, why = facts, f"wieder aktiv am {active:%d.%m.%Y}: {why}"
            else:
                proposed, why = typed, "von Hand gesetzt; seitdem nichts Neues"
        elif typed in ORDER and ORDER.index(typed) > ORDER.index(facts):
            proposed, why = typed, f"von Hand gesetzt; die Daten zeigen {facts} ({why})"
        else:
            proposed = facts
        proposals.append(PhaseProposal(client, typed, facts, proposed, why, last))
    return proposals


def dormant(proposals, settings, stichtag: date) -> list[Dormant]:
    """Clients not heard from for longer than their phase allows (Einstellungen
    "Ruhend <Phase> (Tage)"), longest first, each with the next step."""
    found = []
    for proposal in proposals:
        phase = proposal.typed or proposal.proposed
        limit = settings.get("ruhend_" + phase.lower())
        last = proposal.last_activity
        if phase == INACTIVE or limit is None or last is None:
            continue
        days = (stichtag - last).days
        if days > limit:
            step = (NEXT_STEP.get(phase, "")
                    if allows_advertising(proposal.client, stichtag) else NO_ADVERTISING)
            found.append(Dormant(proposal.client, phase, last, days, step))
    return sorted(found, key=lambda d: (-d.days, d.client["kundennr"]))
