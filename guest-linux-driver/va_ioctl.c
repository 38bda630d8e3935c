// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel guest driver: /dev/virtio-accel<N> file operations and ioctls.
 *
 * Sessions belong to the open file that created them: another file cannot
 * name them (-ENOENT, so their existence does not leak either), and closing
 * the file destroys them on the device. The ioctl ABI is documented in
 * include/uapi/virtio_accel_ioctl.h.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/virtio_config.h>

#include "va_internal.h"

/* The uapi layout is the same for every ABI; keep it that way. */
static_assert(sizeof(struct virtio_accel_ioc_info) ==
	      VIRTIO_ACCEL_IOC_INFO_SIZE_VER0);
static_assert(sizeof(struct virtio_accel_ioc_session) ==
	      VIRTIO_ACCEL_IOC_SESSION_SIZE_VER0);
static_assert(sizeof(struct virtio_accel_ioc_resource) ==
	      VIRTIO_ACCEL_IOC_RESOURCE_SIZE_VER0);
static_assert(sizeof(struct virtio_accel_ioc_run) ==
	      VIRTIO_ACCEL_IOC_RUN_SIZE_VER0);
static_assert(sizeof(struct virtio_accel_ioc_timers) ==
	      VIRTIO_ACCEL_IOC_TIMERS_SIZE_VER0);
static_assert(sizeof(struct virtio_accel_ioc_stats) ==
	      VIRTIO_ACCEL_IOC_STATS_SIZE_VER1);
static_assert(sizeof(struct virtio_accel_ioc_blob) == 32);
static_assert(sizeof(struct virtio_accel_ioc_arg) == 24);
static_assert(sizeof(struct virtio_accel_ioc_timer) == 32);
static_assert(VIRTIO_ACCEL_IOC_EXECUTOR_LEN == VIRTIO_ACCEL_EXECUTOR_LEN);
/* The ioctl table takes each struct's size from the size bits of its number. */
static_assert(_IOC_SIZE(VIRTIO_ACCEL_IOC_RUN) ==
	      sizeof(struct virtio_accel_ioc_run));

/* Short control requests that must not be abandoned lightly. */
#define VA_CTRL_TIMEOUT (10 * HZ)

struct va_session {
	struct list_head node;
	u64 id;
};

/* ---- struct copying (copy_struct_from_user semantics) ---- */

/*
 * Copies the ioctl struct in. @usize is _IOC_SIZE of the command (checked by
 * va_ioctl() against the first version of the struct); the struct's size field
 * must say the same.
 */
static int va_copy_in(void *k, size_t ksize, u32 usize, const void __user *u)
{
	int err;

	err = copy_struct_from_user(k, ksize, u, usize);
	if (err)
		return err;
	if (*(u32 *)k != usize)
		return -EINVAL;
	return 0;
}

static int va_copy_back(void __user *u, const void *k, size_t ksize)
{
	size_t n = min_t(size_t, *(const u32 *)k, ksize);

	return copy_to_user(u, k, n) ? -EFAULT : 0;
}

/* ---- sessions of a file ---- */

static struct va_session *va_session_find(struct va_file *vf, u64 id)
{
	struct va_session *s;

	lockdep_assert_held(&vf->lock);
	list_for_each_entry(s, &vf->sessions, node)
		if (s->id == id)
			return s;
	return NULL;
}

static bool va_session_owned(struct va_file *vf, u64 id)
{
	bool owned;

	if (!id)
		return false;
	mutex_lock(&vf->lock);
	owned = va_session_find(vf, id);
	mutex_unlock(&vf->lock);
	return owned;
}

/*
 * Sends a request without user buffers and copies up to @rcap response
 * payload bytes to @resp. Returns the errno of va_req_answer() or a transport
 * error; @ans holds the raw status.
 */
