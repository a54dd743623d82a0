"""The pure classification engine: apply every test for the work state and date, then decide and explain."""
from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any, Mapping

from backoffice.classification.engine import conditions
from backoffice.classification.engine.deciding import DecidingSet, candidate_fields, find_deciding_set
from backoffice.classification.engine.questionnaire import NOT_STATED, Answers
from backoffice.classification.engine.rulesets import Catalog, Derivation, Factor, RuleSet

EMPLOYEE_RESULTS = ("employee", "statutory_employee")


@dataclass(frozen=True)
class AssessmentRequest:
    work_state: str
    as_of_date: _dt.date
    answers: Answers


@dataclass(frozen=True)
class FactorResult:
    id: str
    title: str
    finding: str
    points_to: str
    answers: Mapping[str, Any]
    counts: bool
    weight: int
    derived_from: tuple[str, ...] = ()  # other questions the finding was read from (issue 20), when derived
    derivation_source: str = ""  # the citation of the derivation used


@dataclass(frozen=True)
class TestResult:
    __test__ = False  # a result record, not a pytest test class
    id: str
    version: str
    title: str
    question: str
    result: str
    role: str  # decisive | comparison
    in_force: bool
    explanation: str
    factors: tuple[FactorResult, ...]
    rule_set: RuleSet
    profile: str | None = None
    role_reason: str = ""
    threshold: FactorResult | None = None


@dataclass(frozen=True)
class Employer:
    party: str  # staffing_firm | hiring_entity | platform | none | undetermined
    worksite: str | None
    joint_employer: str | None  # possible | unlikely | None
    explanation: str


@dataclass(frozen=True)
class Assessment:
    work_state: str
    as_of_date: _dt.date
    determination: str
    employer: Employer
    risk: str
    risk_reasons: tuple[str, ...]
    summary: str
    tests: tuple[TestResult, ...]
    notes: tuple[str, ...] = field(default=())
    deciding: DecidingSet | None = None  # for needs_review: the unanswered questions that would decide it

    @property
    def rule_set_versions(self) -> dict[str, str]:
        return {t.rule_set.id: t.version for t in self.tests}


def _display(answers: Answers, path: str) -> Any:
    value = answers.get(path)
    if isinstance(value, Mapping):
        return dict(value) or NOT_STATED
    return NOT_STATED if value is None else value


def _unanswered(factor: Factor, answers: Answers) -> bool:
    """Whether every question the factor reads is unanswered (a criteria map counts as unanswered when empty)."""
    return all(_display(answers, path) == NOT_STATED for path in factor.fields)


def evaluate_factor(factor: Factor, answers: Answers,
                    derivations: tuple[Derivation, ...] = ()) -> FactorResult:
    """The first case whose condition holds gives the finding; otherwise the factor's default finding.

    When no case holds (the factor's own questions are unanswered, or answered too partly to settle it) and its
    default is neutral, the factor's documented derivations (other questions that establish the same fact, each
    cited) are tried in order; the first case that holds gives a finding marked "Derived from ..." with the
    questions it was read from. An answer to the factor's own questions that settles it always wins.
    """
    chosen = next((c for c in factor.cases if conditions.holds(c.when, answers)), None)
    shown = {path: _display(answers, path) for path in factor.fields}
    if chosen is None and derivations and factor.otherwise.points_to == "neutral":
        for d in derivations:
            case = next((c for c in d.cases if conditions.holds(c.when, answers)), None)
            if case is None:
                continue
            used = tuple(p for p in d.fields if _display(answers, p) != NOT_STATED)
            shown.update({p: _display(answers, p) for p in used})
            own = "unanswered" if _unanswered(factor, answers) else "not enough to settle it"
            finding = (f"Derived from other answers ({', '.join(used)}), because this factor's own questions are "
                       f"{own}: {case.finding} ({d.citation})")
            return FactorResult(factor.id, factor.title, finding, case.points_to, shown, factor.counts,
                                factor.weight, used, d.citation)
    chosen = chosen or factor.otherwise
    return FactorResult(factor.id, factor.title, chosen.finding, chosen.points_to, shown, factor.counts,
                        factor.weight)


