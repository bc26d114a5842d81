# Wingman's build entry points. `make run` and `make test` are the README's
# quickstart; .ci/run calls `make test` with CI=true.

GO          ?= go
BIN         := $(CURDIR)/bin
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -X main.version=$(VERSION) -X github.com/wingman-dev/wingman/cmd/wingctl/internal/build.Version=$(VERSION)
STATICCHECK := $(BIN)/staticcheck
STATICCHECK_VERSION := v0.8.2

.PHONY: all build run test unit lint bench clean

all: build

# Static binaries: nothing in Wingman needs cgo, and a worker that maps no
# C library stays smaller (its resident memory is a target).
build:
	CGO_ENABLED=0 $(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/ ./cmd/wingmand ./cmd/wingctl ./cmd/wingworker ./cmd/wingsandbox

# The whole system on the embedded store, nothing else needed. wingctl in
# another shell finds the bootstrap admin token by itself.
run: build
	@echo "wingmand on http://127.0.0.1:8470 (SQLite) with a worker for this machine. In another shell: ./bin/wingctl status"
	$(BIN)/wingmand serve --local-worker

# Lint, then every test. The PostgreSQL tests skip when it is missing,
# except under CI=true, where that fails the run.
test: lint unit

unit:
	$(GO) test -count=1 -timeout 15m ./...

lint: $(STATICCHECK)
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

$(STATICCHECK):
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

# Performance targets live here, never in timed tests.
bench:
	$(GO) test ./core/api -run '^$$' -bench 'Ingest|Approve' -benchtime 300x
	$(GO) test ./cmd/e2e -run '^$$' -bench WingctlApprove -benchtime 200x
	$(GO) test ./core/daemon -run '^$$' -bench ApprovalToTaskStart -benchtime 1000x -count 3
	$(GO) test ./core/daemon -run '^$$' -bench QueueThroughput -benchtime 20000x -count 5
	$(GO) test ./cmd/e2e -run '^$$' -bench WorkerIdle -benchtime 1x
	$(GO) test ./cmd/e2e -run '^$$' -bench OfflineReconnect -benchtime 1x
	$(GO) test ./cmd/e2e -run '^$$' -bench OfflineDrain100 -benchtime 1x
	$(GO) test ./core/api -run '^$$' -bench DashboardRender1MHistory -benchtime 300x
	$(GO) test ./tui/views -run '^$$' -bench DashboardView
	$(GO) test ./plugins/sandbox -run '^$$' -bench Startup -benchtime 200x -count 3

clean:
	rm -rf $(BIN)
