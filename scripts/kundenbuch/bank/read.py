"""Which reader a bank file needs (by its content, not its name), and the lines of
several files."""
from __future__ import annotations

from pathlib import Path

from . import bank_csv, camt, swift_mt940
from .lines import BankFileError, BankLine

LARGEST = 50 * 1024 * 1024          # a month's statement is kilobytes


def read_statement(path, mapping: dict | None = None) -> tuple[str, list[BankLine]]:
    """(the format found, its lines); BankFileError with a German reason."""
    path = Path(path)
    try:
        if path.stat().st_size > LARGEST:
            raise BankFileError(f"{path.name}: größer als 50 MB, kein Kontoauszug.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise BankFileError(f"{path}: die Datei gibt es nicht.") from None
    except IsADirectoryError:
        raise BankFileError(f"{path}: ist ein Ordner, keine Datei.") from None
    head = data[:4096]
    if not data.strip():
        raise BankFileError(f"{path.name}: die Datei ist leer.")
    if head.lstrip().startswith(b"<") or camt.identify(head):
        return camt.read(data, path.name)
    if swift_mt940.identify(head):
        return swift_mt940.read(data, path.name)
    if bank_csv.identify(head):
        return bank_csv.read(data, path.name, mapping)
    raise BankFileError(f"{path.name}: weder camt (XML) noch MT940 noch CSV; bitte den "
                        "Kontoauszug als camt.053, MT940 oder CSV herunterladen.")