def _balance(factors: tuple[FactorResult, ...], rule: Mapping[str, Any]) -> tuple[str, str]:
    counted = [f for f in factors if f.counts]
    emp = sum(f.weight for f in counted if f.points_to == "employee")
    ic = sum(f.weight for f in counted if f.points_to == "independent_contractor")
    decided = sum(1 for f in counted if f.points_to != "neutral" and f.weight)
    tally = (f"Weighing the factors: {emp} point(s) toward employee, {ic} toward independent contractor "
             f"({decided} of {len(counted)} factors point one way).")
    if decided < rule["min_decided"]:
        return "inconclusive", tally + f" Fewer than {rule['min_decided']} factors could be decided."
    if emp - ic >= rule["margin"]:
        return "employee", tally
    if ic - emp >= rule["margin"]:
        return "independent_contractor", tally
    return "inconclusive", tally + f" Neither side leads by {rule['margin']} or more."


def decide(rule_set: RuleSet, factors: tuple[FactorResult, ...],
           answers: Answers | None = None) -> tuple[str, str]:
    """Apply the rule set's decision rule (data) to the factor results: (result, how it was reached)."""
    rule = rule_set.decision
    by_id = {f.id: f for f in factors}
    method = rule["method"]
    if method == "balance":
        return _balance(factors, rule)
    if method == "core_factors":
        core = [by_id[c] for c in rule["core"]]
        directions = {c.points_to for c in core}
        if len(directions) == 1 and "neutral" not in directions:
            (direction,) = directions
            return direction, ("Both core factors point the same way, which the rule treats as a substantial "
                               "likelihood that this is the right classification.")
        result, tally = _balance(factors, rule["then"])
        return result, "The two core factors do not both point the same way, so every factor is weighed. " + tally
    if method == "all_prongs":
        skipped = {fid for fid, cond in rule.get("not_applied", {}).items()
                   if answers is not None and conditions.holds(cond, answers)}
        prongs = [f for f in factors if f.counts and f.id not in skipped]
        failed = [f.title for f in prongs if f.points_to == "employee"]
        unproven = [f.title for f in prongs if f.points_to == "neutral"]
        note = (" Not applied here: " + "; ".join(by_id[s].title for s in sorted(skipped)) + ".") if skipped else ""
        if failed:
            return "employee", ("The hiring entity must prove every part; these are not met: "
                                + "; ".join(failed) + "." + note)
        if unproven:
            word = "Presumed employee: " if rule["unproven"] == "employee" else ""
            return rule["unproven"], (word + "every part must be proven by the hiring business and these are "
                                      "not yet shown: " + "; ".join(unproven) + "." + note)
        return "independent_contractor", "Every part of the test that applies is met." + note
    # statutory_employee
    category = by_id[rule["category_factor"]]
    if category.points_to == "employee":
        missing = [by_id[c].title for c in rule["employee_conditions"] if by_id[c].points_to != "employee"]
        if not missing:
            return "statutory_employee", "A statutory-employee category applies and all of its conditions hold."
        return "inconclusive", "A statutory-employee category is claimed but not shown: " + "; ".join(missing) + "."
    if category.points_to == "independent_contractor":
        missing = [by_id[c].title for c in rule["nonemployee_conditions"]
                   if by_id[c].points_to != "independent_contractor"]
        if not missing:
            return "independent_contractor", "A statutory-nonemployee category applies and its conditions hold."
        return "inconclusive", ("A statutory-nonemployee category is claimed but not shown: "
                                + "; ".join(missing) + ".")
    return "inconclusive", "No statutory category applies; the common-law test decides."


THRESHOLD_NOT_MET = ("Threshold not met: the worker does not perform services for this business, so this test's "
                     "presumption of employment does not arise and its prongs are not applied.")


def threshold_step(rule_set: RuleSet, answers: Answers) -> FactorResult | None:
    """The ABC threshold (is the worker performing services for this business at all?), or None if the test has
    none. points_to is 'independent_contractor' when it is not met, 'neutral' when met or treated as met."""
    return evaluate_factor(rule_set.threshold, answers) if rule_set.threshold is not None else None