static int va_simple(struct va_dev *vd, u32 type, u64 sid, const void *payload,
		     u32 plen, void *resp, u32 rcap, struct va_answer *ans,
		     bool killable)
{
	struct va_req *req;
	int err;

	ans->status = VIRTIO_ACCEL_IOC_NO_STATUS;
	ans->detail = 0;
	ans->payload_len = 0;
	req = va_req_alloc(vd, type, sid, plen, rcap, 0);
	if (!req)
		return -ENOMEM;
	if (plen)
		memcpy(va_req_payload(req), payload, plen);
	err = va_req_build_sg(vd, req);
	if (!err)
		err = va_req_submit(vd, req, killable);
	if (!err)
		err = va_req_wait(req, killable, VA_CTRL_TIMEOUT);
	if (!err) {
		err = va_req_answer(req, ans);
		if (rcap && ans->status != VIRTIO_ACCEL_IOC_NO_STATUS)
			memcpy(resp, va_req_resp_payload(req), rcap);
	}
	va_req_put(req);
	return err;
}

/* ---- ioctls ---- */

static int va_ioc_info(struct va_file *vf, void *karg, void __user *u)
{
	struct va_dev *vd = vf->vd;
	struct virtio_accel_ioc_info *i = karg;

	if (i->flags)
		return -EINVAL;
	i->api_version = VIRTIO_ACCEL_IOC_API_VERSION;
	i->version = vd->lim.version;
	i->num_request_queues = vd->lim.num_request_queues;
	i->num_queues = vd->nvqs;
	i->max_sessions = vd->lim.max_sessions;
	i->max_resources = vd->lim.max_resources;
	i->max_segments = vd->lim.max_segments;
	i->max_args = min_t(u32, vd->lim.max_args, VA_MAX_ARGS);
	i->max_request_bytes =
		min_t(u64, vd->lim.max_request_bytes, VA_MAX_XFER);
	i->max_response_bytes =
		min_t(u64, vd->lim.max_response_bytes, VA_MAX_XFER);
	i->max_resource_bytes = vd->lim.max_resource_bytes;
	i->supported_ops = vd->lim.supported_ops;
	i->features = vd->features;
	i->seg_limit = vd->lim.seg_limit;
	i->arena_max_mib = va_arena_max_mib();
	return va_copy_back(u, i, sizeof(*i));
}

static int va_ioc_session_create(struct va_file *vf, void *karg, void __user *u)
{
	struct virtio_accel_session_create p = {};
	struct virtio_accel_id_resp id = {};
	struct virtio_accel_ioc_session *s = karg;
	struct va_session *sess;
	struct va_answer ans;
	int err;

	if (s->flags >> 16)
		return -EINVAL;

	sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	if (!sess)
		return -ENOMEM;
	mutex_lock(&vf->lock);
	if (vf->nr_sessions >= VA_MAX_FILE_SESSIONS) {
		mutex_unlock(&vf->lock);
		kfree(sess);
		return -EMFILE;
	}
	vf->nr_sessions++; /* reserve the slot while we ask the device */
	mutex_unlock(&vf->lock);

	/*
	 * Not killable: if the waiter left, the device would hold a session
	 * nobody knows about until reset. The host answers this quickly.
	 */
	p.flags = cpu_to_le32(s->flags);
	err = va_simple(vf->vd, VIRTIO_ACCEL_REQ_SESSION_CREATE, 0, &p,
			sizeof(p), &id, sizeof(id), &ans, false);
	if (!err && (ans.payload_len < sizeof(id) || !le64_to_cpu(id.id)))
		err = -EIO;

	mutex_lock(&vf->lock);
	if (err) {
		vf->nr_sessions--;
		kfree(sess);
	} else {
		sess->id = le64_to_cpu(id.id);
		list_add_tail(&sess->node, &vf->sessions);
	}
	mutex_unlock(&vf->lock);

	s->status = ans.status;
	s->detail = ans.detail;
	s->session_id = err ? 0 : le64_to_cpu(id.id);
	if (va_copy_back(u, s, sizeof(*s)) && !err)
		return -EFAULT; /* the session stays owned by the file */
	return err;
}

