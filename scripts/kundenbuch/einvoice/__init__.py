"""E-invoices (EN 16931): received ones read and checked, own ones written and checked.

- model: EInvoice, the one shape of an invoice whatever its syntax.
- read: CII and UBL XML, and the XML inside a ZUGFeRD/Factur-X PDF (factur-x).
- validate: XSD, the EN 16931 schematron (saxonche) and the German rules beyond it.
- explain: the common rules in plain German.
- outgoing: an own invoice letter as an EInvoice, and which clients get which kind.
- cii: an EInvoice as CII XML (factur-x's generator, keyed by EN 16931 terms).

May import: the standard library, lxml, factur-x, saxonche, schwifty,
book/ and rules/. Not runs/, writer/, documents/ or the doors.
"""
