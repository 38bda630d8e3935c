// SPDX-License-Identifier: GPL-2.0
/*
 * Guest-side test of the virtio-accel driver: talks to /dev/virtio-accel0 through the
 * ioctls of include/uapi/virtio_accel_ioctl.h against the real device.
 *
 * Usage: va_driver_test [--ko PATH] [--exec-lib HOSTPATH] [--only NAME] [--skip-slow]
 *   --ko        module file for the unload/reload test (skipped without it)
 *   --exec-lib  host path of the test exec library (tests/driver/va_test_lib.c)
 *               on the device's exec allow-list; enables the big-transfer,
 *               kill -9 and unplug-while-blocked tests
 *   --skip-slow skip the sleeping, unplug and reload tests (used for the
 *               32-bit build, which checks the compat ioctl path)
 * Prints one "PASS|FAIL|SKIP: name ..." line per test and finally
 * "N passed, N failed"; exits 1 if anything failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "virtio_accel.h"
#include "virtio_accel_ioctl.h"

#define DEV "/dev/virtio-accel0"
/* The node of API version 1: it collides with DRM accel's /dev/accel/ on Linux >= 6.2. */
#define OLD_DEV "/dev/accel"
/* An ioctl number with other size bits (_IOC_SIZE). */
#define IOC_WITH_SIZE(cmd, sz)                    \
	(((cmd) & ~(unsigned long)IOCSIZE_MASK) | \
	 ((unsigned long)(sz) << _IOC_SIZESHIFT))
#define SYSDRV "/sys/bus/virtio/drivers/virtio_accel"

static const char *ko_path;
static const char *exec_lib;
static int skip_slow;
static int n_pass, n_fail, n_skip;
static char why[512];
static struct virtio_accel_ioc_info info;

/* A test returns 0 (pass), 1 (fail, reason in why) or 2 (skip). */
#define FAILF(...)                                       \
	do {                                             \
		snprintf(why, sizeof(why), __VA_ARGS__); \
		return 1;                                \
	} while (0)
#define CHECK(c)                                                         \
	do {                                                             \
		if (!(c))                                                \
			FAILF("line %d: %s (errno %d %s)", __LINE__, #c, \
			      errno, strerror(errno));                   \
	} while (0)
#define CHECK_ERR(expr, e)                                                   \
	do {                                                                 \
		long _r = (expr);                                            \
		if (_r != -(e))                                              \
			FAILF("line %d: %s = %ld (%s), want -%s", __LINE__,  \
			      #expr, _r, _r < 0 ? strerror((int)-_r) : "ok", \
			      #e);                                           \
	} while (0)
#define CHECK_OK(expr) CHECK_ERR(expr, 0)
#define SKIP(...)                                        \
	do {                                             \
		snprintf(why, sizeof(why), __VA_ARGS__); \
		return 2;                                \
	} while (0)

static long ioc(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static int xopen(void)
{
	int fd = open(DEV, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "open %s: %s\n", DEV, strerror(errno));
		exit(1);
	}
	return fd;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static long sess_create(int fd, uint64_t *id)
{
	struct virtio_accel_ioc_session s = { .size = sizeof(s) };
	long r = ioc(fd, VIRTIO_ACCEL_IOC_SESSION_CREATE, &s);

	*id = s.session_id;
	return r;
}

static long sess_destroy(int fd, uint64_t id)
{
	struct virtio_accel_ioc_session s = { .size = sizeof(s),
					      .session_id = id };

	return ioc(fd, VIRTIO_ACCEL_IOC_SESSION_DESTROY, &s);
}

static long stats(int fd, struct virtio_accel_ioc_stats *s)
{
	memset(s, 0, sizeof(*s));
	s->size = sizeof(*s);
	return ioc(fd, VIRTIO_ACCEL_IOC_STATS_GET, s);
}

static struct virtio_accel_ioc_arg arg(const void *p, uint64_t len)
{
	struct virtio_accel_ioc_arg a = { .buf = (uintptr_t)p, .len = len };

	return a;
}

/* An argument naming any 64-bit address (also from 32-bit builds). */
static struct virtio_accel_ioc_arg rawarg(uint64_t addr, uint64_t len)
{
	struct virtio_accel_ioc_arg a = { .buf = addr, .len = len };

	return a;
}

static long run(int fd, uint64_t sid, uint32_t op,
		struct virtio_accel_ioc_arg *in, uint32_t nin,
		struct virtio_accel_ioc_arg *out, uint32_t nout,
		struct virtio_accel_ioc_run *r)
{
	struct virtio_accel_ioc_run tmp;

	if (!r)
		r = &tmp;
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->session_id = sid;
	r->op = op;
	r->nr_in = nin;
	r->nr_out = nout;
	r->in = (uintptr_t)in;
	r->out = (uintptr_t)out;
	return ioc(fd, VIRTIO_ACCEL_IOC_RUN, r);
}

static int has_op(uint32_t op)
{
	return op < 64 && (info.supported_ops >> op) & 1;
}

/* Polls STATS until sessions == want (the host may finish asynchronously). */
static int wait_sessions(int fd, uint64_t want, int ms)
{
	struct virtio_accel_ioc_stats s;

	for (int i = 0; i <= ms / 20; i++) {
		if (stats(fd, &s) == 0 && s.sessions == want)
			return 1;
		usleep(20000);
	}
	return 0;
}

/* ---- tests ---- */

static int t_node(void)
{
	struct stat st;
	pid_t pid;
	int status;

	CHECK(stat(DEV, &st) == 0);
	CHECK(S_ISCHR(st.st_mode));
	CHECK(access(OLD_DEV, F_OK) != 0 && errno == ENOENT);
	if ((st.st_mode & 0777) != 0660 || st.st_uid != 0)
		FAILF("mode %o uid %u, want 0660 root", st.st_mode & 0777,
		      st.st_uid);
	pid = fork();
	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(3);
		_exit(open(DEV, O_RDWR) < 0 && errno == EACCES ? 0 : 4);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		FAILF("unprivileged open not refused (child status %#x)",
		      status);
	return 0;
}

static int t_info(void)
{
	int fd = xopen();
	unsigned int cpus = get_nprocs_conf();
	unsigned int want;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	CHECK_OK(ioc(fd, VIRTIO_ACCEL_IOC_INFO, &info));
	close(fd);
	printf("  info (%zu-bit): api %u proto %u.%u queues %u/%u sessions %u resources %u segs %u args %u "
	       "(driver %u) req %llu resp %llu ops %#llx features %#llx\n",
	       sizeof(void *) * 8, info.api_version, info.version >> 16,
	       info.version & 0xffff, info.num_queues, info.num_request_queues,
	       info.max_sessions, info.max_resources, info.max_segments,
	       info.max_args, info.seg_limit,
	       (unsigned long long)info.max_request_bytes,
	       (unsigned long long)info.max_response_bytes,
	       (unsigned long long)info.supported_ops,
	       (unsigned long long)info.features);
	CHECK(info.api_version == VIRTIO_ACCEL_IOC_API_VERSION);
	CHECK(info.version >> 16 == VIRTIO_ACCEL_VERSION_MAJOR);
	CHECK(info.num_queues >= 1 &&
	      info.num_queues <= info.num_request_queues);
	want = info.features & (1ull << VIRTIO_ACCEL_F_MQ) ?
		       (info.num_request_queues < cpus ?
				info.num_request_queues :
				cpus) :
		       1;
	if (info.num_queues != want)
		FAILF("num_queues %u, want %u (cpus %u)", info.num_queues, want,
		      cpus);
	CHECK(info.max_args > 0 && info.max_segments >= 2);
	CHECK(info.seg_limit >= 2 && info.seg_limit <= info.max_segments);
	CHECK(has_op(VIRTIO_ACCEL_OP_NOOP));
	return 0;
}

static int t_struct_size(void)
{
	struct {
		struct virtio_accel_ioc_info i;
		uint64_t tail[2];
	} big;
	struct virtio_accel_ioc_info i;
	struct virtio_accel_ioc_session s;
	unsigned long big_cmd =
		IOC_WITH_SIZE(VIRTIO_ACCEL_IOC_INFO, sizeof(big));
	int fd = xopen();

	memset(&i, 0, sizeof(i));
	/* The size field must equal _IOC_SIZE, which must be >= the first version. */
	i.size = VIRTIO_ACCEL_IOC_INFO_SIZE_VER0 - 8;
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_INFO, &i), EINVAL);
	CHECK_ERR(ioc(fd, IOC_WITH_SIZE(VIRTIO_ACCEL_IOC_INFO, i.size), &i),
		  EINVAL);
	i.size = 0;
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_INFO, &i), EINVAL);
	CHECK_ERR(ioc(fd, IOC_WITH_SIZE(VIRTIO_ACCEL_IOC_INFO, 0), &i), EINVAL);
	/* A newer, larger struct: fine while the unknown tail is zero. */
	memset(&big, 0, sizeof(big));
	big.i.size = sizeof(big);
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_INFO, &big), EINVAL);
	CHECK_OK(ioc(fd, big_cmd, &big));
	CHECK(big.i.version == info.version && big.tail[0] == 0);
	big.tail[1] = 1;
	CHECK_ERR(ioc(fd, big_cmd, &big), E2BIG);
	i.size = 8192;
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_INFO, &i), EINVAL);
	CHECK_ERR(ioc(fd, IOC_WITH_SIZE(VIRTIO_ACCEL_IOC_INFO, 8192), &i),
		  E2BIG);
	memset(&i, 0, sizeof(i));
	i.size = sizeof(i);
	i.flags = 1;
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_INFO, &i), EINVAL);
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_INFO, NULL), EFAULT);
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_INFO, (void *)16), EFAULT);
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_SESSION_CREATE, (void *)-4096L),
		  EFAULT);
	memset(&s, 0, sizeof(s));
	s.size = 8;
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_SESSION_CREATE, &s), EINVAL);
	close(fd);
	return 0;
}

