"""factory_boy builders for the records tests need, committed through the app's session (db.session)."""
from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal

import factory
from factory.alchemy import SQLAlchemyModelFactory

from backoffice.extensions import db
from backoffice.security.models import User
from backoffice.workers.models import Agency, Client, Engagement, StateRegistration, Worker
from backoffice.workers.profile import BankAccount, TaxProfile, W9Form
from payroll.models import Paycheck, PaycheckLine, PayrollRun, PaySchedule, Timesheet
from tests.conftest import PASSWORD

ROUTING = "011000015"                   # Federal Reserve Bank of Boston (check digit valid)


class Factory(SQLAlchemyModelFactory):
    """Every factory adds to db.session (the current app context's) and commits, as a service would, so a
    request made right after sees the record."""

    class Meta:
        abstract = True
        sqlalchemy_session = db.session          # the scoped session: the current app context's own
        sqlalchemy_session_persistence = "commit"


class AgencyFactory(Factory):
    """The agency; `suta_rates={"TX": "0.027"}` registers it in those states at those SUTA rates."""

    class Meta:
        model = Agency

    class Params:
        suta_rates = {"TX": "0.027"}

    legal_name = "Tandem Staffing Partners LLC"
    ein = "841234567"
    address_line1 = "500 Market St"
    city = "Denver"
    state = "CO"
    postal_code = "80202"
    registrations = factory.LazyAttribute(lambda o: [StateRegistration(state=st, suta_rate=Decimal(rate))
                                                     for st, rate in o.suta_rates.items()])


