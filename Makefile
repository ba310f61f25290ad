# mynadesk — build, test and demo on Debian/Ubuntu.
# `make demo` and `make test` install what is missing (apt-get, as root) and
# start pcscd with the vpcd virtual readers.

GO       ?= go
BIN      := bin
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -X main.Version=$(VERSION)
CMDS     := mynactl mynasim bookingd
export PATH := $(PATH):/usr/local/go/bin

.PHONY: all deps pcscd build test unit race vet demo bench fuzz clean

all: build

deps:
	@bash scripts/deps.sh

pcscd: deps
	@bash scripts/pcscd.sh

build: deps
	@mkdir -p $(BIN)
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/ $(addprefix ./cmd/,$(CMDS))

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

# Every test, with the race detector, against the real pcscd + vpcd stack.
# Tests that need pcscd fail (not skip) when CI=true.
test: pcscd vet
	BOOKING_POSTGRES_DSN=$$(bash scripts/postgres.sh) && export BOOKING_POSTGRES_DSN && \
	bash scripts/chromium.sh >/dev/null && \
	$(GO) test -race -count=1 -timeout 30m ./...

bench: pcscd
	$(GO) test -run '^$$' -bench . -benchmem ./card/ ./verify/
	$(GO) run ./verify/cmd/verifybench
	bash scripts/booking-load.sh

# Fuzz each parser for FUZZTIME (default 30s).
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz FuzzParseTLV -fuzztime $(FUZZTIME) ./card/
	$(GO) test -run '^$$' -fuzz FuzzParseResponse -fuzztime $(FUZZTIME) ./card/
	$(GO) test -run '^$$' -fuzz FuzzParseAttributes -fuzztime $(FUZZTIME) ./card/

# The virtual card behind pcscd, read end to end with mynactl.
demo: pcscd build
	@bash scripts/demo.sh $(BIN)

clean:
	rm -rf $(BIN)
