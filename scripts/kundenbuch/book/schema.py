"""The workbook contract (shared/kundenbuch-format.md) described once.

This is the only module where a German header meets its English field name. The
template builder, the reader, the checks and the writer all derive from it.
"""
from __future__ import annotations

from dataclasses import dataclass

# Column kinds. The reader converts cells to Python values by kind.
TEXT, DATE, TIME, MONEY, NUMBER, INT, YESNO, CHOICE = (
    "text", "date", "time", "money", "number", "int", "yesno", "choice")

YES, NO = "ja", "nein"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    kind: str = TEXT
    required: bool = False
    choices: tuple = ()
    unique: bool = False
    ref: str | None = None          # field name of Kunden this column refers to
    out: bool = False               # written by the program
    width: int = 14
    note: str = ""                  # shown as header comment on "out" columns
    past_only: bool = False         # a date that cannot lie in the future
    number_format: str = ""         # overrides the kind's default format
    fills_empty: bool = False       # "in/out": the program fills it only where empty
    # "in", but a command the user runs on purpose may write it: the phase when the
    # user takes the proposals over (`stufen --uebernehmen`), a client's personal data
    # when the user has it erased (`loeschen`)
    on_request: bool = False
    # added in a later version: a book without it works as if it were empty (no Fehler)
    optional: bool = False
    # "in" until the book has this table, then written from it (Bezahlt am, Bezahlt
    # Betrag once the book keeps its payments in Zahlungen)
    out_with: str = ""
    # required, unless the row has lines in this table (Netto and USt-Satz of an invoice
    # with Positionen: Netto is filled from them, the rates are the lines')
    filled_by: str = ""


@dataclass(frozen=True)
class TableSpec:
    sheet: str
    table: str
    columns: tuple[Column, ...]
    first_column: int = 1           # 1-based column where the table starts
    owned: bool = False             # rewritten or appended by the program only
    # added in a later version: a book without it works as before (no Fehler); the
    # command that introduces it adds it
    optional: bool = False

    def column(self, field_name: str) -> Column:
        for col in self.columns:
            if col.field == field_name:
                return col
        raise KeyError(field_name)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def header_key(text: object) -> str:
    """Headers match case-insensitively with surrounding spaces ignored."""
    return str(text).strip().casefold()


ANREDEN = ("Herr", "Frau", "Divers", "Firma")
KUNDENARTEN = ("Privat", "Gewerbe")
ZAHLUNGSARTEN = ("Überweisung", "Lastschrift", "Dauerauftrag", "Bar")
QUELLEN = ("Empfehlung", "Website", "Netzwerk", "Messe", "Bestand", "Sonstiges")
PHASEN = ("Erstkontakt", "Vertrauen", "Bedarfsanalyse", "Empfehlung", "Vertrag",
          "Umsetzung", "Betreuung", "Inaktiv")
STUFEN = ("A", "B", "C")
# "Verzugsschaden": the principal is paid, but late: interest and the flat fee of
# § 288 BGB stay owed (unless waived).
STATUS = ("offen", "teilbezahlt", "bezahlt", "überfällig", "storniert", "Verzugsschaden")
TERMINARTEN = ("Beratung", "Jahrescheck", "Rückruf", "Lieferfrist", "Steuertermin",
               "Fahrt", "Sonstiges")
NEWSLETTER = ("Print", "E-Mail", "keiner")
UST_SAETZE = (0, 7, 19)
JANEIN = (YES, NO)
E_RECHNUNG = ("ZUGFeRD", "XRechnung", "keine")
EINWILLIGUNG_KANAELE = ("Formular", "E-Mail", "Brief", "Telefon", "Treffen", "Sonstiges")

_OUT = "Wird von kundenbuch geschrieben; Eingaben hier werden überschrieben."

