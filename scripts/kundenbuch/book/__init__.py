"""The workbook contract and reading it: the first stage of every run.

- schema: every sheet and column of the contract, once (header ↔ field name, type, in or
  out); the only place where a German header meets its field name.
- records: typed records that remember their cell; settings; base rates.
- reader: the workbook into records (python-calamine, lxml for the package structure);
  grid_fallback reads a sheet where calamine gives up; convert turns cell values into
  typed values by column kind.
- ooxml, zipentries: the package's parts and zip entries (read here, written by writer/).
- new_workbook, demo: a new workbook that follows the contract (openpyxl, only to create),
  and its invented demo data.
- invoice_lines: what the lines in Positionen add up to; the reader fills an empty Netto
  from them (the contract says so), so every later stage sees the invoice complete.

May import: the standard library, lxml, python-calamine, openpyxl (new_workbook only),
schwifty and holidays (demo only), and checks.findings (how reading reports a damaged
cell). Nothing from rules/, reports/, runs/, writer/ or documents/.
"""
