"""What the user's file is stays what it is: backups of one book only, whole backups,
links, read-only files, owner and permissions (#18)."""
from __future__ import annotations

import os
import shutil
import stat
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kundenbuch.book.reader import read_book
from kundenbuch.runs.plan import Plan, RowAppend, protocol_row
from kundenbuch.writer import WriteRefused, apply_plan

from conftest import sha256

NOW = datetime(2026, 11, 23, 9, 0)


def _append(path, minute=0, keep=30):
    plan = Plan(appends=[RowAppend("Protokoll", [protocol_row(NOW, f"Lauf {minute}")])])
    return apply_plan(read_book(path), plan, NOW.replace(minute=minute), keep_backups=keep)


def test_pruning_touches_only_the_books_own_backups(demo_path):
    """kundenbuch.xlsx and kundenbuch_2025.xlsx share sicherung/ and a name's start."""
    other = demo_path.with_name("kundenbuch_2025.xlsx")
    shutil.copy(demo_path, other)
    _append(other)
    other_backups = sorted(p.name for p in (demo_path.parent / "sicherung").glob(
        "kundenbuch_2025_*"))
    for minute in range(1, 4):
        _append(demo_path, minute, keep=1)
    folder = demo_path.parent / "sicherung"
    assert sorted(p.name for p in folder.glob("kundenbuch_2025_*")) == other_backups
    assert sorted(p.name for p in folder.glob("kundenbuch_2026-*.xlsx")) == [
        "kundenbuch_2026-11-23_090300.xlsx"]
    assert not list(folder.glob("*.tmp"))


def test_a_linked_workbook_stays_a_link_and_its_target_is_written(demo_path, tmp_path):
    real = tmp_path / "ablage" / "kundenbuch.xlsx"
    real.parent.mkdir()
    shutil.move(demo_path, real)
    demo_path.symlink_to(real)
    assert _append(demo_path).changed
    assert demo_path.is_symlink()
    assert [r["art"] for r in read_book(real).records["Protokoll"]][-1] == "Lauf 0"


def test_a_read_only_workbook_is_refused_and_left_alone(demo_path):
    demo_path.chmod(0o444)
    before = sha256(demo_path)
    with pytest.raises(WriteRefused, match="schreibgeschützt"):
        _append(demo_path)
    assert sha256(demo_path) == before
    assert stat.S_IMODE(demo_path.stat().st_mode) == 0o444


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="nur als root prüfbar: ein Lauf eines anderen Kontos")
def test_a_run_as_root_leaves_file_and_backup_to_their_owner(demo_path):
    os.chown(demo_path.parent, 1234, 1234)
    os.chown(demo_path, 1234, 1234)
    demo_path.chmod(0o640)
    result = _append(demo_path)
    for made in (demo_path, result.backup, result.backup.parent):
        info = made.stat()
        assert (info.st_uid, info.st_gid) == (1234, 1234), made
    assert stat.S_IMODE(demo_path.stat().st_mode) == 0o640


def test_rows_are_never_appended_over_a_cell_the_user_typed_below_a_table(cli, demo_path):
    """The Protokoll grows at every run; a note typed below it stops the run, naming
    the row, instead of being overwritten."""
    import openpyxl
    location = read_book(demo_path).locations["Protokoll"]
    row = location.last_row + 1       # where the run's row would go (kundenbuch's own
                                      # Protokoll takes in no typed rows)
    workbook = openpyxl.load_workbook(demo_path)
    workbook["Protokoll"].cell(row, 1, "Notiz: Steuerberater anrufen")
    workbook.save(demo_path)
    before = sha256(demo_path)
    result = cli("monatsabschluss", demo_path, "--stichtag", "2026-10-31")   # 40 rows
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert f"Unter der Tabelle „Protokoll“ steht in Zeile {row}" in message
    assert sha256(demo_path) == before
    assert not [p for p in (demo_path.parent / "briefe").rglob("*") if p.is_file()]


INT_SETTINGS = ["zahltag", "zahlungsziel_tage", "frist_mahnung_tage", "sicherungen_behalten"]


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(INT_SETTINGS),
       value=st.one_of(st.integers(max_value=-1), st.integers(min_value=3651,
                                                              max_value=10 ** 15)))
def test_an_absurd_number_in_the_settings_is_refused_naming_its_cell(cli, make_book, field,
                                                                      value):
    """Zahlungsziel Tage 10000000 or Zahltag −5 made dates overflow ("Unerwarteter
    Fehler"); now the run refuses, names the setting and its cell, changes nothing."""
    from kundenbuch.book import schema
    path = make_book(settings={field: value})
    before = sha256(path)
    result = cli("monatsabschluss", path, "--stichtag", "2026-10-31", "--ohne-briefe")
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    name = next(s.name for s in schema.SETTINGS if s.field == field)
    assert f"Einstellung {name} (Einstellungen!B" in message and "Unerwartet" not in message
    assert sha256(path) == before
