"""Issue 18, point 2 (session 14): the compiled (mypyc) build of the engines' hot modules (the leave engine since
session 16, installed by `import backoffice`).

The build is loaded only when it matches the sources; BACKOFFICE_PURE_ENGINE=1 keeps the pure Python; either way
the figures and the words are the same. These tests run under whichever build the process has (scripts/test runs
the suite once pure, with coverage, and once compiled), and two of them start a process of the other kind."""
from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import pickle
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from backoffice import compiled as ce
from backoffice.periods import PayFrequency
from payroll.engine import Earning, PaycheckInput, W4, calculate_paycheck, tables_for
from payroll.engine.model import QUIET

D = Decimal
ROOT = Path(__file__).resolve().parents[3]


def _manifest() -> dict:
    return {"ext_suffix": importlib.machinery.EXTENSION_SUFFIXES[0], "sources": ce.source_hashes()}


def test_a_build_that_matches_this_python_and_every_source_is_accepted():
    assert ce.build_matches(_manifest()) is None


def test_a_build_is_refused_when_one_engine_source_changed_since_it_was_made():
    """An edited engine file must run as itself (pure Python), never as the stale compiled code."""
    manifest = _manifest()
    manifest["sources"]["payroll.engine.federal"] = "0" * 64
    assert "sources changed" in ce.build_matches(manifest)


def test_a_build_for_another_python_is_refused():
    manifest = {**_manifest(), "ext_suffix": ".cpython-312-x86_64-linux-gnu.so"}
    assert ce.build_matches(manifest) == "built for another Python"


def test_a_package_source_is_its_init_file_and_a_module_source_its_py_file():
    assert ce.source_path("payroll.engine.states") == ROOT / "payroll" / "engine" / "states" / "__init__.py"
    assert ce.source_path("payroll.engine.federal") == ROOT / "payroll" / "engine" / "federal.py"


def test_the_modules_in_use_are_the_ones_the_status_names():
    """Compiled: every hot module comes from build/engine/ and the engine's other modules (the records of
    model.py, the local data parser) from the sources; pure: none comes from the build."""
    import backoffice.leave.accrual_services  # noqa: F401  (with explanations)
    import backoffice.leave.engine  # noqa: F401
    import payroll.engine.states.income  # noqa: F401
    import payroll.engine.model as model
    import payroll.engine.workweek  # noqa: F401
    import payroll.services.calc  # noqa: F401  (with paycheck_inputs, worktime and common)
    assert Path(model.__file__).resolve() == ROOT / "payroll" / "engine" / "model.py"
    if ce.status.startswith("compiled"):
        assert ce.loaded_compiled() == list(ce.HOT_MODULES)
    else:
        assert ce.status.startswith("pure Python")
        assert ce.loaded_compiled() == []


def _run(code: str, pure: bool) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "BACKOFFICE_PURE_ENGINE": "1" if pure else ""}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=True).stdout


def test_the_pure_switch_keeps_every_engine_module_in_python():
    out = _run("import payroll.engine, backoffice.leave.engine, backoffice.compiled as c; print(c.status); "
               "print(c.loaded_compiled())", pure=True)
    assert out.splitlines() == ["pure Python (BACKOFFICE_PURE_ENGINE is set)", "[]"]


# every jurisdiction's law at a small employer (3) and a larger one (150), ten days at the turn of 2026 (versions
# change on January 1 for some) and ten in May, a balance near the caps, an hours threshold counted from a history:
# each result's every field, explanation included (or the refusal), one line per input
_ACCRUALS = """
import sys
from datetime import date, timedelta
from decimal import Decimal as D
from backoffice import compiled
from backoffice.errors import DomainError
from backoffice.leave.engine import AccrualInput, accrue, load_laws
out = []
for i, code in enumerate(sorted(load_laws())):
    for first, year in ((date(2025, 12, 27), date(2025, 6, 1)), (date(2026, 5, 27), date(2026, 1, 1))):
        for size, balance, before in ((3, "0", None), (150, "39.5", ((date(2025, 5, 1), D("8")),) * 3)):
            inp = AccrualInput(jurisdiction=code, employer_size=size, hire_date=date(2025, 3, 2),
                               policy_year_start=year, balance_before=D(balance), accrued_this_year_before=D(balance),
                               used_this_year_before=D("2"), day_hours=D("10") if i % 2 else None,
                               hours=tuple((first + timedelta(days=d), D("7.5") + d % 3) for d in range(10)),
                               worked_before=before)
            try:
                out.append(repr(accrue(inp)))
            except DomainError as exc:
                out.append(f"{code}: {exc}")
print(compiled.loaded_compiled(), "payroll" in sys.modules)
for line in out:
    print(line)
"""


