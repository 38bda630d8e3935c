/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Optional extension of the guest transport plugin (libvaccel-virtio.so).
 *
 * These functions are NOT part of the vAccel API. They report, for the
 * calling thread, what the host said about the last operation this thread
 * sent through the virtio-accel device, and hand out memory from which
 * arguments reach the host without a guest copy. A program that wants to
 * stay portable looks them up at run time instead of linking against them:
 *
 *   void *h = dlopen("libvaccel-virtio.so", RTLD_NOW | RTLD_NOLOAD);
 *   const char *(*fn)(void) = h ? dlsym(h, "vaccel_virtio_last_executor") : 0;
 *
 * (the plugin carries the SONAME "libvaccel-virtio.so", so RTLD_NOLOAD finds
 * it whatever path VACCEL_PLUGINS named it by).
 */
#ifndef VACCEL_VIRTIO_H
#define VACCEL_VIRTIO_H

#include <stddef.h>
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

/*
 * The arena: memory the plugin maps from the device node (one mapping per
 * process, made on the first vaccel_virtio_alloc(); size from the
 * environment variable VACCEL_VIRTIO_ARENA_MIB, default 64, at most what the
 * driver allows, 0 turns it off). An op argument (input or output buffer,
 * resource blob) that lies wholly inside it goes to the device as it is: the
 * driver neither pins nor bounces it, whatever its size, so a large tensor
 * placed there reaches the host with no guest copy. Arguments elsewhere work
 * as before. Thread-safe; not meant for an op's hot path (a lock, a
 * first-fit search).
 *
 * vaccel_virtio_alloc: `size` bytes (rounded up to 4 KiB, 4 KiB-aligned,
 * zeroed the first time the arena is mapped, not after reuse) inside the
 * arena, or NULL with errno set: ENODEV (the plugin has no device open),
 * EOPNOTSUPP (the driver has no arena, or VACCEL_VIRTIO_ARENA_MIB=0), ENOMEM
 * (no free run that large: the arena is full or smaller than size), EINVAL
 * (size 0), or the errno of the arena's mmap(). A forked child gets no arena
 * (its open file is the parent's, which holds the one arena): EBUSY; blocks
 * the parent allocated are not mapped in the child.
 * vaccel_virtio_free: gives a block back; NULL does nothing; a pointer that
 * is not a live block (freed twice, from elsewhere, inside a block) is
 * ignored, logged once per process. Every block becomes invalid when the
 * plugin is unloaded (its fini unmaps the arena).
 * vaccel_virtio_arena_bytes: bytes mapped; 0 before the first alloc, and
 * when there is no arena.
 */
void *vaccel_virtio_alloc(size_t size);
void vaccel_virtio_free(void *p);
size_t vaccel_virtio_arena_bytes(void);

#ifdef __cplusplus
}
#endif

#endif