KUNDEN = TableSpec("Kunden", "Kunden", (
    Column("Kundennr", "kundennr", required=True, unique=True, width=11),
    Column("Anrede", "anrede", CHOICE, choices=ANREDEN, width=9),
    Column("Vorname", "vorname"),
    Column("Nachname", "nachname", width=16),
    Column("Firma", "firma", width=24),
    Column("Straße", "strasse", width=22),
    Column("PLZ", "plz", width=8),
    Column("Ort", "ort", width=16),
    Column("Land", "land", width=6),
    Column("E-Mail", "email", width=26),
    Column("Telefon", "telefon", width=16),
    Column("Kundenart", "kundenart", CHOICE, required=True, choices=KUNDENARTEN, width=11),
    Column("USt-IdNr", "ustid", width=15),
    Column("Zahlungsart", "zahlungsart", CHOICE, choices=ZAHLUNGSARTEN, width=13),
    Column("IBAN", "iban", width=27),
    Column("BIC", "bic", width=13),
    Column("Mandatsreferenz", "mandatsreferenz", width=16),
    Column("Mandat vom", "mandat_vom", DATE, past_only=True, width=12),
    Column("Quelle", "quelle", CHOICE, choices=QUELLEN, width=12),
    Column("Empfohlen von", "empfohlen_von", ref="kundennr", width=14),
    Column("Phase", "phase", CHOICE, choices=PHASEN, width=15, on_request=True,
           note="Wo der Kunde steht; kundenbuch schlägt die Phase aus Angeboten, "
                "Rechnungen und Zahlungen vor und trägt sie nur mit „kundenbuch stufen "
                "--uebernehmen“ ein."),
    Column("Kunde seit", "kunde_seit", DATE, past_only=True, width=12),
    Column("Stufe fest", "stufe_fest", CHOICE, choices=STUFEN, width=10),
    Column("Mahnsperre", "mahnsperre", YESNO, choices=JANEIN, width=11),
    # not past_only: consent given (or withdrawn) today counts, whatever the Stichtag
    Column("Einwilligung Newsletter", "einwilligung_newsletter", DATE, width=14),
    Column("Notizen", "notizen", width=30),
    Column("Stufe", "stufe", CHOICE, choices=STUFEN, out=True, width=8,
           note="A, B oder C: die gültige Kundenstufe. " + _OUT),
    Column("Umsatz 12 Monate", "umsatz_12_monate", MONEY, out=True, width=14,
           note="Nettoumsatz der 12 Monate vor dem Stichtag. " + _OUT),
    Column("Offener Betrag", "offener_betrag", MONEY, out=True, width=14,
           note="Summe der noch offenen Rechnungen. " + _OUT),
    Column("Begrüßt am", "begruesst_am", DATE, out=True, width=12,
           note="Datum des Begrüßungsbriefs. " + _OUT),
    # Added later, so at the end: older books have them there or not at all.
    Column("Geburtstag", "geburtstag", DATE, past_only=True, width=12, optional=True),
    Column("Leitweg-ID", "leitweg_id", width=20, optional=True,
           note="Nur öffentliche Auftraggeber: die Leitweg-ID für die XRechnung."),
    Column("E-Rechnung", "e_rechnung", CHOICE, choices=E_RECHNUNG, width=12, optional=True,
           note="ZUGFeRD, XRechnung oder keine; leer = ZUGFeRD für Gewerbekunden in "
                "Deutschland."),
    # Consent to greetings, and how consent was given (Art. 7 Abs. 1 DSGVO: it must be
    # provable); a withdrawal ends both consents and every advertising letter.
    Column("Einwilligung Grüße", "einwilligung_gruesse", DATE, width=14,
           optional=True,
           note="Datum der Einwilligung in Geburtstags- und Jubiläumsgrüße; leer = keine."),
    Column("Einwilligung Kanal", "einwilligung_kanal", CHOICE, choices=EINWILLIGUNG_KANAELE,
           width=13, optional=True,
           note="Wie die Einwilligung gegeben wurde (zum Nachweis, Art. 7 Abs. 1 DSGVO)."),
    Column("Widerruf am", "widerruf_am", DATE, width=12, optional=True,
           note="Datum, an dem der Kunde Einwilligungen widerrufen oder der Werbung "
                "widersprochen hat: ab dann keine Grüße, kein Newsletter, keine "
                "Einladungen und Dankes- oder Zufriedenheitsbriefe mehr."),
))

