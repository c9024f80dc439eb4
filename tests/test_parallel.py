"""The checks run beside the computations in a forked child (kundenbuch.parallel):
the same answers as in one process, errors arrive as they were raised, and where the
child cannot be used the work is done in the process itself."""
from __future__ import annotations

import os
import signal
import threading
from datetime import date, datetime

import pytest

from kundenbuch import api
from kundenbuch.runs import parallel
from kundenbuch.checks import run_checks
from kundenbuch.book.reader import read_book

fork_only = pytest.mark.skipif(not hasattr(os, "fork"), reason="kein fork hier")


@pytest.fixture(autouse=True)
def no_other_threads(monkeypatch):
    """As in a command-line run; a thread another test left behind, still ending,
    must not decide these tests."""
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 1)


def own_pid():
    return os.getpid()


def fails():
    raise ValueError("Die Prüfung ist an Zeile 7 gescheitert")


def dies_in_a_child(parent_pid):
    if os.getpid() != parent_pid:
        os.kill(os.getpid(), signal.SIGKILL)
    return "im eigenen Prozess gerechnet"


@fork_only
def test_the_work_runs_in_another_process_and_its_answer_comes_back():
    with parallel.in_background(own_pid) as job:
        assert job.result() != os.getpid()


def test_an_error_in_the_child_reaches_the_caller_unchanged():
    with parallel.in_background(fails) as job:
        with pytest.raises(ValueError, match="an Zeile 7 gescheitert"):
            job.result()


@fork_only
def test_a_child_that_dies_is_replaced_by_doing_the_work_here():
    with parallel.in_background(dies_in_a_child, os.getpid()) as job:
        assert job.result() == "im eigenen Prozess gerechnet"


def test_with_another_thread_running_nothing_is_forked(monkeypatch):
    monkeypatch.undo()                              # count the threads for real
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with parallel.in_background(own_pid) as job:
            assert job.result() == os.getpid()
    finally:
        stop.set()
        other.join()


@fork_only
def test_leaving_early_ends_the_child_even_with_a_large_unread_answer():
    with pytest.raises(RuntimeError):
        with parallel.in_background(bytes, 10_000_000) as job:
            child = job.pid
            raise RuntimeError("Fehler anderswo")
    with pytest.raises(ChildProcessError):             # reaped: no zombie left
        os.waitpid(child, os.WNOHANG)


def test_month_end_findings_are_the_same_with_and_without_the_child(demo_path,
                                                                    monkeypatch):
    stichtag, now = date(2026, 10, 31), datetime(2026, 11, 30, 12)
    alone = run_checks(read_book(demo_path), stichtag)
    beside = api.monatsabschluss(demo_path, stichtag, now, probelauf=True).findings
    monkeypatch.setattr(parallel.threading, "active_count", lambda: 2)   # as in Excel
    here = api.monatsabschluss(demo_path, stichtag, now, probelauf=True).findings
    assert alone == beside == here and alone


@fork_only
def test_interrupted_while_waiting_the_interruption_is_what_the_caller_sees(monkeypatch):
    """Ctrl-C while the result is awaited: the caller gets KeyboardInterrupt (not an
    error from cleaning up), and the child is reaped."""
    real_fdopen = os.fdopen

    class Interrupted:                       # the pipe, read when Ctrl-C comes
        def __init__(self, fd, mode):
            self.file = real_fdopen(fd, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc_info):
            self.file.close()

        def read(self):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        with parallel.in_background(own_pid) as job:
            child = job.pid
            monkeypatch.setattr(parallel.os, "fdopen", Interrupted)
            job.result()
    with pytest.raises(ChildProcessError):
        os.waitpid(child, os.WNOHANG)
