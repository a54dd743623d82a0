"""Benchmark: the time the cyclic garbage collector takes from the load test's requests, in process, with Python's
default collector (`default`) or as the server's entry point sets it (`freeze`: backoffice/wsgi.py freezes the
started app's objects and collects the first generation every 50,000 allocations).

Run against a database bench_load.py seeded (PostgreSQL or SQLite), from the checkout to measure, with the same
BACKOFFICE_* environment as the server (database URL, keys, paystub cache directory):
    PYTHONPATH=$PWD .venv/bin/python bench/bench_server_gc.py default|freeze
Prints the app CPU per request (time.process_time), the wall time spent in collections per request (gc.callbacks),
the collections per generation and the objects tracked. The mix follows bench/locustfile.py's task weights, three
rounds of 130 requests in a fixed shuffled order. Timing stays out of the tests (docs/benchmarks.md, session 14)."""
import gc, os, sys, time, random
sys.path.insert(0, os.getcwd())
mode = sys.argv[1] if len(sys.argv) > 1 else "default"
if mode not in ("default", "freeze"):
    raise SystemExit("usage: bench_server_gc.py default|freeze")
import sqlalchemy as sa
from backoffice.app import create_app
from backoffice.extensions import db
app = create_app({"WTF_CSRF_ENABLED": False})
with app.app_context():
    from payroll.models import Paycheck, PayrollRun, released_runs
    from backoffice.security.models import User
    wid = db.session.execute(sa.select(User.worker_id).where(User.email == "worker@tandem.example")).scalar_one()
    pid = db.session.execute(sa.select(sa.func.max(Paycheck.id)).where(Paycheck.worker_id == wid, Paycheck.run_id.in_(released_runs()))).scalar_one()
    rid = db.session.execute(sa.select(sa.func.max(PayrollRun.id))).scalar_one()
sys.path.insert(0, os.path.join(os.getcwd(), "bench"))
from bench_load import _kinds
clients = {None: app.test_client()}
for who, email in (("worker", "worker@tandem.example"), ("staff", "hr@tandem.example")):
    c = app.test_client(); r = c.post("/login", data={"email": email, "password": "tandem-demo-2026"}); assert r.status_code == 302; clients[who] = c
kinds = {k[0]: k for k in _kinds(pid, rid)}
# the locustfile's weights: portal home 3, list 3, explained 3, PDF 1, W-4 2 (x10 portal users per staff);
# staff: workers search 4, paychecks search 3, run page 2, export 1
mix = (["portal home"] * 30 + ["portal paychecks"] * 30 + ["portal paycheck explained"] * 30 + ["portal paystub PDF"] * 10
       + ["portal W-4 what-if"] * 20 + ["admin workers search"] * 4 + ["admin paychecks search"] * 3 + ["admin run page"] * 2
       + ["admin workers CSV export"] * 1)
random.seed(1)
def send(name):
    _, who, method, path, body = kinds[name]
    c = clients[who]
    r = c.post(path, json=body) if method == "POST" else c.get(path)
    r.get_data()
for name in set(mix):
    send(name)
if mode == "freeze":
    gc.collect(); gc.freeze(); gc.set_threshold(50_000, 20, 20)
spent = [0.0, 0, 0, 0]
start = {}
def cb(phase, info):
    if phase == "start":
        start["t"] = time.perf_counter()
    else:
        spent[0] += time.perf_counter() - start["t"]; spent[1 + info["generation"]] += 1
gc.callbacks.append(cb)
seq = mix * 3
random.shuffle(seq)
t0 = time.process_time(); w0 = time.perf_counter()
for name in seq:
    send(name)
cpu = time.process_time() - t0
print(f"{mode}: {len(seq)} requests, app CPU {cpu*1000/len(seq):.2f} ms/request, in gc {spent[0]*1000/len(seq):.2f} ms/request, collections gen0/1/2 {spent[1]}/{spent[2]}/{spent[3]}, tracked objects {len(gc.get_objects())}, frozen {gc.get_freeze_count()}")
