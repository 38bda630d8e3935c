// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost-user-accel: the device side of the vhost-user protocol.
 *
 * One thread owns libvhost-user (it is not thread safe): it reads vhost-user
 * messages, pops chains on a kick and pushes completions. Requests run on
 * host-backend's worker threads; their completion callback only appends to a
 * list and signals an eventfd that this thread polls, like the in-process
 * QEMU device's bottom half.
 *
 * With --max-vms > 1 each connected VMM gets its own vua_server (own
 * libvhost-user device, guest memory mappings, host-backend instance and so
 * its own sessions, resources, quotas and workers) served by a thread of its
 * own (vm.c); the vAccel runtime under host-backend is shared. Then nothing a
 * VM does may end the process: a reset that outlives --reset-timeout, a
 * protocol error or a disconnect with work in flight drop only that VM.
 *
 * Nothing here is QEMU specific: config space comes from GET_CONFIG,
 * features from GET_FEATURES, so any vhost-user front-end (QEMU's
 * vhost-user-accel-pci or vhost-user-device-pci, Cloud Hypervisor's
 * --generic-vhost-user) can drive it.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "libvhost-user.h"
#include "virtio_accel_host.h"

#include "log.h"
#include "server.h"

/* Not in 7.2's libvhost-user.h: the VMM tells us the guest reset the device
 * (QEMU sends it from the device's reset handler). */
#define VUA_PROTOCOL_F_RESET_DEVICE 13
#define VUA_USER_RESET_DEVICE 34

/* A chain longer than this could not be popped (libvhost-user's limit is
 * 1024 iovecs and one descriptor may map to two across a region boundary). */
#define VUA_MAX_SEGMENTS 512

#define VUA_MAX_WATCHES 130

struct vua_req {
	VuVirtqElement elem; /* first: vu_queue_pop() allocates the request */
	int qidx;
	uint32_t used_len;
	int completed;
	struct vua_req *next;
};

struct vua_watch {
	int fd;
	int events;
	vu_watch_cb cb;
	void *data;
};

struct vua_server {
	VuDev dev;
	const struct vua_options *opts;
	va_host *host;
	uint32_t num_queues;

	/* filled by worker threads, drained by the vhost-user thread */
	pthread_mutex_t done_lock;
	struct vua_req *done_head, **done_tail;
	int done_fd;

	/* vhost-user thread only */
	uint64_t inflight[64];   /* per queue: submitted, not yet pushed */
	bool stalled;            /* host-backend said -EBUSY */
	struct vua_watch watches[VUA_MAX_WATCHES];
	unsigned nwatches;
	int exit_code;
	bool hung_up;            /* the VMM closed the connection */
	bool vu_ready;           /* vu_init succeeded: vu_deinit on free */
	int conn_fd;             /* vu_deinit closes it; else free does */
	unsigned vm_id;          /* 0 in single-VM mode */
	bool multi;              /* --max-vms > 1: never end the process */
};

static struct vua_server *to_server(VuDev *dev)
{
	return (struct vua_server *)((char *)dev -
				     offsetof(struct vua_server, dev));
}

static void host_log(void *opaque, int level, const char *msg)
{
	struct vua_server *s = opaque;

	/* Worker threads: name the VM the message is about. */
	vua_log_vm = s->vm_id;
	vua_log(level < VUA_LOG_ERROR ? VUA_LOG_ERROR :
		level > VUA_LOG_DEBUG ? VUA_LOG_DEBUG : level, "%s", msg);
}

/* Worker thread, no lock of ours held: hand the request to the vu thread. */
static void host_done(void *dev_opaque, void *req_opaque, uint32_t used_len,
		      int completed)
{
	struct vua_server *s = dev_opaque;
	struct vua_req *r = req_opaque;

	r->used_len = used_len;
	r->completed = completed;
	r->next = NULL;
	pthread_mutex_lock(&s->done_lock);
	*s->done_tail = r;
	s->done_tail = &r->next;
	pthread_mutex_unlock(&s->done_lock);
	if (eventfd_write(s->done_fd, 1) < 0)
		vua_err("completion eventfd: %s", strerror(errno));
}

static void handle_queue(VuDev *dev, int qidx);

/*
 * Pushes every finished request to its used ring. A cancelled request
 * (completed == 0, only after va_host_reset) is pushed with length 0: the
 * driver then sees a device error instead of waiting forever.
 */
