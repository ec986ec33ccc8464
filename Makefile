# Two commands on a fresh machine: `make demo` (main job) and `make test` (whole suite, ruff included).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint build clean browser engines images stress answers yasgui

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@echo "Installing spacefilms and its dependencies into $(VENV)/ (a few minutes the first time)..."
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)
	@echo "Installed: the command is $(BIN)/spacefilms (or run 'source $(BIN)/activate' once)"

# The main job writes where git does not look (.spacefilms/ is ignored): a demo run leaves the work tree clean.
DEMO := .spacefilms/demo

demo: $(STAMP)
	mkdir -p $(DEMO)
	$(BIN)/spacefilms build
	$(BIN)/spacefilms query cast
	$(BIN)/spacefilms query film-people-in-space
	$(BIN)/spacefilms diagram film-world --output $(DEMO)/film-world.png
	$(BIN)/spacefilms timeline --output $(DEMO)/timeline.png
	@echo "Diagrams written to $(DEMO)/; the command is $(BIN)/spacefilms"

# The pictures in the README (committed): redrawn only when asked, with the data's date of the last change.
images: $(STAMP)
	$(BIN)/spacefilms build
	for preset in film-world race flights organisations; do $(BIN)/spacefilms diagram $$preset --output docs/images/$$preset.png; done
	$(BIN)/spacefilms timeline --output docs/images/timeline.png
	$(BIN)/python -m spacefilms.diagrams.model_picture docs/images/data-model.png

test: $(STAMP) lint browser engines
	$(BIN)/python -m pytest -q

# The reviewed answer of every bundled query (tests/test_answers.py): written anew from the bundled graph, to be read
# with `git diff tests/data/answers` before committing.
answers: $(STAMP)
	$(BIN)/spacefilms build
	$(BIN)/python tests/test_answers.py

# Debian's chromium for the query-page test (tests/test_serve.py): installed only when missing and we are root.
# If it cannot be installed (not root, no apt, no network) the suite still runs and that test says why it skipped.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "warning: could not install chromium; the query-page test will be skipped"; \
	fi

# Debian's Virtuoso 7 and Apache Jena for the same-answers-on-every-store tests (tests/test_engines.py): installed
# only when missing and we are root; otherwise those tests say why they skipped.
engines:
	@if { ! command -v virtuoso-t >/dev/null || [ ! -f /usr/share/java/jena-arq.jar ]; } && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq virtuoso-opensource libapache-jena-java >/dev/null) \
		|| echo "warning: could not install virtuoso-opensource or libapache-jena-java; their tests will be skipped"; \
	fi

# The suite under load: five runs in a row while a CPU burner keeps both cores busy (not part of `make test`).
stress: $(STAMP)
	@yes > /dev/null & one=$$!; yes > /dev/null & two=$$!; trap 'kill $$one $$two' EXIT; passed=0; \
	for run in 1 2 3 4 5; do echo "stress run $$run/5 (both cores busy)"; \
		if $(MAKE) --no-print-directory test; then passed=$$((passed + 1)); fi; done; \
	echo "stress: make test passed $$passed of 5 runs with both cores busy"; [ $$passed = 5 ]

# YASGUI, the query page's editor and result views (tests/test_serve.py), vendored into the package from the npm
# registry so that the page loads nothing from elsewhere: `make yasgui` fetches the pinned version (npm install, its
# bundled dependencies with it, scripts not run), copies the built script and style, drops the source-map comment (a
# request for a file we do not ship), and writes every bundled package's licence beside them. LICENSE (YASGUI's own,
# which the npm package lacks) is kept by hand. Not part of `make test`: the vendored files are committed.
YASGUI_VERSION := 4.6.2
YASGUI_DIR := src/spacefilms/static/yasgui

yasgui:
	@command -v npm >/dev/null || { echo "error: make yasgui needs npm (apt-get install npm)"; exit 1; }
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	(cd "$$tmp" && npm install --silent --no-save --no-package-lock --ignore-scripts --no-audit --no-fund \
		@zazuko/yasgui@$(YASGUI_VERSION)) && \
	built="$$tmp/node_modules/@zazuko/yasgui/build" && mkdir -p $(YASGUI_DIR) && \
	sed '/^\/\/# sourceMappingURL=/d' "$$built/yasgui.min.js" > $(YASGUI_DIR)/yasgui.min.js && \
	sed '/sourceMappingURL=/d' "$$built/yasgui.min.css" > $(YASGUI_DIR)/yasgui.min.css && \
	{ echo "Licences of the packages bundled in yasgui.min.js and yasgui.min.css, as npm resolved them (make yasgui)."; \
	for dir in $$(cd "$$tmp" && npm ls --all --parseable --omit=dev | tail -n +2 | sort); do \
		node -p "const m = require('$$dir/package.json'); ['', '='.repeat(78), m.name + ' ' + m.version + ': ' + m.license, '='.repeat(78)].join('\\n')" || exit 1; \
		found=$$(ls "$$dir" | grep -iE '^(licen[cs]e|copying)' | sort); \
		if [ -n "$$found" ]; then for f in $$found; do cat "$$dir/$$f"; echo; done; else echo "(the package ships no licence file)"; fi; \
	done; } > $(YASGUI_DIR)/THIRD-PARTY-LICENSES && \
	echo "$(YASGUI_VERSION)" > $(YASGUI_DIR)/VERSION && \
	echo "Vendored @zazuko/yasgui $(YASGUI_VERSION) into $(YASGUI_DIR)/"

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

clean:
	rm -rf $(VENV) .spacefilms build dist
