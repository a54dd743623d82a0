"""Paystub view model: every figure a US paystub shows, masked and checked to add up (pure; no PDF library).

The code lives in display (masks and formats), records (the view records) and builder (paystub_from_dict);
every name stays importable from reports.paystub."""
from __future__ import annotations

from reports.paystub.display import (_LAST4, _RATE_ROUNDING, WORKER_TYPE_LABELS, fmt_date, fmt_hours, fmt_rate,
                                     last4_digits, mask_account, mask_ein, mask_ssn)
from reports.paystub.records import (Address, AgencyInfo, AmountLine, DepositLine, EarningLine, LineExplanation,
                                     PaystubView, WorkerInfo, _last4_issues, _money_issues, _sum, _text_issues)
from reports.paystub.builder import (_LINE_GROUPS, _SECTION_TITLES, PAYSTUB_DICT_KEYS, _address, _Collector, _date,
                                     _lines, _money, _steps, _text, _worker_type, paystub_from_dict)

__all__ = [
    "Address", "AgencyInfo", "WorkerInfo", "EarningLine", "AmountLine", "DepositLine", "LineExplanation",
    "PaystubView", "paystub_from_dict", "PAYSTUB_DICT_KEYS", "WORKER_TYPE_LABELS",
    "mask_ssn", "mask_ein", "mask_account", "fmt_hours", "fmt_rate", "fmt_date", "last4_digits",
]
