"""The one safe way a plan reaches the closed workbook file.

Why not openpyxl load + save: it rewrites every part, drops what it does not model
(shapes, sparklines, some conditional-format extensions, external connections) and
throws away the stored results of formulas. So the writer patches only the zip parts
that must change and copies all others unchanged.

Order of a write: refuse if Excel holds the file or it changed since it was read;
build the changed parts (a second thread decompresses the largest sheet to patch
meanwhile and compresses each sheet part as soon as it is built: zlib releases the
GIL), each data sheet verified against its original as soon as it is patched; write
them to a temporary file in the same folder (in that thread, each copied part proven
whole on the way) while the other changed parts are verified; verify the written file;
back up the original into sicherung/ (the copy must be the book as read); look at its
size and time once more (another program may have saved it); replace atomically.

The parts, in the order a write uses them:
- build: a plan into the set of changed parts; nothing is written there.
- rowscan: where each row and cell of a sheet part starts and ends (a checked fast way,
  and expat and lxml for unusual XML).
- cells: writes cell values into a data sheet, copying unchanged rows byte for byte;
  tailrecipe writes rows that look like the one before by its recipe; cellxml is one
  cell as text; styles finds or appends the formats of new cells.
- report, charts: the XML of the sheets kundenbuch owns, and their native charts.
- package_edit: the workbook-level parts (sheet list, relationships, content types,
  tables).
- cutout, verify: the proof that nothing the user had was lost (the quick byte proof of
  cutout, else row by row), for each part and for the written file.
- this module: the order above, the temporary file, the backup, the replacement;
  zip entries through book.zipentries.

May import: the standard library, lxml, openpyxl (charts only), book/, runs.plan and
reports.sheet (what it is asked to write). Nothing from rules/, checks/ or documents/.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..book import schema
from ..book.reader import Fingerprint
from ..book.zipentries import copy_entry, write_deflated
from ..runs.plan import Plan
from .build import Patch, build_patch
from .cells import PatchRefused
from .verify import VerificationFailed, sheet_problems, verify_file, verify_parts

BACKUP_FOLDER = schema.BACKUP_FOLDER


class WriteRefused(Exception):
    """A German explanation why the workbook was left untouched."""


@dataclass
class WriteResult:
    changed: bool
    backup: Path | None = None
    parts: tuple = ()


def lock_files(path: Path) -> dict:
    """The lock file each spreadsheet program leaves beside a book it has open."""
    return {"Excel": path.with_name("~$" + path.name),
            "LibreOffice": path.with_name(f".~lock.{path.name}#")}


def check_writable(book) -> None:
    """Refuse early (before letters are made) when the file cannot be written."""
    path = Path(book.path)
    for program, lock in lock_files(path).items():
        if lock.exists():
            raise WriteRefused(
                f"{path.name} ist gerade in {program} geöffnet (Sperrdatei {lock.name}). "
                f"Bitte die Datei in {program} schließen und noch einmal starten. Ist "
                f"{program} schon geschlossen (etwa nach einem Absturz), die Sperrdatei "
                "löschen.")
    if not path.stat().st_mode & stat.S_IWUSR:
        raise WriteRefused(f"{path.name} ist schreibgeschützt; kundenbuch ersetzt eine "
                           "schreibgeschützte Mappe nicht. Bitte den Schreibschutz "
                           "aufheben (Eigenschaften der Datei) und noch einmal starten.")
    if Fingerprint.of(path) != book.fingerprint:
        raise WriteRefused(_changed_meanwhile(path))


def _changed_meanwhile(path: Path) -> str:
    return (f"{path.name} wurde von einem anderen Programm geändert und gespeichert, "
            "während kundenbuch lief; dessen Stand bleibt, kundenbuch hat nichts "
            "geschrieben. Bitte noch einmal starten.")


def _changed_on_disk(path: Path, fingerprint: Fingerprint) -> bool:
    info = path.stat()
    return (info.st_size, info.st_mtime_ns) != (fingerprint.size, fingerprint.mtime_ns)


def apply_plan(book, plan: Plan, now: datetime, keep_backups: int = 30) -> WriteResult:
    path = Path(book.path)
    check_writable(book)
    # A linked workbook: the file it points to is replaced, so the link stays a link.
    real = Path(os.path.realpath(path))
    package = book.package
    # One second thread compresses each sheet part while the next ones are built,
    # then (its queue keeps the order) writes the temporary file while this thread
    # verifies.
    with ThreadPoolExecutor(max_workers=1) as pool:
        try:
            patch = build_patch(book, plan, judge=sheet_problems, background=pool.submit)
        except PatchRefused as exc:
            raise WriteRefused(f"{path.name} bleibt unverändert: {exc}") from exc
        if not patch.parts and not patch.removed:
            return WriteResult(changed=False)
        writing = pool.submit(_write_temporary, real, patch)
        try:
            verify_parts(path, patch, package.workbook_part,
                         sheet_parts={sheet.part for sheet in package.sheets},
                         table_parts={table.part for table in package.tables.values()})
            failure = None
        except VerificationFailed as exc:
            failure = exc
        try:
            temporary = writing.result()
        except zipfile.BadZipFile as exc:
            raise WriteRefused(
                f"{path.name} bleibt unverändert: ein Teil der Datei ist beschädigt ({exc}), "
                "und kundenbuch kopiert nichts Beschädigtes in die neue Datei. Bitte die "
                f"letzte Sicherung aus dem Ordner {BACKUP_FOLDER}/ nehmen oder die Datei "
                "in Excel öffnen (es bietet die Reparatur an) und neu speichern.") from exc
    try:
        if failure is not None:
            raise failure
        verify_file(path, temporary, patch)
        backup = backup_copy(path, now, keep_backups, book.fingerprint)
        # The last look before the replace: another program's save since the backup
        # changes size or time (the backup's content was checked in backup_copy).
        if _changed_on_disk(path, book.fingerprint):
            raise WriteRefused(_changed_meanwhile(path))
        os.replace(temporary, real)
    except VerificationFailed as exc:
        raise WriteRefused(f"{path.name} bleibt unverändert: die Prüfung der neuen Datei "
                           f"ist fehlgeschlagen ({exc}).") from exc
    finally:
        if temporary.exists():
            temporary.unlink()
    return WriteResult(True, backup, tuple(sorted(patch.parts)))


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def temporary_pattern(path: Path) -> str:
    """The names of the temporary files a write of this book makes beside it."""
    return f".{path.name}-*.tmp"


def _write_temporary(path: Path, patch: Patch) -> Path:
    prefix, suffix = temporary_pattern(path).split("*")
    handle, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        _fill_temporary(path, temporary, patch)
    except BaseException:
        temporary.unlink()
        raise
    _like(temporary, path)
    return temporary


def _fill_temporary(path: Path, temporary: Path, patch: Patch) -> None:
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w") as target:
        seen = set()
        for info in source.infolist():
            if info.filename in patch.removed:
                continue
            data = patch.parts.get(info.filename)
            if data is None:
                copy_entry(source, target, info)
            else:
                _write_part(target, info, data, patch)
            seen.add(info.filename)
        for part, data in patch.parts.items():
            if part not in seen:
                _write_part(target, zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0)),
                            data, patch)


def _like(made: Path, original: Path) -> None:
    """What kundenbuch makes gets the original's permissions and, where it can (a run
    as root), its owner: a run by another account must not hand the user's files to
    that account."""
    shutil.copymode(original, made)
    if hasattr(os, "chown") and os.geteuid() == 0:
        info = original.stat()
        os.chown(made, info.st_uid, info.st_gid)


def _write_part(target, info, data: bytes, patch: Patch) -> None:
    packed = patch.deflated(info.filename, data)
    if packed is None:
        target.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    else:
        write_deflated(target, info, data, packed)


def backup_name(path: Path, temporary: bool = False) -> re.Pattern:
    """The names of this book's backups in sicherung/ (with temporary, of a backup
    being copied: a killed run leaves one behind)."""
    name = (re.escape(path.stem) + r"_\d{4}-\d\d-\d\d_\d{6}(_\d+)?"
            + re.escape(path.suffix))
    return re.compile(rf"\.{name}-\w+\.tmp" if temporary else name)


def backup_copy(path: Path, now: datetime, keep: int,
                expected: Fingerprint | None = None) -> Path:
    """The book copied into sicherung/; with expected, only if the copy is the book as
    it was read (else another program saved meanwhile: WriteRefused, no backup)."""
    folder = path.parent / BACKUP_FOLDER
    if not folder.is_dir():
        folder.mkdir()
        _like(folder, path.parent)
    stamp = now.strftime("%Y-%m-%d_%H%M%S")
    target = folder / f"{path.stem}_{stamp}{path.suffix}"
    counter = 1
    while target.exists():
        counter += 1
        target = folder / f"{path.stem}_{stamp}_{counter}{path.suffix}"
    # Copied under a temporary name and renamed when whole: a run killed meanwhile
    # leaves no truncated backup under a backup's name.
    handle, name = tempfile.mkstemp(prefix=f".{target.name}-", suffix=".tmp", dir=folder)
    os.close(handle)
    try:
        shutil.copy2(path, name)
        if expected is not None and _sha256(Path(name)) != expected.sha256:
            raise WriteRefused(_changed_meanwhile(path))
        _like(Path(name), path)
        os.replace(name, target)
    finally:
        if os.path.exists(name):
            os.unlink(name)
    # Only this book's own backups (kundenbuch_2025.xlsx's start with the same stem);
    # the time stamp in the name sorts oldest first.
    own = backup_name(path)
    backups = sorted(p for p in folder.iterdir() if own.fullmatch(p.name))
    for old in backups[:-keep] if keep > 0 else []:
        if old != target:
            old.unlink()
    return target


__all__ = ["apply_plan", "check_writable", "temporary_pattern", "WriteRefused", "WriteResult",
           "BACKUP_FOLDER"]
