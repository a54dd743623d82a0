"""The PDFs a worker signs or submits in onboarding: agreements and copies of W-4, W-9, state form, I-9 section 1."""
from __future__ import annotations

from datetime import date

from flask import render_template

from backoffice.db import utcnow
from backoffice.money import fmt_usd

W4_STATUS = {"single": "Single or Married filing separately", "married_jointly":
             "Married filing jointly or Qualifying surviving spouse", "head_of_household": "Head of household"}
W9_ENTITY = {"individual": "Individual/sole proprietor", "c_corporation": "C corporation", "s_corporation":
             "S corporation", "partnership": "Partnership", "trust_estate": "Trust/estate", "llc_c":
             "LLC taxed as a C corporation", "llc_s": "LLC taxed as an S corporation", "llc_p":
             "LLC taxed as a partnership", "other": "Other"}
CITIZENSHIP = {"citizen": "1. A citizen of the United States", "noncitizen_national":
               "2. A noncitizen national of the United States", "permanent_resident":
               "3. A lawful permanent resident", "authorized_alien": "4. A noncitizen authorized to work"}


def _copy(title: str, subtitle: str, worker, rows: list[tuple[str, str]], signed: str, note: str = "") -> str:
    return render_template("portal/pdf/form_copy.html", title=title, subtitle=subtitle, worker=worker, rows=rows,
                           signed=signed, signed_at=utcnow(), note=note)


def w4_html(worker, w4: dict, signed: str) -> str:
    rows = [("Step 1(c) Filing status", W4_STATUS.get(w4["filing_status"], w4["filing_status"])),
            ("Step 2(c) Two jobs / spouse works", "Yes" if w4["step2_checkbox"] else "No"),
            ("Step 3 Dependents and other credits", fmt_usd(w4["step3_credits"])),
            ("Step 4(a) Other income", fmt_usd(w4["step4a_other_income"])),
            ("Step 4(b) Deductions", fmt_usd(w4["step4b_deductions"])),
            ("Step 4(c) Extra withholding per pay period", fmt_usd(w4["step4c_extra"])),
            ("Exempt from withholding", "Yes" if w4["exempt"] else "No")]
    return _copy("Form W-4 (2020 and later)", "Employee's Withholding Certificate — copy of what you submitted",
                 worker, rows, signed, "Under penalties of perjury, I declare that this certificate, to the best of "
                 "my knowledge and belief, is true, correct, and complete.")


def state_certificate_html(worker, form, cert: dict, signed: str) -> str:
    rows = []
    for f in form.fields:
        value = cert.get(f["name"])
        if f["type"] == "choice":
            value = dict((c[0], c[1]) for c in f["choices"]).get(value, value)
        elif f["type"] == "bool":
            value = "Yes" if value else "No"
        elif f["type"] == "money":
            value = fmt_usd(value)
        rows.append((f["label"], str(value)))
    return _copy(f"{form.state} {form.form}", f"{form.title} ({form.revision}) — copy of what you submitted",
                 worker, rows, signed, f"Signed electronically. The lines above are those of {form.state} "
                 f"{form.form} ({form.revision}) as filled in; the official form and its worksheets: "
                 f"{form.source_url}")


def i9_html(worker, citizenship: str, until: date | None, signed: str) -> str:
    rows = [("Last name", worker.last_name), ("First name", worker.first_name),
            ("Date of birth", worker.birth_date.isoformat() if worker.birth_date else ""),
            ("U.S. Social Security number", worker.tin_masked), ("Email", worker.email),
            ("Attestation", CITIZENSHIP.get(citizenship, citizenship))]
    if until:
        rows.append(("Work authorization expires", until.isoformat()))
    return _copy("Form I-9, section 1", "Employment Eligibility Verification — employee information and attestation",
                 worker, rows, signed, "I am aware that federal law provides for imprisonment and/or fines for false "
                 "statements, or the use of false documents, in connection with the completion of this form. I "
                 "attest, under penalty of perjury, that this information is true and correct.")


def w9_html(worker, form: dict, tin_last4: str, backup: bool, signed: str) -> str:
    masked = ("***-**-" if form["tin_type"] == "ssn" else "**-***") + tin_last4 if tin_last4 else "not given"
    rows = [("1. Name", form["legal_name"]), ("2. Business name", form["business_name"] or "—"),
            ("3a. Federal tax classification", W9_ENTITY.get(form["entity_type"], form["entity_type"])),
            ("4. Exempt payee code", form["exempt_payee_code"] or "—"),
            ("Part I. Taxpayer identification number", f"{form['tin_type'].upper()} {masked}"),
            ("Part II. Certification", "Certified")]
    note = ("Backup withholding (24%) applies to payments until a taxpayer identification number is given."
            if backup else "Under penalties of perjury, I certify the statements of Part II.")
    return _copy("Form W-9 (Rev. March 2024)", "Request for Taxpayer Identification Number and Certification — "
                 "copy of what you submitted", worker, rows, signed, note)


def agreement_html(worker, engagement, client, agency) -> tuple[str, str]:
    contractor = engagement.type == "contractor"
    title = "Independent Contractor Agreement" if contractor else "Leased Employee Agreement"
    html = render_template("portal/pdf/agreement.html", title=title, contractor=contractor, worker=worker,
                           engagement=engagement, client=client, agency_name=agency.legal_name if agency else
                           "Tandem Staffing", rate=fmt_usd(engagement.pay_rate), generated=utcnow())
    return title, html