RECHNUNGEN = TableSpec("Rechnungen", "Rechnungen", (
    Column("Rechnungsnr", "rechnungsnr", required=True, unique=True, width=12),
    Column("Kundennr", "kundennr", required=True, ref="kundennr", width=11),
    Column("Rechnungsdatum", "rechnungsdatum", DATE, required=True, past_only=True,
           width=13),
    Column("Leistungsdatum", "leistungsdatum", DATE, width=13),
    Column("Leistung", "leistung", width=30),
    Column("Netto", "netto", MONEY, required=True, width=12, fills_empty=True,
           filled_by="Positionen",
           note="Nettobetrag; leer = kundenbuch trägt die Summe der Positionen ein."),
    Column("USt-Satz", "ust_satz", CHOICE, required=True, choices=UST_SAETZE, width=9,
           filled_by="Positionen"),
    Column("Fällig am", "faellig_am", DATE, width=12, fills_empty=True,
           note="Zahlungsziel als festes Datum; leer = kundenbuch trägt es aus den "
                "Einstellungen ein und verschiebt es danach nie mehr."),
    Column("Bezahlt am", "bezahlt_am", DATE, past_only=True, width=12,
           out_with="Zahlungen"),
    Column("Bezahlt Betrag", "bezahlt_betrag", MONEY, width=13, out_with="Zahlungen"),
    Column("Storniert", "storniert", YESNO, choices=JANEIN, width=10),
    Column("Mahnsperre", "mahnsperre", YESNO, choices=JANEIN, width=11),
    Column("Brutto", "brutto", MONEY, out=True, width=12,
           note="Netto plus Umsatzsteuer. " + _OUT),
    Column("Status", "status", CHOICE, choices=STATUS, out=True, width=12,
           note="offen, teilbezahlt, bezahlt, überfällig, storniert oder Verzugsschaden "
                "(spät bezahlt: Zinsen und Pauschale sind noch offen). " + _OUT),
    Column("Tage überfällig", "tage_ueberfaellig", INT, out=True, width=10,
           note="Tage nach dem Fälligkeitsdatum am Stichtag. " + _OUT),
    Column("Mahnstufe", "mahnstufe", CHOICE, choices=(0, 1, 2, 3, 4), out=True, width=10,
           note="Zuletzt verschickter Brief: 0 keiner, 1 Zahlungserinnerung, "
                "2 1. Mahnung, 3 2. Mahnung, 4 letzte Mahnung. " + _OUT),
    Column("Gemahnt am", "gemahnt_am", DATE, out=True, width=12,
           note="Datum der letzten Erinnerung oder Mahnung. " + _OUT),
    Column("Verzugszinsen", "verzugszinsen", MONEY, out=True, width=13,
           note="Gesetzliche Verzugszinsen bis zum Stichtag. " + _OUT),
    # Added later, so at the end: older books have them there or not at all.
    Column("Zahlungsziel vereinbart", "zahlungsziel_vereinbart", YESNO, choices=JANEIN,
           width=12, optional=True,
           note="ja = das Zahlungsziel ist mit dem Kunden vereinbart (§ 286 Abs. 2 Nr. 1 "
                "BGB); leer = Einstellung „Zahlungsziel vereinbart“."),
    Column("Verzugshinweis", "verzugshinweis", YESNO, choices=JANEIN, width=12,
           optional=True,
           note="ja = die Rechnung wies auf den Verzug 30 Tage nach Fälligkeit und Zugang "
                "hin (§ 286 Abs. 3 BGB); leer = ja, wenn kundenbuch die Rechnung erstellt "
                "hat."),
    Column("Verzugsschaden erlassen", "verzugsschaden_erlassen", YESNO, choices=JANEIN,
           width=12, optional=True,
           note="ja = Zinsen und Pauschale, die nach später Zahlung noch offen sind, werden "
                "nicht verlangt (die Rechnung gilt als bezahlt)."),
    Column("Offen", "offen", MONEY, out=True, width=12, optional=True,
           note="Noch offener Rechnungsbetrag nach allen Zahlungen (ohne Zinsen und "
                "Gebühren). " + _OUT),
    Column("Storno zu", "storno_zu", width=12, optional=True,
           note="Nur bei Storno oder Gutschrift (Netto negativ): die Rechnungsnr, die "
                "diese Zeile korrigiert."),
))

# Lines of invoices and quotes (added later: an invoice without lines works as before)
POSITIONEN = TableSpec("Positionen", "Positionen", (
    Column("Belegnr", "belegnr", required=True, width=12),
    Column("Pos", "pos", INT, width=6),
    Column("Menge", "menge", NUMBER, width=8),
    Column("Einheit", "einheit", width=8),
    Column("Beschreibung", "beschreibung", required=True, width=40),
    Column("Einzelpreis", "einzelpreis", MONEY, width=12),
    Column("USt-Satz", "ust_satz", CHOICE, choices=UST_SAETZE, width=9),
    Column("Rabatt %", "rabatt", NUMBER, width=9),
    Column("Betrag", "betrag", MONEY, out=True, width=12,
           note="Menge × Einzelpreis abzüglich Rabatt, netto. " + _OUT),
), optional=True)

ZAHLUNGSARTEN_EINGANG = ("Überweisung", "Lastschrift", "Rücklastschrift", "Bar",
                         "Verrechnung", "Übernommen")
