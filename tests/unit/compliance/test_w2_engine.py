"""W-2, W-3 and W-2c figures from a hand-built 2025 (tests/unit/compliance/year_2025.py: every paycheck's
figures are in its docstring)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from compliance.engine.w2 import W2Input, W2Paycheck, W2Worker, build_w2, build_w3, correct_w2

from .year_2025 import STATE_IDS, WORKERS


def year_input(year: int = 2025, workers=WORKERS) -> W2Input:
    ws = tuple(W2Worker(wid, first, mid, last, l4, addr, "", city, st, z,
                        tuple(W2Paycheck(*p) for p in pcs))
               for wid, first, mid, last, l4, addr, city, st, z, pcs in workers)
    return W2Input(year=year, ss_wage_base=D("176100"), state_ids=STATE_IDS, workers=ws)


def by_id(content):
    return {e["worker_id"]: e for e in content["employees"]}


def test_every_box_of_the_three_w2s():
    """Ana (2 × the same paycheck): box 1 2 × 4,400 = 8,800.00; 2: 1,000.00; 3/5: 2 × 4,700 = 9,400.00; 4: 582.80;
    6: 136.30; 12 D 600.00, W (100 + 50) × 2 = 300.00, AA 300.00, DD (200 + 400) × 2 = 1,200.00; 13 retirement;
    14 CA SDI 110.00; CA 16 8,800.00 (the CA lines carry no taxable wages: box 1's), 17 400.00 with the
    employer's CA id.
    Ben: 1 210,000.00; 2 46,200.00; 3 176,100.00 (the wage base); 4 10,918.20 (= 176,100 × 6.2%); 5 210,000.00;
    6 2,175 + 870 + 90 = 3,135.00; no box 12, no retirement plan, no state rows (TX).
    Cara: 1 960 + 960 = 1,920.00; 2 5.00; 3/5 1,920.00; 4 119.04; 6 27.84; 10 80.00; 14 NY PFL 7.40, NY SDI 1.20;
    NY 16 1,920.00 (the paycheck without an NY line adds its box 1 wages), 17 20.00."""
    w2 = build_w2(year_input())
    e = by_id(w2)
    ana, ben, cara = e[11], e[12], e[13]
    assert [ana[f"box{n}"] for n in range(1, 7)] == ["8800.00", "1000.00", "9400.00", "582.80", "9400.00", "136.30"]
    assert ana["box12"] == [{"code": "D", "amount": "600.00"}, {"code": "W", "amount": "300.00"},
                            {"code": "AA", "amount": "300.00"}, {"code": "DD", "amount": "1200.00"}]
    assert ana["box13_retirement"] is True and ana["box10"] == "0.00"
    assert ana["box14"] == [{"label": "CA SDI", "amount": "110.00"}]
    assert ana["states"] == [{"state": "CA", "employer_state_id": "123-4567-8", "box16": "8800.00",
                              "box17": "400.00"}]
    assert (ana["name"], ana["tin_last4"], ana["zip"]) == ("Ana Ruiz", "1111", "92101")

    assert [ben[f"box{n}"] for n in range(1, 7)] == ["210000.00", "46200.00", "176100.00", "10918.20",
                                                     "210000.00", "3135.00"]
    assert ben["box12"] == [] and ben["box13_retirement"] is False and ben["states"] == [] and ben["box14"] == []
    assert ben["name"] == "Ben T Cole"

    assert [cara[f"box{n}"] for n in range(1, 7)] == ["1920.00", "5.00", "1920.00", "119.04", "1920.00", "27.84"]
    assert cara["box10"] == "80.00" and cara["box12"] == []
    assert cara["box14"] == [{"label": "NY PFL", "amount": "7.40"}, {"label": "NY SDI", "amount": "1.20"}]
    assert cara["states"] == [{"state": "NY", "employer_state_id": "NY-998877", "box16": "1920.00",
                               "box17": "20.00"}]
    assert all(x["locals"] == [] for x in (ana, ben, cara))
    # totals: 8,800 + 210,000 + 1,920; 1,000 + 46,200 + 5; 9,400 + 176,100 + 1,920; 582.80 + 10,918.20 + 119.04;
    # 9,400 + 210,000 + 1,920; 136.30 + 3,135.00 + 27.84
    assert w2["totals"] == {"box1": "220720.00", "box2": "47205.00", "box3": "187420.00", "box4": "11620.04",
                            "box5": "221320.00", "box6": "3299.14"}


def test_w3_is_the_sum_of_the_w2s():
    """W-3: c = 3 forms; boxes 1–6 = the W-2 totals above; 10 = 80.00; 12a = D 600.00 + AA 300.00 = 900.00 (W and
    DD are not deferred compensation); 16 = 8,800 + 1,920 = 10,720.00; 17 = 400 + 20 = 420.00."""
    w2 = build_w2(year_input())
    w3 = build_w3(w2)
    assert w3["count"] == 3
    assert {k: w3[k] for k in w2["totals"]} == w2["totals"]
    for n in range(1, 7):           # and independently of the totals: the sum of the forms
        assert D(w3[f"box{n}"]) == sum(D(e[f"box{n}"]) for e in w2["employees"])
    assert (w3["box10"], w3["box12a_deferred"], w3["box16"], w3["box17"]) == ("80.00", "900.00", "10720.00",
                                                                            "420.00")


def test_tt_only_from_2026():
    """Qualified overtime premium 120.00 on a paycheck: no code TT on a 2025 W-2 (transition relief, IR-2025-82:
    the 2025 form is unchanged), TT 120.00 on a 2026 W-2 (2026 Form W-2, box 12 code TT)."""
    p = (date(2026, 2, 6), "TX", D("1000.00"), D("120.00"), {("earning", "overtime", ""): D("1000.00")},
         {("employee_tax", "social_security", ""): D("1000.00"), ("employee_tax", "medicare", ""): D("1000.00")})
    worker = [(21, "Dee", "", "Park", "4444", "1 A St", "Austin", "TX", "78701", [p])]
    assert by_id(build_w2(year_input(2025, worker)))[21]["box12"] == []
    assert by_id(build_w2(year_input(2026, worker)))[21]["box12"] == [{"code": "TT", "amount": "120.00"}]


def test_a_year_that_nets_to_nothing_has_no_w2():
    """A paycheck and its reversal (the same figures negated) sum to zero: no W-2 for that worker."""
    ana = WORKERS[0]
    p = ana[9][0]
    neg = (p[0], p[1], -p[2], p[3], {k: -v for k, v in p[4].items()}, {k: -v for k, v in p[5].items()})
    w2 = build_w2(year_input(workers=[ana[:9] + ([p, neg],)]))
    assert w2["employees"] == [] and w2["totals"]["box1"] == "0.00"


def test_w2c_lists_only_the_workers_whose_boxes_changed():
    """Filed: the three W-2s. Then Ana's second paycheck is reversed (its figures negated): her boxes become one
    paycheck's — 1 4,400.00, 2 500.00, 3/5 4,700.00, 4 291.40, 6 68.15, D 300.00, W 150.00, AA 150.00, DD 600.00,
    CA SDI 55.00, CA 16 4,400.00 / 17 200.00. Ben and Cara are unchanged, so the W-2c has Ana only."""
    filed = build_w2(year_input())
    ana = WORKERS[0]
    p = ana[9][1]
    neg = (date(2025, 4, 11), p[1], -p[2], p[3], {k: -v for k, v in p[4].items()}, {k: -v for k, v in p[5].items()})
    now = build_w2(year_input(workers=[ana[:9] + ([*ana[9], neg],), *WORKERS[1:]]))
    c = correct_w2(filed, now)
    assert [e["worker_id"] for e in c["employees"]] == [11]
    e = c["employees"][0]
    assert e["previous"]["box1"] == "8800.00" and e["correct"]["box1"] == "4400.00"
    assert e["correct"] == {"box1": "4400.00", "box2": "500.00", "box3": "4700.00", "box4": "291.40",
                            "box5": "4700.00", "box6": "68.15", "box12_AA": "150.00", "box12_D": "300.00",
                            "box12_DD": "600.00", "box12_W": "150.00", "box14_CA SDI": "55.00",
                            "box16_CA": "4400.00", "box17_CA": "200.00"}
    assert "box13_retirement" not in e["boxes"]                    # still has a 401(k): unchanged
    assert c["w3c"]["count"] == 1 and c["w3c"]["box1_previous"] == "8800.00" and c["w3c"]["box1_correct"] == "4400.00"
    assert c["corrected"] == now
    assert correct_w2(now, now) is None


def test_local_boxes_sum_by_locality_and_fall_back_to_box_1_wages():
    """Two paychecks with a Detroit line: the first carries its wages (1,000.00, tax 24.00), the second none (the
    paycheck's box 1 wages, 1,000.00 - 100.00 401(k) = 900.00; tax 21.60): box 18 1,900.00, box 19 45.60, box 20
    the name given; an employer local line is not the employee's tax."""
    key = ("employee_tax", "local_income_tax", "MI", "MI-DETROIT")
    pcs = tuple(W2Paycheck(date(2026, m, 6), "MI", D("1000.00"), D("0"),
                           {("pretax_deduction", "401k", ""): D("100.00"), ("employee_tax", "local_income_tax", "MI"):
                            amount}, {}, {key: (amount, wages), ("employer_tax", "transit_tax", "MI", "X"):
                                          (D("5.00"), D("1000.00"))})
                for m, amount, wages in ((3, D("24.00"), D("1000.00")), (4, D("21.60"), None)))
    inp = W2Input(year=2026, ss_wage_base=D("184500"), state_ids={},
                  workers=(W2Worker(1, "Ina", "", "Ortiz", "0001", "", "", "Detroit", "MI", "48201", pcs),),
                  locality_names={"MI-DETROIT": "Detroit"})
    e = build_w2(inp)["employees"][0]
    assert e["locals"] == [{"state": "MI", "locality": "MI-DETROIT", "box18": "1900.00", "box19": "45.60",
                            "box20": "Detroit"}]
    assert (build_w3(build_w2(inp))["box18"], build_w3(build_w2(inp))["box19"]) == ("1900.00", "45.60")
