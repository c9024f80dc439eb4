"""The one shape of a bank statement line, whatever the file's format."""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


class BankFileError(Exception):
    """A German reason why a bank file cannot be read, naming the file and the line or
    element; nothing was written."""


@dataclass(frozen=True)
class BankLine:
    day: date                      # value date (Wertstellung), else booking date
    amount: Decimal                # signed: credits positive, debits negative
    name: str = ""                 # the other party: payer of a credit
    iban: str = ""                 # the other party's account
    purpose: str = ""              # remittance text (Verwendungszweck)
    reference: str = ""            # structured creditor reference (RF…), if given
    bank_id: str = ""              # the bank's id of the transaction, if it gives one
    account: str = ""              # our account (IBAN) the statement is of
    returned: bool = False         # a returned direct debit (Rücklastschrift)
    return_reason: str = ""        # its reason code, e.g. MD06, AC04
    fee: Decimal = Decimal("0.00")  # the bank's charges included in a return
    mandate: str = ""              # the SEPA mandate reference of a debit
    source: str = ""               # file and position, for messages

    @property
    def is_credit(self) -> bool:
        return self.amount > 0

    @property
    def booking_id(self) -> str:
        """The bank's id; without one a fingerprint of account, day, amount and text,
        so that the same line read again is known again (the same file, an
        overlapping statement)."""
        if self.bank_id:
            return self.bank_id
        return fingerprint(self.account, self.day, self.amount, self.purpose, self.name)


def fingerprint(account, day, amount, purpose, name="") -> str:
    text = "|".join([str(account or "").replace(" ", "").upper(), day.isoformat(),
                     f"{Decimal(amount):.2f}", " ".join(str(purpose or "").split()),
                     " ".join(str(name or "").split())])
    return "FP-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16].upper()


# SEPA return reason codes as banks print them in a returned debit's text.
RETURN_REASON = re.compile(r"\b(AC0[1-6]|AC13|AG0[12]|AM0[45]|MD0[1-7]|MS0[23]|RR0[1-4]|"
                           r"SL01|FF05|BE05|CNOR|DNOR)\b")


# Ids banks put where they have none of their own: not an id.
NO_ID = {"", "NONREF", "NOTPROVIDED", "NOT PROVIDED", "NONE"}


def usable_id(value) -> str:
    value = " ".join(str(value or "").split())
    return "" if value.upper() in NO_ID else value
