/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Torch model load/run of the unikernel library: tensor lists (spec §8.3.1)
 * through the protocol library's layout and encoder. Outputs are allocated by
 * the host's plugin, so their size is unknown up front: room for outputs as
 * large as the largest input (at least 4 KiB) is offered, and 8x more when the
 * host answers EOVERFLOW, up to the device's max_response_bytes (the Linux
 * guest plugin does the same).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "transport.h"

int vaccel_torch_tensor_init(struct vaccel_torch_tensor *t, int64_t nr_dims,
			     const int64_t *dims,
			     enum vaccel_torch_data_type type)
{
	if (!t || nr_dims < 0 || nr_dims > VIRTIO_ACCEL_MAX_DIMS ||
	    (nr_dims && !dims))
		return VACCEL_EINVAL;
	memset(t, 0, sizeof(*t));
	t->dims = calloc((size_t)nr_dims + 1, sizeof(int64_t));
	if (!t->dims)
		return VACCEL_ENOMEM;
	if (nr_dims)
		memcpy(t->dims, dims, (size_t)nr_dims * sizeof(int64_t));
	t->nr_dims = nr_dims;
	t->data_type = type;
	return VACCEL_OK;
}

int vaccel_torch_tensor_release(struct vaccel_torch_tensor *t)
{
	if (!t)
		return VACCEL_EINVAL;
	if (t->owned)
		free(t->data);
	free(t->dims);
	memset(t, 0, sizeof(*t));
	return VACCEL_OK;
}

int vaccel_torch_tensor_new(struct vaccel_torch_tensor **t, int64_t nr_dims,
			    const int64_t *dims,
			    enum vaccel_torch_data_type type)
{
	struct vaccel_torch_tensor *n = calloc(1, sizeof(*n));
	int ret;

	if (!t || !n) {
		free(n);
		return t ? VACCEL_ENOMEM : VACCEL_EINVAL;
	}
	ret = vaccel_torch_tensor_init(n, nr_dims, dims, type);
	if (ret) {
		free(n);
		return ret;
	}
	*t = n;
	return VACCEL_OK;
}

int vaccel_torch_tensor_delete(struct vaccel_torch_tensor *t)
{
	int ret = vaccel_torch_tensor_release(t);

	if (!ret)
		free(t);
	return ret;
}

int vaccel_torch_tensor_set_data(struct vaccel_torch_tensor *t, void *data,
				 size_t size)
{
	if (!t)
		return VACCEL_EINVAL;
	if (t->owned)
		free(t->data);
	t->data = data;
	t->size = size;
	t->owned = false;
	return VACCEL_OK;
}

int vaccel_torch_tensor_take_data(struct vaccel_torch_tensor *t, void **data,
				  size_t *size)
{
	if (!t || !data || !size)
		return VACCEL_EINVAL;
	*data = t->data;
	*size = t->size;
	t->data = NULL;
	t->size = 0;
	t->owned = false;
	return VACCEL_OK;
}

static int model_op(struct vaccel_session *sess,
		    const struct vaccel_resource *model, uint32_t op)
{
	struct va_run r;
	int ret;

	if (!vaccel_session_has_resource(sess, model))
		return VACCEL_EINVAL;
	va_run_init(&r, NULL, 0, NULL, 0);
	ret = va_encode_model_op(&r, op, (uint64_t)model->remote_id);
	return ret ? VACCEL_EINVAL : vuk_run(sess, &r);
}

int vaccel_torch_model_load(struct vaccel_session *sess,
			    const struct vaccel_resource *model)
{
	return model_op(sess, model, VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD);
}

/* One attempt with `cap` bytes of room per output. */
static int run_once(struct vaccel_session *sess, uint64_t model,
		    const struct vaccel_torch_buffer *opts,
		    struct vaccel_torch_tensor **in, int nin,
		    struct vaccel_torch_tensor **out, int nout, uint64_t cap)
{
	const struct va_model_layout l = { (uint32_t)nin, (uint32_t)nout };
	struct virtio_accel_tensor_desc *desc = calloc(nin + 1, sizeof(*desc));
	struct virtio_accel_tensor_out *tout = calloc(nout + 1, sizeof(*tout));
	uint8_t **room = calloc(nout + 1, sizeof(*room));
	struct va_run r = { 0 };
	int ret = VACCEL_ENOMEM, i;

