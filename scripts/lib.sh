# Shared helpers for scripts/run and scripts/test.
VENV="${VENV:-$PWD/.venv}"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3

ensure_venv() {  # $1: pip extras, e.g. "[test]"
  local extras="$1" stamp
  [ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
  stamp="$VENV/.installed-$(cat setup.cfg pyproject.toml | sha256sum | cut -c1-16)${extras//[^a-z]/}"
  if [ ! -f "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null
    "$VENV/bin/python" -m pip install -q -e ".${extras}"
    touch "$stamp"
  fi
}

# The compiled (mypyc) build of the payroll and leave engines' hot modules, rebuilt only when their sources changed;
# on any failure it says why and the engines run as pure Python (docs/compiled-engine.md). Never fails the caller.
build_engine() {
  "$VENV/bin/python" scripts/build_engine.py || echo "engine build: skipped; the engine runs as pure Python"
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_debian_packages() {  # installs only what is missing
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v pdftotext >/dev/null || missing+=(poppler-utils)
  command -v chromium >/dev/null || missing+=(chromium)
  dpkg -s libharfbuzz-subset0 >/dev/null 2>&1 || missing+=(libharfbuzz-subset0)
  command -v initdb >/dev/null || [ -x "$(pg_config --bindir 2>/dev/null)/initdb" ] || missing+=(postgresql)
  # the C compiler and Python's headers for the engine's compiled build (docs/compiled-engine.md)
  command -v gcc >/dev/null || missing+=(gcc)
  [ -f "$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["include"])')/Python.h" ] || missing+=(python3-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

free_port() { "$PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A throwaway PostgreSQL cluster on a free loopback port (initdb refuses root: run it as the postgres user).
# Sets PG_URL (postgresql+psycopg://tandem@127.0.0.1:PORT/DB); pg_stop undoes it.
PG_USER=postgres
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$PG_USER" -- "$@"; else "$@"; fi; }
pg_start() {  # $1: work dir, $2: database name
  local work="$1" dbname="$2"
  PGBIN=$(pg_config --bindir 2>/dev/null || dirname "$(command -v initdb)")
  PGDATA="$work/pg"; PGPORT=$(free_port)
  mkdir -p "$PGDATA"; chmod 755 "$work"
  [ "$(id -u)" = 0 ] && chown "$PG_USER" "$PGDATA" "$work"
  run_pg "$PGBIN/initdb" -D "$PGDATA" -U tandem --auth=trust -E UTF8 >/dev/null || { echo "initdb failed"; return 1; }
  run_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$work/pg.log" -w \
    -o "-h 127.0.0.1 -p $PGPORT -k $work -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${PG_EXTRA_OPTS:-}" \
    start >/dev/null || { cat "$work/pg.log"; return 1; }
  "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U tandem "$dbname" || return 1
  PG_URL="postgresql+psycopg://tandem@127.0.0.1:$PGPORT/$dbname"
}
pg_stop() { [ -n "${PGDATA:-}" ] && [ -f "$PGDATA/postmaster.pid" ] && run_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1; true; }
