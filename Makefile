# Noaber: `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install translations translations-update run web test test-fast migrate-check bench clean

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

translations: $(VENV)/.installed
	@$(BIN)/pybabel compile -d app/translations

translations-update: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k N_ -k lazy_gettext --no-location --sort-output -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching --ignore-obsolete

# The key that signs the session cookies, made once for this checkout (config.py reads it
# when neither SECRET_KEY nor SECRET_KEY_FILE is set); production sets its own.
instance/secret_key:
	@mkdir -p instance
	@umask 077; $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))' > $@

run: install instance/secret_key
	$(FLASK) db upgrade
	$(FLASK) seed demo --if-empty
	@echo
	@echo "Noaber draait op http://$(HOST):$(PORT)  (stoppen met Ctrl-C)"
	@echo "De planner (signalen, e-mail) draait als eigen proces ernaast."
	@echo
	@trap 'kill 0' INT TERM EXIT; \
	$(FLASK) scheduler run & \
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - 'app:create_app()'

# The suite runs on SQLite, and once more on PostgreSQL when TEST_DATABASE_URL is set,
# each time on one pytest-xdist worker per CPU (TEST_WORKERS=0: in one process). With
# several workers each has its own PostgreSQL database: TEST_DATABASE_URL's name + _gw0 ...
# "worksteal": a worker that runs out takes tests from the other (a few tests take 20-35 s).
TEST_WORKERS ?= auto
PYTEST := $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal
test: install
	env -u TEST_DATABASE_URL $(PYTEST) $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "--- again on PostgreSQL ($$TEST_DATABASE_URL)"; \
		$(PYTEST) $(PYTEST_ARGS); \
	fi

# Pages, sweep and booking against the scale dataset (bench/run.py; docs/performance.md).
bench: install
	$(BIN)/python bench/run.py

migrate-check: install
	$(FLASK) db check

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
