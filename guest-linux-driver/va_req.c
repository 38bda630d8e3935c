// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel guest driver: request lifecycle.
 *
 *   va_req_alloc -> (caller fills head, bufs) -> va_req_build_sg
 *   -> va_req_submit -> va_req_wait -> va_req_answer -> va_req_put
 *
 * See struct va_req for who owns what when.
 */
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/clock.h>
#include <linux/sched/signal.h>
#include <linux/virtio.h>

#include "va_internal.h"

struct va_req *va_req_alloc(struct va_dev *vd, u32 type, u64 session_id,
			    u32 payload_head_len, u32 resp_head_len,
			    unsigned int nbufs)
{
	struct virtio_accel_req_hdr *hdr;
	struct va_req *req;

	req = kzalloc(sizeof(*req), GFP_KERNEL);
	if (!req)
		return NULL;
	refcount_set(&req->ref, 1);
	init_completion(&req->done);
	req->id = atomic64_inc_return(&vd->next_req_id);

	/* Both heads are bounded by the callers (VA_MAX_ARGS, VA_MAX_TIMERS). */
	req->head_len = sizeof(*hdr) + payload_head_len;
	req->head = kzalloc(req->head_len, GFP_KERNEL);
	req->rhead_len = sizeof(struct virtio_accel_resp_hdr) + resp_head_len;
	/* Zeroed: a lying device can never make us return stale memory. */
	req->rhead = kzalloc(req->rhead_len, GFP_KERNEL);
	if (nbufs)
		req->bufs = kvcalloc(nbufs, sizeof(*req->bufs), GFP_KERNEL);
	if (!req->head || !req->rhead || (nbufs && !req->bufs)) {
		va_req_put(req);
		return NULL;
	}
	req->nbufs = nbufs;

	hdr = req->head;
	hdr->type = cpu_to_le32(type);
	hdr->request_id = cpu_to_le64(req->id);
	hdr->session_id = cpu_to_le64(session_id);
	/* payload_len is set by va_req_build_sg once the bytes are known. */
	return req;
}

static void va_req_free(struct va_req *req)
{
	unsigned int i;

	for (i = 0; i < req->nbufs; i++)
		va_ubuf_release(&req->bufs[i]);
	kvfree(req->bufs);
	kvfree(req->sg);
	kfree(req->head);
	kfree(req->rhead);
	kfree(req);
}

static void va_req_free_work(struct work_struct *work)
{
	va_req_free(container_of(work, struct va_req, free_work));
}

/* Process context: may sleep (unpinning takes page locks). */
void va_req_put(struct va_req *req)
{
	if (refcount_dec_and_test(&req->ref))
		va_req_free(req);
}

/* Any context: the final free is deferred to process context. */
void va_req_put_atomic(struct va_req *req)
{
	if (refcount_dec_and_test(&req->ref)) {
		INIT_WORK(&req->free_work, va_req_free_work);
		queue_work(va_wq, &req->free_work);
	}
}

/* Called with the queue lock held; drops the device's reference. */
void va_req_complete(struct va_req *req, unsigned int len, int err)
{
	req->used_len = len;
	req->err = err;
	req->t_done = ktime_get();
	complete(&req->done);
	va_req_put_atomic(req);
}

void va_vq_done(struct virtqueue *vq)
{
	struct va_dev *vd = vq->vdev->priv;
	struct va_vq *q = &vd->vqs[vq->index];
	struct va_req *req;
	unsigned long flags;
	unsigned int len;

	spin_lock_irqsave(&q->lock, flags);
	do {
		virtqueue_disable_cb(vq);
		while ((req = virtqueue_get_buf(vq, &len)))
			va_req_complete(req, len, 0);
	} while (!virtqueue_enable_cb(vq));
	q->completions++;
	spin_unlock_irqrestore(&q->lock, flags);
	wake_up_all(&q->space_wq);
}

/*
 * Busy-poll of the used ring (module parameter poll_us): a waiter spins up to
 * poll_us before it sleeps, reaping completions itself, so that a fast answer
 * costs no interrupt, no idle exit and no wakeup. It pays only while answers
 * come within poll_us; otherwise the spin is lost CPU, and on a host short of
 * cores it is taken from the threads that would answer. So each queue keeps a
 * score of recent polls (va_poll_wanted()): a miss adds VA_POLL_MISS, a hit
 * takes one off, and from VA_POLL_OFF on the queue stops polling, retrying
 * one request in VA_POLL_MISS. Measured with make bench-vm, see
 * guest-linux-driver/README.md.
 */
