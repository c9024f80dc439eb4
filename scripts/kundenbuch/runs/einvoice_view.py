"""kundenbuch erechnung anzeigen: a received e-invoice checked and made readable.

Every German business must be able to receive e-invoices (since 2025); an XML file is
not readable by a person, so each file gets a PDF beside it (<name>_lesbar.pdf) with
what it says and what the check found.
"""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..documents import einvoice_view, pdf
from ..einvoice.read import EInvoiceError, xml_of
from ..einvoice.validate import Result, validate

SUFFIX = "_lesbar"


@dataclass
class Shown:
    source: Path
    result: Result | None
    readable: Path | None = None
    problem: str = ""          # why there is no readable PDF (German)


def readable_path(source: Path) -> Path:
    return source.with_name(source.stem + SUFFIX + ".pdf")


def run(paths: list[Path], progress=None) -> list[Shown]:
    """One Shown per file, in order; the PDFs made in one LibreOffice call.
    progress(label, done, total) hears the files checked and the PDFs made."""
    shown, documents = [], {}
    with tempfile.TemporaryDirectory(prefix="kundenbuch-erechnung-") as folder:
        for index, path in enumerate(paths):
            try:
                result = validate(xml_of(path), path.name)
            except (EInvoiceError, OSError) as exc:
                shown.append(Shown(path, None, problem=str(exc)))
                continue
            item = Shown(path, result)
            shown.append(item)
            if result.invoice is None:
                item.problem = "; ".join(f.text for f in result.findings)
                continue
            target = Path(folder) / f"{index:04d}{SUFFIX}.docx"
            documents[target] = item
            einvoice_view.build(result.invoice, result.findings, path.name, target)
            if progress:
                progress("Geprüft", index + 1, len(paths))
        try:
            made = pdf.convert(list(documents), progress and (
                lambda done, total: progress("PDF", done, total)))
        except pdf.PdfUnavailable as exc:
            for item in documents.values():
                item.problem = str(exc)
            return shown
        for document, made_pdf in zip(documents, made):
            item = documents[document]
            item.readable = readable_path(item.source)
            shutil.move(made_pdf, item.readable)
    return shown