static int va_ioc_session_destroy(struct va_file *vf, void *karg,
				  void __user *u)
{
	struct virtio_accel_ioc_session *s = karg;
	struct va_session *sess;
	struct va_answer ans;
	int err;

	if (s->flags)
		return -EINVAL;

	mutex_lock(&vf->lock);
	sess = va_session_find(vf, s->session_id);
	if (sess) {
		list_del(&sess->node);
		vf->nr_sessions--;
	}
	mutex_unlock(&vf->lock);
	if (!sess)
		return -ENOENT;
	kfree(sess);

	/* Killable: a queued destroy still runs after its waiter left. */
	err = va_simple(vf->vd, VIRTIO_ACCEL_REQ_SESSION_DESTROY, s->session_id,
			NULL, 0, NULL, 0, &ans, true);
	s->status = ans.status;
	s->detail = ans.detail;
	if (va_copy_back(u, s, sizeof(*s)) && !err)
		return -EFAULT;
	return err;
}

static int va_ioc_resource_register(struct va_file *vf, void *karg,
				    void __user *u)
{
	struct va_dev *vd = vf->vd;
	struct virtio_accel_ioc_resource *r = karg;
	struct virtio_accel_resource_register *wr;
	struct virtio_accel_blob_desc *wd;
	struct virtio_accel_ioc_blob *blobs = NULL;
	struct virtio_accel_id_resp *id;
	struct va_req *req = NULL;
	struct va_answer ans = { .status = VIRTIO_ACCEL_IOC_NO_STATUS };
	u64 total = 0;
	unsigned int i;
	int err;

	if (r->flags || !r->res_type || !r->nr_blobs)
		return -EINVAL;
	if (!va_session_owned(vf, r->session_id))
		return -ENOENT;
	if (r->nr_blobs > VA_MAX_BLOBS)
		return -E2BIG;

	blobs = kvmalloc_array(r->nr_blobs, sizeof(*blobs), GFP_KERNEL);
	if (!blobs)
		return -ENOMEM;
	if (copy_from_user(blobs, u64_to_user_ptr(r->blobs),
			   r->nr_blobs * sizeof(*blobs))) {
		err = -EFAULT;
		goto out;
	}
	for (i = 0; i < r->nr_blobs; i++) {
		if (blobs[i].reserved || !blobs[i].name_len ||
		    blobs[i].name_len > VIRTIO_ACCEL_MAX_NAME) {
			err = -EINVAL;
			goto out;
		}
		if (blobs[i].data_len > VA_MAX_XFER) {
			err = -E2BIG;
			goto out;
		}
		total += blobs[i].data_len;
	}
	if (total > vd->lim.max_resource_bytes) {
		err = -E2BIG;
		goto out;
	}

	req = va_req_alloc(vd, VIRTIO_ACCEL_REQ_RESOURCE_REGISTER,
			   r->session_id,
			   sizeof(*wr) + r->nr_blobs * sizeof(*wd), sizeof(*id),
			   2 * r->nr_blobs);
	if (!req) {
		err = -ENOMEM;
		goto out;
	}
	wr = va_req_payload(req);
	wr->res_type = cpu_to_le32(r->res_type);
	wr->nr_blobs = cpu_to_le32(r->nr_blobs);
	wd = (void *)(wr + 1);
	req->nbufs_in = req->nbufs;
	for (i = 0; i < r->nr_blobs; i++) {
		wd[i].size = cpu_to_le64(blobs[i].data_len);
		wd[i].name_len = cpu_to_le32(blobs[i].name_len);
		err = va_ubuf_prepare(vf, &req->bufs[2 * i], blobs[i].name,
				      blobs[i].name_len, false);
		if (!err)
			err = va_ubuf_prepare(vf, &req->bufs[2 * i + 1],
					      blobs[i].data, blobs[i].data_len,
					      false);
		if (err)
			goto out;
	}
	err = va_req_build_sg(vd, req);
	if (!err)
		err = va_req_submit(vd, req, true);
	if (!err)
		err = va_req_wait(req, true, 0);
	if (!err) {
		err = va_req_answer(req, &ans);
		id = va_req_resp_payload(req);
		if (!err && ans.payload_len < sizeof(*id))
			err = -EIO;
		r->resource_id = err ? 0 : le64_to_cpu(id->id);
	}
	r->status = ans.status;
	r->detail = ans.detail;
	if (err != -EINTR && va_copy_back(u, r, sizeof(*r)) && !err)
		err = -EFAULT;
out:
	if (req)
		va_req_put(req);
	kvfree(blobs);
	return err;
}

