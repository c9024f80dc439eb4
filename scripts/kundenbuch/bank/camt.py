"""ISO 20022 bank-to-customer messages: camt.052 (intraday report), camt.053 (statement)
and camt.054 (debit/credit notification), in every version banks send (001.02 to
001.13). The versions differ in namespace and in a few wrappers (a party's name in
<Pty> since version 8), not in the elements read here, so the reader ignores the
namespace and looks for an element wherever a version puts it.

Written with lxml because no maintained Python package reads all three message types
in all versions (checked in the package lists: the candidates are young and cover one
type); the layout follows the ISO 20022 message definitions and the German banks'
DFÜ-Abkommen Anlage 3.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from .lines import BankFileError, BankLine, usable_id

KINDS = {"BkToCstmrStmt": ("camt.053", "Stmt"), "BkToCstmrAcctRpt": ("camt.052", "Rpt"),
         "BkToCstmrDbtCdtNtfctn": ("camt.054", "Ntfctn")}
# Bank transaction codes of a returned direct debit (ISO: family "DDT" or "RDDT" with
# sub-family "UPDD"/"RRTN"/"PRDD"; German GVC 109 is carried as proprietary code).
RETURN_SUBFAMILIES = {"UPDD", "RRTN", "PRDD", "ARET", "AREV"}


def identify(head: bytes) -> bool:
    return b"camt.05" in head and b"<" in head


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(node, name):
    return [c for c in node if _local(c.tag) == name]


def _child(node, *path):
    """The first element along a path of local names, or None."""
    for name in path:
        if node is None:
            return None
        node = next((c for c in node if _local(c.tag) == name), None)
    return node


def _text(node, *path) -> str:
    found = _child(node, *path)
    return " ".join((found.text or "").split()) if found is not None else ""


def _descendant(node, name):
    return next((n for n in node.iter() if _local(n.tag) == name), None)


def read(data: bytes, name: str) -> tuple[str, list[BankLine]]:
    try:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BankFileError(f"{name}: kein gültiges XML (Zeile {exc.lineno}: {exc.msg}); "
                            "es wurde nichts übernommen.") from None
    body = root[0] if len(root) and _local(root.tag) == "Document" else root
    kind = KINDS.get(_local(body.tag))
    if kind is None:
        raise BankFileError(f"{name}: das Element <{_local(body.tag)}> ist keine "
                            "camt-Nachricht (erwartet BkToCstmrStmt, BkToCstmrAcctRpt oder "
                            "BkToCstmrDbtCdtNtfctn); es wurde nichts übernommen.")
    label, statement_tag = kind
    lines = []
    for statement in _children(body, statement_tag):
        account = _text(statement, "Acct", "Id", "IBAN") or _text(
            statement, "Acct", "Id", "Othr", "Id")
        for number, entry in enumerate(_children(statement, "Ntry"), start=1):
            lines += _entry_lines(entry, account, f"{name}, Buchung {number}")
    return label, lines


def _amount(node, where: str) -> Decimal:
    text = _text(node, "Amt")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BankFileError(f"{where}: der Betrag „{text}“ im Element <Amt> ist keine "
                            "Zahl; es wurde nichts übernommen.") from None
    return value


def _sign(node) -> int:
    return -1 if _text(node, "CdtDbtInd") == "DBIT" else 1


def _day(entry, where: str) -> date:
    for path in (("ValDt", "Dt"), ("ValDt", "DtTm"), ("BookgDt", "Dt"), ("BookgDt", "DtTm")):
        text = _text(entry, *path)
        if text:
            try:
                return date.fromisoformat(text[:10])
            except ValueError:
                raise BankFileError(f"{where}: das Datum „{text}“ in <{path[0]}> ist kein "
                                    "Datum; es wurde nichts übernommen.") from None
    raise BankFileError(f"{where}: weder Valuta- noch Buchungsdatum (<ValDt>, <BookgDt>); "
                        "es wurde nichts übernommen.")


def _party_name(node) -> str:
    """A name as versions up to 7 (<Nm>) and from 8 on (<Pty><Nm>) give it."""
    return _text(node, "Nm") or _text(node, "Pty", "Nm")


def _entry_lines(entry, account: str, where: str) -> list[BankLine]:
    if _text(entry, "Sts") not in ("BOOK", "") and _text(entry, "Sts", "Cd") not in (
            "BOOK", ""):
        return []                    # pending or informational: not booked yet
    sign = _sign(entry)
    total = _amount(entry, where) * sign
    day = _day(entry, where)
    entry_id = usable_id(_text(entry, "AcctSvcrRef")) or usable_id(_text(entry, "NtryRef"))
    reversal = _text(entry, "RvslInd").lower() == "true"
    details = [tx for block in _children(entry, "NtryDtls") for tx in _children(block, "TxDtls")]
    extra = _text(entry, "AddtlNtryInf")
    if len(details) <= 1:
        tx = details[0] if details else None
        return [_line(tx, entry, total, day, entry_id, account, reversal, extra, where)]
    # a batch: one line per transaction, each with its own amount
    lines = []
    for index, tx in enumerate(details, start=1):
        amount = (_amount(tx, f"{where}.{index}") * _sign(tx)
                  if _child(tx, "Amt") is not None else total)
        tx_id = f"{entry_id}/{index}" if entry_id else ""
        lines.append(_line(tx, entry, amount, day, tx_id, account, reversal, extra,
                           f"{where}.{index}"))
    return lines


def _line(tx, entry, amount, day, entry_id, account, reversal, extra, where) -> BankLine:
    purpose_parts, reference, name, iban, mandate, reason = [], "", "", "", "", ""
    fee = Decimal("0.00")
    refs_id = ""
    code = _transaction_code(entry, tx)
    if tx is not None:
        info = _child(tx, "RmtInf")
        if info is not None:
            purpose_parts += [" ".join((u.text or "").split()) for u in _children(info, "Ustrd")]
            for structured in _children(info, "Strd"):
                reference = reference or _text(structured, "CdtrRefInf", "Ref")
                purpose_parts += [" ".join((a.text or "").split())
                                  for a in _children(structured, "AddtlRmtInf")]
        returned = _child(tx, "RtrInf")
        if returned is not None:
            reason = _text(returned, "Rsn", "Cd") or _text(returned, "Rsn", "Prtry")
        parties = _child(tx, "RltdPties")
        if parties is not None:
            # a credit's other party is the debtor, a debit's the creditor; a returned
            # debit names the debtor (our client) as its debtor
            side = ("Dbtr" if amount > 0 or reversal or reason or code in RETURN_SUBFAMILIES
                    else "Cdtr")
            party = _child(parties, side)
            name = _party_name(party) if party is not None else ""
            iban = _text(parties, side + "Acct", "Id", "IBAN")
        refs = _child(tx, "Refs")
        if refs is not None:
            mandate = _text(refs, "MndtId")
            refs_id = (usable_id(_text(refs, "AcctSvcrRef"))
                       or usable_id(_text(refs, "Prtry", "Ref"))
                       or usable_id(_text(refs, "TxId")))
        for charge in _children(tx, "Chrgs"):
            for value in [c for c in charge.iter() if _local(c.tag) == "Amt"][:1]:
                try:
                    fee += Decimal(value.text or "0")
                except InvalidOperation:
                    pass
    purpose = " ".join(p for p in purpose_parts if p) or extra
    is_return = bool(reason) or code in RETURN_SUBFAMILIES or (
        amount < 0 and "RUECKLASTSCHRIFT" in (purpose + " " + extra).upper().replace("Ü", "UE"))
    return BankLine(day, amount, name, iban.replace(" ", ""), purpose, reference,
                    entry_id or refs_id, account.replace(" ", ""), is_return, reason,
                    fee, mandate, where)


def _transaction_code(entry, tx) -> str:
    for node in (tx, entry):
        if node is None:
            continue
        sub = _text(node, "BkTxCd", "Domn", "Fmly", "SubFmlyCd")
        if sub:
            return sub
    return ""
