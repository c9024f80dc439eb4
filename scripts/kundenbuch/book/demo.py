"""Invented but realistic demo data (``kundenbuch neu --demo``).

Deterministic: the same seed and sizes always give the same workbook, anchored at a
fixed date so that the repository's kundenbuch.xlsx can be regenerated exactly.
All names, addresses and accounts are made up; e-mail domains are the reserved
example.* domains.
"""
from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from schwifty import IBAN

from . import schema

DEMO_STICHTAG = date(2026, 10, 31)   # the demo's "today"; data reaches two years back


@dataclass(frozen=True)
class Size:
    clients: int = 25
    invoices: int = 150
    appointments: int = 60


DEMO = Size()

VORNAMEN = ("Anna", "Bernd", "Clara", "David", "Elif", "Frank", "Greta", "Hannes", "Ida",
            "Jonas", "Katrin", "Lukas", "Mira", "Nils", "Olga", "Paul", "Rosa", "Sven",
            "Tanja", "Uwe", "Vera", "Wolfgang", "Yasmin", "Zoe")
FEMALE = {"Anna", "Clara", "Elif", "Greta", "Ida", "Katrin", "Mira", "Olga", "Rosa", "Tanja",
          "Vera", "Yasmin", "Zoe"}
NACHNAMEN = ("Ahlers", "Brockmann", "Demir", "Eilers", "Fuchsberger", "Grevenbroich",
             "Hollmann", "Iversen", "Jankowski", "Kettler", "Lindqvist", "Mertensen",
             "Nowitzki-Hahn", "Overbeck", "Pasternak", "Quandtmeyer", "Rosenkranz",
             "Sauerbier", "Tillmanns", "Uhlendorf", "Vosskamp", "Wendeborn", "Zimmerlin")
FIRMEN = ("Bäckerei Morgenrot", "Holzwerk Eichenhain GmbH", "Praxis am Lindenplatz",
          "Müller & Söhne <GmbH>", "Café Zuckerguss", "Tischlerei Hobelspan",
          "Blumen Kornfeld KG", "Radhaus Speiche e. K.", "Druckerei Letternsatz",
          "Kanzlei Paragraphos", "Gartenbau Wurzelwerk", "Friseur Scherenschnitt",
          "Elektro Funkenflug GmbH", "Hofladen Sonnenacker")
MORE_FIRMEN = ("Schreinerei Astloch", "Optik Weitblick", "Weinhandel Rebstock",
               "Kfz-Werkstatt Kolbenfresser", "Buchhandlung Eselsohr", "Yogastudio Atemzug",
               "Malerbetrieb Pinselstrich", "Reisebüro Fernweh", "Fotostudio Lichtblick",
               "Hausverwaltung Giebel GmbH", "Physiotherapie Gelenkig",
               "Catering Tafelrunde", "Steinmetz Meißelschlag", "Imkerei Wabenglück")
STRASSEN = ("Lindenallee", "Am Mühlbach", "Gartenstraße", "Birkenweg", "Hafenkante",
            "Kastanienring", "Marktplatz", "Schillerstraße", "Weidenpfad", "Zum Steinbruch")
ORTE = (("50667", "Köln"), ("40213", "Düsseldorf"), ("44135", "Dortmund"),
        ("48143", "Münster"), ("53111", "Bonn"), ("45127", "Essen"), ("52062", "Aachen"),
        ("33602", "Bielefeld"))
LEISTUNGEN = (("Beratung Buchhaltungsorganisation", 480), ("Workshop Digitalisierung", 1200),
              ("Jahresplanung und Budget", 950), ("Prozessanalyse Auftragsabwicklung", 1650),
              ("Coaching Kundengewinnung (4 Std.)", 360), ("Website-Texte Überarbeitung", 540),
              ("Einrichtung Rechnungsvorlagen", 220), ("Schulung Kassenbuch", 180),
              ("Betreuungspauschale Monat", 150), ("Fördermittelantrag Unterstützung", 1400))


