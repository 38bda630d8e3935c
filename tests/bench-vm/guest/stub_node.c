/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LD_PRELOAD stub of a virtio-accel device node, for `make bench-vm`: opening
 * the path in $VA_STUB_NODE gives a descriptor whose ioctls the stub answers
 * at once (INFO, SESSION_CREATE/DESTROY, RUN, STATS: all succeed, nothing is
 * sent anywhere). bench_vm's "device" and "ioctl" paths through it differ
 * only by what runs in the guest's user space: libvaccel and the virtio
 * plugin, measured without the device's noise. Every other path and
 * descriptor goes to libc untouched.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <virtio_accel.h>
#include <virtio_accel_ioctl.h>

#define MAX_FD 1024
#define NR(cmd) ((unsigned long)(cmd) & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT))

static unsigned char stub_fd[MAX_FD];

static int stub_open(const char *path, int flags, mode_t mode, const char *sym)
{
	int (*real)(const char *, int, ...) =
		(int (*)(const char *, int, ...))dlsym(RTLD_NEXT, sym);
	const char *node = getenv("VA_STUB_NODE");

	if (node && path && !strcmp(path, node)) {
		int fd = real("/dev/null", O_RDWR | (flags & O_CLOEXEC), 0);

		if (fd >= 0 && fd < MAX_FD)
			stub_fd[fd] = 1;
		return fd;
	}
	return real(path, flags, mode);
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m = 0;

	va_start(ap, flags);
	if (flags & O_CREAT)
		m = va_arg(ap, mode_t);
	va_end(ap);
	return stub_open(path, flags, m, "open");
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t m = 0;

	va_start(ap, flags);
	if (flags & O_CREAT)
		m = va_arg(ap, mode_t);
	va_end(ap);
	return stub_open(path, flags, m, "open64");
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fd < 0 || fd >= MAX_FD || !stub_fd[fd]) {
		int (*real)(int, unsigned long, void *) =
			(int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT, "ioctl");
		return real(fd, req, arg);
	}
	if (NR(req) == NR(VIRTIO_ACCEL_IOC_INFO)) {
		struct virtio_accel_ioc_info *i = arg;

		i->api_version = VIRTIO_ACCEL_IOC_API_VERSION;
		i->version = VIRTIO_ACCEL_VERSION;
		i->supported_ops = ~0ull;
	} else if (NR(req) == NR(VIRTIO_ACCEL_IOC_SESSION_CREATE) ||
		   NR(req) == NR(VIRTIO_ACCEL_IOC_SESSION_DESTROY)) {
		struct virtio_accel_ioc_session *s = arg;

		s->session_id = 1;
		s->status = VIRTIO_ACCEL_S_OK;
	} else if (NR(req) == NR(VIRTIO_ACCEL_IOC_RUN)) {
		struct virtio_accel_ioc_run *r = arg;

		r->status = VIRTIO_ACCEL_S_OK;
		r->exec_ns = 0;
		r->rtt_ns = 0;
		strcpy(r->executor, "stub");
	} else if (NR(req) == NR(VIRTIO_ACCEL_IOC_STATS_GET)) {
		((struct virtio_accel_ioc_stats *)arg)->status = VIRTIO_ACCEL_S_OK;
	} else {
		return -1;
	}
	return 0;
}