static void drain_done(struct vua_server *s)
{
	uint64_t notify = 0;
	struct vua_req *r;
	eventfd_t v;

	if (eventfd_read(s->done_fd, &v) < 0 && errno != EAGAIN)
		vua_err("completion eventfd: %s", strerror(errno));
	pthread_mutex_lock(&s->done_lock);
	r = s->done_head;
	s->done_head = NULL;
	s->done_tail = &s->done_head;
	pthread_mutex_unlock(&s->done_lock);

	while (r) {
		struct vua_req *next = r->next;
		VuVirtq *vq = vu_get_queue(&s->dev, r->qidx);

		vu_queue_push(&s->dev, vq, &r->elem,
			      r->completed ? r->used_len : 0);
		notify |= 1ull << r->qidx;
		s->inflight[r->qidx]--;
		free(r);
		r = next;
	}
	for (uint32_t q = 0; q < s->num_queues; q++)
		if (notify & (1ull << q))
			vu_queue_notify(&s->dev, vu_get_queue(&s->dev, (int)q));
	if (s->stalled && notify) {
		s->stalled = false;
		for (uint32_t q = 0; q < s->num_queues && !s->stalled; q++)
			if (vu_queue_started(&s->dev,
					     vu_get_queue(&s->dev, (int)q)))
				handle_queue(&s->dev, (int)q);
	}
}

static void handle_queue(VuDev *dev, int qidx)
{
	struct vua_server *s = to_server(dev);
	VuVirtq *vq = vu_get_queue(dev, qidx);
	struct vua_req *r;
	int ret;

	for (;;) {
		r = vu_queue_pop(dev, vq, sizeof(*r));
		if (!r)
			return;
		r->qidx = qidx;
		/* out_sg is what the driver wrote (device-readable). */
		ret = va_host_submit(s->host, r->elem.out_sg, r->elem.out_num,
				     r->elem.in_sg, r->elem.in_num, r);
		if (ret == -EBUSY) {
			/* Leave the chain in the ring; retry on a completion. */
			vu_queue_unpop(dev, vq, &r->elem, 0);
			free(r);
			s->stalled = true;
			return;
		}
		if (ret < 0) {
			vua_warn("request rejected: %s", strerror(-ret));
			vu_queue_push(dev, vq, &r->elem, 0);
			vu_queue_notify(dev, vq);
			free(r);
			continue;
		}
		s->inflight[qidx]++;
	}
}

/*
 * Multi-VM mode's answer to what ends the process in single-VM mode: the
 * device is reset (bounded: host-backend cancels queued requests, abandons
 * running operations, and afterwards never touches this VM's memory again)
 * and the requests are dropped without a used-ring entry, as if the daemon
 * had died; the VMM gets a disconnect and may reconnect to a clean device.
 */
static void abandon_all(struct vua_server *s)
{
	struct vua_req *r;

	va_host_reset(s->host);
	pthread_mutex_lock(&s->done_lock);
	r = s->done_head;
	s->done_head = NULL;
	s->done_tail = &s->done_head;
	pthread_mutex_unlock(&s->done_lock);
	while (r) {
		struct vua_req *next = r->next;

		free(r);
		r = next;
	}
	memset(s->inflight, 0, sizeof(s->inflight));
}

