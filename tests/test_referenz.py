"""Structured creditor references (ISO 11649) in the GiroCode and the Verwendungszweck:
they lead back to exactly the invoices of a letter. Worked example: invoice 2026-0057
→ RF71 2026 0057; invoices 2026-0057 and 2026-0058 → one reference naming both."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from stdnum import iso11649

from kundenbuch.rules.letters import payment_purpose
from kundenbuch.rules.references import creditor_reference, invoices_in, printed


def test_one_invoice_gives_a_valid_rf_reference_naming_it():
    reference = creditor_reference(["2026-0057"])
    assert reference == "RF7120260057" and printed(reference) == "RF71 2026 0057"
    assert invoices_in(reference, ["2026-0056", "2026-0057"]) == ["2026-0057"]


def test_several_invoices_in_one_reference_and_too_many_in_none():
    reference = creditor_reference(["2026-0057", "2026-0058"])
    assert iso11649.is_valid(reference)
    assert invoices_in(reference, ["2026-0057", "2026-0058", "2026-0059"]) == [
        "2026-0057", "2026-0058"]
    assert creditor_reference(["2026-0057", "2026-0058", "2026-0059"]) is None
    assert payment_purpose(["2026-0057", "2026-0058", "2026-0059"]) == (
        "Rechnung 2026-0057, 2026-0058, 2026-0059", None)
    assert payment_purpose(["2026-0057"])[0] == "RF71 2026 0057 (Rechnung 2026-0057)"


def test_a_reference_with_a_wrong_check_digit_or_unknown_invoice_names_nothing():
    assert invoices_in("RF7220260057", ["2026-0057"]) == []
    assert invoices_in(creditor_reference(["2026-0099"]), ["2026-0057"]) == []


@given(st.lists(st.from_regex(r"[A-Z0-9][A-Z0-9-/]{0,8}", fullmatch=True), min_size=1,
                max_size=3, unique=True))
def test_every_reference_made_is_valid_and_leads_back(numbers):
    reference = creditor_reference(numbers)
    if reference is None:
        return
    assert iso11649.is_valid(reference) and len(reference) <= 25
    found = invoices_in(reference, numbers)
    assert found and set(found) <= set(numbers)
