/* SPDX-License-Identifier: Apache-2.0 */
/* One configurable test plugin, compiled into several variants (see
 * CMakeLists.txt):
 *   TP_NAME        plugin name
 *   TP_VAVERSION   vaccel_version string it claims
 *   TP_INIT_RET    value init() returns
 *   TP_DECLINE     its sgemm returns VACCEL_ENOTSUP (tests fallback)
 *   TP_TRANSPORT   is_virtio transport plugin recording hooks/blob content
 *   TP_TYPE        plugin type bits
 *   TP_NO_NAME     descriptor without a name
 * Every variant implements NOOP and BLAS_SGEMM; the sgemm writes TP_MARK
 * into c[0] so tests can tell which plugin ran. Hooks count their calls in
 * a struct the test reads through tp_stats(). */
#include <string.h>
#include <vaccel.h>

#ifndef TP_NAME
#define TP_NAME "test"
#endif
#ifndef TP_VAVERSION
#define TP_VAVERSION VACCEL_VERSION
#endif
#ifndef TP_INIT_RET
#define TP_INIT_RET 0
#endif
#ifndef TP_TYPE
#define TP_TYPE VACCEL_PLUGIN_SOFTWARE
#endif
#ifndef TP_MARK
#define TP_MARK 1.0f
#endif

struct tp_stats {
	int session_init, session_release, session_update;
	int res_register, res_unregister, res_sync;
	size_t last_blob_bytes; /* bytes seen in data of registered blobs */
	char last_blob_name[64];
};

static struct tp_stats stats;

__attribute__((visibility("default"))) struct tp_stats *tp_stats(void)
{
	return &stats;
}

static int tp_noop(struct vaccel_session *s)
{
	(void)s;
	return VACCEL_OK;
}

static int tp_sgemm(struct vaccel_session *s, long long m, long long n,
		    long long k, float alpha, float *a, long long lda, float *b,
		    long long ldb, float beta, float *c, long long ldc)
{
	(void)s; (void)m; (void)n; (void)k; (void)alpha; (void)a; (void)lda;
	(void)b; (void)ldb; (void)beta; (void)ldc; (void)c;
#ifdef TP_DECLINE
	return VACCEL_ENOTSUP;
#else
	if (m && n)
		c[0] = TP_MARK;
	return VACCEL_OK;
#endif
}

static int h_sinit(struct vaccel_session *s, uint32_t f)
{
	(void)s; (void)f;
	__atomic_add_fetch(&stats.session_init, 1, __ATOMIC_SEQ_CST);
	return VACCEL_OK;
}
static int h_srel(struct vaccel_session *s)
{
	(void)s;
	__atomic_add_fetch(&stats.session_release, 1, __ATOMIC_SEQ_CST);
	return VACCEL_OK;
}
static int h_supd(struct vaccel_session *s, uint32_t f)
{
	(void)s; (void)f;
	__atomic_add_fetch(&stats.session_update, 1, __ATOMIC_SEQ_CST);
	return VACCEL_OK;
}
static int h_rreg(struct vaccel_resource *r, struct vaccel_session *s)
{
	(void)s;
	size_t total = 0;
	for (size_t i = 0; i < r->nr_blobs; ++i)
		if (r->blobs[i]->data)
			total += r->blobs[i]->size;
	stats.last_blob_bytes = total;
	if (r->nr_blobs) {
		strncpy(stats.last_blob_name, r->blobs[0]->name,
			sizeof(stats.last_blob_name) - 1);
	}
	__atomic_add_fetch(&stats.res_register, 1, __ATOMIC_SEQ_CST);
	return VACCEL_OK;
}
static int h_runreg(struct vaccel_resource *r, struct vaccel_session *s)
{
	(void)r; (void)s;
	__atomic_add_fetch(&stats.res_unregister, 1, __ATOMIC_SEQ_CST);
	return VACCEL_OK;
}
static int h_rsync(struct vaccel_resource *r, struct vaccel_session *s)
{
	(void)r; (void)s;
	__atomic_add_fetch(&stats.res_sync, 1, __ATOMIC_SEQ_CST);
	return VACCEL_OK;
}

static struct vaccel_op ops[] = {
	VACCEL_OP_INIT(ops[0], VACCEL_OP_NOOP, tp_noop),
	VACCEL_OP_INIT(ops[1], VACCEL_OP_BLAS_SGEMM, tp_sgemm),
};

static int tp_init(void)
{
	if (TP_INIT_RET)
		return TP_INIT_RET;
	return vaccel_plugin_register_ops(ops, 2);
}

static int tp_fini(void)
{
	return VACCEL_OK;
}

#ifdef TP_TRANSPORT
#define TP_VIRTIO true
#else
#define TP_VIRTIO false
#endif

VACCEL_PLUGIN(
#ifndef TP_NO_NAME
	.name = TP_NAME,
#endif
	.version = "1.0", .vaccel_version = TP_VAVERSION, .init = tp_init,
	.fini = tp_fini, .is_virtio = TP_VIRTIO, .type = TP_TYPE,
	.session_init = h_sinit, .session_release = h_srel,
	.session_update = h_supd, .resource_register = h_rreg,
	.resource_unregister = h_runreg, .resource_sync = h_rsync)