static int t_unknown_ioctl(void)
{
	int fd = xopen();
	int x = 0;

	CHECK_ERR(ioc(fd, _IOWR(VIRTIO_ACCEL_IOC_MAGIC, 0x7f, int), &x),
		  ENOTTY);
	CHECK_ERR(ioc(fd,
		      _IOWR(VIRTIO_ACCEL_IOC_MAGIC, 0x03,
			    struct virtio_accel_ioc_session),
		      &x),
		  ENOTTY);
	CHECK_ERR(ioc(fd,
		      _IOR(VIRTIO_ACCEL_IOC_MAGIC, 0x00,
			   struct virtio_accel_ioc_info),
		      &x),
		  ENOTTY);
	CHECK_ERR(ioc(fd,
		      _IOW(VIRTIO_ACCEL_IOC_MAGIC, 0x00,
			   struct virtio_accel_ioc_info),
		      &x),
		  ENOTTY);
	CHECK_ERR(ioc(fd, _IO(VIRTIO_ACCEL_IOC_MAGIC, 0x31), NULL), ENOTTY);
	CHECK_ERR(ioc(fd, _IOWR('V', 0x00, struct virtio_accel_ioc_info), &x),
		  ENOTTY);
	/* API version 1's magic (0xB7 belongs to remoteproc_cdev and nsfs). */
	CHECK_ERR(ioc(fd, _IOWR(0xB7, 0x00, struct virtio_accel_ioc_info), &x),
		  ENOTTY);
	CHECK_ERR(ioc(fd, 0x5401 /* TCGETS */, &x), ENOTTY);
	CHECK_ERR(ioc(fd, 0, NULL), ENOTTY);
	close(fd);
	return 0;
}

static int t_session(void)
{
	struct virtio_accel_ioc_session s = { .size = sizeof(s) };
	int fd = xopen();
	uint64_t id;

	CHECK_OK(sess_create(fd, &id));
	CHECK(id != 0);
	CHECK_OK(sess_destroy(fd, id));
	CHECK_ERR(sess_destroy(fd, id), ENOENT);
	CHECK_ERR(sess_destroy(fd, 0), ENOENT);
	s.flags = 1u << 16;
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_SESSION_CREATE, &s), EINVAL);
	close(fd);
	return 0;
}

static int t_isolation(void)
{
	struct virtio_accel_ioc_timers t = { .size = sizeof(t) };
	int a = xopen(), b = xopen();
	uint64_t id;

	CHECK_OK(sess_create(a, &id));
	CHECK_ERR(run(b, id, VIRTIO_ACCEL_OP_NOOP, NULL, 0, NULL, 0, NULL),
		  ENOENT);
	CHECK_ERR(sess_destroy(b, id), ENOENT);
	t.session_id = id;
	if (info.features & (1ull << VIRTIO_ACCEL_F_PROFILING))
		CHECK_ERR(ioc(b, VIRTIO_ACCEL_IOC_TIMERS_GET, &t), ENOENT);
	CHECK_OK(run(a, id, VIRTIO_ACCEL_OP_NOOP, NULL, 0, NULL, 0, NULL));
	CHECK_OK(sess_destroy(a, id));
	close(a);
	close(b);
	return 0;
}

