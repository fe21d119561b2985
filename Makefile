VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in emails, feeds and pages: where the site is served, unless SITE_URL says otherwise.
# Set here once, because honcho gives every process of the Procfile a PORT of its own.
SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)

.PHONY: run test soak lint format install clean translations

$(STAMP): pyproject.toml
	test -d $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/flask db upgrade
	$(VENV)/bin/flask demo
	$(VENV)/bin/flask banner --url $(SITE_URL)
	SITE_URL=$(SITE_URL) PORT=$(PORT) HOST=$(HOST) $(VENV)/bin/honcho start -f Procfile

CHECKERS := tests/pages/node_modules/.installed

# The HTML and accessibility checkers (vnu-jar, axe-core) come from npm; without npm
# their tests are skipped with a reason.
$(CHECKERS): tests/pages/package.json tests/pages/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/pages --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "npm not found: the HTML and accessibility checks will be skipped"; fi

# One worker per CPU; each worker has a PostgreSQL database of its own beside
# TEST_DATABASE_URL (without it those tests skip with their reason). Browser tests stay on
# one worker (their xdist_group), one Chromium at a time.
test: $(STAMP) $(CHECKERS)
	$(VENV)/bin/pytest -n auto --dist loadgroup -m "not soak"

# The long fault and load runs, one at a time: a real sender killed 50 times mid-batch,
# several senders over 5,000 notices, PostgreSQL restarted under load, and the load scenario
# of bench/load (32 people for 60 s under locust: readers, writers, subscribers, with the
# sender running) on SQLite and on PostgreSQL (about 7 minutes in all).
soak: $(STAMP)
	$(VENV)/bin/pytest -m soak -rP

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) *.egg-info

# Collect the English strings and merge them into the German catalogue (then translate the
# new msgstr lines in app/translations/de/LC_MESSAGES/messages.po).
translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k _ln:1,2 -k lazy_ngettext:1,2 \
		--no-wrap -o .messages.pot .
	$(VENV)/bin/pybabel update -i .messages.pot -d app/translations --no-fuzzy-matching --no-wrap
	rm -f .messages.pot
