# Noaber: `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app app
HOST   ?= 127.0.0.1
PORT   ?= 5000

.PHONY: install translations run web test test-fast migrate-check clean

install: $(VENV)/.installed translations

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -q -d app/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) seed demo --if-empty
	@echo
	@echo "Noaber draait op http://$(HOST):$(PORT)  (stoppen met Ctrl-C)"
	@echo
	$(BIN)/gunicorn --workers 2 --bind $(HOST):$(PORT) --access-logfile - 'app:create_app()'

test: install
	$(BIN)/pytest $(PYTEST_ARGS)

migrate-check: install
	$(FLASK) db check

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
