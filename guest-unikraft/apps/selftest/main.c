/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vAccel self-test: the same source builds against the Linux runtime
 * (libvaccel + the virtio plugin) and the Unikraft library. It prints one
 * line per check ("VA-TEST <name> ok|FAIL ...") and a verdict line; the
 * harness (tests/unikraft/run.py) reads the console.
 *
 * Arguments: [exec_library [noop_rounds [keyword...]]]. Keywords:
 *   noop-only    stop after the noop loop (the smallest footprint: measures
 *                what vAccel itself needs, without the 6 MiB the error-path
 *                checks allocate)
 *   guest-code=allowed|denied   what exec-with-resource must do: run the
 *                LIB resource (the host allows guest code) or be refused
 *   progress=K   print "VA-PROGRESS <i>" every K noop rounds (the density
 *                benchmark timestamps these lines on the host)
 *   slow=PATH    after the first result, call va_test_sleep (20 s) of the
 *                host library PATH (tests/qemu/slow_op.c) through exec: an
 *                operation in flight when the harness kills or resets the VM
 *   seconds=S    run the noop loop for S seconds instead of noop_rounds
 *                calls (latencies are kept for the first noop_rounds), so
 *                that guests booted at different times still overlap
 *
 * Files: on Unikraft the initrd is a cpio (newc) archive with "image" (the
 * picture to classify) and "libmytestlib.so" (the LIB resource); a plain
 * initrd is the picture alone. On Linux the LIB resource is exec_library.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <vaccel.h>

#if defined(__Unikraft__)
#include <uk/plat/memory.h>
#include <uk/virtio_accel.h>
#include <virtio_accel_proto.h>
#endif

static int failures;

/* One file the harness gave the guest: bytes in memory, or len 0. */
struct file_ref {
	const unsigned char *buf;
	size_t len;
};

static struct file_ref image_file, lib_file;

