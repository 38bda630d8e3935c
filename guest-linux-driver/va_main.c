// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-accel guest driver: module entry, probe and removal.
 *
 * The device is a set of request queues (virtio-accel-spec §4). Every request
 * is one descriptor chain: a device-readable part (request header, payload)
 * and a device-writable part (response header, response payload). Userland
 * reaches the device through the misc device /dev/virtio-accel<N>
 * (va_ioctl.c).
 */
#include <linux/module.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/virtio_config.h>
#include <uapi/linux/virtio_ring.h>

#include "va_internal.h"

struct workqueue_struct *va_wq;
static DEFINE_IDA(va_ida);

static void va_dev_free(struct kref *ref)
{
	struct va_dev *vd = container_of(ref, struct va_dev, ref);

	kfree(vd->vqs);
	kfree(vd);
}

void va_dev_put(struct va_dev *vd)
{
	kref_put(&vd->ref, va_dev_free);
}

struct va_dev *va_dev_from_misc(struct miscdevice *misc)
{
	return container_of(misc, struct va_dev, misc);
}

#define VA_CREAD(vdev, field, ptr) \
	virtio_cread_le(vdev, struct virtio_accel_config, field, ptr)

/* Reads and sanity-checks the configuration space (§5). */
static int va_read_config(struct va_dev *vd)
{
	struct virtio_device *vdev = vd->vdev;
	struct va_limits *l = &vd->lim;

	VA_CREAD(vdev, version, &l->version);
	VA_CREAD(vdev, num_request_queues, &l->num_request_queues);
	VA_CREAD(vdev, max_sessions, &l->max_sessions);
	VA_CREAD(vdev, max_resources, &l->max_resources);
	VA_CREAD(vdev, max_segments, &l->max_segments);
	VA_CREAD(vdev, max_args, &l->max_args);
	VA_CREAD(vdev, max_request_bytes, &l->max_request_bytes);
	VA_CREAD(vdev, max_response_bytes, &l->max_response_bytes);
	VA_CREAD(vdev, max_resource_bytes, &l->max_resource_bytes);
	VA_CREAD(vdev, supported_ops, &l->supported_ops);

	if ((l->version >> 16) != VIRTIO_ACCEL_VERSION_MAJOR) {
		dev_err(&vdev->dev, "protocol version %u.%u not supported\n",
			l->version >> 16, l->version & 0xffff);
		return -ENODEV;
	}
	/* A chain needs at least request head + response head. */
	if (!l->num_request_queues || l->max_segments < 2) {
		dev_err(&vdev->dev,
			"bad config: version %#x queues %u segments %u args %u\n",
			l->version, l->num_request_queues, l->max_segments,
			l->max_args);
		return -ENODEV;
	}
	return 0;
}

static int va_find_vqs(struct va_dev *vd)
{
	struct virtio_device *vdev = vd->vdev;
	struct virtqueue_info *info;
	struct virtqueue **vqs;
	unsigned int i, ring_min = UINT_MAX;
	int err = -ENOMEM;

	vd->vqs = kcalloc(vd->nvqs, sizeof(*vd->vqs), GFP_KERNEL);
	vqs = kcalloc(vd->nvqs, sizeof(*vqs), GFP_KERNEL);
	info = kcalloc(vd->nvqs, sizeof(*info), GFP_KERNEL);
	if (!vd->vqs || !vqs || !info)
		goto out;
	for (i = 0; i < vd->nvqs; i++) {
		snprintf(vd->vqs[i].name, sizeof(vd->vqs[i].name), "req.%u", i);
		info[i].name = vd->vqs[i].name;
		info[i].callback = va_vq_done;
	}
	err = virtio_find_vqs(vdev, vd->nvqs, vqs, info, NULL);
	if (err)
		goto out;

	for (i = 0; i < vd->nvqs; i++) {
		struct va_vq *q = &vd->vqs[i];

		q->vq = vqs[i];
		spin_lock_init(&q->lock);
		init_waitqueue_head(&q->space_wq);
		ring_min = min(ring_min, virtqueue_get_vring_size(q->vq));
	}

	/*
	 * How many descriptors one chain may use: the device's limit, ours, and
	 * without indirect descriptors the ring itself (a chain longer than the
	 * ring could never be added and would wait forever).
	 */
	vd->lim.seg_limit = min_t(u32, vd->lim.max_segments, VA_MAX_SEGMENTS);
	if (!virtio_has_feature(vdev, VIRTIO_RING_F_INDIRECT_DESC))
		vd->lim.seg_limit = min(vd->lim.seg_limit, ring_min);
out:
	kfree(vqs);
	kfree(info);
	return err;
}

