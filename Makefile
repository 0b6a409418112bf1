# anlao — the README's two commands, and a few more.
PY ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test test-sqlite test-postgres lint bench install serve clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is needed ($(PY) not found)"; exit 1; }
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make demo: venv, migrate SQLite, build the demo city, serve on http://127.0.0.1:8000
demo: $(STAMP)
	bash scripts/demo.sh

## make test: the whole suite on SQLite, then on a throwaway PostgreSQL cluster
test: $(STAMP)
	bash scripts/test.sh

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	bash scripts/bench.sh

clean:
	rm -rf $(VENV) anlao.sqlite3* staticfiles
