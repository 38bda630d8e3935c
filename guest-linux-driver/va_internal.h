/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-accel guest driver: definitions shared by the driver's files.
 *
 *  va_main.c    module init, virtio probe/remove, queues, hot-unplug
 *  va_req.c     request lifecycle: build, submit, complete, wait, free
 *  va_ubuf.c    user buffers: pin, bounce or arena, scatterlist building
 *  va_arena.c   the per-file arena: mmap, lookup, chunk walk
 *  va_ioctl.c   /dev/virtio-accel<N> file operations, sessions, ioctls
 */
#ifndef VA_INTERNAL_H
#define VA_INTERNAL_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/completion.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/virtio.h>

#include "virtio_accel.h"
#include "virtio_accel_ioctl.h"

#define VA_DRV_NAME "virtio_accel"

/*
 * Driver-side hard limits. They bound what one request can make the kernel
 * allocate or pin, whatever the device's configuration claims.
 */
#define VA_MAX_QUEUES 64
#define VA_MAX_ARGS 1024 /* nr_in + nr_out */
#define VA_MAX_BLOBS 256
#define VA_MAX_SEGMENTS 4096 /* descriptors of one chain */
#define VA_MAX_XFER (512ULL << 20) /* bytes in one direction */
#define VA_MAX_TIMERS 64 /* timer entries read per TIMERS_GET */
#define VA_MAX_FILE_SESSIONS 1024
#define VA_BOUNCE_MAX 4096 /* buffers up to this are copied */
#define VA_MAX_CHUNK_ORDER 8 /* bounce chunks of at most 1 MiB */
#define VA_MAX_SEG_BYTES BIT(30) /* one scatterlist entry (32-bit length) */

/* One request virtqueue. @lock serializes add and get_buf on @vq. */
struct va_vq {
	struct virtqueue *vq;
	spinlock_t lock; /* serializes add and get_buf on @vq */
	wait_queue_head_t space_wq; /* waiters for free descriptors */
	unsigned long completions; /* bumped under @lock on every used buffer */
	unsigned int poll_score; /* recent busy-poll misses (va_req.c) */
	char name[16];
};

/* Device configuration as read at probe, in CPU byte order and clamped. */
struct va_limits {
	u32 version;
	u32 num_request_queues;
	u32 max_sessions;
	u32 max_resources;
	u32 max_segments; /* as the device says */
	u32 max_args;
	u64 max_request_bytes;
	u64 max_response_bytes;
	u64 max_resource_bytes;
	u64 supported_ops;
	u32 seg_limit; /* what we use: device, ring and driver limits */
};

/*
 * One virtio-accel device. Lifetime: @ref is held by the probe (dropped at
 * remove) and by every open file, so a file outliving a hot-unplug still
 * points at valid memory; @gone tells it the hardware side is dead.
 */
struct va_dev {
	struct kref ref;
	struct virtio_device *vdev;
	struct va_vq *vqs;
	unsigned int nvqs;
	bool gone; /* written under every vq lock */
	bool profiling; /* VIRTIO_ACCEL_F_PROFILING negotiated */
	u64 features; /* negotiated, copied: vdev dies at removal */
	atomic64_t next_req_id;
	struct va_limits lim;
	struct miscdevice misc;
	char misc_name[24]; /* "virtio-accel" + index */
	int index;
};

/* A user memory region carried by a request, pinned or bounced. */
struct va_chunk {
	struct page *page;
	unsigned int order;
};

struct va_arena;

/*
 * An open file: its sessions and its arena. @arena is set while the file's
 * arena is mapped; @arena_pending while an mmap() is creating it.
 */
struct va_file {
	struct va_dev *vd;
	struct mutex lock; /* protects @sessions, @nr_sessions */
	struct list_head sessions;
	unsigned int nr_sessions; /* listed plus being created */
	spinlock_t arena_lock; /* protects @arena, @arena_pending */
	struct va_arena *arena;
	bool arena_pending;
};