static int va_ioc_resource_unregister(struct va_file *vf, void *karg,
				      void __user *u)
{
	struct virtio_accel_resource_unregister p = {};
	struct virtio_accel_ioc_resource *r = karg;
	struct va_answer ans;
	int err;

	if (r->flags)
		return -EINVAL;
	if (!va_session_owned(vf, r->session_id))
		return -ENOENT;
	p.resource_id = cpu_to_le64(r->resource_id);
	err = va_simple(vf->vd, VIRTIO_ACCEL_REQ_RESOURCE_UNREGISTER,
			r->session_id, &p, sizeof(p), NULL, 0, &ans, true);
	r->status = ans.status;
	r->detail = ans.detail;
	if (va_copy_back(u, r, sizeof(*r)) && !err)
		return -EFAULT;
	return err;
}

/* Fills the request of a RUN from the validated argument arrays. */
static int va_run_fill(struct va_file *vf, struct va_req *req,
		       const struct virtio_accel_ioc_run *r,
		       const struct virtio_accel_ioc_arg *args)
{
	struct virtio_accel_run_req *rr = va_req_payload(req);
	struct virtio_accel_arg *wa = (void *)(rr + 1);
	unsigned int i, nargs = r->nr_in + r->nr_out;
	int err;

	rr->op = cpu_to_le32(r->op);
	rr->nr_in = cpu_to_le32(r->nr_in);
	rr->nr_out = cpu_to_le32(r->nr_out);
	rr->resource_id = cpu_to_le64(r->resource_id);
	req->nbufs_in = r->nr_in;
	for (i = 0; i < nargs; i++) {
		wa[i].len = cpu_to_le64(args[i].len);
		wa[i].type = cpu_to_le32(args[i].type);
		wa[i].custom_type = cpu_to_le32(args[i].custom_type);
		err = va_ubuf_prepare(vf, &req->bufs[i], args[i].buf,
				      args[i].len, i >= r->nr_in);
		if (err)
			return err;
	}
	return 0;
}

/* Copies the bounced outputs back: region by region, within used_len. */
static int va_run_copy_out(struct va_req *req)
{
	u64 written = 0, off = 0;
	unsigned int i;
	int err;

	if (req->used_len > req->rhead_len)
		written = req->used_len - req->rhead_len;
	for (i = req->nbufs_in; i < req->nbufs; i++) {
		struct va_ubuf *b = &req->bufs[i];

		err = va_ubuf_copy_out(b, written > off ? written - off : 0);
		if (err)
			return err;
		off += b->len;
	}
	return 0;
}

