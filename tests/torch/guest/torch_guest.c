/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Torch-plugin checks through the plain vAccel API, run twice by tests/torch/e2e.sh: natively on the host
 * (VACCEL_PLUGINS=libvaccel-torch.so) and in a guest (VACCEL_PLUGINS=libvaccel-virtio.so, every op served by
 * the host's torch plugin through the virtio-accel device). The script compares the two outputs.
 *
 *   torch_guest classify MODEL ITERS IMG...  register MODEL (sent by content from a guest), classify each
 *        image once, then ITERS more times after 3 warm-up calls; prints per image
 *        "CLASSIFY <name> <label>|<top-5>|<median us>|<executor>"
 *   torch_guest run MODEL                    model load + run on a fixed [1,3,224,224] input; prints
 *        "RUN <fnv-1a of the output bytes> <argmax> <dims>"
 *   torch_guest bad MODEL IMG                bad input through the API: corrupt/truncated/empty models,
 *        non-image bytes, a huge declared image, a wrong tensor shape and dtype -> errors, and then IMG still
 *        classifies; prints "E2E PASS|FAIL torch.bad.<case>"
 *   torch_guest serve SOCKET MODEL IMG...    (host) the native side of the interleaved benchmark: listens on
 *        the unix SOCKET (a guest's virtio-serial port is connected to it), and for each line "C <i>" classifies
 *        IMG i natively, answering "<microseconds>\n"; "Q" ends it
 *   torch_guest bench MODEL ITERS PORT IMG... (guest) interleaved benchmark: per image, 3 warm-up calls on each
 *        side, then ITERS rounds of one native call (asked of `serve` through the port device PORT) and one
 *        device call, alternating which goes first; prints per image
 *        "BENCH <name> native=<us> device=<us> engine=<us> transport=<us> n=<ITERS>" (medians; engine = the
 *        host's own time of the op on the device path, transport = device - engine per call)
 * Exit status 0 when every call that should succeed did.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <vaccel.h>

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

/* The host plugin that executed this thread's last op (transport extension, looked up with dlsym so the
 * program also runs natively), else the local plugin. */
static const char *executor(void)
{
	static char buf[96];
	void *h = dlopen("libvaccel-virtio.so", RTLD_NOW | RTLD_NOLOAD);
	const char *(*fn)(void) = h ? (const char *(*)(void))dlsym(h, "vaccel_virtio_last_executor") : NULL;
	if (fn && fn() && *fn())
		snprintf(buf, sizeof buf, "host:%s", fn());
	else
		snprintf(buf, sizeof buf, "local:%s", vaccel_last_op_plugin() ? vaccel_last_op_plugin() : "?");
	if (h)
		dlclose(h);
	return buf;
}

/* The host's own time of this thread's last op on the device path (transport extension), or -1 natively. */
static double engine_us(void)
{
	void *h = dlopen("libvaccel-virtio.so", RTLD_NOW | RTLD_NOLOAD);
	uint64_t (*fn)(void) = h ? (uint64_t(*)(void))dlsym(h, "vaccel_virtio_last_exec_ns") : NULL;
	double us = fn ? (double)fn() / 1e3 : -1;
	if (h)
		dlclose(h);
	return us;
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int register_model(struct vaccel_session *s, struct vaccel_resource *r, const char *path)
{
	int ret = vaccel_resource_init(r, path, VACCEL_RESOURCE_MODEL);
	if (!ret)
		ret = vaccel_resource_register(r, s);
	if (ret)
		fprintf(stderr, "model %s: %d\n", path, ret);
	return ret;
}

static void drop_model(struct vaccel_session *s, struct vaccel_resource *r)
{
	if (r->id > 0) {
		vaccel_resource_unregister(r, s);
		vaccel_resource_release(r);
	}
}

static int classify_cmd(const char *model, int iters, char **imgs, int n)
{
	struct vaccel_session s;
	struct vaccel_resource m = { 0 };
	int bad = 0;
	if (vaccel_session_init(&s, 0) || register_model(&s, &m, model))
		return 1;
	double *t = calloc((size_t)iters + 1, sizeof(double));
	for (int i = 0; i < n && t; i++) {
		unsigned char *img;
		size_t len;
		unsigned char text[256] = { 0 }, top[1024] = { 0 };
		if (read_file(imgs[i], &img, &len)) {
			fprintf(stderr, "cannot read %s\n", imgs[i]);
			bad = 1;
			continue;
		}
		int ret = vaccel_image_classification(&s, img, text, top, len, sizeof text, sizeof top);
		const char *who = executor();
		char whobuf[96];
		snprintf(whobuf, sizeof whobuf, "%s", who);
		for (int w = 0; w < 3 && !ret; w++)
			ret = vaccel_image_classification(&s, img, text, top, len, sizeof text, sizeof top);
		for (int k = 0; k < iters && !ret; k++) {
			double t0 = now_us();
			ret = vaccel_image_classification(&s, img, text, top, len, sizeof text, sizeof top);
			t[k] = now_us() - t0;
		}
		double med = 0;
		if (iters > 0) {
			qsort(t, (size_t)iters, sizeof(double), cmp_double);
			med = t[iters / 2];
		}
		const char *name = strrchr(imgs[i], '/') ? strrchr(imgs[i], '/') + 1 : imgs[i];
		if (ret) {
			printf("CLASSIFY %s ERROR %d\n", name, ret);
			bad = 1;
		} else {
			printf("CLASSIFY %s %s|%s|%.0f|%s\n", name, text, top, med, whobuf);
		}
		free(img);
	}
	free(t);
	drop_model(&s, &m);
	vaccel_session_release(&s);
	return bad;
}

/* Deterministic input: a smooth pattern in roughly the range of normalised pixels. */
static void fill_input(float *x, size_t n)
{
	for (size_t i = 0; i < n; i++)
		x[i] = (float)((int)((i * 2654435761u) >> 20) % 401 - 200) / 100.0f;
}

static int run_cmd(const char *model)
{
	struct vaccel_session s;
	struct vaccel_resource m = { 0 };
	if (vaccel_session_init(&s, 0) || register_model(&s, &m, model))
		return 1;
	int ret = vaccel_torch_model_load(&s, &m);
	const int64_t dims[] = { 1, 3, 224, 224 };
	size_t n = 3 * 224 * 224;
	float *x = malloc(n * sizeof(float));
	struct vaccel_torch_tensor *in = NULL, *out = NULL;
	if (!ret)
		ret = vaccel_torch_tensor_new(&in, 4, dims, VACCEL_TORCH_FLOAT);
	if (!ret) {
		fill_input(x, n);
		in->data = x;
		in->size = n * sizeof(float);
		ret = vaccel_torch_model_run(&s, &m, NULL, &in, 1, &out, 1);
	}
	if (!ret && out) {
		uint64_t h = 1469598103934665603ull;
		const unsigned char *p = out->data;
		for (size_t i = 0; i < out->size; i++)
			h = (h ^ p[i]) * 1099511628211ull;
		const float *f = out->data;
		size_t best = 0;
		for (size_t i = 1; i < out->size / sizeof(float); i++)
			if (f[i] > f[best])
				best = i;
		printf("RUN %016llx %zu", (unsigned long long)h, best);
		for (int64_t d = 0; d < out->nr_dims; d++)
			printf("%s%lld", d ? "x" : " ", (long long)out->dims[d]);
		printf(" type=%d\n", out->data_type);
		vaccel_torch_tensor_delete(out);
	} else {
		printf("RUN ERROR %d\n", ret);
	}
	if (in) {
		in->data = NULL;
		vaccel_torch_tensor_delete(in);
	}
	free(x);
	drop_model(&s, &m);
	vaccel_session_release(&s);
	return ret != 0;
}

static int failures;
static void check(const char *name, int ok, int got)
{
	printf("E2E %s torch.bad.%s", ok ? "PASS" : "FAIL", name);
	if (!ok)
		printf(": returned %d", got);
	printf("\n");
	failures += !ok;
}

/* Loads `bytes` as a MODEL resource in a fresh session and returns what model load says. */
static int load_bytes(const unsigned char *bytes, size_t len)
{
	struct vaccel_session s;
	struct vaccel_resource r = { 0 };
	int ret = vaccel_session_init(&s, 0);
	if (ret)
		return ret;
	ret = vaccel_resource_init_from_buf(&r, bytes, len, VACCEL_RESOURCE_MODEL, "model.pt", true);
	if (!ret)
		ret = vaccel_resource_register(&r, &s);
	if (!ret)
		ret = vaccel_torch_model_load(&s, &r);
	drop_model(&s, &r);
	vaccel_session_release(&s);
	return ret;
}

static int bad_cmd(const char *model, const char *image)
{
	unsigned char *mb, *ib;
	size_t ml, il;
	if (read_file(model, &mb, &ml) || read_file(image, &ib, &il))
		return 1;
	unsigned char noise[4096];
	for (size_t i = 0; i < sizeof noise; i++)
		noise[i] = (unsigned char)((i * 2654435761u) >> 13);
	int r;
	r = load_bytes(noise, sizeof noise);
	check("model_random_bytes", r == VACCEL_EINVAL, r);
	r = load_bytes(mb, ml / 2);
	check("model_truncated", r == VACCEL_EINVAL, r);
	r = load_bytes(mb, 0);
	check("model_empty", r != VACCEL_OK, r);

	struct vaccel_session s;
	struct vaccel_resource m = { 0 };
	if (vaccel_session_init(&s, 0) || register_model(&s, &m, model))
		return 1;
	unsigned char text[128], top[512];
	r = vaccel_image_classification(&s, noise, text, top, sizeof noise, sizeof text, sizeof top);
	check("image_not_an_image", r == VACCEL_EINVAL, r);
	unsigned char huge[64] = { 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 'I', 'H', 'D', 'R',
				   0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0, 8, 2, 0, 0, 0 };
	r = vaccel_image_classification(&s, huge, text, top, sizeof huge, sizeof text, sizeof top);
	check("image_huge_declared_size", r == VACCEL_EINVAL, r);
	r = vaccel_image_classification(&s, ib, text, top, 40, sizeof text, sizeof top);
	check("image_truncated_header", r == VACCEL_EINVAL, r);

	const int64_t grey[] = { 1, 1, 224, 224 };
	static float px[224 * 224];
	struct vaccel_torch_tensor *in = NULL, *out = NULL;
	vaccel_torch_tensor_new(&in, 4, grey, VACCEL_TORCH_FLOAT);
	in->data = px;
	in->size = sizeof px;
	r = vaccel_torch_model_run(&s, &m, NULL, &in, 1, &out, 1);
	check("tensor_wrong_shape", r == VACCEL_EINVAL && !out, r);
	in->data = NULL;
	vaccel_torch_tensor_delete(in);
	/* the right shape in int32: a convolution of ints is refused */
	const int64_t rgb[] = { 1, 3, 224, 224 };
	static int32_t ints[3 * 224 * 224];
	vaccel_torch_tensor_new(&in, 4, rgb, VACCEL_TORCH_INT);
	in->data = ints;
	in->size = sizeof ints;
	r = vaccel_torch_model_run(&s, &m, NULL, &in, 1, &out, 1);
	check("tensor_wrong_dtype", r == VACCEL_EINVAL && !out, r);
	in->data = NULL;
	vaccel_torch_tensor_delete(in);

	r = vaccel_image_classification(&s, ib, text, top, il, sizeof text, sizeof top);
	check("still_serving", r == VACCEL_OK, r);
	if (!r)
		printf("    after the bad input: %s\n", text);
	drop_model(&s, &m);
	vaccel_session_release(&s);
	free(mb);
	free(ib);
	return failures != 0;
}

/* One line of at most `cap` - 1 bytes from fd, without its '\n'; -1 at EOF or error. */
static int read_line(int fd, char *buf, size_t cap)
{
	size_t n = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r <= 0)
			return -1;
		if (c == '\n')
			break;
		if (n + 1 < cap)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return (int)n;
}

static int write_all(int fd, const char *s)
{
	size_t len = strlen(s);
	while (len) {
		ssize_t w = write(fd, s, len);
		if (w <= 0)
			return -1;
		s += w;
		len -= (size_t)w;
	}
	return 0;
}

struct image {
	unsigned char *data;
	size_t len;
	const char *name;
};

static int load_images(char **paths, int n, struct image *out)
{
	for (int i = 0; i < n; i++) {
		if (read_file(paths[i], &out[i].data, &out[i].len)) {
			fprintf(stderr, "cannot read %s\n", paths[i]);
			return -1;
		}
		out[i].name = strrchr(paths[i], '/') ? strrchr(paths[i], '/') + 1 : paths[i];
	}
	return 0;
}

static int classify_once(struct vaccel_session *s, const struct image *img)
{
	unsigned char text[256], top[1024];
	return vaccel_image_classification(s, img->data, text, top, img->len, sizeof text, sizeof top);
}

/* Host side of the interleaved benchmark: one connection (QEMU's chardev), one native call per request. */
static int serve_cmd(const char *sock, const char *model, char **imgs, int n)
{
	struct image im[16];
	struct vaccel_session s;
	struct vaccel_resource m = { 0 };
	if (n > 16 || load_images(imgs, n, im) || vaccel_session_init(&s, 0) || register_model(&s, &m, model))
		return 1;
	int ls = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof a.sun_path, "%s", sock);
	unlink(sock);
	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 1)) {
		perror("serve: socket");
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	int fd = accept(ls, NULL, NULL);
	close(ls);
	if (fd < 0)
		return 1;
	char line[64], reply[64];
	int served = 0, ret = 0;
	while (read_line(fd, line, sizeof line) >= 0 && line[0] != 'Q') {
		int i = line[0] == 'C' ? atoi(line + 1) : -1;
		double t0 = now_us();
		ret = i >= 0 && i < n ? classify_once(&s, &im[i]) : VACCEL_EINVAL;
		snprintf(reply, sizeof reply, "%.0f %d\n", ret ? -1.0 : now_us() - t0, ret);
		if (write_all(fd, reply))
			break;
		served++;
	}
	printf("served %d native calls, executor %s\n", served, executor());
	close(fd);
	unlink(sock);
	drop_model(&s, &m);
	vaccel_session_release(&s);
	return 0;
}

/* Asks the host's `serve` for one native call of image i; its time in us, or -1. */
static double native_call(int port, int i)
{
	char q[32], line[64];
	snprintf(q, sizeof q, "C %d\n", i);
	if (write_all(port, q) || read_line(port, line, sizeof line) < 0)
		return -1;
	return atof(line);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(double), cmp_double);
	return n ? (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) : 0;
}

