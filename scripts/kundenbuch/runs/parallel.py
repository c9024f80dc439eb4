"""One pure computation in a forked child process while this process goes on.

Why by hand: checks, receivables and tiers are pure Python, so threads would only
take turns (the GIL). multiprocessing and concurrent.futures send the function's
arguments to the worker pickled: for a book of 200,000 invoices that costs more than
it saves. A child made with fork shares the book already in memory (copy on write);
only the result comes back, pickled, through a pipe.

Where fork is missing (Windows) or unsafe (other threads are running, e.g. in the
Python behind Excel), or where the child fails to deliver, the computation runs here,
when its result is asked for: the answer is the same, only later.
"""
from __future__ import annotations

import os
import pickle
import threading


class Background:
    def __init__(self, function, *args):
        self.function, self.args = function, args
        self.pid = self.reader = None
        if hasattr(os, "fork") and threading.active_count() == 1:
            self._start()

    def _start(self):
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:                                      # the child
            os.close(reader)
            _deliver(writer, self.function, self.args)    # never returns
        os.close(writer)
        self.pid, self.reader = pid, reader

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        """Leaving before the result was asked for (an error elsewhere): the child
        finds its pipe closed, ends, and is reaped."""
        if self.pid is not None:
            if self.reader is not None:
                os.close(self.reader)
            os.waitpid(self.pid, 0)
            self.pid = None

    def result(self):
        if self.pid is None:
            return self.function(*self.args)
        reader, self.reader = self.reader, None       # closed by the file object
        with os.fdopen(reader, "rb") as pipe:
            payload = pipe.read()
        os.waitpid(self.pid, 0)
        self.pid = None
        try:
            ok, value = pickle.loads(payload)
        except Exception:             # the child died (killed, out of memory …)
            return self.function(*self.args)
        self.function = _answer(ok, value)       # asked again: the same answer
        self.args = ()
        return self.function()


def _answer(ok, value):
    def answer():
        if not ok:
            raise value
        return value
    return answer


def _deliver(writer: int, function, args) -> None:
    """Child: compute, send (True, result) or (False, exception), leave at once:
    os._exit skips the parent's atexit handlers and does not flush its stdio buffers
    a second time."""
    try:
        try:
            payload = pickle.dumps((True, function(*args)), pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:           # noqa: BLE001 - the parent re-raises it
            try:
                payload = pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
            except Exception:
                payload = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: "
                                                            f"{exc}")))
        with os.fdopen(writer, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)


def in_background(function, *args) -> Background:
    """function(*args) in a forked child; .result() gives its value (or raises its
    exception). Use it as a context manager. function must not change anything the
    parent needs: the child's changes stay in the child."""
    return Background(function, *args)