RUECKLASTSCHRIFT = "Rücklastschrift"

# Every payment a row (added later: a book without it keeps Bezahlt am/Betrag typed).
ZAHLUNGEN = TableSpec("Zahlungen", "Zahlungen", (
    Column("Datum", "datum", DATE, required=True, past_only=True, width=12),
    Column("Betrag", "betrag", MONEY, required=True, width=12),
    Column("Kundennr", "kundennr", ref="kundennr", width=11),
    Column("Rechnungsnr", "rechnungsnr", width=16),
    Column("Art", "art", CHOICE, choices=ZAHLUNGSARTEN_EINGANG, width=15),
    Column("Auftraggeber", "auftraggeber", width=24),
    Column("IBAN", "iban", width=27),
    Column("Verwendungszweck", "verwendungszweck", width=36),
    Column("Buchungs-ID", "buchungs_id", unique=True, width=18),
    Column("Notiz", "notiz", width=24),
    Column("Zugeordnet", "zugeordnet", out=True, width=48,
           note="Worauf die Zahlung angerechnet wurde (Rechnung, Kosten, Zinsen, Betrag; "
                "§§ 366, 367 BGB). " + _OUT),
), optional=True)

RHYTHMEN = ("monatlich", "vierteljährlich", "halbjährlich", "jährlich")

# Recurring invoices (added later): each month-end bills what is due
ABOS = TableSpec("Abos", "Abos", (
    Column("Abonr", "abonr", required=True, unique=True, width=10),
    Column("Kundennr", "kundennr", required=True, ref="kundennr", width=11),
    Column("Leistung", "leistung", required=True, width=30),
    Column("Netto", "netto", MONEY, required=True, width=12),
    Column("USt-Satz", "ust_satz", CHOICE, required=True, choices=UST_SAETZE, width=9),
    Column("Rhythmus", "rhythmus", CHOICE, choices=RHYTHMEN, width=14),
    Column("Beginn", "beginn", DATE, width=12),
    Column("Ende", "ende", DATE, width=12),
    Column("Nächste Rechnung", "naechste_rechnung", DATE, width=14, fills_empty=True,
           note="Datum der nächsten Rechnung; leer = Beginn. kundenbuch rückt es nach "
                "jeder Rechnung weiter."),
), optional=True)

ANGEBOT_STATUS = ("offen", "angenommen", "abgelehnt")

# Quotes (added later), their lines in Positionen
ANGEBOTE = TableSpec("Angebote", "Angebote", (
    Column("Angebotsnr", "angebotsnr", required=True, unique=True, width=12),
    Column("Kundennr", "kundennr", required=True, ref="kundennr", width=11),
    Column("Angebotsdatum", "angebotsdatum", DATE, required=True, width=13),
    Column("Gültig bis", "gueltig_bis", DATE, width=12),
    Column("Leistung", "leistung", width=30),
    Column("Netto", "netto", MONEY, width=12, fills_empty=True, filled_by="Positionen",
           note="Nettobetrag; leer = kundenbuch trägt die Summe der Positionen ein."),
    Column("USt-Satz", "ust_satz", CHOICE, choices=UST_SAETZE, width=9),
    Column("Status", "status", CHOICE, choices=ANGEBOT_STATUS, width=11),
    Column("Rechnungsnr", "rechnungsnr", out=True, width=12,
           note="Die Rechnung aus dem angenommenen Angebot. " + _OUT),
    Column("Nachgefasst am", "nachgefasst_am", DATE, out=True, width=13,
           note="Datum des Nachfassbriefs kurz vor Ablauf. " + _OUT),
), optional=True)

KANAELE = ("Telefon", "E-Mail", "Brief", "Treffen", "Sonstiges")

# The contact history (added later): what was said to whom, and what to follow up
KONTAKTE = TableSpec("Kontakte", "Kontakte", (
    # not past_only: a letter made today counts from its date, after the Stichtag
    Column("Datum", "datum", DATE, required=True, width=12),
    Column("Kundennr", "kundennr", required=True, ref="kundennr", width=11),
    Column("Kanal", "kanal", CHOICE, choices=KANAELE, width=11),
    Column("Anlass", "anlass", width=26),
    Column("Notiz", "notiz", width=40),
    Column("Wiedervorlage", "wiedervorlage", DATE, width=13),
    Column("Erledigt", "erledigt", YESNO, choices=JANEIN, width=9),
), optional=True)