def demo_settings() -> dict:
    return {"firma": "Sommer Beratung", "inhaber": "Svenja Sommer",
            "strasse": "Musterweg 12", "plz": "50667", "ort": "Köln",
            "telefon": "0221 23125 001", "email": "kontakt@sommer-beratung.example",
            "steuernummer": "214/5678/1234", "ustid": "DE123456789",
            "iban": str(IBAN.generate("DE", bank_code="37050198", account_code="1234567")),
            "bic": "COLSDE33XXX", "bank": "Sparkasse Köln (Beispiel)",
            # the Bundesbank's published example identifier, not a real creditor
            "glaeubiger_id": "DE98ZZZ09999999999",
            # the consultant and client numbers of DATEV's own published sample file
            "beraternummer": 29098, "mandantennummer": 55003,
            "kleinunternehmer": schema.NO, "bundesland": "NW", "zahltag": None,
            "zahlungsziel_tage": 14, "mahngebuehr": 2.50, "sicherungen_behalten": 30}


def generate(size: Size = DEMO, seed: int = 2026, stichtag: date = DEMO_STICHTAG) -> dict:
    """Table name -> list of row dicts (schema field names), plus the settings."""
    rng = random.Random(seed)
    kunden = _clients(rng, size.clients, stichtag)
    rechnungen = _invoices(rng, size.invoices, kunden, stichtag)
    termine = _appointments(rng, size.appointments, kunden, stichtag)
    if len(kunden) >= 8:
        _occasions(kunden, stichtag)    # after the rest: the invented data stay as they were
    return {schema.KUNDEN.table: kunden, schema.RECHNUNGEN.table: rechnungen,
            schema.POSITIONEN.table: (_lines(rechnungen, kunden, stichtag)
                                      + _quote_lines(stichtag)),
            schema.ABOS.table: _subscriptions(kunden, stichtag),
            schema.ANGEBOTE.table: _quotes(kunden, stichtag),
            schema.KONTAKTE.table: _contacts(kunden, stichtag),
            schema.ZAHLUNGEN.table: _payments(rechnungen, kunden),
            schema.TERMINE.table: termine,
            # The invented data stand on their Stichtag, so every command gives the
            # documented result on any day (README).
            schema.EINSTELLUNGEN.table: {**demo_settings(), "stichtag": stichtag}}


def _clients(rng, count, stichtag):
    clients, names = [], set()
    for number in range(1, count + 1):
        business = rng.random() < 0.55
        plz, ort = rng.choice(ORTE)
        first, last = _distinct(rng.choice(VORNAMEN), rng.choice(NACHNAMEN), names)
        since = stichtag - timedelta(days=rng.randint(20, 2000))
        if number > count - 3:
            since = stichtag - timedelta(days=rng.randint(5, 40))   # brand-new clients
        debit = rng.random() < 0.3
        client = {
            "kundennr": f"K-{number:04d}",
            "anrede": "Firma" if business and rng.random() < 0.3 else (
                "Frau" if first in FEMALE else "Herr"),
            "vorname": first, "nachname": last,
            "firma": _firm(number) if business else None,
            "strasse": f"{rng.choice(STRASSEN)} {rng.randint(1, 120)}",
            "plz": plz, "ort": ort, "land": "DE",
            "email": f"{first.lower()}.{_ascii(last).lower()}{number}@example.org",
            "telefon": f"0{rng.randint(201, 241)} 23125 {number:03d}",
            "kundenart": "Gewerbe" if business else "Privat",
            "ustid": f"DE{rng.randint(100000000, 999999999)}" if business else None,
            "zahlungsart": "Lastschrift" if debit else "Überweisung",
            "quelle": rng.choice(schema.QUELLEN),
            "phase": rng.choice(("Betreuung", "Betreuung", "Umsetzung", "Vertrag",
                                 "Bedarfsanalyse", "Inaktiv")),
            "kunde_seit": since,
            "begruesst_am": since + timedelta(days=2) if number <= count - 3 else None,
        }
        if number > count - 3:
            client["phase"] = rng.choice(("Erstkontakt", "Vertrauen", "Bedarfsanalyse"))
        if debit:
            client["iban"] = str(IBAN.generate("DE", bank_code="37050198",
                                               account_code=str(rng.randint(10**8, 10**9))))
            client["mandatsreferenz"] = f"M-{number:04d}"
            client["mandat_vom"] = since + timedelta(days=3)
        if client["quelle"] == "Empfehlung" and number > 1:
            client["empfohlen_von"] = f"K-{rng.randint(1, number - 1):04d}"
        if rng.random() < 0.4:
            client["einwilligung_newsletter"] = since + timedelta(days=1)
            client["einwilligung_kanal"] = "Formular"
        clients.append(client)
    # The first client has been there from the start, so every invoice date has one.
    clients[0]["kunde_seit"] = stichtag - timedelta(days=2000)
    clients[0]["begruesst_am"] = clients[0]["kunde_seit"] + timedelta(days=2)
    if count >= 5:
        clients[1]["stufe_fest"] = "A"     # a key account fixed by hand
        clients[4]["mahnsperre"] = schema.YES
    return clients