static unsigned int poll_us = 150;
module_param(poll_us, uint, 0644);
MODULE_PARM_DESC(poll_us,
		 "Microseconds to poll the used ring, while polls pay (0: off)");

#define VA_POLL_MISS 4
#define VA_POLL_OFF 8
#define VA_POLL_MAX 32

/* Whether this request should poll; a queue that stopped decays by one. */
static bool va_poll_wanted(struct va_vq *q)
{
	unsigned int score = READ_ONCE(q->poll_score);

	if (score < VA_POLL_OFF)
		return true;
	WRITE_ONCE(q->poll_score, score - 1);
	return false;
}

/* Scores one poll. Racy updates from several waiters only blur the score. */
static void va_poll_scored(struct va_vq *q, bool hit)
{
	unsigned int score = READ_ONCE(q->poll_score);

	if (hit)
		score = score ? score - 1 : 0;
	else
		score = min(score + VA_POLL_MISS, VA_POLL_MAX);
	WRITE_ONCE(q->poll_score, score);
}

/* Completes every used buffer of @q; the caller holds q->lock. */
static bool va_vq_reap(struct va_vq *q)
{
	struct va_req *r;
	unsigned int len;
	bool reaped = false;

	while ((r = virtqueue_get_buf(q->vq, &len))) {
		va_req_complete(r, len, 0);
		reaped = true;
	}
	if (reaped)
		q->completions++;
	return reaped;
}

/*
 * Spins until @req completes or @us pass; true if it completed. While it
 * spins the queue's interrupts are off (the spinner reaps every answer,
 * others' too, and wakes their waiters), so the device sends none for an
 * answer that is already being picked up; they are turned back on, and
 * what came in meanwhile reaped, before it returns.
 */
