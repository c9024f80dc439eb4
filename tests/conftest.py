"""Shared fixtures: workbooks made by the program itself, the CLI, sample files."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kundenbuch import api
from kundenbuch.book import new_workbook
from kundenbuch.cli import main

REPO = Path(__file__).resolve().parents[1]
SHARED_XLSX = REPO.parent / "shared" / "testdata" / "xlsx"
SHARED_EINVOICE = REPO.parent / "shared" / "testdata" / "einvoice"


def pytest_addoption(parser):
    parser.addoption("--alle-folterfaelle", action="store_true",
                     help="alle Fälle der Folter-Suite (tests/torture.py), nicht nur jeden "
                          "siebten; in CI immer")


SAMPLES_MISSING = ("die Beispieldateien aus ../shared/testdata liegen nicht neben diesem "
                   "Klon; CI legt sie daneben und führt diesen Test aus")


def sample_files() -> list[Path]:
    return sorted(SHARED_XLSX.glob("*.xls*")) if SHARED_XLSX.is_dir() else []


def needs_samples():
    """The third-party samples: in CI they must be there (a copy of shared/ lies beside
    the clone); on a plain clone the tests that need them are skipped."""
    if SHARED_XLSX.is_dir():
        return
    if os.environ.get("CI"):
        pytest.fail("../shared/testdata fehlt in CI")
    pytest.skip(SAMPLES_MISSING)


def sample_file(name: str) -> Path:
    needs_samples()
    return SHARED_XLSX / name


def einvoice_samples() -> list[Path]:
    return sorted(SHARED_EINVOICE.glob("*.*")) if SHARED_EINVOICE.is_dir() else []


def einvoice_sample(name: str) -> Path:
    needs_samples()
    return SHARED_EINVOICE / name


def each_sample(values: list) -> list:
    """Parameters of a test run once per sample, or one skipped run without samples."""
    if values or SHARED_XLSX.is_dir():
        return [pytest.param(path, id=path.name) for path in values]
    return [pytest.param(None, id="ohne-Beispiele",
                         marks=pytest.mark.skip(reason=SAMPLES_MISSING))]


@pytest.fixture
def cli():
    """Run the command line like a user; returns click's Result."""
    runner = CliRunner()

    def run(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    return run


@pytest.fixture
def demo_path(tmp_path) -> Path:
    return api.neu(tmp_path / "kundenbuch.xlsx", with_demo=True)


@pytest.fixture
def make_book(tmp_path):
    """A workbook from the template with the given rows (schema field names)."""
    def make(name="kundenbuch.xlsx", kunden=(), rechnungen=(), termine=(), settings=None,
             basiszins=None, zahlungen=None, positionen=None):
        """zahlungen=None: a book as older versions made it, without the Zahlungen
        table (Bezahlt am and Bezahlt Betrag typed in Rechnungen)."""
        from kundenbuch.book import demo
        data = {"Kunden": list(kunden), "Rechnungen": list(rechnungen),
                "Termine": list(termine),
                "Einstellungen": {**demo.demo_settings(), **(settings or {})}}
        if basiszins is not None:
            data["Basiszins"] = basiszins
        if zahlungen is not None:
            data["Zahlungen"] = list(zahlungen)
        if positionen is not None:
            data["Positionen"] = list(positionen)
        path = tmp_path / name
        new_workbook.create_workbook(path, data)
        return path
    return make


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def zip_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def needs_libreoffice():
    """In CI LibreOffice must be there (.ci/run installs it); elsewhere skip."""
    if soffice():
        return
    if os.environ.get("CI"):
        pytest.fail("LibreOffice fehlt in CI; .ci/run muss es installieren")
    pytest.skip("LibreOffice ist nicht installiert")


def libreoffice_csv(path: Path, outdir: Path) -> dict[str, str]:
    """Every sheet of a workbook as CSV text, converted by LibreOffice Calc."""
    needs_libreoffice()
    outdir.mkdir(parents=True, exist_ok=True)
    subprocess.run([soffice(), f"-env:UserInstallation=file://{outdir}/profile",
                    "--headless", "--convert-to",
                    "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,"
                    "false,-1", "--outdir", str(outdir), str(path)],
                   check=True, capture_output=True, timeout=180)
    stem = Path(path).stem
    return {p.stem[len(stem) + 1:]: p.read_text(encoding="utf-8")
            for p in outdir.glob(f"{stem}-*.csv")}