static void check(const char *name, int ok, const char *fmt, long long v)
{
	printf("VA-TEST %s %s ", name, ok ? "ok" : "FAIL");
	printf(fmt, v);
	printf("\n");
	if (!ok)
		failures++;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static float fabsf_(float x)
{
	return x < 0 ? -x : x;
}

/* C = A*B for n x n matrices, compared with a plain loop in the guest. */
static void test_sgemm(struct vaccel_session *s)
{
	const int n = 48;
	float *a = malloc(n * n * 4), *b = malloc(n * n * 4);
	float *c = calloc(n * n, 4), *ref = calloc(n * n, 4);
	float worst = 0;
	int i, j, k, ret;

	for (i = 0; i < n * n; i++) {
		a[i] = (float)((i * 7) % 13) - 6.0f;
		b[i] = (float)((i * 5) % 11) * 0.5f;
	}
	for (i = 0; i < n; i++)
		for (k = 0; k < n; k++)
			for (j = 0; j < n; j++)
				ref[i * n + j] += a[i * n + k] * b[k * n + j];
	ret = vaccel_sgemm(s, n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
	for (i = 0; i < n * n; i++)
		if (fabsf_(c[i] - ref[i]) > worst)
			worst = fabsf_(c[i] - ref[i]);
	check("sgemm", ret == VACCEL_OK && worst < 1e-3f,
	      "48x48 vs guest reference, max error x1e6 = %lld",
	      (long long)(worst * 1e6f));
	free(a);
	free(b);
	free(c);
	free(ref);
}

static void test_minmax(struct vaccel_session *s)
{
	double in[6] = { 5, -3, 12, 7, 0, 20 }, out[6] = { 0 };
	double mn = 0, mx = 0;
	int ret = vaccel_minmax(s, in, 6, 1, 10, out, &mn, &mx);

	check("minmax", ret == VACCEL_OK && mn == -3 && mx == 20 &&
			      out[1] == 1 && out[2] == 10 && out[0] == 5,
	      "min/max/clamp (ret %lld)", ret);
}

static void test_exec(struct vaccel_session *s, const char *lib)
{
	int in = 21, out = 0, ret;
	struct vaccel_arg r = { .buf = &in, .size = sizeof(in),
				.type = VACCEL_ARG_INT32 };
	struct vaccel_arg w = { .buf = &out, .size = sizeof(out),
				.type = VACCEL_ARG_INT32 };

	if (!lib) {
		printf("VA-TEST exec SKIPPED no library given\n");
		return;
	}
	ret = vaccel_exec(s, lib, "mytestfunc", &r, 1, &w, 1);
	check("exec", ret == VACCEL_OK && out == 42,
	      "mytestfunc(21) on the allow-list = %lld", out);
	ret = vaccel_exec(s, "/nonexistent/libnot-allowed.so", "f", &r, 1, &w,
			  1);
	check("exec-denied", ret == VACCEL_EPERM,
	      "library off the allow-list (ret %lld)", ret);
}

/* Set when the harness gave a real picture: the host then runs a real engine
 * (the torch plugin) in front of the noop plugin. */
static int real_engine;

static unsigned long hex8(const unsigned char *p)
{
	unsigned long v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		int c = p[i];

		v = v << 4 | (unsigned long)(c <= '9' ? c - '0' :
					     (c | 0x20) - 'a' + 10);
	}
	return v;
}

/* The entries of a cpio "newc" archive (the format of Linux initramfs):
 * a 110-byte ASCII header, the name, the data, each padded to 4 bytes. */
static void parse_cpio(const unsigned char *p, size_t len)
{
	size_t off = 0;

	while (off + 110 <= len && !memcmp(p + off, "070701", 6)) {
		unsigned long size = hex8(p + off + 54);
		unsigned long namesize = hex8(p + off + 94);
		const char *name = (const char *)p + off + 110;
		size_t data = (off + 110 + namesize + 3) & ~(size_t)3;

		if (data > len || size > len - data || namesize == 0)
			return;
		if (!strcmp(name, "TRAILER!!!"))
			return;
		if (!strcmp(name, "image"))
			image_file = (struct file_ref){ p + data, size };
		else if (!strcmp(name, "libmytestlib.so"))
			lib_file = (struct file_ref){ p + data, size };
		off = (data + size + 3) & ~(size_t)3;
	}
}

/* What the harness handed over (see the top of this file). */
static void find_files(const char *lib)
{
#if defined(__Unikraft__)
	struct ukplat_memregion_desc *mrd;

	(void)lib;
	if (ukplat_memregion_find_initrd0(&mrd) >= 0 && mrd->len) {
		const unsigned char *p =
			(const unsigned char *)(mrd->vbase + mrd->pg_off);

		if (mrd->len >= 6 && !memcmp(p, "070701", 6))
			parse_cpio(p, mrd->len);
		else
			image_file = (struct file_ref){ p, mrd->len };
	}
#else
	FILE *f = lib ? fopen(lib, "rb") : NULL;
	static unsigned char buf[1 << 20];

	if (f) {
		lib_file.len = fread(buf, 1, sizeof(buf), f);
		lib_file.buf = buf;
		fclose(f);
	}
	(void)parse_cpio;
#endif
}

/* The image: the initrd when the harness gives one (a real picture for a
 * model-backed host plugin; Unikraft keeps it in memory, no file system
 * needed), else 64 synthetic bytes that the noop host plugin answers. */
static void test_classify(struct vaccel_session *s)
{
	unsigned char synthetic[64], text[256] = { 0 }, name[256] = { 0 };
	const void *img = synthetic;
	size_t len = sizeof(synthetic);
	int ret;

	memset(synthetic, 0x5a, sizeof(synthetic));
	if (image_file.len) {
		img = image_file.buf;
		len = image_file.len;
		real_engine = 1;
	}
	printf("VA-INFO classify image bytes: %lu\n", (unsigned long)len);
	ret = vaccel_image_classification(s, img, text, name, len,
					  sizeof(text), sizeof(name));
	printf("VA-INFO classify text: %.80s\n", (char *)text);
	check("classify", ret == VACCEL_OK && text[0] != 0,
	      "host answered (ret %lld)", ret);
}

/* exec-with-resource: the guest ships a shared library as a LIB resource by
 * content and calls a function of it. The host runs it only when its
 * operator allowed guest code; otherwise the device answers DENIED (the
 * runtime serves the op, the device's policy refuses it): VACCEL_EPERM. */
static void test_exec_with_resource(struct vaccel_session *s, int allowed)
{
	int in = 21, out = 0, ret;
	struct vaccel_arg r = { .buf = &in, .size = sizeof(in),
				.type = VACCEL_ARG_INT32 };
	struct vaccel_arg w = { .buf = &out, .size = sizeof(out),
				.type = VACCEL_ARG_INT32 };
	struct vaccel_resource lib;

	if (!lib_file.len) {
		check("exec-with-resource", 0, "no library given (%lld)", 0);
		return;
	}
	ret = vaccel_resource_init_from_buf(&lib, lib_file.buf, lib_file.len,
					    VACCEL_RESOURCE_LIB,
					    "libmytestlib.so", true);
	if (!ret)
		ret = vaccel_resource_register(&lib, s);
	if (!ret)
		ret = vaccel_exec_with_resource(s, &lib, "mytestfunc", &r, 1,
						&w, 1);
	if (allowed)
		check("exec-with-resource", ret == VACCEL_OK && out == 42,
		      "mytestfunc(21) from a LIB resource = %lld", out);
	else
		check("exec-with-resource", ret == VACCEL_EPERM && out == 0,
		      "guest code refused by the host's policy (ret %lld)",
		      ret);
	vaccel_resource_unregister(&lib, s);
	vaccel_resource_release(&lib);
}

/* The FPGA ops the cpu host plugin serves, against guest references. */
static void test_fpga(struct vaccel_session *s)
{
	enum { N = 1000, M = 12 };
	static int ia[N], io[N];
	static float a[M * M], b[M * M], c[M * M], add[M * M], mul[M * M];
	float worst = 0;
	int i, j, k, ret, bad = 0;

	for (i = 0; i < N; i++)
		ia[i] = i * 7919 - 3000000;
	ret = vaccel_fpga_arraycopy(s, ia, io, N);
	check("fpga-arraycopy", ret == VACCEL_OK && !memcmp(ia, io, sizeof(ia)),
	      "1000 ints copied (ret %lld)", ret);

	for (i = 0; i < M * M; i++) {
		a[i] = (float)(i % 9) - 4.0f;
		b[i] = (float)(i % 7) * 0.25f;
	}
	ret = vaccel_fpga_mmult(s, a, b, c, M * M);
	for (i = 0; i < M; i++)
		for (j = 0; j < M; j++) {
			float ref = 0;

			for (k = 0; k < M; k++)
				ref += a[i * M + k] * b[k * M + j];
			if (fabsf_(c[i * M + j] - ref) > worst)
				worst = fabsf_(c[i * M + j] - ref);
		}
	check("fpga-mmult", ret == VACCEL_OK && worst < 1e-3f,
	      "12x12 vs guest reference, max error x1e6 = %lld",
	      (long long)(worst * 1e6f));

	ret = vaccel_fpga_parallel(s, a, b, add, mul, M * M);
	for (i = 0; i < M * M; i++)
		bad += add[i] != a[i] + b[i] || mul[i] != a[i] * b[i];
	check("fpga-parallel", ret == VACCEL_OK && !bad,
	      "a+b and a*b of 144 floats, %lld wrong", bad);
}

static void test_fpga_genop(struct vaccel_session *s)
{
	float a[4] = { 1, 2, 3, 4 }, b[4] = { 10, 20, 30, 40 }, c[4] = { 0 };
	uint8_t op = VACCEL_OP_FPGA_VECTORADD;
	struct vaccel_arg rd[3] = {
		{ .buf = &op, .size = 1, .type = VACCEL_ARG_UINT8 },
		{ .buf = a, .size = sizeof(a), .type = VACCEL_ARG_FLOAT32_ARRAY },
		{ .buf = b, .size = sizeof(b), .type = VACCEL_ARG_FLOAT32_ARRAY },
	};
	struct vaccel_arg wr[1] = {
		{ .buf = c, .size = sizeof(c), .type = VACCEL_ARG_FLOAT32_ARRAY },
	};
	int ret = vaccel_fpga_vadd(s, a, b, c, 4, 4);

	check("fpga-vadd", ret == VACCEL_OK && c[3] == 44, "c[3] = %lld",
	      (long long)c[3]);
	memset(c, 0, sizeof(c));
	ret = vaccel_genop(s, rd, 3, wr, 1);
	check("genop-vadd", ret == VACCEL_OK && c[0] == 11, "c[0] = %lld",
	      (long long)c[0]);
}

/* A DATA resource registered by content, left for the session release to
 * free on the host. */
static void test_resource(struct vaccel_session *s, struct vaccel_resource *res)
{
	static const char data[] = "unikernel resource bytes";
	int ret = vaccel_resource_init_from_buf(res, data, sizeof(data),
						VACCEL_RESOURCE_DATA,
						"input.bin", true);

	if (!ret)
		ret = vaccel_resource_register(res, s);
	check("resource", ret == VACCEL_OK && res->remote_id > 0,
	      "registered by content (ret %lld)", ret);
}

/* Torch model load + run through a tensor list. With the noop host plugin
 * the run echoes its input tensor; a real torch plugin in front of it must
 * refuse these bytes, which are no TorchScript, with VACCEL_EINVAL (and the
 * device keeps serving: "still-serving" below). Runs after test_classify. */
static void test_torch(struct vaccel_session *s)
{
	static const char model_bytes[] = "not a real TorchScript model";
	float data[6] = { 1, 2, 3, 4, 5, 6 };
	int64_t dims[2] = { 2, 3 };
	struct vaccel_resource model;
	struct vaccel_torch_tensor *in = NULL, *out = NULL;
	int ret, echo = 0;

	ret = vaccel_resource_init_from_buf(&model, model_bytes,
					    sizeof(model_bytes),
					    VACCEL_RESOURCE_MODEL, "model.pt",
					    true);
	if (!ret)
		ret = vaccel_resource_register(&model, s);
	if (!ret)
		ret = vaccel_torch_model_load(s, &model);
	if (!ret)
		ret = vaccel_torch_tensor_new(&in, 2, dims, VACCEL_TORCH_FLOAT);
	if (!ret)
		ret = vaccel_torch_tensor_set_data(in, data, sizeof(data));
	if (!ret)
		ret = vaccel_torch_model_run(s, &model, NULL, &in, 1, &out, 1);
	if (!ret && out)
		echo = out->nr_dims == 2 && out->dims[1] == 3 &&
		       out->size == sizeof(data) &&
		       !memcmp(out->data, data, sizeof(data));
	if (real_engine)
		check("torch-run", ret == VACCEL_EINVAL && out == NULL,
		      "a real engine refuses a model that is not TorchScript "
		      "(ret %lld)", ret);
	else
		check("torch-run", ret == VACCEL_OK && out != NULL,
		      "model load + run, output echoed by noop: %lld", echo);
	if (out)
		vaccel_torch_tensor_delete(out);
	if (in)
		vaccel_torch_tensor_delete(in);
	vaccel_resource_unregister(&model, s);
	ret = vaccel_resource_release(&model);
	check("resource-release", ret == VACCEL_OK, "ret %lld", ret);
}

static void test_errors(struct vaccel_session *s)
{
	struct vaccel_session stale = *s;
	float *big;
	int ret;

	/* a session id the host does not know */
	stale.remote_id = s->remote_id + (1ll << 40);
	ret = vaccel_noop(&stale);
	check("bad-session", ret == VACCEL_ESESS, "ret %lld", ret);

	/* a request larger than the device accepts (A alone is 4 MiB; the
	 * harness sets max-request-bytes to 2 MiB): refused in the guest */
	big = calloc(1, 4 << 20);
	ret = big ? vaccel_sgemm(s, 1024, 1, 1024, 1.0f, big, 1024, big, 1,
				 0.0f, big, 1)
		  : VACCEL_ENOMEM;
	check("too-large", ret == VACCEL_ENOSPC, "ret %lld", ret);
	free(big);

#if defined(__Unikraft__)
	{
		/* Wire level: an op code the device does not know, and a
		 * chain whose payload is above max_request_bytes (bypassing
		 * the library's own check); the device answers both and
		 * keeps serving. */
		const struct virtio_accel_config *cfg = uk_vaccel_config();
		uint8_t block[128], resp[56];
		struct uk_vaccel_seg rd[2], wr[1] = { { resp, sizeof(resp) } };
		struct va_run r;
		struct va_arg_ref in[1];
		uint32_t used = 0, st = 99, det;
		uint64_t wlen;
		size_t n, bytes = cfg->max_request_bytes + 1;
		void *payload = malloc(bytes);

		va_run_init(&r, in, 1, NULL, 0);
		r.op = 200;
		n = va_frame_run(block, sizeof(block), 77, s->remote_id, &r,
				 &wlen);
		rd[0].buf = block;
		rd[0].len = n;
		uk_vaccel_submit(rd, 1, wr, 1, &used);
		va_parse_resp(resp, used, 77, 32, &st, &det);
		check("unknown-op", st == VIRTIO_ACCEL_S_UNSUPPORTED,
		      "device status %lld", st);

		st = 99;
		va_run_add_in(&r, payload, bytes, 0, 0);
		r.op = VIRTIO_ACCEL_OP_NOOP;
		n = va_frame_run(block, sizeof(block), 78, s->remote_id, &r,
				 &wlen);
		rd[1].buf = payload;
		rd[1].len = bytes;
		if (payload && n && !uk_vaccel_submit(rd, 2, wr, 1, &used))
			va_parse_resp(resp, used, 78, 32, &st, &det);
		check("oversized-chain", st == VIRTIO_ACCEL_S_MALFORMED,
		      "device status %lld", st);
		free(payload);
	}
#else
	{
		/* the same op through genop on Linux: not a vAccel op */
		uint8_t op = 200;
		struct vaccel_arg rd = { .buf = &op, .size = 1 };

		ret = vaccel_genop(s, &rd, 1, NULL, 0);
		check("unknown-op", ret != VACCEL_OK, "ret %lld", ret);
	}
#endif
	ret = vaccel_noop(s);
	check("still-serving", ret == VACCEL_OK, "ret %lld", ret);
}

int main(int argc, char **argv)
{
	const char *lib = argc > 1 ? argv[1] : NULL;
	int rounds = argc > 2 ? atoi(argv[2]) : 200;
	int noop_only = 0, guest_code = 0, progress = 0, seconds = 0, done;
	const char *slow = NULL;
	struct vaccel_session s;
	struct vaccel_resource res;
	uint64_t t0, t1, *samples;
	int i, ret;

	for (i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "noop-only"))
			noop_only = 1;
		else if (!strcmp(argv[i], "guest-code=allowed"))
			guest_code = 1;
		else if (!strncmp(argv[i], "progress=", 9))
			progress = atoi(argv[i] + 9);
		else if (!strncmp(argv[i], "seconds=", 8))
			seconds = atoi(argv[i] + 8);
		else if (!strncmp(argv[i], "slow=", 5))
			slow = argv[i] + 5;
	}
	printf("VA-BEGIN\n");
	find_files(lib);
	ret = vaccel_session_init(&s, 0);
	check("session", ret == VACCEL_OK, "ret %lld", ret);
	if (ret)
		goto out;
	ret = vaccel_noop(&s);
	check("noop", ret == VACCEL_OK, "first result (ret %lld)", ret);
	printf("VA-FIRST-RESULT\n");
	if (slow) {
		uint32_t ms = 20000, back = 0;
		struct vaccel_arg r = { .buf = &ms, .size = sizeof(ms),
					.type = VACCEL_ARG_UINT32 };
		struct vaccel_arg w = { .buf = &back, .size = sizeof(back),
					.type = VACCEL_ARG_UINT32 };

		printf("VA-SLOW-START\n");
		ret = vaccel_exec(&s, slow, "va_test_sleep", &r, 1, &w, 1);
		printf("VA-SLOW-END ret %d slept %u ms\n", ret, back);
	}

	samples = calloc(rounds > 0 ? rounds : 1, sizeof(*samples));
	t0 = now_ns();
	for (i = 0; samples && !ret &&
		    (seconds > 0 ? now_ns() - t0 < seconds * 1000000000ull :
				   i < rounds);
	     i++) {
		uint64_t a = now_ns();

		ret = vaccel_noop(&s);
		if (i < rounds)
			samples[i] = now_ns() - a;
		if (progress > 0 && (i + 1) % progress == 0)
			printf("VA-PROGRESS %d\n", i + 1);
	}
	done = i;
	t1 = now_ns();
	check("noop-loop", samples && ret == VACCEL_OK && done > 0,
	      "%lld rounds", done);
	if (samples && done > 0) {
		int kept = done < rounds ? done : rounds;

		qsort(samples, kept, sizeof(*samples), cmp_u64);
		printf("VA-METRIC noop_calls %d\n", done);
		printf("VA-METRIC noop_rtt_ns %llu\n",
		       (unsigned long long)((t1 - t0) / done));
		printf("VA-METRIC noop_median_ns %llu\n",
		       (unsigned long long)samples[kept / 2]);
		printf("VA-METRIC noop_min_ns %llu\n",
		       (unsigned long long)samples[0]);
	}
	free(samples);

	if (noop_only)
		goto release;
	test_sgemm(&s);
	test_minmax(&s);
	test_exec(&s, lib);
	test_exec_with_resource(&s, guest_code);
	test_classify(&s);
	test_fpga_genop(&s);
	test_fpga(&s);
	test_torch(&s);
	test_resource(&s, &res);
	test_errors(&s);

release:
	ret = vaccel_session_release(&s);
	check("release", ret == VACCEL_OK, "ret %lld", ret);
out:
	printf("VA-VERDICT %s (%d failures)\n", failures ? "FAIL" : "PASS",
	       failures);
	return failures ? 1 : 0;
}
