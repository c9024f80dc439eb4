"""Bank files: statements read into one kind of line, and SEPA files written.

Like beancount's importers (beangulp): one small reader per format behind one
interface, chosen by what the file is, not by its name.
- lines: BankLine, the one shape every reader returns; BankFileError, a German reason
  naming the file and the line or element.
- camt: ISO 20022 camt.052, camt.053 and camt.054, every version (lxml; no maintained
  Python parser covers them all).
- swift_mt940: MT940 statements (the mt-940 library).
- bank_csv: CSV exports of the common German banks, and any other through a column
  mapping (standard library csv).
- read: which reader a file needs, and all lines of several files.

May import: the standard library, lxml, mt940, book/ and rules/. Not runs/, writer/,
documents/ or the doors.
"""