def test_a_leave_module_loads_compiled_without_payroll_and_accrues_as_the_pure_one_does():
    """The app-free leave CLI, bench_leave_accrue and tests/unit/leave import the leave engine without payroll:
    `import backoffice` installs the build, so the engine loads compiled there too — and every jurisdiction's accrual,
    every field and word, is the same from both builds."""
    if not ce.MANIFEST.is_file():
        pytest.skip("no compiled build here (scripts/build_engine.py makes one)")
    compiled, pure = _run(_ACCRUALS, pure=False).splitlines(), _run(_ACCRUALS, pure=True).splitlines()
    assert compiled[0] == "['backoffice.leave.engine'] False"
    assert pure[0] == "[] False"
    assert len(compiled) > 100 and sum("AccrualResult(" in line for line in compiled) > 100
    assert any(" the version of " in line for line in compiled) and any("capped=True" in line for line in compiled)
    assert compiled[1:] == pure[1:]


def test_the_compiled_and_the_pure_engine_write_the_same_figures_and_words(tmp_path):
    """bench_explanations' mix (every state, 2025 and 2026, localities, two-state splits, SUTA), 400 paychecks,
    every line's words rendered: byte for byte the same from both builds."""
    if not ce.MANIFEST.is_file():
        pytest.skip("no compiled build here (scripts/build_engine.py makes one)")
    script = str(ROOT / "bench" / "bench_explanations.py")
    pure, compiled = tmp_path / "pure.txt", tmp_path / "compiled.txt"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, script, "--n", "400", "--out", str(pure)], cwd=ROOT, check=True,
                   capture_output=True, env={**env, "BACKOFFICE_PURE_ENGINE": "1"})
    subprocess.run([sys.executable, script, "--n", "400", "--out", str(compiled)], cwd=ROOT, check=True,
                   capture_output=True, env={**env, "BACKOFFICE_PURE_ENGINE": ""})
    used = _run("import payroll.engine.states.income, payroll.engine.workweek, backoffice.leave.engine, "
                "payroll.services.calc, backoffice.leave.accrual_services, backoffice.compiled as c; "
                "print(c.loaded_compiled())", pure=False)
    assert used.strip() == repr(list(ce.HOT_MODULES))
    text = pure.read_text()
    assert text.endswith(" lines\n") and text.count("\n#") > 300
    assert compiled.read_text() == text


