/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-accel guest driver: out-of-tree build support for kernels whose
 * virtio API predates the one the driver is written for (Linux 6.11+).
 *
 * Not part of the driver proper: Kbuild force-includes this file into
 * va_main.c only when a feature test finds the older API in the kernel
 * headers (no struct virtqueue_info). It maps the two interfaces the driver
 * uses onto their older forms:
 *  - virtio_find_vqs() with struct virtqueue_info (6.11) -> callbacks and
 *    names arrays;
 *  - register_virtio_driver() setting driver.owner itself (6.8).
 */
#ifndef VA_COMPAT_H
#define VA_COMPAT_H

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/virtio.h>
#include <linux/virtio_config.h>

struct virtqueue_info {
	const char *name;
	vq_callback_t *callback;
	bool ctx;
};

static inline int va_compat_find_vqs(struct virtio_device *vdev,
				     unsigned int nvqs, struct virtqueue *vqs[],
				     struct virtqueue_info info[],
				     struct irq_affinity *desc)
{
	vq_callback_t **cbs;
	const char **names;
	unsigned int i;
	int err = -ENOMEM;

	cbs = kcalloc(nvqs, sizeof(*cbs), GFP_KERNEL);
	names = kcalloc(nvqs, sizeof(*names), GFP_KERNEL);
	if (cbs && names) {
		for (i = 0; i < nvqs; i++) {
			cbs[i] = info[i].callback;
			names[i] = info[i].name;
		}
		/* Parenthesized: the function, not the macro below. */
		err = (virtio_find_vqs)(vdev, nvqs, vqs, cbs, names, desc);
	}
	kfree(cbs);
	kfree(names);
	return err;
}

#define virtio_find_vqs va_compat_find_vqs

static inline int va_compat_register_virtio_driver(struct virtio_driver *drv)
{
	drv->driver.owner = THIS_MODULE;
	return (register_virtio_driver)(drv);
}

#define register_virtio_driver va_compat_register_virtio_driver

#endif /* VA_COMPAT_H */
