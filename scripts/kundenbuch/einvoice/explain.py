"""The EN 16931 business rules a small business's invoice most often breaks, in plain
German. Any other rule is shown with its official (English) text after its id."""
from __future__ import annotations

RULES = {
    "BR-01": "Die Spezifikationskennung (BT-24) fehlt.",
    "BR-02": "Die Rechnungsnummer fehlt.",
    "BR-03": "Das Rechnungsdatum fehlt.",
    "BR-04": "Der Rechnungstyp (BT-3) fehlt.",
    "BR-05": "Die Währung fehlt.",
    "BR-06": "Der Name des Verkäufers fehlt.",
    "BR-07": "Der Name des Käufers fehlt.",
    "BR-08": "Die Anschrift des Verkäufers fehlt.",
    "BR-09": "Das Land des Verkäufers fehlt.",
    "BR-10": "Die Anschrift des Käufers fehlt.",
    "BR-11": "Das Land des Käufers fehlt.",
    "BR-16": "Die Rechnung hat keine Position.",
    "BR-CO-10": "Die Summe der Positionen (BT-106) stimmt nicht mit den Positionsbeträgen "
                "überein.",
    "BR-CO-13": "Der Nettobetrag (BT-109) ist nicht Summe der Positionen minus Nachlässe "
                "plus Zuschläge.",
    "BR-CO-14": "Die Umsatzsteuer gesamt (BT-110) ist nicht die Summe der Steuerbeträge je "
                "Satz.",
    "BR-CO-15": "Der Bruttobetrag (BT-112) ist nicht Nettobetrag plus Umsatzsteuer.",
    "BR-CO-16": "Der Zahlbetrag (BT-115) ist nicht Bruttobetrag minus Anzahlungen.",
    "BR-CO-25": "Bei einem positiven Zahlbetrag fehlt das Fälligkeitsdatum oder die "
                "Zahlungsbedingung.",
    "BR-S-08": "Die Bemessungsgrundlage zum Regelsatz stimmt nicht mit den Positionen zu "
               "diesem Satz überein.",
    "BR-S-09": "Der Steuerbetrag zum Regelsatz ist nicht Bemessungsgrundlage × Steuersatz.",
    "BR-E-08": "Die steuerfreie Bemessungsgrundlage stimmt nicht mit den Positionen "
               "überein.",
    "BR-E-10": "Bei steuerbefreiten Umsätzen fehlt der Befreiungsgrund (z. B. § 19 UStG).",
    "BR-AE-10": "Bei Steuerschuldnerschaft des Leistungsempfängers fehlt der Grund.",
    "BR-55": "Eine Korrektur nennt die ursprüngliche Rechnung nicht richtig.",
    "BR-61": "Bei einer Überweisung fehlt die IBAN des Zahlungsempfängers.",
    "BR-62": "Die Lastschrift nennt keine Gläubiger-ID.",
    "BR-63": "Die Lastschrift nennt keine Mandatsreferenz.",
}


def german(rule: str, official: str) -> str:
    text = RULES.get(rule)
    return text if text else f"Regel {rule} verletzt: {official}"
