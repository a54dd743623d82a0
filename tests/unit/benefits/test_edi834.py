"""The X12 834 writer and the change decisions, pure: the envelope's counts and control numbers by hand, the files
accepted by pyx12 (the 005010X220A1 map), and each kind of change decided as the guide's codes say."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from backoffice.errors import ValidationFailed
from benefits.engine import carrier_changes as cc, edi834 as e
from tests.x12check import check, segments

D8 = date


def _family(maintenance="021", reason="28", term_child=False):
    cov = lambda m=maintenance, end=None: (e.Coverage(m, "HLT", "Pooled PPO", "FAM", D8(2027, 1, 1), end),)  # noqa: E731
    sub = e.Member("18", maintenance, reason, "W1", "W1", "Lee", "Wen", cov(), employment_status="FT",
                   ssn="123456789", address=e.Address("1 Main St", "Apt 2", "Austin", "TX", "78701"),
                   birth_date=D8(1980, 1, 2), eligibility_begin=D8(2027, 1, 1))
    spouse = e.Member("01", maintenance, reason, "W1", "W1D2", "Lee", "Ana", cov(), birth_date=D8(1981, 3, 4))
    child = (e.Member("19", "024", "07", "W1", "W1D3", "Lee", "Bo", cov("024", D8(2027, 3, 31)),
                      birth_date=D8(2015, 5, 6), eligibility_end=D8(2027, 3, 31)) if term_child else
             e.Member("19", maintenance, reason, "W1", "W1D3", "Lee", "Bo", cov(), birth_date=D8(2015, 5, 6)))
    return (sub, spouse, child)


def _file(members, kind="change", number=42, usage="T"):
    return e.EnrollmentFile(
        e.Interchange("30", "841234567", "ZZ", "SUMMITHLTH", number, datetime(2026, 12, 3, 9, 5), usage),
        kind, e.Party("Tandem Staffing Partners LLC", "FI", "841234567"),
        e.Party("Summit Health", "FI", "990000002"), D8(2026, 12, 3), f"SUMMIT-{number}", tuple(members), "G-100")


def test_a_family_subscriber_is_three_ins_loops_self_spouse_child_in_that_order():
    """Worker W1 (family tier) with spouse W1D2 and child W1D3: three INS loops, INS01/INS02 Y/18, N/01, N/19, each
    with REF*0F = W1 (the subscriber), the dependents with REF*23 = their own id; only the subscriber has N3/N4 and
    INS08 = FT; HD05 = FAM on each."""
    segs = segments(e.write(_file(_family())))
    ins = [s for s in segs if s[0] == "INS"]
    assert [s[1:3] for s in ins] == [["Y", "18"], ["N", "01"], ["N", "19"]]
    assert [s for s in segs if s[0] == "REF" and s[1] == "0F"] == [["REF", "0F", "W1"]] * 3
    assert [s[2] for s in segs if s[0] == "REF" and s[1] == "23"] == ["W1D2", "W1D3"]
    assert ins[0] == ["INS", "Y", "18", "021", "28", "A", "", "", "FT"]
    assert ins[1] == ["INS", "N", "01", "021", "28", "A"]
    assert [s for s in segs if s[0] in ("N3", "N4")] == [["N3", "1 Main St", "Apt 2"], ["N4", "Austin", "TX", "78701"]]
    assert [s[5] for s in segs if s[0] == "HD"] == ["FAM"] * 3
    assert ["NM1", "IL", "1", "Lee", "Wen", "", "", "", "34", "123456789"] in segs
    assert ["NM1", "IL", "1", "Lee", "Ana"] in segs              # no SSN known: NM108/109 left out


def test_the_envelope_counts_and_control_numbers_match_by_hand():
    """Three members of 9, 7 and 7 segments (INS, REF*0F, [REF*23], [DTP*356], NM1, [N3, N4], DMG, HD, DTP*348):
    subscriber INS REF DTP NM1 N3 N4 DMG HD DTP = 9, spouse INS REF REF NM1 DMG HD DTP = 7, child 7; header ST BGN
    REF*38 DTP*007 N1 N1 = 6; SE itself 1: SE01 = 6 + 9 + 7 + 7 + 1 = 30. ISA13 = IEA02 = 000000042, GS06 = GE02 =
    42, GE01 = 1 set, IEA01 = 1 group, ST02 = SE02 = 0001; the ISA is 106 characters with its terminator."""
    text = e.write(_file(_family()))
    segs = segments(text)
    assert len(text.split("~")[0]) + 1 == 106
    isa, gs, se, ge, iea = segs[0], segs[1], segs[-3], segs[-2], segs[-1]
    assert (isa[13], isa[15], isa[16], isa[11]) == ("000000042", "T", ":", "^")
    st = segs.index(["ST", "834", "0001", "005010X220A1"])
    assert se == ["SE", "30", "0001"] and int(se[1]) == segs.index(se) - st + 1
    assert (gs[6], ge) == ("42", ["GE", "1", "42"])
    assert iea == ["IEA", "1", "000000042"]
    assert segs[2:7] == [["ST", "834", "0001", "005010X220A1"], ["BGN", "00", "SUMMIT-42", "20261203", "0905", "",
                                                                    "", "", "2"],
                         ["REF", "38", "G-100"], ["DTP", "007", "D8", "20261203"],
                         ["N1", "P5", "Tandem Staffing Partners LLC", "FI", "841234567"]]


def test_pyx12_accepts_an_add_a_term_a_cobra_member_and_a_full_file():
    """Each file passes pyx12's 005010X220A1 map: 999 with IK5*A and AK9*A*1*1*1, no IK3/IK4, nothing logged."""
    cobra = e.Member("18", "001", "09", "W9", "W9", "Ng", "Kai",
                     (e.Coverage("001", "DEN", "Dental PPO", "EMP", D8(2026, 1, 1)),), benefit_status="C",
                     employment_status="TE", birth_date=D8(1970, 7, 7))
    for f in (_file(_family()), _file(_family(term_child=True)), _file([cobra]),
              _file(_family("030", "XN"), kind="full", usage="P")):
        verdict = check(e.write(f))
        assert verdict.accepted, (verdict.errors, verdict.ack)


