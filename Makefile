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

.PHONY: all deps build qemu guest-module test-driver test-e2e test unit-test fuzz-smoke test-qemu test-libvirt fuzz bench bench-plugins demo clean \
	checkpatch-qemu test-vhost-user test-e2e-vhost-user bench-vhost-user

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

# QEMU's scripts/checkpatch.pl on every patch of qemu-patches/ (needs only the QEMU source).
checkpatch-qemu: deps
	scripts/checkpatch-qemu.sh $(BUILD)

# The out-of-process daemon: command line, sandbox, and QEMU's vhost-user-accel-test (kill/restart,
# seccomp, reset during a long operation). scripts/build-qemu.sh builds the daemon too.
test-vhost-user: qemu
	tests/vhost-user-accel/run.sh $(BUILD)

# The guest side: kernel module (warning-free, sparse-clean) and VM tests.
guest-module: deps
	$(MAKE) -C guest-linux-driver check

test-driver: qemu guest-module
	VA_BUILD_DIR=$(abspath $(BUILD)) QEMU=$(abspath $(BUILD))/qemu/build/qemu-system-x86_64 tests/driver/run.sh

# Whole path: guest app -> libvaccel -> virtio plugin -> /dev/accel -> QEMU -> host plugins.
test-e2e: qemu guest-module
	tests/e2e/run.sh $(BUILD)

# The same VMs with the device served by the vhost-user-accel daemon, plus the failover VM.
test-e2e-vhost-user: qemu guest-module
	VA_E2E_MODE=vhost-user tests/e2e/run.sh $(BUILD)

# noop round trip and 1 MiB / 64 MiB bandwidth, in-process vs vhost-user, from a guest.
bench-vhost-user: qemu guest-module
	tests/vhost-user-accel/bench.sh $(BUILD)

fuzz-smoke: deps
	tests/host-backend/fuzz/run.sh $(FUZZ_SECONDS) $(BUILD)/fuzz

fuzz: deps
	tests/host-backend/fuzz/run.sh 600 $(BUILD)/fuzz

bench: build bench-plugins
	$(BUILD)/tests/host-backend/host_backend_bench --benchmark_min_time=0.2
	tests/host-backend/bench/icount.sh $(BUILD)/tests/host-backend/engine_icount

bench-plugins: build
	cmake --build $(BUILD) --target bench-plugins

test: unit-test fuzz-smoke checkpatch-qemu test-qemu test-vhost-user test-libvirt test-driver test-e2e test-e2e-vhost-user
	@echo "make test: all suites passed"

# demo.sh builds only what the demo needs (not CUDA, fuzzers, benchmarks).
demo: deps
	scripts/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD)
