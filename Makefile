# Waypoint: `make run` starts the portal with demo data; `make test` runs every test.
# Both work from a fresh clone (Python 3.11+, Node 20+).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app portal
STAMP  := $(VENV)/.installed
# Two workers: the machine has two cores (pass PYTEST_ARGS= to run in one process).
PYTEST_ARGS ?= -n 2
# BROWSER=no runs every test but the real-browser ones (no chromium needed).
BROWSER ?= yes
ifeq ($(BROWSER),no)
BROWSER_CHECK :=
PYTEST_MARKS  := -m "not e2e"
else
BROWSER_CHECK := browser
PYTEST_MARKS  :=
endif

.PHONY: run test test-clock lint format bench install assets db clean translations messages browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# GOV.UK Frontend's built CSS, JS, fonts and images, served by the portal itself (no CDN).
static/govuk/.built: node_modules/.package-lock.json deploy/govuk-assets.sh
	sh deploy/govuk-assets.sh

assets: static/govuk/.built

# Welsh (and any other) catalogues compiled from the committed .po files.
translations: install
	$(BIN)/pybabel compile --statistics -d portal/translations

# Re-extract every translatable string and update the catalogues after changing text.
# --no-fuzzy-matching: a new string stays empty (and tests/welsh names it) instead of getting a
# "fuzzy" guess from a similar old string, which is never shown yet looks translated.
# Strings no longer used stay at the end as #~ entries (never compiled): when a text is
# reworded, its old translation is there for the translator to adapt.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations \
		--no-fuzzy-matching

db: install
	$(FLASK) db upgrade heads

run: install assets translations db
	$(FLASK) demo seed
	$(BIN)/python -m portal.run

# Debian's chromium for the browser tests: installed when missing (as root), else one line
# saying what to do.
browser:
	@sh tests/support/ensure_chromium.sh

test: $(BROWSER_CHECK) install assets translations
	$(BIN)/python -m pytest $(PYTEST_ARGS) $(PYTEST_MARKS)

# The suite (less what runs in another process, whose clock does not move) as if it started
# at WHEN, an ISO 8601 instant: finds a test that passes only at some hours or dates.
WHEN ?= 2027-06-14T23:30:00Z
test-clock: $(BROWSER_CHECK) install assets translations
	WAYPOINT_TEST_NOW=$(WHEN) $(BIN)/python -m pytest -n 2 tests \
		--ignore=tests/deploy --ignore=tests/portal/test_liveness.py \
		--ignore=tests/notifications/test_faults.py --ignore=tests/notifications/test_webhooks.py \
		-k "not liveness_file"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The page benchmark drives gunicorn with Debian's wrk: installed when missing (as root).
bench: install assets translations
	@command -v wrk >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null 2>&1; } \
	  || { echo "make bench needs Debian's package wrk: install it (sudo apt-get install wrk)." >&2; exit 1; }
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules static/govuk .pytest_cache .mypy_cache .ruff_cache