static int va_ioc_run(struct va_file *vf, void *karg, void __user *u)
{
	struct va_dev *vd = vf->vd;
	struct virtio_accel_ioc_run *r = karg;
	struct virtio_accel_ioc_arg *args = NULL;
	struct virtio_accel_run_resp *rresp;
	struct va_answer ans = { .status = VIRTIO_ACCEL_IOC_NO_STATUS };
	struct va_req *req = NULL;
	u64 in_bytes = 0, out_bytes = 0;
	unsigned int i, nargs;
	int err;

	if (r->flags || r->reserved || !r->op)
		return -EINVAL;
	if (!va_session_owned(vf, r->session_id))
		return -ENOENT;
	if (r->op >= BITS_PER_TYPE(vd->lim.supported_ops) ||
	    !(vd->lim.supported_ops & BIT_ULL(r->op)))
		return -EOPNOTSUPP;
	if (r->nr_in > VA_MAX_ARGS || r->nr_out > VA_MAX_ARGS)
		return -E2BIG;
	nargs = r->nr_in + r->nr_out;
	if (nargs > VA_MAX_ARGS || nargs > vd->lim.max_args)
		return -E2BIG;

	if (nargs) {
		args = kvmalloc_array(nargs, sizeof(*args), GFP_KERNEL);
		if (!args)
			return -ENOMEM;
	}
	if ((r->nr_in && copy_from_user(args, u64_to_user_ptr(r->in),
					r->nr_in * sizeof(*args))) ||
	    (r->nr_out &&
	     copy_from_user(args + r->nr_in, u64_to_user_ptr(r->out),
			    r->nr_out * sizeof(*args)))) {
		err = -EFAULT;
		goto out;
	}
	/* Byte limits first, before anything is pinned or allocated. */
	for (i = 0; i < nargs; i++) {
		if (args[i].len > VA_MAX_XFER) {
			err = -E2BIG;
			goto out;
		}
		if (i < r->nr_in)
			in_bytes += args[i].len;
		else
			out_bytes += args[i].len;
	}
	if (in_bytes > vd->lim.max_request_bytes ||
	    out_bytes > vd->lim.max_response_bytes) {
		err = -E2BIG;
		goto out;
	}

	req = va_req_alloc(vd, VIRTIO_ACCEL_REQ_RUN, r->session_id,
			   sizeof(struct virtio_accel_run_req) +
				   nargs * sizeof(struct virtio_accel_arg),
			   sizeof(*rresp), nargs);
	if (!req) {
		err = -ENOMEM;
		goto out;
	}
	err = va_run_fill(vf, req, r, args);
	if (!err)
		err = va_req_build_sg(vd, req);
	if (!err)
		err = va_req_submit(vd, req, true);
	if (!err)
		err = va_req_wait(req, true, 0);
	if (err)
		goto out;

	err = va_req_answer(req, &ans);
	rresp = va_req_resp_payload(req);
	if (ans.status != VIRTIO_ACCEL_IOC_NO_STATUS &&
	    ans.payload_len >= sizeof(*rresp)) {
		memcpy(r->executor, rresp->executor, sizeof(r->executor));
		r->executor[sizeof(r->executor) - 1] = '\0';
		r->exec_ns = le64_to_cpu(rresp->exec_ns);
	} else {
		memset(r->executor, 0, sizeof(r->executor));
		r->exec_ns = 0;
	}
	if (!err && ans.payload_len < sizeof(*rresp))
		err = -EIO;
	if (!err)
		err = va_run_copy_out(req);
	r->rtt_ns = ktime_to_ns(ktime_sub(req->t_done, req->t_submit));
	r->status = ans.status;
	r->detail = ans.detail;
	if (va_copy_back(u, r, sizeof(*r)) && !err)
		err = -EFAULT;
out:
	if (req)
		va_req_put(req);
	kvfree(args);
	return err;
}

static int va_ioc_timers(struct va_file *vf, void *karg, void __user *u)
{
	const u32 cap = sizeof(struct virtio_accel_timers_resp) +
			VA_MAX_TIMERS * sizeof(struct virtio_accel_timer);
	struct virtio_accel_ioc_timers *t = karg;
	struct virtio_accel_timers_resp *tr;
	struct virtio_accel_timer *wt;
	struct va_answer ans;
	u32 n, i;
	int err;

	if (t->flags || t->reserved)
		return -EINVAL;
	if (!vf->vd->profiling)
		return -EOPNOTSUPP;
	if (!va_session_owned(vf, t->session_id))
		return -ENOENT;

	tr = kzalloc(cap, GFP_KERNEL);
	if (!tr)
		return -ENOMEM;
	err = va_simple(vf->vd, VIRTIO_ACCEL_REQ_TIMERS_GET, t->session_id,
			NULL, 0, tr, cap, &ans, true);
	n = le32_to_cpu(tr->nr_timers);
	if (!err && (n > VA_MAX_TIMERS ||
		     ans.payload_len < sizeof(*tr) + n * sizeof(*wt)))
		err = -EIO;
	if (!err) {
		struct virtio_accel_ioc_timer ut;

		wt = (void *)(tr + 1);
		for (i = 0; i < min(n, t->nr_timers); i++) {
			memset(&ut, 0, sizeof(ut));
			ut.op = le32_to_cpu(wt[i].op);
			ut.count = le64_to_cpu(wt[i].count);
			ut.total_ns = le64_to_cpu(wt[i].total_ns);
			ut.max_ns = le64_to_cpu(wt[i].max_ns);
			if (copy_to_user(u64_to_user_ptr(t->timers +
							 (u64)i * sizeof(ut)),
					 &ut, sizeof(ut))) {
				err = -EFAULT;
				break;
			}
		}
		t->nr_timers = n;
	}
	kfree(tr);
	t->status = ans.status;
	t->detail = ans.detail;
	if (va_copy_back(u, t, sizeof(*t)) && !err)
		err = -EFAULT;
	return err;
}

