"""JSON Schemas (2020-12) of the paycheck quote's request and response, for the API's OpenAPI document."""
from __future__ import annotations

from .model import (EARNING_CODES, EMPLOYER_CONTRIBUTION_CODES, FILING_STATUSES, MARITAL_STATUSES, POSTTAX_CODES,
                    PRETAX_TREATMENT)
from .quote_input import FREQUENCIES, YTD_FIELDS

_MONEY = {"type": "string", "pattern": r"^-?\d+\.\d{2}$", "description": "US dollars, two decimals"}
_NUMBER_IN = {"type": ["string", "integer"], "pattern": r"^\d+(\.\d+)?$",
              "description": "a non-negative decimal as a string (\"12.50\") or an integer; JSON floats are refused"}
_STATE = {"type": "string", "pattern": "^[A-Za-z]{2}$", "description": "two-letter USPS code"}
_LINE = {
    "type": "object", "required": ["code", "amount"],
    "properties": {"code": {"type": "string"}, "amount": _MONEY,
                   "explanation": {"type": "array", "items": {"type": "string"},
                                   "description": "the steps in words; left out when the request says explain: false"},
                   "state": {"type": "string", "description": "present on state lines"},
                   "locality": {"type": "string", "description": "present on local tax lines: the locality's code "
                                "(NYC, PA-510101, MI-DETROIT, ...)"},
                   "ref": {"type": "string", "description": "present on deduction and contribution lines given a ref"}},
}
_LOCALITY_IN = {
    "type": "object", "required": ["state"], "additionalProperties": False,
    "description": "where the worker lives or works, for local taxes (none given: no local tax is computed)",
    "properties": {"state": _STATE,
                   "city": {"type": "string", "maxLength": 100, "description": "the taxing municipality"},
                   "county": {"type": "string", "maxLength": 100},
                   "psd_code": {"type": "string", "pattern": r"^\d{6}$", "description": "Pennsylvania PSD code"},
                   "school_district": {"type": "string", "pattern": r"^(\d{4}|NONE)$",
                                       "description": "Ohio school district number, or NONE"},
                   "transit_district": {"enum": ["TRIMET", "LTD"]}}}
