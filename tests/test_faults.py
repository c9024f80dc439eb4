"""File-system faults during a run: another program saving, a kill at any moment, a full
disk, a read-only disk. Whatever happens, the book is either as it was or the complete
new version, every backup is whole, and the user reads a German message."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from kundenbuch import writer
from kundenbuch.runs.excel_layout import save_like_excel

STICHTAG = "2026-10-31"


def _another_programs_save(book: Path) -> bytes:
    """The bytes the book has after another program saved it (laid out as Excel
    saves, so size and content differ)."""
    copy = book.with_name("anders.xlsx")
    shutil.copyfile(book, copy)
    save_like_excel(copy)
    return copy.read_bytes()


def _save_during_backup(book, other, monkeypatch):
    real_copy = writer.shutil.copy2

    def copy_while_saved(source, target, *args, **kwargs):
        Path(book).write_bytes(other)         # the save lands while the copy begins
        return real_copy(source, target, *args, **kwargs)
    monkeypatch.setattr(writer.shutil, "copy2", copy_while_saved)


def _save_after_backup(book, other, monkeypatch):
    real_backup = writer.backup_copy

    def backup_then_saved(*args, **kwargs):
        result = real_backup(*args, **kwargs)
        Path(book).write_bytes(other)
        return result
    monkeypatch.setattr(writer, "backup_copy", backup_then_saved)


def _save_while_building(book, other, monkeypatch):
    real_build = writer.build_patch

    def build_while_saved(*args, **kwargs):
        Path(book).write_bytes(other)
        return real_build(*args, **kwargs)
    monkeypatch.setattr(writer, "build_patch", build_while_saved)


@pytest.mark.parametrize("moment", [_save_while_building, _save_during_backup,
                                    _save_after_backup],
                         ids=["beim-Aufbau", "während-der-Sicherung", "nach-der-Sicherung"])
def test_another_programs_save_during_a_run_is_kept_and_the_run_stops(cli, demo_path,
                                                                     monkeypatch, moment):
    other = _another_programs_save(demo_path)
    moment(demo_path, other, monkeypatch)
    result = cli("monatsabschluss", demo_path, "--ohne-briefe", "--stichtag", STICHTAG)
    assert result.exit_code == 2, result.output
    assert "anderen Programm geändert" in " ".join(result.output.split())
    assert demo_path.read_bytes() == other
    # No backup holds a mixture: each is the book as read (another program's save came
    # later and is in the book itself).
    for backup in (demo_path.parent / "sicherung").glob("kundenbuch_*.xlsx"):
        assert zipfile.ZipFile(backup).testzip() is None
        assert backup.read_bytes() != other
    assert not list(demo_path.parent.glob(".kundenbuch.xlsx-*.tmp"))


def _month_end(book: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kundenbuch", "monatsabschluss",
                             str(book), "--stichtag", STICHTAG],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)


def _whole(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as package:
            return package.testzip() is None
    except zipfile.BadZipFile:
        return False


def test_a_kill_at_any_moment_leaves_the_book_and_every_backup_whole(demo_path):
    started = time.monotonic()
    assert _month_end(demo_path).wait(timeout=120) == 0
    duration = time.monotonic() - started
    versions = {demo_path.read_bytes()}
    backups = demo_path.parent / "sicherung"
    for step in range(16):
        run = _month_end(demo_path)
        time.sleep(duration * (0.3 + step * 0.05))
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        assert _whole(demo_path), f"the book is damaged after a kill at step {step}"
        versions.add(demo_path.read_bytes())
        for backup in backups.glob("kundenbuch_*.xlsx"):
            assert _whole(backup), f"{backup.name} is truncated after step {step}"
    # The next run finishes and clears what the killed ones left.
    assert _month_end(demo_path).wait(timeout=120) == 0
    assert not list(demo_path.parent.glob(".kundenbuch.xlsx-*.tmp"))
    assert not list(backups.glob(".*.tmp"))
    assert not [p for p in (demo_path.parent / "briefe").glob(".in-arbeit-*")]


@pytest.fixture
def small_disk(tmp_path):
    """A file system of its own, mounted for the test (needs the right to mount, as in
    CI, which runs as root)."""
    folder = tmp_path / "klein"
    folder.mkdir()

    def mount(size: str, *options):
        result = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join((f"size={size}",)
                                                                         + options),
                                 "tmpfs", str(folder)], capture_output=True)
        if result.returncode:
            pytest.skip("ein kleines Dateisystem lässt sich hier nicht einhängen "
                        "(dazu braucht der Test Root-Rechte, wie in CI)")
        return folder
    yield mount
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@pytest.mark.parametrize("room", [0.5, 1.2, 1.8, 2.5, 3.5])
def test_a_full_disk_leaves_the_book_as_it_was_with_a_german_message(cli, demo_path,
                                                                    small_disk, room):
    """room: the free space left on the disk, in sizes of the book (the temporary file
    and the backup need about one each)."""
    folder = small_disk("4m")
    book = folder / "kundenbuch.xlsx"
    shutil.copyfile(demo_path, book)
    before = book.read_bytes()
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    (folder / "füller").write_bytes(bytes(max(0, free - int(len(before) * room))))
    result = cli("monatsabschluss", book, "--ohne-briefe", "--stichtag", STICHTAG)
    if room < 1:
        assert result.exit_code == 2, "the temporary file cannot have fitted"
    if result.exit_code == 2:
        assert "kein Platz mehr" in result.output, result.output
        assert book.read_bytes() == before
    else:                       # it fitted: then the run is complete
        assert result.exit_code in (0, 1), result.output
        assert "Geschrieben" in result.output
    assert _whole(book)
    assert not list(folder.glob(".kundenbuch.xlsx-*.tmp"))
    assert not list((folder / "sicherung").glob(".*.tmp"))
    for backup in (folder / "sicherung").glob("kundenbuch_*.xlsx"):
        assert _whole(backup)


def test_a_read_only_disk_gets_a_german_message_naming_it(cli, demo_path, small_disk):
    folder = small_disk("2m")
    book = folder / "kundenbuch.xlsx"
    shutil.copyfile(demo_path, book)
    before = book.read_bytes()
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    result = cli("monatsabschluss", book, "--stichtag", STICHTAG)
    assert result.exit_code == 2, result.output
    assert "schreibgeschützt" in result.output
    assert book.read_bytes() == before