static int va_ioc_stats(struct va_file *vf, void *karg, void __user *u)
{
	struct virtio_accel_stats ws = {};
	struct virtio_accel_ioc_stats *s = karg;
	struct va_answer ans;
	int err;

	if (s->flags)
		return -EINVAL;
	err = va_simple(vf->vd, VIRTIO_ACCEL_REQ_STATS_GET, 0, NULL, 0, &ws,
			sizeof(ws), &ans, true);
	/* The copy counters follow the 1.0 block only on devices that count. */
	if (!err && ans.payload_len < VIRTIO_ACCEL_STATS_V0_SIZE)
		err = -EIO;
	if (!err && ans.payload_len >= sizeof(ws)) {
		s->arg_bytes_in = le64_to_cpu(ws.arg_bytes_in);
		s->arg_bytes_out = le64_to_cpu(ws.arg_bytes_out);
		s->copied_in = le64_to_cpu(ws.copied_in);
		s->copied_out = le64_to_cpu(ws.copied_out);
		s->zero_filled = le64_to_cpu(ws.zero_filled);
	}
	if (!err) {
		s->requests = le64_to_cpu(ws.requests);
		s->errors = le64_to_cpu(ws.errors);
		s->bytes_in = le64_to_cpu(ws.bytes_in);
		s->bytes_out = le64_to_cpu(ws.bytes_out);
		s->in_flight = le64_to_cpu(ws.in_flight);
		s->sessions = le64_to_cpu(ws.sessions);
		s->resources = le64_to_cpu(ws.resources);
		s->resource_bytes = le64_to_cpu(ws.resource_bytes);
	}
	s->status = ans.status;
	s->detail = ans.detail;
	if (va_copy_back(u, s, sizeof(*s)) && !err)
		err = -EFAULT;
	return err;
}

/*
 * The ioctls. Each matches its full number except the size bits, which carry
 * the caller's struct size: at least the first version of the struct, at
 * most a page (copy_struct_from_user() rules apply in between).
 */
struct va_ioctl_desc {
	unsigned int cmd; /* its size bits: the struct size this driver knows */
	u32 ver0; /* smallest size accepted */
	int (*fn)(struct va_file *vf, void *karg, void __user *u);
};

#define VA_IOCTL(_cmd, _fn, _ver0)                    \
	{                                             \
		.cmd = _cmd, .fn = _fn, .ver0 = _ver0 \
	}

static const struct va_ioctl_desc va_ioctls[] = {
	VA_IOCTL(VIRTIO_ACCEL_IOC_INFO, va_ioc_info,
		 VIRTIO_ACCEL_IOC_INFO_SIZE_VER0),
	VA_IOCTL(VIRTIO_ACCEL_IOC_SESSION_CREATE, va_ioc_session_create,
		 VIRTIO_ACCEL_IOC_SESSION_SIZE_VER0),
	VA_IOCTL(VIRTIO_ACCEL_IOC_SESSION_DESTROY, va_ioc_session_destroy,
		 VIRTIO_ACCEL_IOC_SESSION_SIZE_VER0),
	VA_IOCTL(VIRTIO_ACCEL_IOC_RESOURCE_REGISTER, va_ioc_resource_register,
		 VIRTIO_ACCEL_IOC_RESOURCE_SIZE_VER0),
	VA_IOCTL(VIRTIO_ACCEL_IOC_RESOURCE_UNREGISTER,
		 va_ioc_resource_unregister,
		 VIRTIO_ACCEL_IOC_RESOURCE_SIZE_VER0),
	VA_IOCTL(VIRTIO_ACCEL_IOC_RUN, va_ioc_run,
		 VIRTIO_ACCEL_IOC_RUN_SIZE_VER0),
	VA_IOCTL(VIRTIO_ACCEL_IOC_TIMERS_GET, va_ioc_timers,
		 VIRTIO_ACCEL_IOC_TIMERS_SIZE_VER0),
	VA_IOCTL(VIRTIO_ACCEL_IOC_STATS_GET, va_ioc_stats,
		 VIRTIO_ACCEL_IOC_STATS_SIZE_VER0),
};

