"""One module per command's run: read, check, compute, plan, apply, wired together.

- check (pruefen), receivables (forderungen), tiers (stufen), appointments (termine),
  letters (briefe, archiv pruefen), month_end (monatsabschluss), new_book (neu),
  templates (vorlagen), payments_setup (zahlungen einrichten), bank_import (bank),
  einvoice_view (erechnung anzeigen), quotes (angebot annehmen), setup (einrichten),
  privacy (auskunft), client_file (akte),
  benchmark: each has a run() that api.py names after its command.
- plan: the outcome of a run as a value (cells, report sheets, rows to append);
  apply: where a plan goes (the file writer, or the workbook open in Excel).
- parallel, gcpause: how a run uses a second core and keeps Python's collector out of
  the way.

May import everything below the doors: book/, checks/, rules/, reports/, writer/,
documents/, bank/, einvoice/. Not cli.py, api.py or excel.py (the doors call runs, not the other way).
"""
