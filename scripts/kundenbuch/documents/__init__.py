"""Files for people: letters from Word templates, PDF, the calendar export.

- letters: the template folder, a run's letters rendered into briefe/JJJJ-MM/.
- render: docxtpl with one Jinja environment (autoescape, German filters), GiroCode.
- pdf: LibreOffice headless, all documents of a run in one call.
- templates: the standard Word templates in vorlagen/ and the placeholders each may use.
- ics: appointments and deadlines as an iCalendar file.
- einvoice_view: a received e-invoice as a readable document (python-docx).
- email_draft: a letter as an .eml draft with its PDF (standard library email).

May import: the standard library, docxtpl and python-docx, babel, segno, icalendar,
book/ and rules/ (what a letter says is decided in rules/letters.py). Not runs/,
writer/ or the doors.
"""
