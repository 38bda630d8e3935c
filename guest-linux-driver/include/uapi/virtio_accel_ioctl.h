/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/*
 * virtio-accel guest driver: the ioctl interface of /dev/virtio-accel<N>.
 *
 * Usable from the kernel and from C or C++ userland (only <linux/types.h> and
 * <linux/ioctl.h> are needed). Operation codes, resource types and device
 * status codes are those of the wire protocol: include
 * virtio-accel-spec/include/virtio_accel.h for VIRTIO_ACCEL_OP_*,
 * VIRTIO_ACCEL_RES_* and VIRTIO_ACCEL_S_*.
 *
 * Layout rules (so that 32-bit and 64-bit userland share one layout and the
 * driver needs no compat translation):
 *  - every user pointer is a __u64 (cast through uintptr_t);
 *  - every struct is naturally aligned with explicit reserved fields; reserved
 *    fields and unknown flags MUST be zero (-EINVAL otherwise);
 *  - every ioctl struct starts with "__u32 size" = sizeof() as the caller was
 *    compiled, and the size bits of the ioctl number (_IOC_SIZE) carry the
 *    same value: the macros below do that for the structs of this header.
 *    The driver matches the rest of the number (type, direction, number)
 *    exactly and follows copy_struct_from_user() for the size: a smaller size
 *    than the driver knows is zero-extended (it must be at least the
 *    *_SIZE_VER0 of the struct, else -EINVAL); a larger size is accepted only
 *    if the bytes the driver does not know are all zero (else -E2BIG); a
 *    "size" field that differs from _IOC_SIZE is -EINVAL. On return the
 *    driver writes back at most "size" bytes. A program built against a newer
 *    header (larger structs) therefore still works with an older driver as
 *    long as it leaves the new fields zero.
 *  - array elements (args, blobs, timers) have a fixed layout; future versions
 *    will signal a different element layout with a flag bit.
 *
 * Return values: 0 on success, else -1 with errno. Errors the driver detects
 * itself: EFAULT (bad user pointer), EINVAL (bad field, reserved field not 0),
 * E2BIG (count or byte size above the device's limits, see INFO), ENOENT
 * (session id not opened through this file descriptor: sessions are private
 * to the file that created them), EMFILE (too many sessions on this file),
 * EOPNOTSUPP (feature not negotiated), ENOMEM, EINTR (fatal signal), ENODEV
 * (device removed), EIO (device gave a malformed answer), ENOTTY (unknown
 * ioctl).
 *
 * Device status -> errno (the raw status and detail are ALSO returned in the
 * struct's status/detail fields whenever the device answered, so userland can
 * map precisely; status is VIRTIO_ACCEL_IOC_NO_STATUS if the request never got
 * an answer):
 *   S_OK             0
 *   S_MALFORMED      EINVAL
 *   S_UNSUPPORTED    EOPNOTSUPP
 *   S_NO_SESSION     ENOENT
 *   S_NO_RESOURCE    ENOENT      (status tells it apart from S_NO_SESSION)
 *   S_QUOTA          EDQUOT
 *   S_RESP_TOO_SMALL EOVERFLOW
 *   S_OP_FAILED      EREMOTEIO   (detail = host errno from the runtime/plugin)
 *   S_DENIED         EACCES
 *   S_NO_MEMORY      ENOMEM
 *   S_BAD_ARGS       EINVAL
 *   anything else    EIO
 * When an ioctl fails with a device-mapped errno the struct is still written
 * back (status, detail and, for RUN, executor/exec_ns).
 */
#ifndef VIRTIO_ACCEL_IOCTL_H
#define VIRTIO_ACCEL_IOCTL_H

#include <linux/types.h>
#include <linux/ioctl.h>

/*
 * Version of this interface; INFO reports it in api_version. Version 2: the
 * ioctl magic moved from 0xB7 to 0xBA, the node from /dev/accel to
 * /dev/virtio-accel<N>, and _IOC_SIZE is checked.
 */
#define VIRTIO_ACCEL_IOC_API_VERSION 2

/* status value meaning "the device did not answer this request" */
#define VIRTIO_ACCEL_IOC_NO_STATUS 0xffffffffu

