/* SPDX-License-Identifier: Apache-2.0 */
/*
 * LD_PRELOAD stub of a virtio-accel device node, for `make bench-vm`: opening
 * the path in $VA_STUB_NODE gives a descriptor whose ioctls the stub answers
 * at once (INFO, SESSION_CREATE/DESTROY, RUN, STATS: all succeed, nothing is
 * sent anywhere). bench_vm's "device" and "ioctl" paths through it differ
 * only by what runs in the guest's user space: libvaccel and the virtio
 * plugin, measured without the device's noise. Every other path and
 * descriptor goes to libc untouched.
 *
 * With VA_STUB_ARENA_MIB=N the stub also plays a driver with an arena: INFO
 * says arena_max_mib N; mmap(MAP_SHARED, offset 0, at most N MiB) of a stub
 * descriptor gives shared anonymous memory, one mapping per descriptor
 * (EBUSY), MAP_PRIVATE gives EINVAL. RUN(FPGA_ARRAYCOPY) really copies its
 * input to its output (the executor is "stub-arena" when both buffers lie in
 * that mapping, else "stub"), so that programs using vaccel_virtio_alloc()
 * and bench_vm's bandwidth part can be tried on a host without the driver.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <virtio_accel.h>
#include <virtio_accel_ioctl.h>

#define MAX_FD 1024
#define NR(cmd) ((unsigned long)(cmd) & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT))

static unsigned char stub_fd[MAX_FD];
static struct {
	uintptr_t base;
	size_t len;
} stub_arena[MAX_FD];

static unsigned long arena_max_mib(void)
{
	const char *v = getenv("VA_STUB_ARENA_MIB");

	return v ? strtoul(v, NULL, 10) : 0;
}

static void *stub_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off,
		       const char *sym)
{
	void *(*real)(void *, size_t, int, int, int, off_t) =
		(void *(*)(void *, size_t, int, int, int, off_t))dlsym(RTLD_NEXT, sym);
	void *p;

	if (fd < 0 || fd >= MAX_FD || !stub_fd[fd])
		return real(addr, len, prot, flags, fd, off);
	if (!arena_max_mib()) {
		errno = ENODEV;
		return MAP_FAILED;
	}
	if (!(flags & MAP_SHARED) || off || !len || len % 4096 || len > arena_max_mib() << 20) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	if (stub_arena[fd].len) {
		errno = EBUSY;
		return MAP_FAILED;
	}
	p = real(addr, len, prot, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		stub_arena[fd].base = (uintptr_t)p;
		stub_arena[fd].len = len;
	}
	return p;
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return stub_mmap(addr, len, prot, flags, fd, off, "mmap");
}

void *mmap64(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	return stub_mmap(addr, len, prot, flags, fd, off, "mmap64");
}

static int in_arena(int fd, uint64_t buf, uint64_t len)
{
	return stub_arena[fd].len && buf >= stub_arena[fd].base &&
	       buf - stub_arena[fd].base <= stub_arena[fd].len &&
	       len <= stub_arena[fd].len - (buf - stub_arena[fd].base);
}

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
		i->arena_max_mib = (__u32)arena_max_mib();
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
		if (r->op == VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY && r->nr_in == 1 && r->nr_out == 1) {
			const struct virtio_accel_ioc_arg *a = (const void *)(uintptr_t)r->in;
			const struct virtio_accel_ioc_arg *b = (const void *)(uintptr_t)r->out;

			memcpy((void *)(uintptr_t)b->buf, (const void *)(uintptr_t)a->buf,
			       a->len < b->len ? a->len : b->len);
			if (in_arena(fd, a->buf, a->len) && in_arena(fd, b->buf, b->len))
				strcpy(r->executor, "stub-arena");
		}
	} else if (NR(req) == NR(VIRTIO_ACCEL_IOC_STATS_GET)) {
		((struct virtio_accel_ioc_stats *)arg)->status = VIRTIO_ACCEL_S_OK;
	} else {
		return -1;
	}
	return 0;
}
