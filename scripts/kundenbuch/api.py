"""The Python API: one function per command, under the command's German name.

    from kundenbuch import api
    result = api.monatsabschluss("kundenbuch.xlsx", date(2026, 10, 31), datetime.now())

COMMANDS below is the one table where a German command meets the English module of its
run (runs/); the command line (cli.py) and the Excel button (excel.py) both call these
functions, so the three doors cannot disagree. A run's module is imported when its
command is first used: the command line starts without loading what it does not need.
Time comes in as a parameter (stichtag, now): nothing below this layer asks the clock.
"""
from __future__ import annotations

import importlib

# German name -> (module in runs/, function in it)
COMMANDS = {
    "neu": ("new_book", "run"),
    "pruefen": ("check", "run"),
    "forderungen": ("receivables", "run"),
    "stufen": ("tiers", "run"),
    "termine": ("appointments", "run"),
    "briefe": ("letters", "run"),
    "monatsabschluss": ("month_end", "run"),
    "vorlagen_neu": ("templates", "write_standard"),
    "vorlagen_pruefen": ("templates", "check"),
    "archiv_pruefen": ("letters", "check_archive_of"),
    "zahlungen_einrichten": ("payments_setup", "run"),
    "einrichten": ("setup", "run"),
    "bank": ("bank_import", "run"),
    "lastschrift": ("direct_debit_file", "run"),
    "erechnung_anzeigen": ("einvoice_view", "run"),
    "angebot_annehmen": ("quotes", "run"),
    "auskunft": ("privacy", "run"),
    "akte": ("client_file", "run"),
    "loeschen": ("erasure", "run"),
    "export_ust": ("export_vat", "run"),
    "export_datev": ("export_datev", "run"),
    "export_euer": ("export_income", "run"),
    # not commands, but asked for beside them
    "AlreadyExists": ("new_book", "AlreadyExists"),
    "InvoiceNotFound": ("letters", "InvoiceNotFound"),
    "SetupRefused": ("payments_setup", "SetupRefused"),
    "NoPaymentsTable": ("bank_import", "NoPaymentsTable"),
    "DebitRefused": ("direct_debit_file", "DebitRefused"),
    "QuoteRefused": ("quotes", "QuoteRefused"),
    "ClientNotFound": ("privacy", "ClientNotFound"),
    "ErasureRefused": ("erasure", "ErasureRefused"),
    "PeriodError": ("export_vat", "PeriodError"),
    "ExportRefused": ("export_datev", "ExportRefused"),
    "default_stichtag": ("stichtag", "default_stichtag"),
}

__all__ = sorted(COMMANDS)


def __getattr__(name: str):
    if name not in COMMANDS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, attribute = COMMANDS[name]
    value = getattr(importlib.import_module(f"{__package__}.runs.{module}"), attribute)
    globals()[name] = value          # found once; later look-ups skip this function
    return value
