"""Pause Python's cycle collector while a run builds its large object graph.

A run on 200,000 invoices creates millions of small objects (cells, records,
amounts) and no reference cycles worth collecting; the collector would still walk
all of them again and again (a third of the reading time on a large book). It is
paused for one run and resumed afterwards, so that nothing piles up in a long-lived
process such as the Python behind Excel.
"""
from __future__ import annotations

import contextlib
import gc


@contextlib.contextmanager
def collector_paused(resume: bool = True):
    """resume=False for a process that ends with the run (the command line): resuming
    would start one last collection over millions of objects (0.45 s on groß) whose
    memory the operating system takes back anyway."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled and resume:
            gc.enable()