/* Guest side: device and native calls taking turns, so both see the same load on the host. */
static int bench_cmd(const char *model, int iters, const char *port_path, char **imgs, int n)
{
	struct image im[16];
	struct vaccel_session s;
	struct vaccel_resource m = { 0 };
	if (iters < 1 || n > 16 || load_images(imgs, n, im) || vaccel_session_init(&s, 0) ||
	    register_model(&s, &m, model))
		return 1;
	int port = open(port_path, O_RDWR | O_CLOEXEC | O_NOCTTY);
	if (port < 0) {
		perror(port_path);
		return 1;
	}
	double *nat = calloc((size_t)iters, sizeof(double)), *dev = calloc((size_t)iters, sizeof(double));
	double *eng = calloc((size_t)iters, sizeof(double)), *tra = calloc((size_t)iters, sizeof(double));
	int bad = !nat || !dev || !eng || !tra;
	for (int i = 0; i < n && !bad; i++) {
		for (int w = 0; w < 3 && !bad; w++)
			bad = classify_once(&s, &im[i]) != 0 || native_call(port, i) < 0;
		for (int k = 0; k < iters && !bad; k++) {
			if (k % 2 == 0)
				nat[k] = native_call(port, i);
			double t0 = now_us();
			bad = classify_once(&s, &im[i]) != 0;
			dev[k] = now_us() - t0;
			eng[k] = engine_us();
			tra[k] = dev[k] - eng[k];
			if (k % 2 == 1)
				nat[k] = native_call(port, i);
			bad = bad || nat[k] < 0 || eng[k] < 0;
		}
		if (bad) {
			printf("BENCH %s ERROR\n", im[i].name);
			break;
		}
		printf("BENCH %s native=%.0f device=%.0f engine=%.0f transport=%.0f n=%d\n", im[i].name,
		       median(nat, iters), median(dev, iters), median(eng, iters), median(tra, iters), iters);
	}
	write_all(port, "Q\n");
	close(port);
	free(nat);
	free(dev);
	free(eng);
	free(tra);
	drop_model(&s, &m);
	vaccel_session_release(&s);
	return bad;
}

int main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "classify"))
		return classify_cmd(argv[2], atoi(argv[3]), argv + 4, argc - 4);
	if (argc == 3 && !strcmp(argv[1], "run"))
		return run_cmd(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "bad"))
		return bad_cmd(argv[2], argv[3]);
	if (argc >= 5 && !strcmp(argv[1], "serve"))
		return serve_cmd(argv[2], argv[3], argv + 4, argc - 4);
	if (argc >= 6 && !strcmp(argv[1], "bench"))
		return bench_cmd(argv[2], atoi(argv[3]), argv[4], argv + 5, argc - 5);
	fprintf(stderr, "usage: %s classify MODEL ITERS IMG... | run MODEL | bad MODEL IMG | serve SOCKET MODEL IMG... |"
		" bench MODEL ITERS PORT IMG...\n", argv[0]);
	return 2;
}
