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
 * The same binary also runs natively on the host (local plugins), so that
 * scripts/demo.sh can print every op's guest time next to the host's.
 * Besides the human-readable lines it prints one machine-readable line per op:
 *   ROW|<op>|<result>|<ms>|<executor>
 * Timed ops are warmed up first (the first call pays for page faults, thread
 * pools, model loading) and report the median of 5 calls.
 *
 * Usage: vaccel_demo <exec library, e.g. libmytestlib.so> [N for sgemm NxN]
 *                    [MODEL IMAGE...]   (image classification with MODEL)
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

enum { WARMUP = 1, REPS = 5 };

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *t, int n)
{
	qsort(t, (size_t)n, sizeof(double), cmp_double);
	return t[n / 2];
}

/* Short executor name for the ROW lines: "torch" (host) or "torch (local)". */
static const char *who_short(const char *who, char *buf, size_t len)
{
	const char *q = strchr(who, '\'');
	const char *e = q ? strchr(q + 1, '\'') : NULL;
	if (q && e)
		snprintf(buf, len, "%.*s%s", (int)(e - q - 1), q + 1,
			 strstr(who, "host plugin") ? "" : " (local)");
	else
		snprintf(buf, len, "%s", who);
	return buf;
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
	int ret = 0;
	double t[REPS];
	for (int i = 0; i < WARMUP + REPS && !ret; i++) {
		double t0 = now_s();
		ret = vaccel_sgemm(s, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
		if (i >= WARMUP)
			t[i - WARMUP] = now_s() - t0;
	}
	double dt = ret ? 0 : median(t, REPS);
	char who[96], ws[64];
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
		       "%.2f ms (%.2f GFLOP/s, median of %d after %d warm-up), executed by %s\n",
		       n, n, n, c[0], c[n * n - 1], err, dt * 1e3,
		       2.0 * n * n * n / dt / 1e9, REPS, WARMUP, who);
		printf("ROW|sgemm %dx%dx%d|%.2f GFLOP/s, max rel. err %.1g|%.3f|%s\n", n, n, n,
		       2.0 * n * n * n / dt / 1e9, err, dt * 1e3, who_short(who, ws, sizeof ws));
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
	char ws[64];
	if (!ret)
		printf("ROW|exec mytestfunc(%d)|%d|-|%s\n", in, out, who_short(who, ws, sizeof ws));
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
	char ws[64];
	if (!ret)
		printf("ROW|minmax (8 values)|min %g max %g|-|%s\n", mn, mx, who_short(who, ws, sizeof ws));
	return ret;
}

static int read_file(const char *path, unsigned char **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*data = malloc(n > 0 ? (size_t)n : 1);
	*size = *data && n >= 0 ? fread(*data, 1, (size_t)n, f) : 0;
	fclose(f);
	return *data && (long)*size == n ? 0 : -1;
}

/* Image classification of each image with `model` registered with the
 * session (a guest sends it by content), as upstream's classify example does:
 * out_text is the label; the torch plugin puts the top-5 with probabilities
 * into out_imgname. */
static int demo_classify(struct vaccel_session *s, const char *model, char **imgs, int n)
{
	struct vaccel_resource m;
	int ret = vaccel_resource_init(&m, model, VACCEL_RESOURCE_MODEL);
	if (!ret)
		ret = vaccel_resource_register(&m, s);
	if (ret) {
		printf("classify: model %s: FAILED %d (%s)\n", model, ret, vaccel_last_error());
		return 1;
	}
	int bad = 0;
	for (int i = 0; i < n; i++) {
		unsigned char *img, text[256] = { 0 }, top[1024] = { 0 };
		size_t len;
		const char *name = strrchr(imgs[i], '/') ? strrchr(imgs[i], '/') + 1 : imgs[i];
		if (read_file(imgs[i], &img, &len)) {
			printf("classify %s: cannot read it\n", imgs[i]);
			bad = 1;
			continue;
		}
		double t[REPS];
		ret = 0;
		for (int k = 0; k < WARMUP + REPS && !ret; k++) {
			double t0 = now_s();
			ret = vaccel_image_classification(s, img, text, top, len, sizeof text, sizeof top);
			if (k >= WARMUP)
				t[k - WARMUP] = now_s() - t0;
		}
		char who[96], ws[64];
		executor(who, sizeof who);
		free(img);
		if (ret) {
			printf("classify %s: FAILED %d (%s)\n", name, ret, vaccel_last_error());
			bad = 1;
			continue;
		}
		/* top = "label:p;label:p;..." -> probability of the first entry */
		char *colon = strchr((char *)top, ';');
		if (colon)
			*colon = '\0';
		colon = strrchr((char *)top, ':');
		double p = colon ? atof(colon + 1) : 0;
		double ms = median(t, REPS) * 1e3;
		printf("classify %s: \"%s\" (p=%.4f), %.1f ms (median of %d after %d warm-up), executed by %s\n",
		       name, text, p, ms, REPS, WARMUP, who);
		printf("ROW|classify %s|%s (p=%.4f)|%.3f|%s\n", name, text, p, ms, who_short(who, ws, sizeof ws));
	}
	vaccel_resource_unregister(&m, s);
	vaccel_resource_release(&m);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s <exec library> [N] [MODEL IMAGE...]\n", argv[0]);
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
	int bad = 0;
	if (argc > 4)
		bad |= demo_classify(&s, argv[3], argv + 4, argc - 4);
	bad |= demo_sgemm(&s, n);
	bad |= demo_exec(&s, argv[1]);
	bad |= demo_minmax(&s);
	vaccel_session_release(&s);
	printf("demo: %s\n", bad ? "FAILED" : "all operations succeeded");
	return bad;
}
