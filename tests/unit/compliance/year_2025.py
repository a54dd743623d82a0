"""A small hand-built 2025 payroll year shared by the W-2 unit tests (figures hand-chosen; see the test docstrings).

Each paycheck is given as (pay date, work state, gross, qualified overtime premium, amounts, wages), keys
(line kind, code, state) as payroll stores paycheck lines."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

ET, PRE, POST, EC, EARN = "employee_tax", "pretax_deduction", "posttax_deduction", "employer_contribution", "earning"


def ana_paycheck(day: date) -> tuple:
    """Ana Ruiz, CA: salary 5,000.00; 401(k) 300.00, section 125 200.00, HSA 100.00 pre-tax; Roth 401(k) 150.00;
    employer: match 150.00, health 400.00, HSA 50.00. FIT wages 5,000 − 300 − 200 − 100 = 4,400.00, FIT 500.00;
    FICA wages 5,000 − 200 − 100 = 4,700.00: SS 291.40 (4,700 × 6.2%), Medicare 68.15 (× 1.45%);
    CA SIT 200.00 (its line without taxable wages, as payroll stores state lines: CA wages = the FIT wages
    4,400.00); CA SDI 55.00."""
    amounts = {(EARN, "salary", ""): D("5000.00"), (PRE, "401k", ""): D("300.00"), (PRE, "section125", ""): D("200.00"),
               (PRE, "hsa", ""): D("100.00"), (POST, "roth_401k", ""): D("150.00"),
               (EC, "401k_match", ""): D("150.00"), (EC, "health_employer", ""): D("400.00"),
               (EC, "hsa_employer", ""): D("50.00"),
               (ET, "federal_income_tax", ""): D("500.00"), (ET, "social_security", ""): D("291.40"),
               (ET, "medicare", ""): D("68.15"), (ET, "state_income_tax", "CA"): D("200.00"),
               (ET, "state_disability", "CA"): D("55.00")}
    wages = {(ET, "federal_income_tax", ""): D("4400.00"), (ET, "social_security", ""): D("4700.00"),
             (ET, "medicare", ""): D("4700.00")}     # payroll stores no taxable wages on state lines
    return (day, "CA", D("5000.00"), D("0"), amounts, wages)


def ben_paychecks() -> list[tuple]:
    """Ben Cole, TX (no state income tax), over the 2025 social security wage base of 176,100:
    salary 150,000.00 (FIT 33,000.00; SS 9,300.00 on 150,000; Medicare 2,175.00) and a bonus 60,000.00 (FIT
    13,200.00; SS wages only 176,100 − 150,000 = 26,100.00, tax 1,618.20; Medicare 870.00 on 60,000; Additional
    Medicare 0.9% × (210,000 − 200,000) = 90.00)."""
    return [
        (date(2025, 6, 30), "TX", D("150000.00"), D("0"),
         {(EARN, "salary", ""): D("150000.00"), (ET, "federal_income_tax", ""): D("33000.00"),
          (ET, "social_security", ""): D("9300.00"), (ET, "medicare", ""): D("2175.00")},
         {(ET, "federal_income_tax", ""): D("150000.00"), (ET, "social_security", ""): D("150000.00"),
          (ET, "medicare", ""): D("150000.00")}),
        (date(2025, 12, 15), "TX", D("60000.00"), D("0"),
         {(EARN, "bonus", ""): D("60000.00"), (ET, "federal_income_tax", ""): D("13200.00"),
          (ET, "social_security", ""): D("1618.20"), (ET, "medicare", ""): D("870.00"),
          (ET, "additional_medicare", ""): D("90.00")},
         {(ET, "federal_income_tax", ""): D("60000.00"), (ET, "social_security", ""): D("26100.00"),
          (ET, "medicare", ""): D("60000.00"), (ET, "additional_medicare", ""): D("10000.00")}),
    ]


def cara_paychecks() -> list[tuple]:
    """Cara Diaz, NY: gross 1,050.00 = salary 1,000.00 + reimbursement 50.00 (not wages); dependent care FSA
    40.00 pre-tax; FICA wages 1,000 − 40 = 960.00 (SS 59.52, Medicare 13.92); NY SDI 0.60 and PFL 3.70 each.
    Paycheck 1 withholds no federal or NY income tax (no lines: box 1 falls back to 1,050 − 50 − 40 = 960.00 and
    NY wages take that 960.00); paycheck 2 withholds FIT 5.00 and NY 20.00 on 960.00."""
    common = {(EARN, "salary", ""): D("1000.00"), (EARN, "reimbursement", ""): D("50.00"),
              (PRE, "dcfsa", ""): D("40.00"), (ET, "social_security", ""): D("59.52"),
              (ET, "medicare", ""): D("13.92"), (ET, "state_disability", "NY"): D("0.60"),
              (ET, "state_family_leave", "NY"): D("3.70")}
    wages = {(ET, "social_security", ""): D("960.00"), (ET, "medicare", ""): D("960.00")}
    second = {**common, (ET, "federal_income_tax", ""): D("5.00"), (ET, "state_income_tax", "NY"): D("20.00")}
    wages2 = {**wages, (ET, "federal_income_tax", ""): D("960.00"), (ET, "state_income_tax", "NY"): D("960.00")}
    return [(date(2025, 9, 12), "NY", D("1050.00"), D("0"), common, wages),
            (date(2025, 9, 26), "NY", D("1050.00"), D("0"), second, wages2)]


WORKERS = [
    # worker_id, first, middle, last, last4, address, city, state, zip, paychecks
    (11, "Ana", "", "Ruiz", "1111", "12 Ocean Ave", "San Diego", "CA", "92101",
     [ana_paycheck(date(2025, 3, 14)), ana_paycheck(date(2025, 3, 28))]),
    (12, "Ben", "T", "Cole", "2222", "9 Elm St", "Austin", "TX", "78701", ben_paychecks()),
    (13, "Cara", "", "Diaz", "3333", "40 Clinton St", "Brooklyn", "NY", "11201", cara_paychecks()),
]
STATE_IDS = {"CA": "123-4567-8", "NY": "NY-998877", "TX": ""}
