/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "e2e.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <virtio_accel.h>
#include <virtio_accel_ioctl.h>

int e2e_passed, e2e_failed, e2e_skipped;

void e2e_pass(const char *name)
{
	e2e_passed++;
	printf("E2E PASS %s\n", name);
	fflush(stdout);
}

static void vline(const char *tag, const char *name, const char *fmt,
		  va_list ap)
{
	printf("E2E %s %s: ", tag, name);
	vprintf(fmt, ap);
	printf("\n");
	fflush(stdout);
}

void e2e_fail(const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	e2e_failed++;
	vline("FAIL", name, fmt, ap);
	va_end(ap);
}

void e2e_skip(const char *name, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	e2e_skipped++;
	vline("SKIP", name, fmt, ap);
	va_end(ap);
}

int e2e_check(int cond, const char *name, const char *fmt, ...)
{
	if (cond) {
		e2e_pass(name);
		return 1;
	}
	va_list ap;
	va_start(ap, fmt);
	e2e_failed++;
	vline("FAIL", name, fmt, ap);
	va_end(ap);
	return 0;
}

int e2e_summary(const char *prog)
{
	printf("E2E SUMMARY %s passed %d failed %d skipped %d\n", prog,
	       e2e_passed, e2e_failed, e2e_skipped);
	fflush(stdout);
	return e2e_failed ? 1 : 0;
}

void e2e_remote(struct vaccel_session *s, uint32_t hint)
{
	int ret = vaccel_session_init(s, VACCEL_PLUGIN_REMOTE | hint);
	if (ret) {
		e2e_fail("session.remote", "vaccel_session_init: %d (%s)", ret,
			 vaccel_last_error());
		exit(e2e_summary("session"));
	}
}

void e2e_local(struct vaccel_session *s, uint32_t hint)
{
	int ret = vaccel_session_init(s, hint);
	if (ret || s->is_virtio) {
		e2e_fail("session.local", "vaccel_session_init: %d (%s), "
			 "is_virtio %d", ret, vaccel_last_error(),
			 (int)s->is_virtio);
		exit(e2e_summary("session"));
	}
}

/* The plugin is dlopen'd by the runtime; RTLD_NOLOAD finds it by SONAME. */
static void *ext(const char *sym)
{
	void *h = dlopen("libvaccel-virtio.so", RTLD_NOW | RTLD_NOLOAD);
	void *f = h ? dlsym(h, sym) : NULL;
	if (h)
		dlclose(h);
	return f;
}

const char *e2e_executor(void)
{
	const char *(*fn)(void) = (const char *(*)(void))ext(
		"vaccel_virtio_last_executor");
	return fn ? fn() : "";
}

uint64_t e2e_exec_ns(void)
{
	uint64_t (*fn)(void) = (uint64_t(*)(void))ext(
		"vaccel_virtio_last_exec_ns");
	return fn ? fn() : 0;
}

uint64_t e2e_rtt_ns(void)
{
	uint64_t (*fn)(void) = (uint64_t(*)(void))ext(
		"vaccel_virtio_last_rtt_ns");
	return fn ? fn() : 0;
}

void *e2e_arena_alloc(size_t size)
{
	void *(*fn)(size_t) = (void *(*)(size_t))ext("vaccel_virtio_alloc");
	if (!fn) {
		errno = ENOSYS;
		return NULL;
	}
	return fn(size);
}

void e2e_arena_free(void *p)
{
	void (*fn)(void *) = (void (*)(void *))ext("vaccel_virtio_free");
	if (fn)
		fn(p);
}

size_t e2e_arena_bytes(void)
{
	size_t (*fn)(void) = (size_t(*)(void))ext("vaccel_virtio_arena_bytes");
	return fn ? fn() : 0;
}

static int open_node(void)
{
	const char *path = getenv("VACCEL_VIRTIO_DEVICE");
	return open(path && *path ? path : "/dev/virtio-accel0", O_RDWR | O_CLOEXEC);
}

long e2e_arena_max_mib(void)
{
	int fd = open_node();
	if (fd < 0)
		return -errno;
	struct virtio_accel_ioc_info info;
	memset(&info, 0, sizeof info);
	info.size = sizeof info;
	long ret = ioctl(fd, VIRTIO_ACCEL_IOC_INFO, &info) ? -errno :
							    (long)info.arena_max_mib;
	close(fd);
	return ret;
}

int e2e_device_stats(struct e2e_stats *out)
{
	int fd = open_node();
	if (fd < 0)
		return errno;
	struct virtio_accel_ioc_stats st;
	memset(&st, 0, sizeof st);
	st.size = sizeof st;
	int ret = ioctl(fd, VIRTIO_ACCEL_IOC_STATS_GET, &st) ? errno : 0;
	close(fd);
	if (ret)
		return ret;
	out->requests = st.requests;
	out->errors = st.errors;
	out->in_flight = st.in_flight;
	out->sessions = st.sessions;
	out->resources = st.resources;
	return 0;
}

float e2e_randf(uint64_t *state)
{
	uint64_t x = *state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*state = x;
	return (float)((double)(x >> 11) / (double)(1ull << 53) * 2.0 - 1.0);
}

uint64_t e2e_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
