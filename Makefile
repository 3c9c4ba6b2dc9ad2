# Two commands: `make run` (the whole portal with demo data) and `make test`.
SHELL := /bin/bash
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
SITE_URL ?= http://127.0.0.1:$(PORT)
export PORT SITE_URL

.PHONY: run test setup setup-test seed lint format bench serve deploy messages clean rehearsal

run: setup seed ## Set up, load demo data, run web + worker + beat (Ctrl-C stops all)
	@echo "Portal: http://127.0.0.1:$(PORT)/   admin: http://127.0.0.1:$(PORT)/admin/ (demo users in README)"
	$(VENV)/bin/honcho start -f Procfile -p $(PORT)

test: setup-test ## Set up, lint, type-check the public modules, then the whole test suite (browser tests included)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh --for-tests

seed:
	$(PY) manage.py seed_demo
	$(PY) manage.py photos_publish

serve: ## Production start: gunicorn only, never installs or migrates (run `make deploy` once per release first)
	@test -x $(VENV)/bin/gunicorn || { echo "No .venv: run 'make deploy' first (docs/operations.md)." >&2; exit 1; }
	exec $(VENV)/bin/gunicorn -c gunicorn.conf.py blitar_portal.wsgi

deploy: ## Once per release on each host: packages, translations, static files, migrations under a lock
	bash scripts/deploy.sh

bench: setup-test ## Performance figures as ratios to a trivial view (bench/README.md)
	$(PY) bench/run.py

rehearsal: setup-test ## Scale-out failover drill on loopback, ~3 min (docs/operations.md "Scale-out rehearsal")
	$(PY) scripts/rehearsal.py --prepare
	$(PY) scripts/rehearsal.py

lint:
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format:
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: ## Refresh the English catalogues after changing texts
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv --ignore=var

clean:
	rm -rf var/ .pytest_cache