def _occasions(clients, stichtag):
    """Greetings in the month after the Stichtag: a birthday and a fifth anniversary
    (moved back, never after the client's first invoice), both with consent; a client who withdrew consent (no greeting, no advertising);
    the newest client referred by the first (its referrer is thanked)."""
    month = (stichtag.replace(day=1) + timedelta(days=32)).replace(day=12)
    clients[2].update(geburtstag=month.replace(year=1978), einwilligung_gruesse=(
        stichtag - timedelta(days=300)), einwilligung_kanal="Formular")
    clients[3].update(kunde_seit=month.replace(year=month.year - 5, day=20),
                      einwilligung_gruesse=stichtag - timedelta(days=400),
                      einwilligung_kanal="E-Mail")
    clients[6].update(geburtstag=month.replace(year=1969, day=3),
                      einwilligung_gruesse=stichtag - timedelta(days=500),
                      einwilligung_kanal="Brief", widerruf_am=stichtag - timedelta(days=40))
    clients[-1].update(quelle="Empfehlung", empfohlen_von=clients[0]["kundennr"])


def _distinct(first: str, last: str, taken: set) -> tuple[str, str]:
    """The next last name not yet taken with this first name, so that no two invented
    people share a name (without another draw: the rest of the data stays as it was).
    Once every pair is taken (large benchmark books), names repeat."""
    start = NACHNAMEN.index(last)
    for step in range(len(NACHNAMEN)):
        candidate = NACHNAMEN[(start + step) % len(NACHNAMEN)]
        if (first, candidate) not in taken:
            taken.add((first, candidate))
            return first, candidate
    return first, last


def _firm(number: int) -> str:
    """A company name of its own for each of the demo's clients (two clients of one name
    at different addresses would look like a planted duplicate); in the large
    benchmark books names repeat."""
    if number <= len(FIRMEN):
        return FIRMEN[number % len(FIRMEN)]
    return MORE_FIRMEN[(number - len(FIRMEN) - 1) % len(MORE_FIRMEN)]


def _ascii(text):
    for umlaut, plain in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, plain)
    return text.replace(" ", "")