TERMINE = TableSpec("Termine", "Termine", (
    Column("Datum", "datum", DATE, required=True, width=12),
    Column("Beginn", "beginn", TIME, width=8),
    Column("Ende", "ende", TIME, width=8),
    Column("Kundennr", "kundennr", ref="kundennr", width=11),
    Column("Art", "art", CHOICE, required=True, choices=TERMINARTEN, width=13),
    Column("Betreff", "betreff", width=30),
    Column("Ort", "ort", width=18),
    Column("Km", "km", NUMBER, width=7),
    Column("Erledigt", "erledigt", YESNO, choices=JANEIN, width=9),
    Column("Notiz", "notiz", width=30),
))

STUFEN_TABELLE = TableSpec("Stufen", "Stufen", (
    Column("Stufe", "stufe", CHOICE, required=True, unique=True, choices=STUFEN, width=8),
    Column("Umsatzanteil bis", "umsatzanteil_bis", NUMBER, required=True, width=15,
           number_format="0%"),
    Column("Rückruf binnen Tagen", "rueckruf_binnen_tagen", INT, width=12),
    Column("Beratung vor Ort", "beratung_vor_ort", YESNO, choices=JANEIN, width=12),
    Column("Jahrescheck", "jahrescheck", YESNO, choices=JANEIN, width=12),
    Column("Newsletter", "newsletter", CHOICE, choices=NEWSLETTER, width=11),
    Column("Einladungen", "einladungen", YESNO, choices=JANEIN, width=12),
    Column("Erinnerung nach Tagen", "erinnerung_nach_tagen", INT, width=12),
    Column("Mahnabstand Tage", "mahnabstand_tage", INT, width=12),
    # One follow-up to an invitation (annual check) this many days after it; empty: none.
    Column("Nachfassen nach Tagen", "nachfassen_nach_tagen", INT, width=12, optional=True),
))

EINSTELLUNGEN = TableSpec("Einstellungen", "Einstellungen", (
    Column("Einstellung", "einstellung", required=True, unique=True, width=26),
    # kundenbuch fills an empty value only where a command says so (bank --spalten)
    Column("Wert", "wert", width=30, fills_empty=True),
))

BASISZINS = TableSpec("Einstellungen", "Basiszins", (
    Column("Gültig ab", "gueltig_ab", DATE, required=True, unique=True, width=12),
    Column("Prozent", "prozent", NUMBER, required=True, width=10),
), first_column=5)

PROTOKOLL = TableSpec("Protokoll", "Protokoll", (
    Column("Zeitpunkt", "zeitpunkt", width=19),
    Column("Art", "art", width=16),
    Column("Stichtag", "stichtag", DATE, width=12),
    Column("Kundennr", "kundennr", width=11),
    Column("Rechnungen", "rechnungen", width=18),
    Column("Datei", "datei", width=40),
    Column("SHA-256", "sha256", width=20),
    Column("Details", "details", width=50),
), owned=True)

DATA_TABLES = (KUNDEN, RECHNUNGEN, POSITIONEN, ABOS, ANGEBOTE, ZAHLUNGEN, KONTAKTE,
               TERMINE, STUFEN_TABELLE)
INPUT_TABLES = DATA_TABLES + (EINSTELLUNGEN, BASISZINS)
ALL_TABLES = INPUT_TABLES + (PROTOKOLL,)

# The sheet with the Excel button's settings (action, Stichtag, status); see excel.py.
START_SHEET = "Start"
START_ACTIONS = ("Prüfen", "Forderungen", "Stufen", "Termine", "Briefe", "Monatsabschluss")

# Sheets the program rewrites on every run; never edited by hand.
PRUEFBERICHT = "Prüfbericht"
OFFENE_POSTEN = "Offene Posten"
STUFENANALYSE = "Stufenanalyse"
TERMINUEBERSICHT = "Terminübersicht"
# bank lines to confirm; its column "Zuordnen" is the one place of an owned sheet where
# the user types (a Rechnungsnr, a Kundennr or "ignorieren"), read before it is rewritten
ZAHLUNGSABGLEICH = "Zahlungsabgleich"
ABGLEICH_HEADERS = ("Buchungs-ID", "Datum", "Betrag", "Auftraggeber", "IBAN",
                    "Verwendungszweck", "Vorschläge", "Zuordnen", "Hinweis")
# VAT of a return period (kundenbuch export ust)
UMSATZSTEUER = "Umsatzsteuer"
OWNED_SHEETS = (PRUEFBERICHT, OFFENE_POSTEN, STUFENANALYSE, TERMINUEBERSICHT,
                ZAHLUNGSABGLEICH, UMSATZSTEUER)
