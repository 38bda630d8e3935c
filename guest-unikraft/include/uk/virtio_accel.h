/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unikraft virtio-accel driver: the interface the unikernel vAccel library
 * (and tests) use. One device (the first one the virtio bus offers), request
 * queue 0. A request is a list of device-readable segments followed by a list
 * of device-writable ones, exactly the descriptor chain of spec §7; the
 * caller frames it with the protocol library (virtio_accel_proto.h).
 */
#ifndef UK_VIRTIO_ACCEL_H
#define UK_VIRTIO_ACCEL_H

#include <stddef.h>
#include <stdint.h>

#include <virtio_accel.h>

#ifdef __cplusplus
extern "C" {
#endif

struct uk_vaccel_seg {
	const void *buf;
	size_t len;
};

/* 1 when a device was found and is running. */
int uk_vaccel_present(void);

/* The device's configuration (host byte order), read once at probe. */
const struct virtio_accel_config *uk_vaccel_config(void);

/* Descriptors one chain may use: min(queue size, device max_segments). */
unsigned int uk_vaccel_max_segments(void);

/*
 * Submits one chain and waits for the device to complete it (polling the
 * used ring: unikernel calls are synchronous). Zero-length segments are
 * skipped. Returns 0 and the used length in *used, or a negative errno:
 * -ENODEV (no device), -E2BIG (more segments than one chain holds).
 */
int uk_vaccel_submit(const struct uk_vaccel_seg *rd, unsigned int nr_rd,
		     const struct uk_vaccel_seg *wr, unsigned int nr_wr,
		     uint32_t *used);

#ifdef __cplusplus
}
#endif

#endif /* UK_VIRTIO_ACCEL_H */
