"""Rule sets as data: load the JSON files in rules/, check them against the questionnaire, pick versions by date."""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any, Mapping

from backoffice.dates import parse_date
from backoffice.errors import DomainError
from backoffice.classification.engine import conditions

DIRECTIONS = ("employee", "independent_contractor", "neutral")
RESULTS = ("employee", "independent_contractor", "statutory_employee", "inconclusive")
METHODS = ("balance", "core_factors", "all_prongs", "statutory_employee")
TEST_IDS = (
    "irs_common_law", "irs_statutory_employee", "dol_flsa_economic_reality", "dol_flsa_2024_six_factor",
    "dol_flsa_enforcement_fs13_2008", "dol_flsa_2026_proposed_core_factors", "ca_abc", "ca_borello", "ca_prop22",
    "ma_abc", "nj_abc", "il_abc_unemployment", "il_iwpca", "il_eca_construction",
)
ALWAYS = MappingProxyType({"always": True})


@dataclass(frozen=True)
class Case:
    when: Mapping[str, Any]
    points_to: str
    finding: str


@dataclass(frozen=True)
class Factor:
    id: str
    title: str
    weight: int
    counts: bool
    fields: tuple[str, ...]
    cases: tuple[Case, ...]
    otherwise: Case


@dataclass(frozen=True)
class RuleSet:
    """One version of one test, exactly as its JSON file says."""

    id: str
    version: str
    title: str
    question: str
    status: str
    effective_from: _dt.date | None
    effective_to: _dt.date | None
    effective_note: str
    sources: tuple[Mapping[str, str], ...]
    applies_when: Mapping[str, Any]
    decisive: Mapping[str, Any]
    superseded_by: tuple[str, ...]
    factors: tuple[Factor, ...]
    decision: Mapping[str, Any]
    result_text: Mapping[str, str]
    notes: tuple[str, ...]
    file: str
    # The ABC tests' threshold step (issue 20): read before the prongs; when it is not met the prongs are not
    # applied. Its "law" and "uncertain" texts are shown with it.
    threshold: Factor | None = None
    threshold_law: str = ""
    threshold_uncertain: str = ""

    def in_force_on(self, day: _dt.date) -> bool:
        """Whether the day falls in [effective_from, effective_to] (inclusive; open end when None)."""
        if self.effective_from is None or day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    @property
    def source_citations(self) -> list[str]:
        return [s["citation"] for s in self.sources]


@dataclass(frozen=True)
class Derivation:
    """A documented reading of one factor from answers to *other* questions, used only when the factor's own
    questions leave it unanswered (issue 20): e.g. the DOL control factor read from who sets the rate of pay."""

    id: str
    title: str
    citation: str
    text: str
    cases: tuple[Case, ...]
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Catalog:
    """Every rule set, the jurisdiction map, the re-check thresholds and the factor derivations."""

    rule_sets: Mapping[str, tuple[RuleSet, ...]]
    jurisdictions: Mapping[str, Any]
    rechecks: Mapping[str, Any]
    derivations: Mapping[tuple[str, str], tuple[Derivation, ...]] = field(default_factory=dict)

    def derivations_for(self, test_id: str, factor_id: str) -> tuple[Derivation, ...]:
        return self.derivations.get((test_id, factor_id), ())

    def versions(self, test_id: str) -> tuple[RuleSet, ...]:
        return self.rule_sets.get(test_id, ())

    def version_on(self, test_id: str, day: _dt.date) -> RuleSet | None:
        """The version of a test in force on the day, or None."""
        found = [r for r in self.versions(test_id) if r.in_force_on(day)]
        return found[0] if found else None

    def latest(self, test_id: str) -> RuleSet | None:
        """The newest version of a test (by effective_from, proposals last): used for comparison profiles."""
        versions = self.versions(test_id)
        return versions[-1] if versions else None


