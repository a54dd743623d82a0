"""The demo, as `./scripts/run` serves it, for browser tests that walk a role's daily task: a fresh SQLite database
seeded by `backoffice seed-demo`, served by werkzeug in a child process on a free port (the test process's own
database and fixtures stay untouched; the demo's dates follow today's)."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.integration.onboarding.support import free_port

ROOT = Path(__file__).resolve().parents[3]
DEMO_PASSWORD = "tandem-demo-2026"
LOGINS = {"admin": "admin@tandem.example", "hr": "hr@tandem.example", "hr2": "hr2@tandem.example",
          "finance": "finance@tandem.example", "compliance": "compliance@tandem.example",
          "client_approver": "approver@tandem.example", "worker": "worker@tandem.example"}
SERVE = ("import logging, sys; from werkzeug.serving import run_simple; from backoffice.app import create_app; "
         "logging.getLogger('werkzeug').setLevel(logging.WARNING); "
         "run_simple('127.0.0.1', int(sys.argv[1]), create_app(), threaded=True)")


def demo_env(database: Path) -> dict:
    """The environment of a demo process: no BACKOFFICE_* setting of the caller's (its database, broker), fresh
    keys, this database."""
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}
    env.update(BACKOFFICE_DATABASE_URL=f"sqlite:///{database}", BACKOFFICE_SECRET_KEY=os.urandom(24).hex(),
               BACKOFFICE_ENCRYPTION_KEY=Fernet.generate_key().decode(), PYTHONPATH=str(ROOT))
    return env


@contextmanager
def running_demo(workers: int = 40, database: Path | None = None):
    """Yield the base URL of a served demo with `workers` workers (about 20 s to seed 40); its SQLite file is
    `database` when given (a test that reads the demo's records with demo_env(database)), else a temporary one."""
    with tempfile.TemporaryDirectory(prefix="tandem-demo-") as work:
        env = demo_env(database or Path(work) / "demo.db")
        cli = [sys.executable, "-c", "import sys; from backoffice.cli import main; sys.exit(main())"]
        subprocess.run(cli + ["db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
        subprocess.run(cli + ["seed-demo", "--workers", str(workers)], env=env, cwd=ROOT, check=True,
                       capture_output=True)
        port = free_port()
        server = subprocess.Popen([sys.executable, "-c", SERVE, str(port)], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120      # building the app takes seconds, more on a loaded machine
            while True:
                try:
                    urllib.request.urlopen(f"{base}/login", timeout=5)
                    break
                except OSError:
                    if server.poll() is not None:
                        raise RuntimeError(server.stderr.read().decode()[-2000:])
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"the demo server did not answer on {base} within 120 s")
                    time.sleep(0.2)
            yield base
        finally:
            server.terminate()
            server.wait(timeout=10)
            server.stderr.close()
