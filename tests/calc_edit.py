"""Type into a workbook with LibreOffice Calc and save it, as a user would.

Run with the Python that has LibreOffice's UNO bridge (Debian: python3-uno, for
/usr/bin/python3), not with the project's virtual environment:

    /usr/bin/python3 tests/calc_edit.py BOOK.xlsx EDITS.json PROFILE_DIR

EDITS.json is a list of {"sheet": "Rechnungen", "cell": "I5", and one of "number",
"text", "date" (ISO), "bold": true}. Calc opens the book, every edit goes into its cell
through the API (as typing would: dates as date serials with a date format), and Calc
saves the book in its own xlsx writer ("Calc MS Excel 2007 XML"), replacing it.
"""
import json
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException

EPOCH = date(1899, 12, 30)


def _property(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe: str):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(600):
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except NoConnectException:
            time.sleep(0.1)
    raise SystemExit("LibreOffice antwortet nicht")


def _date_format(document) -> int:
    formats = document.getNumberFormats()
    locale = uno.createUnoStruct("com.sun.star.lang.Locale")
    locale.Language, locale.Country = "de", "DE"
    key = formats.queryKey("TT.MM.JJJJ", locale, False)
    return key if key != -1 else formats.addNew("TT.MM.JJJJ", locale)


def edit(book: Path, edits: list, profile: Path) -> None:
    # The process id in the name: two test runs at once must not share one LibreOffice.
    pipe = f"kundenbuch_test_{os.getpid()}_{profile.name}"
    office = subprocess.Popen(
        ["soffice", f"-env:UserInstallation={profile.resolve().as_uri()}", "--headless",
         "--invisible", "--norestore", f"--accept=pipe,name={pipe};urp;"])
    try:
        context = _connect(pipe)
        desktop = context.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", context)
        url = book.resolve().as_uri()
        document = desktop.loadComponentFromURL(url, "_blank", 0,
                                                (_property("Hidden", True),))
        date_format = _date_format(document)
        for change in edits:
            cell = document.Sheets.getByName(change["sheet"]).getCellRangeByName(
                change["cell"])
            if "number" in change:
                cell.setValue(change["number"])
            elif "text" in change:
                cell.setString(change["text"])
            elif "date" in change:
                cell.setValue((date.fromisoformat(change["date"]) - EPOCH).days)
                cell.NumberFormat = date_format
            if change.get("bold"):
                cell.CharWeight = 150.0          # com.sun.star.awt.FontWeight.BOLD
        document.storeToURL(url, (_property("FilterName", "Calc MS Excel 2007 XML"),))
        document.close(True)
        try:
            desktop.terminate()
        except Exception:          # the bridge goes away while LibreOffice ends
            pass
    finally:
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    edit(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text(encoding="utf-8")),
         Path(sys.argv[3]))