def test_pyx12_rejects_a_file_whose_counts_do_not_match():
    """The check can fail: the same file with SE01 one short, or GE02 not GS06, is refused."""
    text = e.write(_file(_family()))
    assert not check(text.replace("SE*30*0001", "SE*29*0001")).accepted
    assert not check(text.replace("GE*1*42~", "GE*1*43~")).accepted


def test_delimiters_in_a_name_are_taken_out_and_bad_fields_are_named():
    m = e.Member("18", "021", "28", "W1", "W1", "O*Neil~", "Jo:an^", (), employment_status="FT")
    segs = segments(e.write(_file([m])))
    assert ["NM1", "IL", "1", "O Neil", "Jo an"] in segs
    bad = e.Member("99", "022", "ZZ", "W1", "W1", "", "X", (e.Coverage("021", "XXX", "P", "TOP", D8(2026, 2, 1),
                                                                         D8(2026, 1, 1)),), ssn="12-34")
    with pytest.raises(ValidationFailed) as exc:
        e.write(_file([bad], number=0, usage="Q"))
    assert {i.field for i in exc.value.issues} == {
        "interchange.control_number", "interchange.usage", "members[0].relationship", "members[0].maintenance",
        "members[0].reason", "members[0].last_name", "members[0].ssn", "members[0].coverages[0].insurance_line",
        "members[0].coverages[0].coverage_level", "members[0].coverages[0].end"}


def test_a_file_without_members_is_refused_as_pyx12_refuses_it():
    """Loop 2000 is required: the writer will not write an 834 with no member, and pyx12 says the same of one."""
    with pytest.raises(ValidationFailed) as exc:
        e.write(_file([]))
    assert [i.field for i in exc.value.issues] == ["members"]
    f = _file([])
    body = e.transaction_segments(f)
    text = "~".join([e.write(_file(_family())).split("~")[0], "GS*BE*841234567*SUMMITHLTH*20261203*0905*42*X*"
                     "005010X220A1", *body, "GE*1*42", "IEA*1*000000042"]) + "~"
    verdict = check(text)
    assert not verdict.accepted and any("2000" in err for err in verdict.errors)


# ------------------------------------------------------------------------------------------ change decisions

def _member(sub="W1", rel="self", tier="family", start="2027-01-01", end=None, plan_id=1, event="new_hire",
            **over):
    m = {"subscriber_id": sub, "relationship": rel, "first_name": "Wen", "middle_name": "", "last_name": "Lee",
         "birth_date": "1980-01-02", "ssn_last4": "6789", "cobra": False,
         "address": {"line1": "1 Main St", "line2": "", "city": "Austin", "state": "TX", "postal_code": "78701"}
         if rel == "self" else None,
         "coverages": {"medical": {"plan_id": plan_id, "plan_name": "PPO", "tier": tier, "start": start, "end": end,
                                   "event": event}}}
    m.update(over)
    return m


AS_OF = date(2027, 2, 1)


def test_nothing_changed_means_no_change_file():
    snap = {"W1": _member(), "W1D2": _member(rel="spouse")}
    assert cc.decide(snap, snap, AS_OF) == []


