# virtio-accel top-level entry points. Everything installs what it needs
# (Debian packages via scripts/install-deps.sh) and builds out of tree in build/.
#
#   make demo    build everything, boot a VM, run accelerated ops from the guest
#   make test    every test suite (unit, fuzz smoke, QEMU device, libvirt, VM e2e)
#   make fuzz    the engine fuzzer for 10 minutes
#   make bench   benchmarks (engine, plugins) as tables

BUILD   ?= build
JOBS    ?= 2
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 60

.PHONY: all deps build qemu guest-module test-driver test-e2e test unit-test test-compat test-bindings fuzz-smoke test-qemu test-libvirt fuzz bench bench-plugins demo clean

all: build

deps:
	scripts/install-deps.sh all

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j$(JOBS)

unit-test: build
	ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

# Debian's QEMU 7.2 + qemu-patches/, linked against build/host-backend.
qemu: build
	scripts/build-qemu.sh $(BUILD)

test-qemu: qemu
	tests/qemu/run.sh $(BUILD)

test-libvirt: qemu
	tests/libvirt/run.sh $(BUILD)

# The guest side: kernel module (warning-free, sparse-clean) and VM tests.
guest-module: deps
	$(MAKE) -C guest-linux-driver check

test-driver: qemu guest-module
	VA_BUILD_DIR=$(abspath $(BUILD)) QEMU=$(abspath $(BUILD))/qemu/build/qemu-system-x86_64 tests/driver/run.sh

# Whole path: guest app -> libvaccel -> virtio plugin -> /dev/accel -> QEMU -> host plugins.
test-e2e: qemu guest-module
	tests/e2e/run.sh $(BUILD)

# Drop-in compatibility with upstream vAccel 0.8 (nubificus/vaccel @ ebc23b1):
# ABI layouts/enums/symbols, upstream's own Catch2 tests against our libvaccel
# (counts printed), and plugins/examples crossing between the two runtimes.
test-compat: build
	tests/abi/run.sh $(BUILD)
	tests/conformance/run.sh $(BUILD)
	tests/compat/cross-load.sh $(BUILD)

# Upstream's Python bindings (vaccel-python, pinned) against our libvaccel.
# Not in `make test`: the source comes from GitHub unless it is in
# ../shared/third_party (prints SKIPPED when neither is available).
test-bindings: build
	scripts/install-deps.sh bindings
	tests/compat/python-bindings.sh $(BUILD)

fuzz-smoke: deps
	tests/host-backend/fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)/fuzz

fuzz: deps
	tests/host-backend/fuzz/run.sh 600 $(BUILD)/fuzz

bench: build bench-plugins
	$(BUILD)/tests/host-backend/host_backend_bench --benchmark_min_time=0.2
	tests/host-backend/bench/icount.sh $(BUILD)/tests/host-backend/engine_icount

bench-plugins: build
	cmake --build $(BUILD) --target bench-plugins

test: unit-test test-compat fuzz-smoke test-qemu test-libvirt test-driver test-e2e
	@echo "make test: all suites passed"

# demo.sh builds only what the demo needs (not CUDA, fuzzers, benchmarks).
demo: deps
	scripts/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD)
