#!/usr/bin/env bash
# Prepare a Debian/Ubuntu machine for the portal: system packages, PostgreSQL +
# PostGIS, Redis, .venv, migrations and regions. Idempotent; `make run` and
# `make test` call it. Usage: scripts/setup.sh [--for-tests]
set -euo pipefail
cd "$(dirname "$0")/.."

FOR_TESTS=0
[ "${1:-}" = "--for-tests" ] && FOR_TESTS=1
PYTHON=${PYTHON:-python3}
DATABASE_URL=${DATABASE_URL:-postgis://localhost/blitar_portal}
REDIS_URL=${REDIS_URL:-redis://localhost:6379/0}
export DATABASE_URL REDIS_URL

say() { printf '\033[1;32m==>\033[0m %s\n' "$*"; }
die() { printf '\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@";
  elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then sudo "$@";
  else return 1; fi
}

# --- 1. System packages (Debian names) ---------------------------------------
pg_major() {
  if command -v pg_config >/dev/null; then pg_config --version | sed -E 's/[^0-9]*([0-9]+).*/\1/';
  else ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; fi
}
PG_MAJOR=$(pg_major)
[ -n "$PG_MAJOR" ] || PG_MAJOR=15
# gdal-bin brings libgdal, GEOS and PROJ, which GeoDjango loads.
packages=(postgresql "postgresql-${PG_MAJOR}-postgis-3" gdal-bin redis-server gettext)
# libcairo2 + a font: CairoSVG draws the dashboard charts' PNG downloads (blitar_portal/dashboard/svg.py).
packages+=(libcairo2 fonts-dejavu-core)
# Debian's python3 needs python3-venv; a pyenv/other Python has venv built in.
"$PYTHON" -c "import ensurepip" 2>/dev/null || packages+=(python3-venv)
# nginx: the VM-path test runs the deploy/nginx site in front of gunicorn.
[ "$FOR_TESTS" = 1 ] && packages+=(chromium fonts-dejavu-core wrk nginx pgbouncer)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "Installing system packages: ${missing[*]}"
  if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/tmp/blitar-apt.log 2>&1; then
    if as_root true 2>/dev/null; then
      as_root apt-get update -q >/dev/null 2>&1 || true
      as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/tmp/blitar-apt.log 2>&1 \
        || die "apt-get install failed (see /tmp/blitar-apt.log). Packages: ${missing[*]}"
    else
      die "These system packages are missing and I am not root (no passwordless sudo). Run:
    sudo apt-get update && sudo apt-get install -y ${missing[*]}
then run this command again."
    fi
  fi
fi

# --- 2. PostgreSQL answers, with PostGIS available ------------------------------
pg_up() { pg_isready -q -h localhost 2>/dev/null; }
if ! pg_up; then
  say "Starting PostgreSQL"
  cluster_ver=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$cluster_ver" main start 2>/dev/null \
    || as_root service postgresql start >/dev/null 2>&1 || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || die "PostgreSQL does not answer on localhost:5432. Start it (sudo service postgresql start) and retry."
fi

DB_NAME=$("$PYTHON" -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).path.lstrip('/'))" "$DATABASE_URL")
DB_HOST=$("$PYTHON" -c "import sys,urllib.parse as u; print(u.urlparse(sys.argv[1]).hostname or 'localhost')" "$DATABASE_URL")
DB_USER=$("$PYTHON" -c "import sys,urllib.parse as u,getpass; print(u.urlparse(sys.argv[1]).username or getpass.getuser())" "$DATABASE_URL")
psql_admin() { psql -h "$DB_HOST" -d postgres -U "$DB_USER" -tAqc "$1" 2>/dev/null; }

if ! psql_admin "select 1" >/dev/null; then
  # Fresh Debian: only the postgres OS user may connect. Create a superuser role
  # for this OS user, with a password kept in ~/.pgpass (libpq reads it).
  say "Creating PostgreSQL role '$DB_USER'"
  password=$("$PYTHON" -c "import secrets; print(secrets.token_hex(16))")
  as_root su postgres -c "psql -qc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$DB_USER') THEN CREATE ROLE \\\"$DB_USER\\\" LOGIN SUPERUSER; END IF; END \\\$\\\$; ALTER ROLE \\\"$DB_USER\\\" PASSWORD '$password';\"" \
    || die "Cannot create a PostgreSQL role. Run: sudo -u postgres createuser --superuser --pwprompt $DB_USER, and set DATABASE_URL=postgis://$DB_USER:PASSWORD@localhost/$DB_NAME"
  touch ~/.pgpass && chmod 600 ~/.pgpass
  grep -v "^$DB_HOST:5432:\*:$DB_USER:" ~/.pgpass > ~/.pgpass.new || true
  echo "$DB_HOST:5432:*:$DB_USER:$password" >> ~/.pgpass.new && mv ~/.pgpass.new ~/.pgpass && chmod 600 ~/.pgpass
  psql_admin "select 1" >/dev/null || die "PostgreSQL role '$DB_USER' still cannot log in; see README 'Configuration'."
fi

if [ "$(psql_admin "select count(*) from pg_available_extensions where name='postgis'")" != "1" ]; then
  die "PostgreSQL ${PG_MAJOR} has no PostGIS extension. Install it:
    sudo apt-get install -y postgresql-${PG_MAJOR}-postgis-3
then run this command again."
fi
if [ "$(psql_admin "select count(*) from pg_database where datname='$DB_NAME'")" != "1" ]; then
  say "Creating database $DB_NAME"
  createdb -h "$DB_HOST" -U "$DB_USER" "$DB_NAME"
fi
PGOPTIONS='-c client_min_messages=warning' psql -h "$DB_HOST" -U "$DB_USER" -d "$DB_NAME" -qc "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm;" >/dev/null \
  || die "Cannot create the postgis extension in $DB_NAME (the role needs to be a superuser)."

# --- 3. Redis answers -----------------------------------------------------------------
redis_up() { "$PYTHON" - "$REDIS_URL" <<'EOF' 2>/dev/null
import socket, sys, urllib.parse as u
p = u.urlparse(sys.argv[1]); s = socket.create_connection((p.hostname or "localhost", p.port or 6379), 1)
s.sendall(b"PING\r\n"); sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
EOF
}
if ! redis_up; then
  say "Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null 2>&1 \
    || as_root service redis-server start >/dev/null 2>&1 || true
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
  redis_up || die "Redis does not answer at $REDIS_URL. Start it (sudo service redis-server start) and retry."
fi

# --- 4. Python environment ----------------------------------------------------------------
REQ=requirements.txt
[ "$FOR_TESTS" = 1 ] && REQ=requirements-dev.txt
if [ ! -x .venv/bin/python ]; then
  say "Creating .venv"
  "$PYTHON" -m venv .venv
fi
stamp=".venv/.installed-$(cat requirements.txt "$REQ" | sha1sum | cut -c1-12)"
if [ ! -f "$stamp" ]; then
  say "Installing Python packages ($REQ)"
  .venv/bin/pip install -q --disable-pip-version-check -r "$REQ"
  touch "$stamp"
fi

# --- 5. Translations, schema, regions -----------------------------------------------------------
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=var
.venv/bin/python manage.py migrate -v0 --noinput
.venv/bin/python manage.py load_regions
say "Setup done."