def _factor_memo(rule_set: RuleSet, factor: Factor, answers: Answers, derivations: tuple[Derivation, ...],
                 memo: dict) -> FactorResult:
    paths_key = ("paths", rule_set.file, factor.id)
    paths = memo.get(paths_key)
    if paths is None:
        paths = memo[paths_key] = tuple(dict.fromkeys(
            list(factor.fields) + [p for d in derivations for p in d.fields]))
    key = (rule_set.file, factor.id, tuple(repr(answers.get(p)) for p in paths))
    found = memo.get(key)
    if found is None:
        found = memo[key] = evaluate_factor(factor, answers, derivations)
    return found


def run_test(rule_set: RuleSet, answers: Answers, catalog: Catalog | None = None,
             memo: dict | None = None) -> tuple[str, str, tuple[FactorResult, ...]]:
    """Evaluate every factor (with the catalog's derivations, when given) and apply the decision rule. `memo`
    (optional) remembers factor results by the answers each factor reads."""
    factors = tuple(
        (_factor_memo(rule_set, f, answers, catalog.derivations_for(rule_set.id, f.id) if catalog else (), memo)
         if memo is not None else
         evaluate_factor(f, answers, catalog.derivations_for(rule_set.id, f.id) if catalog else ()))
        for f in rule_set.factors)
    step = threshold_step(rule_set, answers)
    if step is not None and step.points_to == "independent_contractor":
        # The threshold step failed: the prongs are shown but not applied (they do not count).
        factors = tuple(f if not f.counts else
                        FactorResult(f.id, f.title, "Not applied, because the threshold is not met. " + f.finding,
                                     f.points_to, f.answers, False, f.weight, f.derived_from, f.derivation_source)
                        for f in factors)
        return "independent_contractor", f"{THRESHOLD_NOT_MET} {step.finding}".strip(), factors
    result, how = decide(rule_set, factors, answers)
    text = rule_set.result_text.get(result) or rule_set.result_text.get("employee", "")
    return result, f"{text} {how}".strip(), factors


def _run_memo(rs: RuleSet, answers: Answers, catalog: Catalog, memo: dict | None):
    """run_test, with each factor remembered by the answers it reads (the deciding-questions search varies one to
    three questions at a time, so most factors are unchanged from one try to the next)."""
    return run_test(rs, answers, catalog, memo)


def _tests_for(catalog: Catalog, request: AssessmentRequest, decisive_only: bool = False,
               memo: dict | None = None) -> tuple[list[TestResult], list[str]]:
    j = catalog.jurisdictions
    families: Mapping[str, list[str]] = j.get("families", {})
    names = list(j.get("everywhere", ())) + list(j.get("states", {}).get(request.work_state, ()))
    day, answers = request.as_of_date, request.answers
    out: list[TestResult] = []
    notes: list[str] = []
    for name in names:
        if name in families:
            members = families[name]
            in_force = [m for m in members if catalog.version_on(m, day)]
            for member in members:
                if decisive_only and member not in in_force[:1]:
                    continue  # a comparison profile never decides (used by the deciding-questions search)
                rs = catalog.version_on(member, day) or catalog.latest(member)
                if rs is None or not conditions.holds(rs.applies_when, answers):
                    continue
                result, how, factors = _run_memo(rs, answers, catalog, memo)
                current = member in in_force[:1]
                reason = ("in force for this date" if current else
                          f"shown for comparison ({rs.status}; {rs.effective_note})".replace("; )", ")"))
                out.append(TestResult(name if current else member, rs.version, rs.title, rs.question, result,
                                      "decisive" if current else "comparison", current, how, factors, rs,
                                      profile=member, role_reason=reason))
            if not in_force:
                notes.append(f"No {name} profile is in force on {day.isoformat()}; all are shown for comparison.")
            continue
        rs = catalog.version_on(name, day)
        if rs is None:
            notes.append(f"No version of {name} covers {day.isoformat()}; it was not applied.")
            continue
        if not conditions.holds(rs.applies_when, answers):
            continue
        result, how, factors = _run_memo(rs, answers, catalog, memo)
        decisive, reason = True, "applies to this work state and date"
        if "when" in rs.decisive and not conditions.holds(rs.decisive["when"], answers):
            decisive, reason = False, "its preconditions are not shown, so it is shown for comparison only"
        if "when_result_in" in rs.decisive and result not in rs.decisive["when_result_in"]:
            decisive, reason = False, "it does not change the outcome here, so it is shown for information only"
        out.append(TestResult(name, rs.version, rs.title, rs.question, result,
                              "decisive" if decisive else "comparison", True, how, factors, rs, role_reason=reason,
                              threshold=threshold_step(rs, answers)))
    # A test superseded by another decisive test (e.g. CA ABC when an exemption sends the case to Borello).
    decisive_ids = {t.rule_set.id for t in out if t.role == "decisive"}
    final = []
    for t in out:
        over = [s for s in t.rule_set.superseded_by if s in decisive_ids]
        if t.role == "decisive" and over:
            t = TestResult(t.id, t.version, t.title, t.question, t.result, "comparison", t.in_force, t.explanation,
                           t.factors, t.rule_set, t.profile, f"replaced by {', '.join(over)} for this engagement",
                           t.threshold)
        final.append(t)
    return final, notes


