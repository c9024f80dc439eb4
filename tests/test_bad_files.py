"""Files that are no usable workbook: a German message, exit code 2, file untouched."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import openpyxl
import pytest

from conftest import sample_file, sha256


def _not_zip(tmp_path, demo_path):
    path = tmp_path / "notiz.xlsx"
    path.write_text("Das ist keine Tabelle", encoding="utf-8")
    return path, "keine Excel-Arbeitsmappe"


def _old_xls(tmp_path, demo_path):
    path = tmp_path / "alt.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000))
    return path, ".xls-Format"


def _encrypted(tmp_path, demo_path):
    path = tmp_path / "geheim.xlsx"
    shutil.copyfile(sample_file("poi_protected_passtika.xlsx"), path)
    return path, "Kennwort verschlüsselt"


def _strict(tmp_path, demo_path):
    path = tmp_path / "strict.xlsx"
    shutil.copyfile(sample_file("poi_sample.strict.xlsx"), path)
    return path, "Strict Open XML"


def _rewrite(path, part, change):
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)


def _date_1904(tmp_path, demo_path):
    _rewrite(demo_path, "xl/workbook.xml",
             lambda xml: xml.replace(b"<workbookPr/>", b"<workbookPr date1904=\"1\"/>"))
    return demo_path, "1904-Datumssystem"


def _merged_in_table(tmp_path, demo_path):
    wb = openpyxl.load_workbook(demo_path)
    wb["Kunden"].merge_cells("C3:D3")
    wb.save(demo_path)
    return demo_path, "C3:D3 verbunden"


def _empty_workbook(tmp_path, demo_path):
    path = tmp_path / "leer.xlsx"
    openpyxl.Workbook().save(path)
    return path, "ist leer"


def _truncated(tmp_path, demo_path):
    data = demo_path.read_bytes()
    demo_path.write_bytes(data[: len(data) // 2])
    return demo_path, "keine Excel-Arbeitsmappe"


def _zip_without_workbook(tmp_path, demo_path):
    path = tmp_path / "archiv.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("liesmich.txt", "hallo")
    return path, "keine Excel-Arbeitsmappe"


def _broken_xml(tmp_path, demo_path):
    _rewrite(demo_path, "xl/workbook.xml", lambda xml: xml[: len(xml) // 2])
    return demo_path, "beschädigt"


def _missing(tmp_path, demo_path):
    return tmp_path / "gibtsnicht.xlsx", "gibt es nicht"


CASES = [_not_zip, _old_xls, _encrypted, _strict, _date_1904, _merged_in_table,
         _empty_workbook, _truncated, _zip_without_workbook, _broken_xml, _missing]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__.strip("_"))
@pytest.mark.parametrize("extra", [[], ["--schreiben"], ["--json"]])
def test_bad_file_exit_2_message_and_untouched(case, extra, cli, tmp_path, demo_path):
    path, message = case(tmp_path, demo_path)
    before = sha256(path) if path.exists() else None
    result = cli("pruefen", path, *extra)
    assert result.exit_code == 2, result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
    assert (sha256(path) if path.exists() else None) == before
    assert not (path.parent / "sicherung").exists()


def test_console_script_prints_no_traceback(tmp_path):
    """The installed command, as a user runs it."""
    path = tmp_path / "kaputt.xlsx"
    path.write_bytes(b"PK\x03\x04 kaputt")
    result = subprocess.run([sys.executable, "-m", "kundenbuch", "pruefen", str(path)],
                            capture_output=True, text=True)
    assert result.returncode == 2
    assert "Fehler:" in result.stderr and "Traceback" not in result.stderr
