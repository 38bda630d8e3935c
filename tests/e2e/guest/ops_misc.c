/* SPDX-License-Identifier: Apache-2.0 */
/* NOOP and the extension, host session mirroring, image ops and OPENCV
 * (served by the host's noop plugin), model load/unload, the genop forms,
 * the reserved model-run ops, and error mapping. */
#include <string.h>

#include "e2e.h"
#include "ops.h"

static void noop_and_extension(void)
{
	struct vaccel_session rs, ls;
	struct e2e_stats before, during, after;
	int have_stats = !e2e_device_stats(&before);
	e2e_remote(&rs, 0);
	e2e_local(&ls, 0);
	e2e_check(rs.is_virtio && rs.remote_id > 0, "session.remote_id",
		  "is_virtio %d remote_id %lld", (int)rs.is_virtio,
		  (long long)rs.remote_id);
	int rr = vaccel_noop(&rs);
	const char *who = e2e_executor();
	e2e_check(!rr && !vaccel_noop(&ls) && !strcmp(who, "noop") &&
			  e2e_rtt_ns() > 0,
		  "noop", "remote %d executor '%s' rtt %llu", rr, who,
		  (unsigned long long)e2e_rtt_ns());
	e2e_check(!strcmp(vaccel_last_op_plugin(), "noop") ||
			  !strcmp(vaccel_last_op_plugin(), "cpu"),
		  "noop.local_plugin", "local noop ran on '%s'",
		  vaccel_last_op_plugin());
	if (have_stats && !e2e_device_stats(&during)) {
		vaccel_session_release(&rs);
		e2e_device_stats(&after);
		e2e_check(during.sessions == before.sessions + 1 &&
				  after.sessions == before.sessions,
			  "session.host_mirror",
			  "host sessions %llu -> %llu -> %llu",
			  (unsigned long long)before.sessions,
			  (unsigned long long)during.sessions,
			  (unsigned long long)after.sessions);
	} else {
		e2e_fail("session.host_mirror", "STATS ioctl failed");
		vaccel_session_release(&rs);
	}
	vaccel_session_release(&ls);
}

static void images(void)
{
	struct vaccel_session rs, ls;
	e2e_remote(&rs, VACCEL_PLUGIN_DEBUG);
	e2e_local(&ls, VACCEL_PLUGIN_DEBUG);
	unsigned char img[3000];
	for (size_t i = 0; i < sizeof img; ++i)
		img[i] = (unsigned char)(i * 31);
	unsigned char tr[64] = {0}, nr[64] = {0}, tl[64] = {0}, nl[64] = {0};
	int rr = vaccel_image_classification(&rs, img, tr, nr, sizeof img,
					     sizeof tr, sizeof nr);
	const char *who = e2e_executor();
	int rl = vaccel_image_classification(&ls, img, tl, nl, sizeof img,
					     sizeof tl, sizeof nl);
	e2e_check(!rr && !rl && !strcmp((char *)tr, (char *)tl) &&
			  !strcmp((char *)nr, (char *)nl) && tr[0] &&
			  !strcmp(who, "noop"),
		  "image.classify", "remote %d '%s' by '%s', local %d '%s'",
		  rr, tr, who, rl, tl);
	typedef int (*img_fn)(struct vaccel_session *, const void *,
			      unsigned char *, size_t, size_t);
	static const struct {
		const char *name;
		img_fn fn;
	} ops[] = {
		{"image.detect", vaccel_image_detection},
		{"image.segment", vaccel_image_segmentation},
		{"image.pose", vaccel_image_pose},
		{"image.depth", vaccel_image_depth},
	};
	for (size_t i = 0; i < sizeof ops / sizeof ops[0]; ++i) {
		memset(nr, 0, sizeof nr);
		memset(nl, 0, sizeof nl);
		rr = ops[i].fn(&rs, img, nr, sizeof img, sizeof nr);
		rl = ops[i].fn(&ls, img, nl, sizeof img, sizeof nl);
		e2e_check(!rr && !rl && nr[0] &&
				  !strcmp((char *)nr, (char *)nl),
			  ops[i].name, "remote %d '%s' local %d '%s'", rr, nr,
			  rl, nl);
	}
	int x = 5, y = 0;
	struct vaccel_arg rd[1] = {{&x, sizeof x, VACCEL_ARG_INT32, 0, false}};
	struct vaccel_arg wr[1] = {{&y, sizeof y, VACCEL_ARG_INT32, 0, false}};
	rr = vaccel_opencv(&rs, rd, 1, wr, 1);
	rl = vaccel_opencv(&ls, rd, 1, wr, 1);
	e2e_check(rr == rl && !rr, "opencv", "remote %d local %d", rr, rl);
	vaccel_session_release(&rs);
	vaccel_session_release(&ls);
}

