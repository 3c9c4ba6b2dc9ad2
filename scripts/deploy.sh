#!/usr/bin/env bash
# One release on one VM host (docs/operations.md "Deploy"): run as the portal's user in the
# new checkout, with the production environment loaded, BEFORE restarting the units.
# Python packages into .venv, translations, static files, deploy checks, migrations under a
# PostgreSQL advisory lock (safe when two hosts deploy at once). Never touches Debian packages
# or PostgreSQL roles (that is scripts/setup.sh, for development machines).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv --ignore=var
.venv/bin/python manage.py collectstatic --noinput -v0
.venv/bin/python manage.py check --deploy --fail-level WARNING
.venv/bin/python manage.py migrate_with_lock --noinput
echo "Deploy steps done; now restart the units: systemctl restart blitar-web blitar-worker@* blitar-beat"