/* Room for the largest ioctl struct. */
union va_ioctl_arg {
	struct virtio_accel_ioc_info info;
	struct virtio_accel_ioc_session session;
	struct virtio_accel_ioc_resource resource;
	struct virtio_accel_ioc_run run;
	struct virtio_accel_ioc_timers timers;
	struct virtio_accel_ioc_stats stats;
};

static long va_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct va_file *vf = file->private_data;
	void __user *u = (void __user *)arg;
	const struct va_ioctl_desc *d = NULL;
	union va_ioctl_arg k;
	unsigned int i;
	u32 usize;
	int err;

	for (i = 0; i < ARRAY_SIZE(va_ioctls); i++) {
		if ((cmd & ~IOCSIZE_MASK) ==
		    (va_ioctls[i].cmd & ~IOCSIZE_MASK)) {
			d = &va_ioctls[i];
			break;
		}
	}
	if (!d)
		return -ENOTTY;
	usize = _IOC_SIZE(cmd);
	if (usize < d->ver0)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	if (READ_ONCE(vf->vd->gone))
		return -ENODEV;

	err = va_copy_in(&k, _IOC_SIZE(d->cmd), usize, u);
	if (err)
		return err;
	return d->fn(vf, &k, u);
}

static int va_open(struct inode *inode, struct file *file)
{
	/* misc_open() left our miscdevice here and holds misc_mtx. */
	struct va_dev *vd = va_dev_from_misc(file->private_data);
	struct va_file *vf;

	vf = kzalloc(sizeof(*vf), GFP_KERNEL);
	if (!vf)
		return -ENOMEM;
	mutex_init(&vf->lock);
	spin_lock_init(&vf->arena_lock);
	INIT_LIST_HEAD(&vf->sessions);
	kref_get(&vd->ref);
	vf->vd = vd;
	file->private_data = vf;
	return stream_open(inode, file);
}

/*
 * Destroys the file's sessions on the device. The waits are not killable
 * (release often runs for a process killed by SIGKILL) but bounded: after
 * VA_CTRL_TIMEOUT the remaining requests are abandoned to the completion
 * path, which frees them whenever the device answers.
 */
static int va_release(struct inode *inode, struct file *file)
{
	struct va_file *vf = file->private_data;
	struct va_dev *vd = vf->vd;
	unsigned long deadline = jiffies + VA_CTRL_TIMEOUT;
	struct va_session *s, *tmp;
	struct va_req **reqs;
	unsigned int n = 0, i;

	reqs = kcalloc(vf->nr_sessions, sizeof(*reqs), GFP_KERNEL);
	list_for_each_entry_safe(s, tmp, &vf->sessions, node) {
		struct va_req *req = NULL;

		if (reqs && !READ_ONCE(vd->gone))
			req = va_req_alloc(vd, VIRTIO_ACCEL_REQ_SESSION_DESTROY,
					   s->id, 0, 0, 0);
		if (req && !va_req_build_sg(vd, req) &&
		    !va_req_submit(vd, req, false))
			reqs[n++] = req;
		else if (req)
			va_req_put(req);
		else if (!READ_ONCE(vd->gone))
			pr_warn_ratelimited(VA_DRV_NAME
					    ": session %llu leaked on close\n",
					    s->id);
		list_del(&s->node);
		kfree(s);
	}
	for (i = 0; i < n; i++) {
		long left = max_t(long, (long)(deadline - jiffies), 1);

		va_req_wait(reqs[i], false, left);
		va_req_put(reqs[i]);
	}
	kfree(reqs);
	va_dev_put(vd);
	kfree(vf);
	return 0;
}

const struct file_operations va_fops = {
	.owner = THIS_MODULE,
	.open = va_open,
	.release = va_release,
	.mmap = va_arena_mmap,
	.unlocked_ioctl = va_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};