/* A user region carried by a request: bounced, pinned or in the arena. */
struct va_ubuf {
	u64 uaddr;
	u64 len;
	bool dev_writes; /* output: device writes it, user gets it back */
	bool bounced;
	unsigned int nr; /* pinned pages or bounce chunks */
	struct page **pages; /* pinned user pages */
	struct va_chunk *chunks;
	struct va_arena *arena; /* a reference, if the region is in it */
	u64 arena_off;
	unsigned int nsegs; /* scatterlist entries this buffer needs */
};

/*
 * A request. Ownership is explicit through @ref:
 *  - the submitter holds one reference until it has read the result;
 *  - the device holds one from a successful virtqueue add until the buffer is
 *    returned by virtqueue_get_buf() or detached at removal.
 * Whoever drops the last reference frees everything, including pinned pages;
 * so a waiter killed by a signal simply drops its reference and leaves, and
 * memory the device may still write is never freed under it.
 */
struct va_req {
	refcount_t ref;
	struct completion done;
	struct work_struct free_work;
	u64 id;
	int err; /* set before done: 0 or -ENODEV */
	u32 used_len; /* bytes the device wrote, as it claims */
	ktime_t t_submit;
	ktime_t t_done;
	/* device-readable head: req_hdr + fixed part of the payload */
	void *head;
	u32 head_len;
	/* device-writable head: resp_hdr + fixed part of the response */
	void *rhead;
	u32 rhead_len;
	struct va_ubuf *bufs; /* readable ones first, then writable ones */
	unsigned int nbufs;
	unsigned int nbufs_in; /* how many of @bufs are device-readable */
	struct scatterlist *sg;
	unsigned int nsg_out; /* entries of @sg that are device-readable */
	/* where va_req_submit() queued it (for polling; the file holds @vd) */
	struct va_dev *vd;
	struct va_vq *q;
};

/* Answer of the device, decoded. */
struct va_answer {
	u32 status; /* VIRTIO_ACCEL_S_* or VIRTIO_ACCEL_IOC_NO_STATUS */
	u32 detail;
	u32 payload_len; /* response payload bytes after resp_hdr */
};

/* va_main.c */
extern struct workqueue_struct *va_wq;
void va_dev_put(struct va_dev *vd);
struct va_dev *va_dev_from_misc(struct miscdevice *misc);

/* va_req.c */
struct va_req *va_req_alloc(struct va_dev *vd, u32 type, u64 session_id,
			    u32 payload_head_len, u32 resp_head_len,
			    unsigned int nbufs);
void va_req_put(struct va_req *req);
void va_req_put_atomic(struct va_req *req);
int va_req_submit(struct va_dev *vd, struct va_req *req, bool killable);
int va_req_wait(struct va_req *req, bool killable, long timeout);
int va_req_answer(struct va_req *req, struct va_answer *ans);
void va_req_complete(struct va_req *req, unsigned int len, int err);
int va_status_errno(u32 status);
void va_vq_done(struct virtqueue *vq);
static inline void *va_req_payload(struct va_req *req)
{
	return (u8 *)req->head + sizeof(struct virtio_accel_req_hdr);
}

static inline void *va_req_resp_payload(struct va_req *req)
{
	return (u8 *)req->rhead + sizeof(struct virtio_accel_resp_hdr);
}

/* va_ubuf.c */
int va_ubuf_prepare(struct va_file *vf, struct va_ubuf *b, u64 uaddr, u64 len,
		    bool dev_writes);
int va_ubuf_bounce(struct va_ubuf *b);
unsigned int va_ubuf_fill_sg(struct va_ubuf *b, struct scatterlist *sg);
int va_ubuf_copy_out(struct va_ubuf *b, u64 written);
void va_ubuf_release(struct va_ubuf *b);
int va_req_build_sg(struct va_dev *vd, struct va_req *req);

/* va_arena.c */
u32 va_arena_max_mib(void);
int va_arena_mmap(struct file *file, struct vm_area_struct *vma);
struct va_arena *va_arena_find(struct va_file *vf, u64 uaddr, u64 len,
			       u64 *off);
unsigned int va_arena_walk(const struct va_arena *a, u64 off, u64 len,
			   struct scatterlist *sg);
void va_arena_put(struct va_arena *a);

/* va_ioctl.c */
extern const struct file_operations va_fops;

#endif /* VA_INTERNAL_H */
