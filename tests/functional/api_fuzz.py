"""Fuzzing the API from its own OpenAPI document (schemathesis): a small agency of two clients, tokens for a
worker, HR and a client approver, and the checks made on every response (no 5xx, the documented body shape, no
other worker's or other client's records). Used by tests/functional/test_api_fuzz.py and bench/fuzz_api.py."""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import schemathesis
from hypothesis.internal.conjecture import utils as _cu
from hypothesis_jsonschema import _from_schema
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import DataGenerationMethod
from schemathesis.transports import WSGITransport

ROLES = ("worker", "hr", "client_approver")


class _LegacyMany:
    """hypothesis-jsonschema 0.23 (what schemathesis 3.39 draws JSON bodies with) calls `many(...).more()` and
    `.reject()`; hypothesis 6.170 (in the shared venv) made `many` a context manager to iterate. This gives the old
    calls on top of the new object, so every object schema can be drawn at all (else AttributeError: 'more')."""

    def __init__(self, data, **kw):
        self._many = _cu.many(data, **kw)
        self._many.__enter__()
        self._steps = iter(self._many)

    def more(self) -> bool:
        try:
            next(self._steps)
            return True
        except StopIteration:
            self._many.__exit__(None, None, None)
            return False

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


if not hasattr(_cu.many, "more"):
    _from_schema.cu = SimpleNamespace(many=_LegacyMany)


@dataclass
class Foreign:
    """What one role must never be shown: other people's names, emails and SSNs, and ids of their records."""

    texts: tuple[str, ...]
    worker_ids: frozenset[int]
    client_ids: frozenset[int] = frozenset()


@dataclass
class Agency:
    headers: dict[str, dict[str, str]]
    foreign: dict[str, Foreign]
    ids: dict[str, list[int]]                  # record ids by path parameter name, for the sweep over real records


@dataclass
class Figures:
    operations: int = 0
    requests: Counter = field(default_factory=Counter)          # by role
    statuses: Counter = field(default_factory=Counter)          # by status code
    server_errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    nonconforming: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"operations: {self.operations}",
               "requests per role: " + ", ".join(f"{r} {self.requests[r]}" for r in ROLES),
               f"requests in all: {sum(self.requests.values())}",
               "status codes: " + ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items())),
               f"5xx: {len(self.server_errors)}",
               f"leaks: {len(self.leaks)}",
               f"2xx bodies not matching the documented schema: {len(self.nonconforming)}"]
        for title, items in (("5xx", self.server_errors), ("leak", self.leaks),
                             ("schema mismatch", self.nonconforming)):
            out += [f"  {title}: {item}" for item in sorted(set(items))[:20]]
        return out


def seed_agency(make_user, token_for) -> Agency:
    """Two clients; Alderwood has two workers (one of them holds the worker token), Brackenridge one; each has an
    engagement, a week of approved time and a paid paycheck. The approver approves for Alderwood."""
    from tests.factories import (ClientFactory, EngagementFactory, PaycheckFactory, PayrollRunFactory,
                                 TimesheetFactory, WorkerFactory)

    alder = ClientFactory(name="Alderwood Foods", state="TX")
    bracken = ClientFactory(name="Brackenridge Mills", state="TX")
    people = {}
    for key, client, first, last, n in (("own", alder, "Ottoline", "Quimby", 7001),
                                        ("colleague", alder, "Cressida", "Vantongeren", 7002),
                                        ("stranger", bracken, "Severin", "Blackwood", 7003)):
        w = WorkerFactory(n=n, payroll_ready=True, first_name=first, last_name=last,
                          email=f"{first.lower()}.{last.lower()}@example.com")
        e = EngagementFactory(worker=w, client=client, start_date=date(2026, 1, 5))
        people[key] = (w, e, TimesheetFactory(engagement=e, week_start=date(2026, 11, 2)))
    run = PayrollRunFactory()
    checks = {k: PaycheckFactory(run=run, engagement=e, gross=1000, employee_taxes=150) for k, (_, e, _) in
              people.items()}

    def marks(*keys) -> tuple[str, ...]:
        out = []
        for k in keys:
            w = people[k][0]
            out += [w.first_name, w.last_name, w.email, w.tin, f"{w.tin[:3]}-{w.tin[3:5]}-{w.tin[5:]}"]
        return tuple(out)

    own, colleague, stranger = (people[k][0] for k in ("own", "colleague", "stranger"))
    worker = make_user("worker", worker_id=own.id)
    approver = make_user("client_approver", client_id=alder.id)
    hr = make_user("hr")
    return Agency(
        headers={"worker": token_for(worker), "hr": token_for(hr), "client_approver": token_for(approver)},
        foreign={"worker": Foreign(marks("colleague", "stranger") + (bracken.name,),
                                   frozenset({colleague.id, stranger.id}), frozenset({bracken.id})),
                 "client_approver": Foreign(marks("stranger") + (bracken.name,), frozenset({stranger.id}),
                                            frozenset({bracken.id})),
                 "hr": Foreign((), frozenset())},
        ids={"worker_id": [w.id for w, _, _ in people.values()],
             "client_id": [alder.id, bracken.id],
             "engagement_id": [e.id for _, e, _ in people.values()],
             "ident": sorted({run.id} | {t.id for _, _, t in people.values()} | {p.id for p in checks.values()}),
             "case_id": [1], "job_id": ["0" * 32]})


