"""`kundenbuch akte KUNDENNR`: one client's file, on screen and as PDF (akten/): master
data, phase, tier in force and why, open items, the promises of the tier and whether
they are kept, and everything that happened in time order. Reads only; the file is
internal (it names the tier, which no letter to a client does)."""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..book.reader import read_book
from ..documents import client_file_doc, pdf
from ..rules.client_data import rows_of
from ..rules.client_story import story
from .privacy import find_client
from .receivables import summarize
from .stichtag import choose
from .tiers import analyse_book

FOLDER = "akten"


@dataclass
class ClientFile:
    client: object
    stichtag: date
    tier: object               # rules.tiers.ClientTier or None
    open_items: list           # receivables states with something open
    promises: list
    events: list
    path: Path | None = None
    pdf_problem: str = ""
    phase: object = None       # rules.phases.PhaseProposal

    @property
    def phase_text(self) -> str:
        """The phase in Kunden and, where the facts say otherwise, the proposal."""
        typed = self.client["phase"] or "nicht gesetzt"
        if self.phase is None:
            return typed
        if self.phase.change:
            return f"{typed} (Vorschlag {self.phase.proposed}: {self.phase.reason})"
        return f"{typed} ({self.phase.reason})"


def run(path: Path, number: str, now: datetime, stichtag: date | None = None,
        book=None) -> ClientFile:
    book = book or read_book(path)
    client = find_client(book, number)
    day = choose(stichtag, book.settings, now.date()).day
    summary = summarize(book, day)
    analysis = analyse_book(book, day, summary)
    tier = next((t for t in analysis.clients if t.client is client), None)
    phase = next((p for p in analysis.phases if p.client is client), None)
    open_items = [s for s in summary.open_items if s.invoice["kundennr"] == client["kundennr"]]
    promises = [p for p in analysis.promises if p.client is client]
    result = ClientFile(client, day, tier, open_items, promises,
                        story(rows_of(book, client["kundennr"])), phase=phase)
    folder = Path(book.path).resolve().parent / FOLDER
    folder.mkdir(exist_ok=True)
    target = folder / f"Akte_{client['kundennr']}_{day:%Y-%m-%d}.pdf"
    with tempfile.TemporaryDirectory(prefix="kundenbuch-akte-") as work:
        docx = client_file_doc.build(result, Path(work) / target.with_suffix(".docx").name)
        try:
            made = pdf.convert([docx])[0]
            made.replace(target)
            result.path = target
        except pdf.PdfUnavailable as exc:
            result.pdf_problem = str(exc)
            result.path = folder / docx.name
            docx.replace(result.path)
    return result
