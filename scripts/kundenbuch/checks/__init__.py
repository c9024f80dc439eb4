"""The checks registry: each rule is a small pure function book, stichtag -> findings.

Like beancount's validations: a rule never raises for bad data, it reports it. Later
features add their rules with the @check decorator in their own module and import that
module in ALL_MODULES below. findings: what a finding is (where, what, how bad).

May import: the standard library, book.schema, book.records and book.invoice_lines,
rules/, and libraries
that only compute (schwifty). Nothing from writer/, documents/, excel.py, nor openpyxl,
lxml, python-calamine, docxtpl or xlwings: tests/test_structure.py enforces it.
"""
from __future__ import annotations

import importlib
from datetime import date
from typing import Callable, Iterable

from .findings import Finding, sort_key

CheckFunction = Callable[..., Iterable[Finding]]
REGISTRY: list[CheckFunction] = []
ALL_MODULES = ("structure", "fields", "clients", "invoices", "lines", "corrections",
               "payments", "settings", "appointments", "follow_ups", "lock")


def check(function: CheckFunction) -> CheckFunction:
    REGISTRY.append(function)
    return function


def run_checks(book, stichtag: date) -> list[Finding]:
    for name in ALL_MODULES:
        importlib.import_module(f"{__name__}.{name}")
    findings = []
    for rule in REGISTRY:
        for finding in rule(book, stichtag):
            if not finding.rule:
                finding = Finding(finding.severity, finding.sheet, finding.cell,
                                  finding.message, rule.__name__)
            findings.append(finding)
    return sorted(set(findings), key=sort_key)


def at(record, field: str, severity: str, message: str) -> Finding:
    """A finding about one cell of a record."""
    cell = record.cell(field) if record.has_column(field) else f"A{record.row}"
    return Finding(severity, record.sheet, cell, message)
