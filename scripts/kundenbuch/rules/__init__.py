"""Pure domain rules: records and a Stichtag in, results out.

- receivables, interest, amounts: invoice status, aging, dunning ladder, default interest
  and fees, money arithmetic.
- workdays, schedule: holidays and the next working day (§ 193 BGB), tax deadlines, the
  onboarding plan, what is coming up, the trip log.
- tiers: ABC analysis, service promises, the customer journey.
- lock: the Festschreibung register (GoBD).
- letters: which letters are due and what goes into each.
- payments, applied: payments applied to invoices (§§ 366, 367 BGB), credits, returned
  debits; references: the RF creditor reference; bank_matching: bank lines to payments.
- corrections: Storno and credit notes; numbering: the next number in the book's
  scheme; subscriptions: what Abos bill; quotes: quotes, their follow-up and invoice.

May import: the standard library, book.schema, book.records and book.invoice_lines
(what an invoice's lines add up to), and libraries that only
compute (holidays, schwifty). No file I/O, no clock (time is a parameter), and nothing
from writer/, documents/, excel.py, nor openpyxl, lxml, python-calamine, docxtpl or
xlwings: tests/test_structure.py enforces it.
"""
