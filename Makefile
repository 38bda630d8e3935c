# virtio-accel top-level entry points. Everything installs what it needs
# (Debian packages via scripts/install-deps.sh) and builds out of tree (build/, see BUILD below).
#
#   make demo    build everything, boot a VM, run accelerated ops from the guest
#   make test    every test suite (unit, fuzz smoke, QEMU device, libvirt, VM e2e)
#   make fuzz    the engine fuzzer and the torch device-path fuzzer for 10 minutes each
#   make fuzz-capi  the C-ABI fuzzer (real runtime + plugins, ASan+UBSan) for 10 minutes
#   make bench   benchmarks (engine, plugins, classification device vs host) as tables
#   make bench-vm  one guest: device vs TCP/virtio-serial latency, bandwidth, threads; table + charts

# build/ in the repository, or a directory the sandboxed vhost-user-accel daemon can reach when the clone is
# not (scripts/build-dir.sh); BUILD=dir overrides.
ifndef BUILD
BUILD := $(shell scripts/build-dir.sh)
endif
JOBS    ?= 2
CMAKE_FLAGS ?=
FUZZ_SECONDS ?= 60

.PHONY: all deps build tidy qemu guest-module checkpatch format-check test-driver test-e2e test unit-test fuzz-smoke test-qemu test-libvirt test-unikraft test-unikraft-multivm fuzz bench bench-plugins bench-unikraft demo clean test-e2e-torch bench-torch fuzz-capi bench-vm test-compat test-bindings checkpatch-qemu test-vhost-user test-e2e-vhost-user bench-vhost-user

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

# The guest side: kernel module (warning-free, sparse-clean) against each guest kernel (Debian 12's 6.1 and
# bookworm-backports'), and VM tests on both.
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

# The kernel's own scripts/checkpatch.pl --strict on the driver (fetched once from Debian's linux-source).
checkpatch: deps
	scripts/guest/checkpatch.sh

# clang-tidy (.clang-tidy: bugprone and performance checks, findings are errors) on host-backend and the runtime.
tidy: build
	scripts/check-tidy.sh $(BUILD) $(JOBS)

# clang-format on the files listed in .clang-format-files.
format-check: deps
	scripts/check-format.sh

test-driver: qemu guest-module
	VA_BUILD_DIR=$(abspath $(BUILD)) QEMU=$(abspath $(BUILD))/qemu/build/qemu-system-x86_64 tests/driver/run.sh

# Whole path: guest app -> libvaccel -> virtio plugin -> /dev/virtio-accel0 -> QEMU -> host plugins.
# On both guest kernels: Debian 12's and bookworm-backports' (the second run reuses every host build).
test-e2e: qemu guest-module
	tests/e2e/run.sh $(BUILD)
	VA_GUEST_KERNEL=backports tests/e2e/run.sh $(BUILD)

# Unikernel guest: guest-unikraft/ (driver + vAccel library) in a Unikraft image on virtio-mmio.
test-unikraft: deps
	tests/unikraft/run.sh test $(BUILD)
	tests/unikraft/run.sh test-model $(BUILD)

# Many VMs, one daemon: 4 unikernels at once on ONE vhost-user-accel (--max-vms), one VMM killed and one guest
# reset during a host operation, per-VM session/resource counters back to 0, a late VM on the same daemon.
test-unikraft-multivm: deps
	tests/unikraft/run.sh multivm $(BUILD) 4

# Image size, boot-to-first-result, noop round trip, guest memory; density: 16 concurrent unikernels with one
# runtime per VM vs 16 and 8 on one shared daemon (common-window Jain fairness, memory per extra VM).
bench-unikraft: deps
	tests/unikraft/run.sh bench $(BUILD) 16

# Real inference from a guest: the host's torch plugin classifies for the guest; results equal the host's.
test-e2e-torch: qemu guest-module
	VA_TORCH_ITERS=3 tests/torch/e2e.sh $(BUILD)