def determine(tests: list[TestResult]) -> tuple[str, str, tuple[str, ...]]:
    """Determination and risk from the decisive tests (policy: any employee finding makes a leased employee)."""
    decisive = [t for t in tests if t.role == "decisive"]
    comparison = [t for t in tests if t.role == "comparison"]
    results = [t.result for t in decisive]
    reasons: list[str] = []
    if not decisive:
        return "needs_review", "high", ("No test could be applied for this state and date.",)
    if any(r in EMPLOYEE_RESULTS for r in results):
        determination = "leased_employee"
        contrary = [t.id for t in decisive if t.result == "independent_contractor"]
        undecided = [t.id for t in decisive if t.result == "inconclusive"]
        presumed = [t.id for t in decisive if t.result == "employee" and t.rule_set.decision["method"] == "all_prongs"
                    and not any(f.counts and f.points_to == "employee" for f in t.factors)]
        risk = "low"
        if contrary:
            reasons.append("Tests disagree: " + ", ".join(contrary) + " found an independent contractor; the "
                           "engagement is treated as employment because that satisfies every test.")
            risk = "medium"
        if undecided:
            reasons.append("Not decided by " + ", ".join(undecided) + " (too few answers); employment is the safe "
                           "treatment meanwhile.")
            risk = "medium"
        if presumed:
            reasons.append("Employee by presumption only (parts of the test not yet shown): " + ", ".join(presumed)
                           + ". More answers may change this.")
            risk = "medium"
    elif all(r == "independent_contractor" for r in results):
        determination = "contractor"
        against = [t.title for t in comparison if t.result in EMPLOYEE_RESULTS]
        leaning = [f"{t.title}: {f.id.replace('_', ' ')}" for t in decisive for f in t.factors
                   if f.counts and f.points_to == "employee"]
        if against:
            risk = "high"
            reasons.append("A comparison standard finds an employee: " + ", ".join(against) + ".")
        elif leaning:
            risk = "medium"
            reasons.append("Some factors point toward employment: " + ", ".join(leaning) + ".")
        else:
            risk = "low"
    else:
        determination, risk = "needs_review", "high"
        reasons.append("Not enough is shown to decide: " + ", ".join(
            t.title for t in decisive if t.result == "inconclusive") + " could not reach a result.")
    return determination, risk, tuple(reasons)


def find_employer(determination: str, answers: Answers) -> Employer:
    """Who employs whom: three-party placements make the paying staffing firm the employer of record."""
    arrangement = answers.get("engagement.arrangement")
    paid_by = answers.get("financial_control.paid_by")
    client_controls = (answers.get("behavioral_control.schedule_set_by") == "hiring_entity"
                       or answers.get("behavioral_control.methods_controlled_by") == "hiring_entity"
                       or answers.get("behavioral_control.supervision") == "close")
    if determination == "contractor":
        return Employer("none", None, None, "No one is the employer: the worker is in business for themselves. "
                        "Payments are reported on Form 1099-NEC.")
    if determination == "needs_review":
        return Employer("undetermined", None, None, "The employer cannot be named until the classification is "
                        "reviewed.")
    if paid_by == "staffing_firm" or (arrangement == "staffing_firm_placement" and paid_by == NOT_STATED):
        worksite = "client" if arrangement in ("staffing_firm_placement", NOT_STATED) else None
        joint = "possible" if client_controls else "unlikely"
        text = ("The staffing firm is the W-2 employer of record: it controls the payment of wages, so it withholds "
                "and pays employment taxes (IRC 3401(d)(1)). ")
        if worksite:
            text += ("The client is the worksite employer; because the client directs the day-to-day work it may "
                     "also be a joint employer under wage-and-hour law." if client_controls else
                     "The client is the worksite; it does not direct the work closely, so joint employment is "
                     "unlikely.")
        return Employer("staffing_firm", worksite, joint if worksite else None, text)
    if paid_by == "platform" or arrangement == "platform_or_referral":
        return Employer("platform", None, None, "The platform that pays the worker is the employer.")
    return Employer("hiring_entity", None, None, "The business the work is done for is the employer and must run "
                    "payroll for this worker.")