# The folder beside the book that kundenbuch keeps: backups, the run lock, the copy of
# the Festschreibung register.
BACKUP_FOLDER = "sicherung"


@dataclass(frozen=True)
class Setting:
    name: str
    field: str
    kind: str = TEXT
    default: object = None
    help: str = ""
    choices: tuple = ()
    # smallest and largest whole number (INT settings): days and counts beyond ten
    # years would only make dates overflow
    limits: tuple = (0, 3650)


# Days without appointment or invoice after which a client in a phase counts as dormant.
PHASE_STALE_DAYS = {"Erstkontakt": 30, "Vertrauen": 45, "Bedarfsanalyse": 45,
                    "Empfehlung": 60, "Vertrag": 60, "Umsetzung": 90, "Betreuung": 180}

DEFAULT_ONBOARDING_PLAN = "Kickoff-Telefonat=3; Check-in=30; Review=90"

BUNDESLAENDER = ("BW", "BY", "BE", "BB", "HB", "HH", "HE", "MV", "NI", "NW", "RP", "SL",
                 "SN", "ST", "SH", "TH")

SETTINGS = (
    Setting("Firma", "firma", help="Ihr Firmenname für Briefkopf und Rechnungen"),
    Setting("Inhaber", "inhaber", help="Name der Inhaberin oder des Inhabers"),
    Setting("Straße", "strasse"),
    Setting("PLZ", "plz"),
    Setting("Ort", "ort"),
    Setting("Telefon", "telefon"),
    Setting("E-Mail", "email"),
    Setting("Steuernummer", "steuernummer", help="Steuernummer oder USt-IdNr ist Pflicht "
            "auf Rechnungen (§ 14 Abs. 4 UStG)"),
    Setting("USt-IdNr", "ustid"),
    Setting("IBAN", "iban"),
    Setting("BIC", "bic"),
    Setting("Bank", "bank"),
    Setting("Kleinunternehmer", "kleinunternehmer", YESNO, NO,
            "ja = keine Umsatzsteuer ausweisen (§ 19 UStG)", JANEIN),
    Setting("Bundesland", "bundesland", CHOICE, "NW",
            "Für Feiertage: Kürzel oder Name, z. B. BY oder Bayern", BUNDESLAENDER),
    Setting("Zahltag", "zahltag", INT, None,
            "Tag im Monat, auf den Fälligkeiten fallen (leer = Zahlungsziel in Tagen)",
            limits=(1, 31)),
    Setting("Zahlungsziel Tage", "zahlungsziel_tage", INT, 14,
            "Tage zwischen Rechnungsdatum und Fälligkeit; mit Gewerbekunden mehr als 60 "
            "nur ausdrücklich vereinbart (§ 271a BGB)", limits=(0, 365)),
    Setting("Mahngebühr", "mahngebuehr", MONEY, 1.50,
            "Gebühr ab der 1. Mahnung; die Zahlungserinnerung ist kostenlos"),
    Setting("Frist Mahnung Tage", "frist_mahnung_tage", INT, 10,
            "Neue Zahlungsfrist in Erinnerungen und Mahnungen: Tage nach dem Briefdatum",
            limits=(1, 365)),
    Setting("Pauschale anrechnen", "pauschale_anrechnen", YESNO, YES,
            "ja = Gewerbekunden im Verzug zahlen den höheren Betrag von 40 € Pauschale und "
            "Mahngebühren, nicht beide (§ 288 Abs. 5 Satz 3 BGB); nein = beides", JANEIN),
    Setting("Mahngrenze", "mahngrenze", MONEY, 5.00,
            "Offene Beträge darunter werden nicht gemahnt"),
    Setting("Zahlungsziel vereinbart", "zahlungsziel_vereinbart", YESNO, NO,
            "ja = Zahlungsziele sind mit den Kunden vereinbart (Vertrag, AGB): Verzug ab "
            "dem Tag danach (§ 286 Abs. 2 Nr. 1 BGB); nein = erst durch Mahnung oder 30 "
            "Tage nach Fälligkeit und Zugang (§ 286 Abs. 1 und 3)", JANEIN),
    Setting("Zugang nach Tagen", "zugang_nach_tagen", INT, 3,
            "So viele Tage nach dem Briefdatum gilt ein Brief als zugegangen (auf den "
            "nächsten Werktag verschoben, § 193 BGB)", limits=(0, 30)),
    Setting("Empfehlung Aufstieg ab", "empfehlung_aufstieg_ab", MONEY, 1000.00,
            "Bringen die von einem Kunden empfohlenen Kunden mindestens so viel Umsatz "
            "(12 Monate), steigt er eine Stufe auf"),
    Setting("Neukunden mindestens", "neukunden_mindestens", CHOICE, "B",
            "Stufe, die neue Kunden im ersten Jahr mindestens bekommen", STUFEN),
    *(Setting(f"Ruhend {phase} (Tage)", f"ruhend_{phase.lower()}", INT, days,
              f"Kunden in der Phase {phase} ohne Termin oder Rechnung so lange gelten als "
              "ruhend") for phase, days in PHASE_STALE_DAYS.items()),
    Setting("Inaktiv nach Tagen", "inaktiv_nach_tagen", INT, 730,
            "Kunden ohne Angebot, Rechnung, Termin, Zahlung oder Kontakt so lange schlägt "
            "kundenbuch die Phase Inaktiv vor (leer oder 0 = nie)"),
    Setting("Voranmeldung", "voranmeldung", CHOICE, "vierteljährlich",
            "Zeitraum der Umsatzsteuer-Voranmeldung (für Kleinunternehmer entfällt sie)",
            ("monatlich", "vierteljährlich", "keine")),
    Setting("Dauerfristverlängerung", "dauerfristverlaengerung", YESNO, NO,
            "ja = Voranmeldungen einen Monat später fällig; monatlich mit "
            "Sondervorauszahlung am 10.02. (§§ 46–48 UStDV)", JANEIN),
    Setting("Lohnsteuer-Anmeldung", "lohnsteuer_anmeldung", CHOICE, "keine",
            "Nur mit Angestellten: Zeitraum der Lohnsteuer-Anmeldung, fällig am 10. nach "
            "dem Zeitraum (§ 41a EStG)", ("monatlich", "vierteljährlich", "jährlich", "keine")),
    Setting("Feiertage zusätzlich", "feiertage_zusaetzlich", TEXT, None,
            "Örtliche Feiertage am Sitz als Tag.Monat, z. B. 15.08. (Mariä Himmelfahrt in "
            "den meisten bayerischen Gemeinden) oder 08.08. (Augsburg); getrennt durch ;"),
    Setting("ESt-Vorauszahlung", "est_vorauszahlung", YESNO, YES,
            "Einkommensteuer-Vorauszahlungen am 10.3., 10.6., 10.9., 10.12.", JANEIN),
    Setting("GewSt-Vorauszahlung", "gewst_vorauszahlung", YESNO, NO,
            "Gewerbesteuer-Vorauszahlungen am 15.2., 15.5., 15.8., 15.11.", JANEIN),
    Setting("Vorschau Tage", "vorschau_tage", INT, 14,
            "So viele Tage zeigt die Terminübersicht im Voraus"),
    Setting("Begrüßungsplan", "begruessungsplan", TEXT, DEFAULT_ONBOARDING_PLAN,
            "Erste Termine mit neuen Kunden: Betreff=Tage nach dem Begrüßungsbrief; getrennt "
            "durch ;"),
    Setting("Sicherungen behalten", "sicherungen_behalten", INT, 30,
            "Wie viele Sicherungskopien im Ordner sicherung/ bleiben"),
    Setting("Gläubiger-ID", "glaeubiger_id", TEXT, None,
            "SEPA-Gläubiger-Identifikationsnummer (Bundesbank), nötig für Lastschriften"),
    Setting("Vorabankündigung Tage", "vorabankuendigung_tage", INT, 14,
            "So viele Tage vor dem Einzug kündigt die Rechnung eine Lastschrift an "
            "(kürzer nur, wenn mit dem Kunden vereinbart)", limits=(1, 60)),
    Setting("Bank-CSV Spalten", "bank_csv_spalten", TEXT, None,
            "Nur für die CSV-Datei einer Bank, die kundenbuch nicht kennt: welche Spalte "
            "was ist, z. B. Datum=Buchungstag; Betrag=Umsatz; Name=Auftraggeber; "
            "Verwendungszweck=Text (legt „kundenbuch bank --spalten“ an)"),
    Setting("Versteuerung", "versteuerung", CHOICE, "Soll",
            "Soll = Umsatzsteuer nach Leistung und Rechnung (§ 13 Abs. 1 Nr. 1 a UStG); Ist "
            "= nach Zahlungseingang (§ 20 UStG, nur mit Genehmigung des Finanzamts)",
            ("Soll", "Ist")),
    Setting("Kontenrahmen", "kontenrahmen", CHOICE, "SKR03",
            "Kontenrahmen Ihres Steuerbüros für den DATEV-Export", ("SKR03", "SKR04")),
    Setting("Beraternummer", "beraternummer", INT, None,
            "DATEV-Beraternummer Ihres Steuerbüros (für den DATEV-Export)",
            limits=(1001, 9999999)),
    Setting("Mandantennummer", "mandantennummer", INT, None,
            "Ihre DATEV-Mandantennummer beim Steuerbüro (für den DATEV-Export)",
            limits=(1, 99999)),
    Setting("Debitoren ab", "debitoren_ab", INT, 10000,
            "Erstes Debitorenkonto im DATEV-Export; jeder Kunde bekommt dieses plus die "
            "Zahl seiner Kundennr (K-0015 → 10015)", limits=(10000, 69999)),
    Setting("Bankkonto", "bankkonto", INT, None,
            "Sachkonto der Bank im DATEV-Export; leer = 1200 (SKR03) oder 1800 (SKR04)",
            limits=(1000, 9999)),
    Setting("Stichtag", "stichtag", DATE, None,
            "Fester Stichtag für jeden Befehl; leer = automatisch (in den ersten zehn Tagen "
            "eines Monats das Ende des Vormonats, sonst heute)"),
)

