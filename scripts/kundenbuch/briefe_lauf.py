"""The letters run: which letters are due, render them, archive them, plan write-back."""
from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from . import briefe, schema
from .plan import CellWrite, Plan, RowAppend, protocol_row

TEMPLATE_FOLDER = "vorlagen"
LETTER_FOLDER = "briefe"
REPO_TEMPLATES = Path(__file__).resolve().parents[2] / TEMPLATE_FOLDER


@dataclass
class LetterRun:
    letters: list
    files: list = field(default_factory=list)        # (letter, path)
    pdf_problem: str | None = None
    plan: Plan = field(default_factory=Plan)


def template_folder(workbook: Path) -> Path:
    """vorlagen/ beside the workbook; made there from the standard templates if missing,
    so that the user has copies to change in Word."""
    folder = Path(workbook).resolve().parent / TEMPLATE_FOLDER
    if not folder.is_dir() or not any(folder.glob("*.docx")):
        folder.mkdir(exist_ok=True)
        if REPO_TEMPLATES.is_dir() and REPO_TEMPLATES != folder:
            for template in REPO_TEMPLATES.glob("*.docx"):
                shutil.copy(template, folder / template.name)
        else:
            from .vorlagen import write_templates
            write_templates(folder)
    return folder


def due_letters(book, stichtag: date, kinds=briefe.KINDS, invoice_number=None,
                summary=None, analysis=None, skip_rows=frozenset()) -> list:
    """Every letter that is due, of the kinds asked for."""
    from . import forderungen, stufenanalyse
    protocol = book.records.get(schema.PROTOKOLL.table, [])
    settings = book.settings
    letters = []
    if "begruessung" in kinds:
        letters += briefe.welcome_letters(book.kunden, book.termine, settings, stichtag,
                                          skip_rows)
    if "dank" in kinds or "jahrescheck" in kinds:
        analysis = analysis or stufenanalyse.analyse_book(book, stichtag)
    if "dank" in kinds:
        letters += briefe.thank_you_letters(analysis.journey, book.rechnungen, settings,
                                            stichtag, skip_rows)
    if "mahnung" in kinds:
        summary = summary or forderungen.summarize(book, stichtag)
        letters += briefe.dunning_letters(summary, book.kunden, settings, stichtag,
                                          skip_rows)
    if "jahrescheck" in kinds:
        letters += briefe.annual_check_letters(analysis.annual_checks_due(), protocol,
                                               settings, stichtag, skip_rows)
    if "rechnung" in kinds:
        letters += briefe.invoice_letters(book.rechnungen, book.kunden, protocol, settings,
                                          stichtag, invoice_number, skip_rows)
    return letters


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def produce(book, letters, stichtag: date, now: datetime, pdf: bool = False,
            progress=None) -> LetterRun:
    """Render every letter into briefe/JJJJ-MM/, make PDFs if asked, and plan the
    write-back (Begrüßt am, Mahnstufe, Gemahnt am) and one Protokoll row per file."""
    if letters:               # docxtpl takes a while to import; not needed for none
        from .render import girocode_png, render
    run = LetterRun(letters)
    templates = template_folder(book.path)
    folder = Path(book.path).resolve().parent / LETTER_FOLDER / f"{stichtag:%Y-%m}"
    for letter in letters:
        target = folder / letter.filename
        code = girocode_png(*letter.girocode) if letter.girocode else None
        render(templates / f"{letter.template}.docx", letter.context, target, code)
        run.files.append((letter, target))
        if progress:
            progress()
    if pdf and run.files:
        from .pdf import PdfUnavailable, convert
        try:
            pdfs = convert([path for _, path in run.files])
            run.files += [(letter, made) for (letter, _), made in zip(list(run.files), pdfs)]
        except PdfUnavailable as exc:
            run.pdf_problem = str(exc)
    run.plan = _plan(book, run, stichtag, now)
    return run


def _plan(book, run: LetterRun, stichtag: date, now: datetime) -> Plan:
    plan = Plan()
    seen = set()
    for letter in run.letters:
        for record, name, value in letter.writes:
            key = (record.sheet, record.row, name)
            if record.has_column(name) and key not in seen and record[name] != value:
                seen.add(key)
                plan.cells.append(CellWrite(record.sheet, record.row, record.columns[name],
                                            value))
    base = Path(book.path).resolve().parent
    rows = _locks(book, run.letters, now, stichtag, plan, seen)
    for letter, path in run.files:
        rows.append(protocol_row(
            now, letter.protocol_kind, stichtag=stichtag, kundennr=letter.client["kundennr"],
            rechnungen=", ".join(str(i["rechnungsnr"]) for i in letter.invoices) or None,
            datei=os.path.relpath(path, base).replace(os.sep, "/"), sha256=sha256(path)))
    if rows:
        plan.appends.append(RowAppend(schema.PROTOKOLL.table, rows))
    return plan


def _locks(book, letters, now, stichtag, plan, seen) -> list[dict]:
    """Festschreibung rows for invoices whose document or first reminder is made now;
    an empty Fällig am is fixed in the same write."""
    from . import festschreibung
    locked = set(festschreibung.locks(book.records.get(schema.PROTOKOLL.table, [])))
    rows = []
    for letter in letters:
        if not letter.locks_invoices:
            continue
        for invoice in letter.invoices:
            number = str(invoice["rechnungsnr"])
            if number in locked:
                continue
            locked.add(number)
            due = letter.due_dates.get(invoice["rechnungsnr"])
            text = festschreibung.values_text(invoice, due)
            rows.append(protocol_row(now, festschreibung.KIND, stichtag=stichtag,
                                     kundennr=invoice["kundennr"], rechnungen=number,
                                     sha256=festschreibung.fingerprint(text), details=text))
            key = (invoice.sheet, invoice.row, "faellig_am")
            if invoice["faellig_am"] is None and due and key not in seen:
                seen.add(key)
                plan.cells.append(CellWrite(invoice.sheet, invoice.row,
                                            invoice.columns["faellig_am"], due))
    return rows


@dataclass(frozen=True)
class ArchiveProblem:
    row: int
    file: str
    problem: str


def check_archive(book) -> tuple[int, list[ArchiveProblem]]:
    """Every file the Protokoll lists must still be there, with the same SHA-256."""
    base = Path(book.path).resolve().parent
    checked, problems = 0, []
    for row in book.records.get(schema.PROTOKOLL.table, []):
        if not row["datei"] or not row["sha256"]:
            continue
        checked += 1
        path = base / row["datei"]
        if not path.exists():
            problems.append(ArchiveProblem(row.row, row["datei"], "fehlt"))
        elif sha256(path) != row["sha256"]:
            problems.append(ArchiveProblem(row.row, row["datei"],
                                           "wurde nach dem Erstellen verändert"))
    return checked, problems