static uint64_t inflight_total(const struct vua_server *s, int qidx)
{
	uint64_t n = 0;

	for (uint32_t q = 0; q < s->num_queues; q++)
		if (qidx < 0 || (uint32_t)qidx == q)
			n += s->inflight[q];
	return n;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Waits until queue qidx (every queue if < 0) has nothing in flight, pushing
 * completions as they come, for at most --reset-timeout. A host operation
 * cannot be interrupted, and the guest memory it writes may be reused once
 * the VMM goes on; so past the timeout the daemon exits, the VMM sees a
 * disconnect, and a supervisor starts a clean daemon.
 */
static void quiesce(struct vua_server *s, int qidx, const char *why)
{
	int64_t deadline = now_ms() + s->opts->reset_timeout_ms;

	while (inflight_total(s, qidx)) {
		struct pollfd p = { .fd = s->done_fd, .events = POLLIN };
		int64_t left = deadline - now_ms();

		if (left <= 0 && s->multi) {
			vua_err("%s: %llu request(s) still running after %u ms;"
				" resetting this VM's device and closing its"
				" connection", why,
				(unsigned long long)inflight_total(s, qidx),
				s->opts->reset_timeout_ms);
			abandon_all(s);
			s->exit_code = VUA_EXIT_RESET_TIMEOUT;
			return;
		}
		if (left <= 0) {
			vua_err("%s: %llu request(s) still running after %u ms;"
				" exiting so that a clean daemon can take over",
				why, (unsigned long long)inflight_total(s, qidx),
				s->opts->reset_timeout_ms);
			_exit(VUA_EXIT_RESET_TIMEOUT);
		}
		if (poll(&p, 1, (int)left) > 0)
			drain_done(s);
	}
}

static void queue_set_started(VuDev *dev, int qidx, bool started)
{
	struct vua_server *s = to_server(dev);
	VuVirtq *vq = vu_get_queue(dev, qidx);

	vua_dbg("queue %d %s", qidx, started ? "started" : "stopped");
	if (started) {
		vu_set_queue_handler(dev, vq, handle_queue);
		/* Chains queued before we ran (e.g. while the VMM reconnected)
		 * come with no kick of their own. */
		handle_queue(dev, qidx);
		return;
	}
	/*
	 * GET_VRING_BASE: the front-end stops the ring (VM stop, device reset,
	 * disconnect). Finish what was popped so that the index it gets back
	 * matches the used ring; sessions stay (a VM stop/cont keeps them).
	 */
	vu_set_queue_handler(dev, vq, NULL);
	quiesce(s, qidx, "queue stop");
}

static int process_msg(VuDev *dev, VhostUserMsg *msg, int *do_reply)
{
	struct vua_server *s = to_server(dev);

	switch ((int)msg->request) {
	case VHOST_USER_NONE:
		/* What libvhost-user reads at EOF (it would exit(0) itself). */
		s->hung_up = true;
		*do_reply = 0;
		return 1;
	case VUA_USER_RESET_DEVICE:
		/* The guest reset the device: nothing it created survives. */
		quiesce(s, -1, "device reset");
		va_host_reset(s->host);
		drain_done(s);
		vua_info("device reset: sessions and resources dropped");
		*do_reply = 0;
		return 1;
	case VHOST_USER_SET_MEM_TABLE:
	case VHOST_USER_ADD_MEM_REG:
	case VHOST_USER_REM_MEM_REG:
		/* libvhost-user unmaps guest memory requests may still use. */
		quiesce(s, -1, "memory table change");
		return 0;
	default:
		return 0;
	}
}

static uint64_t get_features(VuDev *dev)
{
	return va_host_features(to_server(dev)->host);
}

static uint64_t get_protocol_features(VuDev *dev)
{
	(void)dev;
	return 1ull << VUA_PROTOCOL_F_RESET_DEVICE;
}

static int get_config(VuDev *dev, uint8_t *config, uint32_t len)
{
	struct virtio_accel_config cfg;

	va_host_get_config(to_server(dev)->host, &cfg);
	memset(config, 0, len);
	memcpy(config, &cfg, len < sizeof(cfg) ? len : sizeof(cfg));
	return 0;
}

static int set_config(VuDev *dev, const uint8_t *data, uint32_t offset,
		      uint32_t size, uint32_t flags)
{
	(void)dev; (void)data; (void)offset; (void)size; (void)flags;
	return -1; /* the config space is read-only (spec §5) */
}

static const VuDevIface iface = {
	.get_features = get_features,
	.get_protocol_features = get_protocol_features,
	.process_msg = process_msg,
	.queue_set_started = queue_set_started,
	.get_config = get_config,
	.set_config = set_config,
};

static void panic_cb(VuDev *dev, const char *err)
{
	struct vua_server *s = to_server(dev);

	vua_err("vhost-user: %s", err ? err : "protocol error");
	s->exit_code = VUA_EXIT_PROTOCOL;
}

static void set_watch(VuDev *dev, int fd, int condition, vu_watch_cb cb,
		      void *data)
{
	struct vua_server *s = to_server(dev);
	unsigned i;

	for (i = 0; i < s->nwatches && s->watches[i].fd != fd; i++)
		;
	if (i == s->nwatches) {
		if (s->nwatches == VUA_MAX_WATCHES) {
			vua_err("too many watched descriptors");
			s->exit_code = VUA_EXIT_PROTOCOL;
			return;
		}
		s->nwatches++;
	}
	s->watches[i] = (struct vua_watch){ fd, condition, cb, data };
}

static void remove_watch(VuDev *dev, int fd)
{
	struct vua_server *s = to_server(dev);

	for (unsigned i = 0; i < s->nwatches; i++) {
		if (s->watches[i].fd == fd) {
			s->watches[i] = s->watches[--s->nwatches];
			return;
		}
	}
}

struct vua_server *vua_server_new(const struct vua_options *o)
{
	struct vua_server *s = calloc(1, sizeof(*s));
	struct va_host_options ho;
	char err[256] = "";

	if (!s)
		return NULL;
	s->opts = o;
	s->conn_fd = -1;
	s->num_queues = o->num_queues;
	s->done_tail = &s->done_head;
	pthread_mutex_init(&s->done_lock, NULL);
	s->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->done_fd < 0) {
		vua_err("eventfd: %s", strerror(errno));
		free(s);
		return NULL;
	}

	va_host_options_init(&ho);
	ho.num_request_queues = o->num_queues;
	if (o->num_workers)
		ho.num_workers = o->num_workers;
	if (o->max_sessions)
		ho.max_sessions = o->max_sessions;
	if (o->max_resources)
		ho.max_resources = o->max_resources;
	if (o->max_request_bytes)
		ho.max_request_bytes = o->max_request_bytes;
	if (o->max_response_bytes)
		ho.max_response_bytes = o->max_response_bytes;
	if (o->max_resource_bytes)
		ho.max_resource_bytes = o->max_resource_bytes;
	if (o->max_staging_bytes)
		ho.max_staging_bytes = o->max_staging_bytes;
	if (o->max_op_cost)
		ho.max_op_cost = o->max_op_cost;
	if (ho.max_segments > VUA_MAX_SEGMENTS)
		ho.max_segments = VUA_MAX_SEGMENTS;
	ho.profiling = o->profiling;
	ho.plugins = o->plugins;
	ho.exec_allowlist = o->exec_allowlist;
	ho.allow_guest_code = o->allow_guest_code;
	ho.log = host_log;
	ho.log_opaque = s;

	s->host = va_host_new(&ho, host_done, s, err, sizeof(err));
	if (!s->host) {
		vua_err("host-backend: %s", err[0] ? err : "initialisation failed");
		close(s->done_fd);
		free(s);
		return NULL;
	}
	return s;
}

