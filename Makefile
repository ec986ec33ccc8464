# Two commands on a fresh machine: `make demo` (main job) and `make test` (whole suite, ruff included).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint build clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/spacefilms build
	$(BIN)/spacefilms query cast
	$(BIN)/spacefilms query film-people-in-space
	$(BIN)/spacefilms diagram film-world --output docs/images/film-world.png
	$(BIN)/spacefilms timeline --output docs/images/timeline.png

test: $(STAMP) lint browser
	$(BIN)/python -m pytest -q

# Debian's chromium for the query-page test (tests/test_serve.py): installed only when missing and we are root.
# If it cannot be installed (not root, no apt, no network) the suite still runs and that test says why it skipped.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "warning: could not install chromium; the query-page test will be skipped"; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

clean:
	rm -rf $(VENV) .spacefilms build dist
