"""The WSGI entry point production servers load: `gunicorn backoffice.wsgi:app` (what `./scripts/run` serves).
Configuration comes from the environment (see backoffice/config.py), exactly as for the `backoffice` command."""
import gc

from backoffice.app import create_app

# A server process lives long and answers many small requests: the cyclic garbage collector's default thresholds
# made it traverse the ~480,000 objects of the started app again and again (about 1.5 ms of every request's
# 8 ms in the load test's mix, docs/benchmarks.md, session 14). Frozen, they are out of its way (they live as long
# as the process anyway); the first generation is collected every 50,000 allocations instead of 700, as the
# paystub renderer's processes do (reports/pdf.py). Only this entry point: tests, the CLI and workers keep Python's
# defaults.
SERVER_GC_THRESHOLD = (50_000, 20, 20)

app = create_app()
gc.collect()
gc.freeze()
gc.set_threshold(*SERVER_GC_THRESHOLD)
