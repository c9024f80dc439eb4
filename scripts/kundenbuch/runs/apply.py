"""Where a run's plan goes: the closed file (the writer), or a target such as the
workbook open in Excel (excel.LiveTarget)."""
from __future__ import annotations

from ..writer import WriteResult, apply_plan

__all__ = ["WriteResult", "check_writable", "write"]


def write(book, plan, now, target=None) -> WriteResult:
    if target is not None:
        return target.apply(book, plan, now)
    return apply_plan(book, plan, now, book.settings.get("sicherungen_behalten", 30))


def check_writable(book, target=None) -> None:
    """Before letters are made: can the result be written at all?"""
    if target is None:
        from ..writer import check_writable as file_is_writable
        file_is_writable(book)
