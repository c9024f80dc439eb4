"""A new workbook (`kundenbuch neu`): the contract's sheets, optionally with demo data."""
from __future__ import annotations

from pathlib import Path


class AlreadyExists(Exception):
    pass


def run(path: Path, with_demo: bool = False, overwrite: bool = False) -> Path:
    path = Path(path)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise ValueError(f"{path.name}: der Dateiname muss auf .xlsx enden.")
    if path.exists() and not overwrite:
        raise AlreadyExists(f"{path} gibt es schon; zum Ersetzen --ueberschreiben angeben.")
    path.parent.mkdir(parents=True, exist_ok=True)
    from ..book import (  # openpyxl is needed only to create a new file
        demo,
        new_workbook,
    )
    new_workbook.create_workbook(path, demo.generate() if with_demo else None)
    return path