static bool va_req_poll(struct va_req *req, unsigned int us)
{
	u64 end = local_clock() + (u64)us * NSEC_PER_USEC;
	struct va_vq *q = req->q;
	unsigned long flags;
	bool reaped, gone;

	spin_lock_irqsave(&q->lock, flags);
	/* After removal began the virtqueue may be gone. */
	gone = READ_ONCE(req->vd->gone);
	if (!gone)
		virtqueue_disable_cb(q->vq);
	spin_unlock_irqrestore(&q->lock, flags);
	if (gone)
		return completion_done(&req->done);

	while (!completion_done(&req->done)) {
		reaped = false;
		spin_lock_irqsave(&q->lock, flags);
		if (!READ_ONCE(req->vd->gone))
			reaped = va_vq_reap(q);
		spin_unlock_irqrestore(&q->lock, flags);
		if (reaped)
			wake_up_all(&q->space_wq);
		if (completion_done(&req->done) || local_clock() > end ||
		    need_resched() || signal_pending(current))
			break;
		cpu_relax();
	}

	reaped = false;
	spin_lock_irqsave(&q->lock, flags);
	if (!READ_ONCE(req->vd->gone)) {
		do {
			reaped |= va_vq_reap(q);
		} while (!virtqueue_enable_cb(q->vq));
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (reaped)
		wake_up_all(&q->space_wq);
	return completion_done(&req->done);
}

static struct va_vq *va_pick_vq(struct va_dev *vd)
{
	/* Per-CPU queues: no contention on the lock in the common case. */
	return &vd->vqs[raw_smp_processor_id() % vd->nvqs];
}

/*
 * Hands the request to the device. On success the device owns a reference.
 * Waits (killable, or up to 10 s when not) while the ring is full.
 */
int va_req_submit(struct va_dev *vd, struct va_req *req, bool killable)
{
	struct scatterlist *sgs[2];
	struct va_vq *q = va_pick_vq(vd);
	unsigned long flags, seen;
	long left;
	int err;

	sgs[0] = req->sg; /* device-readable list */
	sgs[1] = req->sg + req->nsg_out; /* device-writable list */

	for (;;) {
		spin_lock_irqsave(&q->lock, flags);
		if (READ_ONCE(vd->gone)) {
			spin_unlock_irqrestore(&q->lock, flags);
			return -ENODEV;
		}
		/*
		 * GFP_ATOMIC only sizes the indirect table: at most seg_limit
		 * descriptors, bounded by the device and VA_MAX_SEGMENTS. If it
		 * fails the ring falls back to direct descriptors or -ENOSPC.
		 */
		req->t_submit = ktime_get();
		req->vd = vd;
		req->q = q;
		err = virtqueue_add_sgs(q->vq, sgs, 1, 1, req, GFP_ATOMIC);
		if (!err) {
			refcount_inc(&req->ref); /* the device's reference */
			virtqueue_kick(q->vq);
			spin_unlock_irqrestore(&q->lock, flags);
			return 0;
		}
		seen = q->completions;
		/*
		 * Nothing in flight and still no room (the indirect table could
		 * not be allocated and the chain is longer than the ring): no
		 * completion will ever make room, so do not wait for one.
		 */
		if (err == -ENOSPC &&
		    q->vq->num_free == virtqueue_get_vring_size(q->vq))
			err = -ENOMEM;
		spin_unlock_irqrestore(&q->lock, flags);
		if (err != -ENOSPC)
			return err;

		/* Ring full: wait until the device returns something. */
		if (killable) {
			if (wait_event_killable(q->space_wq,
						READ_ONCE(q->completions) !=
								seen ||
							READ_ONCE(vd->gone)))
				return -EINTR;
		} else {
			left = wait_event_timeout(q->space_wq,
						  READ_ONCE(q->completions) !=
								  seen ||
							  READ_ONCE(vd->gone),
						  10 * HZ);
			if (!left)
				return -ETIMEDOUT;
		}
	}
}

/*
 * Waits for the device's answer. Returns 0, -ENODEV (device removed),
 * -EINTR (fatal signal) or -ETIMEDOUT (non-killable wait with @timeout).
 * On -EINTR/-ETIMEDOUT the caller just drops its reference: the completion
 * path frees the request when the device gives it back.
 */
int va_req_wait(struct va_req *req, bool killable, long timeout)
{
	unsigned int us = READ_ONCE(poll_us);

	if (us && req->q && va_poll_wanted(req->q))
		va_poll_scored(req->q, va_req_poll(req, min(us, 1000U)));
	if (killable) {
		if (wait_for_completion_killable(&req->done))
			return -EINTR;
	} else if (!wait_for_completion_timeout(&req->done, timeout)) {
		return -ETIMEDOUT;
	}
	return req->err;
}

int va_status_errno(u32 status)
{
	switch (status) {
	case VIRTIO_ACCEL_S_OK:
		return 0;
	case VIRTIO_ACCEL_S_MALFORMED:
	case VIRTIO_ACCEL_S_BAD_ARGS:
		return -EINVAL;
	case VIRTIO_ACCEL_S_UNSUPPORTED:
		return -EOPNOTSUPP;
	case VIRTIO_ACCEL_S_NO_SESSION:
	case VIRTIO_ACCEL_S_NO_RESOURCE:
		return -ENOENT;
	case VIRTIO_ACCEL_S_QUOTA:
		return -EDQUOT;
	case VIRTIO_ACCEL_S_RESP_TOO_SMALL:
		return -EOVERFLOW;
	case VIRTIO_ACCEL_S_OP_FAILED:
		return -EREMOTEIO;
	case VIRTIO_ACCEL_S_DENIED:
		return -EACCES;
	case VIRTIO_ACCEL_S_NO_MEMORY:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

/*
 * Decodes the response header of a completed request. Everything in it is
 * device-controlled: the claimed lengths are checked against what we gave.
 * Returns 0 for S_OK, the mapped errno for another status, -EIO when the
 * answer is malformed.
 */
int va_req_answer(struct va_req *req, struct va_answer *ans)
{
	const struct virtio_accel_resp_hdr *rh = req->rhead;
	u32 writable = req->rhead_len;
	unsigned int i;

	ans->status = VIRTIO_ACCEL_IOC_NO_STATUS;
	ans->detail = 0;
	ans->payload_len = 0;

	for (i = req->nbufs_in; i < req->nbufs; i++)
		writable += req->bufs[i].len; /* bounded by VA_MAX_XFER */

	if (req->used_len < sizeof(*rh) || req->used_len > writable)
		return -EIO;
	if (le64_to_cpu(rh->request_id) != req->id)
		return -EIO;
	ans->status = le32_to_cpu(rh->status);
	ans->detail = le32_to_cpu(rh->detail);
	ans->payload_len = le32_to_cpu(rh->payload_len);
	if (ans->payload_len > req->used_len - sizeof(*rh))
		return -EIO;
	return va_status_errno(ans->status);
}
