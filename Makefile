# tweetlda: PGXS build, plus the project's own targets (deps, test, demo, bench)

EXTENSION   = tweetlda
EXTVERSION := $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" tweetlda.control)

MODULE_big  = tweetlda
# C files, plus the C++ shim over CLD2 (src/langdetect_cld2.cpp, built by PGXS's %.o: %.cpp rule)
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c))) \
              $(patsubst %.cpp,%.o,$(sort $(wildcard src/*.cpp)))
SQL_SRC     = $(sort $(wildcard src/sql/*.sql))
DATA_built  = tweetlda--$(EXTVERSION).sql
# upgrade/ holds the released install scripts (frozen, never edited) and the upgrade deltas.
DATA        = $(wildcard upgrade/tweetlda--*.sql)
REGRESS     = $(basename $(notdir $(sort $(wildcard sql/*.sql))))
REGRESS_OPTS = --inputdir=$(srcdir) --encoding=UTF8 --no-locale
PG_CPPFLAGS = -I$(srcdir)/src
SHLIB_LINK  = -lstemmer -lcld2 -lstdc++ -lm
EXTRA_CLEAN = $(DATA_built)

# Pin PostgreSQL 15 (Debian's /usr/bin/pg_config follows the newest server installed).
PG_CONFIG  ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS       := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

ifneq ($(PGXS),)
include $(PGXS)
else
all install installcheck:
	@echo "PostgreSQL 15 server headers are missing: run 'make deps' (or 'make test') first" >&2; exit 1
endif

# The install script is assembled from src/sql/*.sql; "-- @load" lines pull in data files.
$(DATA_built): $(SQL_SRC) $(wildcard data/*.tsv data/*/*.tsv) scripts/build-install-sql tweetlda.control
	scripts/build-install-sql $(SQL_SRC) > $@.tmp && mv $@.tmp $@

.PHONY: deps test demo demo-stop bench

# Install the Debian packages the project needs (no-op when they are present).
deps:
	scripts/deps

# Build, then run every test (pg_regress and TAP) against temporary instances.
test: deps
	$(MAKE) all
	test/run-tests

# The main job: install the extension (with sudo when not root), then a private cluster in the
# state directory (linked as .tweetlda/demo) with the extension and the bundled tweets.
demo: deps
	$(MAKE) all
	$(SUDO) $(MAKE) install
	scripts/demo

# Stop the demo cluster and the dashboard.
demo-stop:
	scripts/demo stop

# Run the benchmarks in bench/ (needs ../shared/data).
bench: deps
	$(MAKE) all
	bench/run

# ---- The producer tweetlda-ingest (doc/ingest.md): a libpq client in clients/tweetlda-ingest/,
# built with the extension and installed into PostgreSQL's bindir.  (SCRIPTS_built would have
# to be set before the PGXS include, so the install rule is spelled out here.)
PRODUCER      = clients/tweetlda-ingest/tweetlda-ingest
PRODUCER_SRC  = $(sort $(wildcard clients/tweetlda-ingest/*.c))
PRODUCER_HDR  = $(wildcard clients/tweetlda-ingest/*.h)
EXTRA_CLEAN  += $(PRODUCER)
all: $(PRODUCER)
$(PRODUCER): $(PRODUCER_SRC) $(PRODUCER_HDR)
	$(CC) $(CFLAGS) -I$(shell $(PG_CONFIG) --includedir) $(PRODUCER_SRC) -o $@ -L$(shell $(PG_CONFIG) --libdir) -lpq
install: install-producer
install-producer: $(PRODUCER)
	$(MKDIR_P) '$(DESTDIR)$(bindir)'
	$(INSTALL_PROGRAM) $(PRODUCER) '$(DESTDIR)$(bindir)/'
uninstall: uninstall-producer
uninstall-producer:
	rm -f '$(DESTDIR)$(bindir)/tweetlda-ingest'
.PHONY: install-producer uninstall-producer

# ---- The dashboard tweetlda-dashboard (doc/dashboard.md): libmicrohttpd + libpq, in
# clients/tweetlda-dashboard/; its page (assets/) is installed into PostgreSQL's sharedir.
DASHBOARD        = clients/tweetlda-dashboard/tweetlda-dashboard
DASHBOARD_SRC    = $(sort $(wildcard clients/tweetlda-dashboard/*.c))
DASHBOARD_HDR    = $(wildcard clients/tweetlda-dashboard/*.h)
DASHBOARD_ASSETS = $(sort $(wildcard clients/tweetlda-dashboard/assets/*))
EXTRA_CLEAN     += $(DASHBOARD)
all: $(DASHBOARD)
$(DASHBOARD): $(DASHBOARD_SRC) $(DASHBOARD_HDR)
	$(CC) $(CFLAGS) -I$(shell $(PG_CONFIG) --includedir) \
	    -DDASHBOARD_ASSETS='"$(datadir)/tweetlda/dashboard"' $(DASHBOARD_SRC) -o $@ \
	    -L$(shell $(PG_CONFIG) --libdir) -lpq -lmicrohttpd -lpthread
install: install-dashboard
install-dashboard: $(DASHBOARD)
	$(MKDIR_P) '$(DESTDIR)$(bindir)' '$(DESTDIR)$(datadir)/tweetlda/dashboard'
	$(INSTALL_PROGRAM) $(DASHBOARD) '$(DESTDIR)$(bindir)/'
	$(INSTALL_DATA) $(DASHBOARD_ASSETS) '$(DESTDIR)$(datadir)/tweetlda/dashboard/'
uninstall: uninstall-dashboard
uninstall-dashboard:
	rm -f '$(DESTDIR)$(bindir)/tweetlda-dashboard'
	rm -rf '$(DESTDIR)$(datadir)/tweetlda/dashboard'
.PHONY: install-dashboard uninstall-dashboard

# ---- Programs on PATH: Debian's PostgreSQL bindir is not on PATH, so `make install` also links
# every program the project installs into $(LINKDIR) (default /usr/local/bin, on everyone's PATH;
# `make install LINKDIR=` links nothing).  With DESTDIR the link points at the final location.
LINKDIR   ?= /usr/local/bin
BIN_LINKS  = tweetlda-ingest tweetlda-dashboard
# Commands that need root (make demo's install) run through sudo when we are not root.
SUDO      ?= $(if $(filter 0,$(shell id -u)),,$(if $(shell command -v sudo),sudo))
install: install-links
install-links:
ifneq ($(LINKDIR),)
	$(MKDIR_P) '$(DESTDIR)$(LINKDIR)'
	for p in $(BIN_LINKS); do ln -sfn '$(bindir)'/$$p '$(DESTDIR)$(LINKDIR)'/$$p || exit 1; done
endif
uninstall: uninstall-links
uninstall-links:
ifneq ($(LINKDIR),)
	for p in $(BIN_LINKS); do \
	    if [ "$$(readlink '$(DESTDIR)$(LINKDIR)'/$$p)" = '$(bindir)'/$$p ]; then rm -f '$(DESTDIR)$(LINKDIR)'/$$p; fi; \
	done
endif
.PHONY: install-links uninstall-links

# ---- Test tools: the fuzzer of test/t/095_fuzz.pl (a libpq client, not installed), and
# `make sanitize`: the extension built with AddressSanitizer and UndefinedBehaviorSanitizer and
# every test run against it (test/sanitize; README, "Tests").
FUZZER = test/fuzz/tweetlda-fuzz
EXTRA_CLEAN += $(FUZZER)
all: $(FUZZER)
$(FUZZER): test/fuzz/tweetlda-fuzz.c
	$(CC) $(CFLAGS) -I$(shell $(PG_CONFIG) --includedir) $< -o $@ -L$(shell $(PG_CONFIG) --libdir) -lpq

.PHONY: sanitize
sanitize: deps
	test/sanitize
