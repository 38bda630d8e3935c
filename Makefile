# virtio-accel top-level entry points. Everything installs what it needs
# (Debian packages via scripts/install-deps.sh) and builds out of tree in build/.
#
#   make demo    build everything, boot a VM, run accelerated ops from the guest
#   make test    every test suite (unit, fuzz smoke, QEMU device, libvirt, VM e2e)
#   make fuzz    the engine fuzzer for 10 minutes
#   make bench   benchmarks (engine, plugins, classification device vs host) as tables

BUILD   ?= build
JOBS    ?= 2
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 60

.PHONY: all deps build qemu guest-module test-driver test-e2e test-e2e-torch test unit-test fuzz-smoke test-qemu test-libvirt fuzz bench bench-plugins bench-torch demo clean

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

# Real inference from a guest: the host's torch plugin classifies for the guest; results equal the host's.
test-e2e-torch: qemu guest-module
	VA_TORCH_ITERS=3 tests/torch/e2e.sh $(BUILD)

fuzz-smoke: deps
	tests/host-backend/fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)/fuzz
	tests/torch/fuzz.sh 20 $(BUILD)/torch-fuzz

fuzz: deps
	tests/host-backend/fuzz/run.sh 600 $(BUILD)/fuzz
	tests/torch/fuzz.sh 120 $(BUILD)/torch-fuzz

bench: build bench-plugins bench-torch
	$(BUILD)/tests/host-backend/host_backend_bench --benchmark_min_time=0.2
	tests/host-backend/bench/icount.sh $(BUILD)/tests/host-backend/engine_icount

bench-plugins: build
	cmake --build $(BUILD) --target bench-plugins

# Classification latency through the device vs natively on the host (median of 20 after warm-up).
bench-torch: qemu guest-module
	VA_TORCH_ITERS=20 tests/torch/e2e.sh $(BUILD)

test: unit-test fuzz-smoke test-qemu test-libvirt test-driver test-e2e test-e2e-torch
	@echo "make test: all suites passed"

# demo.sh builds only what the demo needs (not CUDA, fuzzers, benchmarks).
demo: deps
	scripts/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD)
