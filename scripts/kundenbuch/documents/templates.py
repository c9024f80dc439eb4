"""The standard Word templates in vorlagen/ (`kundenbuch vorlagen neu`).

Built with python-docx so that they can be restored at any time; users then change
them in Word. DIN 5008 form B for a window envelope: letterhead in the page header,
the body starts 45 mm from the top with the address field (85 x 45 mm), the
information block beside it.
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt

PLACEHOLDERS_COMMON = {
    "absender": "firma, inhaber, strasse, plz, ort, telefon, email, steuernummer, ustid, "
                "iban, bic, bank",
    "empfaenger": "kundennr, name, zeilen (Anschriftzeilen), anrede (Briefanrede)",
    "datum": "Briefdatum", "betreff": "Betreffzeile",
}
PLACEHOLDERS = {
    "begruessung": {"plan": "Liste der ersten Termine: datum, betreff"},
    "dank": {"rechnungsnr": "Nummer der ersten bezahlten Rechnung"},
    "zahlungserinnerung": {}, "mahnung_1": {}, "mahnung_2": {}, "mahnung_letzte": {},
    "angebot": {"angebot": "nr, datum, gueltig_bis, leistung, netto, ust, brutto",
                "positionen": "Liste der Positionen (wie in der Rechnung)",
                "saetze": "je Steuersatz: satz, netto, ust",
                "kleinunternehmer": "ja/nein (§ 19 UStG)",
                "zahlungsziel_tage": "Zahlungsziel der späteren Rechnung in Tagen"},
    "angebot_nachfassen": {"angebot": "nr, datum, gueltig_bis, leistung, netto, ust, "
                                      "brutto",
                           "positionen": "Liste der Positionen", "saetze": "je Steuersatz",
                           "kleinunternehmer": "ja/nein",
                           "zahlungsziel_tage": "Zahlungsziel in Tagen"},
    "gruss": {"anlass": "Geburtstag oder Jubiläum", "tag": "der Tag des Anlasses",
              "jahre": "beim Jubiläum: Jahre als Kunde (1, 5, 10, 15 …)"},
    "zufriedenheit": {"leistung": "was geliefert wurde (Betreff der Lieferfrist oder "
                                  "Leistung des Angebots)",
                      "tag": "Tag der Lieferung oder der letzten Zahlung"},
    "empfehlungsdank": {"anzahl": "wie viele neue Kunden die Empfehlung brachte (der "
                                  "Brief nennt sie nicht)"},
    "jahrescheck": {"termin_bis": "bis wann ein Termin passt (nie vor dem Briefdatum)",
                    "eingeladen_am": "beim Nachfassen: Datum der ersten Einladung"},
    "rechnung": {"rechnung": "nr, datum, leistungsdatum, leistung, netto, ust_satz, ust, "
                             "brutto, faellig",
                 "positionen": "Liste der Positionen: pos, beschreibung, menge, einheit, "
                               "einzelpreis, ust_satz, rabatt, betrag (leer ohne Positionen)",
                 "saetze": "je Steuersatz: satz, netto, ust",
                 "storno": "bei Storno oder Gutschrift: nr und datum der korrigierten "
                           "Rechnung, voll (ganz storniert), titel (Stornorechnung oder "
                           "Rechnungskorrektur); sonst leer",
                 "kleinunternehmer": "ja/nein (§ 19 UStG)",
                 "privat": "Privatkunde (Hinweis nach § 286 Abs. 3 BGB)",
                 "kleinbetrag": "Rechnung bis 250 € brutto (§ 33 UStDV)",
                 "girocode": "QR-Code für die Überweisung (nicht, wenn bezahlt)",
                 "verwendungszweck": "Verwendungszweck der Überweisung",
                 "kopie": "eine auf Wunsch erneut erstellte Rechnung",
                 "bezahlt_am": "Tag der Zahlung, wenn die Rechnung schon bezahlt ist",
                 "bereits_erhalten": "schon erhaltener Teil (Guthaben aus einer "
                                     "Überzahlung, Anzahlung), sonst 0",
                 "zu_zahlen": "Rechnungsbetrag ohne den schon erhaltenen Teil",
                 "lastschrift": "bei Lastschrift die Vorabankündigung: datum (Einzug), "
                                "mandatsreferenz, glaeubiger_id, iban_ende"},
}
DUNNING = {"posten": "Liste: rechnungsnr, rechnungsdatum, faellig, offen, zinsen, pauschale, "
                     "bankgebuehr, verzug_seit, verzug_grund, zinsen_erklaert",
           "summe_bankgebuehr": "Bankgebühren zurückgegebener Lastschriften, sonst 0",
           "summe_offen": "", "summe_zinsen": "", "summe_pauschale": "", "gebuehren": "",
           "pauschale_erklaert": "ein Satz zur 40-€-Pauschale (§ 288 Abs. 5 BGB), leer ohne",
           "summe": "zu zahlender Gesamtbetrag", "frist": "neue Zahlungsfrist (Datum)",
           "stufe": "1 bis 4", "stufe_name": "Zahlungserinnerung … letzte Mahnung",
           "girocode": "QR-Code für die Überweisung", "verwendungszweck": ""}
for _name in ("zahlungserinnerung", "mahnung_1", "mahnung_2", "mahnung_letzte"):
    PLACEHOLDERS[_name] = dict(DUNNING)


# Placeholders older templates had, and why they went.
RETIRED = {"jahrescheck": {
    "stufe": "nennt dem Kunden seine interne Stufe; Kunden lesen nie, in welcher Stufe "
             "sie sind. Bitte aus der Vorlage nehmen („kundenbuch vorlagen neu "
             "--ueberschreiben“ legt die neue Fassung an)",
    "faellig": "konnte ein Datum vor dem Briefdatum nennen; jetzt „termin_bis“"}}


def allowed_names(template: str) -> set[str]:
    return set(PLACEHOLDERS_COMMON) | set(PLACEHOLDERS.get(template, {}))


def retired_names(template: str) -> dict[str, str]:
    return RETIRED.get(template, {})


BODIES = {
    "begruessung": [
        "herzlich willkommen! Wir freuen uns auf die Zusammenarbeit und möchten, dass Sie "
        "von Anfang an wissen, was als Nächstes geschieht.",
        "In den ersten Wochen haben wir diese Termine für Sie vorgesehen:",
        "PLAN",
        "Passt ein Termin nicht, melden Sie sich bitte; wir finden gern einen anderen.",
    ],
    "dank": [
        "vielen Dank für Ihre Zahlung zur Rechnung {{ rechnungsnr }} und für Ihr Vertrauen.",
        "Uns ist wichtig, dass Sie mit unserer Arbeit zufrieden sind. Ist etwas offen "
        "geblieben, oder können wir etwas besser machen? Wir freuen uns über eine kurze "
        "Antwort, per Telefon oder E-Mail.",
    ],
    "zahlungserinnerung": [
        "sicher ist es Ihrer Aufmerksamkeit entgangen: Für die folgenden Rechnungen konnten "
        "wir noch keinen Zahlungseingang feststellen.",
        "POSTEN",
        "Bitte überweisen Sie {{ summe|euro }} bis zum {{ frist|datum }}. Sollten Sie "
        "inzwischen gezahlt haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.",
    ],
    "mahnung_1": [
        "leider ist zu den folgenden Rechnungen trotz unserer Zahlungserinnerung noch "
        "keine Zahlung eingegangen. Sie befinden sich damit in Zahlungsverzug.",
        "POSTEN",
        "Bitte überweisen Sie {{ summe|euro }} bis spätestens {{ frist|datum }}.",
    ],
    "mahnung_2": [
        "zu den folgenden Rechnungen ist trotz Erinnerung und Mahnung keine Zahlung "
        "eingegangen. Wir bitten Sie dringend, den Betrag nun zu begleichen.",
        "POSTEN",
        "Bitte überweisen Sie {{ summe|euro }} bis spätestens {{ frist|datum }}.",
    ],
    "mahnung_letzte": [
        "trotz mehrfacher Mahnung haben Sie die folgenden Rechnungen nicht bezahlt.",
        "POSTEN",
        "Dies ist unsere letzte Mahnung. Geht der Betrag von {{ summe|euro }} nicht bis "
        "zum {{ frist|datum }} bei uns ein, übergeben wir die Forderung ohne weitere "
        "Ankündigung einem Inkassounternehmen oder beantragen einen gerichtlichen "
        "Mahnbescheid. Die dadurch entstehenden Kosten gehen zu Ihren Lasten.",
    ],
    "jahrescheck": [
        "{%p if eingeladen_am %}",
        "am {{ eingeladen_am|datum }} hatten wir Sie zu Ihrem Jahrescheck eingeladen. "
        "Vielleicht ist die Einladung im Alltag untergegangen, deshalb fragen wir gern "
        "noch einmal: Wir vereinbaren gern einen Termin bis zum {{ termin_bis|datum }}.",
        "{%p else %}",
        "einmal im Jahr nehmen wir uns Zeit für Ihren Jahrescheck, für Sie kostenlos. "
        "Es ist wieder so weit: Gern vereinbaren wir einen Termin bis zum "
        "{{ termin_bis|datum }}.",
        "{%p endif %}",
        "Im Jahrescheck schauen wir gemeinsam, was sich bei Ihnen verändert hat, was gut "
        "läuft und wo wir Sie besser unterstützen können. Er dauert etwa eine Stunde, "
        "bei Ihnen, bei uns oder per Video.",
        "Bitte rufen Sie uns an oder antworten Sie auf diesen Brief, damit wir einen "
        "Termin vereinbaren können.",
    ],
    "gruss": [
        "{%p if anlass == 'Geburtstag' %}",
        "zu Ihrem Geburtstag am {{ tag|datum }} wünschen wir Ihnen alles Gute, Gesundheit "
        "und ein neues Lebensjahr, das Ihnen viel Freude macht.",
        "{%p else %}",
        "am {{ tag|datum }} arbeiten wir seit {% if jahre == 1 %}einem Jahr{% else %}"
        "{{ jahre }} Jahren{% endif %} zusammen. Dafür möchten wir einfach einmal Danke "
        "sagen: für Ihr Vertrauen, für die gute Zusammenarbeit und für alles, was wir "
        "dabei gemeinsam geschafft haben.",
        "{%p endif %}",
        "Wir freuen uns auf alles, was kommt.",
    ],
    "zufriedenheit": [
        "vor Kurzem haben wir „{{ leistung }}“ für Sie abgeschlossen. Uns interessiert, "
        "wie es für Sie gelaufen ist: Sind Sie zufrieden? Ist etwas offen geblieben, oder "
        "hätten wir etwas besser machen können?",
        "Zwei Sätze als Antwort genügen, per Telefon, E-Mail oder Brief. Ihre Antwort "
        "lesen wir selbst, und wir melden uns, wenn etwas zu tun ist.",
    ],
    "empfehlungsdank": [
        "{%p if anzahl > 1 %}",
        "Sie haben uns weiterempfohlen, und daraus sind {{ anzahl }} neue "
        "Zusammenarbeiten entstanden.",
        "{%p else %}",
        "Sie haben uns weiterempfohlen, und daraus ist eine neue Zusammenarbeit "
        "entstanden.",
        "{%p endif %}",
        "Eine Empfehlung ist das schönste Lob, das wir bekommen können. Herzlichen Dank "
        "für Ihr Vertrauen!",
    ],
    "angebot": [
        "vielen Dank für das freundliche Gespräch. Wie besprochen bieten wir Ihnen an:",
        "{%p if angebot.leistung %}",
        "{{ angebot.leistung }}",
        "{%p endif %}",
        "POSITIONEN",
        "SUMMEN",
        "Dieses Angebot gilt bis zum {{ angebot.gueltig_bis|datum }}. Die Rechnung ist "
        "{{ zahlungsziel_tage }} Tage nach Rechnungsdatum ohne Abzug zahlbar.",
        "Sind Sie einverstanden, genügt eine kurze Antwort, und wir legen los. Möchten Sie "
        "etwas anders haben, passen wir das Angebot gern an.",
    ],
    "angebot_nachfassen": [
        "am {{ angebot.datum|datum }} haben wir Ihnen unser Angebot {{ angebot.nr }} "
        "{% if angebot.leistung %}({{ angebot.leistung }}) {% endif %}über "
        "{{ angebot.brutto|euro }} geschickt. Es gilt noch bis zum "
        "{{ angebot.gueltig_bis|datum }}.",
        "Haben Sie noch Fragen, oder passt etwas nicht ganz? Wir besprechen das gern und "
        "passen das Angebot an; ein kurzer Anruf oder eine Antwort auf diesen Brief "
        "genügt.",
    ],
}
SUBJECTS = {
    "begruessung": "Willkommen – Ihre ersten Termine mit uns",
    "dank": "Danke für Ihre Zahlung",
    "zahlungserinnerung": "Zahlungserinnerung",
    "mahnung_1": "1. Mahnung",
    "mahnung_2": "2. Mahnung",
    "mahnung_letzte": "Letzte Mahnung",
    "jahrescheck": "Einladung zu Ihrem Jahrescheck",
    "rechnung": "{% if storno %}{{ storno.titel }}{% else %}Rechnung{% endif %} "
                "{{ rechnung.nr }}{% if kopie %} (Kopie){% endif %}",
    "gruss": "{% if anlass == 'Geburtstag' %}Herzlichen Glückwunsch zum Geburtstag"
             "{% else %}Danke für {% if jahre == 1 %}ein Jahr{% else %}{{ jahre }} Jahre"
             "{% endif %} Zusammenarbeit{% endif %}",
    "zufriedenheit": "Wie ist es gelaufen?",
    "empfehlungsdank": "Danke für Ihre Empfehlung",
    "angebot": "Angebot {{ angebot.nr }}",
    "angebot_nachfassen": "Unser Angebot {{ angebot.nr }}",
}


def _page(document):
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(25), Mm(20)
    section.top_margin, section.bottom_margin = Mm(45), Mm(25)
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Arial", Pt(10.5)
    style.paragraph_format.space_after = Pt(6)
    header = section.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.add_run("{{ absender.firma }}").bold = True
    for line in ("{{ absender.inhaber }}",
                 "{{ absender.strasse }} · {{ absender.plz }} {{ absender.ort }}",
                 "Telefon {{ absender.telefon }} · {{ absender.email }}"):
        paragraph = section.header.add_paragraph(line)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.space_after = Pt(0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = footer.add_run("{{ absender.firma }} · {{ absender.bank }} · IBAN "
                         "{{ absender.iban|iban }} · BIC {{ absender.bic }} · Steuernummer "
                         "{{ absender.steuernummer }}{% if absender.ustid %} · USt-IdNr "
                         "{{ absender.ustid }}{% endif %}")
    run.font.size = Pt(8)


def _address_and_info(document, info_lines):
    table = document.add_table(rows=1, cols=2)
    row = table.rows[0]
    row.height, row.height_rule = Mm(45), WD_ROW_HEIGHT_RULE.EXACTLY
    left, right = row.cells
    left.width, right.width = Mm(85), Mm(80)
    sender = left.paragraphs[0]
    run = sender.add_run("{{ absender.firma }} · {{ absender.strasse }} · "
                         "{{ absender.plz }} {{ absender.ort }}")
    run.font.size, run.underline = Pt(7), True
    for text in ("{%p for zeile in empfaenger.zeilen %}", "{{ zeile }}", "{%p endfor %}"):
        paragraph = left.add_paragraph(text)
        paragraph.paragraph_format.space_after = Pt(0)
    first = True
    for text in info_lines:
        paragraph = right.paragraphs[0] if first else right.add_paragraph()
        first = False
        paragraph.add_run(text).font.size = Pt(9)
        paragraph.paragraph_format.space_after = Pt(0)


# Widths that fit each header on one line (a header broken inside a word reads badly).
ITEM_COLUMNS_MM = {"Rechnung": 30, "vom": 24, "fällig seit": 26, "offen": 28,
                   "Zinsen": 26, "Pauschale": 26}


def _items_table(document, charges: bool):
    """The invoices of a reminder; with charges (the Mahnungen) also interest and flat
    fee per invoice, each explained in a sentence below. The friendly reminder asks for
    nothing extra, so it shows no such columns."""
    headers = list(ITEM_COLUMNS_MM)[:6 if charges else 4]
    values = ["{{ p.rechnungsnr }}", "{{ p.rechnungsdatum|datum_kurz }}",
              "{{ p.faellig|datum_kurz }}", "{{ p.offen|euro }}", "{{ p.zinsen|euro }}",
              "{{ p.pauschale|euro }}"][:len(headers)]
    totals = ["Summe", "", "", "{{ summe_offen|euro }}", "{{ summe_zinsen|euro }}",
              "{{ summe_pauschale|euro }}"][:len(headers)]
    table = document.add_table(rows=5, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for row in table.rows:
        for cell, header in zip(row.cells, headers):
            cell.width = Mm(ITEM_COLUMNS_MM[header])
    for cell, text in zip(table.rows[0].cells, headers):
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].text = "{%tr for p in posten %}"
    for cell, text in zip(table.rows[2].cells, values):
        cell.text = text
    table.rows[3].cells[0].text = "{%tr endfor %}"
    for cell, text in zip(table.rows[4].cells, totals):
        cell.text = text
    if charges:
        lines = ("{%p for p in posten if p.verzug_seit %}",
                 "Rechnung {{ p.rechnungsnr }}: in Verzug seit {{ p.verzug_seit|datum }} "
                 "({{ p.verzug_grund }}).{% if p.zinsen_erklaert %} Verzugszinsen "
                 "{{ p.zinsen|euro }}: {{ p.zinsen_erklaert }}.{% endif %}",
                 "{%p endfor %}",
                 "{%p if pauschale_erklaert %}", "{{ pauschale_erklaert }}", "{%p endif %}")
    else:
        lines = ("{%p for p in posten if p.verzug_seit %}",
                 "Rechnung {{ p.rechnungsnr }}: in Verzug seit {{ p.verzug_seit|datum }} "
                 "({{ p.verzug_grund }}). Zinsen und Kosten berechnen wir mit dieser "
                 "Erinnerung nicht.",
                 "{%p endfor %}")
    for line in lines:
        document.add_paragraph(line)
    document.add_paragraph("{%p if gebuehren %}")
    document.add_paragraph("Mahngebühren: {{ gebuehren|euro }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p if summe_bankgebuehr %}")
    document.add_paragraph("Gebühr Ihrer Bank für die zurückgegebene Lastschrift: "
                           "{{ summe_bankgebuehr|euro }}")
    document.add_paragraph("{%p endif %}")
    paragraph = document.add_paragraph()
    paragraph.add_run("Zu zahlen: {{ summe|euro }}").bold = True


def _payment(document):
    document.add_paragraph("Bankverbindung: {{ absender.bank }}, IBAN {{ absender.iban|iban }},"
                           " BIC {{ absender.bic }}, Verwendungszweck: {{ verwendungszweck }}")
    document.add_paragraph("Mit dem GiroCode zahlen Sie bequem per Banking-App:")
    document.add_paragraph("{{ girocode }}")


def _closing(document):
    document.add_paragraph("Mit freundlichen Grüßen")
    document.add_paragraph("{{ absender.inhaber or absender.firma }}")


# One net and tax amount per VAT rate (§ 14 Abs. 4 Nr. 8 UStG), in invoices and quotes.
RATE_ROWS = (("{%tr for s in saetze %}", None),
             ("Umsatzsteuer {{ s.satz }} %{% if saetze|length > 1 %} auf "
              "{{ s.netto|euro }}{% endif %}", "{{ s.ust|euro }}"),
             ("{%tr endfor %}", None))


def _label_table(document, rows, right: bool = False) -> None:
    """A two-column table of label and value; a row with value None is a {%tr %} tag."""
    table = document.add_table(rows=len(rows), cols=2)
    table.style = "Table Grid"
    for row, (label, value) in zip(table.rows, rows):
        row.cells[0].text = label
        if value is not None:
            row.cells[1].text = value
            if right:
                row.cells[1].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _sums_table(document) -> None:
    """Net, the tax per rate, and the total of a quote."""
    rows = (("Nettobetrag", "{{ angebot.netto|euro }}"),
            ("{%tr if not kleinunternehmer %}", None),
            *RATE_ROWS,
            ("{%tr endif %}", None),
            ("Gesamtbetrag", "{{ angebot.brutto|euro }}"))
    _label_table(document, rows, right=True)
    document.add_paragraph("{%p if kleinunternehmer %}")
    document.add_paragraph("Gemäß § 19 UStG wird keine Umsatzsteuer berechnet "
                           "(Kleinunternehmerregelung).")
    document.add_paragraph("{%p endif %}")


def build_letter(name: str) -> Document:
    document = Document()
    _page(document)
    info = ["{{ absender.ort }}, {{ datum|datum }}", "Kundennummer: {{ empfaenger.kundennr }}"]
    _address_and_info(document, info)
    document.add_paragraph().add_run(SUBJECTS[name]).bold = True
    document.add_paragraph("{{ empfaenger.anrede }},")
    for text in BODIES[name]:
        if text == "POSTEN":
            _items_table(document, charges=name != "zahlungserinnerung")
        elif text == "POSITIONEN":
            document.add_paragraph("{%p if positionen %}")
            _lines_table(document)
            document.add_paragraph("{%p endif %}")
        elif text == "SUMMEN":
            _sums_table(document)
        elif text == "PLAN":
            for line in ("{%p for t in plan %}", "• {{ t.datum|datum }}: {{ t.betreff }}",
                         "{%p endfor %}"):
                document.add_paragraph(line)
        else:
            document.add_paragraph(text)
    if "POSTEN" in BODIES[name]:
        _payment(document)
    _closing(document)
    return document


LINE_COLUMNS_MM = {"Pos": 12, "Beschreibung": 58, "Menge": 25, "Preis": 25,
                   "USt": 16, "Betrag": 26}


def _lines_table(document) -> None:
    """The invoice's lines from Positionen: what was done, how much, at what price."""
    headers = list(LINE_COLUMNS_MM)
    values = ["{{ p.pos }}", "{{ p.beschreibung }}{% if p.rabatt %} (−{{ p.rabatt|zahl }} "
              "% Rabatt){% endif %}", "{{ p.menge|zahl }} {{ p.einheit }}",
              "{{ p.einzelpreis|euro }}", "{{ p.ust_satz }} %", "{{ p.betrag|euro }}"]
    table = document.add_table(rows=4, cols=len(headers))
    table.style = "Table Grid"
    table.autofit = False
    for column, header in zip(table.columns, headers):
        column.width = Mm(LINE_COLUMNS_MM[header])      # the grid, for LibreOffice
    for row in table.rows:
        for cell, header in zip(row.cells, headers):
            cell.width = Mm(LINE_COLUMNS_MM[header])    # the cells, for Word
    for cell, text in zip(table.rows[0].cells, headers):
        cell.paragraphs[0].add_run(text).bold = True
    table.rows[1].cells[0].text = "{%tr for p in positionen %}"
    for index, (cell, text) in enumerate(zip(table.rows[2].cells, values)):
        cell.text = text
        if index >= 2:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    table.rows[3].cells[0].text = "{%tr endfor %}"
    document.add_paragraph()


