"""Benchmark: the app CPU and the SQL statements of each request kind of bench/locustfile.py, in process (no
server, no PostgreSQL needed): the quick side-by-side for cutting CPU per request (docs/benchmarks.md, "Session 13
(issue 18): point 5").

Run against a database seeded with `backoffice seed-demo` (SQLite is fine), from the checkout to measure:
    BACKOFFICE_DATABASE_URL=sqlite:////tmp/prof.db ... backoffice seed-demo --workers 200
    N=40 PYTHONPATH=$PWD .venv/bin/python bench/bench_request_cpu.py [--cprofile KIND] [--sql KIND]
Prints per kind the app CPU per request (time.process_time), the statements per request and the status; with
--cprofile the cProfile of the kinds whose name contains KIND, with --sql their statements. Timing stays out of
the tests."""
import os, sys, time, cProfile, pstats, io
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.getcwd())   # the checkout to measure is the current directory (another worktree for a side by side)
import sqlalchemy as sa
from backoffice.app import create_app
from backoffice.extensions import db
app = create_app({"WTF_CSRF_ENABLED": False})
stmts = []
with app.app_context():
    sa.event.listen(db.engine, "before_cursor_execute", lambda conn, cur, s, *a: stmts.append(s))
    from payroll.models import Paycheck, PayrollRun, released_runs
    from backoffice.security.models import User
    wid = db.session.execute(sa.select(User.worker_id).where(User.email == "worker@tandem.example")).scalar_one()
    pid = db.session.execute(sa.select(sa.func.max(Paycheck.id)).where(Paycheck.worker_id == wid, Paycheck.run_id.in_(released_runs()))).scalar_one()
    rid = db.session.execute(sa.select(sa.func.max(PayrollRun.id))).scalar_one()
sys.path.insert(0, HERE)
from bench_load import _kinds
clients = {None: app.test_client()}
for who, email in (("worker", "worker@tandem.example"), ("staff", "hr@tandem.example")):
    c = app.test_client(); r = c.post("/login", data={"email": email, "password": "tandem-demo-2026"}); assert r.status_code == 302; clients[who] = c
N = int(os.environ.get("N", 20))
args = sys.argv[1:]
cp = args[args.index("--cprofile") + 1] if "--cprofile" in args else None
sq = args[args.index("--sql") + 1] if "--sql" in args else None
for name, who, method, path, body in _kinds(pid, rid):
    c = clients[who]
    send = (lambda: c.post(path, json=body)) if method == "POST" else (lambda: c.get(path))
    first = send(); first.get_data()
    del stmts[:]
    t0 = time.process_time()
    prof = cProfile.Profile(time.process_time) if cp and cp in name else None   # CPU, not wall: the database's time is not ours
    if prof: prof.enable()
    for _ in range(N):
        send().get_data()
    if prof: prof.disable()
    cpu = (time.process_time() - t0) * 1000 / N
    print(f"{name:<28} {cpu:8.2f} ms {len(stmts)/N:5.1f} SQL  {first.status_code}")
    if sq and sq in name:
        for s in stmts[:len(stmts)//N]: print("   ", " ".join(s.split())[:220])
    if prof:
        s = io.StringIO(); pstats.Stats(prof, stream=s).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(int(os.environ.get("LINES", 60))); print(s.getvalue()[:12000])