void vua_server_set_vm(struct vua_server *s, unsigned vm_id)
{
	s->vm_id = vm_id;
	s->multi = vm_id != 0;
}

void vua_server_stats(const struct vua_server *s, struct va_host_stats *st,
		      uint64_t *sessions_held, uint64_t *resources_held)
{
	va_host_get_stats(s->host, st);
	if (va_host_get_counter(s->host, "sessions-held", sessions_held) < 0)
		*sessions_held = st->sessions;
	if (va_host_get_counter(s->host, "resources-held", resources_held) < 0)
		*resources_held = st->resources;
}

int vua_server_serve(struct vua_server *s, int conn_fd)
{
	struct pollfd pfd[VUA_MAX_WATCHES + 2];
	struct vua_watch ready[VUA_MAX_WATCHES];

	s->conn_fd = conn_fd;
	if (!vu_init(&s->dev, (uint16_t)s->num_queues, conn_fd, panic_cb, NULL,
		     set_watch, remove_watch, &iface)) {
		vua_err("vu_init failed");
		return VUA_EXIT_SETUP;
	}
	s->vu_ready = true;
	vua_info("VMM connected; serving %u queue(s)", s->num_queues);

	while (!s->exit_code) {
		unsigned n = s->nwatches, nready = 0;

		pfd[0] = (struct pollfd){ .fd = conn_fd, .events = POLLIN };
		pfd[1] = (struct pollfd){ .fd = s->done_fd, .events = POLLIN };
		for (unsigned i = 0; i < n; i++)
			pfd[i + 2] = (struct pollfd){ .fd = s->watches[i].fd,
						      .events = (short)s->watches[i].events };
		if (poll(pfd, n + 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			vua_err("poll: %s", strerror(errno));
			s->exit_code = VUA_EXIT_RUNTIME;
			break;
		}
		if (pfd[1].revents)
			drain_done(s);
		/* Callbacks may change the watch table: collect first. */
		for (unsigned i = 0; i < n; i++)
			if (pfd[i + 2].revents) {
				ready[nready] = s->watches[i];
				ready[nready++].events = pfd[i + 2].revents;
			}
		for (unsigned i = 0; i < nready; i++)
			ready[i].cb(&s->dev, ready[i].events, ready[i].data);
		if (pfd[0].revents && (!vu_dispatch(&s->dev) || s->hung_up)) {
			vua_info("VMM disconnected");
			break;
		}
	}
	return s->exit_code;
}

void vua_server_free(struct vua_server *s)
{
	if (inflight_total(s, -1)) {
		/* Work still runs on guest memory we are about to unmap. */
		if (!s->multi) {
			vua_info("exiting with %llu request(s) running",
				 (unsigned long long)inflight_total(s, -1));
			_exit(s->exit_code);
		}
		vua_info("%llu request(s) in flight at disconnect: abandoned",
			 (unsigned long long)inflight_total(s, -1));
		abandon_all(s);
	}
	if (s->vu_ready)
		vu_deinit(&s->dev); /* closes the connection too */
	else if (s->conn_fd >= 0)
		close(s->conn_fd);
	va_host_free(s->host);
	close(s->done_fd);
	free(s);
}

int vua_server_run(struct vua_server *s, int conn_fd)
{
	int code = vua_server_serve(s, conn_fd);

	vua_server_free(s);
	return code;
}
