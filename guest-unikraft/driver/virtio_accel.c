/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-accel driver for Unikraft's virtio bus (virtio-mmio v2 and, where
 * the platform binds modern IDs, PCI). The device is modern-only: the driver
 * negotiates VIRTIO_F_VERSION_1 and nothing else (no MQ: one queue serves a
 * single-threaded unikernel; no PROFILING: TIMERS_GET is not offered).
 *
 * Completion is polled with the queue's interrupts suppressed: a vAccel call
 * is synchronous, and polling avoids an interrupt round trip per request on
 * a machine whose only other work is the application itself.
 */
#include <errno.h>
#include <string.h>

#include <uk/alloc.h>
#include <uk/essentials.h>
#include <uk/print.h>
#include <uk/sglist.h>
#include <virtio/virtio_bus.h>
#include <virtio/virtio_ids.h>
#include <virtio/virtqueue.h>

#include <uk/virtio_accel.h>

#define DRIVER_NAME "virtio-accel"
/* Upper bound on descriptors per chain (the device's default queue has 256). */
#define VA_MAX_SEGS 256

static struct uk_alloc *va_alloc;

static struct {
	struct virtio_dev *vdev;
	struct virtqueue *vq;
	struct virtio_accel_config cfg;
	unsigned int max_segs;
	struct uk_sglist sg;
	struct uk_sglist_seg segs[VA_MAX_SEGS];
	int up;
} dev;

int uk_vaccel_present(void)
{
	return dev.up;
}

const struct virtio_accel_config *uk_vaccel_config(void)
{
	return dev.up ? &dev.cfg : NULL;
}

unsigned int uk_vaccel_max_segments(void)
{
	return dev.max_segs;
}

static int append(const struct uk_vaccel_seg *s, unsigned int n,
		  unsigned int *count)
{
	unsigned int before, i;
	int rc;

	before = dev.sg.sg_nseg;
	for (i = 0; i < n; i++) {
		if (!s[i].len)
			continue;
		rc = uk_sglist_append(&dev.sg, (void *)s[i].buf, s[i].len);
		if (rc < 0)
			return -E2BIG;
	}
	*count = dev.sg.sg_nseg - before;
	return 0;
}

int uk_vaccel_submit(const struct uk_vaccel_seg *rd, unsigned int nr_rd,
		     const struct uk_vaccel_seg *wr, unsigned int nr_wr,
		     uint32_t *used)
{
	unsigned int n_rd, n_wr;
	void *cookie = NULL;
	__u32 len = 0;
	int rc;

	if (!dev.up)
		return -ENODEV;
	uk_sglist_reset(&dev.sg);
	if (append(rd, nr_rd, &n_rd) || append(wr, nr_wr, &n_wr))
		return -E2BIG;
	if (n_rd + n_wr > dev.max_segs || !n_rd || !n_wr)
		return -E2BIG;
	rc = virtqueue_buffer_enqueue(dev.vq, &dev, &dev.sg, n_rd, n_wr);
	if (rc < 0)
		return rc == -ENOSPC ? -E2BIG : rc;
	virtqueue_host_notify(dev.vq);
	/* One request in flight at a time: the next used entry is ours. */
	for (;;) {
		rc = virtqueue_buffer_dequeue(dev.vq, &cookie, &len);
		if (rc >= 0)
			break;
		__asm__ __volatile__("pause" ::: "memory");
	}
	UK_ASSERT(cookie == &dev);
	*used = len;
	return 0;
}

/* Interrupts stay suppressed; a stray one finds nothing to do. */
static int va_vq_callback(struct virtqueue *vq __unused, void *priv __unused)
{
	return 0;
}

#define CFG_GET(field)                                                        \
	virtio_config_get(vdev,                                               \
			  __offsetof(struct virtio_accel_config, field),      \
			  &dev.cfg.field, sizeof(dev.cfg.field),              \
			  sizeof(dev.cfg.field))

static int va_read_config(struct virtio_dev *vdev)
{
	if (CFG_GET(version) < 0 || CFG_GET(num_request_queues) < 0 ||
	    CFG_GET(max_sessions) < 0 || CFG_GET(max_resources) < 0 ||
	    CFG_GET(max_segments) < 0 || CFG_GET(max_args) < 0 ||
	    CFG_GET(max_request_bytes) < 0 || CFG_GET(max_response_bytes) < 0 ||
	    CFG_GET(max_resource_bytes) < 0 || CFG_GET(supported_ops) < 0)
		return -EIO;
	return 0;
}

static int va_add_dev(struct virtio_dev *vdev)
{
	__u64 host_features;
	__u16 qsize = 0;
	int rc;

	if (dev.up) {
		uk_pr_warn(DRIVER_NAME ": only one device is driven\n");
		return -EBUSY;
	}
	dev.vdev = vdev;
	host_features = virtio_feature_get(vdev);
	if (!VIRTIO_FEATURE_HAS(host_features, VIRTIO_F_VERSION_1)) {
		uk_pr_err(DRIVER_NAME ": device is not a modern virtio device\n");
		rc = -ENOTSUP;
		goto fail;
	}
	vdev->features = 0;
	VIRTIO_FEATURE_SET(vdev->features, VIRTIO_F_VERSION_1);
	virtio_feature_set(vdev);

	rc = va_read_config(vdev);
	if (rc)
		goto fail;
	if ((dev.cfg.version >> 16) != VIRTIO_ACCEL_VERSION_MAJOR) {
		uk_pr_err(DRIVER_NAME ": protocol %u.%u, driver speaks %u.x\n",
			  dev.cfg.version >> 16, dev.cfg.version & 0xffff,
			  VIRTIO_ACCEL_VERSION_MAJOR);
		rc = -ENOTSUP;
		goto fail;
	}

	rc = virtio_find_vqs(vdev, 1, &qsize);
	if (rc != 1) {
		uk_pr_err(DRIVER_NAME ": no request queue (%d)\n", rc);
		rc = -ENODEV;
		goto fail;
	}
	dev.vq = virtio_vqueue_setup(vdev, 0, qsize, va_vq_callback, va_alloc);
	if (PTRISERR(dev.vq)) {
		rc = PTR2ERR(dev.vq);
		goto fail;
	}
	virtqueue_intr_disable(dev.vq);
	dev.max_segs = MIN(MIN((unsigned int)qsize, dev.cfg.max_segments),
			   (unsigned int)VA_MAX_SEGS);
	uk_sglist_init(&dev.sg, VA_MAX_SEGS, dev.segs);
	virtio_dev_drv_up(vdev);
	dev.up = 1;
	uk_pr_info(DRIVER_NAME ": protocol %u.%u, %u queue(s), %u descriptors, "
		   "ops 0x%lx\n", dev.cfg.version >> 16,
		   dev.cfg.version & 0xffff, dev.cfg.num_request_queues,
		   dev.max_segs, (unsigned long)dev.cfg.supported_ops);
	return 0;
fail:
	virtio_dev_status_update(vdev, VIRTIO_CONFIG_STATUS_FAIL);
	return rc;
}

static int va_drv_init(struct uk_alloc *a)
{
	if (!a)
		return -EINVAL;
	va_alloc = a;
	return 0;
}

static const struct virtio_dev_id va_dev_ids[] = {
	{ VIRTIO_ID_ACCEL },
	{ VIRTIO_ID_INVALID },
};

static struct virtio_driver va_drv = {
	.dev_ids = va_dev_ids,
	.init = va_drv_init,
	.add_dev = va_add_dev,
};
VIRTIO_BUS_REGISTER_DRIVER(&va_drv);
