"""The letters run (`kundenbuch briefe`): which letters are due, their files, and the
write-back (Begrüßt am, Mahnstufe, Gemahnt am, Festschreibung, one Protokoll row per
file); and the archive check (`kundenbuch archiv pruefen`)."""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from ..book import schema
from ..book.invoice_lines import lines_by_document
from ..book.reader import Book, read_book
from ..documents.letters import (letter_folder, move_into_place, render_letters, sha256,
                                 staging_folder, template_folder)
from ..rules import care_letters, consent, erasure
from ..rules import letters as letters_rules
from ..rules import lock
from ..rules.receivables import LEVEL_NAMES
from ..rules.small_business import exemption
from ..writer import WriteRefused
from .stichtag import Stichtag, choose
from .apply import WriteResult, check_writable, exclusive, write
from .plan import CellWrite, Plan, RowAppend, protocol_row
from .einvoice_out import EInvoices
from .einvoice_out import attach as attach_einvoices
from .receivables import first_reminders


@dataclass
class LetterRun:
    """A run's letters: made in a staging folder, moved to their paths in files only
    once the workbook listing them is written (finish), else thrown away (discard)."""
    letters: list
    files: list = field(default_factory=list)        # (letter, final path)
    pdf_problem: str | None = None
    plan: Plan = field(default_factory=Plan)
    staged: dict = field(default_factory=dict)       # final path -> file made
    staging: Path | None = None

    def finish(self) -> None:
        move_into_place(self.files, self.staged)
        self.discard()

    def discard(self) -> None:
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None


def due_letters(book, stichtag: date, kinds=letters_rules.KINDS, invoice_number=None,
                summary=None, analysis=None, skip_rows=frozenset(),
                letter_date: date | None = None, also_invoices=frozenset()) -> list:
    """Every letter that is due at the Stichtag, of the kinds asked for, dated
    letter_date (the day they are made, or --briefdatum; default the Stichtag).
    also_invoices: Rechnungsnr made by this run (subscriptions, accepted quotes) whose
    documents are made whatever their date."""
    letter_date = letter_date or stichtag
    from .receivables import summarize
    from .tiers import analyse_book
    protocol = book.records.get(schema.PROTOKOLL.table, [])
    settings = book.settings
    letters = []
    if "begruessung" in kinds:
        letters += letters_rules.welcome_letters(book.kunden, book.termine, settings,
                                                 letter_date, skip_rows)
    if "dank" in kinds or "jahrescheck" in kinds:
        analysis = analysis or analyse_book(book, stichtag)
    if "dank" in kinds:
        letters += letters_rules.thank_you_letters(analysis.journey, book.rechnungen,
                                                   settings, letter_date, skip_rows)
    if "mahnung" in kinds:
        summary = summary or summarize(book, stichtag)
        # an invoice this run made is not reminded in the same run
        new_rows = frozenset((i.sheet, i.row) for i in book.rechnungen
                             if str(i["rechnungsnr"]) in also_invoices)
        letters += letters_rules.dunning_letters(summary, book.kunden, settings,
                                                 letter_date, skip_rows | new_rows)
    if "jahrescheck" in kinds:
        letters += letters_rules.annual_check_letters(
            analysis.annual_checks_due(), protocol, book.stufen, settings, letter_date,
            skip_rows)
    if "nachfassen" in kinds:
        letters += letters_rules.quote_follow_up_letters(book.angebote, book.kunden, settings,
                                                         stichtag, letter_date, skip_rows)
    letters += _care_letters(book, kinds, stichtag, letter_date, skip_rows, summary,
                             thanked_now={l.client["kundennr"] for l in letters
                                          if l.template == "dank"})
    if "rechnung" in kinds:
        # Never an invoice document in the same run as a reminder for it.
        reminded = {(i.sheet, i.row) for letter in letters if letter.template != "rechnung"
                    for i in letter.invoices}
        from .receivables import paid_as_of
        invoices = paid_as_of(book, max(stichtag, letter_date))
        letters += [letter for letter in letters_rules.invoice_letters(
                        invoices, book.kunden, protocol, settings, stichtag,
                        invoice_number, skip_rows, letter_date,
                        lines_by_document(book.positionen), also_invoices)
                    if (letter.invoices[0].sheet, letter.invoices[0].row) not in reminded]
    # a withdrawal of consent (Widerruf am) stops every advertising letter; an erased
    # client gets nothing but a kept invoice asked for by its number
    erased = erasure.erased_clients(protocol)
    return [letter for letter in letters
            if consent.letter_allowed(letter.template, letter.client, letter_date)
            and (str(letter.client["kundennr"]) not in erased
                 or (invoice_number is not None and letter.template == "rechnung"))]


