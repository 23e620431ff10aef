# Khung — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
ADDR ?= 127.0.0.1:8080
GO ?= go
BIN := bin/khung
# Go 1.27.3 (its standard library has the security fixes govulncheck asks for): the go
# command fetches it from the Go module proxy on first use, whatever Go the machine has.
export GOTOOLCHAIN := go1.27.3
# How long `make fuzz` runs each fuzz target beyond its seed corpus.
FUZZTIME ?= 5s

.PHONY: run test build vet vulncheck fuzz deps-test chromium node-tools mip-optima clean

## run: start PostgreSQL if needed, migrate, load the demo city and serve on $(ADDR)
run: build
	ADDR=$(ADDR) scripts/with-db.sh run -- bash -c '$(BIN) migrate && $(BIN) seed --demo && $(BIN) serve'

## test: same database bootstrap, then go vet, the vulnerability scan, every test (unit,
## database, browser) and a short run of the fuzz targets of untrusted input
test: deps-test
	scripts/with-db.sh test -- bash -c '$(GO) vet ./... && scripts/vulncheck.sh && $(GO) test -count=1 -timeout 20m ./... && $(MAKE) --no-print-directory fuzz'

## vulncheck: govulncheck, offline, against the pinned vulnerability database (tools/vuln)
vulncheck:
	scripts/vulncheck.sh

## fuzz: the fuzz targets of untrusted input (proposal files, JSON bodies, uploads), FUZZTIME each
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzReadGridNeverPanicsAndExplainsEveryRefusal$$' -fuzztime $(FUZZTIME) ./app/proposals/
	$(GO) test -run '^$$' -fuzz '^FuzzBindJSONAnswersBadInputWithAClientError$$' -fuzztime $(FUZZTIME) ./routes/
	$(GO) test -run '^$$' -fuzz '^FuzzSniffNeverPanics$$' -fuzztime $(FUZZTIME) ./app/attachments/

build:
	$(GO) build -o $(BIN) .

deps-test: chromium node-tools

## chromium: Debian's Chromium for the browser tests and the PDFs, and poppler-utils
## (pdfsig, pdftotext) with which the tests check the PDFs and their signatures
chromium:
	@{ command -v chromium && command -v pdfsig && command -v pdftotext; } >/dev/null || { \
		echo "installing chromium and poppler-utils (Debian packages)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; }

## node-tools: validators used by tests (ical.js, redocly, highs), pinned in tools/node
node-tools:
	@if [ -f tools/node/package.json ]; then \
		[ -d tools/node/node_modules ] || npm ci --prefix tools/node --no-audit --no-fund --loglevel=error; fi

## mip-optima: recompute the exact optima of the small planning instances with HiGHS (slow, opt-in)
mip-optima: node-tools
	$(GO) run . plan mip-goldens

clean:
	rm -rf bin

.PHONY: load soak tenyears reports-bench

## load: web load with wrk on a national-scale published plan, next to a bare Fiber handler (not in test)
load:
	scripts/load.sh

## soak: two replicas behind nginx on one private PostgreSQL, with faults: restarts, SMTP down, kill -9 (not in test)
soak: build
	scripts/soak.sh

## tenyears: (re)create khung_tenyears with ten years of national statistics, 2017–2026 (not in test)
tenyears:
	scripts/with-db.sh run -- $(GO) run ./scripts/tenyears

## reports-bench: p50/p95 of the periodic report and the dashboard on khung_tenyears (not in test)
reports-bench:
	scripts/with-db.sh run -- $(GO) run ./scripts/reportsbench
