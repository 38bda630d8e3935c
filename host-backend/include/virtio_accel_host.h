/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * host-backend: the C ABI a virtio-accel device model (QEMU's
 * hw/virtio/virtio-accel.c) uses to run guest requests.
 *
 * The device model stays thin: it pops a descriptor chain, hands its
 * device-readable and device-writable iovecs (already mapped host pointers
 * into guest RAM) to va_host_submit(), and later pushes the element to the
 * used ring when the completion callback fires. Everything about the
 * protocol -- validation, sessions, quotas, execution -- lives behind this API.
 *
 * Threading: va_host_submit() never blocks on execution; requests run on the
 * backend's worker threads. The completion callback is called WITHOUT any
 * backend lock held: on a worker thread for requests that ran, and on the
 * thread calling va_host_reset() (or va_host_free()) for requests that reset
 * cancels or abandons -- so a device model must not hold, while resetting, a
 * lock its callback takes. The callback must only hand the completion over to
 * the device's own thread (e.g. a QEMU bottom half).
 *
 * Errors: functions of this ABI return 0 or a negative errno value; inside
 * the backend, and in the `detail` field of a response, errors are positive
 * errno values (vAccel's convention).
 */
#ifndef VIRTIO_ACCEL_HOST_H
#define VIRTIO_ACCEL_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "virtio_accel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct va_host va_host;

/* Levels of the messages va_host_options.log receives (vAccel's numbering). */
#define VA_HOST_LOG_ERROR 1
#define VA_HOST_LOG_WARNING 2
#define VA_HOST_LOG_INFO 3
#define VA_HOST_LOG_DEBUG 4

/* Device policy and limits. va_host_options_init() fills the defaults that
 * the spec's "Limits" section lists; a device may then override fields. */
struct va_host_options {
	uint32_t num_request_queues; /* reported in config space */
	uint32_t num_workers; /* execution threads, >= 1 */
	uint32_t max_sessions;
	uint32_t max_resources;
	uint32_t max_segments;
	uint32_t max_args;
	/* Bytes of one request's device-readable / device-writable part. The
	 * wire bounds them (payload_len and the used length are 32 bits):
	 * va_host_new refuses max_request_bytes outside 32..2^32+31 and
	 * max_response_bytes outside 24..2^32-1, so nothing truncates later. */
	uint64_t max_request_bytes;
	uint64_t max_response_bytes;
	uint64_t max_resource_bytes;
	int profiling; /* offer VIRTIO_ACCEL_F_PROFILING */
	/* Colon-separated host runtime plugin .so paths; NULL or "" means use
	 * VACCEL_PLUGINS from the process environment. */
	const char *plugins;
	/* What REQ_RUN/OP_EXEC may call. NULL or "" denies OP_EXEC entirely (the
	 * guest never names host paths freely). ':'-separated tokens: an absolute
	 * library path, optionally followed by the C identifiers that are the
	 * only symbols of it exec may call:
	 *   /opt/libops.so:scale:blend:/opt/libother.so
	 * A library without symbols allows only functions DEFINED in that very
	 * object -- never what dlsym() would find in its dependencies (libc's
	 * exit, fork, setcontext...): the exec plugin checks where the resolved
	 * address lives. Plain ':'-separated path lists keep working. */
	const char *exec_allowlist;
	/* Non-zero lets OP_EXEC_WITH_RESOURCE run code the guest shipped as a LIB
	 * resource. Off by default: it is arbitrary code execution on the host. */
	int allow_guest_code;
	/* Optional diagnostics sink (guest errors, runtime failures). May be
	 * called from any thread. level: VA_HOST_LOG_* (below). */
	void (*log)(void *log_opaque, int level, const char *msg);
	void *log_opaque;
	/* Added in this revision (appended: rebuild device models against this
	 * header; va_host_options_init fills them). */
	/* Host staging memory all in-flight requests may hold at once, bytes;
	 * 0 = max_request_bytes + max_response_bytes + 16 MiB. Requests that
	 * would exceed it fail with VIRTIO_ACCEL_S_QUOTA. */
	uint64_t max_staging_bytes;
	/* Work bound of one request whose cost follows from its arguments, in
	 * multiply-adds (SGEMM and TORCH_SGEMM m*n*k, FPGA_MMULT n^3); larger
	 * requests fail with VIRTIO_ACCEL_S_QUOTA. 0 = unbounded. */
	uint64_t max_op_cost;
};

void va_host_options_init(struct va_host_options *opts);

/*
 * Called exactly once per submitted request, on a worker thread -- or, for
 * requests a reset cancels or abandons, on the thread calling va_host_reset()
 * before it returns.
 * completed != 0: the response was written; push the element with used_len.
 * completed == 0: the request was cancelled or abandoned by va_host_reset();
 *                 nothing was written to guest memory; discard the element.
 */
typedef void (*va_host_done_fn)(void *dev_opaque, void *req_opaque,
				uint32_t used_len, int completed);

/* Creates a backend: bootstraps the host runtime with opts->plugins and starts
 * the workers. Returns NULL and a message in err (if non-NULL) on failure. */
va_host *va_host_new(const struct va_host_options *opts, va_host_done_fn done,
		     void *dev_opaque, char *err, size_t errlen);

/* Resets (see va_host_reset) and frees, within the same bound: operations a
 * reset abandoned finish in the background and release the backend's last
 * memory then. No callback runs after it returns. */
void va_host_free(va_host *host);

/* Fills the config space the device exposes (little-endian). */
void va_host_get_config(const va_host *host, struct virtio_accel_config *cfg);

/* Feature bits the device offers (VIRTIO_ACCEL_F_*), as a bit mask. */
uint64_t va_host_features(const va_host *host);

/*
 * Queues one request. rd/wr are the chain's device-readable and device-writable
 * iovecs. The iovec ARRAYS and the memory they point to must both stay valid
 * until the callback fires (QEMU's VirtQueueElement owns both); the backend
 * keeps only the pointers, so submitting never allocates.
 * Returns 0, or -EBUSY when more than the backend's queue depth is in flight
 * (the device should retry after a completion). Never calls done inline.
 */
int va_host_submit(va_host *host, const struct iovec *rd, unsigned rd_cnt,
		   const struct iovec *wr, unsigned wr_cnt, void *req_opaque);

/*
 * Runs one request on the calling thread and returns the used length.
 * For tests, fuzzing and benchmarks; device models use va_host_submit().
 */
uint32_t va_host_process(va_host *host, const struct iovec *rd, unsigned rd_cnt,
			 const struct iovec *wr, unsigned wr_cnt);

/*
 * Device reset, bounded in time whatever runs: cancels every queued request
 * (done(..., completed=0)); waits only for requests that are copying their
 * arguments in or their results out (bounded by memory bandwidth); abandons
 * requests whose host operation is running (done(..., completed=0) at once),
 * then drops every session and resource. An abandoned operation runs on in
 * the background on host memory only: it never touched guest memory or the
 * request's iovecs after its arguments were staged, its results are dropped,
 * and it stays counted against the device's quotas until it ends.
 * When it returns, no callback is running or pending, and host-backend never
 * reads or writes the memory of any request submitted before.
 */
void va_host_reset(va_host *host);

/* Device-wide counters (host byte order). */
struct va_host_stats {
	uint64_t requests;
	uint64_t errors;
	uint64_t bytes_in;
	uint64_t bytes_out;
	uint64_t in_flight;
	uint64_t sessions;
	uint64_t resources;
	uint64_t resource_bytes;
};
void va_host_get_stats(const va_host *host, struct va_host_stats *stats);

/*
 * One counter by name, for counters added after struct va_host_stats was
 * fixed (device models can expose them without an ABI change):
 *   "staging-bytes"      host staging memory held now
 *   "staging-limit"      its budget (max_staging_bytes after defaults)
 *   "abandoned"          requests a reset gave up while their op ran (total)
 *   "abandoned-running"  of those, operations still running
 *   "sessions-held"      sessions not yet destroyed, including those only
 *                        abandoned operations hold (what max_sessions counts;
 *                        va_host_stats.sessions shows the open ones)
 *   "resources-held"     likewise for resources
 *   "log-suppressed"     guest-triggered messages dropped by the rate limit
 *   "staging-idle"       of staging-bytes, idle buffers pooled for reuse
 *   "arg-bytes-in"       argument bytes of RUN inputs and registered blobs
 *   "arg-bytes-out"      bytes of RUN output regions
 *   "copied-in"          bytes copied from guest memory into host staging
 *   "copied-out"         bytes copied from host staging into guest memory
 *   "zero-filled"        staging bytes zeroed for outputs an op may leave
 *                        partly unwritten
 *   (copied-in + copied-out) / (arg-bytes-in + arg-bytes-out) is the host's
 *   copies per argument byte.
 * Returns 0, or -ENOENT for an unknown name.
 */
int va_host_get_counter(const va_host *host, const char *name, uint64_t *value);

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_ACCEL_HOST_H */