class RuleSetError(DomainError):
    """A rule file that does not fit the questionnaire or the rule format (a programming error in the data)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid rule sets: " + "; ".join(problems), code="rule_set_invalid")


def _date(value: Any, where: str, problems: list[str]) -> _dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError:
        problems.append(f"{where}: not a YYYY-MM-DD date: {value!r}")
        return None


def _case(raw: Any, where: str, problems: list[str], *, needs_when: bool) -> Case:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: must be an object")
        return Case(ALWAYS, "neutral", "")
    when = raw.get("when", ALWAYS if not needs_when else None)
    if when is None:
        problems.append(f"{where}: missing 'when'")
        when = ALWAYS
    problems.extend(conditions.check(when, f"{where}.when"))
    if raw.get("points_to") not in DIRECTIONS:
        problems.append(f"{where}.points_to: must be one of {DIRECTIONS}")
    if not isinstance(raw.get("finding"), str) or not raw["finding"].strip():
        problems.append(f"{where}.finding: plain-language text is required")
    return Case(MappingProxyType(dict(when)), raw.get("points_to", "neutral"), raw.get("finding", ""))


def _factor(raw: Mapping[str, Any], where: str, problems: list[str]) -> Factor:
    cases = tuple(_case(c, f"{where}.cases[{i}]", problems, needs_when=True)
                  for i, c in enumerate(raw.get("cases", ())))
    otherwise = _case(raw.get("otherwise", {}), f"{where}.otherwise", problems, needs_when=False)
    fields: list[str] = list(raw.get("fields", ()))
    for f in fields:
        if not conditions.known_field(f):
            problems.append(f"{where}.fields: unknown field {f!r}")
    for c in cases:
        fields.extend(p for p in conditions.fields_of(c.when) if p not in fields)
    weight = raw.get("weight", 1)
    if not isinstance(weight, int) or isinstance(weight, bool) or weight < 0:
        problems.append(f"{where}.weight: must be a whole number >= 0")
        weight = 1
    for key in ("id", "title"):
        if not isinstance(raw.get(key), str):
            problems.append(f"{where}.{key}: required")
    return Factor(raw.get("id", "?"), raw.get("title", "?"), weight, bool(raw.get("counts", True)),
                  tuple(fields), cases, otherwise)


def _check_decision(decision: Any, factor_ids: set[str], where: str, problems: list[str]) -> None:
    if not isinstance(decision, Mapping) or decision.get("method") not in METHODS:
        problems.append(f"{where}.method: must be one of {METHODS}")
        return
    method = decision["method"]
    if method == "balance":
        for key in ("margin", "min_decided"):
            if not isinstance(decision.get(key), int):
                problems.append(f"{where}.{key}: whole number required")
    elif method == "core_factors":
        core = decision.get("core", [])
        if not core or not set(core) <= factor_ids:
            problems.append(f"{where}.core: must name factors of this test")
        _check_decision(decision.get("then"), factor_ids, f"{where}.then", problems)
    elif method == "all_prongs":
        if decision.get("unproven") not in ("inconclusive", "employee"):
            problems.append(f"{where}.unproven: 'inconclusive' or 'employee'")
        not_applied = decision.get("not_applied", {})
        if not isinstance(not_applied, Mapping) or not set(not_applied) <= factor_ids:
            problems.append(f"{where}.not_applied: must map factors of this test to conditions")
        else:
            for fid, cond in not_applied.items():
                problems.extend(conditions.check(cond, f"{where}.not_applied.{fid}"))
    else:
        for key in ("category_factor", "employee_conditions", "nonemployee_conditions"):
            names = decision.get(key)
            names = [names] if isinstance(names, str) else names
            if not names or not set(names) <= factor_ids:
                problems.append(f"{where}.{key}: must name factors of this test")


def parse_rule_set(raw: Mapping[str, Any], file: str) -> tuple[RuleSet, list[str]]:
    """Build one RuleSet from its JSON; returns it with every problem found (an empty list when valid)."""
    problems: list[str] = []
    w = file
    if raw.get("id") not in TEST_IDS:
        problems.append(f"{w}.id: {raw.get('id')!r} is not a test identifier of the reference")
    for key in ("version", "title", "question", "status"):
        if not isinstance(raw.get(key), str) or not raw[key]:
            problems.append(f"{w}.{key}: required")
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources or not all(
            isinstance(s, Mapping) and isinstance(s.get("citation"), str) for s in sources):
        problems.append(f"{w}.sources: at least one {{'citation': ...}} is required")
        sources = []
    eff_from = _date(raw.get("effective_from"), f"{w}.effective_from", problems)
    eff_to = _date(raw.get("effective_to"), f"{w}.effective_to", problems)
    if eff_from and eff_to and eff_to < eff_from:
        problems.append(f"{w}: effective_to is before effective_from")
    if eff_from is None and raw.get("status") != "proposed":
        problems.append(f"{w}.effective_from: required unless the status is 'proposed'")
    applies = raw.get("applies_when", ALWAYS)
    problems.extend(conditions.check(applies, f"{w}.applies_when"))
    decisive = raw.get("decisive", {"always": True})
    if not isinstance(decisive, Mapping) or not (
            decisive == {"always": True} or set(decisive) in ({"when"}, {"when_result_in"})):
        problems.append(f"{w}.decisive: {{'always': true}}, {{'when': condition}} or {{'when_result_in': [...]}}")
        decisive = {"always": True}
    if "when" in decisive:
        problems.extend(conditions.check(decisive["when"], f"{w}.decisive.when"))
    if "when_result_in" in decisive and not set(decisive["when_result_in"]) <= set(RESULTS):
        problems.append(f"{w}.decisive.when_result_in: results must be among {RESULTS}")
    factors = tuple(_factor(f, f"{w}.factors[{i}]", problems) for i, f in enumerate(raw.get("factors", ())))
    ids = [f.id for f in factors]
    if not factors or len(set(ids)) != len(ids):
        problems.append(f"{w}.factors: required, with unique ids")
    _check_decision(raw.get("decision"), set(ids), f"{w}.decision", problems)
    threshold = None
    if "threshold" in raw:
        raw_t = raw["threshold"]
        if not isinstance(raw_t, Mapping) or raw.get("decision", {}).get("method") != "all_prongs":
            problems.append(f"{w}.threshold: an object, and only for a test decided by all_prongs")
        else:
            threshold = _factor(raw_t, f"{w}.threshold", problems)
            if not isinstance(raw_t.get("law"), str) or not raw_t["law"].strip():
                problems.append(f"{w}.threshold.law: the statute or case that defines the threshold is required")
    result_text = raw.get("result_text", {})
    for result in ("employee", "independent_contractor", "inconclusive"):
        if not isinstance(result_text.get(result), str):
            problems.append(f"{w}.result_text.{result}: plain-language text required")
    superseded = tuple(raw.get("superseded_by", ()))
    for s in superseded:
        if s not in TEST_IDS:
            problems.append(f"{w}.superseded_by: unknown test {s!r}")
    rule = RuleSet(
        id=raw.get("id", "?"), version=raw.get("version", "?"), title=raw.get("title", "?"),
        question=raw.get("question", ""), status=raw.get("status", "?"), effective_from=eff_from,
        effective_to=eff_to, effective_note=raw.get("effective_note", ""),
        sources=tuple(MappingProxyType(dict(s)) for s in sources),
        applies_when=MappingProxyType(dict(applies)), decisive=MappingProxyType(dict(decisive)),
        superseded_by=superseded, factors=factors, decision=MappingProxyType(dict(raw.get("decision") or {})),
        result_text=MappingProxyType(dict(result_text)), notes=tuple(raw.get("notes", ())), file=file,
        threshold=threshold, threshold_law=(raw.get("threshold") or {}).get("law", "") if threshold else "",
        threshold_uncertain=(raw.get("threshold") or {}).get("uncertain", "") if threshold else "")
    return rule, problems


def _overlaps(a: RuleSet, b: RuleSet) -> bool:
    if a.effective_from is None or b.effective_from is None:
        return False
    a_end = a.effective_to or _dt.date.max
    b_end = b.effective_to or _dt.date.max
    return a.effective_from <= b_end and b.effective_from <= a_end


def _derivations(raw: Mapping[str, Any], name: str, by_id: Mapping[str, list[RuleSet]],
                 problems: list[str]) -> dict[tuple[str, str], list[Derivation]]:
    """Parse a derivations file: each entry names the factors it fills (test id -> factor id), its citation and
    its cases (conditions over other questions)."""
    out: dict[tuple[str, str], list[Derivation]] = {}
    for i, entry in enumerate(raw.get("derivations", ())):
        w = f"{name}.derivations[{i}]"
        for key in ("id", "title", "citation", "text"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problems.append(f"{w}.{key}: required")
        cases = tuple(_case(c, f"{w}.cases[{j}]", problems, needs_when=True)
                      for j, c in enumerate(entry.get("cases", ())))
        if not cases:
            problems.append(f"{w}.cases: at least one case is required")
        fields: list[str] = []
        for c in cases:
            fields.extend(p for p in conditions.fields_of(c.when) if p not in fields)
        d = Derivation(entry.get("id", "?"), entry.get("title", "?"), entry.get("citation", ""),
                       entry.get("text", ""), cases, tuple(fields))
        targets = entry.get("applies_to")
        if not isinstance(targets, Mapping) or not targets:
            problems.append(f"{w}.applies_to: a map of test id -> factor id is required")
            continue
        for test_id, factor_id in targets.items():
            versions = by_id.get(test_id)
            if not versions:
                problems.append(f"{w}.applies_to: unknown test {test_id!r}")
                continue
            for rs in versions:
                factor = next((f for f in rs.factors if f.id == factor_id), None)
                if factor is None:
                    problems.append(f"{w}.applies_to: {test_id} {rs.version} has no factor {factor_id!r}")
                elif set(d.fields) & set(factor.fields):
                    problems.append(f"{w}: reads {sorted(set(d.fields) & set(factor.fields))}, which the factor "
                                    f"{test_id}.{factor_id} already reads; a derivation must use other questions")
            out.setdefault((test_id, factor_id), []).append(d)
    return out


def build_catalog(files: Mapping[str, Mapping[str, Any]]) -> Catalog:
    """Check every file and build the catalog; raises RuleSetError listing every problem in every file."""
    problems: list[str] = []
    by_id: dict[str, list[RuleSet]] = {}
    jurisdictions: Mapping[str, Any] | None = None
    rechecks: Mapping[str, Any] | None = None
    derivation_files: list[tuple[str, Mapping[str, Any]]] = []
    for name, raw in sorted(files.items()):
        kind = raw.get("kind")
        if kind == "jurisdictions":
            jurisdictions = raw
        elif kind == "derivations":
            derivation_files.append((name, raw))
        elif kind == "rechecks":
            rechecks = raw
        elif kind == "test":
            rule, found = parse_rule_set(raw, name)
            problems.extend(found)
            by_id.setdefault(rule.id, []).append(rule)
        else:
            problems.append(f"{name}: 'kind' must be test, jurisdictions, derivations or rechecks")
    for test_id, versions in by_id.items():
        versions.sort(key=lambda r: (r.effective_from is None, r.effective_from or _dt.date.min, r.version))
        seen = [r.version for r in versions]
        if len(set(seen)) != len(seen):
            problems.append(f"{test_id}: two files carry the same version")
        for i, a in enumerate(versions):
            for b in versions[i + 1:]:
                if _overlaps(a, b):
                    problems.append(f"{test_id}: versions {a.version} and {b.version} overlap in time")
    if jurisdictions is None:
        problems.append("the jurisdictions file is missing")
    else:
        named = list(jurisdictions.get("everywhere", ()))
        for state, tests in jurisdictions.get("states", {}).items():
            named.extend(tests)
        for family, members in jurisdictions.get("families", {}).items():
            named.extend(members)
        for test_id in named:
            if test_id not in by_id and test_id not in jurisdictions.get("families", {}):
                problems.append(f"jurisdictions: no rule set for {test_id!r}")
    if rechecks is None:
        problems.append("the rechecks file is missing")
    derivations: dict[tuple[str, str], list[Derivation]] = {}
    for name, raw in derivation_files:
        for key, found in _derivations(raw, name, by_id, problems).items():
            derivations.setdefault(key, []).extend(found)
    if problems:
        raise RuleSetError(problems)
    return Catalog(MappingProxyType({k: tuple(v) for k, v in by_id.items()}),
                   MappingProxyType(dict(jurisdictions)), MappingProxyType(dict(rechecks)),
                   MappingProxyType({k: tuple(v) for k, v in derivations.items()}))


def read_rule_files() -> dict[str, dict[str, Any]]:
    """The packaged rules/*.json files by name (data only; nothing in them is executed)."""
    folder = resources.files("backoffice.classification.engine.rules")
    return {entry.name: json.loads(entry.read_text(encoding="utf-8"))
            for entry in folder.iterdir() if entry.name.endswith(".json")}


@lru_cache(maxsize=1)
def default_catalog() -> Catalog:
    """The catalog built from the packaged rule files (read once per process)."""
    return build_catalog(read_rule_files())


def coverage(catalog: Catalog) -> list[dict[str, Any]]:
    """Every version of every test: where it applies, its status and dates, its threshold step and how many of its
    factors can be derived from other answers (for `backoffice classify --rules`)."""
    j = catalog.jurisdictions
    families: Mapping[str, list[str]] = j.get("families", {})
    where: dict[str, list[str]] = {}
    for name in j.get("everywhere", ()):
        for member in families.get(name, [name]):
            where.setdefault(member, []).append("every state (federal)")
    for state, names in j.get("states", {}).items():
        for name in names:
            for member in families.get(name, [name]):
                where.setdefault(member, []).append(state)
    family_of = {m: fam for fam, members in families.items() for m in members}
    rows = []
    for test_id in sorted(catalog.rule_sets):
        for rs in catalog.versions(test_id):
            derived = sorted(f.id for f in rs.factors if catalog.derivations_for(rs.id, f.id))
            rows.append({
                "test": rs.id, "family": family_of.get(rs.id), "jurisdictions": where.get(rs.id, []),
                "version": rs.version, "status": rs.status, "title": rs.title,
                "effective_from": rs.effective_from.isoformat() if rs.effective_from else None,
                "effective_to": rs.effective_to.isoformat() if rs.effective_to else None,
                "effective_note": rs.effective_note,
                "threshold": rs.threshold_law or None, "derived_factors": derived, "file": rs.file,
            })
    return rows