/* Same shape, same bytes: what a remote and a local tensor run returned. */
static int same_tensor(int nr_dims_a, const int64_t *dims_a, size_t size_a,
		       const void *data_a, int nr_dims_b, const int64_t *dims_b,
		       size_t size_b, const void *data_b)
{
	if (nr_dims_a != nr_dims_b || size_a != size_b)
		return 0;
	for (int i = 0; i < nr_dims_a; i++)
		if (dims_a[i] != dims_b[i])
			return 0;
	return size_a == 0 || memcmp(data_a, data_b, size_a) == 0;
}

/* Tensor lists (spec 8.3.1): model RUN of each framework through the device
 * and natively, both served by the noop plugin, which echoes its inputs. */
static void tensor_runs(struct vaccel_session *rs, struct vaccel_session *ls,
			struct vaccel_resource *m)
{
	float x[6] = {0.5f, -1, 2, 3.25f, 4, 5};
	int64_t dims64[2] = {2, 3};
	int32_t dims32[2] = {2, 3};

	struct vaccel_tf_node in_node, out_node;
	vaccel_tf_node_init(&in_node, "serving_default_x", 0);
	vaccel_tf_node_init(&out_node, "StatefulPartitionedCall", 0);
	struct vaccel_tf_tensor *tin = NULL, *tr = NULL, *tl = NULL;
	vaccel_tf_tensor_new(&tin, 2, dims64, VACCEL_TF_FLOAT);
	vaccel_tf_tensor_set_data(tin, x, sizeof x);
	struct vaccel_tf_status st = {0};
	int r = vaccel_tf_model_run(rs, m, NULL, &in_node, &tin, 1, &out_node,
				    &tr, 1, &st);
	vaccel_tf_status_release(&st);
	int l = vaccel_tf_model_run(ls, m, NULL, &in_node, &tin, 1, &out_node,
				    &tl, 1, &st);
	vaccel_tf_status_release(&st);
	e2e_check(!r && !l && tr && tl &&
			  same_tensor(tr->nr_dims, tr->dims, tr->size, tr->data,
				      tl->nr_dims, tl->dims, tl->size, tl->data),
		  "model.tf_run", "remote %d local %d", r, l);
	vaccel_tf_tensor_delete(tr);
	vaccel_tf_tensor_delete(tl);
	vaccel_tf_tensor_delete(tin);
	vaccel_tf_node_release(&in_node);
	vaccel_tf_node_release(&out_node);

	struct vaccel_tflite_tensor *fin = NULL, *fr = NULL, *fl = NULL;
	vaccel_tflite_tensor_new(&fin, 2, dims32, VACCEL_TFLITE_FLOAT32);
	vaccel_tflite_tensor_set_data(fin, x, sizeof x);
	uint8_t fst = 0;
	r = vaccel_tflite_model_run(rs, m, &fin, 1, &fr, 1, &fst);
	l = vaccel_tflite_model_run(ls, m, &fin, 1, &fl, 1, &fst);
	int same = !r && !l && fr && fl && fr->nr_dims == fl->nr_dims &&
		   fr->size == fl->size && fr->dims[1] == fl->dims[1] &&
		   memcmp(fr->data, fl->data, fr->size) == 0;
	e2e_check(same, "model.tflite_run", "remote %d local %d", r, l);
	vaccel_tflite_tensor_delete(fr);
	vaccel_tflite_tensor_delete(fl);
	vaccel_tflite_tensor_delete(fin);