SETTINGS_BY_NAME = {header_key(s.name): s for s in SETTINGS}
# Older names a book may still have; they mean the same setting.
SETTING_ALIASES = {"USt-Voranmeldung": "Voranmeldung"}
SETTINGS_BY_NAME.update({header_key(old): SETTINGS_BY_NAME[header_key(new)]
                         for old, new in SETTING_ALIASES.items()})

# The Länder by their full names too ("Bayern" = "BY"), umlauts also as ae/oe/ue.
BUNDESLAND_NAMES = {
    "Baden-Württemberg": "BW", "Bayern": "BY", "Berlin": "BE", "Brandenburg": "BB",
    "Bremen": "HB", "Hamburg": "HH", "Hessen": "HE", "Mecklenburg-Vorpommern": "MV",
    "Niedersachsen": "NI", "Nordrhein-Westfalen": "NW", "Rheinland-Pfalz": "RP",
    "Saarland": "SL", "Sachsen": "SN", "Sachsen-Anhalt": "ST", "Schleswig-Holstein": "SH",
    "Thüringen": "TH", "NRW": "NW"}


def bundesland_code(value):
    """The two-letter code for a Land typed as code or full name; else the value."""
    if not isinstance(value, str):
        return value
    key = value.strip().casefold().replace(" ", "-")
    for name, code in BUNDESLAND_NAMES.items():
        name = name.casefold()
        if key in (name, name.replace("ü", "ue"), "freistaat-" + name, "land-" + name):
            return code
    return value