def _care_letters(book, kinds, stichtag, letter_date, skip_rows, summary, thanked_now):
    """Greetings, the after-sales question and the thanks for a referral."""
    protocol = book.records.get(schema.PROTOKOLL.table, [])
    letters = []
    if "gruss" in kinds:
        letters += care_letters.greeting_letters(book.kunden, protocol, book.settings,
                                                 stichtag, letter_date, skip_rows)
    if "zufriedenheit" in kinds:
        from .receivables import paid_dates, summarize
        summary = summary or summarize(book, stichtag)
        triggers = care_letters.after_sales_triggers(book.termine, book.angebote,
                                                     summary.invoices,
                                                     paid_dates(book, stichtag),
                                                     stichtag)
        letters += care_letters.satisfaction_letters(book.kunden, triggers, protocol,
                                                     book.settings, stichtag, letter_date,
                                                     skip_rows, thanked_now)
    if "empfehlungsdank" in kinds:
        letters += care_letters.referral_thanks(book.kunden, protocol, book.settings,
                                                stichtag, letter_date, skip_rows)
    return letters


def produce(book, letters, stichtag: date, now: datetime, pdf: bool = False,
            progress=None, email: bool = False) -> LetterRun:
    """Render every letter into briefe/JJJJ-MM/, make PDFs if asked, and plan the
    write-back (Begrüßt am, Mahnstufe, Gemahnt am) and one Protokoll row per file."""
    letter_run = LetterRun(letters)
    if letters:
        letter_run.staging = staging_folder(book.path)
        try:
            letter_run.files, letter_run.staged, letter_run.pdf_problem = render_letters(
                letters, template_folder(book.path), letter_run.staging,
                letter_folder(book.path, stichtag), pdf or email, progress, email)
        except BaseException:
            letter_run.discard()
            raise
    letter_run.plan = _plan(book, letter_run, stichtag, now)
    return letter_run


def write_with_letters(book, plan, now, target, letter_run: LetterRun):
    """The write, then the letters into place; a failed write leaves no letter."""
    try:
        result = write(book, plan, now, target)
    except BaseException:
        letter_run.discard()
        raise
    letter_run.finish()
    return result


def _plan(book, letter_run: LetterRun, stichtag: date, now: datetime) -> Plan:
    plan = Plan()
    seen = set()
    for letter in letter_run.letters:
        for record, name, value in letter.writes:
            key = (record.sheet, record.row, name)
            if record.has_column(name) and key not in seen and record[name] != value:
                seen.add(key)
                plan.cells.append(CellWrite(record.sheet, record.row, record.columns[name],
                                            value))
    base = Path(book.path).resolve().parent
    rows = _locks(book, letter_run.letters, now, stichtag, plan, seen)
    rows += _typed_reminders(book, letter_run.letters, now)
    for letter, path in letter_run.files:
        # A letter's row carries the letter's date: a reminder's receipt counts from it
        # (§ 286 BGB), and invitations are counted by it. An invoice document keeps
        # the run's Stichtag (its own date is the Rechnungsdatum).
        day = stichtag if letter.template == "rechnung" else letter.context["datum"]
        rows.append(protocol_row(
            now, letter.protocol_kind, stichtag=day, kundennr=letter.client["kundennr"],
            rechnungen=", ".join(str(i["rechnungsnr"]) for i in letter.invoices) or None,
            datei=os.path.relpath(path, base).replace(os.sep, "/"),
            sha256=sha256(letter_run.staged[path]), details=letter.protocol_details))
    if rows:
        plan.appends.append(RowAppend(schema.PROTOKOLL.table, rows))
    if schema.KONTAKTE.table in book.locations and letter_run.files:
        plan.appends.append(RowAppend(schema.KONTAKTE.table,
                                      contact_rows(letter_run.files, base)))
    return plan


