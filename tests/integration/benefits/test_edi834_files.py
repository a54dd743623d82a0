"""Carrier feeds end to end: full and change 834 files built from the enrollments, kept with their control numbers
and snapshots, each accepted by pyx12's 005010X220A1 map; the command line; the unique control number."""
from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from backoffice.extensions import db as _db
from benefits import edi_services as edi, plan_services as plans_svc, services as svc
from benefits.edi_models import EdiFile
from tests.factories import AgencyFactory, EngagementFactory, WorkerFactory
from tests.integration.benefits.plans import make_plans
from tests.x12check import check, segments

D = Decimal


def _engaged(**kw):
    w = WorkerFactory(payroll_ready=True, **kw)
    EngagementFactory(worker=w, start_date=date(2026, 11, 16), pay_frequency="biweekly", pay_rate=D("25.00"))
    return w


@pytest.fixture
def world(db, fixed_clock):
    return _seed()


def _seed():
    """Carrier SUMMIT holds the PPO and dental plans. Wen Lee: family PPO from 2026-12-01 with spouse Ana and child
    Bo (no SSNs known for them); Xi Chen: employee-only PPO from 2026-12-01."""
    AgencyFactory()
    plans = make_plans()
    c = plans_svc.save_carrier({"code": "SUMMIT", "name": "Summit Health", "receiver_id": "SUMMITHLTH",
                                "fein": "99-0000002", "group_number": "G-100"})
    plans["ppo"].carrier_id = plans["dental"].carrier_id = c.id
    w = _engaged(first_name="Wen", last_name="Lee")
    x = _engaged(first_name="Xi", last_name="Chen")
    spouse = svc.add_dependent(w.id, {"first_name": "Ana", "last_name": "Lee", "relationship": "spouse",
                                      "birth_date": "1986-02-03"})
    kid = svc.add_dependent(w.id, {"first_name": "Bo", "last_name": "Lee", "relationship": "child",
                                   "birth_date": "2015-08-09"})
    ew = svc.enroll({"worker_id": w.id, "plan_id": plans["ppo"].id, "event": "new_hire",
                     "effective_date": "2026-12-01", "coverage_tier": "family", "dependent_ids": [spouse.id, kid.id]})
    ex = svc.enroll({"worker_id": x.id, "plan_id": plans["ppo"].id, "event": "new_hire",
                     "effective_date": "2026-12-01", "coverage_tier": "employee"})
    return dict(carrier=c, plans=plans, w=w, x=x, spouse=spouse, kid=kid, ew=ew, ex=ex)


def _ins(text):
    return [s for s in segments(text) if s[0] == "INS"]


def test_a_full_file_sends_every_member_as_030_and_pyx12_accepts_it(world):
    """4 members (Wen, Ana, Bo, Xi): INS Y/18, N/01, N/19 then Y/18, each 030 XN; control number 1 everywhere; SSN
    of the workers only (the factory's 12345nnnn); kept with its sha256 and snapshot."""
    w, x = world["w"], world["x"]
    res = edi.build("SUMMIT", "full", as_of=date(2026, 12, 1))
    f = res.file
    verdict = check(f.content)
    assert verdict.accepted, (verdict.errors, verdict.ack)
    assert [s[1:6] for s in _ins(f.content)] == [["Y", "18", "030", "XN", "A"], ["N", "01", "030", "XN", "A"],
                                                 ["N", "19", "030", "XN", "A"], ["Y", "18", "030", "XN", "A"]]
    segs = segments(f.content)
    assert segs[0][13] == "000000001" and segs[-1] == ["IEA", "1", "000000001"] and segs[-2] == ["GE", "1", "1"]
    assert [s[9] for s in segs if s[0] == "NM1" and len(s) > 9] == [w.tin, x.tin]
    assert ["N1", "IN", "Summit Health", "FI", "990000002"] in segs and ["REF", "38", "G-100"] in segs
    assert ["N1", "P5", "Tandem Staffing Partners LLC", "FI", "841234567"] in segs
    assert (f.kind, f.control_number, f.member_count, f.usage) == ("full", 1, 4, "P")
    assert f.sha256 == hashlib.sha256(f.content.encode()).hexdigest()
    assert sorted(f.snapshot) == sorted([f"W{w.id}", f"W{w.id}D{world['spouse'].id}", f"W{w.id}D{world['kid'].id}",
                                         f"W{x.id}"])
    stored = _db.session.execute(sa.text("select content from benefit_edi_files where id = :i"), {"i": f.id}).scalar()
    assert w.tin not in stored                        # encrypted at rest: the SSNs are not in the row