# FUZZ_SECONDS is shared: half for the engine fuzzer, half for the C-ABI one
# (without the OpenCL plugin, to keep its sanitized build small).
# Drop-in compatibility with upstream vAccel 0.8 (nubificus/vaccel @ ebc23b1):
# ABI layouts/enums/symbols, upstream's own Catch2 tests against our libvaccel
# (counts printed), plugins/examples crossing between the two runtimes, and a guest running upstream's libvaccel
# with only our virtio plugin (plus the bootstrap race in that guest).
test-compat: build
	tests/abi/run.sh $(BUILD)
	tests/conformance/run.sh $(BUILD)
	tests/compat/cross-load.sh $(BUILD)
	tests/compat/guest-upstream.sh $(BUILD)
# Upstream's Python bindings (vaccel-python, pinned) against our libvaccel.
# Not in `make test`: the source comes from GitHub unless it is in
# ../shared/third_party (prints SKIPPED when neither is available).
test-bindings: build
	scripts/install-deps.sh bindings
	tests/compat/python-bindings.sh $(BUILD)
# The same VMs with the device served by the vhost-user-accel daemon, plus the failover VM.
test-e2e-vhost-user: qemu guest-module
	VA_E2E_MODE=vhost-user tests/e2e/run.sh $(BUILD)
# noop round trip and 1 MiB / 64 MiB bandwidth, in-process vs vhost-user, from a guest.
bench-vhost-user: qemu guest-module
	tests/vhost-user-accel/bench.sh $(BUILD)
fuzz-smoke: deps
	tests/host-backend/fuzz/run.sh $$(( $(FUZZ_SECONDS) / 2 )) $(BUILD)/fuzz
	VA_FUZZ_OPENCL=0 tests/host-backend/fuzz/run_capi.sh $$(( $(FUZZ_SECONDS) / 2 )) $(BUILD)/fuzz-capi-smoke
	tests/torch/fuzz.sh 20 $(BUILD)/torch-fuzz
	VA_SANITIZED_BUILD=$(BUILD)/fuzz-capi-smoke/build tests/torch/fuzz_device.sh 20 $(BUILD)/torch-fuzz-device-smoke

# fuzz_device.sh: hostile torch requests through host-backend into the real torch plugin (ASan+UBSan).
fuzz: deps
	tests/host-backend/fuzz/run.sh 600 $(BUILD)/fuzz
	tests/torch/fuzz.sh 120 $(BUILD)/torch-fuzz
	tests/torch/fuzz_device.sh 600 $(BUILD)/torch-fuzz-device

fuzz-capi: deps
	tests/host-backend/fuzz/run_capi.sh 600 $(BUILD)/fuzz-capi

bench: build bench-plugins bench-torch
	$(BUILD)/tests/host-backend/host_backend_bench --benchmark_min_time=0.2
	tests/host-backend/bench/icount.sh $(BUILD)/tests/host-backend/engine_icount

bench-vm: deps
	tests/bench-vm/run.sh $(BUILD)

bench-plugins: build
	cmake --build $(BUILD) --target bench-plugins

# Classification latency through the device vs natively on the host: 20 interleaved rounds (device call, native call)
# after warm-up, medians, with the host's own op time (engine) and the transport overhead (build/torch-e2e/bench.txt).
bench-torch: qemu guest-module
	VA_TORCH_ITERS=20 tests/torch/e2e.sh $(BUILD)





test: format-check tidy checkpatch unit-test fuzz-smoke test-qemu test-libvirt test-driver test-e2e test-unikraft test-unikraft-multivm test-e2e-torch test-compat checkpatch-qemu test-vhost-user test-e2e-vhost-user
	@echo "make test: all suites passed"

# demo.sh builds only what the demo needs (not CUDA, fuzzers, benchmarks).
demo: deps
	scripts/demo.sh $(BUILD)

clean:
	rm -rf $(BUILD)
