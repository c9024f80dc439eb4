"""Letter files: the template folder, rendering a run's letters, the archive digest.

What a letter says is decided in rules/letters.py; this module only turns letters into
.docx (and PDF) files in briefe/JJJJ-MM/ beside the workbook.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

TEMPLATE_FOLDER = "vorlagen"
LETTER_FOLDER = "briefe"
REPO_TEMPLATES = Path(__file__).resolve().parents[3] / TEMPLATE_FOLDER


def template_folder(workbook: Path) -> Path:
    """vorlagen/ beside the workbook; a standard template it lacks is put there (a new
    book gets them all, an older folder the kinds added since), so that the user has
    copies to change in Word. A template that is there is never replaced."""
    folder = Path(workbook).resolve().parent / TEMPLATE_FOLDER
    missing = [t for t in REPO_TEMPLATES.glob("*.docx")
               if not (folder / t.name).exists()] if REPO_TEMPLATES.is_dir() else []
    if not folder.is_dir() or not any(folder.glob("*.docx")) or missing:
        folder.mkdir(exist_ok=True)
        if REPO_TEMPLATES.is_dir() and REPO_TEMPLATES != folder:
            for template in missing:
                # under a temporary name first: a full disk leaves no empty template
                partial = folder / f".{template.name}.tmp"
                try:
                    shutil.copy(template, partial)
                    os.replace(partial, folder / template.name)
                finally:
                    partial.unlink(missing_ok=True)
        else:
            from .templates import write_templates
            write_templates(folder)
    return folder


STAGING_PREFIX = ".in-arbeit-"


def _letters_root(workbook: Path) -> Path:
    return Path(workbook).resolve().parent / LETTER_FOLDER


def letter_folder(workbook: Path, stichtag) -> Path:
    return _letters_root(workbook) / f"{stichtag:%Y-%m}"


def staging_folder(workbook: Path) -> Path:
    """Where a run's letters are made: they move into the month's folder only once the
    workbook that lists them is written (a hidden folder in briefe/, on the same file
    system, so that moving is renaming)."""
    root = _letters_root(workbook)
    root.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))


def remove_stale_staging(workbook: Path) -> None:
    """What a killed run left in briefe/ (called while the run holds the book's lock, so
    no other run of this book is making letters)."""
    root = _letters_root(workbook)
    for folder in root.glob(STAGING_PREFIX + "*") if root.is_dir() else ():
        shutil.rmtree(folder, ignore_errors=True)


def free_path(folder: Path, name: str, taken) -> Path:
    """name in folder, or name_2, name_3 … where an archived letter has that name (or
    one this run made, in taken): a letter once listed in the Protokoll is never
    overwritten."""
    path = folder / name
    stem, suffix = path.stem, path.suffix
    number = 1
    while path.exists() or path in taken:
        number += 1
        path = folder / f"{stem}_{number}{suffix}"
    return path


def move_into_place(files: list, staged: dict) -> None:
    """Each staged file to its final path (a rename within one file system)."""
    for _, final in files:
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged[final], final)


LETTERS_STEP, PDF_STEP = "Briefe", "PDF"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def render_letters(letters, templates: Path, staging: Path, folder: Path, pdf: bool = False,
                   progress=None, email: bool = False) -> tuple[list, dict, str | None]:
    """Render every letter into staging, and PDFs beside them if asked. Returns the
    (letter, final path in folder) pairs, final path -> staged file, and why PDFs
    could not be made (None: they were). progress(label, done, total) hears of each
    letter and each PDF."""
    if not letters:           # docxtpl takes a while to import; not needed for none
        return [], {}, None
    from .render import girocode_png, render
    files, staged = [], {}
    for number, letter in enumerate(letters, start=1):
        final = free_path(folder, letter.filename, staged)
        target = staging / final.name
        code = girocode_png(*letter.girocode) if letter.girocode else None
        render(templates / f"{letter.template}.docx", letter.context, target, code)
        files.append((letter, final))
        staged[final] = target
        if progress:
            progress(LETTERS_STEP, number, len(letters))
    problem = None
    if pdf:
        from .pdf import PdfUnavailable, convert
        try:
            def pdfs_made(done, total):
                if progress:
                    progress(PDF_STEP, done, total)
            pdfs = convert([staged[final] for _, final in files], pdfs_made)
            for (letter, final), made in zip(list(files), pdfs):
                final_pdf = free_path(folder, made.name, staged)
                files.append((letter, final_pdf))
                staged[final_pdf] = made
        except PdfUnavailable as exc:
            problem = str(exc)
    _einvoice_files(files, staged, folder, staging)
    if email:
        _email_drafts(files, staged, folder, staging)
    return files, staged, problem


def _email_drafts(files, staged, folder, staging) -> None:
    """An .eml beside each letter to a client with an E-Mail address, with the letter's
    PDF (and an XRechnung's XML) attached."""
    from .email_draft import draft, has_address
    by_letter: dict = {}
    for letter, final in files:
        by_letter.setdefault(id(letter), (letter, []))[1].append(final)
    for letter, finals in by_letter.values():
        docx = next((f for f in finals if f.suffix == ".docx"), None)
        if docx is None or not has_address(letter.client):
            continue
        attached = [(final.name, staged[final]) for final in finals
                    if final.suffix in (".pdf", ".xml")]
        final_eml = free_path(folder, docx.with_suffix(".eml").name, staged)
        target = staging / final_eml.name
        target.write_bytes(draft(letter, staged[docx], attached, letter.context["absender"]))
        files.append((letter, final_eml))
        staged[final_eml] = target


def _einvoice_files(files, staged, folder, staging) -> None:
    """A ZUGFeRD invoice's XML into its PDF (PDF/A-3, relationship "Alternative");
    an XRechnung, or a ZUGFeRD invoice without PDF, as an XML file beside it."""
    from facturx import generate_from_binary
    pdf_of = {letter_id: final for letter_id, final in
              ((id(letter), final) for letter, final in files if final.suffix == ".pdf")}
    for letter, final in list(files):
        if letter.einvoice is None or final.suffix != ".docx":
            continue
        kind, xml = letter.einvoice
        pdf = pdf_of.get(id(letter))
        if kind == "ZUGFeRD" and pdf is not None:
            made = staged[pdf]
            made.write_bytes(generate_from_binary(
                made.read_bytes(), xml, flavor="factur-x", level="en16931",
                check_xsd=False, afrelationship="alternative", lang="de-DE"))
            continue
        final_xml = free_path(folder, final.with_suffix(".xml").name, staged)
        target = staging / final_xml.name
        target.write_bytes(xml)
        files.append((letter, final_xml))
        staged[final_xml] = target
