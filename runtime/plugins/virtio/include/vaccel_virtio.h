/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Optional extension of the guest transport plugin (libvaccel-virtio.so).
 *
 * These functions are NOT part of the vAccel API. They report, for the
 * calling thread, what the host said about the last operation this thread
 * sent through the virtio-accel device. A program that wants to stay
 * portable looks them up at run time instead of linking against them:
 *
 *   void *h = dlopen("libvaccel-virtio.so", RTLD_NOW | RTLD_NOLOAD);
 *   const char *(*fn)(void) = h ? dlsym(h, "vaccel_virtio_last_executor") : 0;
 *
 * (the plugin carries the SONAME "libvaccel-virtio.so", so RTLD_NOLOAD finds
 * it whatever path VACCEL_PLUGINS named it by).
 */
#ifndef VACCEL_VIRTIO_H
#define VACCEL_VIRTIO_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Name of the host plugin that executed this thread's last RUN ("cpu",
 * "exec", ...); "" if the thread has not run an op through the device or the
 * last one got no answer. The string stays valid until the thread's next op. */
const char *vaccel_virtio_last_executor(void);
/* Host execution time of that RUN in ns, as the device measured it. */
uint64_t vaccel_virtio_last_exec_ns(void);
/* Guest-measured submit-to-completion time of that RUN in ns (driver). */
uint64_t vaccel_virtio_last_rtt_ns(void);
/* Raw VIRTIO_ACCEL_S_* status of that RUN (0xffffffff: no answer). */
uint32_t vaccel_virtio_last_status(void);

#ifdef __cplusplus
}
#endif

#endif