	struct vaccel_torch_tensor *pin = NULL, *pr = NULL, *pl = NULL;
	vaccel_torch_tensor_new(&pin, 2, dims64, VACCEL_TORCH_FLOAT);
	vaccel_torch_tensor_set_data(pin, x, sizeof x);
	r = vaccel_torch_model_run(rs, m, NULL, &pin, 1, &pr, 1);
	l = vaccel_torch_model_run(ls, m, NULL, &pin, 1, &pl, 1);
	e2e_check(!r && !l && pr && pl &&
			  same_tensor((int)pr->nr_dims, pr->dims, pr->size,
				      pr->data, (int)pl->nr_dims, pl->dims,
				      pl->size, pl->data),
		  "model.torch_run", "remote %d local %d", r, l);
	vaccel_torch_tensor_delete(pr);
	vaccel_torch_tensor_delete(pl);

	/* The noop plugin computes nothing for torch sgemm: both succeed. */
	struct vaccel_torch_tensor *sr = NULL, *sl = NULL;
	r = vaccel_torch_sgemm(rs, &pin, &pin, &pin, 2, 3, 0, &sr);
	l = vaccel_torch_sgemm(ls, &pin, &pin, &pin, 2, 3, 0, &sl);
	e2e_check(!r && !l, "model.torch_sgemm", "remote %d local %d", r, l);
	vaccel_torch_tensor_delete(sr);
	vaccel_torch_tensor_delete(sl);
	vaccel_torch_tensor_delete(pin);
}

static void models(void)
{
	struct vaccel_session rs, ls;
	e2e_remote(&rs, VACCEL_PLUGIN_DEBUG);
	e2e_local(&ls, VACCEL_PLUGIN_DEBUG);
	static const char bytes[] = "not really a model, but bytes all the same";
	struct vaccel_resource m;
	if (vaccel_resource_init_from_buf(&m, bytes, sizeof bytes,
					  VACCEL_RESOURCE_MODEL, "model.bin",
					  true)) {
		e2e_fail("model", "resource init");
		return;
	}
	int reg = vaccel_resource_register(&m, &rs) |
		  vaccel_resource_register(&m, &ls);
	if (reg) {
		e2e_fail("model", "register %d", reg);
		goto out;
	}
	struct vaccel_tf_status st = {0};
	int r1 = vaccel_tf_model_load(&rs, &m, &st);
	vaccel_tf_status_release(&st);
	int r2 = vaccel_tf_model_unload(&rs, &m, &st);
	vaccel_tf_status_release(&st);
	int l1 = vaccel_tf_model_load(&ls, &m, &st);
	vaccel_tf_status_release(&st);
	int l2 = vaccel_tf_model_unload(&ls, &m, &st);
	vaccel_tf_status_release(&st);
	e2e_check(!r1 && !r2 && !l1 && !l2, "model.tf_load_unload",
		  "remote %d/%d local %d/%d", r1, r2, l1, l2);
	r1 = vaccel_tflite_model_load(&rs, &m);
	r2 = vaccel_tflite_model_unload(&rs, &m);
	l1 = vaccel_tflite_model_load(&ls, &m);
	l2 = vaccel_tflite_model_unload(&ls, &m);
	e2e_check(!r1 && !r2 && !l1 && !l2, "model.tflite_load_unload",
		  "remote %d/%d local %d/%d", r1, r2, l1, l2);
	r1 = vaccel_torch_model_load(&rs, &m);
	l1 = vaccel_torch_model_load(&ls, &m);
	e2e_check(!r1 && !l1, "model.torch_load", "remote %d local %d", r1,
		  l1);
	tensor_runs(&rs, &ls, &m);
	vaccel_resource_unregister(&m, &rs);
	vaccel_resource_unregister(&m, &ls);
out:
	vaccel_resource_release(&m);
	vaccel_session_release(&rs);
	vaccel_session_release(&ls);
}