static int t_noop(void)
{
	struct virtio_accel_ioc_run r;
	int fd = xopen();
	char byte = 1;
	struct virtio_accel_ioc_arg in = arg(&byte, 1);
	uint64_t id;

	CHECK_OK(sess_create(fd, &id));
	CHECK_OK(run(fd, id, VIRTIO_ACCEL_OP_NOOP, NULL, 0, NULL, 0, &r));
	CHECK(r.status == VIRTIO_ACCEL_S_OK);
	CHECK(r.rtt_ns > 0);
	printf("  noop: executor '%s' exec %llu ns, round trip %llu ns\n",
	       r.executor, (unsigned long long)r.exec_ns,
	       (unsigned long long)r.rtt_ns);
	/* NOOP takes no arguments: the host's verdict comes back raw and mapped. */
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, &in, 1, NULL, 0, &r),
		  EINVAL);
	CHECK(r.status == VIRTIO_ACCEL_S_BAD_ARGS);
	CHECK_OK(sess_destroy(fd, id));
	close(fd);
	return 0;
}

static void ref_sgemm(int m, int n, int k, float alpha, const float *a, int lda,
		      const float *b, int ldb, float beta, const float *cin,
		      float *c, int ldc)
{
	for (int i = 0; i < m; i++)
		for (int j = 0; j < n; j++) {
			double acc = 0;

			for (int p = 0; p < k; p++)
				acc += (double)a[i * lda + p] * b[p * ldb + j];
			c[i * ldc + j] = alpha * acc +
					 (cin ? beta * cin[i * ldc + j] : 0.0f);
		}
}

static int sgemm_case(int fd, uint64_t id, int m, int n, int k, int with_c,
		      int ro_inputs)
{
	struct virtio_accel_sgemm_params p = { 0 };
	int lda = k + 1, ldb = n, ldc = n;
	size_t na = (size_t)m * lda, nb = (size_t)k * ldb, nc = (size_t)m * ldc;
	size_t abytes = (na * 4 + 4095) & ~4095ul;
	float *a = mmap(NULL, abytes, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	float *b = malloc(nb * 4), *cin = malloc(nc * 4), *c = malloc(nc * 4),
	      *ref = malloc(nc * 4);
	float alpha = 1.5f, beta = with_c ? 0.5f : 0.0f;
	struct virtio_accel_ioc_arg in[4], out[1];
	struct virtio_accel_ioc_run r;

	CHECK(a != MAP_FAILED && b && cin && c && ref);
	srand(m * 131 + n);
	for (size_t i = 0; i < na; i++)
		a[i] = (rand() % 2001 - 1000) / 1000.0f;
	for (size_t i = 0; i < nb; i++)
		b[i] = (rand() % 2001 - 1000) / 1000.0f;
	for (size_t i = 0; i < nc; i++) {
		cin[i] = (rand() % 2001 - 1000) / 1000.0f;
		c[i] = -12345.0f;
	}
	/* Inputs are pinned without FOLL_WRITE: read-only memory must work. */
	if (ro_inputs)
		CHECK(mprotect(a, abytes, PROT_READ) == 0);
	p.m = m;
	p.n = n;
	p.k = k;
	p.lda = lda;
	p.ldb = ldb;
	p.ldc = ldc;
	memcpy(&p.alpha, &alpha, 4);
	memcpy(&p.beta, &beta, 4);
	in[0] = arg(&p, sizeof(p));
	in[1] = arg(a, na * 4);
	in[2] = arg(b, nb * 4);
	in[3] = arg(with_c ? cin : NULL, with_c ? nc * 4 : 0);
	out[0] = arg(c, nc * 4);
	CHECK_OK(run(fd, id, VIRTIO_ACCEL_OP_SGEMM, in, 4, out, 1, &r));
	ref_sgemm(m, n, k, alpha, a, lda, b, ldb, beta, with_c ? cin : NULL,
		  ref, ldc);
	for (size_t i = 0; i < nc; i++)
		if (fabsf(c[i] - ref[i]) > 1e-3f * (1.0f + fabsf(ref[i])))
			FAILF("sgemm %dx%dx%d: C[%zu] = %g, want %g (executor %s)",
			      m, n, k, i, c[i], ref[i], r.executor);
	printf("  sgemm %dx%dx%d%s: ok, executor '%s', exec %llu us\n", m, n, k,
	       with_c ? " +C" : "", r.executor,
	       (unsigned long long)r.exec_ns / 1000);
	munmap(a, abytes);
	free(b);
	free(cin);
	free(c);
	free(ref);
	return 0;
}

static int t_sgemm(void)
{
	int fd = xopen(), rc;
	uint64_t id;

	if (!has_op(VIRTIO_ACCEL_OP_SGEMM))
		SKIP("device does not serve SGEMM");
	CHECK_OK(sess_create(fd, &id));
	rc = sgemm_case(fd, id, 8, 8, 8, 0, 0); /* all bounced */
	if (!rc)
		rc = sgemm_case(fd, id, 37, 53, 29, 1,
				0); /* odd sizes, C input */
	if (!rc)
		rc = sgemm_case(fd, id, 256, 192, 128, 1,
				1); /* pinned, read-only A */
	if (rc)
		return rc;
	CHECK_OK(sess_destroy(fd, id));
	close(fd);
	return 0;
}

static int t_hostile_run(void)
{
	int fd = xopen();
	uint64_t id;
	struct virtio_accel_ioc_arg in[2], *many;
	struct virtio_accel_ioc_run r;
	unsigned int max = info.max_args;
	char buf[64];
	void *ro;

	CHECK_OK(sess_create(fd, &id));
	/* bad pointers */
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, (void *)8, 2, NULL, 0,
		      NULL),
		  EFAULT);
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, NULL, 0, (void *)8, 1,
		      NULL),
		  EFAULT);
	in[0] = arg((void *)4096, 100); /* bounced copy fails */
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, in, 1, NULL, 0, NULL),
		  EFAULT);
	in[0] = rawarg(1ull << 40, 1 << 20); /* pinning fails */
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, in, 1, NULL, 0, NULL),
		  EFAULT);
	in[0] = rawarg(~0ull - 4095, 8192); /* kernel address, wraps */
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, in, 1, NULL, 0, NULL),
		  EFAULT);
	in[0] = rawarg(0xffff800000000000ull, 8192); /* kernel address */
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, in, 1, NULL, 0, NULL),
		  EFAULT);
	/* an output the device cannot write into: read-only mapping, pinned */
	ro = mmap(NULL, 1 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(ro != MAP_FAILED);
	in[0] = arg(ro, 1 << 20);
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, NULL, 0, in, 1, NULL),
		  EFAULT);
	munmap(ro, 1 << 20);
	/* sizes and counts */
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, in, 1u << 20, NULL, 0,
		      NULL),
		  E2BIG);
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, in, 0xffffffffu, in, 2,
		      NULL),
		  E2BIG);
	many = calloc(max + 1, sizeof(*many));
	CHECK(many);
	for (unsigned int i = 0; i <= max; i++)
		many[i] = arg(buf, 1);
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, many, max, many, 1, NULL),
		  E2BIG);
	free(many);
	in[0] = arg(buf, info.max_request_bytes + 1);
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, in, 1, NULL, 0, NULL),
		  E2BIG);
	in[0] = arg(buf, ~0ull);
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, in, 1, NULL, 0, NULL),
		  E2BIG);
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, NULL, 0, in, 1, NULL),
		  E2BIG);
	in[0] = arg(buf, 4096);
	in[1] = arg(buf, ~0ull - 4000); /* sum would wrap */
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, in, 2, NULL, 0, NULL),
		  E2BIG);
	/* fields */
	CHECK_ERR(run(fd, id, 0, NULL, 0, NULL, 0, NULL), EINVAL);
	CHECK_ERR(run(fd, id, 63, NULL, 0, NULL, 0, NULL), EOPNOTSUPP);
	CHECK_ERR(run(fd, id, 200, NULL, 0, NULL, 0, NULL), EOPNOTSUPP);
	CHECK_ERR(run(fd, id ^ 0x5a5a, VIRTIO_ACCEL_OP_NOOP, NULL, 0, NULL, 0,
		      NULL),
		  ENOENT);
	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.session_id = id;
	r.op = VIRTIO_ACCEL_OP_NOOP;
	r.reserved = 1;
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_RUN, &r), EINVAL);
	r.reserved = 0;
	r.flags = 2;
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_RUN, &r), EINVAL);
	r.flags = 0;
	r.size = VIRTIO_ACCEL_IOC_RUN_SIZE_VER0 - 1;
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_RUN, &r), EINVAL);
	/* the device is still fine */
	CHECK_OK(run(fd, id, VIRTIO_ACCEL_OP_NOOP, NULL, 0, NULL, 0, NULL));
	CHECK_OK(sess_destroy(fd, id));
	close(fd);
	return 0;
}

