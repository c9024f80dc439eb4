"""Counting in German: "1 Warnung", "2 Warnungen", "0 Hinweise"."""
from __future__ import annotations

from ..checks.findings import FEHLER, HINWEIS, WARNUNG

PLURALS = {
    "Fehler": "Fehler", "Warnung": "Warnungen", "Hinweis": "Hinweise", "Befund": "Befunde",
    "Datei": "Dateien", "Brief": "Briefe", "Termin": "Termine", "Zelle": "Zellen",
    "Zeile": "Zeilen", "Änderung": "Änderungen", "Eintrag": "Einträge",
    "Rechnung": "Rechnungen", "Kunde": "Kunden", "Vorlage": "Vorlagen",
    "Lieferfrist": "Lieferfristen", "Rückruf": "Rückrufe", "Steuertermin": "Steuertermine",
    "Zahlung": "Zahlungen", "Buchung": "Buchungen", "Lastschrift": "Lastschriften",
    "Eingang": "Eingänge", "Abbuchung": "Abbuchungen", "Phasenvorschlag": "Phasenvorschläge",
}


def counted(number: int, word: str) -> str:
    return f"{number} {word if number == 1 else PLURALS[word]}"


def severity_counts(findings) -> str:
    """'1 Fehler, 2 Warnungen, 0 Hinweise'."""
    return ", ".join(counted(sum(f.severity == level for f in findings), level)
                     for level in (FEHLER, WARNUNG, HINWEIS))