# The base-rate history of § 247 BGB (fachregeln.md); users add later half-years.
BASISZINS_HISTORIE = (
    ("2022-07-01", -0.88), ("2023-01-01", 1.62), ("2023-07-01", 3.12),
    ("2024-01-01", 3.62), ("2024-07-01", 3.37), ("2025-01-01", 2.27),
    ("2025-07-01", 1.27), ("2026-01-01", 1.27),
)


# Default service matrix: A gets the most, C is still looked after.
STUFEN_DEFAULTS = (
    {"stufe": "A", "umsatzanteil_bis": 0.80, "rueckruf_binnen_tagen": 0,
     "beratung_vor_ort": YES, "jahrescheck": YES, "newsletter": "Print",
     "einladungen": YES, "erinnerung_nach_tagen": 14, "mahnabstand_tage": 14,
     "nachfassen_nach_tagen": 21},
    {"stufe": "B", "umsatzanteil_bis": 0.95, "rueckruf_binnen_tagen": 1,
     "beratung_vor_ort": YES, "jahrescheck": YES, "newsletter": "E-Mail",
     "einladungen": YES, "erinnerung_nach_tagen": 7, "mahnabstand_tage": 14,
     "nachfassen_nach_tagen": 30},
    {"stufe": "C", "umsatzanteil_bis": 1.0, "rueckruf_binnen_tagen": 2,
     "beratung_vor_ort": NO, "jahrescheck": NO, "newsletter": "E-Mail",
     "einladungen": NO, "erinnerung_nach_tagen": 7, "mahnabstand_tage": 10,
     "nachfassen_nach_tagen": None},
)