static long reg(int fd, uint64_t sid, uint32_t type,
		struct virtio_accel_ioc_blob *b, uint32_t n,
		struct virtio_accel_ioc_resource *r)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->session_id = sid;
	r->res_type = type;
	r->nr_blobs = n;
	r->blobs = (uintptr_t)b;
	return ioc(fd, VIRTIO_ACCEL_IOC_RESOURCE_REGISTER, r);
}

static long unreg(int fd, uint64_t sid, uint64_t rid,
		  struct virtio_accel_ioc_resource *r)
{
	memset(r, 0, sizeof(*r));
	r->size = sizeof(*r);
	r->session_id = sid;
	r->resource_id = rid;
	return ioc(fd, VIRTIO_ACCEL_IOC_RESOURCE_UNREGISTER, r);
}

static int t_resource(void)
{
	static char small[100], large[64 << 10];
	struct virtio_accel_ioc_blob b[2] = {
		{ .name = (uintptr_t) "a.bin",
		  .name_len = 5,
		  .data = (uintptr_t)small,
		  .data_len = sizeof(small) },
		{ .name = (uintptr_t) "b.bin",
		  .name_len = 5,
		  .data = (uintptr_t)large,
		  .data_len = sizeof(large) },
	};
	struct virtio_accel_ioc_resource r;
	struct virtio_accel_ioc_stats s0, s1;
	int fd = xopen();
	uint64_t id, rid;

	CHECK_OK(sess_create(fd, &id));
	CHECK_OK(stats(fd, &s0));
	CHECK_OK(reg(fd, id, VIRTIO_ACCEL_RES_DATA, b, 2, &r));
	rid = r.resource_id;
	CHECK(rid != 0 && r.status == VIRTIO_ACCEL_S_OK);
	CHECK_OK(stats(fd, &s1));
	if (s1.resources != s0.resources + 1 ||
	    s1.resource_bytes !=
		    s0.resource_bytes + sizeof(small) + sizeof(large))
		FAILF("stats: resources %llu->%llu bytes %llu->%llu",
		      (unsigned long long)s0.resources,
		      (unsigned long long)s1.resources,
		      (unsigned long long)s0.resource_bytes,
		      (unsigned long long)s1.resource_bytes);
	CHECK_OK(unreg(fd, id, rid, &r));
	CHECK_ERR(unreg(fd, id, rid, &r), ENOENT);
	CHECK(r.status == VIRTIO_ACCEL_S_NO_RESOURCE);
	/* hostile */
	b[0].name = (uintptr_t) "../x";
	b[0].name_len = 4;
	CHECK_ERR(reg(fd, id, VIRTIO_ACCEL_RES_DATA, b, 1, &r), EINVAL);
	CHECK(r.status == VIRTIO_ACCEL_S_MALFORMED);
	b[0].name = (uintptr_t) "a.bin";
	b[0].name_len = 0;
	CHECK_ERR(reg(fd, id, VIRTIO_ACCEL_RES_DATA, b, 1, &r), EINVAL);
	b[0].name_len = 256;
	CHECK_ERR(reg(fd, id, VIRTIO_ACCEL_RES_DATA, b, 1, &r), EINVAL);
	b[0].name_len = 5;
	b[0].reserved = 1;
	CHECK_ERR(reg(fd, id, VIRTIO_ACCEL_RES_DATA, b, 1, &r), EINVAL);
	b[0].reserved = 0;
	CHECK_ERR(reg(fd, id, VIRTIO_ACCEL_RES_DATA, b, 0, &r), EINVAL);
	CHECK_ERR(reg(fd, id, VIRTIO_ACCEL_RES_DATA, (void *)8, 1, &r), EFAULT);
	CHECK_ERR(reg(fd, id, VIRTIO_ACCEL_RES_DATA, b, 100000, &r), E2BIG);
	b[0].data = 8;
	CHECK_ERR(reg(fd, id, VIRTIO_ACCEL_RES_DATA, b, 1, &r), EFAULT);
	b[0].data = (uintptr_t)small;
	b[0].data_len = ~0ull;
	CHECK_ERR(reg(fd, id, VIRTIO_ACCEL_RES_DATA, b, 1, &r), E2BIG);
	CHECK_ERR(reg(fd, id ^ 1, VIRTIO_ACCEL_RES_DATA, b, 1, &r), ENOENT);
	CHECK_OK(sess_destroy(fd, id));
	close(fd);
	return 0;
}

