# tcpkit — top-level entry points. CMake does the building; this file names the jobs.
BUILD       ?= build
CHECK_BUILD ?= build-check
FUZZ_BUILD  ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
CLANG_FORMAT ?= clang-format
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find include src drivers tools tests bench -name '*.[ch]')

.PHONY: all build demo check conformance deps deps-demo format format-check fuzz install clean pictures

all: build

build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTK_TESTS=OFF >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The main job: a whole TCP connection life between two stacks on a simulated link.
demo: deps-demo build
	./$(BUILD)/tcpkit sim lifecycle

# deps-demo: a C compiler, make and CMake only; deps: every package the tests use.
deps-demo:
	@./scripts/install-deps.sh demo

deps:
	@./scripts/install-deps.sh check

# Everything: packages, formatting, warnings as errors, ASan+UBSan, every test layer.
# The optimised build (the one `make demo` runs) is compiled too: some warnings
# only appear at -O2.
check: deps format-check build
	cmake -S . -B $(CHECK_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTK_WERROR=ON -DTK_SANITIZE=ON >/dev/null
	cmake --build $(CHECK_BUILD) -j $(JOBS)
	cd $(CHECK_BUILD) && ctest --output-on-failure -j $(JOBS)

# The FreeBSD TCP test suite (IPv4 scripts, rcv-data-segments included, read
# from ../shared) through `tcpkit run --relax-options --relax-win --host
# freebsd`; docs/conformance.md has the figure and every failure.
SUITE ?= ../shared/conformance/freebsd-tcp-testsuite
conformance: build
	sh tests/run/conformance.sh ./$(BUILD)/tcpkit $(SUITE)

# The SVGs of docs/pictures.md, drawn by the simulator (committed, so the
# README and the docs show them without a build).
pictures: build
	sh scripts/pictures.sh ./$(BUILD)/tcpkit docs/pictures

format:
	$(CLANG_FORMAT) -i $(FORMAT_FILES)

format-check:
	@$(CLANG_FORMAT) --dry-run --Werror $(FORMAT_FILES) && echo "format-check: ok"

# Runs every libFuzzer target for FUZZ_SECONDS each (clang).
fuzz:
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTK_FUZZ=ON -DTK_SANITIZE=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	./tests/fuzz/run-fuzzers.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

install: build
	cmake --install $(BUILD) $(if $(PREFIX),--prefix $(PREFIX))

clean:
	rm -rf $(BUILD) $(CHECK_BUILD) $(FUZZ_BUILD)