def build_invoice() -> Document:
    document = Document()
    _page(document)
    info = ["{{ absender.ort }}, {{ datum|datum }}", "Rechnungsnummer: {{ rechnung.nr }}",
            "Kundennummer: {{ empfaenger.kundennr }}",
            "{% if absender.ustid %}USt-IdNr: {{ absender.ustid }}{% else %}Steuernummer: "
            "{{ absender.steuernummer }}{% endif %}"]
    _address_and_info(document, info)
    document.add_paragraph().add_run(SUBJECTS["rechnung"]).bold = True
    document.add_paragraph("{{ empfaenger.anrede }},")
    document.add_paragraph(
        "{% if storno %}hiermit {% if storno.voll %}stornieren wir unsere Rechnung "
        "{{ storno.nr }} vom {{ storno.datum|datum }} vollständig{% else %}korrigieren "
        "wir unsere Rechnung {{ storno.nr }} vom {{ storno.datum|datum }} und schreiben "
        "Ihnen gut{% endif %}:{% else %}für unsere Leistung berechnen wir Ihnen:{% endif %}")
    document.add_paragraph("{%p if positionen %}")
    _lines_table(document)
    document.add_paragraph("{%p endif %}")
    # A Kleinunternehmer invoice shows what § 34a UStDV asks: no VAT breakdown, and a
    # service date only where one was typed.
    rows = (("Leistung", "{{ rechnung.leistung }}"),
            ("{%tr if rechnung.leistungsdatum %}", None),
            ("Leistungsdatum", "{{ rechnung.leistungsdatum|datum }}"),
            ("{%tr endif %}", None),
            ("{%tr if not kleinunternehmer %}", None),
            ("Nettobetrag", "{{ rechnung.netto|euro }}"),
            *RATE_ROWS,
            ("{%tr endif %}", None))
    _label_table(document, rows)
    paragraph = document.add_paragraph()
    paragraph.add_run("{% if storno %}Gutschrift{% else %}Rechnungsbetrag{% endif %}: "
                      "{{ rechnung.brutto|euro }}").bold = True
    for line in ("{%p if kleinunternehmer %}",
                 "Gemäß § 19 UStG wird keine Umsatzsteuer berechnet (Kleinunternehmerregelung).",
                 "{%p endif %}",
                 "{%p if bereits_erhalten %}",
                 "Davon haben wir {{ bereits_erhalten|euro }} schon erhalten (Guthaben aus "
                 "einer früheren Zahlung); offen sind {{ zu_zahlen|euro }}.",
                 "{%p endif %}",
                 "{%p if storno %}",
                 "Sie müssen nichts zahlen. Einen schon gezahlten Betrag erstatten wir "
                 "Ihnen oder verrechnen ihn mit Ihrer nächsten Rechnung.",
                 "{%p elif bezahlt_am %}",
                 "Diese Rechnung ist am {{ bezahlt_am|datum }} bezahlt worden. Vielen Dank!",
                 "{%p elif lastschrift %}",
                 "Den Betrag von {{ zu_zahlen|euro }} ziehen wir am "
                 "{{ lastschrift.datum|datum }} per SEPA-Lastschrift von Ihrem Konto "
                 "(IBAN endet auf {{ lastschrift.iban_ende }}) ein. Mandatsreferenz: "
                 "{{ lastschrift.mandatsreferenz }}, Gläubiger-ID: "
                 "{{ lastschrift.glaeubiger_id }}. Bitte sorgen Sie für Deckung; Sie "
                 "brauchen nichts zu überweisen.",
                 "{%p else %}",
                 "Bitte zahlen Sie {{ zu_zahlen|euro }} bis zum {{ rechnung.faellig|datum }} "
                 "ohne Abzug.",
                 "{%p endif %}",
                 "{%p if privat and not bezahlt_am and not storno %}",
                 "Hinweis nach § 286 Abs. 3 BGB: Sie kommen ohne weitere Mahnung in Verzug, "
                 "wenn Sie nicht innerhalb von 30 Tagen nach Fälligkeit und Zugang dieser "
                 "Rechnung zahlen.",
                 "{%p endif %}"):
        document.add_paragraph(line)
    document.add_paragraph("{%p if not bezahlt_am and not lastschrift and not storno %}")
    _payment(document)
    document.add_paragraph("{%p endif %}")
    _closing(document)
    return document


TEMPLATES = tuple(SUBJECTS)


def write_templates(folder: Path, overwrite: bool = False) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in TEMPLATES:
        path = folder / f"{name}.docx"
        if path.exists() and not overwrite:
            continue
        (build_invoice() if name == "rechnung" else build_letter(name)).save(path)
        written.append(path)
    return written
