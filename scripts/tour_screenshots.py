"""Regenerate the screenshots of docs/tour.md: each role's dashboard (desktop), the workers list and a run page, and
the worker's portal home and a paycheck on a phone. Run it as `scripts/tour-screenshots` (a fresh demo database
in a temporary folder, the app served on a free port, Debian's Chromium driven by Playwright)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "tandem-demo-2026"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
# (file, login, path, viewport): what docs/tour.md shows
SHOTS = [
    ("hr-dashboard.png", "hr@tandem.example", "/admin/", DESKTOP),
    ("finance-dashboard.png", "finance@tandem.example", "/admin/", DESKTOP),
    ("finance-dashboard-phone.png", "finance@tandem.example", "/admin/", PHONE),
    ("approver-dashboard.png", "approver@tandem.example", "/admin/", DESKTOP),
    ("compliance-dashboard.png", "compliance@tandem.example", "/admin/", DESKTOP),
    ("workers-list.png", "hr@tandem.example", "/admin/workers/", DESKTOP),
    ("payroll-run.png", "hr@tandem.example", "/admin/payroll-runs/2", DESKTOP),
    ("portal-home-phone.png", "worker@tandem.example", "/portal/", PHONE),
    ("portal-paycheck-phone.png", "worker@tandem.example", "/portal/paychecks/1", PHONE),
    ("portal-benefits-phone.png", "worker@tandem.example", "/portal/benefits", PHONE),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(only: list[str] | None = None) -> int:
    """Every shot, or only the files named (e.g. `scripts/tour-screenshots portal-benefits-phone.png`)."""
    shots = [s for s in SHOTS if not only or s[0] in only]
    chromium = os.environ.get("BACKOFFICE_TEST_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        print("Chromium is needed: apt-get install chromium", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="tandem-tour-"))
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if not k.startswith("BACKOFFICE_")}    # not the caller's database
    env.update(BACKOFFICE_DATABASE_URL=f"sqlite:///{work / 'tour.db'}", BACKOFFICE_SECRET_KEY=os.urandom(24).hex(),
               BACKOFFICE_ENCRYPTION_KEY=Fernet.generate_key().decode(), PYTHONPATH=str(ROOT))
    backoffice = [sys.executable, "-c", "import sys; from backoffice.cli import main; sys.exit(main())"]
    subprocess.run(backoffice + ["db", "upgrade"], env=env, check=True, cwd=ROOT, capture_output=True)
    subprocess.run(backoffice + ["seed-demo", "--workers", os.environ.get("DEMO_WORKERS", "200")], env=env,
                   check=True, cwd=ROOT, capture_output=True)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from werkzeug.serving import make_server

    from backoffice.app import create_app

    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)      # no request log on the console
    app = create_app()
    port = _free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{port}"
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for filename, email, path, viewport in shots:
                page = browser.new_context(viewport=viewport).new_page()
                page.goto(f"{base}/login")
                page.fill("#email", email)
                page.fill("#password", PASSWORD)
                page.click("button[type=submit]")
                page.wait_for_load_state("networkidle")
                page.goto(base + path)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=str(OUT / filename), full_page=viewport is not PHONE or "dashboard" in filename)
                page.context.close()
                print(f"docs/screenshots/{filename}")
            browser.close()
    finally:
        server.shutdown()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
