/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Helpers shared by the guest test programs of the end-to-end VM tests:
 * result lines, remote/local sessions, the transport plugin's optional
 * extension, and the driver's STATS ioctl.
 *
 * Result protocol (parsed by tests/e2e/run.sh from the serial console):
 *   "E2E PASS <name>"  "E2E FAIL <name>: <why>"  "E2E SKIP <name>: <why>"
 */
#ifndef E2E_H
#define E2E_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <vaccel.h>

/* Counters of this process. */
extern int e2e_passed, e2e_failed, e2e_skipped;

void e2e_pass(const char *name);
void e2e_fail(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void e2e_skip(const char *name, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Pass if cond, else fail with the message. Returns cond. */
int e2e_check(int cond, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Prints "E2E SUMMARY <prog> passed N failed N skipped N"; returns the exit
 * status (0 if nothing failed). */
int e2e_summary(const char *prog);

/* A session served by the host (VACCEL_PLUGIN_REMOTE | hint) or by the
 * guest's own plugins (hint only). Exits the test on failure. */
void e2e_remote(struct vaccel_session *s, uint32_t hint);
void e2e_local(struct vaccel_session *s, uint32_t hint);

/* The transport plugin's extension, looked up at run time (NULL-safe):
 * executor of this thread's last op through the device, "" if unknown. */
const char *e2e_executor(void);
uint64_t e2e_exec_ns(void);
uint64_t e2e_rtt_ns(void);

/* The plugin's arena (vaccel_virtio_alloc/free/arena_bytes), looked up at
 * run time: NULL with errno ENOSYS / 0 when the plugin lacks them. */
void *e2e_arena_alloc(size_t size);
void e2e_arena_free(void *p);
size_t e2e_arena_bytes(void);
/* The driver's INFO arena_max_mib (0: no arena) on VACCEL_VIRTIO_DEVICE or
 * /dev/virtio-accel0; -errno if INFO fails. */
long e2e_arena_max_mib(void);

/* Device-wide counters read through /dev/virtio-accel0 (STATS_GET).
 * Returns 0 on success, else errno. */
struct e2e_stats {
	uint64_t requests, errors, in_flight, sessions, resources;
};
int e2e_device_stats(struct e2e_stats *out);

/* Deterministic pseudo-random numbers (xorshift), in [-1, 1). */
float e2e_randf(uint64_t *state);
/* Monotonic clock in ns. */
uint64_t e2e_now_ns(void);

#endif