/* VIRTIO_ACCEL_IOC_INFO: device configuration and negotiated features. */
struct virtio_accel_ioc_info {
	__u32 size;
	__u32 flags; /* in: 0 */
	__u32 api_version; /* VIRTIO_ACCEL_IOC_API_VERSION */
	__u32 version; /* device protocol version (major << 16 | minor) */
	__u32 num_request_queues; /* offered by the device */
	__u32 num_queues; /* used by this driver */
	__u32 max_sessions;
	__u32 max_resources;
	__u32 max_segments; /* device limit; driver may use fewer */
	__u32 max_args; /* nr_in + nr_out of one RUN */
	__u64 max_request_bytes;
	__u64 max_response_bytes;
	__u64 max_resource_bytes;
	__u64 supported_ops; /* bit n: VIRTIO_ACCEL_OP n is served */
	__u64 features; /* negotiated device feature bits 0..63 */
	__u32 seg_limit; /* descriptors the driver puts in one chain */
	__u32 arena_max_mib; /* largest arena mmap() takes; 0: none (below) */
};

#define VIRTIO_ACCEL_IOC_INFO_SIZE_VER0 88

/*
 * The arena: mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) gives
 * the file zeroed memory made of physically contiguous chunks (up to 2 MiB).
 * len is at most arena_max_mib MiB (EINVAL above; ENODEV if arena_max_mib is
 * 0, as with drivers before it, which reported 0 in this field); the offset
 * is 0 and the mapping shared (EINVAL otherwise). One arena per open file
 * (EBUSY while one is mapped); it is not inherited by fork() and cannot be
 * split or moved (munmap of part of it, mremap: EINVAL); munmap() of all of
 * it frees it once no request uses it. Any ioctl region (RUN argument,
 * resource blob) lying wholly inside the caller's arena reaches the device
 * in place, without pinning or a bounce copy, whatever its size.
 */

/*
 * SESSION_CREATE (in: flags; out: session_id) and SESSION_DESTROY (in:
 * session_id). flags low 16 bits: vAccel plugin-type hint; high bits 0.
 */
struct virtio_accel_ioc_session {
	__u32 size;
	__u32 flags;
	__u64 session_id;
	__u32 status; /* out: raw VIRTIO_ACCEL_S_* */
	__u32 detail; /* out: host errno for S_OP_FAILED */
};

#define VIRTIO_ACCEL_IOC_SESSION_SIZE_VER0 24

/*
 * One blob of a resource: name (no NUL; 1..255 bytes of [A-Za-z0-9._-]) and
 * data.
 */
struct virtio_accel_ioc_blob {
	__u64 name; /* user pointer */
	__u64 data; /* user pointer */
	__u64 data_len;
	__u32 name_len;
	__u32 reserved; /* 0 */
};

/*
 * RESOURCE_REGISTER (in: session_id, res_type, nr_blobs, blobs; out:
 * resource_id) and RESOURCE_UNREGISTER (in: session_id, resource_id).
 */
struct virtio_accel_ioc_resource {
	__u32 size;
	__u32 flags; /* 0 */
	__u64 session_id;
	__u32 res_type; /* VIRTIO_ACCEL_RES_* */
	__u32 nr_blobs;
	__u64 blobs; /* user pointer to nr_blobs struct virtio_accel_ioc_blob */
	__u64 resource_id;
	__u32 status;
	__u32 detail;
};

#define VIRTIO_ACCEL_IOC_RESOURCE_SIZE_VER0 48

/*
 * One argument of RUN. Inputs: len = exact bytes the device reads. Outputs:
 * len = capacity the device may write (the whole capacity is returned).
 */
struct virtio_accel_ioc_arg {
	__u64 buf; /* user pointer */
	__u64 len;
	__u32 type; /* vAccel argument type, passed through */
	__u32 custom_type; /* vAccel custom type id, passed through */
};

#define VIRTIO_ACCEL_IOC_EXECUTOR_LEN 24

