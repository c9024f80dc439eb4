"""SWIFT MT940 statements as German banks send them (:86: with the GVC sub-fields
?00 posting text, ?20–?29 purpose with SEPA tags EREF+/KREF+/MREF+/SVWZ+, ?31 IBAN,
?32/?33 name, ?34 return reason). Parsed by the mt-940 library."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import mt940

from .lines import RETURN_REASON, BankFileError, BankLine, usable_id

# German business transaction codes (GVC) of returned direct debits.
RETURN_CODES = {"109", "159", "108"}


def identify(head: bytes) -> bool:
    return b":20:" in head and (b":25:" in head or b":61:" in head)


def read(data: bytes, name: str) -> tuple[str, list[BankLine]]:
    text = _decoded(data)
    try:
        statements = mt940.models.Transactions(options=mt940.Options.all())
        statements.parse(text)
    except Exception as exc:  # the library raises plain exceptions for bad input
        raise BankFileError(f"{name}: keine lesbare MT940-Datei ({_where(text, exc)}); es "
                            "wurde nichts übernommen.") from None
    account = str(statements.data.get("account_identification") or "")
    lines = []
    for number, transaction in enumerate(statements, start=1):
        data_ = transaction.data
        amount = getattr(data_.get("amount"), "amount", None)
        day = data_.get("date") or data_.get("entry_date")
        if amount is None or day is None:
            raise BankFileError(f"{name}, Umsatz {number}: Betrag oder Datum fehlt in der "
                                "Zeile :61:; es wurde nichts übernommen.")
        purpose = " ".join(str(data_.get("purpose") or "").split())
        code = str(data_.get("transaction_code") or "")
        posting = str(data_.get("posting_text") or "")
        reason = _return_reason(purpose, data_)
        returned = Decimal(amount) < 0 and (code in RETURN_CODES or bool(reason) or
                                            "RUECKLASTSCHRIFT" in (posting + purpose).upper())
        reference = ""
        found = re.search(r"\bRF\d{2}[0-9A-Z]{1,21}\b", purpose.replace(" ", ""))
        if found:
            reference = found.group()
        bank_id = usable_id(data_.get("bank_reference")) or usable_id(
            data_.get("end_to_end_reference"))
        lines.append(BankLine(
            date(day.year, day.month, day.day), Decimal(amount),
            " ".join(str(data_.get("applicant_name") or "").split()),
            str(data_.get("applicant_iban") or data_.get("gvc_applicant_iban") or ""
                ).replace(" ", ""),
            purpose, reference, "", account.replace(" ", ""), returned, reason,
            # COAM+: the compensation a returned debit charges (Auslagenersatz)
            abs(Decimal(str(getattr(data_.get("compensation_amount"), "amount", 0) or 0))),
            "", f"{name}, Umsatz {number}"))
        if bank_id and bank_id != "NONREF":
            # the :61: bank reference is only unique together with the day and amount
            lines[-1] = _with_id(lines[-1], f"{bank_id}|{day}|{amount}")
    return "MT940", lines


def _with_id(line: BankLine, bank_id: str) -> BankLine:
    from dataclasses import replace
    return replace(line, bank_id=bank_id)


def _return_reason(purpose: str, data_) -> str:
    found = RETURN_REASON.search(purpose)
    return found.group() if found else ""


def _decoded(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _where(text: str, exc: Exception) -> str:
    message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return message[:160]
