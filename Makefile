# segstream build. Sources are discovered, so adding a file never means editing this:
#   lib/common/CONCEPT/*.cc    -> build/libcommon.a (ARCHITECTURE.md says which concept is where)
#   tools/NAME/main.cc         -> build/bin/NAME
#   tools/NAME/OTHER_main.cc   -> build/bin/OTHER   (segmerge lives beside segsplit)
#   tools/NAME/*.cc (the rest) -> shared by the binaries of that folder
#   **/*_test.cc               -> build/bin/unit_tests (GoogleTest)

CXX       ?= g++
comma     := ,
PREFIX    ?= /usr/local
DESTDIR   ?=
BUILD     ?= build
SANITIZE  ?=
JOBS      ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
# The shared test vectors sit beside the checkout (../shared), in CI as here.
export SEGSTREAM_TESTDATA ?= $(abspath $(CURDIR)/../shared/testdata)

CXXFLAGS_BASE := -std=c++20 -O2 -g -Wall -Wextra -Werror -pthread -I. -I/usr/include/postgresql
# Sanitizer builds (make sanitize) use clang at -O1: it builds instrumented code in about
# half GCC's time, and line tables are all a report needs. Each has its own build folder.
# (-O0 builds in 0.7x the time, but the unit tests then run for 9 minutes instead of 1.5:
# the byte-by-byte corruption tests hash every prefix with inlined XXH3.)
ifneq ($(SANITIZE),)
  CXX := clang++
  CXXFLAGS_BASE := -std=c++20 -O1 -gline-tables-only -Wall -Wextra -Werror -pthread -I. \
    -I/usr/include/postgresql
  CXXFLAGS_BASE += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=$(SANITIZE)
  BUILD := $(BUILD)-$(subst $(comma),-,$(SANITIZE))
endif
CXXFLAGS += $(CXXFLAGS_BASE)
# Full RELRO: the binaries get installed, and Debian's hardening flags (lintian) ask for it.
LDFLAGS  += -Wl,-z,relro -Wl,-z,now
LDLIBS   := -lpq -lzstd -llz4 -lz -lxxhash -pthread

LIB_SRCS   := $(filter-out %_test.cc %_fuzz.cc lib/common/testing/%,$(wildcard lib/common/*/*.cc))
LIB_OBJS   := $(LIB_SRCS:%.cc=$(BUILD)/obj/%.o)
LIB        := $(BUILD)/libcommon.a
TOOL_DIRS  := $(patsubst %/,%,$(wildcard tools/*/))
TEST_SRCS  := $(wildcard lib/common/*/*_test.cc lib/common/testing/*.cc tools/*/*_test.cc)
# The unit test binary holds UNIT_TEST_SRCS (all of them unless a caller narrows it, as make
# sanitize does for ThreadSanitizer) and the helper objects of the tools they test.
UNIT_TEST_SRCS ?= $(TEST_SRCS)
UNIT_TEST_OBJS := $(UNIT_TEST_SRCS:%.cc=$(BUILD)/obj/%.o)

