"""The production entry point (`gunicorn backoffice.wsgi:app`): the app is built and the started process's objects
are moved out of the cyclic garbage collector's way; other entry points keep Python's collector as it is."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from cryptography.fernet import Fernet

from tests.conftest import ROOT

PROBE = ("import gc, json; before = gc.get_threshold(); import backoffice.wsgi as w; "
         "print(json.dumps([before, gc.get_threshold(), gc.get_freeze_count(), w.app.import_name]))")


def test_the_server_process_freezes_its_start_up_objects_and_collects_every_50000_allocations(tmp_path):
    """Python's default thresholds are (700, 10, 10) (the gc module's documentation); the server's are
    (50000, 20, 20), as the paystub renderer's processes (reports/pdf.py). The started app holds hundreds of
    thousands of objects (about 480,000 measured on the demo): well over 100,000 are frozen."""
    env = dict(os.environ, BACKOFFICE_DATABASE_URL=f"sqlite:///{tmp_path / 'wsgi.db'}",
               BACKOFFICE_SECRET_KEY="wsgi-test", BACKOFFICE_ENCRYPTION_KEY=Fernet.generate_key().decode(),
               PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, cwd=str(tmp_path), capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    before, after, frozen, import_name = json.loads(out.stdout.strip().splitlines()[-1])
    assert import_name == "backoffice"
    assert before == [700, 10, 10]
    assert after == [50000, 20, 20]
    assert frozen > 100_000
