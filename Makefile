# mynadesk — build, test and demo on Debian/Ubuntu.
# `make demo` and `make test` install what is missing (apt-get, as root) and
# start pcscd with the vpcd virtual readers.

GO       ?= go
BIN      := bin
# One version for the binaries and every package (packaging/product.env).
VERSION  ?= $(shell . packaging/product.env && echo $$VERSION)
LDFLAGS  := -X main.Version=$(VERSION)
CMDS     := mynactl mynasim bookingd mynadesk
# The Japanese font the app embeds comes from the OS package at build time;
# it is never committed (IPA Font License, see assets/fonts/README.md).
FONT_SRC := /usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf
export PATH := $(PATH):/usr/local/go/bin

.PHONY: all deps font pcscd build test package package-test vet demo demo-cli demo-app screenshots bench fuzz clean

all: build

deps:
	@bash scripts/deps.sh

font: deps
	@test -f assets/fonts/ipaexg.ttf || cp $(FONT_SRC) assets/fonts/

pcscd: deps
	@bash scripts/pcscd.sh

build: deps font
	@mkdir -p $(BIN)
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/ $(addprefix ./cmd/,$(CMDS))

vet: font
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# Every test, with the race detector, against the real pcscd + vpcd stack.
# Tests that need pcscd fail (not skip) when CI=true.
test: pcscd vet
	BOOKING_POSTGRES_DSN=$$(bash scripts/postgres.sh) && export BOOKING_POSTGRES_DSN && \
	bash scripts/chromium.sh >/dev/null && \
	$(GO) test -race -count=1 -timeout 30m ./...
	@bash scripts/package.sh test

# Installers in out/package/: the signed Windows MSI and the Linux .deb
# (the macOS .dmg is built on a Mac: scripts/package.sh mac).
package:
	@bash scripts/package.sh build

# Build the packages from this checkout and check them; exit 1 on any failure.
package-test:
	@bash scripts/package.sh test

bench: pcscd build
	$(GO) test -run '^$$' -bench . -benchmem ./card/ ./verify/
	$(GO) run ./verify/cmd/verifybench
	bash scripts/booking-load.sh
	$(GO) test -run '^$$' -bench PINToVerdict ./ui/vm/
	xvfb-run -a $(BIN)/mynadesk --measure-startup

# Every fuzz target for FUZZTIME each (default 30s).
fuzz:
	@bash scripts/fuzz.sh

# The whole flow on one machine: bookingd (SQLite, loopback), a virtual card
# behind pcscd, the registration page in a browser, and the desktop app.
# Without a display it falls back to the command-line demo.
demo: pcscd build
	@if [ -n "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then bash scripts/demo-app.sh $(BIN); \
	else echo "make demo: no display, so the command-line demo (make screenshots shows the app)"; \
	bash scripts/demo.sh $(BIN); fi

# The virtual card behind pcscd, read end to end with mynactl.
demo-cli: pcscd build
	@bash scripts/demo.sh $(BIN)

demo-app: pcscd build
	@bash scripts/demo-app.sh $(BIN)

# Every screen and error state under Xvfb → out/screenshots/*.png
screenshots: deps font
	bash scripts/screenshots.sh

clean:
	rm -rf $(BIN) out/package out/_win out/screenshots
