"""Where a run's plan goes: the closed file (the writer), or a target such as the
workbook open in Excel (excel.LiveTarget); and the lock that keeps two runs on one file
from losing each other's work."""
from __future__ import annotations

import functools
from pathlib import Path

from ..writer import BACKUP_FOLDER, WriteRefused, WriteResult, apply_plan, temporary_pattern
from ..writer import check_writable as file_is_writable
from . import oserrors

__all__ = ["WriteResult", "check_writable", "exclusive", "write"]

LOCK_WAIT_SECONDS = 5


def write(book, plan, now, target=None, protocol: tuple | None = None) -> WriteResult:
    """protocol: (kind, stichtag) of a run that keeps no Protokoll row of its own. If
    it changes the user's data (cells of the tables, appended rows), one row says what
    and when; the sheets kundenbuch owns are views, rewritten without a row, so that a
    second run with the same result changes nothing."""
    if protocol is not None and (plan.cells or any(a.rows for a in plan.appends)):
        from .. import __version__
        from ..book import schema
        from .plan import RowAppend, protocol_row
        kind, stichtag = protocol
        rows = sum(len(a.rows) for a in plan.appends)
        details = (f"{len(plan.cells)} Zellen geändert"
                   + (f", {rows} Zeilen angehängt" if rows else "")
                   + f", kundenbuch {__version__}")
        plan.appends.append(RowAppend(schema.PROTOKOLL.table, [protocol_row(
            now, kind, stichtag=stichtag, details=details)]))
    if target is not None:
        return target.apply(book, plan, now)
    result = apply_plan(book, plan, now, book.settings.get("sicherungen_behalten", 30))
    if result.changed:
        keep_lock_register(book, plan)
    return result


def keep_lock_register(book, plan) -> None:
    """After a write: the copy of the Festschreibung register, grown by what the
    Protokoll now holds (book/lock_register.py). No copy while nothing is locked."""
    from collections import defaultdict

    from ..book import schema
    from ..book.lock_register import write_register
    from ..rules.lock import register
    rows = list(book.records.get(schema.PROTOKOLL.table, []))
    rows += [defaultdict(lambda: None, row) for append in plan.appends
             if append.table == schema.PROTOKOLL.table for row in append.rows]
    kept = {**register(rows), **(book.lock_register or {})}
    if kept and kept != book.lock_register:
        write_register(book.path, kept)


def check_writable(book, target=None) -> None:
    """Before letters are made: can the result be written at all?"""
    if target is None:
        file_is_writable(book)


def run_lock_file(path: Path) -> Path:
    """In sicherung/, the folder kundenbuch keeps beside the book anyway, so that the
    user's folder shows nothing new."""
    path = Path(path).resolve()
    return path.parent / BACKUP_FOLDER / f".{path.name}.lock"


def remove_leftovers(path: Path) -> None:
    """What a killed run of this book left: its temporary file beside the book, a backup
    it was copying and the letters it was making. Only while holding the book's lock, when no other run of it
    is writing them."""
    from ..documents.letters import remove_stale_staging
    from ..writer import backup_name
    path = Path(path).resolve()
    for leftover in path.parent.glob(temporary_pattern(path)):
        leftover.unlink(missing_ok=True)
    backups = path.parent / BACKUP_FOLDER
    half_copied = backup_name(path, temporary=True)
    for leftover in backups.iterdir() if backups.is_dir() else ():
        if half_copied.fullmatch(leftover.name):
            leftover.unlink(missing_ok=True)
    remove_stale_staging(path)


def exclusive(writes=lambda options: not options.get("probelauf"), refuse_settings=True):
    """A run on the file holds the book's lock from its records to the replace, so that
    a second run on the same book waits, and refuses after LOCK_WAIT_SECONDS, instead of
    both succeeding with one result lost. The operating system's lock (filelock: fcntl,
    or msvcrt on Windows) goes with the process, so a killed run blocks nothing.
    The book is read before the lock is taken, so that a file that cannot be read
    leaves nothing behind (not even sicherung/), and read again only if another run
    changed it meanwhile. writes(options): whether this call may write (a dry run
    takes no lock). refuse_settings: as read_book's."""
    def decorate(run):
        @functools.wraps(run)
        def locked_run(path, *args, **options):
            if options.get("target") is not None or not writes(options):
                return run(path, *args, **options)
            from filelock import FileLock, Timeout

            from ..book.reader import Fingerprint, read_book
            if options.get("book") is None:
                options["book"] = read_book(path, refuse_settings=refuse_settings,
                                            progress=options.get("progress"))
            lock_path = run_lock_file(path)
            try:
                lock_path.parent.mkdir(exist_ok=True)
                lock = FileLock(lock_path, timeout=LOCK_WAIT_SECONDS)
                lock.acquire()
            except Timeout:
                raise WriteRefused(
                    f"Ein anderer kundenbuch-Lauf arbeitet gerade mit {Path(path).name} "
                    f"(Sperre {BACKUP_FOLDER}/{lock_path.name}). Bitte warten, bis er "
                    "fertig ist, und dann noch einmal starten; es wurde nichts "
                    "geschrieben.") from None
            except OSError as exc:
                raise WriteRefused(
                    f"{Path(path).name}: der Ordner {lock_path.parent} lässt sich nicht "
                    f"anlegen oder beschreiben ({oserrors.reason(exc)}); es wurde nichts "
                    "geschrieben.") from None
            try:
                remove_leftovers(path)
                if Fingerprint.of(Path(path)) != options["book"].fingerprint:
                    # written by the run before
                    options["book"] = read_book(path, refuse_settings=refuse_settings,
                                                progress=options.get("progress"))
                return run(path, *args, **options)
            finally:
                lock.release()
        return locked_run
    return decorate
