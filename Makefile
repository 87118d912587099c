# tcpkit — top-level entry points. CMake does the building; this file names the jobs.
BUILD       ?= build
CHECK_BUILD ?= build-check
FUZZ_BUILD  ?= build-fuzz
BOARD_BUILD ?= build-board
BOARD_MIN_BUILD ?= build-board-min
MIN_BUILD   ?= build-minimal
FUZZ_SECONDS ?= 60
JOBS        ?= $(shell nproc 2>/dev/null || echo 2)
CLANG_FORMAT ?= clang-format
FORMAT_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find include src drivers tools tests bench -name '*.[ch]')

.PHONY: all build board board-demo demo check check-minimal conformance deps deps-demo footprint format format-check fuzz install clean pictures

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

# The minimal profile (ports/mps2-an385/minimal/tk_opts.h: features compiled
# out; with TK_PROFILE_HOST_TESTS the SPEC defaults the tests assert, and the
# trace hook and counter names the simulator and analysis tools read, stay)
# on the host: the same warnings and sanitizers, every
# test that does not need a feature it leaves out. MINIMAL_SKIP, by feature:
# fragment reassembly; TCP-MD5 (the mutation and conformance layers hold MD5
# scripts); ECN; TCP over UDP; Fast Open; keep-alive; SYN cookies (a SYN
# flood is answered by cookies); and two picture checks, one of which runs
# every simulator scenario (five need a feature left out), the other
# compares the analyzer with tshark on a lossy transfer whose recovery is
# NewReno's without the SACK scoreboard (docs/porting.md). Then IPv6; RACK
# (its unit tests, the undo tests among them, and the simulator stories of tail loss, lost segments and
# the spurious timeout its F-RTO undoes); CUBIC and pacing (their socket
# options, simulator stories and `bench cc`, and the cable-unplug report, whose expected
# recovery is CUBIC's with RACK); more than one shard.
MINIMAL_SKIP ?= ipfrag|fragment|md5|MD5|run_mutations|run_conformance_baseline|ecn_data|ecn_negotiate|ECN_0[1-6]|ECN_ecn_transfer|encap|ENCAP|test_tcp_fastopen|OP_08|keepalive|syncookie|syn_flood|cookie_gate|sim_scenarios|OBS_08_analyze_lossy|test_net_ip6|test_tcp_ipv6|test_net_offload6|sim_NET_04_|analyze_ipv6_|test_tcp_rack|test_tcp_undo|sim_DT_12_|sim_DT_15_spurious_rto|test_tcp_cc_socket|cubic_|bench_cc_|paced|analyze_cable_unplug|shards_steering
check-minimal:
	cmake -S . -B $(MIN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTK_WERROR=ON -DTK_SANITIZE=ON -DTK_BOARD=OFF \
		-DTK_OPTS_DIR=$(CURDIR)/ports/mps2-an385/minimal \
		-DCMAKE_C_FLAGS=-DTK_PROFILE_HOST_TESTS >/dev/null
	cmake --build $(MIN_BUILD) -j $(JOBS)
	cd $(MIN_BUILD) && ctest --output-on-failure -j $(JOBS) -LE 'interop|device' -E '$(MINIMAL_SKIP)'

# The FreeBSD TCP test suite (IPv4 scripts, rcv-data-segments included, read
# from ../shared) through `tcpkit run --relax-options --relax-win --host
# freebsd`; docs/conformance.md has the figure and every failure.
SUITE ?= ../shared/conformance/freebsd-tcp-testsuite
conformance: build
	sh tests/run/conformance.sh ./$(BUILD)/tcpkit $(SUITE)

# The mps2-an385 firmware (ports/mps2-an385), cross-compiled on its own.
board:
	cmake -S ports/mps2-an385 -B $(BOARD_BUILD) >/dev/null
	cmake --build $(BOARD_BUILD) -j $(JOBS)

# Code of the core as linked into the firmware (and into the firmware
# without the console's diagnostics: the stack as the services alone use
# it), and the memory figures each firmware measures at boot
# (docs/porting.md records them).
footprint: board
	cmake -S ports/mps2-an385 -B $(BOARD_MIN_BUILD) -DTK_BOARD_OPTS_DIR=$(CURDIR)/ports/mps2-an385/minimal >/dev/null
	cmake --build $(BOARD_MIN_BUILD) -j $(JOBS)
	@for p in "full profile (every feature compiled in):$(BOARD_BUILD)" \
		"minimal profile (ports/mps2-an385/minimal/tk_opts.h):$(BOARD_MIN_BUILD)"; do \
		name=$${p%%:*}; dir=$${p##*:}; \
		echo "== $$name"; \
		echo "-- firmware with console (tcpkit-mps2.elf)"; \
		python3 scripts/footprint.py $$dir/tcpkit-mps2.map $$dir/libtcpkit-core.a arm-none-eabi-size; \
		echo "-- services only (tcpkit-mps2-services.elf)"; \
		python3 scripts/footprint.py $$dir/tcpkit-mps2-services.map $$dir/libtcpkit-core.a arm-none-eabi-size; \
		echo "-- memory, measured on the board"; \
		timeout 5 qemu-system-arm -M mps2-an385 -nographic -nic none -kernel $$dir/tcpkit-mps2.elf \
			</dev/null 2>/dev/null | tr -d '\r' | sed -n '/^footprint: end/q;s/^footprint: //p'; \
	done
	cmake -S ports/mps2-an385 -B $(BOARD_MIN_BUILD)-lto -DTK_BOARD_OPTS_DIR=$(CURDIR)/ports/mps2-an385/minimal \
		-DTK_BOARD_LTO=ON >/dev/null
	cmake --build $(BOARD_MIN_BUILD)-lto -j $(JOBS)
	@echo "== minimal profile, services-only firmware, whole text (stack, board, newlib): plain / -flto"
	@arm-none-eabi-size $(BOARD_MIN_BUILD)/tcpkit-mps2-services.elf $(BOARD_MIN_BUILD)-lto/tcpkit-mps2-services.elf

# The board demo: boots the firmware in QEMU on a TAP device tk0 (root);
# give the kernel side 198.18.0.1/24 and try ping, curl and nc on 198.18.0.2.
board-demo: board
	qemu-system-arm -M mps2-an385 -nographic -kernel $(BOARD_BUILD)/tcpkit-mps2.elf \
		-nic tap,ifname=tk0,script=no,downscript=no,model=lan9118,mac=02:74:6b:12:00:02

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
	rm -rf $(BUILD) $(CHECK_BUILD) $(FUZZ_BUILD) $(BOARD_BUILD) $(BOARD_MIN_BUILD) $(MIN_BUILD)
