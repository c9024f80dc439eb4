"""E-invoices (EN 16931): received ones read and checked, own ones written and checked.

- model: EInvoice, the one shape of an invoice whatever its syntax.
- read: CII and UBL XML, and the XML inside a ZUGFeRD/Factur-X PDF (factur-x).
- validate: XSD, the EN 16931 schematron (saxonche) and the German rules beyond it.
- explain: the common rules in plain German.

May import: the standard library, lxml, factur-x, saxonche, drafthorse, schwifty,
book/ and rules/. Not runs/, writer/, documents/ or the doors.
"""
