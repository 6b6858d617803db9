# CommitCensus — build, run and test on a fresh Debian machine with Swift.
#   make run    install what is missing, build, scan this checkout and a sample repository, print the reports
#   make test   install what is missing, run the whole test suite
#   make pg     a throwaway PostgreSQL cluster on loopback for the fleet store; prints its URL
#   make fleet-demo   that cluster, two collectors over generated repositories, the dashboard URL
#   make soak   a short load test and soak of censusd (wrk on loopback)
#   make fuzz   libFuzzer on the message, commit-object, mailmap, configuration and date parsers
#   make install [PREFIX=/usr/local] [DESTDIR=]   self-contained census and censusd, man pages, completions
#   make uninstall   removes exactly what make install installed
#   make deb    .build/commitcensus_<version>_<arch>.deb (dpkg-deb, no network)
#   make test-install   builds both, installs them for real and runs them with the checkout hidden
#   make api-check   the OpenAPI description validated, and censusd fuzzed against it with schemathesis

SWIFT        ?= swift
CONFIG       ?= debug
BIN          := .build/$(CONFIG)
# Build and test needs: libgit2 and SQLite headers, pkg-config to find them, git for the tests' repositories.
APT_PACKAGES := libgit2-dev libdeflate-dev libsqlite3-dev pkg-config git
# The tests also render the HTML report in a real browser; the load test and
# the benchmark scripts use wrk, curl, sqlite3 and bc.
TEST_APT_PACKAGES := chromium wrk curl sqlite3 bc postgresql prometheus zstd
SAMPLE_REPO  := .build/sample-repo
PREFIX       ?= /usr/local
DESTDIR      ?=
# Installed and packaged binaries link the Swift runtime statically, so they
# run where no Swift toolchain is; their own build folder, since the flag
# rebuilds everything it touches.
DIST         := .build-install
DIST_BIN     := $(DIST)/release
VERSION      := $(shell sed -n 's/^ *public static let current = "\(.*\)"/\1/p' Sources/CensusKit/CensusVersion.swift)
# make deb reads the shared libraries' packages and man pages with these.
PACKAGING_APT_PACKAGES := dpkg-dev binutils man-db groff-base procps

.PHONY: all deps test-deps install-packages build release run sample test pg soak fuzz clean \
        dist manuals completions install uninstall deb test-install api-check fleet-demo

all: build

