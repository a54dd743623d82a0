"""Issue 15's "Must show" multi-state runs, each through a real run (create, calculate, approve) with the hand
figures in the docstring; and an engagement's office location reaching the engine (convenience of the employer).

The local-tax runs (NYC, Detroit) are in test_local_tax_runs.py."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from tests.integration.payroll.test_pay_the_person import _checks, _run

D = Decimal


def _state_lines(db, paycheck_id: int) -> dict:
    from payroll.models import PaycheckLine

    rows = db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == paycheck_id)).scalars()
    return {(ln.code, ln.state): ln for ln in rows if ln.kind == "employee_tax" and ln.state}


def _explanations(db, paycheck_id: int, state: str) -> str:
    from payroll.models import PaycheckLine

    rows = db.session.execute(sa.select(PaycheckLine).where(PaycheckLine.paycheck_id == paycheck_id,
                                                            PaycheckLine.state == state)).scalars()
    return "\n".join(str(ln.explanation) for ln in rows)


def _nj_commuter(world, *, claimed: bool):
    """A Pennsylvania resident (Pittsburgh, PSD 700102: a PA home needs its PSD code, Act 32) placed at a New Jersey
    site: 40 h at $25.00 in the week (weekly gross 1,000.00)."""
    from backoffice.workers.models import StateRegistration
    from tests.factories import TaxProfileFactory

    # the test agency's NJ registration (its assigned SUTA rate is the agency's, not a published figure; a run holds
    # a worker whose work state has no registration)
    world.db.session.add(StateRegistration(agency=world.agency, state="NJ", suta_rate=D("0.028")))
    eng = world.worker(state="PA", rate="25.00", w4=False)
    eng.work_state = "NJ"
    eng.worker.city, eng.worker.psd_code = "Pittsburgh", "700102"
    TaxProfileFactory(worker=eng.worker, state_certificate={"NJ": {"reciprocity": True}} if claimed else {})
    world.db.session.flush()
    world.time(eng)
    return eng


def test_worker_in_new_jersey_living_in_pennsylvania_with_nj_165(db, world):
    """PA resident working in NJ, NJ-165 on file (the NJ certificate claims the NJ-PA reciprocal agreement);
    weekly, 40 h x $25.00 = gross 1,000.00, pay date in November 2026.
    - NJ income tax: none (NJ-165: NJ withholds nothing from a PA resident; NJ-WT and the NJ-165 instructions);
    - PA income tax: 3.07% x 1,000.00 = 30.70 (PA's flat rate; the PA employer withholds for a resident);
    - NJ's worker contributions still follow the NJ work: unemployment 0.3825% + workforce development 0.0425%
      = 0.425% x 1,000.00 = 4.25 (NJDOL 2026 rates; wage base 44,800 not reached);
    - no PA unemployment contribution (the work is in NJ).
    The run is approved as any other."""
    from payroll.models import PayrollRun
    from payroll.services import runs

    eng = _nj_commuter(world, claimed=True)
    run = _run(world, db)
    [p] = _checks(db, run.id)
    assert p.gross == D("1000.00")
    engine = p.inputs["engine"]
    assert (engine["work_state"], engine["residence_state"]) == ("NJ", "PA")
    assert engine["state_certificates"] == {"NJ": {"reciprocity": True}}
    lines = _state_lines(db, p.id)
    amounts = {k: v.amount for k, v in lines.items()}
    assert amounts[("state_income_tax", "PA")] == D("30.70")
    assert amounts.get(("state_income_tax", "NJ"), D("0.00")) == D("0.00")
    assert amounts[("state_unemployment_employee", "NJ")] == D("4.25")
    assert ("state_unemployment_employee", "PA") not in amounts
    # Pittsburgh's resident earned income tax (city 1% + Pittsburgh School District 2% = 3%, docs/local-taxes.md):
    # 3% x 1,000.00 = 30.00; the work is outside PA, so no local services tax
    assert amounts[("local_income_tax", "PA")] == D("30.00")
    assert ("local_services_tax", "PA") not in amounts
    assert "NJ-165" in _explanations(db, p.id, "PA") + _explanations(db, p.id, "NJ")
    runs.approve_run(run.id, world.hr2)
    db.session.expire_all()
    assert db.session.get(PayrollRun, run.id).state == "approved"
    assert eng.worker.state == "PA"


def test_without_nj_165_new_jersey_withholds_and_the_paystub_says_how_to_claim(db, world):
    """The same worker with no NJ certificate on file: the exemption is not claimed, so NJ withholds as for any
    worker. NJ-WT, no NJ-W4 (rate table A, no allowance), weekly 1,000.00 -> annual 52,000.00:
    table A over 40,000: 795.00 + 6.1% x 12,000.00 = 795.00 + 732.00 = 1,527.00 a year; NJ-WT's weekly table
    (figures / 52): over 769.23 (40,000 / 52, rounded to the dollar 769) base 15.29 (795 / 52) at 6.1%:
    15.29 + 6.1% x (1,000.00 - 769) = 15.29 + 14.09 = 29.38 — checked against the engine's own NJ quote of the
    same pay (not the reciprocity case). PA asks no withholding on its residents' wages earned in another state.
    NJ unemployment + workforce 4.25 as above. The NJ line's explanation says NJ-165 would stop it."""
    from payroll.engine.quote import quote

    _nj_commuter(world, claimed=False)
    run = _run(world, db)
    [p] = _checks(db, run.id)
    amounts = {k: v.amount for k, v in _state_lines(db, p.id).items()}
    # the same pay for an NJ resident (the PA home locality left out: a quote's locality must be in its state)
    same_pay_in_nj = quote({**{k: v for k, v in p.inputs["engine"].items() if k != "residence_locality"},
                            "residence_state": "NJ"})
    nj_alone = next(D(x["amount"]) for x in same_pay_in_nj["employee_taxes"]
                    if x["code"] == "state_income_tax" and x.get("state") == "NJ")
    assert nj_alone == D("29.38")
    assert amounts[("state_income_tax", "NJ")] == D("29.38")
    assert amounts.get(("state_income_tax", "PA"), D("0.00")) == D("0.00")
    assert amounts[("state_unemployment_employee", "NJ")] == D("4.25")
    text = _explanations(db, p.id, "NJ")
    assert "no claim of it is on file" in text and "NJ-165" in text


def test_remote_for_convenience_reaches_the_run(db, world):
    """A Texas resident working from home in Texas for the employer's Pennsylvania office, for their own
    convenience (the engagement's office_state PA, remote_for_convenience). PA's convenience-of-the-employer rule
    (reciprocity.json) treats the work as done in PA: PA withholds 3.07% x 1,000.00 = 30.70 (weekly 40 h x 25.00).
    Texas has no income tax. The same engagement with the office in Texas's own state (on site) withholds no PA
    tax; a remote worker by the employer's necessity (remote_for_convenience false) is taxed where they work."""
    eng = world.worker(state="TX", rate="25.00")
    eng.office_state = "PA"
    eng.remote_for_convenience = True
    db.session.flush()
    world.time(eng)
    run = _run(world, db)
    [p] = _checks(db, run.id)
    engine = p.inputs["engine"]
    assert (engine["office_state"], engine["remote_for_convenience"]) == ("PA", True)
    amounts = {k: v.amount for k, v in _state_lines(db, p.id).items()}
    assert amounts[("state_income_tax", "PA")] == D("30.70")
    assert "convenience-of-the-employer rule" in _explanations(db, p.id, "PA")


def test_remote_by_the_employers_necessity_is_taxed_where_the_work_is(db, world):
    """The same Texas remote worker assigned to the PA office, but remote because the employer requires it
    (remote_for_convenience false): no convenience rule, Texas has no income tax: no state income tax at all."""
    eng = world.worker(state="TX", rate="25.00")
    eng.office_state = "PA"
    db.session.flush()
    world.time(eng)
    run = _run(world, db)
    [p] = _checks(db, run.id)
    engine = p.inputs["engine"]
    assert engine["office_state"] == "PA" and "remote_for_convenience" not in engine
    amounts = {k: v.amount for k, v in _state_lines(db, p.id).items()}
    assert amounts.get(("state_income_tax", "PA"), D("0.00")) == D("0.00")
    assert sum((v for (code, _s), v in amounts.items() if code == "state_income_tax"), D("0")) == D("0.00")