static int t_close_frees(void)
{
	struct virtio_accel_ioc_stats s;
	int fd = xopen(), fd2 = xopen();
	uint64_t base, id;

	CHECK_OK(stats(fd, &s));
	base = s.sessions;
	for (int i = 0; i < 5; i++)
		CHECK_OK(sess_create(fd2, &id));
	CHECK_OK(run(fd2, id, VIRTIO_ACCEL_OP_NOOP, NULL, 0, NULL, 0, NULL));
	CHECK_OK(stats(fd, &s));
	if (s.sessions != base + 5)
		FAILF("sessions %llu, want %llu",
		      (unsigned long long)s.sessions,
		      (unsigned long long)base + 5);
	close(fd2);
	if (!wait_sessions(fd, base, 5000))
		FAILF("host still has sessions after close");
	close(fd);
	return 0;
}

static int t_timers(void)
{
	struct virtio_accel_ioc_timer tm[8];
	struct virtio_accel_ioc_timers t = { .size = sizeof(t) };
	int fd = xopen(), found = 0;
	uint64_t id;

	CHECK_OK(sess_create(fd, &id));
	t.session_id = id;
	if (!(info.features & (1ull << VIRTIO_ACCEL_F_PROFILING))) {
		CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_TIMERS_GET, &t), EOPNOTSUPP);
		close(fd);
		SKIP("VIRTIO_ACCEL_F_PROFILING not offered (EOPNOTSUPP checked)");
	}
	for (int i = 0; i < 3; i++)
		CHECK_OK(run(fd, id, VIRTIO_ACCEL_OP_NOOP, NULL, 0, NULL, 0,
			     NULL));
	t.timers = (uintptr_t)tm;
	t.nr_timers = 8;
	CHECK_OK(ioc(fd, VIRTIO_ACCEL_IOC_TIMERS_GET, &t));
	for (unsigned int i = 0; i < t.nr_timers && i < 8; i++)
		if (tm[i].op == VIRTIO_ACCEL_OP_NOOP && tm[i].count == 3)
			found = 1;
	if (!found)
		FAILF("no NOOP timer with count 3 among %u", t.nr_timers);
	t.nr_timers = 0;
	t.timers = 8; /* capacity 0: the pointer is never touched */
	CHECK_OK(ioc(fd, VIRTIO_ACCEL_IOC_TIMERS_GET, &t));
	CHECK(t.nr_timers >= 1);
	CHECK_OK(sess_destroy(fd, id));
	close(fd);
	return 0;
}

static int t_parallel(void)
{
	const int nproc = 4, iters = 100;
	pid_t pids[4];
	uint64_t t0 = now_ns();

	for (int p = 0; p < nproc; p++) {
		pids[p] = fork();
		if (pids[p] == 0) {
			int fd = xopen();
			uint64_t id;

			if (sess_create(fd, &id))
				_exit(2);
			for (int i = 0; i < iters; i++)
				if (run(fd, id, VIRTIO_ACCEL_OP_NOOP, NULL, 0,
					NULL, 0, NULL))
					_exit(3);
			_exit(sess_destroy(fd, id) ? 4 : 0);
		}
	}
	for (int p = 0; p < nproc; p++) {
		int st;

		CHECK(waitpid(pids[p], &st, 0) == pids[p]);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			FAILF("child %d status %#x", p, st);
	}
	printf("  parallel: %d NOOPs from %d processes in %llu ms\n",
	       nproc * iters, nproc,
	       (unsigned long long)(now_ns() - t0) / 1000000);
	return 0;
}

/*
 * Many requests at once from many processes: with a small ring (run.sh boots
 * a second VM with queue-size=4,indirect_desc=off) submitters must wait for
 * room instead of failing, and a chain longer than the ring gets E2BIG.
 */
static int t_ring_pressure(void)
{
	const int nproc = 8, iters = 40;
	pid_t pids[8];
	int fd = xopen();
	uint64_t id;
	float a[4] = { 1, 2, 3, 4 }, c[4];
	struct virtio_accel_sgemm_params p = {
		.m = 2, .n = 2, .k = 2, .lda = 2, .ldb = 2, .ldc = 2
	};
	float one = 1.0f;
	struct virtio_accel_ioc_arg in[4], out[1];
	long r;

	printf("  ring: driver segment limit %u\n", info.seg_limit);
	for (int q = 0; q < nproc; q++) {
		pids[q] = fork();
		if (pids[q] == 0) {
			int f = xopen();
			uint64_t sid;

			if (sess_create(f, &sid))
				_exit(2);
			for (int i = 0; i < iters; i++)
				if (run(f, sid, VIRTIO_ACCEL_OP_NOOP, NULL, 0,
					NULL, 0, NULL))
					_exit(3);
			_exit(0);
		}
	}
	for (int q = 0; q < nproc; q++) {
		int st;

		CHECK(waitpid(pids[q], &st, 0) == pids[q]);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			FAILF("child %d status %#x", q, st);
	}
	if (!has_op(VIRTIO_ACCEL_OP_SGEMM))
		return 0;
	/* head, params, A, B, response head, C: 6 descriptors (C-in is empty) */
	CHECK_OK(sess_create(fd, &id));
	memcpy(&p.alpha, &one, 4);
	in[0] = arg(&p, sizeof(p));
	in[1] = arg(a, sizeof(a));
	in[2] = arg(a, sizeof(a));
	in[3] = arg(NULL, 0);
	out[0] = arg(c, sizeof(c));
	r = run(fd, id, VIRTIO_ACCEL_OP_SGEMM, in, 4, out, 1, NULL);
	if (info.seg_limit < 6)
		CHECK_ERR(r, E2BIG);
	else
		CHECK_OK(r);
	close(fd);
	return 0;
}