# Installs the Debian packages that are missing (as root, or through sudo).
deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(APT_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(APT_PACKAGES) $(TEST_APT_PACKAGES)"

install-packages:
	@missing=""; \
	for package in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$package 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing:$$missing"; \
	  sudo=""; [ "$$(id -u)" -ne 0 ] && sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG)

sample: build
	rm -rf $(SAMPLE_REPO)
	samples/make-sample-repo.sh $(SAMPLE_REPO)

# The main job: scan this checkout and the sample repository into the default
# store ($$CENSUS_DB, else ~/.local/share/census/census.sqlite) and report both.
run: sample
	$(BIN)/census scan --lines . $(SAMPLE_REPO)
	@echo
	$(BIN)/census report --repo .
	@echo
	$(BIN)/census report --repo $(SAMPLE_REPO)

# The PostgreSQL tests run against a throwaway cluster this target starts
# (scripts/pg-cluster.sh) and stops; if it cannot start, they fail.
test: test-deps
	python3 scripts/check-imports.py --self-test
	python3 scripts/check-imports.py
	python3 scripts/check-function-length.py
	$(SWIFT) build --build-tests
	url=$$(scripts/pg-cluster.sh start) && CENSUS_TEST_POSTGRES="$$url" $(SWIFT) test --skip-build; \
	  status=$$?; scripts/pg-cluster.sh stop; exit $$status

# A throwaway PostgreSQL cluster on loopback (under .build/pg), for trying the
# fleet store by hand: prints its URL, for --db or CENSUS_DB.
# scripts/pg-cluster.sh stop stops it.
pg:
	@$(MAKE) --no-print-directory install-packages PACKAGES="postgresql"
	@scripts/pg-cluster.sh start

# Two collectors over generated repositories, writing to the cluster of make pg;
# the dashboard URL (scripts/fleet-demo.sh; Ctrl-C stops the collectors).
fleet-demo: build
	@$(MAKE) --no-print-directory install-packages PACKAGES="postgresql curl"
	@scripts/fleet-demo.sh

# A short load test and soak of censusd (scripts/load-test.sh; CI runs it after
# the tests, on the debug build they made). The full one: scripts/load-test.sh.
# censusd's API against its OpenAPI description: openapi-spec-validator, then
# schemathesis against a real daemon (scripts/api-check.sh); both from PyPI
# into a virtual environment of the build's own.
VENV := .build/venv
$(VENV)/bin/schemathesis:
	command -v python3 >/dev/null || $(MAKE) --no-print-directory install-packages PACKAGES="python3"
	python3 -m venv $(VENV) || { $(MAKE) --no-print-directory install-packages PACKAGES="python3-venv" && python3 -m venv $(VENV); }
	$(VENV)/bin/pip install -q schemathesis openapi-spec-validator

api-check: $(VENV)/bin/schemathesis sample
	$(SWIFT) build --product censusd
	scripts/api-check.sh .build/debug/censusd $(SAMPLE_REPO) $(VENV)

soak: test-deps
	$(SWIFT) build --product census
	$(SWIFT) build --product censusd
	BUILD=debug scripts/load-test.sh 20 500 5 60

# libFuzzer on the parsers of repository and user text and on the date
# parser and period builder (Fuzz/, a package of its
# own so that the main build never sees fuzzing flags), each for FUZZ_SECONDS
# from its committed seed corpus; new inputs go to .build/fuzz-corpus. A crash
# leaves .build/fuzz-<target>-crash-* and fails; make it a regression test, then fix it.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := message:FuzzMessage commit-object:FuzzCommitObject mailmap:FuzzMailmap configuration:FuzzConfiguration dates:FuzzDates
fuzz: deps
	cd Fuzz && $(SWIFT) build -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
	@for target in $(FUZZ_TARGETS); do \
	  corpus=$${target%%:*}; binary=$${target##*:}; mkdir -p .build/fuzz-corpus/$$corpus; \
	  echo "fuzzing $$binary for $(FUZZ_SECONDS) s"; \
	  SWIFT_BACKTRACE=enable=no Fuzz/.build/debug/$$binary .build/fuzz-corpus/$$corpus Fuzz/Corpus/$$corpus \
	    -max_total_time=$(FUZZ_SECONDS) -artifact_prefix=.build/fuzz-$$corpus- -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 > .build/fuzz-$$corpus.log 2>&1 \
	    || { tail -40 .build/fuzz-$$corpus.log; exit 1; }; \
	  tail -3 .build/fuzz-$$corpus.log; \
	done

# Self-contained binaries (static Swift runtime; libgit2, SQLite and libdeflate stay shared).
# The executables export no symbols of their own beyond those the shared
# libraries bind to (the linker keeps these): the ~40,000 Swift symbols the
# dynamic table otherwise held were looked through at every start (the
# runtime's dladdr, the loader's lookups), ~2 ms of each 30 ms re-scan.
DIST_LINK = -Xlinker --no-export-dynamic
dist: deps
	$(SWIFT) build -c release --static-swift-stdlib $(DIST_LINK) --scratch-path $(DIST) --product census
	$(SWIFT) build -c release --static-swift-stdlib $(DIST_LINK) --scratch-path $(DIST) --product censusd

# Man pages from the commands themselves (swift-argument-parser's generate-manual).
manuals: deps
	scripts/make-manuals.sh .build/man

# Shell completions from the parser.
completions: dist
	mkdir -p .build/completions
	$(DIST_BIN)/census --generate-completion-script bash > .build/completions/census.bash
	$(DIST_BIN)/census --generate-completion-script zsh > .build/completions/_census
	$(DIST_BIN)/census --generate-completion-script fish > .build/completions/census.fish

install: dist manuals completions
	scripts/install.sh $(DIST_BIN) .build/man .build/completions "$(PREFIX)" "$(DESTDIR)"

uninstall:
	scripts/uninstall.sh "$(PREFIX)" "$(DESTDIR)"

deb: dist manuals completions
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(PACKAGING_APT_PACKAGES)"
	scripts/make-deb.sh $(VERSION) $(DIST_BIN) .build/man .build/completions

# The installation and the package tried as a user would (scripts/test-install.sh):
# installs them for real on this machine (CI's is a throwaway one) and removes them.
test-install: deb
	scripts/test-install.sh $(DIST_BIN) .build/commitcensus_$(VERSION)_$$(dpkg --print-architecture).deb

clean:
	rm -rf .build $(DIST)