def _invoices(rng, count, clients, stichtag):
    start = stichtag - timedelta(days=730)
    # A few clients bring most revenue (so the ABC analysis has something to show).
    # Clients sorted by start date: those who are clients on a day form a prefix.
    by_start = sorted(clients, key=lambda c: c["kunde_seit"])
    starts = [c["kunde_seit"] for c in by_start]
    cumulative = list(itertools.accumulate(rng.paretovariate(1.2) for _ in by_start))
    dates = sorted(start + timedelta(days=rng.randint(0, 729)) for _ in range(count))
    invoices, per_year = [], {}
    for index, issued in enumerate(dates):
        eligible = bisect.bisect_right(starts, issued)
        pick = bisect.bisect_right(cumulative, rng.random() * cumulative[eligible - 1])
        client = by_start[min(pick, eligible - 1)]
        per_year[issued.year] = per_year.get(issued.year, 0) + 1
        service, price = rng.choice(LEISTUNGEN)
        net = Decimal(price) * Decimal(rng.choice((1, 1, 1, 2, 3))) / Decimal(
            rng.choice((1, 1, 2)))
        rate = 7 if "Schulung" in service and rng.random() < 0.2 else 19
        gross = (net * (100 + rate) / 100).quantize(Decimal("0.01"), ROUND_HALF_UP)
        due = issued + timedelta(days=14)
        invoice = {"rechnungsnr": f"{issued.year}-{per_year[issued.year]:04d}",
                   "kundennr": client["kundennr"], "rechnungsdatum": issued,
                   "leistungsdatum": issued - timedelta(days=rng.randint(0, 10)),
                   "leistung": service, "netto": float(net), "ust_satz": rate,
                   "faellig_am": due if (stichtag - issued).days > 60 else None}
        age = (stichtag - issued).days
        roll = rng.random()
        # Older invoices are mostly paid; a few stay open or partly paid.
        paid_share, partly_share = ((0.92, 0.04) if age > 60 else (0.6, 0.15) if age > 30
                                    else (0.2, 0.0))
        if roll < 0.03:
            invoice["storniert"] = schema.YES
        elif roll < 0.03 + paid_share:
            paid_on = min(due + timedelta(days=rng.randint(-10, 25)), stichtag)
            invoice["bezahlt_am"] = max(paid_on, issued)
            invoice["bezahlt_betrag"] = float(gross)
        elif roll < 0.03 + paid_share + partly_share:
            invoice["bezahlt_am"] = min(issued + timedelta(days=rng.randint(5, 25)), stichtag)
            invoice["bezahlt_betrag"] = float((gross / 2).quantize(Decimal("0.01"), ROUND_HALF_UP))
        if index == count - 1:
            invoice["mahnsperre"] = schema.YES
        invoices.append(invoice)
    _dunning_history(invoices, stichtag)
    return invoices


LINES_EVERY = 40        # one invoice in so many is itemised in Positionen
# 6 h × 95 € + 120 € less 50 % at 19 %, 3 × 24,90 € at 7 %: 749,70 € + 79,93 €
TWO_RATE_GROSS = Decimal("829.63")


