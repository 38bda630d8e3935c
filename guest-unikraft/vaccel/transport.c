/* SPDX-License-Identifier: Apache-2.0 */
#include "transport.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static uint64_t last_id;

uint64_t vuk_next_id(void)
{
	return ++last_id;
}

int vuk_ready(void)
{
	return uk_vaccel_present();
}

int vuk_error(uint32_t status, uint32_t detail)
{
	return va_status_error(status, detail);
}

/* Readable + writable segments of one chain: the block, at most
 * VIRTIO_ACCEL_MAX_ARGS_HARD arguments and the response head. */
#define VUK_MAX_SEGS (VIRTIO_ACCEL_MAX_ARGS_HARD + 2)

int vuk_submit(uint64_t req_id, const void *block, size_t block_len,
	       const struct uk_vaccel_seg *rd, unsigned int nr_rd, void *resp,
	       size_t resp_len, const struct uk_vaccel_seg *wr,
	       unsigned int nr_wr)
{
	const struct virtio_accel_config *cfg = uk_vaccel_config();
	static struct uk_vaccel_seg r[VUK_MAX_SEGS], w[VUK_MAX_SEGS];
	uint64_t rd_bytes = block_len, wr_bytes = resp_len;
	uint32_t used = 0, status, detail;
	unsigned int i;
	int rc;

	if (!cfg)
		return VACCEL_ENODEV;
	if (nr_rd + 1 > VUK_MAX_SEGS || nr_wr + 1 > VUK_MAX_SEGS)
		return VACCEL_ENOSPC;
	r[0].buf = block;
	r[0].len = block_len;
	for (i = 0; i < nr_rd; i++) {
		r[i + 1] = rd[i];
		rd_bytes += rd[i].len;
	}
	w[0].buf = resp;
	w[0].len = resp_len;
	for (i = 0; i < nr_wr; i++) {
		w[i + 1] = wr[i];
		wr_bytes += wr[i].len;
	}
	/* The device would answer MALFORMED; say what is wrong instead. */
	if (rd_bytes > cfg->max_request_bytes ||
	    wr_bytes > cfg->max_response_bytes) {
		vaccel_warn("[virtio-uk] request of %llu/%llu bytes is above "
			    "the device's limits %llu/%llu",
			    (unsigned long long)rd_bytes,
			    (unsigned long long)wr_bytes,
			    (unsigned long long)cfg->max_request_bytes,
			    (unsigned long long)cfg->max_response_bytes);
		return VACCEL_ENOSPC;
	}
	rc = uk_vaccel_submit(r, nr_rd + 1, w, nr_wr + 1, &used);
	if (rc == -E2BIG)
		return VACCEL_ENOSPC;
	if (rc)
		return VACCEL_EIO;
	if (va_parse_resp(resp, used, req_id, wr_bytes - 24, &status,
			  &detail))
		return VACCEL_EIO; /* a device that breaks the protocol */
	if (status != VIRTIO_ACCEL_S_OK)
		vaccel_debug("[virtio-uk] request %llu: %s (detail %u)",
			     (unsigned long long)req_id,
			     va_status_name(status), detail);
	return vuk_error(status, detail);
}

int vuk_run_alloc(struct va_run *r, size_t nr_in, size_t nr_out)
{
	struct va_arg_ref *in = calloc(nr_in + 1, sizeof(*in));
	struct va_arg_ref *out = calloc(nr_out + 1, sizeof(*out));

	if (!in || !out) {
		free(in);
		free(out);
		return VACCEL_ENOMEM;
	}
	va_run_init(r, in, (uint32_t)nr_in, out, (uint32_t)nr_out);
	return VACCEL_OK;
}

void vuk_run_free(struct va_run *r)
{
	free(r->in);
	free(r->out);
	r->in = r->out = NULL;
}

int vuk_run(struct vaccel_session *sess, const struct va_run *r)
{
	const struct virtio_accel_config *cfg = uk_vaccel_config();
	struct uk_vaccel_seg *rd = NULL, *wr = NULL;
	uint8_t head[VIRTIO_ACCEL_RUN_RESP_BYTES];
	const uint64_t id = vuk_next_id();
	size_t cap, n;
	uint8_t *block;
	uint64_t wlen;
	uint32_t i;
	int ret;

	if (!sess || !sess->id)
		return VACCEL_EINVAL;
	if (!cfg)
		return VACCEL_ENODEV;
	if (r->error)
		return VACCEL_EINVAL;
	if (r->nr_in + r->nr_out > cfg->max_args)
		return VACCEL_ENOSPC;
	cap = VA_RUN_BLOCK_BYTES((size_t)r->nr_in + r->nr_out);
	block = malloc(cap);
	rd = calloc(r->nr_in + 1, sizeof(*rd));
	wr = calloc(r->nr_out + 1, sizeof(*wr));
	ret = VACCEL_ENOMEM;
	if (!block || !rd || !wr)
		goto out;
	n = va_frame_run(block, cap, id, (uint64_t)sess->remote_id, r, &wlen);
	ret = VACCEL_ENOSPC; /* lengths the wire cannot carry */
	if (!n)
		goto out;
	for (i = 0; i < r->nr_in; i++) {
		rd[i].buf = (const void *)(uintptr_t)r->in[i].addr;
		rd[i].len = r->in[i].len;
	}
	for (i = 0; i < r->nr_out; i++) {
		wr[i].buf = (const void *)(uintptr_t)r->out[i].addr;
		wr[i].len = r->out[i].len;
	}
	ret = vuk_submit(id, block, n, rd, r->nr_in, head, sizeof(head), wr,
			 r->nr_out);
out:
	free(block);
	free(rd);
	free(wr);
	return ret;
}
