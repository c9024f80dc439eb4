"""CSV files that Excel in Germany opens as they are: UTF-8 with BOM (else umlauts
break), ";" between fields (the German list separator), CR LF."""
from __future__ import annotations

import csv
import io


def excel_csv(rows) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