def _lines(invoices, clients, stichtag):
    """Lines for some invoices: hours and a flat part at the invoice's rate, adding up
    to its Netto; the newest open invoice of the Stichtag's month to a business client
    instead gets a 7 % line (printed course material) beside its 19 % work, and its
    Netto empty, so the demo shows an invoice at two rates filled from its lines (and,
    the client being a business, a ZUGFeRD e-invoice)."""
    business = {c["kundennr"] for c in clients if c["kundenart"] == "Gewerbe"}
    lines = []
    for index, invoice in enumerate(invoices):
        if index % LINES_EVERY != 7:
            continue
        net = Decimal(str(invoice["netto"]))
        hours = max(1, int(net // 90) // 2)
        rest = net - hours * 90
        number = invoice["rechnungsnr"]
        lines.append({"belegnr": number, "pos": 1, "menge": hours, "einheit": "Std",
                      "beschreibung": f"{invoice['leistung']}: Beratung",
                      "einzelpreis": 90.0})
        if rest:
            lines.append({"belegnr": number, "pos": 2, "menge": 1, "einheit": "pauschal",
                          "beschreibung": "Vor- und Nachbereitung", "einzelpreis": float(rest)})
    month = [i for i in invoices if (i["rechnungsdatum"].year, i["rechnungsdatum"].month)
             == (stichtag.year, stichtag.month) and i["kundennr"] in business
             and not i.get("storniert") and invoices.index(i) % LINES_EVERY != 7]
    if month:
        invoice = month[-1]
        gross_before = (Decimal(str(invoice["netto"])) * (100 + invoice["ust_satz"]) / 100
                        ).quantize(Decimal("0.01"), ROUND_HALF_UP)
        invoice["netto"], invoice["ust_satz"], invoice["leistung"] = (
            None, None, "Workshop Buchhaltung mit Unterlagen")
        if invoice.get("bezahlt_betrag"):       # paid in full or in half, as before
            share = 1 if invoice["bezahlt_betrag"] >= float(gross_before) else 0.5
            invoice["bezahlt_betrag"] = round(float(TWO_RATE_GROSS) * share, 2)
        number = invoice["rechnungsnr"]
        lines += [
            {"belegnr": number, "pos": 1, "menge": 6, "einheit": "Std",
             "beschreibung": "Workshop Buchhaltung", "einzelpreis": 95.0, "ust_satz": 19},
            {"belegnr": number, "pos": 2, "menge": 1, "einheit": "pauschal",
             "beschreibung": "Vorbereitung", "einzelpreis": 120.0, "ust_satz": 19,
             "rabatt": 50},
            {"belegnr": number, "pos": 3, "menge": 3, "einheit": "Stk",
             "beschreibung": "Handbuch „Buchhaltung kompakt“ (gedruckt)",
             "einzelpreis": 24.90, "ust_satz": 7}]
    return lines


def _business_clients(clients) -> list:
    return [c for c in clients if c["kundenart"] == "Gewerbe"]


def _subscriptions(clients, stichtag):
    """A monthly flat fee and a quarterly website service, both starting after the
    Stichtag: the next month-end bills the first (README)."""
    business = _business_clients(clients)
    first = date(stichtag.year + stichtag.month // 12, stichtag.month % 12 + 1, 1)
    return [
        {"abonr": "A-1", "kundennr": business[0]["kundennr"],
         "leistung": "Betreuungspauschale", "netto": 150.0, "ust_satz": 19,
         "rhythmus": "monatlich", "beginn": first},
        {"abonr": "A-2", "kundennr": business[1 % len(business)]["kundennr"],
         "leistung": "Wartung Website", "netto": 240.0, "ust_satz": 19,
         "rhythmus": "vierteljährlich", "beginn": first + timedelta(days=30)},
    ]


QUOTE_OPEN, QUOTE_LATER = "AN-2026-002", "AN-2026-003"


def _quotes(clients, stichtag):
    """A declined quote, an open one with lines (followed up by the next month-end, as
    it lapses before the one after), and one to accept (README: angebot annehmen)."""
    business = _business_clients(clients)
    return [
        {"angebotsnr": "AN-2026-001", "kundennr": business[2 % len(business)]["kundennr"],
         "angebotsdatum": stichtag - timedelta(days=50), "leistung": "Workshop Digitalisierung",
         "netto": 1200.0, "ust_satz": 19, "status": "abgelehnt"},
        {"angebotsnr": QUOTE_OPEN, "kundennr": business[0]["kundennr"],
         "angebotsdatum": stichtag - timedelta(days=3),
         "gueltig_bis": stichtag + timedelta(days=45),
         "leistung": "Einführung Buchhaltungssoftware", "status": "offen"},
        {"angebotsnr": QUOTE_LATER, "kundennr": business[1 % len(business)]["kundennr"],
         "angebotsdatum": stichtag - timedelta(days=3),
         "gueltig_bis": stichtag + timedelta(days=75),
         "leistung": "Coaching Kundengewinnung (4 Std.)", "netto": 480.0, "ust_satz": 19,
         "status": "offen"},
    ]


def _contacts(clients, stichtag):
    """A few contacts: a call done, a meeting and an e-mail with follow-ups in the
    coming week (the demo passes its own checks: none is overdue at the Stichtag)."""
    business = _business_clients(clients)
    return [
        {"datum": stichtag - timedelta(days=20), "kundennr": business[0]["kundennr"],
         "kanal": "Telefon", "anlass": "Angebot besprochen",
         "notiz": "wünscht Schulung für zwei Personen", "erledigt": schema.YES},
        {"datum": stichtag - timedelta(days=6), "kundennr": business[1 % len(business)][
            "kundennr"], "kanal": "Treffen", "anlass": "Jahresgespräch",
         "notiz": "Unterlagen zur Förderung zusenden",
         "wiedervorlage": stichtag + timedelta(days=2)},
        {"datum": stichtag - timedelta(days=1), "kundennr": clients[0]["kundennr"],
         "kanal": "E-Mail", "anlass": "Rückfrage Rechnung",
         "notiz": "Zahlungsplan anbieten", "wiedervorlage": stichtag + timedelta(days=5)},
    ]


def _quote_lines(stichtag):
    return [
        {"belegnr": QUOTE_OPEN, "pos": 1, "menge": 8, "einheit": "Std",
         "beschreibung": "Einrichtung und Schulung", "einzelpreis": 95.0, "ust_satz": 19},
        {"belegnr": QUOTE_OPEN, "pos": 2, "menge": 1, "einheit": "Stk",
         "beschreibung": "Handbuch „Buchhaltung kompakt“ (gedruckt)", "einzelpreis": 24.90,
         "ust_satz": 7},
    ]


def _payments(invoices, clients):
    """Each payment of the invoices as the bank statement shows it (a row of Zahlungen);
    the invoices keep Bezahlt am and Bezahlt Betrag as kundenbuch writes them."""
    by_number = {c["kundennr"]: c for c in clients}
    payments = []
    for invoice in sorted((i for i in invoices if i.get("bezahlt_betrag")),
                          key=lambda i: (i["bezahlt_am"], i["rechnungsnr"])):
        client = by_number[invoice["kundennr"]]
        debit = client.get("zahlungsart") == "Lastschrift"
        payments.append({
            "datum": invoice["bezahlt_am"], "betrag": invoice["bezahlt_betrag"],
            "kundennr": client["kundennr"], "rechnungsnr": invoice["rechnungsnr"],
            "art": "Lastschrift" if debit else "Überweisung",
            "auftraggeber": client.get("firma") or f"{client.get('vorname') or ''} "
                                                   f"{client['nachname']}".strip(),
            "iban": client.get("iban"),
            "verwendungszweck": f"Rechnung {invoice['rechnungsnr']}",
            "buchungs_id": f"DEMO-{invoice['rechnungsnr']}"})
    return payments


def _dunning_history(invoices, stichtag):
    """Some open invoices already got a reminder, one a first Mahnung."""
    unpaid = [i for i in invoices if not i.get("bezahlt_betrag") and not i.get("storniert")
              and 45 <= (stichtag - i["rechnungsdatum"]).days <= 150]
    for level, invoice in zip((1, 1, 2), unpaid[::2]):
        due = invoice["rechnungsdatum"] + timedelta(days=14)
        invoice["mahnstufe"] = level
        invoice["gemahnt_am"] = due + timedelta(days=10 + 14 * (level - 1))


APPOINTMENT_KINDS = (("Beratung", 0.35), ("Jahrescheck", 0.12), ("Rückruf", 0.15),
                     ("Lieferfrist", 0.13), ("Fahrt", 0.15), ("Sonstiges", 0.10))


def _appointments(rng, count, clients, stichtag):
    import holidays  # imported here: only the demo needs it at creation time
    free = holidays.country_holidays("DE", subdiv="NW", years=range(
        stichtag.year - 1, stichtag.year + 2))
    kinds, weights = zip(*APPOINTMENT_KINDS)
    day = stichtag - timedelta(days=120)
    per_day = -(-count // 120)          # large books: several appointments a day
    appointments = []
    while len(appointments) < count:
        day += timedelta(days=rng.choice((1, 1, 2, 3)) if per_day == 1 else 1)
        if day.weekday() >= 5 or day in free:
            continue
        for _ in range(min(per_day, count - len(appointments))):
            appointments.append(_appointment(rng, day, stichtag, clients, kinds, weights))
    return appointments


def _appointment(rng, day, stichtag, clients, kinds, weights):
    kind = rng.choices(kinds, weights)[0]
    client = rng.choice(clients)
    past = day <= stichtag
    item = {"datum": day, "kundennr": client["kundennr"], "art": kind,
            "erledigt": schema.YES if past else schema.NO}
    if kind in ("Beratung", "Jahrescheck"):
        hour = rng.choice((9, 10, 13, 15))
        item.update(beginn=time(hour, 0), ende=time(hour + 1, 30),
                    betreff=f"{kind} {client['firma'] or client['nachname']}",
                    ort=rng.choice(("Büro", "beim Kunden", "Videocall")))
    elif kind == "Rückruf":
        item.update(beginn=time(rng.choice((11, 16)), 0),
                    betreff=f"Rückruf {client['nachname']}: Rückfrage zum Angebot")
    elif kind == "Lieferfrist":
        item.update(betreff="Abgabe Konzept", erledigt=schema.YES if past else schema.NO)
    elif kind == "Fahrt":
        item.update(beginn=time(8, 0), ende=time(8, 45), ort=client["ort"],
                    km=rng.randint(8, 140), betreff=f"Fahrt zu {client['kundennr']}")
    else:
        item.update(kundennr=None, betreff=rng.choice(
            ("Netzwerktreffen IHK", "Steuerunterlagen sortieren", "Fortbildung")))
    return item
