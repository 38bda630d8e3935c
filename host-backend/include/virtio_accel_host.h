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
 * backend's worker threads, and the completion callback is called on a worker
 * thread WITHOUT any device-model lock held. The callback must only hand the
 * completion over to the device's own thread (e.g. a QEMU bottom half).
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

/* Device policy and limits. va_host_options_init() fills the defaults that
 * the spec's "Limits" section lists; a device may then override fields. */
struct va_host_options {
	uint32_t num_request_queues; /* reported in config space */
	uint32_t num_workers;        /* execution threads, >= 1 */
	uint32_t max_sessions;
	uint32_t max_resources;
	uint32_t max_segments;
	uint32_t max_args;
	uint64_t max_request_bytes;
	uint64_t max_response_bytes;
	uint64_t max_resource_bytes;
	int profiling;               /* offer VIRTIO_ACCEL_F_PROFILING */
	/* Colon-separated host runtime plugin .so paths; NULL or "" means use
	 * VACCEL_PLUGINS from the process environment. */
	const char *plugins;
	/* Colon-separated host library paths REQ_RUN/OP_EXEC may dlopen. NULL or
	 * "" denies OP_EXEC entirely (the guest never names host paths freely). */
	const char *exec_allowlist;
	/* Non-zero lets OP_EXEC_WITH_RESOURCE run code the guest shipped as a LIB
	 * resource. Off by default: it is arbitrary code execution on the host. */
	int allow_guest_code;
	/* Optional diagnostics sink (guest errors, runtime failures). May be
	 * called from any thread. level: 1 error, 2 warning, 3 info, 4 debug. */
	void (*log)(void *log_opaque, int level, const char *msg);
	void *log_opaque;
};

void va_host_options_init(struct va_host_options *opts);

/*
 * Called exactly once per submitted request, on a worker thread.
 * completed != 0: the response was written; push the element with used_len.
 * completed == 0: the request was cancelled by va_host_reset() before it ran;
 *                 nothing was written to guest memory; discard the element.
 */
typedef void (*va_host_done_fn)(void *dev_opaque, void *req_opaque,
				uint32_t used_len, int completed);

/* Creates a backend: bootstraps the host runtime with opts->plugins and starts
 * the workers. Returns NULL and a message in err (if non-NULL) on failure. */
va_host *va_host_new(const struct va_host_options *opts, va_host_done_fn done,
		     void *dev_opaque, char *err, size_t errlen);

/* Resets (see va_host_reset) and frees. No callback runs after it returns. */
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
 * Device reset: cancels every queued request (done(..., completed=0)), waits
 * for running ones to finish (done(..., completed=1)), then destroys every
 * session and resource. When it returns, no callback is running or pending.
 * A running host operation cannot be interrupted, so reset may wait for it.
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

#ifdef __cplusplus
}
#endif

#endif /* VIRTIO_ACCEL_HOST_H */
