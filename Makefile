# The two commands of the Quick start are `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed

.PHONY: run test bench lint setup system-packages clean

$(PY):
	"$$(scripts/find-python)" -m venv $(VENV)

$(STAMP): $(PY) requirements.lock pyproject.toml
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

setup: $(STAMP)

system-packages:
	@scripts/system-packages test

# Development: SQLite under var/, Redis when REDIS_URL is set (else Celery's
# filesystem broker), emails written under var/mail/. One Ctrl-C stops all.
# Importing the settings writes nothing, so the folders the processes write
# to (VAR_DIR and the filesystem broker's queue) are made here first.
run: setup
	@scripts/system-packages run || true
	DEBUG=on $(PY) -c "from followup_site import settings; settings.make_runtime_folders()"
	DEBUG=on $(PY) manage.py migrate --no-input
	DEBUG=on $(PY) manage.py demo_account
	PATH="$(CURDIR)/$(BIN):$$PATH" DEBUG=on ALLOWED_HOSTS=127.0.0.1,localhost honcho -f Procfile.dev start

test: setup system-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=$${SECRET_KEY:-test-only-not-a-secret} $(PY) manage.py check --fail-level WARNING
	SECRET_KEY=$${SECRET_KEY:-test-only-not-a-secret} $(PY) manage.py makemigrations --check --dry-run
	SECRET_KEY=$${SECRET_KEY:-test-only-not-a-secret} $(PY) -m pytest

# Every benchmark, the habit page's included, with bench/results.json written
# at the end (docs/performance.md); `make bench QUICK=1` is a smoke run of minutes.
bench: setup
	DEBUG=on $(PY) bench/run.py $(if $(QUICK),--quick)
	DEBUG=on $(PY) bench/guardrails.py

lint: setup
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

clean:
	rm -rf var/celery-queue var/mail var/staticfiles
