"""Letter files: the template folder, rendering a run's letters, the archive digest.

What a letter says is decided in rules/letters.py; this module only turns letters into
.docx (and PDF) files in briefe/JJJJ-MM/ beside the workbook.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

TEMPLATE_FOLDER = "vorlagen"
LETTER_FOLDER = "briefe"
REPO_TEMPLATES = Path(__file__).resolve().parents[3] / TEMPLATE_FOLDER


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
            from .templates import write_templates
            write_templates(folder)
    return folder


def letter_folder(workbook: Path, stichtag) -> Path:
    return Path(workbook).resolve().parent / LETTER_FOLDER / f"{stichtag:%Y-%m}"


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def render_letters(letters, templates: Path, folder: Path, pdf: bool = False,
                   progress=None) -> tuple[list, str | None]:
    """Render every letter into folder, and PDFs beside them if asked.
    Returns (letter, path) pairs and why PDFs could not be made (None: they were)."""
    if not letters:           # docxtpl takes a while to import; not needed for none
        return [], None
    from .render import girocode_png, render
    files = []
    for letter in letters:
        target = folder / letter.filename
        code = girocode_png(*letter.girocode) if letter.girocode else None
        render(templates / f"{letter.template}.docx", letter.context, target, code)
        files.append((letter, target))
        if progress:
            progress()
    if pdf:
        from .pdf import PdfUnavailable, convert
        try:
            pdfs = convert([path for _, path in files])
            files += [(letter, made) for (letter, _), made in zip(list(files), pdfs)]
        except PdfUnavailable as exc:
            return files, str(exc)
    return files, None
