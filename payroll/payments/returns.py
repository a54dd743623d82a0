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
