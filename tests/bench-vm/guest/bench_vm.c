/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Guest side of `make bench-vm`: measures, in ONE boot and interleaved round
 * by round (so that host load hits every path alike):
 *   - latency of a round trip through the device: vaccel_noop() through
 *     libvaccel + the virtio plugin, and a raw RUN(NOOP) ioctl on the device
 *     node; a native in-guest vaccel_noop() (guest noop plugin) for reference;
 *   - the transports a user would use instead: a 64-byte echo over TCP
 *     (virtio-net, slirp, host echo server on 127.0.0.1) and over a
 *     virtio-serial port (host echo server on a unix socket);
 *   - bandwidth: vaccel_fpga_arraycopy() of N bytes in and N bytes out through
 *     the device (output verified), from buffers on transparent huge pages,
 *     from buffers on 4 KiB pages, and from buffers in the transport plugin's
 *     arena (vaccel_virtio_alloc(), include/vaccel_virtio.h: the driver
 *     neither pins nor bounces them), against an in-guest memcpy() of N bytes;
 *   - throughput with 1/2/4/8 threads, one remote session each.
 *
 * Output (parsed by tests/bench-vm/report.py; one record per line):
 *   BV LAT <method> <round> <us> <us> ...       latency samples of one batch
 *   BV BW <method> <bytes> <seconds>            one transfer (method: device,
 *       device-4k, device-arena, memcpy)
 *   BV SPLIT <bytes> <ioctl ns> <rtt ns> <exec ns>   where a raw arraycopy
 *       RUN ioctl spends its time: the whole ioctl, the device round trip
 *       the driver measured (submit to completion) and the host op itself
 *   BV SPLIT-ARENA <bytes> <ioctl ns> <rtt ns> <exec ns>   the same with
 *       both buffers in an arena mmap'ed from the raw descriptor
 *   BV COPY <arg bytes in> <arg bytes out> <copied in> <copied out> <zeroed>
 *       the device's STATS copy counters over the bandwidth part
 *   BV THR <threads> <seconds> <ops per thread...>
 *   BV ERR <what>: <why>                        a measurement that failed
 *       ("bw.device-arena: ..." also when there is no arena, or sizes that
 *       do not fit it were skipped)
 *
 * Usage: bench_vm --node DEV --tcp IP:PORT --serial PORTDEV
 *                 [--rounds R] [--batch B] [--bw-max MIB] [--thr-seconds S]
 *                 [--parts lat,bw,thr]   (default: all; e.g. bw alone while
 *                                         profiling the host)
 *                 [--bw-reps N]          (rounds over the sizes, default 5)
 *                 [--poll 1]             (also sample the device paths with
 *                                         the driver's busy-poll off)
 *                 [--label L]            (prefix of the latency method names,
 *                                         e.g. "stub-" under stub_node.so)
 *
 * The arena is sized for 2 x bw-max: VACCEL_VIRTIO_ARENA_MIB is set to that
 * unless the environment already sets it (the driver may still allow less;
 * the sizes that do not fit are then reported as skipped).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <vaccel.h>
#include <virtio_accel.h>
#include <virtio_accel_ioctl.h>

#define ECHO_BYTES 64

static struct {
	const char *node, *tcp, *serial, *parts, *label;
	int rounds, batch, bw_max_mib, bw_reps, poll;
	double thr_seconds;
} opt = { "/dev/virtio-accel0", NULL, NULL, "lat,bw,thr", "", 20, 100, 64, 5, 0, 2.0 };

static int errors;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void err(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void err(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("BV ERR %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	errors++;
}

/* ---- the measured paths: each does ONE round trip, returns 0 on success ---- */

struct paths {
	struct vaccel_session remote, local;
	int have_local;
	int node_fd;
	uint64_t raw_session;
	int tcp_fd, serial_fd;
};

static int do_device(struct paths *p)
{
	return vaccel_noop(&p->remote);
}

static int do_native(struct paths *p)
{
	return vaccel_noop(&p->local);
}

static int do_ioctl(struct paths *p)
{
	struct virtio_accel_ioc_run run = {
		.size = sizeof(run),
		.session_id = p->raw_session,
		.op = VIRTIO_ACCEL_OP_NOOP,
	};

	if (ioctl(p->node_fd, VIRTIO_ACCEL_IOC_RUN, &run) != 0)
		return errno;
	return run.status == VIRTIO_ACCEL_S_OK ? 0 : EIO;
}

static int echo(int fd)
{
	static char out[ECHO_BYTES] = "virtio-accel bench-vm echo payload ......................";
	char in[ECHO_BYTES];
	size_t got = 0;

	if (write(fd, out, sizeof(out)) != (ssize_t)sizeof(out))
		return errno ? errno : EIO;
	while (got < sizeof(in)) {
		ssize_t n = read(fd, in + got, sizeof(in) - got);

		if (n <= 0)
			return n == 0 ? EPIPE : errno;
		got += (size_t)n;
	}
	return memcmp(in, out, sizeof(in)) ? EBADMSG : 0;
}

static int do_tcp(struct paths *p)
{
	return echo(p->tcp_fd);
}

static int do_serial(struct paths *p)
{
	return echo(p->serial_fd);
}

/* ---- set-up of each path ---- */

static int open_raw_session(struct paths *p)
{
	struct virtio_accel_ioc_session s = { .size = sizeof(s) };

	p->node_fd = open(opt.node, O_RDWR | O_CLOEXEC);
	if (p->node_fd < 0)
		return errno;
	if (ioctl(p->node_fd, VIRTIO_ACCEL_IOC_SESSION_CREATE, &s) != 0)
		return errno;
	if (s.status != VIRTIO_ACCEL_S_OK)
		return EIO;
	p->raw_session = s.session_id;
	return 0;
}

static int open_tcp(struct paths *p)
{
	char host[64];
	const char *colon = strrchr(opt.tcp, ':');
	struct sockaddr_in sa = { .sin_family = AF_INET };
	int one = 1;

	if (!colon || (size_t)(colon - opt.tcp) >= sizeof(host))
		return EINVAL;
	memcpy(host, opt.tcp, (size_t)(colon - opt.tcp));
	host[colon - opt.tcp] = '\0';
	sa.sin_port = htons((uint16_t)atoi(colon + 1));
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return EINVAL;
	p->tcp_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (p->tcp_fd < 0)
		return errno;
	setsockopt(p->tcp_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* slirp may need a moment after the link comes up */
	for (int i = 0; i < 50; i++) {
		if (connect(p->tcp_fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return 0;
		usleep(100000);
	}
	return errno;
}

static int open_serial(struct paths *p)
{
	struct termios t;

	p->serial_fd = open(opt.serial, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (p->serial_fd < 0)
		return errno;
	/* a virtio-serial port is no tty, but be raw in case it ever is */
	if (tcgetattr(p->serial_fd, &t) == 0) {
		cfmakeraw(&t);
		tcsetattr(p->serial_fd, TCSANOW, &t);
	}
	return 0;
}

/* ---- latency: interleaved batches ---- */

struct method {
	const char *name;
	int (*fn)(struct paths *p);
	int ok;
	int poll; /* 1: driver's default busy-poll; 0: poll_us=0 */
};

/*
 * The driver's module parameter poll_us, set before each sample (untimed):
 * the device paths run with the driver's default (its adaptive busy-poll) and
 * again with busy-poll off, in the same shuffled cycles, like every other
 * pair. poll_on is the value the driver had when we started.
 */
static int poll_fd = -1;
static char poll_on[16] = "150\n";

static void set_poll(int on)
{
	static int cur = -1;
	const char *v = on ? poll_on : "0\n";

	if (poll_fd < 0 || cur == on)
		return;
	if (pwrite(poll_fd, v, strlen(v), 0) > 0)
		cur = on;
}

/*
 * Methods alternate sample by sample in a shuffled order. With batches of one
 * method after the other, or a fixed order, whichever device path came first
 * measured 20-45 us slower than the same path placed second (it woke the
 * host's idle threads; the second found them awake). Output is the serial
 * console, whose draining costs the guest interrupts: a round's samples are
 * kept, printed after the round, and drained before the next one starts.
 */
/* Fixed-seed generator: the same shuffles every run. */
static unsigned int next_rand(void)
{
	static uint32_t x = 2463534242u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

static void latency(struct paths *p, struct method *m, int nm)
{
	double *us = calloc((size_t)opt.batch * (size_t)nm, sizeof(*us));

	for (int i = 0; i < nm; i++) { /* warm-up */
		for (int k = 0; m[i].ok && k < 20; k++) {
			int ret = m[i].fn(p);

			if (ret) {
				err(m[i].name, "warm-up: %s", strerror(ret));
				m[i].ok = 0;
			}
		}
	}
	for (int r = 0; r < opt.rounds; r++) {
		/* Sample by sample, one of each method in a shuffled order:
		 * whatever the host or the guest does meanwhile hits every
		 * path alike, and each path follows each other path (and pays
		 * for waking the host after the others) equally often. */
		for (int k = 0; k < opt.batch; k++) {
			int order[16];

			for (int j = 0; j < nm; j++)
				order[j] = j;
			for (int j = nm - 1; j > 0; j--) {
				int x = (int)(next_rand() % (unsigned int)(j + 1));
				int t = order[j];

				order[j] = order[x];
				order[x] = t;
			}
			for (int j = 0; j < nm; j++) {
				int i = order[j];
				uint64_t t0;
				int ret;

				if (!m[i].ok)
					continue;
				set_poll(m[i].poll);
				t0 = now_ns();
				ret = m[i].fn(p);
				us[(size_t)i * (size_t)opt.batch + (size_t)k] =
					(double)(now_ns() - t0) / 1e3;
				if (ret) {
					err(m[i].name, "round %d: %s", r,
					    strerror(ret));
					m[i].ok = 0;
				}
			}
		}
		for (int i = 0; i < nm; i++) {
			double *row = us + (size_t)i * (size_t)opt.batch;

			if (!m[i].ok)
				continue;
			printf("BV LAT %s%s %d", opt.label, m[i].name, r);
			for (int k = 0; k < opt.batch; k++)
				printf(" %.2f", row[k]);
			printf("\n");
		}
		fflush(stdout);
		tcdrain(STDOUT_FILENO); /* fails harmlessly when not a tty */
	}
	set_poll(1);
	free(us);
}

/*
 * One raw RUN(FPGA_ARRAYCOPY) of `bytes` in and out: what the guest driver
 * costs (pinning, descriptors) against the device's round trip and the op.
 */
static void split_one(struct paths *p, const char *tag, const void *in, void *out,
		      size_t bytes)
{
	struct virtio_accel_ioc_arg a_in = { .buf = (uintptr_t)in, .len = bytes };
	struct virtio_accel_ioc_arg a_out = { .buf = (uintptr_t)out, .len = bytes };
	struct virtio_accel_ioc_run run = {
		.size = sizeof(run),
		.session_id = p->raw_session,
		.op = VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY,
		.nr_in = 1,
		.nr_out = 1,
		.in = (uintptr_t)&a_in,
		.out = (uintptr_t)&a_out,
	};
	uint64_t t0 = now_ns();

	if (ioctl(p->node_fd, VIRTIO_ACCEL_IOC_RUN, &run) != 0 ||
	    run.status != VIRTIO_ACCEL_S_OK) {
		err("split", "%s %zu bytes: %s, status %u", tag, bytes, strerror(errno),
		    run.status);
		return;
	}
	printf("BV %s %zu %llu %llu %llu\n", tag, bytes,
	       (unsigned long long)(now_ns() - t0),
	       (unsigned long long)run.rtt_ns,
	       (unsigned long long)run.exec_ns);
}

/* Device-wide counters (STATS ioctl); 0 on success. */
static int dev_stats(struct paths *p, struct virtio_accel_ioc_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->size = sizeof(*st);
	if (ioctl(p->node_fd, VIRTIO_ACCEL_IOC_STATS_GET, st) != 0)
		return errno;
	return st->status == VIRTIO_ACCEL_S_OK ? 0 : EIO;
}

/* ---- bandwidth ---- */

/*
 * A bandwidth buffer: 2 MiB aligned, and either advised as transparent huge
 * pages (physically contiguous 2 MiB runs: few descriptors, the driver pins
 * them) or kept to 4 KiB pages (scattered: above ~1 MiB per direction the
 * chain would exceed the device's 512 segments, so the driver bounces them
 * through kernel chunks). Applications choose; both are measured.
 */
static void *bw_buf(size_t bytes, int huge)
{
	void *p = NULL;

	if (posix_memalign(&p, 2u << 20, bytes))
		return NULL;
	madvise(p, bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	return p;
}

/* One timed device transfer of `bytes` (inner times), output verified. */
static double bw_device(struct paths *p, const char *what, const int *in,
			int *out, size_t bytes, int inner)
{
	uint64_t t0;
	int ret = 0;

	out[bytes / sizeof(int) - 1] = ~in[bytes / sizeof(int) - 1];
	t0 = now_ns();
	for (int k = 0; k < inner && !ret; k++)
		ret = vaccel_fpga_arraycopy(&p->remote, (int *)in, out,
					    bytes / sizeof(int));
	double secs = (double)(now_ns() - t0) / 1e9 / inner;

	if (ret || memcmp(in, out, bytes)) {
		err(what, "%zu bytes: %s", bytes,
		    ret ? strerror(ret) : "output differs");
		return -1;
	}
	return secs;
}

/*
 * The transport plugin's arena, looked up at run time like every extension
 * call (the plugin carries the SONAME libvaccel-virtio.so; libvaccel loaded
 * it). Two blocks of the largest size that fits both, halving from `max`;
 * returns that size (0: no arena, and why in `why`).
 */
static size_t arena_bufs(size_t max, int **in, int **out, char *why, size_t why_len)
{
	void *h = dlopen("libvaccel-virtio.so", RTLD_NOW | RTLD_NOLOAD);
	void *(*alloc)(size_t) = h ? (void *(*)(size_t))dlsym(h, "vaccel_virtio_alloc") : NULL;
	void (*release)(void *) = h ? (void (*)(void *))dlsym(h, "vaccel_virtio_free") : NULL;
	size_t (*bytes)(void) = h ? (size_t(*)(void))dlsym(h, "vaccel_virtio_arena_bytes") : NULL;
	int e = 0;

	*in = *out = NULL;
	if (h)
		dlclose(h); /* libvaccel keeps it loaded */
	if (!alloc || !release || !bytes) {
		snprintf(why, why_len, "the transport plugin has no vaccel_virtio_alloc (%s)",
			 h ? "old plugin" : "libvaccel-virtio.so not loaded");
		return 0;
	}
	for (size_t s = max; s >= 4096; s /= 2) {
		errno = 0;
		*in = alloc(s);
		if (*in)
			*out = alloc(s);
		e = errno;
		if (*in && *out) {
			if (s < max)
				snprintf(why, why_len,
					 "sizes above %zu KiB skipped: the arena has %zu MiB, not 2 x %zu "
					 "MiB (VACCEL_VIRTIO_ARENA_MIB %s; the driver may allow less)",
					 s >> 10, bytes() >> 20, max >> 20,
					 getenv("VACCEL_VIRTIO_ARENA_MIB") ?
						 getenv("VACCEL_VIRTIO_ARENA_MIB") : "unset");
			return s;
		}
		release(*in);
		*in = NULL;
		if (e != ENOMEM)
			break; /* no arena at all: no smaller size helps */
	}
	const char *env = getenv("VACCEL_VIRTIO_ARENA_MIB");

	snprintf(why, why_len,
		 "no arena: vaccel_virtio_alloc: %s (%s; VACCEL_VIRTIO_ARENA_MIB %s, %zu bytes mapped)",
		 strerror(e),
		 e == EOPNOTSUPP ? "the driver has none, INFO arena_max_mib 0" :
		 e == ENODEV ? "no device" : "arena too small or mmap failed",
		 env ? env : "unset", bytes());
	return 0;
}

static void arena_free(void *p)
{
	void *h = dlopen("libvaccel-virtio.so", RTLD_NOW | RTLD_NOLOAD);
	void (*release)(void *) = h ? (void (*)(void *))dlsym(h, "vaccel_virtio_free") : NULL;

	if (release)
		release(p);
	if (h)
		dlclose(h);
}

static void bandwidth(struct paths *p)
{
	static const size_t kib[] = { 4, 64, 256, 1024, 4096, 8192, 12288,
				      16384, 32768, 65536 };
	size_t max = (size_t)opt.bw_max_mib << 20;
	int *a = bw_buf(max, 1), *out = bw_buf(max, 1), *copy = bw_buf(max, 1);
	int *a4 = bw_buf(max, 0), *out4 = bw_buf(max, 0);
	int *aa = NULL, *outa = NULL;
	char why[256] = "";
	size_t arena_max = arena_bufs(max, &aa, &outa, why, sizeof(why));
	/* The raw descriptor's own arena (one per open file), for the split
	 * of a raw RUN with both buffers in it. */
	int *raw = arena_max && p->node_fd >= 0 ?
		mmap(NULL, 2 * arena_max, PROT_READ | PROT_WRITE, MAP_SHARED, p->node_fd, 0) :
		MAP_FAILED;

	if (arena_max && p->node_fd >= 0 && raw == MAP_FAILED)
		err("split.arena", "mmap of %zu MiB on %s: %s", (2 * arena_max) >> 20, opt.node,
		    strerror(errno));
	struct virtio_accel_ioc_stats st0, st1;
	int have_stats = p->node_fd >= 0 && dev_stats(p, &st0) == 0;

	if (!a || !out || !copy || !a4 || !out4) {
		err("bw", "cannot allocate 5 x %zu bytes", max);
		goto done;
	}
	for (size_t i = 0; i < max / sizeof(int); i++)
		a[i] = (int)(i * 2654435761u);
	memcpy(a4, a, max);
	if (why[0])
		err("bw.device-arena", "%s", why);
	if (arena_max) {
		memcpy(aa, a, arena_max);
		memset(outa, 0, arena_max);
	}
	if (raw != MAP_FAILED)
		memcpy(raw, a, arena_max);
	memset(out, 0, max);
	memset(out4, 0, max);
	memset(copy, 0, max);
	/* 3 reps per size for large transfers, more for small ones; sizes are
	 * interleaved within each rep. */
	for (int rep = 0; rep < opt.bw_reps; rep++) {
		for (size_t s = 0; s < sizeof(kib) / sizeof(kib[0]); s++) {
			size_t bytes = kib[s] << 10;
			int inner = bytes >= (4u << 20) ? 1 : (int)((4u << 20) / bytes);

			if (bytes > max || (rep >= 3 && bytes >= (16u << 20)))
				continue;
			if (inner > 64)
				inner = 64;
			double dev_s = bw_device(p, "bw.device", a, out, bytes, inner);
			double dev4_s = bw_device(p, "bw.device-4k", a4, out4, bytes, inner);
			double deva_s = bytes <= arena_max ?
				bw_device(p, "bw.device-arena", aa, outa, bytes, inner) : -1;
			uint64_t t0 = now_ns();

			for (int k = 0; k < inner; k++) {
				memcpy(copy, a, bytes);
				__asm__ volatile("" : : "r"(copy) : "memory");
			}
			double cpy_s = (double)(now_ns() - t0) / 1e9 / inner;

			if (dev_s > 0)
				printf("BV BW device %zu %.9f\n", bytes, dev_s);
			if (dev4_s > 0)
				printf("BV BW device-4k %zu %.9f\n", bytes, dev4_s);
			if (deva_s > 0)
				printf("BV BW device-arena %zu %.9f\n", bytes, deva_s);
			printf("BV BW memcpy %zu %.9f\n", bytes, cpy_s);
			if (p->node_fd >= 0)
				split_one(p, "SPLIT", a, out, bytes);
			if (raw != MAP_FAILED && bytes <= arena_max)
				split_one(p, "SPLIT-ARENA", raw, raw + arena_max / sizeof(int),
					  bytes);
			fflush(stdout);
		}
	}
	/* Host copies over the bandwidth part (latency runs carry no data). */
	if (have_stats && dev_stats(p, &st1) == 0)
		printf("BV COPY %llu %llu %llu %llu %llu\n",
		       (unsigned long long)(st1.arg_bytes_in - st0.arg_bytes_in),
		       (unsigned long long)(st1.arg_bytes_out - st0.arg_bytes_out),
		       (unsigned long long)(st1.copied_in - st0.copied_in),
		       (unsigned long long)(st1.copied_out - st0.copied_out),
		       (unsigned long long)(st1.zero_filled - st0.zero_filled));
done:
	free(a);
	free(out);
	free(copy);
	free(a4);
	free(out4);
	arena_free(aa);
	arena_free(outa);
	if (raw != MAP_FAILED)
		munmap(raw, 2 * arena_max);
}

/* ---- threads ---- */

struct worker {
	pthread_t th;
	pthread_barrier_t *start;
	volatile int *stop;
	long ops;
	int ret;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct vaccel_session s;

	w->ret = vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE);
	pthread_barrier_wait(w->start);
	while (!w->ret && !*w->stop) {
		w->ret = vaccel_noop(&s);
		w->ops += !w->ret;
	}
	if (vaccel_session_release(&s) != 0 && !w->ret)
		w->ret = EIO;
	return NULL;
}

static void threads(void)
{
	static const int counts[] = { 1, 2, 4, 8 };

	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		int n = counts[c];
		struct worker w[8] = { 0 };
		pthread_barrier_t start;
		volatile int stop = 0;

		pthread_barrier_init(&start, NULL, (unsigned int)n + 1);
		for (int i = 0; i < n; i++) {
			w[i].start = &start;
			w[i].stop = &stop;
			pthread_create(&w[i].th, NULL, worker_main, &w[i]);
		}
		pthread_barrier_wait(&start);
		uint64_t t0 = now_ns();

		usleep((useconds_t)(opt.thr_seconds * 1e6));
		stop = 1;
		for (int i = 0; i < n; i++)
			pthread_join(w[i].th, NULL);
		double secs = (double)(now_ns() - t0) / 1e9;

		printf("BV THR %d %.6f", n, secs);
		for (int i = 0; i < n; i++)
			printf(" %ld", w[i].ops);
		printf("\n");
		for (int i = 0; i < n; i++)
			if (w[i].ret)
				err("thr", "%d threads: worker %d: %s", n, i,
				    strerror(w[i].ret));
		pthread_barrier_destroy(&start);
		fflush(stdout);
	}
}

int main(int argc, char **argv)
{
	struct paths p = { .node_fd = -1, .tcp_fd = -1, .serial_fd = -1 };
	int ret;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--node"))
			opt.node = argv[i + 1];
		else if (!strcmp(argv[i], "--tcp"))
			opt.tcp = argv[i + 1];
		else if (!strcmp(argv[i], "--serial"))
			opt.serial = argv[i + 1];
		else if (!strcmp(argv[i], "--rounds"))
			opt.rounds = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--batch"))
			opt.batch = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--bw-max"))
			opt.bw_max_mib = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--thr-seconds"))
			opt.thr_seconds = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "--bw-reps"))
			opt.bw_reps = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--poll"))
			opt.poll = atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--label"))
			opt.label = argv[i + 1];
		else if (!strcmp(argv[i], "--parts"))
			opt.parts = argv[i + 1];
		else {
			fprintf(stderr, "bench_vm: unknown option %s\n", argv[i]);
			return 2;
		}
	}
	if (opt.rounds < 1 || opt.batch < 1 || opt.bw_max_mib < 1)
		return 2;
	/* Room in the plugin's arena for the input and the output of the
	 * largest transfer (read by the plugin at its first allocation). */
	char arena_mib[24];

	snprintf(arena_mib, sizeof(arena_mib), "%d", 2 * opt.bw_max_mib);
	setenv("VACCEL_VIRTIO_ARENA_MIB", arena_mib, 0);

	ret = vaccel_session_init(&p.remote, VACCEL_PLUGIN_REMOTE);
	if (ret) {
		err("session.remote", "%s", strerror(ret));
		return 1;
	}
	/* the guest's own noop plugin, for the native reference */
	p.have_local = vaccel_session_init(&p.local, VACCEL_PLUGIN_SOFTWARE) == 0;

	struct method m[] = {
		{ "device", do_device, 1, 1 },
		{ "ioctl", do_ioctl, 0, 1 },
		{ "tcp", do_tcp, 0, 1 },
		{ "serial", do_serial, 0, 1 },
		{ "native", do_native, p.have_local, 1 },
		{ "device-nopoll", do_device, 0, 0 },
		{ "ioctl-nopoll", do_ioctl, 0, 0 },
	};
	ret = open_raw_session(&p);
	m[1].ok = !ret;
	/* Busy-poll pairs only where the driver has the parameter (and we
	 * may write it) and a real node is used. */
	if (opt.poll) {
		int rfd = open("/sys/module/virtio_accel/parameters/poll_us",
			       O_RDONLY | O_CLOEXEC);
		ssize_t n = rfd >= 0 ? read(rfd, poll_on, sizeof(poll_on) - 1) :
				       -1;

		/* a driver left with busy-poll off: compare with 150 us */
		if (n > 0 && strtoul(poll_on, NULL, 10) > 0)
			poll_on[n] = 0;
		else
			strcpy(poll_on, "150\n");
		if (rfd >= 0)
			close(rfd);
		poll_fd = open("/sys/module/virtio_accel/parameters/poll_us",
			       O_WRONLY | O_CLOEXEC);
	}
	m[5].ok = poll_fd >= 0;
	m[6].ok = poll_fd >= 0 && !ret;
	if (ret)
		err("ioctl", "%s: %s", opt.node, strerror(ret));
	if (opt.tcp) {
		ret = open_tcp(&p);
		m[2].ok = !ret;
		if (ret)
			err("tcp", "%s: %s", opt.tcp, strerror(ret));
	}
	if (opt.serial) {
		ret = open_serial(&p);
		m[3].ok = !ret;
		if (ret)
			err("serial", "%s: %s", opt.serial, strerror(ret));
	}

	if (strstr(opt.parts, "lat"))
		latency(&p, m, (int)(sizeof(m) / sizeof(m[0])));
	if (strstr(opt.parts, "bw"))
		bandwidth(&p);
	if (strstr(opt.parts, "thr"))
		threads();

	vaccel_session_release(&p.remote);
	if (p.have_local)
		vaccel_session_release(&p.local);
	printf("BV DONE errors=%d\n", errors);
	return errors ? 1 : 0;
}