/* EXEC of the test library (on the host's allow-list). */
static long exec_fn(int fd, uint64_t id, const char *fn,
		    struct virtio_accel_ioc_arg *extra_in, uint32_t nin,
		    struct virtio_accel_ioc_arg *out, uint32_t nout,
		    struct virtio_accel_ioc_run *r)
{
	struct virtio_accel_ioc_arg in[8];

	in[0] = arg(exec_lib, strlen(exec_lib));
	in[1] = arg(fn, strlen(fn));
	for (uint32_t i = 0; i < nin; i++)
		in[2 + i] = extra_in[i];
	return run(fd, id, VIRTIO_ACCEL_OP_EXEC, in, 2 + nin, out, nout, r);
}

static int t_exec_transfer(void)
{
	static const size_t sizes[] = { 1,	   4095,    4096,   4097,
					65536 + 3, 1 << 20, 8 << 20 };
	int fd = xopen();
	uint64_t id;

	if (!exec_lib || !has_op(VIRTIO_ACCEL_OP_EXEC))
		SKIP("needs --exec-lib and OP_EXEC (host exec plugin + allow-list)");
	CHECK_OK(sess_create(fd, &id));
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		/* odd offsets: sub-page starts and ends */
		unsigned char *src = malloc(n + 7), *dst = malloc(n + 9);
		struct virtio_accel_ioc_arg in = arg(src + 3, n),
					    out = arg(dst + 5, n);

		CHECK(src && dst);
		for (size_t i = 0; i < n; i++)
			src[3 + i] = (unsigned char)(i * 7 + s);
		memset(dst, 0xee, n + 9);
		struct virtio_accel_ioc_run r;

		CHECK_OK(exec_fn(fd, id, "va_test_echo", &in, 1, &out, 1, &r));
		for (size_t i = 0; i < n; i++)
			if (src[3 + i] != dst[5 + i])
				FAILF("echo of %zu bytes differs at %zu: %#x != %#x (executor '%s')",
				      n, i, dst[5 + i], src[3 + i], r.executor);
		if (dst[4] != 0xee || dst[5 + n] != 0xee)
			FAILF("echo of %zu bytes wrote outside the buffer", n);
		free(src);
		free(dst);
	}
	CHECK_OK(sess_destroy(fd, id));
	close(fd);
	return 0;
}

/* mmap of the file's arena; MAP_FAILED with errno on failure. */
static void *arena_map(int fd, size_t len, int flags, off_t off)
{
	return mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, off);
}

/* The arena's mapping rules (include/uapi/virtio_accel_ioctl.h). */
static int t_arena_mapping(void)
{
	size_t max = (size_t)info.arena_max_mib << 20, len = 16 << 20;
	int fd = xopen(), st;
	unsigned char *p, *q, vec;
	pid_t pid;

	CHECK(info.arena_max_mib >= 64);
	CHECK(arena_map(fd, len, MAP_PRIVATE, 0) == MAP_FAILED &&
	      errno == EINVAL);
	CHECK(arena_map(fd, len, MAP_SHARED, 4096) == MAP_FAILED &&
	      errno == EINVAL);
	CHECK(arena_map(fd, max + 4096, MAP_SHARED, 0) == MAP_FAILED &&
	      errno == EINVAL);
	p = arena_map(fd, len, MAP_SHARED, 0);
	CHECK(p != MAP_FAILED);
	for (size_t i = 0; i < len; i++)
		if (p[i])
			FAILF("a fresh arena holds %#x at %zu", p[i], i);
	memset(p, 0x5a, len);
	/* one per file: a second one is refused, another file gets its own */
	CHECK(arena_map(fd, 4096, MAP_SHARED, 0) == MAP_FAILED &&
	      errno == EBUSY);
	{
		int fd2 = xopen();

		q = arena_map(fd2, 4096, MAP_SHARED, 0);
		CHECK(q != MAP_FAILED && q[0] == 0);
		CHECK(munmap(q, 4096) == 0);
		close(fd2);
	}
	/* neither split nor moved */
	CHECK(munmap(p, 4096) != 0 && errno == EINVAL);
	CHECK(munmap(p + len - 4096, 4096) != 0 && errno == EINVAL);
	CHECK(mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
		     p + len + (64 << 20)) == MAP_FAILED);
	CHECK(mprotect(p + 4096, 4096, PROT_READ) != 0 && errno == EINVAL);
	CHECK(p[len - 1] == 0x5a);
	/* not inherited: the child has nothing mapped there */
	pid = fork();
	if (pid == 0)
		_exit(mincore(p, 4096, &vec) == -1 && errno == ENOMEM ? 0 : 1);
	CHECK(pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	      WEXITSTATUS(st) == 0);
	/* unmapped whole, it is gone: the next one starts zeroed again */
	CHECK(munmap(p, len) == 0);
	p = arena_map(fd, len, MAP_SHARED, 0);
	CHECK(p != MAP_FAILED && p[0] == 0 && p[len - 1] == 0);
	CHECK(munmap(p, len) == 0);
	close(fd);
	return 0;
}

/*
 * RUN arguments in the arena. Its pages cannot be pinned (VM_PFNMAP): a
 * region above the bounce size that works at all went through the arena
 * path, in place.
 */
