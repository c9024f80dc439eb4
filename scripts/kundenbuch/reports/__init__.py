"""The sheets kundenbuch owns, built as data from rule results.

- sheet: the data model of a report sheet (blocks, typed columns, charts).
- check_report (Prüfbericht), open_items (Offene Posten), tier_analysis (Stufenanalyse),
  calendar_overview (Terminübersicht), bank_reconciliation (Zahlungsabgleich): one
  module per sheet, with its charts.

May import: the standard library, book.schema, book.records, rules/ and checks.findings.
A report is data, not XML: the writer (writer/report.py) and the Excel door (excel.py)
turn it into cells. No openpyxl, lxml, writer/ or documents/ (tests/test_structure.py).
"""