_PERCENT_IN = {**_NUMBER_IN, "description": "a fraction: \"0.06\" is 6% (at most 1)"}
_REF = {"type": "string", "maxLength": 40, "description": "the caller's id of the source, echoed on the line"}
_DEDUCTION_IN = {
    "type": "object", "required": ["code"],
    "description": "exactly one of amount and percent (of gross wages; of disposable earnings for garnishments)",
    "properties": {"code": {"type": "string"}, "amount": _NUMBER_IN, "percent": _PERCENT_IN,
                   "goal_remaining": {**_NUMBER_IN, "description": "balance left to collect: caps the deduction"},
                   "ref": _REF,
                   "options": {"type": "object", "description": "hsa: {coverage: self_only|family, "
                               "coverage_by_month: 12 of self_only|family|none, January first}; dcfsa: "
                               "{married_filing_separately: bool}; commuter: {kind: transit|parking, month_to_date: "
                               "amount taken earlier this month}; child_support: "
                               "{supports_other_family: bool, arrears_over_12_weeks: bool}"}},
    "additionalProperties": False,
}
_CONTRIBUTION_IN = {
    "type": "object", "required": ["code"],
    "description": "exactly one of amount, percent (of gross wages) and match (401k_match only)",
    "properties": {"code": {"enum": list(EMPLOYER_CONTRIBUTION_CODES)}, "amount": _NUMBER_IN, "percent": _PERCENT_IN,
                   "match": {"type": "array", "minItems": 1, "maxItems": 5, "items": {
                       "type": "object", "required": ["up_to_percent", "match_percent"], "additionalProperties": False,
                       "properties": {"up_to_percent": _PERCENT_IN, "match_percent": _PERCENT_IN}},
                       "description": "tiers applied in turn to the deferral taken: 100% of the first 3% + 50% of "
                                      "the next 2% is [{up_to_percent: 0.03, match_percent: 1}, "
                                      "{up_to_percent: 0.02, match_percent: 0.5}]"},
                   "ref": _REF,
                   "options": {"type": "object", "description": "hsa_employer: {coverage: self_only|family}"}},
    "additionalProperties": False,
}
_OBJECT_IN = {
    "type": "object",
    "required": ["pay_date", "pay_frequency", "worker_type", "earnings"],
    "additionalProperties": False,
    "properties": {
        "pay_date": {"type": "string", "format": "date"},
        "period_start": {"type": "string", "format": "date",
                         "description": "The pay period's first day (optional; on or before the pay date). Utah "
                                        "chooses its tables by it (Pub 14: pay periods beginning on or after)."},
        "period_end": {"type": "string", "format": "date",
                       "description": "The pay period's last day (optional; on or after period_start)."},
        "month_wages": {**_NUMBER_IN, "description": "Wages this employer paid earlier in the pay date's "
                                                         "calendar month (monthly head taxes: Denver's OPT)."},
        "mtd_local_taxes": {"type": "object", "additionalProperties": _NUMBER_IN,
                            "description": "Monthly head taxes already taken this calendar month, by locality "
                                           "code (e.g. CO-DENVER-OPT)."},
        "pay_frequency": {"enum": list(FREQUENCIES)},
        "worker_type": {"enum": ["employee", "contractor"]},
        "work_state": _STATE, "residence_state": _STATE,
        "birth_date": {"type": "string", "format": "date"},
        "explain": {"type": "boolean", "default": True,
                    "description": "false: figures only, no explanation lines (much faster for long lists)"},
        "earnings": {"type": "array", "minItems": 1, "items": {
            "type": "object", "required": ["code"], "additionalProperties": False,
            "properties": {"code": {"enum": sorted(EARNING_CODES)}, "hours": _NUMBER_IN, "rate": _NUMBER_IN,
                           "units": _NUMBER_IN, "amount": _NUMBER_IN, "regular_rate": _NUMBER_IN,
                           "qualified_premium": _NUMBER_IN},
            "description": "{code, hours, rate} for regular/overtime/double_time; {code: piece, units, rate}; "
                           "{code, amount} for salary, bonus, commission, reimbursement; {code: overtime_premium or "
                           "double_time_premium, amount, hours, regular_rate, qualified_premium} and {code: "
                           "min_wage_makeup, amount, hours} from the workweek engine"}},
        "w4": {"oneOf": [
            {"type": "object", "additionalProperties": False, "required": ["version"], "properties": {
                "version": {"const": 2020}, "filing_status": {"enum": list(FILING_STATUSES)},
                "step2_checkbox": {"type": "boolean"}, "step3_credits": _NUMBER_IN,
                "step4a_other_income": _NUMBER_IN, "step4b_deductions": _NUMBER_IN, "step4c_extra": _NUMBER_IN,
                "exempt": {"type": "boolean"}}},
            {"type": "object", "additionalProperties": False, "required": ["version"], "properties": {
                "version": {"const": 2019}, "marital_status": {"enum": list(MARITAL_STATUSES)},
                "allowances": {"type": "integer", "minimum": 0}, "additional": _NUMBER_IN,
                "exempt": {"type": "boolean"}}}]},
        "state_certificates": {"type": "object", "additionalProperties": {"type": "object"},
                               "description": "state withholding certificate fields by state code"},
        "pretax_deductions": {"type": "array", "items": _DEDUCTION_IN,
                              "description": "codes: " + ", ".join(PRETAX_TREATMENT)},
        "posttax_deductions": {"type": "array", "items": _DEDUCTION_IN,
                               "description": "codes: " + ", ".join(sorted(POSTTAX_CODES))},
        "employer_contributions": {"type": "array", "items": _CONTRIBUTION_IN},
        "ytd": {"type": "object", "additionalProperties": False,
                "properties": {f: _NUMBER_IN for f in YTD_FIELDS}},
        "suta_rate": {**_NUMBER_IN, "description": "the agency's unemployment rate in the work state, e.g. \"0.034\""},
        "tin_missing_or_flagged": {"type": "boolean"},
        "aggregate_supplemental": {"type": "boolean"},
        "work_shares": {"type": "array", "items": {
            "type": "object", "required": ["state"], "additionalProperties": False,
            "properties": {"state": _STATE, "hours": _NUMBER_IN, "wages": _NUMBER_IN}},
            "description": "where this period's work was done: hours (or wages) per state, one measure for all; each "
                           "state withholds on its share (its tax on the whole pay x the share)"},
        "office_state": {**_STATE, "description": "the employer location a remote worker is assigned to"},
        "remote_for_convenience": {"type": "boolean", "description": "works away from office_state by choice: the "
                                   "convenience-of-the-employer states (NY, DE, NE, PA; CT, NJ for residents of "
                                   "those) tax that work"},
        "residence_locality": _LOCALITY_IN, "work_locality": _LOCALITY_IN,
        "employer_size": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                          "description": "the employer's number of employees by state (\"OR\": 12), where a state "
                                         "program's rate depends on it (Paid Leave Oregon, WA PFML, CO FAMLI, MA PFML, "
                                         "ME PFML, Delaware Paid Leave); a state not given pays the largest "
                                         "employer's rate"},
        "work_sites": {"type": "array", "items": {
            "type": "object", "required": ["locality"], "additionalProperties": False,
            "properties": {"locality": _LOCALITY_IN, "hours": _NUMBER_IN, "wages": _NUMBER_IN}},
            "description": "the work sites of this period, hours (or wages) at each, one measure for all; the local "
                           "taxes that follow the place of work (a city's tax on nonresidents, an Ohio work city's, "
                           "a PA EIT's work place rate, a transit district's) fall on each site's share, the others "
                           "on the whole paycheck with work_locality as the main site"},
        "local_certificate": {"type": "object", "additionalProperties": False, "properties": {
            "city_exemptions": {"type": "integer", "minimum": 0}, "city_allowances": {"type": "integer", "minimum": 0},
            "filing_status": {"type": "string"}, "school_district_exemptions": {"type": "integer", "minimum": 0},
            "lst_exempt": {"type": "boolean"}, "withhold_residence_city": {"type": "boolean"}},
            "description": "local withholding certificate fields (Detroit DW-4 exemptions, IT-2104 NYC allowances, "
                           "Ohio IT 4 school district exemptions, PA LST exemption, Ohio residence-city withholding)"},
        "ytd_local_taxes": {"type": "object", "additionalProperties": _NUMBER_IN,
                            "description": "local tax withheld so far this year by locality code (the PA LST cap)"},
        "prior_year_fica_wages": {**_NUMBER_IN, "description": "last year's FICA wages (W-2 box 3) from this employer: "
                                  "over the year's threshold, 401(k) catch-ups are Roth (SECURE 2.0 section 603); "
                                  "left out, a catch-up-eligible worker's catch-ups are Roth"},
    },
}
QUOTE_INPUT_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "PaycheckQuoteRequest",
    "oneOf": [_OBJECT_IN, {"type": "array", "items": _OBJECT_IN}],
}
_OBJECT_OUT = {
    "type": "object",
    "required": ["pay_date", "tax_year", "worker_type", "gross", "earnings", "employee_taxes", "employer_taxes",
                 "deductions", "net"],
    "properties": {
        "pay_date": {"type": "string", "format": "date"}, "tax_year": {"type": "integer"},
        "worker_type": {"enum": ["employee", "contractor"]},
        "gross": _MONEY, "net": _MONEY,
        "earnings": {"type": "array", "items": _LINE},
        "employee_taxes": {"type": "array", "items": _LINE,
                           "description": "federal_income_tax, social_security, medicare, additional_medicare, "
                                          "state_income_tax and other state programs; backup_withholding for "
                                          "contractors"},
        "employer_taxes": {"type": "array", "items": _LINE,
                           "description": "social_security, medicare, futa, suta, employer state programs"},
        "deductions": {"type": "array", "items": _LINE},
        "employer_contributions": {"type": "array", "items": _LINE,
                                   "description": "present when the request had employer contributions"},
        "taxable_wages": {"type": "object", "additionalProperties": _MONEY},
        "ytd": {"type": "object", "additionalProperties": _MONEY},
        "qualified_overtime_premium": _MONEY,
    },
}
QUOTE_OUTPUT_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "PaycheckQuoteResponse",
    "oneOf": [_OBJECT_OUT, {"type": "array", "items": _OBJECT_OUT}],
}