def load_schema(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    return schemathesis.from_dict(spec, app=app, sanitize_output=False)


def _walk(node, found: list):
    if isinstance(node, dict):
        found.append(node)
        for v in node.values():
            _walk(v, found)
    elif isinstance(node, list):
        for v in node:
            _walk(v, found)


def leaks_in(text: str, payload, foreign: Foreign, path: str) -> list[str]:
    """What a response shows of records the role may not see: another person's name, email or SSN in the text;
    an object naming a foreign worker or client (worker_id / client_id, or a worker record's own id)."""
    out = [f"text {t!r}" for t in foreign.texts if t and t.lower() in text.lower()]
    objects: list = []
    _walk(payload, objects)
    for obj in objects:
        if obj.get("worker_id") in foreign.worker_ids:
            out.append(f"worker_id {obj['worker_id']}")
        if obj.get("client_id") in foreign.client_ids:
            out.append(f"client_id {obj['client_id']}")
        if path.startswith("/api/v1/workers") and "tin_masked" in obj and obj.get("id") in foreign.worker_ids:
            out.append(f"worker record {obj['id']}")
    return out


def _body_text(response) -> str:
    """The answer as text for the leak checks: a ZIP (a worker's data export) by its members, a PDF not at all."""
    if response.mimetype == "application/pdf":
        return ""
    if response.mimetype == "application/zip":
        import io
        import zipfile

        z = zipfile.ZipFile(io.BytesIO(response.get_data()))
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if not n.endswith(".pdf"))
    return response.get_data(as_text=True)


def check_response(case, response, role: str, agency: Agency, figures: Figures, label: str) -> None:
    figures.requests[role] += 1
    figures.statuses[response.status_code] += 1
    where = f"{role} {case.method} {case.formatted_path}"
    if response.status_code >= 500:
        figures.server_errors.append(f"{where} -> {response.status_code} ({label})")
    text = _body_text(response)
    payload = None
    if response.is_json:
        try:
            payload = json.loads(text)
        except ValueError:
            payload = None
    for leak in leaks_in(text, payload, agency.foreign[role], case.formatted_path):
        figures.leaks.append(f"{where}: {leak}")
    if 200 <= response.status_code < 300 and label != "negative":
        try:
            case.operation.validate_response(response)
        except AssertionError as exc:
            figures.nonconforming.append(f"{where}: {str(exc).splitlines()[0][:160]}")


def send(client, transport, case, headers, role, agency: Agency, figures: Figures, label: str) -> None:
    """One request; under TESTING an unhandled exception propagates instead of becoming a 500: count it as one."""
    try:
        response = client.open(**transport.serialize_case(case, headers=headers))
    except Exception as exc:  # noqa: BLE001 (whatever the view raised is the finding)
        figures.requests[role] += 1
        figures.statuses[500] += 1
        figures.server_errors.append(f"{role} {case.method} {case.formatted_path} -> {type(exc).__name__}: "
                                     f"{str(exc)[:120]} ({label})")
        return
    check_response(case, response, role, agency, figures, label)


def fuzz(app, client, schema, agency: Agency, *, max_examples: int, figures: Figures,
         negative: bool = False) -> Figures:
    """Every operation, as each role, with `max_examples` generated cases (derandomized: the same cases each
    run); `negative` adds as many cases that break the schema (wrong types, out-of-range numbers, missing fields).
    Nothing raises: every finding is counted in `figures`."""
    transport = WSGITransport(app)
    for result in schema.get_all_operations():
        operation = result.ok()
        figures.operations += 1
        for role in ROLES:
            for method in (DataGenerationMethod.positive,) + ((DataGenerationMethod.negative,) if negative else ()):
                _fuzz_one(client, transport, operation, role, agency, figures, max_examples, method)
    return figures


def _fuzz_one(client, transport, operation, role: str, agency: Agency, figures: Figures, max_examples: int,
              method: DataGenerationMethod):
    headers = agency.headers[role]

    @settings(max_examples=max_examples, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(data_generation_method=method))
    def one(case):
        send(client, transport, case, headers, role, agency, figures, method.name)

    try:
        one()
    except Unsatisfiable:               # no way to break this operation's schema (e.g. a GET with no parameter)
        if method is DataGenerationMethod.positive:
            raise


def sweep(app, client, schema, agency: Agency, figures: Figures) -> Figures:
    """Every GET operation with a path parameter, as each role, on every real record of the agency: where random
    ids rarely land, this is where a leak would show."""
    transport = WSGITransport(app)
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() != "GET" or not operation.path_parameters:
            continue
        name = operation.path_parameters[0].name
        for ident in agency.ids.get(name, []):
            for role in ROLES:
                case = operation.make_case(path_parameters={name: ident})
                send(client, transport, case, agency.headers[role], role, agency, figures, "sweep")
    return figures
