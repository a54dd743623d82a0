"""ACH return reason codes that matter for payroll credits, and whether a returned payment may be re-issued."""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from backoffice.errors import DomainError

# Source: Nacha Operating Rules, Appendix Four (Return Entries), "Table of Return Reason Codes" — the codes
# and titles as published by banks and processors that quote it (2026 wording; R11 is the 2021 meaning,
# "not in accordance with the terms of the authorization", not the retired check-truncation return).
# The re-issue columns are this product's payroll policy for credits, not Nacha text:
#   reissue_same_account  — the same credit may simply be sent again to the same account;
#   reissue_other_account — the payment may be re-issued once the worker gives another account (or the
#                           same account is confirmed), as opposed to paying by other means or not at all;
#   needs_new_bank_account — the worker must give new or corrected bank details before any ACH re-issue.
SOURCE = "Nacha Operating Rules, Appendix Four — Table of Return Reason Codes"


@dataclass(frozen=True)
class ReturnReason:
    """One ACH return reason code and what payroll operations should do about it."""

    code: str
    title: str
    description: str
    reissue_same_account: bool
    reissue_other_account: bool
    needs_new_bank_account: bool
    action: str


def _r(code: str, title: str, description: str, same: bool, other: bool, new: bool,
       action: str) -> ReturnReason:
    return ReturnReason(code, title, description, same, other, new, action)


_REASONS = (
    _r("R01", "Insufficient funds", "The available balance does not cover a debit entry.",
       True, True, False, "Only debits (the offset to the agency's account) get R01: fund the account and re-send."),
    _r("R02", "Account closed", "A previously active account has been closed by the receiver or the RDFI.",
       False, True, True, "Ask the worker for a new deposit account, then re-issue."),
    _r("R03", "No account/unable to locate account",
       "The account number is structurally valid but does not match an open account or the payee's name.",
       False, True, True, "Ask the worker to confirm or correct the bank details, then re-issue."),
    _r("R04", "Invalid account number structure", "The account number fails the RDFI's format checks.",
       False, True, True, "Ask the worker for the correct account number, then re-issue."),
    _r("R05", "Unauthorized debit to consumer account using corporate SEC code",
       "A CCD or CTX debit reached a consumer account without the consumer's authorization.",
       False, False, False, "Not expected for payroll credits; review the entry with the ODFI."),
    _r("R06", "Returned per ODFI's request", "The originating bank asked the RDFI to return the entry.",
       False, True, False, "Find out from the ODFI why, then re-issue if the payment is still owed."),
    _r("R07", "Authorization revoked by customer", "The receiver revoked the authorization given to the originator.",
       False, True, True, "Get a new direct-deposit authorization and account from the worker, or pay by check."),
    _r("R08", "Payment stopped", "The receiver placed a stop payment on the entry.",
       False, True, False, "Contact the worker before paying again."),
    _r("R09", "Uncollected funds", "The ledger balance covers a debit but the collected balance does not.",
       True, True, False, "Only debits get R09: wait for funds to clear and re-send."),
    _r("R10", "Customer advises originator is not known and/or not authorized",
       "The receiver says the originator is not authorized to post to the account.",
       False, True, True, "Confirm the account with the worker in writing before any re-issue."),
    _r("R11", "Customer advises entry not in accordance with the terms of the authorization",
       "The receiver authorized the originator, but the entry differs from what was authorized.",
       False, True, False, "Correct the error (amount, date) and re-issue a new entry."),
    _r("R12", "Account sold to another DFI", "The account moved to another bank, so the routing number changed.",
       False, True, True, "Ask the worker for the new routing and account numbers, then re-issue."),
    _r("R13", "Invalid ACH routing number", "The routing number is not a valid ACH participant.",
       False, True, True, "Ask the worker for a routing number that accepts ACH, then re-issue."),
    _r("R14", "Representative payee deceased or unable to continue in that capacity",
       "The representative payee for the account has died or can no longer act.",
       False, False, False, "Do not re-issue by ACH; refer to HR and pay the person entitled by check."),
    _r("R15", "Beneficiary or account holder deceased", "The account holder has died.",
       False, False, False, "Do not re-issue by ACH; refer to HR (final pay to the estate by check)."),
    _r("R16", "Account frozen/entry returned per OFAC instruction",
       "Funds in the account are unavailable because of legal action or an OFAC instruction.",
       False, False, False, "Do not re-issue by ACH; refer to HR and compliance."),
    _r("R17", "File record edit criteria", "The RDFI could not process a field of the entry (named in the addenda), "
       "or the entry looks fraudulent with an invalid account number.",
       False, True, True, "Correct the bank details named in the return addenda, then re-issue."),
    _r("R20", "Non-transaction account", "The account cannot take ACH entries (for example some savings or "
       "investment accounts).", False, True, True, "Ask the worker for a transaction account, then re-issue."),
    _r("R23", "Credit entry refused by receiver", "The receiver refused the credit (for example a wrong amount "
       "or an account the receiver does not want used).", False, True, False,
       "Contact the worker, correct the cause, then re-issue."),
    _r("R24", "Duplicate entry", "The RDFI received what looks like the same entry twice.",
       False, False, False, "Do not re-issue: the original entry was received. Check for a double payment."),
    _r("R29", "Corporate customer advises not authorized",
       "A non-consumer receiver says the entry was not authorized.",
       False, True, True, "Confirm the account with the payee in writing before any re-issue."),
)