def test_a_change_file_with_nothing_changed_writes_nothing(world):
    edi.build("SUMMIT", "full", as_of=date(2026, 12, 1))
    res = edi.build("SUMMIT", "change", as_of=date(2026, 12, 10))
    assert res.file is None and "no member added, changed or termed since file 1" in res.message
    assert _db.session.execute(sa.select(sa.func.count()).select_from(EdiFile)).scalar() == 1


def test_a_change_file_carries_the_add_the_change_and_the_terms(world):
    """After the full file of 2026-12-01: Yu is enrolled (employee, from 12-15: 021 reason 28), Xi moved (address:
    001 reason 43), Wen's family coverage, elected to the plan year's end (2026-12-31, sent so in the full file),
    now ends 2026-12-20 (024 reason 07 for Wen, Ana and Bo, each with DTP*349 = 20261220, Wen's DTP*357 =
    20261220). Control number 2."""
    w, x = world["w"], world["x"]
    edi.build("SUMMIT", "full", as_of=date(2026, 12, 1))
    y = _engaged(first_name="Yu", last_name="Park")
    svc.enroll({"worker_id": y.id, "plan_id": world["plans"]["ppo"].id, "event": "new_hire",
                "effective_date": "2026-12-15", "coverage_tier": "employee"})
    x.address_line1 = "9 Elm St"
    assert world["ew"].end_date == date(2026, 12, 31)      # the plan year's end
    world["ew"].end_date = date(2026, 12, 20)
    _db.session.flush()
    preview = edi.plan("SUMMIT", "change", as_of=date(2026, 12, 10))
    assert [(line.member_id, line.action) for line in preview.lines] == [
        (f"W{w.id}", "term"), (f"W{w.id}D{world['spouse'].id}", "term"), (f"W{w.id}D{world['kid'].id}", "term"),
        (f"W{x.id}", "change"), (f"W{y.id}", "add")]
    f = edi.build("SUMMIT", "change", as_of=date(2026, 12, 10)).file
    verdict = check(f.content)
    assert verdict.accepted, (verdict.errors, verdict.ack)
    assert [s[1:5] for s in _ins(f.content)] == [["Y", "18", "024", "07"], ["N", "01", "024", "07"],
                                                 ["N", "19", "024", "07"], ["Y", "18", "001", "43"],
                                                 ["Y", "18", "021", "28"]]
    segs = segments(f.content)
    assert [s for s in segs if s[:2] == ["DTP", "349"]] == [["DTP", "349", "D8", "20261220"]] * 3 + [
        ["DTP", "349", "D8", "20261231"]]                # Yu's election runs to the plan year's end
    assert ["DTP", "357", "D8", "20261220"] in segs
    assert ["N3", "9 Elm St"] in segs
    assert (f.control_number, f.adds, f.changes, f.terms, f.member_count) == (2, 1, 1, 3, 5)
    assert segments(f.content)[0][13] == "000000002"
    again = edi.build("SUMMIT", "change", as_of=date(2026, 12, 11))
    assert again.file is None                        # the next change file compares with file 2: nothing new


def test_a_cobra_member_is_sent_with_benefit_status_c(world, monkeypatch):
    """Xi continues on COBRA (the lead's covered_members will say cobra=True): 001 reason 09, INS05 C, INS08 TE."""
    x = world["x"]
    edi.build("SUMMIT", "full", as_of=date(2026, 12, 1))
    real = edi.covered_members
    monkeypatch.setattr(edi, "covered_members", lambda *a, **k: [
        dataclasses.replace(m, cobra=True) if m.worker_id == x.id else m for m in real(*a, **k)])
    f = edi.build("SUMMIT", "change", as_of=date(2026, 12, 10)).file
    verdict = check(f.content)
    assert verdict.accepted, (verdict.errors, verdict.ack)
    assert [s[1:9] for s in _ins(f.content)] == [["Y", "18", "001", "09", "C", "", "", "TE"]]


def test_the_first_change_file_adds_everyone_and_an_empty_carrier_gets_no_file(world):
    """No file sent yet: the change file adds all 4 members (021, reason 28 from the new-hire elections). A carrier
    covering nobody gets no file (an 834 needs a member) and no control number is used."""
    f = edi.build("SUMMIT", "change", as_of=date(2026, 12, 1), usage="T").file
    assert check(f.content).accepted and segments(f.content)[0][15] == "T"
    assert [s[3:5] for s in _ins(f.content)] == [["021", "28"]] * 4
    plans_svc.save_carrier({"code": "EMPTY", "name": "Nobody Mutual", "receiver_id": "EMPTY01"})
    assert edi.build("EMPTY", "full", as_of=date(2026, 12, 1)).file is None
    assert edi.build("EMPTY", "change", as_of=date(2026, 12, 1)).file is None
    # a test (T) file does not move the production baseline: the first production change file adds everyone too
    assert edi.plan("SUMMIT", "change", as_of=date(2026, 12, 1), usage="P").lines[0].action == "add"


