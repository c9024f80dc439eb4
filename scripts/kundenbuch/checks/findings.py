"""A finding is data (where, what, how bad), never an exception."""
from __future__ import annotations

from dataclasses import dataclass

FEHLER, WARNUNG, HINWEIS = "Fehler", "Warnung", "Hinweis"
SEVERITY_ORDER = {FEHLER: 0, WARNUNG: 1, HINWEIS: 2}


@dataclass(frozen=True)
class Finding:
    severity: str
    sheet: str          # sheet name, "" for the workbook as a whole
    cell: str           # "C14", a range, or "" when no single cell is meant
    message: str        # plain German
    rule: str = ""      # name of the check that found it

    @property
    def address(self) -> str:
        """Excel-style address such as Rechnungen!C14."""
        if not self.sheet:
            return ""
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def as_json(self) -> dict:
        return {"schwere": self.severity, "blatt": self.sheet, "zelle": self.cell,
                "adresse": self.address, "meldung": self.message, "regel": self.rule}


def has_errors(findings) -> bool:
    return any(f.severity == FEHLER for f in findings)


def sort_key(finding: Finding):
    return (finding.sheet, SEVERITY_ORDER[finding.severity], _cell_order(finding.cell))


def _cell_order(cell: str):
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell.split(":")[0] if ch.isdigit())
    return (int(digits) if digits else 0, len(letters), letters)
