"""Load scenario for `bench/bench_load.py` (locust): workers on their phones and staff at their desks.

Both speak HTTP through locust's FastHttpUser (geventhttpclient): the load generator runs on the same two cores as
the server, and it costs about half the CPU per request of HttpUser (python-requests; 0.7 against 1.3 ms over the
full load, docs/benchmarks.md, session 14). LOAD_HTTP_CLIENT=requests brings HttpUser back for a side by side. Cookies, redirects (not followed at
sign-in), CSRF tokens and every check are the same with either.

PortalUser (200 by default): signs in, then reads the home page, the paycheck list, one paycheck's explanation, its
paystub PDF, and asks the W-4 what-if preview. StaffUser (20): signs in as HR, then searches the worker and
paycheck lists, opens a payroll run's page and exports the worker list as CSV. Each user waits 1–3 s between
actions, as a person would. Logins come from the environment the driver sets: LOAD_WORKER_EMAILS (comma
separated), LOAD_STAFF_EMAIL, LOAD_PASSWORD."""
from __future__ import annotations

import itertools
import os
import random
import re

from locust import FastHttpUser, HttpUser, between, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "tandem-demo-2026")
_workers = itertools.cycle([e for e in os.environ.get("LOAD_WORKER_EMAILS", "worker@tandem.example").split(",") if e])
STAFF = os.environ.get("LOAD_STAFF_EMAIL", "hr@tandem.example")
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
_PAYCHECK = re.compile(r'href="/portal/paychecks/(\d+)"')
_RUN = re.compile(r'href="/admin/payroll-runs/(\d+)"')   # the run's page (payroll_desk.detail)
SEARCHES = ("smith", "ann", "lee", "garcia", "jo", "mar")
Client = HttpUser if os.environ.get("LOAD_HTTP_CLIENT") == "requests" else FastHttpUser


def sign_in(user: Client, email: str) -> None:
    page = user.client.get("/login", name="sign-in page")
    token = _TOKEN.search(page.text).group(1)
    with user.client.post("/login", data={"csrf_token": token, "email": email, "password": PASSWORD},
                          name="sign in", allow_redirects=False, catch_response=True) as r:
        if r.status_code != 302:
            r.failure(f"sign-in for {email} answered {r.status_code}")


class PortalUser(Client):
    fixed_count = int(os.environ.get("LOAD_PORTAL_USERS", "200"))
    wait_time = between(1, 3)

    def on_start(self):
        sign_in(self, next(_workers))
        home = self.client.get("/portal/", name="portal home")
        found = _META.search(home.text)
        self.csrf = found.group(1) if found else ""
        listing = self.client.get("/portal/paychecks", name="portal paychecks")
        self.paychecks = _PAYCHECK.findall(listing.text) or []

    @task(3)
    def home(self):
        self.client.get("/portal/", name="portal home")

    @task(3)
    def paycheck_list(self):
        self.client.get("/portal/paychecks", name="portal paychecks")

    @task(3)
    def paycheck(self):
        if self.paychecks:
            self.client.get(f"/portal/paychecks/{random.choice(self.paychecks)}", name="portal paycheck explained")

    @task(1)
    def paystub(self):
        if self.paychecks:
            self.client.get(f"/portal/paychecks/{random.choice(self.paychecks)}.pdf", name="portal paystub PDF")

    @task(2)
    def w4_whatif(self):
        body = {"filing_status": random.choice(("single", "married_jointly", "head_of_household")),
                "step3_credits": random.choice(("0", "2000", "4000")), "step4a_other_income": "0",
                "step4b_deductions": "0", "step4c_extra": random.choice(("0", "25")), "step2_checkbox": False,
                "exempt": False, "gross": random.choice(("", "", "1250.00"))}
        with self.client.post("/portal/api/w4-preview", json=body, name="portal W-4 what-if", catch_response=True,
                              headers={"X-CSRFToken": self.csrf, "Accept": "application/json"}) as r:
            if r.status_code == 422 and _asks_for_gross(r):
                r.success()          # paid by the piece or the day: the page asks for a gross, as it should
                self.typed_gross = True
            elif r.status_code != 200:
                r.failure(f"{r.status_code}: {r.text[:200]}")
        if getattr(self, "typed_gross", False) and not body["gross"]:
            body["gross"] = "1250.00"           # the person types their usual gross and the preview answers
            with self.client.post("/portal/api/w4-preview", json=body, name="portal W-4 what-if",
                                  catch_response=True, headers={"X-CSRFToken": self.csrf,
                                                                "Accept": "application/json"}) as r:
                if r.status_code != 200:
                    r.failure(f"{r.status_code}: {r.text[:200]}")


def _asks_for_gross(response) -> bool:
    try:
        return [i.get("field") for i in response.json().get("issues", [])] == ["gross"]
    except ValueError:
        return False


class StaffUser(Client):
    fixed_count = int(os.environ.get("LOAD_STAFF_USERS", "20"))
    wait_time = between(1, 3)

    def on_start(self):
        sign_in(self, STAFF)
        runs = self.client.get("/admin/payroll_run/", name="admin runs list")
        self.runs = _RUN.findall(runs.text) or []

    @task(4)
    def worker_search(self):
        self.client.get(f"/admin/workers/?search={random.choice(SEARCHES)}", name="admin workers search")

    @task(3)
    def paycheck_list(self):
        self.client.get(f"/admin/paycheck/?search={random.choice(SEARCHES)}", name="admin paychecks search")

    @task(2)
    def run_page(self):
        if self.runs:
            self.client.get(f"/admin/payroll-runs/{random.choice(self.runs)}", name="admin run page")

    @task(1)
    def export(self):
        self.client.get("/admin/workers/export/csv/", name="admin workers CSV export")
