"""Customer tiers (ABC analysis), service promises and the customer journey. Pure.

Revenue: net amounts of the invoices dated in the 12 months before the Stichtag
(paid and open; cancelled ones excluded). Clients are ranked by revenue; a client's
tier is the first tier whose `Umsatzanteil bis` is above the cumulative share reached
before it, so the biggest client is always in the top tier. Equal revenue, equal tier.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from ..book import schema
from .amounts import ZERO, euro
from .consent import allows_advertising, allows_newsletter

YEAR = timedelta(days=365)
SOON_DAYS = 30              # a promise due within this many days is listed as "bald"
THANKS_WITHIN_DAYS = 60     # a thank-you follows a first payment of the last 60 days


@dataclass(frozen=True)
class TierRow:
    name: str
    share_up_to: float
    callback_days: int | None
    annual_check: bool
    newsletter: str


@dataclass
class ClientTier:
    client: object
    revenue: Decimal
    share: float
    cumulative: float
    computed: str                 # by revenue alone
    proposed: str                 # after fixed tier, referral uplift, first-year rule
    in_force: str                 # what Kunden says now (Stufe fest, else Stufe)
    reasons: list[str] = field(default_factory=list)

    @property
    def number(self) -> str:
        return self.client["kundennr"]

    @property
    def change(self) -> str:
        if self.proposed == self.in_force:
            return ""
        return f"{self.in_force or '–'} → {self.proposed}"


@dataclass(frozen=True)
class Promise:
    client: object
    tier: str
    what: str                     # Jahrescheck, Rückruf, Newsletter
    state: str                    # "überfällig", "bald fällig", "fehlt"
    due: date | None
    detail: str


@dataclass
class Journey:
    thanks_due: list              # clients whose first invoice is paid, no thank-you yet
    sources: list                 # (Quelle, clients, revenue 12 months)


@dataclass(frozen=True)
class Referral:
    client: object                # the referrer
    referred: list                # the clients with Empfohlen von = this client
    revenue: Decimal              # their net revenue of the 12 months before the Stichtag
    revenue_total: Decimal        # their net revenue up to the Stichtag


@dataclass
class TierAnalysis:
    stichtag: date
    clients: list[ClientTier]
    promises: list[Promise]
    journey: Journey
    total_revenue: Decimal
    # the customer process (rules/phases.py), where the run computed the receivables
    phases: list = field(default_factory=list)
    dormant: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    monthly: list = field(default_factory=list)     # (JJJJ-MM, revenue, invoices)

    @property
    def per_phase(self) -> dict:
        """Phase -> clients: by the phase in Kunden, else the proposal (where the run
        made proposals), else Erstkontakt."""
        if self.phases:
            return count_phases(p.typed or p.proposed for p in self.phases)
        return count_phases(t.client["phase"] or "Erstkontakt" for t in self.clients)

    def annual_checks_due(self) -> list[Promise]:
        return [p for p in self.promises if p.what == "Jahrescheck"]


def tier_rows(records) -> list[TierRow]:
    rows = []
    for record in records:
        if not record["stufe"] or record["umsatzanteil_bis"] is None:
            continue
        share = record["umsatzanteil_bis"]
        share = share / 100 if share > 1 else share          # 80 typed for 80 %
        rows.append(TierRow(record["stufe"], share, record["rueckruf_binnen_tagen"],
                            record["jahrescheck"] == schema.YES,
                            record["newsletter"] or "keiner"))
    return sorted(rows, key=lambda r: r.share_up_to)


def is_revenue(invoice, stichtag: date) -> bool:
    """An invoice that counts as revenue up to the Stichtag: dated, with its Netto, not
    marked cancelled (a credit note counts, lowering it)."""
    issued = invoice["rechnungsdatum"]
    return (issued is not None and issued <= stichtag and invoice["netto"] is not None
            and invoice["storniert"] != schema.YES)


def revenue_by_client(invoices, stichtag: date, since: date | None = None) -> dict:
    """Kundennr -> net revenue of the invoices dated after `since` (default: the 12
    months before the Stichtag; date.min: all) up to the Stichtag."""
    since = stichtag - YEAR if since is None else since
    revenue = {}
    for invoice in invoices:
        if is_revenue(invoice, stichtag) and invoice["rechnungsdatum"] > since:
            number = invoice["kundennr"]
            revenue[number] = revenue.get(number, ZERO) + invoice["netto"]
    return revenue


def revenue_by_month(invoices, stichtag: date, months: int = 12) -> list:
    """(JJJJ-MM, net revenue, invoices) of the months up to the Stichtag's, oldest
    first: invoices dated up to the Stichtag, cancelled ones left out, credit notes
    lowering their month (as revenue_by_client counts them)."""
    labels = []
    year, month = stichtag.year, stichtag.month
    for _ in range(months):
        labels.append(f"{year}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    totals = {label: [ZERO, 0] for label in labels}
    for invoice in invoices:
        if not is_revenue(invoice, stichtag):
            continue
        issued = invoice["rechnungsdatum"]
        entry = totals.get(f"{issued.year}-{issued.month:02d}")
        if entry is not None:
            entry[0] += invoice["netto"]
            entry[1] += 1
    return [(label, *totals[label]) for label in reversed(labels)]


def classify(revenues: list[tuple[str, Decimal]], rows: list[TierRow]) -> dict:
    """Kundennr -> (tier, share, cumulative share). revenues: all clients, any order."""
    ranked = sorted(revenues, key=lambda item: (-item[1], item[0]))
    total = sum((r for _, r in ranked), ZERO)
    result, reached, previous = {}, 0.0, None
    last = rows[-1].name if rows else ""
    for number, revenue in ranked:
        share = float(revenue / total) if total > 0 else 0.0
        if revenue <= 0:
            tier = last
        elif previous is not None and revenue == previous[0]:
            tier = previous[1]                             # ties share a tier
        else:
            tier = next((r.name for r in rows if reached < r.share_up_to), last)
        reached += share
        result[number] = (tier, share, reached)
        previous = (revenue, tier)
    return result


def _lift(tier: str, names: list[str]) -> str:
    index = names.index(tier) if tier in names else len(names) - 1
    return names[max(0, index - 1)]


def analyse(clients, invoices, tier_records, appointments, settings, stichtag: date,
            thanked: set | None = None) -> TierAnalysis:
    rows = tier_rows(tier_records)
    names = [r.name for r in rows]
    revenue = revenue_by_client(invoices, stichtag)
    numbers = [c["kundennr"] for c in clients if c["kundennr"]]
    classes = classify([(n, revenue.get(n, ZERO)) for n in numbers], rows)
    brought_by = referrals(clients, invoices, revenue, stichtag)
    referred = {r.client["kundennr"]: r.revenue for r in brought_by}
    uplift_from = Decimal(str(settings.get("empfehlung_aufstieg_ab", 1000)))
    newcomer_floor = settings.get("neukunden_mindestens", "B")
    results = []
    for client in clients:
        number = client["kundennr"]
        if not number:
            continue
        computed, share, cumulative = classes[number]
        proposed, reasons = computed, []
        brought = referred.get(number, ZERO)
        if brought >= uplift_from and brought > 0 and names:
            lifted = _lift(proposed, names)
            if lifted != proposed:
                reasons.append(f"Empfehlungen brachten {euro(referred[number])} Umsatz: "
                               f"eine Stufe höher")
                proposed = lifted
        since = client["kunde_seit"]
        if (since and stichtag - YEAR < since <= stichtag and newcomer_floor in names
                and names.index(proposed) > names.index(newcomer_floor)):
            reasons.append(f"Neukunde seit {since:%d.%m.%Y}: im ersten Jahr mindestens "
                           f"{newcomer_floor}")
            proposed = newcomer_floor
        if client["stufe_fest"]:
            if client["stufe_fest"] != proposed:
                reasons.append(f"Stufe fest: {client['stufe_fest']}")
            proposed = client["stufe_fest"]
        in_force = client["stufe_fest"] or client["stufe"] or ""
        if not reasons and proposed != in_force:
            reasons.append(f"Umsatzanteil kumuliert {cumulative:.0%}")
        results.append(ClientTier(client, revenue.get(number, ZERO), share, cumulative,
                                  computed, proposed, in_force, reasons))
    results.sort(key=lambda t: (-t.revenue, t.number))
    rows_by_name = {r.name: r for r in rows}
    by_client = {}                      # one pass instead of one per client
    for appointment in appointments:
        by_client.setdefault(appointment["kundennr"], []).append(appointment)
    promises = []
    for tier in results:
        row = rows_by_name.get(tier.in_force or tier.proposed)
        if row is not None:
            promises += check_promises(tier.client, row,
                                       by_client.get(tier.number, []), stichtag)
    journey = customer_journey(clients, invoices, stichtag, revenue, thanked or set())
    return TierAnalysis(stichtag, results, promises, journey, sum(revenue.values(), ZERO),
                        referrals=brought_by,
                        monthly=revenue_by_month(invoices, stichtag))


def referrals(clients, invoices, revenue: dict, stichtag: date) -> list[Referral]:
    """Every client who referred others (Empfohlen von), most revenue brought first."""
    by_number = {c["kundennr"]: c for c in clients if c["kundennr"]}
    total = revenue_by_client(invoices, stichtag, since=date.min)
    referred = {}
    for client in clients:
        referrer = client["empfohlen_von"]
        if referrer in by_number and referrer != client["kundennr"]:
            referred.setdefault(referrer, []).append(client)
    found = [Referral(by_number[number], brought,
                      sum((revenue.get(c["kundennr"], ZERO) for c in brought), ZERO),
                      sum((total.get(c["kundennr"], ZERO) for c in brought), ZERO))
             for number, brought in referred.items()]
    return sorted(found, key=lambda r: (-r.revenue_total, r.client["kundennr"]))


def check_promises(client, row: TierRow, appointments, stichtag: date) -> list[Promise]:
    number = client["kundennr"]
    own = [a for a in appointments if a["kundennr"] == number and a["datum"]]
    found = []
    if row.annual_check:
        done = [a["datum"] for a in own if a["art"] == "Jahrescheck"
                and a["erledigt"] == schema.YES and a["datum"] <= stichtag]
        planned = [a["datum"] for a in own if a["art"] == "Jahrescheck"
                   and a["erledigt"] != schema.YES and a["datum"] >= stichtag]
        due = (max(done) + YEAR) if done else (client["kunde_seit"] or stichtag) + YEAR
        if planned:
            pass                                            # already on the calendar
        elif due < stichtag:
            found.append(Promise(client, row.name, "Jahrescheck", "überfällig", due,
                                 "kein erledigter Jahrescheck in den letzten 12 Monaten"))
        elif (due - stichtag).days <= SOON_DAYS:
            found.append(Promise(client, row.name, "Jahrescheck", "bald fällig", due,
                                 "bitte Termin vereinbaren"))
    if row.callback_days is not None:
        for call in own:
            if call["art"] != "Rückruf" or call["erledigt"] == schema.YES:
                continue
            due = call["datum"] + timedelta(days=row.callback_days)
            if due < stichtag:
                found.append(Promise(client, row.name, "Rückruf", "überfällig", due,
                                     f"Rückruf vom {call['datum']:%d.%m.%Y} offen "
                                     f"(versprochen binnen {row.callback_days} Tagen)"))
            elif due <= stichtag + timedelta(days=1):
                found.append(Promise(client, row.name, "Rückruf", "bald fällig", due,
                                     f"Rückruf vom {call['datum']:%d.%m.%Y}"))
    if (row.newsletter != "keiner" and client["phase"] != "Inaktiv"
            and allows_advertising(client, stichtag)):     # a withdrawal ends the promise
        if not allows_newsletter(client, stichtag):
            found.append(Promise(client, row.name, "Newsletter", "fehlt", None,
                                 f"{row.newsletter}-Newsletter nur mit Einwilligung; "
                                 "keine eingetragen"))
        elif row.newsletter == "E-Mail" and not client["email"]:
            found.append(Promise(client, row.name, "Newsletter", "fehlt", None,
                                 "E-Mail-Newsletter, aber keine E-Mail-Adresse"))
    return found


def count_phases(phases) -> dict:
    """Phase -> clients, every phase listed (in the order of the process)."""
    counts = {phase: 0 for phase in schema.PHASEN}
    for phase in phases:
        counts[phase] = counts.get(phase, 0) + 1
    return counts


def customer_journey(clients, invoices, stichtag, revenue, thanked: set) -> Journey:
    first_invoice = {}                  # Kundennr -> earliest valid invoice
    for invoice in invoices:
        if invoice["rechnungsdatum"] and invoice["storniert"] != schema.YES:
            known = first_invoice.get(invoice["kundennr"])
            if known is None or invoice["rechnungsdatum"] < known["rechnungsdatum"]:
                first_invoice[invoice["kundennr"]] = invoice
    thanks_due = []
    for client in clients:
        first = first_invoice.get(client["kundennr"])
        paid = first["bezahlt_am"] if first is not None else None
        if (paid and stichtag - timedelta(days=THANKS_WITHIN_DAYS) < paid <= stichtag
                and client["kundennr"] not in thanked):
            thanks_due.append(client)
    sources = {}
    for client in clients:
        source = client["quelle"] or "unbekannt"
        count, total = sources.get(source, (0, ZERO))
        sources[source] = (count + 1, total + revenue.get(client["kundennr"], ZERO))
    ranked = sorted(((s, n, r) for s, (n, r) in sources.items()), key=lambda x: (-x[2], x[0]))
    return Journey(thanks_due, ranked)