def test_a_new_member_is_an_add_with_the_reason_of_the_election():
    """New hire: 021 reason 28 (initial enrollment); a spouse added at open enrollment: 021 reason EC."""
    before = {"W1": _member()}
    now = {"W1": _member(), "W1D2": _member(rel="spouse", event="open_enrollment"), "W5": _member(sub="W5")}
    got = [(c.member_id, c.maintenance, c.reason) for c in cc.decide(before, now, AS_OF)]
    assert got == [("W1D2", "021", "EC"), ("W5", "021", "28")]


def test_tier_address_and_name_changes_are_001_with_the_right_reason():
    before = {"W1": _member(tier="employee"), "W2": _member(sub="W2"), "W3": _member(sub="W3")}
    now = {"W1": _member(tier="employee_spouse"),
           "W2": _member(sub="W2", address={"line1": "9 Elm", "line2": "", "city": "Waco", "state": "TX",
                                            "postal_code": "76701"}),
           "W3": _member(sub="W3", last_name="Lee-Park")}
    got = {c.member_id: (c.maintenance, c.reason, c.fields, c.coverages) for c in cc.decide(before, now, AS_OF)}
    assert got["W1"] == ("001", "EC", ("medical tier",), (cc.CoverageChange("medical", "001"),))
    assert got["W2"] == ("001", "43", ("address",), ())
    assert got["W3"] == ("001", "25", ("last_name",), ())


def test_an_end_date_is_a_term_with_that_date_and_a_cancelled_election_ends_on_its_start():
    """W1's medical gets an end 2027-03-31: 024, reason 07, HD 024 ending 2027-03-31. W2's election vanished
    (cancelled) while the carrier knows it from 2027-01-01: 024 ending 2027-01-01 (never in force)."""
    before = {"W1": _member(), "W2": _member(sub="W2")}
    now = {"W1": _member(end="2027-03-31")}
    got = {c.member_id: c for c in cc.decide(before, now, AS_OF)}
    assert (got["W1"].maintenance, got["W1"].reason) == ("024", "07")
    assert got["W1"].coverages == (cc.CoverageChange("medical", "024", date(2027, 3, 31)),)
    assert got["W2"].coverages == (cc.CoverageChange("medical", "024", date(2027, 1, 1)),)


def test_a_member_termed_before_is_not_termed_again():
    before = {"W1": _member(end="2027-01-31")}
    assert cc.decide(before, {}, AS_OF) == []


def test_open_enrollment_rollover_is_a_change_not_a_term():
    """The 2027 election (plan 2, 2027-01-01 to 2027-12-31) replaces the 2026 one (plan 1, to 2026-12-31): a new
    election, so 001 for the plan, start and end, not a term although both have ends. An end moved later on the
    same election is a change too; moved sooner, a term."""
    before = {"W1": _member(plan_id=1, start="2026-01-01", end="2026-12-31")}
    now = {"W1": _member(plan_id=2, start="2027-01-01", end="2027-12-31", event="open_enrollment")}
    (c,) = cc.decide(before, now, date(2026, 12, 10))
    assert (c.maintenance, c.reason, c.fields) == ("001", "EC", ("medical plan", "medical start", "medical end"))
    later = {"W1": _member(plan_id=1, start="2026-01-01", end="2027-03-31")}
    assert [(c.maintenance, c.coverages) for c in cc.decide(before, later, date(2026, 12, 10))] == [
        ("001", (cc.CoverageChange("medical", "001"),))]
    sooner = {"W1": _member(plan_id=1, start="2026-01-01", end="2026-12-15")}
    assert [(c.maintenance, c.coverages) for c in cc.decide(before, sooner, date(2026, 12, 10))] == [
        ("024", (cc.CoverageChange("medical", "024", date(2026, 12, 15)),))]


def test_moving_to_cobra_is_a_change_with_reason_09_and_subscribers_come_before_dependents():
    before = {"W1D2": _member(rel="spouse"), "W1": _member(), "W10": _member(sub="W10")}
    now = {"W1D2": _member(rel="spouse", cobra=True), "W1": _member(cobra=True), "W10": _member(sub="W10",
                                                                                                  cobra=True)}
    got = [(c.member_id, c.maintenance, c.reason) for c in cc.decide(before, now, AS_OF)]
    assert got == [("W1", "001", "09"), ("W1D2", "001", "09"), ("W10", "001", "09")]


def test_a_full_file_is_every_member_as_030_xn():
    snap = {"W1": _member(), "W1D2": _member(rel="spouse")}
    assert [(c.member_id, c.maintenance, c.reason, c.coverages) for c in cc.audit(snap)] == [
        ("W1", "030", "XN", (cc.CoverageChange("medical", "030"),)),
        ("W1D2", "030", "XN", (cc.CoverageChange("medical", "030"),))]