def test_the_hot_modules_type_check_so_the_compiled_build_can_be_made():
    """mypyc compiles only code that type-checks: an engine change that breaks that would quietly leave the engine
    pure (scripts/build_engine.py says FAILED and falls back), so it fails here instead. mypy is installed by the
    build (setup.cfg's `compiled` extra)."""
    if importlib.util.find_spec("mypy") is None:
        pytest.skip("mypy is not installed (scripts/build_engine.py installs it)")
    sources = [str(ce.source_path(m).relative_to(ROOT)) for m in ce.HOT_MODULES]
    done = subprocess.run([sys.executable, "-m", "mypy", *sources], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    assert done.stdout.startswith(f"Success: no issues found in {len(sources)} source files")


def _bonus_only(state: str):
    inp = PaycheckInput(pay_date=date(2026, 3, 6), pay_frequency=PayFrequency.BIWEEKLY, work_state=state,
                        residence_state=state, earnings=(Earning("bonus", amount=D("1000")),), w4=W4())
    return calculate_paycheck(inp, tables_for(inp.pay_date))


def test_quiet_steps_keep_nothing_and_the_words_come_back_when_read():
    """A bonus-only Indiana paycheck: no regular wages, so the state code says so (a step written even when quiet)
    and withholds on the supplemental $1,000 at Indiana's flat 2026 rate, 2.95% = $29.50. Computed quietly, QUIET must
    still hold nothing afterwards (compiled code must call QUIET's own append, not the list's); read, the line says
    it."""
    before = len(QUIET)
    line = next(x for x in _bonus_only("IN").employee_taxes if x.code == "state_income_tax")
    assert len(QUIET) == before == 0
    assert line.amount == D("29.50")
    assert "No regular wages this period after pre-tax exclusions." in line.explanation


def test_engine_lines_pickle_and_read_the_same_words_after():
    """Earnings, deductions and state lines go between processes in a run: their deferred steps (functions of the
    compiled modules) pickle by name under either build."""
    result = _bonus_only("IN")
    for line in (*result.earnings, next(x for x in result.employee_taxes if x.code == "state_income_tax")):
        copy = pickle.loads(pickle.dumps(line))
        assert copy.amount == line.amount and copy.explanation == line.explanation


def test_make_line_is_line_and_cents_is_round_cents():
    """hotpath.make_line and hotpath.cents (session 15) stand in for Line(...) and round_cents in the hot modules:
    the same objects and the same figures under either build, and the same refusal of a number that is not one."""
    from backoffice.money import round_cents
    from payroll.engine.hotpath import cents, make_line
    from payroll.engine.model import Line, Pct

    made = make_line("medicare", D("12.34"), (("x {}", D(1)),), None, "wd:1")
    assert type(made) is Line and made == Line("medicare", D("12.34"), (("x {}", D(1)),), ref="wd:1")
    assert made._asdict() == Line("medicare", D("12.34"), (("x {}", D(1)),), ref="wd:1")._asdict()
    assert make_line("futa", D(0)) == Line("futa", D(0)) and make_line("futa", D(0)).steps == ()
    assert pickle.loads(pickle.dumps(made)) == made
    for x in (D("0.005"), D("-0.005"), D("2.675"), D("1234.5649"), D("-7.125"), D(0), D("1E+3"), Pct("0.0625"),
              D("12.3") * D("0.062"), D("99999999.995")):
        assert cents(x) == round_cents(x) and str(cents(x)) == str(round_cents(x)) and type(cents(x)) is Decimal
    for bad in (D("NaN"), D("Infinity")):
        with pytest.raises(ValueError):
            round_cents(bad)
        with pytest.raises(ValueError):
            cents(bad)


def test_the_other_hotpath_stand_ins_give_what_the_python_they_replace_gives():
    """hotpath's periods_per_year, federal_filing_status, age_at_year_end (session 16) and cents on amounts as given
    (ints and strings, converted by round_cents; a float refused there) give what PayFrequency.periods_per_year,
    the W-4's federal_filing_status, backoffice.periods.age_at_year_end and round_cents give."""
    from backoffice.money import round_cents
    from backoffice.periods import age_at_year_end as kernel_age
    from payroll.engine.hotpath import age_at_year_end, cents, federal_filing_status, periods_per_year
    from payroll.engine.model import W4Legacy

    assert {f: periods_per_year(f) for f in PayFrequency} == {f: f.periods_per_year for f in PayFrequency}
    assert periods_per_year(PayFrequency.BIWEEKLY) == 26 and periods_per_year(PayFrequency.DAILY) == 260
    for w4 in (W4(), W4(filing_status="married_jointly"), W4(filing_status="head_of_household"), W4Legacy(),
               W4Legacy(marital_status="married"), W4Legacy(marital_status="married_single_rate")):
        assert federal_filing_status(w4) == w4.federal_filing_status
    for born in (date(1970, 1, 1), date(1970, 12, 31), date(2001, 2, 28), date(2000, 2, 29)):
        for year in (2025, 2026):
            assert age_at_year_end(born, year) == kernel_age(born, year)
    assert age_at_year_end(date(1971, 12, 31), 2026) == 55
    for given in (100, "12.345", "1,250.005", D("7")):
        assert cents(given) == round_cents(given) and str(cents(given)) == str(round_cents(given))
    with pytest.raises((TypeError, ValueError)):
        round_cents(1.5)  # type: ignore[arg-type]
    with pytest.raises((TypeError, ValueError)):
        cents(1.5)


def test_record_builds_the_same_quick_init_record_as_its_class_and_refuses_a_missing_field():
    """hotpath.record (session 17) stands in for StateContext(...), YearToDate(...) and PaycheckResult(...) given
    every field in order: the same class, fields, equality, hash, repr and pickle as the class's own __init__
    gives, still frozen; a field short raises instead of leaving it unset."""
    import dataclasses

    from payroll.engine.hotpath import record, record_fields
    from payroll.engine.model import PaycheckResult, YearToDate
    from payroll.engine.states import StateContext

    ytd = tuple(D(i) for i in range(13))
    context = (date(2026, 3, 6), 26, "CA", "NV", D("2000.00"), D(0), {"401k": D(100)}, D("4000.00"),
               {"CA": {"allowances": 1}}, "single", date(1980, 5, 1), D("150.25"), (), "hours", "", False,
               date(2026, 2, 21), date(2026, 3, 6), D(0), {"CA": 40})
    result = (D("2000.00"), (), (), (), (), D("1700.00"), {"medicare": D("2000.00")}, YearToDate(*ytd), D(0), 2026,
              (), {}, {}, {}, None)
    for cls, values in ((YearToDate, ytd), (StateContext, context), (PaycheckResult, result)):
        made, built = record(cls, record_fields(cls), values), cls(*values)
        assert type(made) is cls and made == built and repr(made) == repr(built)
        assert made.__dict__ == built.__dict__ and list(made.__dict__) == [f.name for f in dataclasses.fields(cls)]
        assert pickle.loads(pickle.dumps(made)) == built
        with pytest.raises(dataclasses.FrozenInstanceError):
            made.gross = D(1)  # type: ignore[misc]
    assert hash(record(YearToDate, record_fields(YearToDate), ytd)) == hash(YearToDate(*ytd))
    with pytest.raises(TypeError):
        record(YearToDate, record_fields(YearToDate), ytd[:-1])