static int t_arena_transfer(void)
{
	static const size_t sizes[] = { 1, 4097, (1 << 20) + 3, 12 << 20 };
	size_t len = 32 << 20;
	int fd = xopen(), st;
	struct virtio_accel_ioc_arg in, out;
	unsigned char *a, *heap;
	uint32_t *ms;
	uint64_t id;
	pid_t pid;

	if (!exec_lib || !has_op(VIRTIO_ACCEL_OP_EXEC))
		SKIP("needs --exec-lib and OP_EXEC (host exec plugin + allow-list)");
	a = arena_map(fd, len, MAP_SHARED, 0);
	CHECK(a != MAP_FAILED);
	CHECK_OK(sess_create(fd, &id));
	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		unsigned char *src = a + 3, *dst = a + len / 2 + 5;

		for (size_t i = 0; i < n; i++)
			src[i] = (unsigned char)(i * 13 + s);
		memset(dst - 5, 0xee, n + 10);
		in = arg(src, n);
		out = arg(dst, n);
		CHECK_OK(
			exec_fn(fd, id, "va_test_echo", &in, 1, &out, 1, NULL));
		if (memcmp(src, dst, n))
			FAILF("arena echo of %zu bytes differs", n);
		if (dst[-1] != 0xee || dst[n] != 0xee)
			FAILF("arena echo of %zu bytes wrote outside", n);
	}
	/* mixed: arena input, ordinary output */
	heap = malloc(1 << 20);
	CHECK(heap);
	in = arg(a, 1 << 20);
	out = arg(heap, 1 << 20);
	CHECK_OK(exec_fn(fd, id, "va_test_echo", &in, 1, &out, 1, NULL));
	CHECK(memcmp(a, heap, 1 << 20) == 0);
	free(heap);
	/* a region running past the arena's end is not the arena's */
	in = arg(a + len - 4096, 8192);
	out = arg(a, 8192);
	CHECK_ERR(exec_fn(fd, id, "va_test_echo", &in, 1, &out, 1, NULL),
		  EFAULT);
	/* another file's arena is not this file's */
	{
		int fd2 = xopen();
		unsigned char *b = arena_map(fd2, 1 << 20, MAP_SHARED, 0);

		CHECK(b != MAP_FAILED);
		in = arg(b, 1 << 20);
		out = arg(a, 1 << 20);
		CHECK_ERR(exec_fn(fd, id, "va_test_echo", &in, 1, &out, 1,
				  NULL),
			  EFAULT);
		CHECK(munmap(b, 1 << 20) == 0);
		close(fd2);
	}
	CHECK_OK(sess_destroy(fd, id));
	CHECK(munmap(a, len) == 0);
	close(fd);

	/* killed with its arena argument in flight: the process's mapping and
	 * file go first, the request keeps the arena until the device answers */
	pid = fork();
	if (pid == 0) {
		int cfd = xopen();

		ms = arena_map(cfd, 1 << 20, MAP_SHARED, 0);
		if (ms == MAP_FAILED || sess_create(cfd, &id))
			_exit(2);
		*ms = 700;
		in = arg(ms, sizeof(*ms));
		exec_fn(cfd, id, "va_test_sleep", &in, 1, NULL, 0, NULL);
		_exit(0);
	}
	CHECK(pid > 0);
	usleep(300000);
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &st, 0) == pid);
	/* the device still serves arena requests afterwards */
	usleep(800000);
	fd = xopen();
	a = arena_map(fd, 1 << 20, MAP_SHARED, 0);
	CHECK(a != MAP_FAILED);
	CHECK_OK(sess_create(fd, &id));
	memset(a, 7, 4096);
	in = arg(a, 4096);
	out = arg(a + 8192, 4096);
	CHECK_OK(exec_fn(fd, id, "va_test_echo", &in, 1, &out, 1, NULL));
	CHECK(a[8192] == 7 && a[8192 + 4095] == 7);
	CHECK_OK(sess_destroy(fd, id));
	CHECK(munmap(a, 1 << 20) == 0);
	close(fd);
	return 0;
}

/* Child: blocks in a RUN that sleeps ms on the host. */
static pid_t spawn_sleeper(uint32_t ms, int *result_pipe)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		return -1;
	pid = fork();
	if (pid == 0) {
		int fd = xopen();
		uint64_t id;
		long r;
		struct virtio_accel_ioc_arg in = arg(&ms, sizeof(ms));

		close(p[0]);
		if (sess_create(fd, &id))
			_exit(2);
		if (write(p[1], "s", 1) != 1)
			_exit(3);
		r = exec_fn(fd, id, "va_test_sleep", &in, 1, NULL, 0, NULL);
		if (write(p[1], &r, sizeof(r)) != sizeof(r))
			_exit(3);
		_exit(0);
	}
	close(p[1]);
	*result_pipe = p[0];
	return pid;
}

static int t_exec_sleep(void)
{
	struct virtio_accel_ioc_arg in;
	struct virtio_accel_ioc_run r;
	uint32_t ms = 500;
	int fd = xopen();
	uint64_t id, t0;

	if (!exec_lib || !has_op(VIRTIO_ACCEL_OP_EXEC))
		SKIP("needs --exec-lib (va_test_sleep) and OP_EXEC");
	CHECK_OK(sess_create(fd, &id));
	in = arg(&ms, sizeof(ms));
	t0 = now_ns();
	CHECK_OK(exec_fn(fd, id, "va_test_sleep", &in, 1, NULL, 0, &r));
	if (now_ns() - t0 < 450000000ull)
		FAILF("a 500 ms sleep took %llu ms (executor '%s')",
		      (unsigned long long)(now_ns() - t0) / 1000000,
		      r.executor);
	CHECK_OK(sess_destroy(fd, id));
	close(fd);
	return 0;
}

static int t_kill9(void)
{
	struct virtio_accel_ioc_stats s;
	int fd = xopen(), rp, st;
	uint64_t base, t0;
	char c;
	pid_t pid;

	if (!exec_lib || !has_op(VIRTIO_ACCEL_OP_EXEC))
		SKIP("needs --exec-lib (va_test_sleep) and OP_EXEC");
	CHECK_OK(stats(fd, &s));
	base = s.sessions;
	pid = spawn_sleeper(4000, &rp);
	CHECK(pid > 0);
	CHECK(read(rp, &c, 1) == 1);
	usleep(300000); /* let the RUN reach the host */
	CHECK_OK(stats(fd, &s));
	CHECK(s.in_flight >= 1);
	t0 = now_ns();
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &st, 0) == pid);
	if (now_ns() - t0 > 1000000000ull)
		FAILF("killed child took %llu ms to die (wait not killable?)",
		      (unsigned long long)(now_ns() - t0) / 1000000);
	close(rp);
	/* The session goes when the host is done with the abandoned RUN. */
	if (!wait_sessions(fd, base, 15000))
		FAILF("session of the killed process still on the host");
	close(fd);
	return 0;
}