def _paths_read(tests: list[TestResult], catalog: Catalog) -> list[str]:
    """Every question the decisive tests read: thresholds, factors and the factors' derivations."""
    out: list[str] = []
    decisive = sorted((t for t in tests if t.role == "decisive"), key=lambda t: t.result != "inconclusive")
    for t in decisive:
        rs = t.rule_set
        if rs.threshold is not None:
            out.extend(rs.threshold.fields)
        for f in rs.factors:
            out.extend(f.fields)
            for d in catalog.derivations_for(rs.id, f.id):
                out.extend(d.fields)
    return out


def deciding_questions(request: AssessmentRequest, catalog: Catalog, tests: list[TestResult],
                       budget: int | None = None) -> DecidingSet | None:
    """The smallest set of unanswered questions that would decide a needs_review outcome (engine/deciding.py)."""
    memo: dict = {}

    def outcome(answers: Answers) -> tuple[str, object]:
        found, _ = _tests_for(catalog, AssessmentRequest(request.work_state, request.as_of_date, answers),
                              decisive_only=True, memo=memo)
        signature = tuple((t.id, t.result, tuple(f.points_to for f in t.factors)) for t in found
                          if t.role == "decisive")
        return determine(found)[0], signature

    candidates = candidate_fields(_paths_read(tests, catalog), request.answers)
    kw = {"budget": budget} if budget is not None else {}
    return find_deciding_set(request.answers, candidates, outcome, **kw)


def _deciding_reason(found: DecidingSet) -> str:
    names = ", ".join(found.fields)
    if found.decides_either_way:
        return (f"These unanswered questions would decide it, whatever the answers: {names}. "
                + "; ".join(" and ".join(f"{f} = {v}" for f, v in pairs) + f" gives {d.replace('_', ' ')}"
                            for pairs, d in found.outcomes) + ".")
    decided = [" and ".join(f"{f} = {v}" for f, v in pairs) + f" gives {d.replace('_', ' ')}"
               for pairs, d in found.outcomes if d != "needs_review"]
    return (f"No set of up to three unanswered questions decides it whatever the answers; the one that comes "
            f"closest is {names}: " + "; ".join(decided) + ".")


def assess(request: AssessmentRequest, catalog: Catalog) -> Assessment:
    """Apply every test for the work state on the assessment date and decide; pure (no clock, no I/O)."""
    tests, notes = _tests_for(catalog, request)
    determination, risk, reasons = determine(tests)
    deciding = None
    if determination == "needs_review":
        deciding = deciding_questions(request, catalog, tests)
        reasons = reasons + ((_deciding_reason(deciding),) if deciding is not None else (
            "No set of up to three unanswered questions would decide it: many more answers are needed.",))
    employer = find_employer(determination, request.answers)
    decisive = [t for t in tests if t.role == "decisive"]
    words = {"leased_employee": "should be treated as an employee (a leased W-2 employee)",
             "contractor": "can be treated as an independent contractor",
             "needs_review": "needs a review by HR before it can be classified"}
    summary = (f"This engagement {words[determination]}. Tests that decide it: "
               + ", ".join(f"{t.title} ({t.result.replace('_', ' ')})" for t in decisive) + ".")
    return Assessment(request.work_state, request.as_of_date, determination, employer, risk, reasons, summary,
                      tuple(tests), tuple(notes), deciding)
