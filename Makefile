# Khung — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
ADDR ?= 127.0.0.1:8080
GO ?= go
BIN := bin/khung

.PHONY: run test build vet deps-test chromium node-tools mip-optima clean

## run: start PostgreSQL if needed, migrate, load the demo city and serve on $(ADDR)
run: build
	ADDR=$(ADDR) scripts/with-db.sh run -- bash -c '$(BIN) migrate && $(BIN) seed --demo && $(BIN) serve'

## test: same database bootstrap, then go vet and every test (unit, database, browser)
test: deps-test
	scripts/with-db.sh test -- bash -c '$(GO) vet ./... && $(GO) test -count=1 -timeout 20m ./...'

build:
	$(GO) build -o $(BIN) .

deps-test: chromium node-tools

## chromium: Debian's Chromium for the browser tests
chromium:
	@command -v chromium >/dev/null || { \
		echo "installing chromium (Debian package)"; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

## node-tools: validators used by tests (ical.js, redocly, highs), pinned in tools/node
node-tools:
	@if [ -f tools/node/package.json ]; then \
		[ -d tools/node/node_modules ] || npm ci --prefix tools/node --no-audit --no-fund --loglevel=error; fi

## mip-optima: recompute the exact optima of the small planning instances with HiGHS (slow, opt-in)
mip-optima: node-tools
	$(GO) run . plan mip-goldens

clean:
	rm -rf bin

.PHONY: load soak

## load: web load with wrk on a national-scale published plan, next to a bare Fiber handler (not in test)
load:
	scripts/load.sh

## soak: two replicas behind nginx on one private PostgreSQL, with faults: restarts, SMTP down, kill -9 (not in test)
soak: build
	scripts/soak.sh
