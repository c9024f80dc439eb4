"""Rules every table column carries in the schema: required, unique, past-only dates."""
from __future__ import annotations

from ..book import schema
from . import at, check
from .findings import FEHLER


def _tables(book):
    for spec in schema.DATA_TABLES:
        yield spec, book.records.get(spec.table, [])


@check
def required_cells(book, stichtag):
    for spec, records in _tables(book):
        required = [(c.field, c.header, c.filled_by) for c in spec.columns if c.required]
        for record in records:
            for field, header, filled_by in required:
                if (field in record.columns and record[field] is None
                        and field not in record.raw               # empty, not just bad
                        and not (filled_by and record["saetze"])):
                    yield at(record, field, FEHLER, f"{header} fehlt (Pflichtfeld)."
                             + (f" Oder Zeilen mit dieser Nummer im Blatt {filled_by}."
                                if filled_by else ""))


@check
def unique_values(book, stichtag):
    for spec, records in _tables(book):
        for column in (c for c in spec.columns if c.unique):
            first_seen = {}
            for record in records:
                value = record[column.field]
                if value is None:
                    continue
                key = str(value).casefold()
                if key in first_seen:
                    yield at(record, column.field, FEHLER,
                             f"{column.header} {value} kommt doppelt vor (zuerst in "
                             f"{first_seen[key].cell(column.field)}).")
                else:
                    first_seen[key] = record       # its address only when needed


@check
def dates_in_future(book, stichtag):
    for spec, records in _tables(book):
        for column in (c for c in spec.columns if c.past_only):
            for record in records:
                value = record[column.field]
                if value is not None and value > stichtag:
                    yield at(record, column.field, FEHLER,
                             f"{column.header} {value:%d.%m.%Y} liegt in der Zukunft "
                             f"(Stichtag {stichtag:%d.%m.%Y}).")