static int find_vdev(char *name, size_t len)
{
	DIR *d = opendir(SYSDRV);
	struct dirent *e;

	if (!d)
		return 0;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "virtio", 6)) {
			snprintf(name, len, "%s", e->d_name);
			closedir(d);
			return 1;
		}
	closedir(d);
	return 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ok;

	if (fd < 0)
		return 0;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok;
}

static int t_unplug(void)
{
	struct virtio_accel_ioc_info i = { .size = sizeof(i) };
	char vdev[300];
	int fd, rp = -1, st;
	uint64_t id;
	long res = 0;
	pid_t pid = 0;

	if (!find_vdev(vdev, sizeof(vdev)))
		FAILF("no device bound to %s", SYSDRV);
	fd = xopen();
	CHECK_OK(sess_create(fd, &id));
	if (exec_lib && has_op(VIRTIO_ACCEL_OP_EXEC)) {
		char c;

		pid = spawn_sleeper(3000, &rp);
		CHECK(pid > 0 && read(rp, &c, 1) == 1);
		usleep(300000);
	}
	CHECK(write_file(SYSDRV "/unbind", vdev));
	CHECK_ERR(ioc(fd, VIRTIO_ACCEL_IOC_INFO, &i), ENODEV);
	CHECK_ERR(run(fd, id, VIRTIO_ACCEL_OP_NOOP, NULL, 0, NULL, 0, NULL),
		  ENODEV);
	CHECK(access(DEV, F_OK) != 0);
	if (pid > 0) {
		CHECK(read(rp, &res, sizeof(res)) == sizeof(res));
		if (res != -ENODEV)
			FAILF("blocked RUN returned %ld, want -ENODEV", res);
		CHECK(waitpid(pid, &st, 0) == pid);
		close(rp);
	}
	CHECK(close(fd) == 0);
	CHECK(write_file(SYSDRV "/bind", vdev));
	fd = xopen();
	CHECK_OK(ioc(fd, VIRTIO_ACCEL_IOC_INFO, &i));
	CHECK(wait_sessions(fd, 0, 2000)); /* reset dropped every session */
	close(fd);
	return pid > 0 ?
		       0 :
		       (snprintf(why, sizeof(why),
				 "(no blocked-waiter part: needs --exec-lib)"),
			0);
}

static int t_reload(void)
{
	int fd, kfd;

	if (!ko_path)
		SKIP("needs --ko");
	fd = xopen();
	/* An open file pins the module (EWOULDBLOCK with O_NONBLOCK, EBUSY on older kernels). */
	CHECK(syscall(SYS_delete_module, "virtio_accel", O_NONBLOCK) != 0 &&
	      (errno == EWOULDBLOCK || errno == EBUSY));
	close(fd);
	if (exec_lib && has_op(VIRTIO_ACCEL_OP_EXEC)) {
		/* Unload while a request abandoned by a killed waiter is still
		 * on the device: removal must fail it and free it safely. */
		int rp, st;
		char c;
		pid_t pid = spawn_sleeper(1500, &rp);

		CHECK(pid > 0 && read(rp, &c, 1) == 1);
		usleep(200000);
		kill(pid, SIGKILL);
		CHECK(waitpid(pid, &st, 0) == pid);
		close(rp);
	}
	CHECK(syscall(SYS_delete_module, "virtio_accel", O_NONBLOCK) == 0);
	CHECK(access(DEV, F_OK) != 0);
	kfd = open(ko_path, O_RDONLY | O_CLOEXEC);
	CHECK(kfd >= 0);
	CHECK(syscall(SYS_finit_module, kfd, "", 0) == 0);
	close(kfd);
	fd = xopen();
	CHECK_OK(ioc(fd, VIRTIO_ACCEL_IOC_INFO,
		     &(struct virtio_accel_ioc_info){ .size = sizeof(info) }));
	close(fd);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
	int slow;
} tests[] = {
	{ "node_permissions", t_node, 0 },
	{ "info", t_info, 0 },
	{ "struct_size_rules", t_struct_size, 0 },
	{ "unknown_ioctl", t_unknown_ioctl, 0 },
	{ "session_lifecycle", t_session, 0 },
	{ "session_isolation", t_isolation, 0 },
	{ "run_noop", t_noop, 0 },
	{ "run_sgemm", t_sgemm, 0 },
	{ "hostile_run", t_hostile_run, 0 },
	{ "resource", t_resource, 0 },
	{ "close_frees_sessions", t_close_frees, 0 },
	{ "profiling_timers", t_timers, 0 },
	{ "parallel_queues", t_parallel, 0 },
	{ "ring_pressure", t_ring_pressure, 0 },
	{ "exec_transfer_sizes", t_exec_transfer, 0 },
	{ "arena_mapping", t_arena_mapping, 0 },
	{ "arena_transfer", t_arena_transfer, 0 },
	{ "exec_sleep", t_exec_sleep, 1 },
	{ "kill9_blocked_run", t_kill9, 1 },
	{ "unplug_rebind", t_unplug, 1 },
	{ "module_reload", t_reload, 1 },
};

int main(int argc, char **argv)
{
	const char *only = NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--ko") && i + 1 < argc)
			ko_path = argv[++i];
		else if (!strcmp(argv[i], "--exec-lib") && i + 1 < argc)
			exec_lib = *argv[++i] ? argv[i] : NULL;
		else if (!strcmp(argv[i], "--skip-slow"))
			skip_slow = 1;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else {
			fprintf(stderr,
				"usage: %s [--ko PATH] [--exec-lib HOSTPATH] [--only NAME] [--skip-slow]\n",
				argv[0]);
			return 2;
		}
	}
	if (t_info()) {
		printf("FAIL: info: %s\n0 passed, 1 failed\n", why);
		return 1;
	}
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		uint64_t t0 = now_ns();
		int rc;

		if ((only && strcmp(only, tests[i].name)) ||
		    (skip_slow && tests[i].slow))
			continue;
		why[0] = 0;
		rc = tests[i].fn();
		if (rc == 0)
			n_pass++;
		else if (rc == 1)
			n_fail++;
		else
			n_skip++;
		printf("%s: %s (%llu ms)%s%s\n",
		       rc == 0 ? "PASS" :
		       rc == 1 ? "FAIL" :
				 "SKIP",
		       tests[i].name,
		       (unsigned long long)(now_ns() - t0) / 1000000,
		       why[0] ? " " : "", why);
	}
	printf("%d skipped\n%d passed, %d failed\n", n_skip, n_pass, n_fail);
	return n_fail ? 1 : 0;
}
