"""PDF through LibreOffice headless: all documents of a run in one call, one call at a
time (two at once on one user profile fail), with a profile of our own so that a
LibreOffice the user has open does not get in the way."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

TIMEOUT_SECONDS = 600
# PDF/A-3b: the archive format (GoBD keeps documents for years), and the format a
# ZUGFeRD invoice must have to carry its XML
PDF_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"3"}}'
POLL_SECONDS = 0.5


class PdfUnavailable(Exception):
    pass


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(documents: list[Path], progress=None) -> list[Path]:
    """PDFs beside the documents; raises PdfUnavailable with a German message.
    progress(done, total) hears how many PDFs are there, counted while LibreOffice
    works (one call for all: each call starts LibreOffice anew)."""
    if not documents:
        return []
    program = soffice()
    if program is None:
        raise PdfUnavailable("LibreOffice ist nicht installiert; die Briefe liegen als "
                             ".docx vor. Für PDF bitte LibreOffice installieren "
                             "(https://de.libreoffice.org).")
    by_folder = {}
    for document in documents:
        by_folder.setdefault(document.parent, []).append(document)
    with tempfile.TemporaryDirectory(prefix="kundenbuch-lo-") as profile:
        for folder, files in by_folder.items():
            command = [program, f"-env:UserInstallation={Path(profile).as_uri()}",
                       "--headless", "--convert-to", PDF_FILTER, "--outdir", str(folder),
                       *map(str, files)]
            try:
                _run_counting(command, documents, progress)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                raise PdfUnavailable(f"LibreOffice konnte die PDFs nicht erzeugen ({exc}); "
                                     "die .docx-Dateien sind da.") from exc
    made = [d.with_suffix(".pdf") for d in documents]
    if progress:
        progress(sum(p.exists() for p in made), len(documents))
    missing = [p.name for p in made if not p.exists()]
    if missing:
        raise PdfUnavailable(f"Diese PDFs fehlen: {', '.join(missing[:5])}")
    return made


def _run_counting(command, documents, progress) -> None:
    """subprocess.run(check=True, timeout=…), telling progress the PDFs made so far."""
    targets = [d.with_suffix(".pdf") for d in documents]
    deadline = time.monotonic() + TIMEOUT_SECONDS
    with subprocess.Popen(command, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE) as process:
        while True:
            try:
                _, stderr = process.communicate(timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    process.kill()
                    raise
                if progress:
                    progress(sum(p.exists() for p in targets), len(targets))
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, command, stderr=stderr)
