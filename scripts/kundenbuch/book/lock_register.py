"""The Festschreibung register's copy outside the sheet the user edits.

The register is the Protokoll's Festschreibung rows: invoice number, when, and the
fingerprint of the locked values. A row deleted or edited in the Protokoll would
silently unlock that invoice; so every write also keeps the register, as it ever was,
in sicherung/.NAME.festschreibung.json beside the backups, and the check compares the
two. The copy only grows: what was once locked stays in it.

Its limits (README): whoever deletes the copy as well, or moves the book to a folder
without it, is not caught; a moved book starts a new copy from its register.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from . import schema

VERSION = 1


def register_path(book_path: Path) -> Path:
    path = Path(book_path).resolve()
    return path.parent / schema.BACKUP_FOLDER / f".{path.name}.festschreibung.json"


def read_register(book_path: Path) -> dict | None:
    """Rechnungsnr -> {"sha256", "zeitpunkt"}; None where there is no copy (yet), {}
    where it cannot be read (the check says so)."""
    path = register_path(book_path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(number): dict(entry) for number, entry in data["rechnungen"].items()}
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write_register(book_path: Path, register: dict) -> None:
    """Written to a temporary name and renamed: never half a copy."""
    path = register_path(book_path)
    path.parent.mkdir(exist_ok=True)
    text = json.dumps({"version": VERSION, "rechnungen": register}, ensure_ascii=False,
                      indent=1, sort_keys=True)
    handle, name = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(name, path)
