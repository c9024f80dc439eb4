"""Render Word templates with docxtpl (adapter: the only module that imports it).

One shared Jinja environment with autoescape on and German filters (babel); a fresh
DocxTemplate for every document, as docxtpl requires.
"""
from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import Environment

GIROCODE_MM = 30


def _datum(value) -> str:
    return format_date(value, format="d. MMMM y", locale="de_DE") if value else ""


def _datum_kurz(value) -> str:
    return value.strftime("%d.%m.%Y") if isinstance(value, date) else ""


def _euro(value) -> str:
    if value is None or value == "":
        return ""
    return format_currency(Decimal(value), "EUR", locale="de_DE")


def _zahl(value) -> str:
    return format_decimal(value, locale="de_DE") if value is not None else ""


def _iban(value) -> str:
    text = "".join(str(value or "").split())
    return " ".join(text[i:i + 4] for i in range(0, len(text), 4))


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(autoescape=True)
    env.filters.update(datum=_datum, datum_kurz=_datum_kurz, euro=_euro, zahl=_zahl,
                       iban=_iban)
    return env


def girocode_png(name: str, iban: str, amount: Decimal, text: str, bic: str | None,
                 reference: str | None = None) -> bytes:
    """An EPC QR code ("GiroCode") for a SEPA transfer, as PNG: with the structured
    creditor reference where there is one (the EPC format takes it or a text)."""
    import segno.helpers
    code = segno.helpers.make_epc_qr(name=name[:70], iban="".join(iban.split()),
                                     amount=amount, text=None if reference else text[:140],
                                     reference=reference, bic=bic or None)
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=4, border=2)
    return buffer.getvalue()


def render(template: Path, context: dict, target: Path, girocode: bytes | None = None):
    document = DocxTemplate(str(template))
    context = dict(context)
    if girocode is not None:
        context["girocode"] = InlineImage(document, io.BytesIO(girocode), width=Mm(GIROCODE_MM))
    else:
        context.setdefault("girocode", "")
    document.render(context, environment(), autoescape=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))


_TAG = re.compile(r"\{[{%].*?[}%]\}")
_WORD_QUOTES = "„“”‚‘’«»"


def _template_text(path: Path) -> list[str]:
    """Plain text of every paragraph: body, tables, headers and footers."""
    from docx import Document
    document = Document(str(path))
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs += cell.paragraphs
    for section in document.sections:
        paragraphs += section.header.paragraphs + section.footer.paragraphs
    return [p.text for p in paragraphs]


def check_template(path: Path, allowed: set[str], retired: dict | None = None) -> list[str]:
    """German problems with one template: Word's typographic quotes inside placeholders
    (they break Jinja), syntax errors, unknown placeholders, and retired ones with the
    reason they went."""
    from jinja2 import TemplateSyntaxError
    problems = []
    try:
        for text in _template_text(path):
            for tag in _TAG.findall(text):
                if any(q in tag for q in _WORD_QUOTES):
                    problems.append(f"Platzhalter {tag}: Word hat typografische "
                                    "Anführungszeichen eingesetzt; bitte gerade (\" oder ') "
                                    "verwenden (Autokorrektur beim Tippen ausschalten).")
        names = DocxTemplate(str(path)).get_undeclared_template_variables(environment())
    except TemplateSyntaxError as exc:
        return problems + [f"Fehler in einem Platzhalter (Zeile {exc.lineno} des "
                           f"Dokumentinhalts): {exc.message}"]
    except Exception as exc:            # not a Word file, damaged, …
        return problems + [f"Die Datei kann nicht als Word-Vorlage gelesen werden ({exc})."]
    for name in sorted(names - allowed):
        if name in (retired or {}):
            problems.append(f"Platzhalter „{name}“ {retired[name]}.")
            continue
        problems.append(f"Unbekannter Platzhalter „{name}“; erlaubt sind: "
                        f"{', '.join(sorted(allowed))}.")
    return problems