def emailed(files) -> set:
    """id() of the letters that got an e-mail draft beside their files."""
    return {id(letter) for letter, path in files if path.suffix == ".eml"}


def contact_rows(files, base: Path) -> list[dict]:
    """The contact history's row of each letter made (one per letter, not per file):
    on its date, channel Brief, the kind and its invoices as the occasion."""
    rows, seen, drafted = [], set(), emailed(files)
    for letter, path in files:
        if id(letter) in seen:
            continue
        seen.add(id(letter))
        numbers = ", ".join(str(i["rechnungsnr"]) for i in letter.invoices)
        row = {"datum": letter.context["datum"], "kundennr": letter.client["kundennr"],
               "kanal": "E-Mail" if id(letter) in drafted else "Brief",
               "anlass": letter.protocol_kind + (f" {numbers}" if numbers else ""),
               "notiz": os.path.relpath(path, base).replace(os.sep, "/")}
        if letter.follow_up is not None:       # a question: its answer is awaited
            row.update(anlass=f"{letter.protocol_kind}: Antwort als Kontakt eintragen",
                       wiedervorlage=letter.follow_up)
        rows.append(row)
    return rows


def _typed_reminders(book, letters, now) -> list[dict]:
    """A reminder the user typed (Mahnstufe, Gemahnt am) into the Protokoll before a
    letter overwrites Gemahnt am: default may have begun with its receipt (§ 286 Abs. 1
    BGB), and the next run must still know its date."""
    known = first_reminders(book.records.get(schema.PROTOKOLL.table, []))
    rows, done = [], set()
    for letter in letters:
        if letter.template not in letters_rules.DUNNING_TEMPLATES.values():
            continue
        for invoice in letter.invoices:
            number, typed = invoice["rechnungsnr"], invoice["gemahnt_am"]
            if (typed is None or not invoice["mahnstufe"] or number in done
                    or (number in known and known[number] <= typed)):
                continue
            done.add(number)
            rows.append(protocol_row(
                now, LEVEL_NAMES[invoice["mahnstufe"]], stichtag=typed,
                kundennr=invoice["kundennr"], rechnungen=number,
                details="von Hand eingetragen (Mahnstufe und Gemahnt am); festgehalten, "
                        "bevor der neue Brief Gemahnt am überschreibt"))
    return rows


def _locks(book, letters, now, stichtag, plan, seen) -> list[dict]:
    """Festschreibung rows for invoices whose document or first reminder is made now;
    an empty Fällig am is fixed in the same write."""
    locked = set(lock.locks(book.records.get(schema.PROTOKOLL.table, [])))
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
            text = lock.values_text(invoice, due)
            rows.append(protocol_row(now, lock.KIND, stichtag=stichtag,
                                     kundennr=invoice["kundennr"], rechnungen=number,
                                     sha256=lock.fingerprint(text), details=text))
            key = (invoice.sheet, invoice.row, "faellig_am")
            if not invoice.holds("faellig_am") and due and key not in seen:
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
    protocol = book.records.get(schema.PROTOKOLL.table, [])
    erased = erasure.erased_clients(protocol)
    for row in protocol:
        if not row["datei"] or not row["sha256"]:
            continue
        checked += 1
        path = base / row["datei"]
        if not path.exists() and str(row["kundennr"]) in erased and not erasure.is_kept(row):
            continue                            # deleted on request (loeschen)
        if not path.exists():
            problems.append(ArchiveProblem(row.row, row["datei"], "fehlt"))
        elif sha256(path) != row["sha256"]:
            problems.append(ArchiveProblem(row.row, row["datei"],
                                           "wurde nach dem Erstellen verändert"))
    return checked, problems


@dataclass
class LettersResult:
    book: Book
    letters: list
    run: object = None
    write: WriteResult | None = None
    when: Stichtag | None = None      # the Stichtag used, with its reason
    einvoices: EInvoices = field(default_factory=EInvoices)

    @property
    def plan(self) -> Plan:
        return self.run.plan if self.run is not None else Plan()