	if (!desc || !tout || !room || vuk_run_alloc(&r, va_model_nr_in(l),
						     va_model_nr_out(l)))
		goto out;
	for (i = 0; i < nout; i++)
		if (!(room[i] = malloc(cap ? cap : 1)))
			goto out;
	ret = va_encode_model_run_begin(&r, VIRTIO_ACCEL_OP_TORCH_MODEL_RUN,
					model, l.nr_inputs, l.nr_outputs,
					opts ? opts->data : NULL,
					opts ? opts->size : 0);
	for (i = 0; !ret && i < nin; i++) {
		ret = va_tensor_desc_fill(&desc[i], in[i]->data_type,
					  (uint32_t)in[i]->nr_dims,
					  in[i]->dims);
		if (!ret)
			ret = va_encode_tensor_in(&r, NULL, 0, &desc[i],
						  in[i]->data, in[i]->size, 1);
	}
	for (i = 0; !ret && i < nout; i++)
		ret = va_encode_out_node(&r, NULL, 0);
	for (i = 0; !ret && i < nout; i++)
		ret = va_encode_tensor_out(&r, &tout[i], room[i], cap);
	if (ret) {
		ret = VACCEL_EINVAL;
		goto out;
	}
	ret = vuk_run(sess, &r);
	for (i = 0; !ret && i < nout; i++) {
		/* never trust the far side's counts */
		uint32_t nd = va_to_le32(tout[i].desc.nr_dims);
		uint64_t len = va_to_le64(tout[i].data_len);
		int64_t dims[VIRTIO_ACCEL_MAX_DIMS];
		uint32_t d;

		if (nd > VIRTIO_ACCEL_MAX_DIMS || len > cap) {
			ret = VACCEL_EIO;
			break;
		}
		for (d = 0; d < nd; d++)
			dims[d] = (int64_t)va_to_le64(tout[i].desc.dims[d]);
		ret = vaccel_torch_tensor_new(
			&out[i], nd, dims,
			(enum vaccel_torch_data_type)va_to_le32(
				tout[i].desc.data_type));
		if (ret)
			break;
		out[i]->data = room[i];
		out[i]->size = len;
		out[i]->owned = true;
		room[i] = NULL;
	}
out:
	for (i = 0; room && i < nout; i++)
		free(room[i]);
	free(room);
	free(desc);
	free(tout);
	vuk_run_free(&r);
	return ret;
}

int vaccel_torch_model_run(struct vaccel_session *sess,
			   const struct vaccel_resource *model,
			   const struct vaccel_torch_buffer *run_options,
			   struct vaccel_torch_tensor **in_tensor, int nr_read,
			   struct vaccel_torch_tensor **out_tensor,
			   int nr_write)
{
	const struct virtio_accel_config *cfg = uk_vaccel_config();
	uint64_t cap = 4096, limit;
	int i, ret;

	if (!vaccel_session_has_resource(sess, model) || nr_read < 0 ||
	    nr_write < 1 || nr_read > VIRTIO_ACCEL_MAX_TENSORS ||
	    nr_write > VIRTIO_ACCEL_MAX_TENSORS || (nr_read && !in_tensor) ||
	    !out_tensor || !cfg)
		return VACCEL_EINVAL;
	for (i = 0; i < nr_read; i++) {
		if (!in_tensor[i])
			return VACCEL_EINVAL;
		if (in_tensor[i]->size > cap)
			cap = in_tensor[i]->size;
	}
	limit = (cfg->max_response_bytes - VIRTIO_ACCEL_RUN_RESP_BYTES) /
			nr_write -
		sizeof(struct virtio_accel_tensor_out);
	for (;;) {
		if (cap > limit)
			cap = limit;
		ret = run_once(sess, (uint64_t)model->remote_id, run_options,
			       in_tensor, nr_read, out_tensor, nr_write, cap);
		if (ret != EOVERFLOW || cap >= limit)
			return ret;
		cap *= 8;
	}
}

int vaccel_torch_jitload_forward(struct vaccel_session *sess,
				 const struct vaccel_resource *model,
				 const struct vaccel_torch_buffer *run_options,
				 struct vaccel_torch_tensor **in_tensor,
				 int nr_read,
				 struct vaccel_torch_tensor **out_tensor,
				 int nr_write)
{
	return vaccel_torch_model_run(sess, model, run_options, in_tensor,
				      nr_read, out_tensor, nr_write);
}