/* genop: the same ops packed as generic argument lists. */
static int genop_sgemm(struct vaccel_session *s, float *c)
{
	uint8_t op = VACCEL_OP_BLAS_SGEMM;
	int64_t m = 4, n = 5, k = 3, lda = 3, ldb = 5, ldc = 5;
	float alpha = 1.5f, beta = 0.0f, a[12], b[15];
	for (int i = 0; i < 12; ++i)
		a[i] = (float)i / 7.0f;
	for (int i = 0; i < 15; ++i)
		b[i] = (float)(15 - i) / 3.0f;
	/* upstream 0.8's layout: m n k alpha a lda b ldb beta ldc */
	struct vaccel_arg rd[] = {
		{&op, 1, VACCEL_ARG_UINT8, 0, false},
		{&m, 8, VACCEL_ARG_INT64, 0, false},
		{&n, 8, VACCEL_ARG_INT64, 0, false},
		{&k, 8, VACCEL_ARG_INT64, 0, false},
		{&alpha, 4, VACCEL_ARG_FLOAT32, 0, false},
		{a, sizeof a, VACCEL_ARG_FLOAT32_ARRAY, 0, false},
		{&lda, 8, VACCEL_ARG_INT64, 0, false},
		{b, sizeof b, VACCEL_ARG_FLOAT32_ARRAY, 0, false},
		{&ldb, 8, VACCEL_ARG_INT64, 0, false},
		{&beta, 4, VACCEL_ARG_FLOAT32, 0, false},
		{&ldc, 8, VACCEL_ARG_INT64, 0, false},
	};
	struct vaccel_arg wr[] = {{c, 20 * 4, VACCEL_ARG_FLOAT32_ARRAY, 0, false}};
	return vaccel_genop(s, rd, 11, wr, 1);
}

static int genop_minmax(struct vaccel_session *s, double *out, double *mn,
			double *mx)
{
	uint8_t op = VACCEL_OP_MINMAX;
	double in[6] = {3, -7, 12, 5, 0, 9};
	int32_t nd = 6, lo = 0, hi = 10;
	struct vaccel_arg rd[] = {
		{&op, 1, VACCEL_ARG_UINT8, 0, false},
		{in, sizeof in, VACCEL_ARG_FLOAT64_ARRAY, 0, false},
		{&nd, 4, VACCEL_ARG_INT32, 0, false},
		{&lo, 4, VACCEL_ARG_INT32, 0, false},
		{&hi, 4, VACCEL_ARG_INT32, 0, false},
	};
	struct vaccel_arg wr[] = {
		{out, 6 * 8, VACCEL_ARG_FLOAT64_ARRAY, 0, false},
		{mn, 8, VACCEL_ARG_FLOAT64, 0, false},
		{mx, 8, VACCEL_ARG_FLOAT64, 0, false},
	};
	return vaccel_genop(s, rd, 5, wr, 3);
}

static int genop_vadd(struct vaccel_session *s, float *c)
{
	int32_t op = VACCEL_OP_FPGA_VECTORADD; /* 4-byte op form */
	float a[8], b[8];
	for (int i = 0; i < 8; ++i) {
		a[i] = (float)i * 0.5f;
		b[i] = (float)(i * i);
	}
	struct vaccel_arg rd[] = {
		{&op, 4, VACCEL_ARG_INT32, 0, false},
		{a, sizeof a, VACCEL_ARG_FLOAT32_ARRAY, 0, false},
		{b, sizeof b, VACCEL_ARG_FLOAT32_ARRAY, 0, false},
	};
	struct vaccel_arg wr[] = {{c, 8 * 4, VACCEL_ARG_FLOAT32_ARRAY, 0, false}};
	return vaccel_genop(s, rd, 3, wr, 1);
}

static int genop_exec(struct vaccel_session *s, const char *lib, int *out)
{
	uint8_t op = VACCEL_OP_EXEC;
	int in = 33;
	struct vaccel_arg rd[] = {
		{&op, 1, VACCEL_ARG_UINT8, 0, false},
		{(void *)lib, strlen(lib) + 1, VACCEL_ARG_STRING, 0, false},
		{"mytestfunc", sizeof "mytestfunc", VACCEL_ARG_STRING, 0, false},
		{&in, sizeof in, VACCEL_ARG_INT32, 0, false},
	};
	struct vaccel_arg wr[] = {{out, sizeof *out, VACCEL_ARG_INT32, 0, false}};
	return vaccel_genop(s, rd, 4, wr, 1);
}