/* RUN: execute op in a session. */
struct virtio_accel_ioc_run {
	__u32 size;
	__u32 flags; /* 0 */
	__u64 session_id;
	__u32 op; /* VIRTIO_ACCEL_OP_* */
	__u32 nr_in;
	__u32 nr_out;
	__u32 reserved; /* 0 */
	__u64 resource_id; /* ops that name a resource; else 0 */
	__u64 in; /* user pointer to nr_in struct virtio_accel_ioc_arg */
	__u64 out; /* user pointer to nr_out struct virtio_accel_ioc_arg */
	/* out: */
	__u32 status;
	__u32 detail;
	__u64 exec_ns; /* host execution time reported by the device */
	__u64 rtt_ns; /* guest-measured submit-to-completion time */
	char executor[VIRTIO_ACCEL_IOC_EXECUTOR_LEN]; /* NUL terminated */
};

#define VIRTIO_ACCEL_IOC_RUN_SIZE_VER0 104

/* One profiling timer (per op) of a session. */
struct virtio_accel_ioc_timer {
	__u32 op;
	__u32 reserved;
	__u64 count;
	__u64 total_ns;
	__u64 max_ns;
};

/*
 * TIMERS_GET: the device's per-op timers of one session (needs
 * VIRTIO_ACCEL_F_PROFILING). nr_timers: in = capacity of the timers array,
 * out = number of timers the device reported (entries beyond the capacity are
 * not copied).
 */
struct virtio_accel_ioc_timers {
	__u32 size;
	__u32 flags; /* 0 */
	__u64 session_id;
	__u64 timers; /* user pointer to struct virtio_accel_ioc_timer[] */
	__u32 nr_timers;
	__u32 status;
	__u32 detail;
	__u32 reserved; /* 0 */
};

#define VIRTIO_ACCEL_IOC_TIMERS_SIZE_VER0 40

/* STATS_GET: device-wide counters (struct virtio_accel_stats on the wire). */
struct virtio_accel_ioc_stats {
	__u32 size;
	__u32 flags; /* 0 */
	__u32 status;
	__u32 detail;
	__u64 requests;
	__u64 errors;
	__u64 bytes_in;
	__u64 bytes_out;
	__u64 in_flight;
	__u64 sessions;
	__u64 resources;
	__u64 resource_bytes;
	/* VER1: host copies (0 from a device that does not count them) */
	__u64 arg_bytes_in;
	__u64 arg_bytes_out;
	__u64 copied_in;
	__u64 copied_out;
	__u64 zero_filled;
};

#define VIRTIO_ACCEL_IOC_STATS_SIZE_VER0 80
#define VIRTIO_ACCEL_IOC_STATS_SIZE_VER1 120

/*
 * 0xBA: free in Documentation/userspace-api/ioctl/ioctl-number.rst of Linux
 * 6.12 (0xB7, used before, belongs to remoteproc_cdev and nsfs).
 */
#define VIRTIO_ACCEL_IOC_MAGIC 0xBA

#define VIRTIO_ACCEL_IOC_INFO \
	_IOWR(VIRTIO_ACCEL_IOC_MAGIC, 0x00, struct virtio_accel_ioc_info)
#define VIRTIO_ACCEL_IOC_SESSION_CREATE \
	_IOWR(VIRTIO_ACCEL_IOC_MAGIC, 0x01, struct virtio_accel_ioc_session)
#define VIRTIO_ACCEL_IOC_SESSION_DESTROY \
	_IOWR(VIRTIO_ACCEL_IOC_MAGIC, 0x02, struct virtio_accel_ioc_session)
#define VIRTIO_ACCEL_IOC_RESOURCE_REGISTER \
	_IOWR(VIRTIO_ACCEL_IOC_MAGIC, 0x10, struct virtio_accel_ioc_resource)
#define VIRTIO_ACCEL_IOC_RESOURCE_UNREGISTER \
	_IOWR(VIRTIO_ACCEL_IOC_MAGIC, 0x11, struct virtio_accel_ioc_resource)
#define VIRTIO_ACCEL_IOC_RUN \
	_IOWR(VIRTIO_ACCEL_IOC_MAGIC, 0x20, struct virtio_accel_ioc_run)
#define VIRTIO_ACCEL_IOC_TIMERS_GET \
	_IOWR(VIRTIO_ACCEL_IOC_MAGIC, 0x30, struct virtio_accel_ioc_timers)
#define VIRTIO_ACCEL_IOC_STATS_GET \
	_IOWR(VIRTIO_ACCEL_IOC_MAGIC, 0x31, struct virtio_accel_ioc_stats)

#endif /* VIRTIO_ACCEL_IOCTL_H */
