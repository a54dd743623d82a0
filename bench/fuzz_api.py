"""Fuzz the whole API from its own OpenAPI document as a worker, HR and a client approver, and print the figures.

Run: PYTHONPATH=. .venv/bin/python bench/fuzz_api.py [--examples 25] [--negative] [--database URL]
The same checks as tests/functional/test_api_fuzz.py (which runs a few cases per operation in the suite), with
more cases: a fresh SQLite database (or the URL given) migrated and seeded with two clients and three workers;
every operation fuzzed `--examples` times per role (derandomized: the same cases each run), then every GET with a
path id swept over the real records. Prints operations, requests per role, status codes, 5xx, leaks and 2xx bodies
not matching the documented schema; exits 1 when there is any 5xx or leak."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=25, help="generated cases per operation and role")
    parser.add_argument("--negative", action="store_true", help="also as many cases that break the schema")
    parser.add_argument("--database", help="a database URL (default: a new SQLite file, removed afterwards)")
    args = parser.parse_args(argv)

    from cryptography.fernet import Fernet
    from flask_migrate import upgrade

    from backoffice.app import create_app
    from backoffice.clock import FixedClock
    from backoffice.extensions import db
    from backoffice.security.access import sync_permissions
    from backoffice.security.services import issue_api_token
    from tests.conftest import IsolatedClient, _cheap_password_hashes
    from tests.factories import UserFactory
    from tests.functional.api_fuzz import Figures, fuzz, load_schema, seed_agency, sweep

    workdir = tempfile.mkdtemp(prefix="tandem-fuzz-")
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": args.database or f"sqlite:///{workdir}/fuzz.db",
                      "SECRET_KEY": "fuzz", "ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                      "PAYSTUB_CACHE_DIR": workdir, "REPORTS_EXPORT_DIR": workdir})
    app.test_client_class = IsolatedClient
    app.extensions["clock"] = FixedClock(date(2026, 11, 22))
    _cheap_password_hashes()
    started = time.monotonic()
    with app.app_context():
        upgrade()
        sync_permissions()
        db.session.commit()
        agency = seed_agency(lambda role, **kw: UserFactory(role=role, **kw),
                             lambda user: {"Authorization": f"Bearer {issue_api_token(user, 'fuzz')}"})
        client = app.test_client()
        schema = load_schema(app, client)
        figures = sweep(app, client, schema, agency, Figures())
        fuzz(app, client, schema, agency, max_examples=args.examples, figures=figures, negative=args.negative)
    print(f"examples per operation and role: {args.examples}" + (" positive + as many negative" if args.negative
                                                                  else " (positive)"))
    print("\n".join(figures.lines()))
    print(f"seconds: {time.monotonic() - started:.0f}")
    return 1 if figures.server_errors or figures.leaks else 0


if __name__ == "__main__":
    sys.exit(main())