@exclusive()
def run(path: Path, stichtag: date | None, now: datetime, kinds=None, invoice_number=None,
        pdf: bool = False, probelauf: bool = False, progress=None,
        book: Book | None = None, target=None, briefdatum: date | None = None,
        erechnung: bool = False, quote_number=None, email: bool = False) -> LettersResult:
    """Produce every due letter (or those of the kinds asked for) and write back."""
    book = book or read_book(path, progress=progress)
    when = choose(stichtag, book.settings, now.date())
    stichtag = when.day
    kinds = tuple(kinds or letters_rules.KINDS)
    if invoice_number is not None:
        kinds = ("rechnung",)
        _find_asked_invoice(book, invoice_number)
        _refuse_contradicting(book, invoice_number)
    if quote_number is not None:
        letters = [quote_document(book, quote_number, briefdatum or now.date())]
    else:
        letters = due_letters(book, stichtag, kinds, invoice_number,
                              letter_date=briefdatum or now.date())
    letters, einvoices = attach_einvoices(letters, book.settings, erechnung)
    result = LettersResult(book, letters, when=when, einvoices=einvoices)
    if probelauf or not letters:
        return result
    check_writable(book, target)
    result.run = produce(book, letters, stichtag, now, pdf, progress, email)
    result.write = write_with_letters(book, result.run.plan, now, target, result.run)
    return result


class InvoiceNotFound(Exception):
    """`briefe --rechnung NR` for a number the book does not have (exit code 1)."""


def quote_document(book, number, letter_date: date):
    """The letter of `briefe --angebot NR`; InvoiceNotFound (same exit code) when the
    book has no such quote or it cannot be made yet."""
    quotes = {str(q["angebotsnr"]).strip(): q for q in book.angebote if q["angebotsnr"]}
    quote = quotes.get(str(number).strip())
    if quote is None:
        raise InvoiceNotFound(not_found(f"Das Angebot {number}", "Angebote", number, quotes))
    letter = letters_rules.quote_letter(quote, book.kunden, book.settings, letter_date,
                                        lines_by_document(book.positionen))
    if letter is None:
        raise InvoiceNotFound(f"Angebot {number}: Kunde oder Betrag fehlt (Netto oder "
                              "Positionen); es wurde nichts erstellt.")
    return letter


def _find_asked_invoice(book, invoice_number) -> None:
    numbers = [str(i["rechnungsnr"]) for i in book.rechnungen if i["rechnungsnr"] is not None]
    if str(invoice_number) not in numbers:
        raise InvoiceNotFound(not_found(f"Die Rechnung {invoice_number}", "Rechnungen",
                                        invoice_number, numbers))


def not_found(what: str, sheet: str, number, known) -> str:
    """"Die Rechnung 2026-0104 gibt es im Blatt Rechnungen nicht; meinten Sie
    2026-0103? Es wurde nichts erstellt." (the closest numbers the sheet has)."""
    import difflib
    close = difflib.get_close_matches(str(number), list(known), n=3)
    return (f"{what} gibt es im Blatt {sheet} nicht"
            + (f"; meinten Sie {' oder '.join(close)}?" if close else ".")
            + " Es wurde nichts erstellt.")


def _refuse_contradicting(book, invoice_number) -> None:
    exempt = exemption(book.rechnungen, book.settings)
    for invoice in book.rechnungen:
        if str(invoice["rechnungsnr"]) == str(invoice_number) and exempt.contradicts(invoice):
            raise WriteRefused(
                f"Rechnung {invoice_number} wird nicht erstellt: als Kleinunternehmer (§ 19 "
                f"UStG) darf sie keine Umsatzsteuer ausweisen, in {invoice.sheet}!"
                f"{invoice.cell('ust_satz')} steht aber {invoice['ust_satz']} %. USt-Satz 0 "
                "eintragen oder die Einstellung Kleinunternehmer auf nein setzen.")


def check_archive_of(path: Path):
    """`kundenbuch archiv pruefen`: (files checked, problems)."""
    return check_archive(read_book(path))