def test_two_files_of_one_carrier_cannot_share_a_control_number(world):
    """The database refuses a second file with number 1 for the carrier (the unique constraint), whatever Python
    decided."""
    f = edi.build("SUMMIT", "full", as_of=date(2026, 12, 1)).file
    with pytest.raises(IntegrityError):
        with _db.session.begin_nested():
            _db.session.add(EdiFile(carrier_id=f.carrier_id, kind="change", control_number=1, usage="P",
                                    as_of=date(2026, 12, 2), member_count=1, sha256="0" * 64, content="x",
                                    snapshot={}))
            _db.session.flush()


def test_the_command_writes_the_file_and_names_an_unknown_carrier(world, runner, tmp_path):
    out = tmp_path / "summit.x12"
    res = runner.invoke(args=["benefits", "edi834", "--carrier", "summit", "--kind", "full", "--output", str(out),
                              "--as-of", "2026-12-01"])
    assert res.exit_code == 0, res.output
    assert check(out.read_text()).accepted and "full file 000000001, 4 members" in res.stderr
    res = runner.invoke(args=["benefits", "edi834", "--carrier", "SUMMIT", "--kind", "change", "--output", "-",
                              "--as-of", "2026-12-02"])
    assert res.exit_code == 0 and res.stdout == "" and "no file written" in res.stderr
    res = runner.invoke(args=["benefits", "edi834", "--carrier", "NOPE", "--kind", "full", "--output", "-"])
    assert res.exit_code == 2 and '"field": "--carrier"' in res.stderr and "SUMMIT" in res.stderr


def test_open_enrollment_next_year_is_sent_as_a_change_and_a_full_file_states_todays_coverage(world):
    """Xi re-elects for 2027 (plan year 2027's PPO, employee + spouse from 2027-01-01) while 2026 coverage runs to
    2026-12-31. The change file of 2026-12-10 sends Xi as 001 (EC): HD 001 with the 2027 plan and DTP*348 =
    20270101. A full file of the same day states the coverage in force (the 2026 PPO, 20261201 to 20261231)."""
    x = world["x"]
    edi.build("SUMMIT", "full", as_of=date(2026, 12, 1))
    plans27 = make_plans(2027)
    plans27["ppo"].carrier_id = world["carrier"].id
    spouse = svc.add_dependent(x.id, {"first_name": "Mei", "last_name": "Chen", "relationship": "spouse",
                                      "birth_date": "1990-04-05"})
    _db.session.flush()
    from benefits.models import Enrollment
    _db.session.add(Enrollment(worker_id=x.id, plan_id=plans27["ppo"].id, event="open_enrollment",
                               effective_date=date(2027, 1, 1), end_date=date(2027, 12, 31),
                               coverage_tier="employee_spouse", dependents=[spouse]))
    _db.session.flush()
    f = edi.build("SUMMIT", "change", as_of=date(2026, 12, 10)).file
    assert check(f.content).accepted
    assert [s[1:5] for s in _ins(f.content)] == [["Y", "18", "001", "EC"], ["N", "01", "021", "EC"]]
    segs = segments(f.content)
    assert segs[segs.index(["HD", "001", "", "HLT", "Pooled PPO", "ESP"]) + 1] == ["DTP", "348", "D8", "20270101"]
    full = edi.build("SUMMIT", "full", as_of=date(2026, 12, 10)).file
    xi = [s for s in segments(full.content)]
    start = xi.index(["REF", "0F", f"W{x.id}"])
    hd = next(i for i in range(start, len(xi)) if xi[i][0] == "HD")
    assert xi[hd:hd + 3] == [["HD", "030", "", "HLT", "Pooled PPO", "EMP"], ["DTP", "348", "D8", "20261201"],
                             ["DTP", "349", "D8", "20261231"]]


def test_the_usage_setting_makes_test_files_unless_told(world, app, monkeypatch):
    """EDI834_USAGE = T (BACKOFFICE_EDI834_USAGE): files built without saying are T; --usage P still wins."""
    from backoffice.config import ENV_VARS

    assert ENV_VARS["BACKOFFICE_EDI834_USAGE"] == "EDI834_USAGE" and app.config["EDI834_USAGE"] == "P"
    monkeypatch.setitem(app.config, "EDI834_USAGE", "T")
    assert edi.build("SUMMIT", "full", as_of=date(2026, 12, 1)).file.usage == "T"
    assert edi.build("SUMMIT", "full", as_of=date(2026, 12, 1), usage="P").file.usage == "P"