static int va_probe(struct virtio_device *vdev)
{
	struct va_dev *vd;
	int err;

	if (!vdev->config->get) {
		dev_err(&vdev->dev, "config access disabled\n");
		return -EINVAL;
	}

	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return -ENOMEM;
	kref_init(&vd->ref);
	vd->vdev = vdev;
	vdev->priv = vd;
	atomic64_set(&vd->next_req_id, 1);
	vd->index = -1;

	err = va_read_config(vd);
	if (err)
		goto err_free;

	/* One queue per CPU, up to what the device offers (§4). */
	vd->nvqs = 1;
	if (virtio_has_feature(vdev, VIRTIO_ACCEL_F_MQ))
		vd->nvqs = min3(vd->lim.num_request_queues, nr_cpu_ids,
				(unsigned int)VA_MAX_QUEUES);
	vd->profiling = virtio_has_feature(vdev, VIRTIO_ACCEL_F_PROFILING);
	vd->features = vdev->features;

	err = va_find_vqs(vd);
	if (err)
		goto err_free;

	vd->index = ida_alloc(&va_ida, GFP_KERNEL);
	if (vd->index < 0) {
		err = vd->index;
		goto err_vqs;
	}
	/*
	 * Not "accel": since 6.2 the DRM compute-accelerator subsystem owns
	 * /dev/accel/ (a directory), and a node of that name would break it.
	 */
	snprintf(vd->misc_name, sizeof(vd->misc_name), "virtio-accel%d",
		 vd->index);

	/* Queues must work before userland can open the node. */
	virtio_device_ready(vdev);

	vd->misc.minor = MISC_DYNAMIC_MINOR;
	vd->misc.name = vd->misc_name;
	vd->misc.fops = &va_fops;
	vd->misc.parent = &vdev->dev;
	/* Not world-usable: grant access with a udev rule (README.md). */
	vd->misc.mode = 0660;
	err = misc_register(&vd->misc);
	if (err)
		goto err_ida;

	dev_info(&vdev->dev, "/dev/%s: protocol %u.%u, %u of %u queue(s)\n",
		 vd->misc_name, vd->lim.version >> 16, vd->lim.version & 0xffff,
		 vd->nvqs, vd->lim.num_request_queues);
	dev_info(&vdev->dev, "%u segments, ops %#llx%s\n", vd->lim.seg_limit,
		 vd->lim.supported_ops, vd->profiling ? ", profiling" : "");
	return 0;

err_ida:
	ida_free(&va_ida, vd->index);
err_vqs:
	virtio_reset_device(vdev);
	vdev->config->del_vqs(vdev);
err_free:
	vdev->priv = NULL;
	va_dev_put(vd);
	return err;
}

/*
 * Hot-unplug, driver unbind or module unload. Open files survive (they hold a
 * reference to @vd); every request the device still holds is failed with
 * -ENODEV so its waiter wakes up, and later ioctls see @gone.
 */
static void va_remove(struct virtio_device *vdev)
{
	struct va_dev *vd = vdev->priv;
	struct va_req *req;
	unsigned long flags;
	unsigned int i;

	/* No new opens. */
	misc_deregister(&vd->misc);

	/* No new requests: submitters test @gone under the queue lock. */
	for (i = 0; i < vd->nvqs; i++) {
		spin_lock_irqsave(&vd->vqs[i].lock, flags);
		WRITE_ONCE(vd->gone, true);
		spin_unlock_irqrestore(&vd->vqs[i].lock, flags);
	}

	/* After the reset the device neither reads nor writes our buffers. */
	virtio_reset_device(vdev);

	for (i = 0; i < vd->nvqs; i++) {
		struct va_vq *q = &vd->vqs[i];

		spin_lock_irqsave(&q->lock, flags);
		while ((req = virtqueue_detach_unused_buf(q->vq)))
			va_req_complete(req, 0, -ENODEV);
		q->completions++;
		spin_unlock_irqrestore(&q->lock, flags);
		wake_up_all(&q->space_wq);
	}
	vdev->config->del_vqs(vdev);

	ida_free(&va_ida, vd->index);
	vdev->priv = NULL;
	va_dev_put(vd);
}

static const struct virtio_device_id va_id_table[] = {
	{ VIRTIO_ID_ACCEL, VIRTIO_DEV_ANY_ID },
	{ 0 },
};
MODULE_DEVICE_TABLE(virtio, va_id_table);

static unsigned int va_features[] = {
	VIRTIO_ACCEL_F_MQ,
	VIRTIO_ACCEL_F_PROFILING,
};

static struct virtio_driver va_driver = {
	.driver.name = VA_DRV_NAME,
	.id_table = va_id_table,
	.feature_table = va_features,
	.feature_table_size = ARRAY_SIZE(va_features),
	.probe = va_probe,
	.remove = va_remove,
};

static int __init va_init(void)
{
	int err;

	/*
	 * Requests abandoned by killed waiters are freed from the completion
	 * interrupt; unpinning may sleep, so that part runs here.
	 */
	va_wq = alloc_workqueue("virtio_accel", WQ_UNBOUND, 0);
	if (!va_wq)
		return -ENOMEM;
	err = register_virtio_driver(&va_driver);
	if (err)
		destroy_workqueue(va_wq);
	return err;
}

static void __exit va_exit(void)
{
	unregister_virtio_driver(&va_driver);
	/* Drains pending frees before the module's code goes away. */
	destroy_workqueue(va_wq);
	ida_destroy(&va_ida);
}

module_init(va_init);
module_exit(va_exit);

MODULE_DESCRIPTION("virtio-accel guest driver");
MODULE_LICENSE("GPL");
