/* SPDX-License-Identifier: Apache-2.0 */
/* Requests of the unikernel vAccel library: framing (protocol library),
 * limits (device config) and submission (uk/virtio_accel.h) in one place. */
#ifndef VACCEL_UK_TRANSPORT_H
#define VACCEL_UK_TRANSPORT_H

#include <stdint.h>

#include <uk/virtio_accel.h>
#include <vaccel.h>
#include <virtio_accel_proto.h>

/* vAccel error of a device status (protocol library table). */
int vuk_error(uint32_t status, uint32_t detail);

/*
 * Submits a request: `block` (a va_frame_* header block), then the extra
 * readable segments; the writable part is `resp` (resp_len bytes: response
 * header and fixed payload), then the extra writable segments. Checks the
 * sizes against the device's limits first (VACCEL_ENOSPC). Returns a vAccel
 * error; *status gets the device status (VACCEL_OK only when S_OK).
 */
int vuk_submit(uint64_t req_id, const void *block, size_t block_len,
	       const struct uk_vaccel_seg *rd, unsigned int nr_rd, void *resp,
	       size_t resp_len, const struct uk_vaccel_seg *wr,
	       unsigned int nr_wr);

/* A fresh request id. */
uint64_t vuk_next_id(void);

/* Frames and runs an encoded RUN in session `sess`; fills the last-op
 * report (executor, host time). Returns a vAccel error. */
int vuk_run(struct vaccel_session *sess, const struct va_run *r);

/* Allocates arrays for a RUN of up to nr_in/nr_out arguments and inits r.
 * VACCEL_ENOMEM; free with vuk_run_free. */
int vuk_run_alloc(struct va_run *r, size_t nr_in, size_t nr_out);
void vuk_run_free(struct va_run *r);

/* 1 once the device answered the protocol check; else bootstraps. */
int vuk_ready(void);

#endif
