"""The API fuzzed from its own OpenAPI document as a worker, HR and a client approver: no server error, the
documented shape for every success, and nothing of another worker (or, for the approver, another client).
Derandomized and small (a few cases per operation and role); bench/fuzz_api.py runs the same with more."""
from __future__ import annotations

import pytest

from tests.functional.api_fuzz import Figures, fuzz, load_schema, seed_agency, sweep

EXAMPLES = 4


@pytest.fixture
def agency(db, make_user, token_for, fixed_clock):
    return seed_agency(make_user, token_for)


def test_fuzzing_every_operation_as_three_roles_finds_no_server_error_and_no_leak(app, client, agency):
    schema = load_schema(app, client)
    figures = sweep(app, client, schema, agency, Figures())
    fuzz(app, client, schema, agency, max_examples=EXAMPLES, figures=figures)
    report = "\n".join(figures.lines())
    assert figures.operations >= 30, report
    assert all(figures.requests[role] >= figures.operations for role in ("worker", "hr", "client_approver")), report
    assert figures.server_errors == [], report
    assert figures.leaks == [], report
    assert figures.nonconforming == [], report


def test_a_worker_without_a_birth_date_matches_the_documented_schema(app, client, db, make_user, token_for):
    """Found by bench/fuzz_api.py: birth_date is null until it is known, and the document did not allow null."""
    schema = load_schema(app, client)
    resp = client.post("/api/v1/workers", json={"first_name": "Ana", "last_name": "Lima", "email": "a@example.com"},
                       headers=token_for(make_user("hr")))
    assert resp.status_code == 201 and resp.get_json()["birth_date"] is None
    schema["/api/v1/workers"]["POST"].validate_response(resp)         # raises when the body breaks the schema