# main.cc names the folder's binary; X_main.cc names binary X.
main_name = $(if $(filter main.cc,$(notdir $(1))),$(notdir $(patsubst %/,%,$(dir $(1)))),$(patsubst %_main.cc,%,$(notdir $(1))))
MAIN_SRCS := $(wildcard tools/*/main.cc tools/*/*_main.cc)
BINS      := $(foreach m,$(MAIN_SRCS),$(BUILD)/bin/$(call main_name,$(m)))
# Test-only programs (stream generators for bats fixtures): tests/tools/NAME/main.cc.
TEST_TOOL_MAINS := $(wildcard tests/tools/*/main.cc)
TEST_BINS := $(foreach m,$(TEST_TOOL_MAINS),$(BUILD)/bin/$(call main_name,$(m)))
# Per-tool helper objects (everything in the folder but mains and tests).
tool_objs = $(patsubst %.cc,$(BUILD)/obj/%.o,$(filter-out %main.cc %_test.cc,$(wildcard $(1)/*.cc)))
UNIT_TOOL_OBJS := $(foreach d,$(sort $(filter tools/%,$(dir $(UNIT_TEST_SRCS)))),$(call tool_objs,$(d:/=)))

.PHONY: all print-bins deps check-programs test test-mpp unit bats demo install install-debug uninstall \
  completions deb fuzz bench clean man lint compdb format-check sanitize sanitized-unit
all: $(BINS)

# The names of the binaries this Makefile builds, for tests and packaging that must not keep
# their own list.
print-bins:
	@echo $(notdir $(BINS))

$(BUILD)/obj/%.o: %.cc
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -MMD -MP -c $< -o $@

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

define BIN_RULE
$(BUILD)/bin/$(call main_name,$(1)): $(BUILD)/obj/$(1:.cc=.o) $(call tool_objs,$(patsubst %/,%,$(dir $(1)))) $(LIB)
	@mkdir -p $$(dir $$@)
	$$(CXX) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach m,$(MAIN_SRCS) $(TEST_TOOL_MAINS),$(eval $(call BIN_RULE,$(m))))

$(BUILD)/bin/unit_tests: $(UNIT_TEST_OBJS) $(UNIT_TOOL_OBJS) $(LIB)
	@mkdir -p $(dir $@)
	$(CXX) $(LDFLAGS) -o $@ $^ -lgtest -lgtest_main $(LDLIBS)

# Installs the Debian packages the build and tests need, only what is missing.
deps:
	@scripts/install-deps.sh

unit: deps
	@$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/bin/unit_tests
	$(BUILD)/bin/unit_tests --gtest_brief=1

bats: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all $(TEST_BINS)
	SEGSTREAM_BIN=$(CURDIR)/$(BUILD)/bin $(BATS) tests/bats

# bats files run $(JOBS) at a time (GNU parallel): a file's tests mostly wait on servers
# starting and stopping, so two files on two cores take about half the time of one after the
# other. A file's own tests stay in order: they share that file's servers.
BATS := bats --print-output-on-failure --jobs $(JOBS) --no-parallelize-within-files

test: deps check-programs
	@$(MAKE) --no-print-directory -j$(JOBS) all $(TEST_BINS) $(BUILD)/bin/unit_tests
	$(BUILD)/bin/unit_tests --gtest_brief=1
	SEGSTREAM_BIN=$(CURDIR)/$(BUILD)/bin $(BATS) tests/bats
	SEGSTREAM_BIN=$(CURDIR)/$(BUILD)/bin bats --print-output-on-failure tests/mpp
	@echo "make test: all GoogleTest and bats tests passed"

# Every program the tests, scripts and benchmarks run comes from a package that
# scripts/install-deps.sh installs (scripts/programs.txt says which): seconds, no build.
check-programs:
	@scripts/check-programs.sh

# Live Greenplum / Cloudberry clusters (tests/mpp/cluster.bats says which variables);
# skipped, saying so, without them.
test-mpp: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	SEGSTREAM_BIN=$(CURDIR)/$(BUILD)/bin bats --print-output-on-failure tests/mpp

demo: deps
	@$(MAKE) --no-print-directory -j$(JOBS) all
	SEGSTREAM_BIN=$(CURDIR)/$(BUILD)/bin scripts/demo.sh

# make install: stripped binaries, man pages and bash completions under $(PREFIX). Each
# binary's debug symbols stay in $(BUILD)/debug/NAME.debug, which the binary names
# (.gnu_debuglink); make install-debug puts them where gdb looks for them,
# $(DEBUGDIR)$(PREFIX)/bin/. Packagers whose tools split the symbols (dh_strip) install
# with INSTALL_STRIPPED=no.
INSTALL_STRIPPED ?= yes
DEBUGDIR    ?= /usr/lib/debug
STRIPPED    := $(BINS:$(BUILD)/bin/%=$(BUILD)/stripped/%)
COMPLETIONS := $(BINS:$(BUILD)/bin/%=$(BUILD)/completions/%)
MAN_PAGES   := $(wildcard man/*.[1-9])
INSTALL_BINS := $(if $(filter yes,$(INSTALL_STRIPPED)),$(STRIPPED),$(BINS))
COMPLETIONDIR = $(PREFIX)/share/bash-completion/completions

$(BUILD)/stripped/%: $(BUILD)/bin/%
	@mkdir -p $(dir $@) $(BUILD)/debug
	objcopy --only-keep-debug $< $(BUILD)/debug/$*.debug
	objcopy --strip-all --add-gnu-debuglink=$(BUILD)/debug/$*.debug $< $@

# Generated from each binary's --help, so they offer exactly the options it has.
$(BUILD)/completions/%: $(BUILD)/bin/% scripts/bash-completion.sh
	@mkdir -p $(dir $@)
	scripts/bash-completion.sh $< >$@.tmp && mv $@.tmp $@
completions: $(COMPLETIONS)

install: all $(INSTALL_BINS) $(COMPLETIONS)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(COMPLETIONDIR) \
	  $(sort $(foreach page,$(MAN_PAGES),$(DESTDIR)$(PREFIX)/share/man/man$(subst .,,$(suffix $(page)))))
	install -m 0755 $(INSTALL_BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 0644 $(COMPLETIONS) $(DESTDIR)$(COMPLETIONDIR)/
	for page in $(MAN_PAGES); do \
	  install -m 0644 $$page $(DESTDIR)$(PREFIX)/share/man/man$${page##*.}/; done

install-debug: $(STRIPPED)
	install -d $(DESTDIR)$(DEBUGDIR)$(PREFIX)/bin
	install -m 0644 $(STRIPPED:$(BUILD)/stripped/%=$(BUILD)/debug/%.debug) \
	  $(DESTDIR)$(DEBUGDIR)$(PREFIX)/bin/

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/bin/,$(notdir $(BINS))) \
	  $(addprefix $(DESTDIR)$(COMPLETIONDIR)/,$(notdir $(BINS))) \
	  $(addprefix $(DESTDIR)$(DEBUGDIR)$(PREFIX)/bin/,$(addsuffix .debug,$(notdir $(BINS)))) \
	  $(foreach page,$(MAN_PAGES),$(DESTDIR)$(PREFIX)/share/man/man$(subst .,,$(suffix $(page)))/$(notdir $(page)))

# make deb: the segstream Debian package and its -dbgsym in $(BUILD)/deb, built in place
# by dpkg-buildpackage from this build tree (nothing compiles again after make all) and
# checked by lintian (debian/rules and scripts/make-deb.sh say how).
deb: all
	JOBS=$(JOBS) scripts/make-deb.sh $(BUILD)/deb

# libFuzzer over the stream reader, with ASan and UBSan, for FUZZ_SECONDS.
FUZZ_BIN := $(BUILD)/fuzz/stream_reader_fuzz
$(FUZZ_BIN): $(wildcard lib/common/*/*.cc lib/common/*/*.h)
	@mkdir -p $(dir $@)
	clang++ -std=c++20 -O1 -g -I. -I/usr/include/postgresql \
	  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	  lib/common/stream/stream_reader_fuzz.cc $(LIB_SRCS) -o $@ $(LDLIBS)
fuzz: deps $(FUZZ_BIN)
	@mkdir -p $(BUILD)/fuzz/corpus
	$(FUZZ_BIN) -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	  -max_len=262144 -dict=tests/fuzz/json.dict $(BUILD)/fuzz/corpus tests/fuzz

bench: all $(TEST_BINS)
	bench/run.sh

# Every C++ source, for the tools that look at all of them.
ALL_SRCS    := $(sort $(wildcard lib/common/*/*.cc tools/*/*.cc tests/tools/*/*.cc))
ALL_HEADERS := $(sort $(wildcard lib/common/*/*.h tools/*/*.h tests/tools/*/*.h))
LINT        := $(BUILD)/lint

# compile_commands.json for clangd, clang-tidy and editors.
compdb:
	scripts/compdb.sh "$(CXX) $(CXXFLAGS)" $(ALL_SRCS) >compile_commands.json

# make lint: the layout (.clang-format), clang's thread-safety analysis and warnings, and
# clang-tidy's bugprone and performance checks (.clang-tidy). Incremental: a source is
# checked again when it or a header it includes changed.
LINT_FLAGS := -std=c++20 -Wall -Wextra -Werror -Wthread-safety -I. -I/usr/include/postgresql
lint: deps format-check
	@$(MAKE) --no-print-directory -j$(JOBS) $(ALL_SRCS:%.cc=$(LINT)/%.tidy)
	@echo "make lint: clean"

# The layout alone, in seconds: CI runs it.
format-check: deps
	@clang-format --dry-run --Werror $(ALL_SRCS) $(ALL_HEADERS)
	@echo "make format-check: every source is laid out as .clang-format says"

# clang with -Wthread-safety checks the GUARDED_BY / REQUIRES annotations (base/mutex.h).
# Stamps, kept so that the next run checks only what changed.
.PRECIOUS: $(LINT)/%.threads
$(LINT)/%.threads: %.cc
	@mkdir -p $(dir $@)
	clang++ $(LINT_FLAGS) -fsyntax-only -MMD -MP -MF $@.d -MT $@ $<
	@touch $@

$(LINT)/%.tidy: %.cc $(LINT)/%.threads .clang-tidy
	@# Its stderr is a count of the warnings it suppressed in system headers.
	clang-tidy --quiet $< -- $(LINT_FLAGS) 2>$@.log || { cat $@.log; exit 1; }
	@touch $@

# The unit tests under AddressSanitizer with UndefinedBehaviorSanitizer, and under
# ThreadSanitizer; CI runs both. TSAN_SUITES are the suites whose code runs threads (a name
# matches every suite it begins); the TSan binary is built from only the test sources that
# define them, which halves what CI compiles for it.
TSAN_SUITES ?= Dispatcher SpillFile ParallelVerify Mapped OrderedPool TranscodeSegstream \
  StreamRoundTrip WriteAll Termination
empty :=
space := $(empty) $(empty)
# What starts the line that defines a test, just before its suite's name (for grep -E).
TEST_DEFINING := ^TEST(_F|_P)?.
TSAN_TEST_SRCS = $(shell grep -lE '$(TEST_DEFINING)($(subst $(space),|,$(strip $(TSAN_SUITES))))' \
  $(TEST_SRCS)) $(wildcard lib/common/testing/*.cc)
sanitize: deps
	@for suite in $(TSAN_SUITES); do grep -qE "$(TEST_DEFINING)$$suite" $(TEST_SRCS) || \
	  { echo "make sanitize: TSAN_SUITES names $$suite, which no test defines" >&2; exit 1; }; done
	@$(MAKE) --no-print-directory -j$(JOBS) SANITIZE=address,undefined sanitized-unit
	@$(MAKE) --no-print-directory -j$(JOBS) SANITIZE=thread sanitized-unit \
	  UNIT_TEST_SRCS='$(TSAN_TEST_SRCS)' GTEST_FILTER='$(subst $(space),:,$(TSAN_SUITES:%=%*))'
	@echo "make sanitize: the unit tests pass under ASan+UBSan and TSan"

GTEST_FILTER ?= *
sanitized-unit: $(BUILD)/bin/unit_tests
	$(BUILD)/bin/unit_tests --gtest_brief=1 --gtest_filter='$(GTEST_FILTER)'

clean:
	rm -rf build build-* compile_commands.json

-include $(shell find $(BUILD)/obj $(LINT) -name '*.d' 2>/dev/null)