static void genops(const struct ops_config *c)
{
	struct vaccel_session rs, ls;
	e2e_remote(&rs, VACCEL_PLUGIN_CPU | VACCEL_PLUGIN_GENERIC);
	e2e_local(&ls, VACCEL_PLUGIN_CPU | VACCEL_PLUGIN_GENERIC);
	uint8_t op = VACCEL_OP_NOOP;
	struct vaccel_arg nrd[] = {{&op, 1, VACCEL_ARG_UINT8, 0, false}};
	int rr = vaccel_genop(&rs, nrd, 1, NULL, 0);
	int rl = vaccel_genop(&ls, nrd, 1, NULL, 0);
	e2e_check(!rr && !rl, "genop.noop", "remote %d local %d", rr, rl);

	float cr[20] = {0}, cl[20] = {0};
	rr = genop_sgemm(&rs, cr);
	rl = genop_sgemm(&ls, cl);
	int close = 1;
	for (int i = 0; i < 20; ++i)
		if (cr[i] - cl[i] > 1e-4f || cl[i] - cr[i] > 1e-4f)
			close = 0;
	e2e_check(!rr && !rl && close && cl[0] != 0, "genop.sgemm",
		  "remote %d local %d close %d", rr, rl, close);

	double or_[6], ol[6], rmn, rmx, lmn, lmx;
	rr = genop_minmax(&rs, or_, &rmn, &rmx);
	rl = genop_minmax(&ls, ol, &lmn, &lmx);
	e2e_check(!rr && !rl && !memcmp(or_, ol, sizeof ol) && rmn == lmn &&
			  rmx == lmx && rmn == -7 && rmx == 12,
		  "genop.minmax", "remote %d local %d min %g max %g", rr, rl,
		  rmn, rmx);

	float vr[8] = {0}, vl[8] = {0};
	rr = genop_vadd(&rs, vr);
	rl = genop_vadd(&ls, vl);
	e2e_check(!rr && !rl && !memcmp(vr, vl, sizeof vr) && vr[3] == 10.5f,
		  "genop.vadd_int32_op", "remote %d local %d", rr, rl);

	if (c->lib) {
		int er = 0, el = 0;
		rr = genop_exec(&rs, c->lib, &er);
		rl = genop_exec(&ls, c->lib, &el);
		e2e_check(!rr && !rl && er == 66 && el == 66, "genop.exec",
			  "remote %d (%d) local %d (%d)", rr, er, rl, el);
	}
	vaccel_session_release(&rs);
	vaccel_session_release(&ls);
}

static void errors(void)
{
	struct vaccel_session rs;
	e2e_remote(&rs, 0);
	/* A host session id this process never opened: the driver refuses
	 * it (sessions are private to the file) -> VACCEL_ESESS. */
	vaccel_id_t real = rs.remote_id;
	rs.remote_id = real + 1000;
	int r = vaccel_noop(&rs);
	rs.remote_id = real;
	e2e_check(r == VACCEL_ESESS, "error.foreign_session_esess",
		  "noop on a foreign host session returned %d, want %d", r,
		  VACCEL_ESESS);

	struct vaccel_resource bad;
	static const char x[] = "abc";
	if (!vaccel_resource_init_from_buf(&bad, x, sizeof x,
					   VACCEL_RESOURCE_DATA, "bad name!",
					   true)) {
		r = vaccel_resource_register(&bad, &rs);
		e2e_check(r == VACCEL_EINVAL, "error.blob_name_einval",
			  "register returned %d, want %d", r, VACCEL_EINVAL);
		if (!r)
			vaccel_resource_unregister(&bad, &rs);
		vaccel_resource_release(&bad);
	} else {
		e2e_skip("error.blob_name_einval", "runtime refused the name");
	}
	vaccel_session_release(&rs);
	r = vaccel_noop(&rs);
	e2e_check(r == VACCEL_ESESS, "error.released_session_esess",
		  "noop on a released session returned %d", r);
}

void ops_misc(const struct ops_config *c)
{
	noop_and_extension();
	images();
	models();
	genops(c);
	errors();
}