# The rest of Appendix Four's table (R18-R85): entry-format, ENR, RCK, dishonored and IAT returns. Most cannot
# happen to a payroll credit; a format or settlement problem may be re-sent once corrected, the others are
# reviewed with the ODFI (no ACH re-issue from here).
_FORMAT = "Correct the entry (the field named in the addenda) and re-issue."
_REVIEW = "Not expected for payroll credits; review the entry with the ODFI before paying again."
_REASONS += tuple(_r(code, title, title + ".", False, other, False, _FORMAT if other else _REVIEW) for code, title, other in (
    ("R18", "Improper effective entry date", True),
    ("R19", "Amount field error", True),
    ("R21", "Invalid company identification", False),
    ("R22", "Invalid individual ID number", True),
    ("R25", "Addenda error", True),
    ("R26", "Mandatory field error", True),
    ("R27", "Trace number error", True),
    ("R28", "Routing number check digit error", True),
    ("R30", "RDFI not a participant in the check truncation program", False),
    ("R31", "Permissible return entry (CCD and CTX only)", False),
    ("R32", "RDFI non-settlement", True),
    ("R33", "Return of XCK entry", False),
    ("R34", "Limited participation DFI", True),
    ("R35", "Return of improper debit entry", False),
    ("R36", "Return of improper credit entry", False),
    ("R37", "Source document presented for payment", False),
    ("R38", "Stop payment on source document", False),
    ("R39", "Improper source document / source document presented for payment", False),
    ("R40", "Return of ENR entry by federal government agency", False),
    ("R41", "Invalid transaction code (ENR)", False),
    ("R42", "Routing number or check digit error (ENR)", False),
    ("R43", "Invalid DFI account number (ENR)", False),
    ("R44", "Invalid individual ID number or identification number (ENR)", False),
    ("R45", "Invalid individual name or company name (ENR)", False),
    ("R46", "Invalid representative payee indicator (ENR)", False),
    ("R47", "Duplicate enrollment (ENR)", False),
    ("R50", "State law affecting RCK acceptance", False),
    ("R51", "Item related to RCK entry is ineligible or RCK entry is improper", False),
    ("R52", "Stop payment on item related to RCK entry", False),
    ("R53", "Item and RCK entry presented for payment", False),
    ("R61", "Misrouted return", False),
    ("R62", "Return of erroneous or reversing debit", False),
    ("R67", "Duplicate return", False),
    ("R68", "Untimely return", False),
    ("R69", "Field error(s)", False),
    ("R70", "Permissible return entry not accepted / return not requested by ODFI", False),
    ("R71", "Misrouted dishonored return", False),
    ("R72", "Untimely dishonored return", False),
    ("R73", "Timely original return", False),
    ("R74", "Corrected return", False),
    ("R75", "Return not a duplicate", False),
    ("R76", "No errors found", False),
    ("R77", "Non-acceptance of R62 dishonored return", False),
    ("R80", "IAT entry coding error", False),
    ("R81", "Non-participant in IAT program", False),
    ("R82", "Invalid foreign receiving DFI identification", False),
    ("R83", "Foreign receiving DFI unable to settle", False),
    ("R84", "Entry not processed by gateway", False),
    ("R85", "Incorrectly coded outbound international payment", False),
))

RETURN_REASONS: Mapping[str, ReturnReason] = MappingProxyType({r.code: r for r in _REASONS})


def return_reason(code: str) -> ReturnReason:
    """The return reason for a code such as 'R03' (case and spaces ignored); DomainError if unknown."""
    key = str(code or "").strip().upper()
    try:
        return RETURN_REASONS[key]
    except KeyError:
        raise DomainError(f"unknown ACH return reason code {key or '(empty)'!s}; known codes are "
                          + ", ".join(RETURN_REASONS), code="unknown_return_code") from None


def can_reissue(code: str, *, same_account: bool) -> bool:
    """Whether a payment returned with this code may be re-issued, to the same account or to another one."""
    reason = return_reason(code)
    return reason.reissue_same_account if same_account else reason.reissue_other_account
