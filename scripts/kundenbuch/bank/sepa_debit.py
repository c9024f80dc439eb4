"""SEPA direct debit files (pain.008.001.08, CORE) made by sepaxml, which validates
each file against the XSD it ships before it is written."""
from __future__ import annotations

from sepaxml import SepaDD

from .lines import BankFileError

SCHEMA = "pain.008.001.08"


def pain008(orders, creditor: dict) -> bytes:
    """creditor: name, iban, bic, creditor_id. One batch per sequence type and day."""
    config = {"name": creditor["name"], "IBAN": creditor["iban"], "batch": True,
              "creditor_id": creditor["creditor_id"], "currency": "EUR",
              "instrument": "CORE"}
    if creditor.get("bic"):
        config["BIC"] = creditor["bic"]
    debit = SepaDD(config, schema=SCHEMA, clean=True)
    for order in orders:
        payment = {"name": order.name, "IBAN": order.iban, "amount": order.amount_cents,
                   "type": order.sequence, "collection_date": order.collection_day,
                   "mandate_id": order.mandate_reference,
                   "mandate_date": order.mandate_date, "description": order.purpose,
                   "endtoend_id": f"{order.number}".replace(" ", "")[:35]}
        if order.bic:
            payment["BIC"] = order.bic
        debit.add_payment(payment)
    try:
        return debit.export(validate=True, pretty_print=True)
    except Exception as exc:   # sepaxml's ValidationError names no field; ours does
        cause = exc.__cause__ or exc
        raise BankFileError(f"Die Lastschriftdatei verletzt das Schema {SCHEMA} "
                            f"({str(cause).splitlines()[0][:200]}); es wurde nichts "
                            "geschrieben.") from None
