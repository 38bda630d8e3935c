/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The demo's guest program. Plain vAccel: nothing here knows about virtio.
 * Run in the VM with VACCEL_PLUGINS=libvaccel-virtio.so the ops go through
 * the virtio-accel device to the host; run anywhere else with a local plugin
 * they run there. The only extra is optional: if the transport plugin is
 * loaded, its vaccel_virtio_last_executor() extension (looked up with dlsym,
 * so this program builds and runs without it) names the HOST plugin that
 * executed each op.
 *
 * Usage: vaccel_demo <exec library, e.g. libmytestlib.so> [N for sgemm NxN]
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <vaccel.h>

/* Who executed the calling thread's last op: the host plugin when the
 * transport extension exists, else the local plugin. */
static const char *executor(char *buf, size_t len)
{
	void *h = dlopen("libvaccel-virtio.so", RTLD_NOW | RTLD_NOLOAD);
	const char *(*fn)(void) =
		h ? (const char *(*)(void))dlsym(h, "vaccel_virtio_last_executor")
		  : NULL;
	if (fn && *fn())
		snprintf(buf, len, "host plugin '%s' (via virtio-accel)", fn());
	else
		snprintf(buf, len, "local plugin '%s'", vaccel_last_op_plugin());
	if (h)
		dlclose(h);
	return buf;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int demo_sgemm(struct vaccel_session *s, int n)
{
	float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n),
	      *c = calloc((size_t)n * n, sizeof(float));
	if (!a || !b || !c)
		return 1;
	for (int i = 0; i < n * n; ++i) {
		a[i] = (float)((i * 7) % 11) / 11.0f;
		b[i] = (float)((i * 3) % 13) / 13.0f;
	}
	double t0 = now_s();
	int ret = vaccel_sgemm(s, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
	double dt = now_s() - t0;
	char who[96];
	executor(who, sizeof who);
	if (ret) {
		printf("sgemm %dx%d: FAILED %d (%s)\n", n, n, ret, vaccel_last_error());
	} else {
		/* check a few rows against a naive product */
		double err = 0;
		for (int i = 0; i < n; i += n / 8 + 1)
			for (int j = 0; j < n; ++j) {
				double ref = 0;
				for (int p = 0; p < n; ++p)
					ref += (double)a[i * n + p] * b[p * n + j];
				err = fmax(err, fabs(ref - c[i * n + j]) / (fabs(ref) + 1));
			}
		printf("sgemm %dx%dx%d: C[0]=%.4f C[last]=%.4f, max rel. error %.2g, "
		       "%.1f ms (%.2f GFLOP/s), executed by %s\n",
		       n, n, n, c[0], c[n * n - 1], err, dt * 1e3,
		       2.0 * n * n * n / dt / 1e9, who);
		if (err > 1e-4)
			ret = 1;
	}
	free(a);
	free(b);
	free(c);
	return ret;
}

static int demo_exec(struct vaccel_session *s, const char *lib)
{
	int in = 21, out = 0;
	struct vaccel_arg read[1] = {{.buf = &in, .size = sizeof in}};
	struct vaccel_arg write[1] = {{.buf = &out, .size = sizeof out}};
	int ret = vaccel_exec(s, lib, "mytestfunc", read, 1, write, 1);
	char who[96];
	executor(who, sizeof who);
	if (ret)
		printf("exec %s:mytestfunc(%d): FAILED %d (%s)\n", lib, in, ret,
		       vaccel_last_error());
	else
		printf("exec %s:mytestfunc(%d) = %d, executed by %s\n", lib, in,
		       out, who);
	return ret || out != 2 * in;
}

static int demo_minmax(struct vaccel_session *s)
{
	double in[8] = {4.5, -12, 7, 30, 0.25, -3, 18, 9}, out[8], mn, mx;
	int ret = vaccel_minmax(s, in, 8, 0, 10, out, &mn, &mx);
	char who[96];
	executor(who, sizeof who);
	if (ret)
		printf("minmax: FAILED %d (%s)\n", ret, vaccel_last_error());
	else
		printf("minmax: min %g max %g, clamped to [0,10]: %g %g %g %g ..., executed by %s\n",
		       mn, mx, out[0], out[1], out[2], out[3], who);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s <exec library> [N]\n", argv[0]);
		return 2;
	}
	int n = argc > 2 ? atoi(argv[2]) : 256;
	struct vaccel_session s;
	int ret = vaccel_session_init(&s, 0);
	if (ret) {
		fprintf(stderr, "vaccel_session_init: %d (%s)\n", ret, vaccel_last_error());
		return 1;
	}
	printf("vAccel session %lld (%s)\n", (long long)s.id,
	       s.is_virtio ? "served through the virtio-accel device" : "local");
	int bad = demo_sgemm(&s, n);
	bad |= demo_exec(&s, argv[1]);
	bad |= demo_minmax(&s);
	vaccel_session_release(&s);
	printf("demo: %s\n", bad ? "FAILED" : "all operations succeeded");
	return bad;
}
