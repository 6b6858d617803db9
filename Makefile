# CommitCensus — build, run and test on a fresh Debian machine with Swift.
#   make run    install what is missing, build, scan this checkout and a sample repository, print the reports
#   make test   install what is missing, run the whole test suite
#   make soak   a short load test and soak of censusd (wrk on loopback)

SWIFT        ?= swift
CONFIG       ?= debug
BIN          := .build/$(CONFIG)
# Build and test needs: libgit2 and SQLite headers, pkg-config to find them, git for the tests' repositories.
APT_PACKAGES := libgit2-dev libsqlite3-dev pkg-config git
# The tests also render the HTML report in a real browser; the load test and
# the benchmark scripts use wrk, curl, sqlite3 and bc.
TEST_APT_PACKAGES := chromium wrk curl sqlite3 bc
SAMPLE_REPO  := .build/sample-repo

.PHONY: all deps test-deps install-packages build release run sample test soak clean

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

test: test-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# A short load test and soak of censusd (scripts/load-test.sh; CI runs it after
# the tests, on the debug build they made). The full one: scripts/load-test.sh.
soak: test-deps
	$(SWIFT) build --product census
	$(SWIFT) build --product censusd
	BUILD=debug scripts/load-test.sh 20 500 5 60

clean:
	rm -rf .build