class ClientFactory(Factory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")


class WorkerFactory(Factory):
    """A worker as create_worker makes one from a name, an email and a state; `payroll_ready=True` adds what a
    paycheck needs (TIN, birth date, home address in Austin)."""

    class Meta:
        model = Worker

    class Params:
        n = factory.Sequence(lambda n: n + 1)
        payroll_ready = factory.Trait(
            tin=factory.LazyAttribute(lambda o: f"12345{o.n:04d}"),
            tin_last4=factory.LazyAttribute(lambda o: f"{o.n:04d}"),
            birth_date=date(1985, 5, 5),
            address_line1=factory.LazyAttribute(lambda o: f"{o.n} Main St"),
            city="Austin",
            postal_code="78701",
        )

    first_name = factory.LazyAttribute(lambda o: f"Pat{o.n}")
    last_name = factory.LazyAttribute(lambda o: f"Lee{o.n}")
    email = factory.LazyAttribute(lambda o: f"w{o.n}.{os.urandom(2).hex()}@example.com")
    state = "TX"


class EngagementFactory(Factory):
    """A worker placed with a client as create_engagement makes it (biweekly pay, nothing signed off yet)."""

    class Meta:
        model = Engagement

    worker = factory.SubFactory(WorkerFactory)
    client = factory.SubFactory(ClientFactory)
    type = "leased_employee"
    work_state = factory.LazyAttribute(lambda o: o.worker.state)
    pay_rate = Decimal("25.00")
    start_date = date(2026, 1, 1)


class TaxProfileFactory(Factory):
    """A 2020 W-4, single, nothing else claimed."""

    class Meta:
        model = TaxProfile

    worker = factory.SubFactory(WorkerFactory)
    effective_date = date(2026, 1, 1)
    filing_status = "single"


class W9FormFactory(Factory):
    """A certified W-9 for an individual, in the worker's name and with their TIN's last four digits."""

    class Meta:
        model = W9Form

    worker = factory.SubFactory(WorkerFactory)
    legal_name = factory.LazyAttribute(lambda o: o.worker.full_name)
    entity_type = "individual"
    tin_type = "ssn"
    tin_last4 = factory.LazyAttribute(lambda o: o.worker.tin_last4)
    certified = True


class BankAccountFactory(Factory):
    """A checking account taking the remainder of net pay."""

    class Meta:
        model = BankAccount

    worker = factory.SubFactory(WorkerFactory)
    bank_name = "Bank"
    routing_number = ROUTING
    account_number = factory.Sequence(lambda n: f"9{n:06d}")
    account_last4 = factory.LazyAttribute(lambda o: o.account_number[-4:])
    account_type = "checking"
    split_kind = "remainder"


class PayScheduleFactory(Factory):
    class Meta:
        model = PaySchedule

    name = "Weekly"
    frequency = "weekly"
    anchor_start = date(2026, 11, 2)         # a Monday
    pay_lag_days = 5


class TimesheetFactory(Factory):
    """A week of hours (`hours=(8, 8, 8, 8, 8, 0, 0)`, Monday first), approved unless told otherwise."""

    class Meta:
        model = Timesheet

    class Params:
        hours = (8, 8, 8, 8, 8, 0, 0)

    engagement = factory.SubFactory(EngagementFactory)
    week_start = date(2026, 11, 2)
    status = "approved"
    hours_mon = factory.LazyAttribute(lambda o: Decimal(str(o.hours[0])))
    hours_tue = factory.LazyAttribute(lambda o: Decimal(str(o.hours[1])))
    hours_wed = factory.LazyAttribute(lambda o: Decimal(str(o.hours[2])))
    hours_thu = factory.LazyAttribute(lambda o: Decimal(str(o.hours[3])))
    hours_fri = factory.LazyAttribute(lambda o: Decimal(str(o.hours[4])))
    hours_sat = factory.LazyAttribute(lambda o: Decimal(str(o.hours[5])))
    hours_sun = factory.LazyAttribute(lambda o: Decimal(str(o.hours[6])))


class UserFactory(Factory):
    """A user made by the real create_user service (validation, password hashing) with PASSWORD."""

    class Meta:
        model = User

    email = factory.LazyAttribute(lambda o: f"{o.role}.{os.urandom(3).hex()}@example.com")
    role = "hr"
    password = PASSWORD

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from backoffice.security.services import create_user

        return create_user(*args, **kwargs)


class PayrollRunFactory(Factory):
    """A biweekly run already paid (as payroll operations leave it), for pay dates a test names."""

    class Meta:
        model = PayrollRun

    frequency = "biweekly"
    pay_date = date(2026, 11, 13)
    period_start = factory.LazyAttribute(lambda o: o.pay_date - timedelta(days=19))
    period_end = factory.LazyAttribute(lambda o: o.pay_date - timedelta(days=6))
    state = "paid"


class PaycheckFactory(Factory):
    """A paycheck of a run for an engagement, its dates and work state taken from them."""

    class Meta:
        model = Paycheck

    run = factory.SubFactory(PayrollRunFactory)
    engagement = factory.SubFactory(EngagementFactory)
    worker_id = factory.LazyAttribute(lambda o: o.engagement.worker_id)
    client_id = factory.LazyAttribute(lambda o: o.engagement.client_id)
    worker_type = "employee"
    work_state = factory.LazyAttribute(lambda o: o.engagement.work_state)
    period_start = factory.LazyAttribute(lambda o: o.run.period_start)
    period_end = factory.LazyAttribute(lambda o: o.run.period_end)
    pay_date = factory.LazyAttribute(lambda o: o.run.pay_date)
    tax_year = factory.LazyAttribute(lambda o: o.run.pay_date.year)
    gross = Decimal("0")
    employee_taxes = Decimal("0")
    employer_taxes = Decimal("0")
    deductions = Decimal("0")
    net = factory.LazyAttribute(lambda o: o.gross - o.employee_taxes - o.deductions)
    inputs = factory.LazyFunction(dict)


class PaycheckLineFactory(Factory):
    """One line of a paycheck (`paycheck=` the paycheck it belongs to)."""

    class Meta:
        model = PaycheckLine

    class Params:
        paycheck = factory.SubFactory(PaycheckFactory)

    paycheck_id = factory.SelfAttribute("paycheck.id")
    kind = "earning"
    code = "salary"
    amount = Decimal("0")
    explanation = factory.LazyFunction(list)
