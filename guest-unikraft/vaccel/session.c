/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sessions and resources of the unikernel vAccel library. Every session is a
 * session on the host (VACCEL_PLUGIN_REMOTE is implied: there are no local
 * plugins in a unikernel). Resources travel by content, as with the Linux
 * guest plugin; a resource is registered with one session at a time.
 */
#include <stdlib.h>
#include <string.h>

#include "transport.h"

static vaccel_id_t last_session_id, last_resource_id;

int vaccel_session_init(struct vaccel_session *sess, uint32_t flags)
{
	uint8_t block[64], resp[32];
	struct virtio_accel_id_resp idr;
	const uint64_t id = vuk_next_id();
	uint64_t wlen;
	size_t n;
	int ret;

	if (!sess)
		return VACCEL_EINVAL;
	if (!vuk_ready())
		return VACCEL_ENODEV;
	/* the device takes the plugin-type hint in the low 16 bits */
	n = va_frame_session_create(block, sizeof(block), id, flags & 0xffff,
				    &wlen);
	ret = vuk_submit(id, block, n, NULL, 0, resp, wlen, NULL, 0);
	if (ret)
		return ret;
	memcpy(&idr, resp + sizeof(struct virtio_accel_resp_hdr), sizeof(idr));
	memset(sess, 0, sizeof(*sess));
	sess->id = ++last_session_id;
	sess->remote_id = (vaccel_id_t)va_to_le64(idr.id);
	sess->hint = flags;
	sess->is_virtio = true;
	return VACCEL_OK;
}

int vaccel_session_release(struct vaccel_session *sess)
{
	uint8_t block[32], resp[24];
	const uint64_t id = vuk_next_id();
	uint64_t wlen;
	size_t n;
	int ret;

	if (!sess || !sess->id)
		return VACCEL_EINVAL;
	n = va_frame_session_destroy(block, sizeof(block), id,
				     (uint64_t)sess->remote_id, &wlen);
	ret = vuk_submit(id, block, n, NULL, 0, resp, wlen, NULL, 0);
	/* the host frees the session's resources with it */
	sess->id = 0;
	sess->remote_id = 0;
	return ret;
}

int vaccel_session_update(struct vaccel_session *sess, uint32_t flags)
{
	if (!sess || !sess->id)
		return VACCEL_EINVAL;
	sess->hint = flags; /* taken at create on the host, as on Linux */
	return VACCEL_OK;
}

int vaccel_session_new(struct vaccel_session **sess, uint32_t flags)
{
	struct vaccel_session *s = calloc(1, sizeof(*s));
	int ret;

	if (!sess || !s) {
		free(s);
		return sess ? VACCEL_ENOMEM : VACCEL_EINVAL;
	}
	ret = vaccel_session_init(s, flags);
	if (ret) {
		free(s);
		return ret;
	}
	*sess = s;
	return VACCEL_OK;
}

int vaccel_session_delete(struct vaccel_session *sess)
{
	int ret = vaccel_session_release(sess);

	if (ret == VACCEL_OK || ret == VACCEL_ESESS)
		free(sess);
	return ret;
}

bool vaccel_session_has_resource(const struct vaccel_session *sess,
				 const struct vaccel_resource *res)
{
	return sess && res && sess->id && res->plugin_priv == sess &&
	       res->remote_id;
}

int vaccel_sess_init(struct vaccel_session *sess, uint32_t flags)
{
	return vaccel_session_init(sess, flags);
}

int vaccel_sess_free(struct vaccel_session *sess)
{
	return vaccel_session_release(sess);
}

/* ---- Resources --------------------------------------------------------- */

static int add_blob(struct vaccel_resource *res, const char *name,
		    const void *data, size_t size)
{
	struct vaccel_blob *b = calloc(1, sizeof(*b));
	struct vaccel_blob **arr;

	if (!b)
		return VACCEL_ENOMEM;
	b->type = VACCEL_BLOB_BUFFER;
	b->name = strdup(name);
	b->data = malloc(size ? size : 1);
	arr = realloc(res->blobs, (res->nr_blobs + 1) * sizeof(*arr));
	if (!b->name || !b->data || !arr) {
		free(b->name);
		free(b->data);
		free(b);
		if (arr)
			res->blobs = arr;
		return VACCEL_ENOMEM;
	}
	memcpy(b->data, data, size);
	b->size = size;
	b->data_owned = true;
	res->blobs = arr;
	res->blobs[res->nr_blobs++] = b;
	return VACCEL_OK;
}

static void free_blobs(struct vaccel_resource *res)
{
	size_t i;

	for (i = 0; i < res->nr_blobs; i++) {
		free(res->blobs[i]->name);
		free(res->blobs[i]->data);
		free(res->blobs[i]);
	}
	free(res->blobs);
	res->blobs = NULL;
	res->nr_blobs = 0;
}

int vaccel_resource_init_from_buf(struct vaccel_resource *res, const void *buf,
				  size_t nr_bytes, vaccel_resource_type_t type,
				  const char *filename, bool mem_only)
{
	int ret;

	(void)mem_only; /* there is no file system: always in memory */
	if (!res || !buf || !nr_bytes || type >= VACCEL_RESOURCE_MAX)
		return VACCEL_EINVAL;
	if (!va_blob_name_valid_str(filename ? filename : "blob"))
		return VACCEL_EINVAL;
	memset(res, 0, sizeof(*res));
	res->type = type;
	ret = add_blob(res, filename ? filename : "blob", buf, nr_bytes);
	if (ret)
		return ret;
	res->id = ++last_resource_id;
	return VACCEL_OK;
}

int vaccel_resource_init_from_blobs(struct vaccel_resource *res,
				    const struct vaccel_blob **blobs,
				    size_t nr_blobs,
				    vaccel_resource_type_t type)
{
	size_t i;
	int ret;

	if (!res || !blobs || !nr_blobs || type >= VACCEL_RESOURCE_MAX)
		return VACCEL_EINVAL;
	for (i = 0; i < nr_blobs; i++)
		if (!blobs[i] || !blobs[i]->data ||
		    !va_blob_name_valid_str(blobs[i]->name))
			return VACCEL_EINVAL;
	memset(res, 0, sizeof(*res));
	res->type = type;
	for (i = 0; i < nr_blobs; i++) {
		ret = add_blob(res, blobs[i]->name, blobs[i]->data,
			       blobs[i]->size);
		if (ret) {
			free_blobs(res);
			return ret;
		}
	}
	res->id = ++last_resource_id;
	return VACCEL_OK;
}

/* Paths need a file system; unikernel resources are made from memory. */
int vaccel_resource_init(struct vaccel_resource *res, const char *path,
			 vaccel_resource_type_t type)
{
	(void)res;
	(void)path;
	(void)type;
	return VACCEL_ENOTSUP;
}

int vaccel_resource_release(struct vaccel_resource *res)
{
	if (!res || !res->id)
		return VACCEL_EINVAL;
	if (res->remote_id)
		return VACCEL_EBUSY;
	free_blobs(res);
	res->id = 0;
	return VACCEL_OK;
}

int vaccel_resource_from_buf(struct vaccel_resource **res, const void *buf,
			     size_t nr_bytes, vaccel_resource_type_t type,
			     const char *filename, bool mem_only)
{
	struct vaccel_resource *r = calloc(1, sizeof(*r));
	int ret;

	if (!res || !r) {
		free(r);
		return res ? VACCEL_ENOMEM : VACCEL_EINVAL;
	}
	ret = vaccel_resource_init_from_buf(r, buf, nr_bytes, type, filename,
					    mem_only);
	if (ret) {
		free(r);
		return ret;
	}
	*res = r;
	return VACCEL_OK;
}

int vaccel_resource_delete(struct vaccel_resource *res)
{
	int ret = vaccel_resource_release(res);

	if (!ret)
		free(res);
	return ret;
}

int vaccel_resource_register(struct vaccel_resource *res,
			     struct vaccel_session *sess)
{
	struct va_blob *blobs;
	struct uk_vaccel_seg *segs;
	uint8_t resp[32], *block;
	struct virtio_accel_id_resp idr;
	const uint64_t id = vuk_next_id();
	size_t cap, n, i;
	uint64_t wlen;
	int ret = VACCEL_ENOMEM;

	if (!res || !res->id || !sess || !sess->id || !res->nr_blobs)
		return VACCEL_EINVAL;
	if (res->remote_id)
		return VACCEL_EBUSY; /* one session at a time */
	cap = sizeof(struct virtio_accel_req_hdr) +
	      sizeof(struct virtio_accel_resource_register) +
	      res->nr_blobs * sizeof(struct virtio_accel_blob_desc);
	block = malloc(cap);
	blobs = calloc(res->nr_blobs, sizeof(*blobs));
	segs = calloc(2 * res->nr_blobs, sizeof(*segs));
	if (!block || !blobs || !segs)
		goto out;
	for (i = 0; i < res->nr_blobs; i++) {
		blobs[i].name = res->blobs[i]->name;
		blobs[i].data = res->blobs[i]->data;
		blobs[i].size = res->blobs[i]->size;
		segs[2 * i].buf = blobs[i].name;
		segs[2 * i].len = strlen(blobs[i].name);
		segs[2 * i + 1].buf = blobs[i].data;
		segs[2 * i + 1].len = blobs[i].size;
	}
	n = va_frame_resource_register(block, cap, id,
				       (uint64_t)sess->remote_id,
				       va_wire_resource_type(res->type), blobs,
				       (uint32_t)res->nr_blobs, &wlen);
	ret = VACCEL_EINVAL; /* a blob name or size the wire refuses */
	if (!n)
		goto out;
	ret = vuk_submit(id, block, n, segs, 2 * (unsigned int)res->nr_blobs,
			 resp, wlen, NULL, 0);
	if (ret)
		goto out;
	memcpy(&idr, resp + sizeof(struct virtio_accel_resp_hdr), sizeof(idr));
	res->remote_id = (vaccel_id_t)va_to_le64(idr.id);
	res->plugin_priv = sess;
	res->refcount = 1;
out:
	free(block);
	free(blobs);
	free(segs);
	return ret;
}

int vaccel_resource_unregister(struct vaccel_resource *res,
			       struct vaccel_session *sess)
{
	uint8_t block[48], resp[24];
	const uint64_t id = vuk_next_id();
	uint64_t wlen;
	size_t n;
	int ret;

	if (!res || !sess || !vaccel_session_has_resource(sess, res))
		return VACCEL_EINVAL;
	n = va_frame_resource_unregister(block, sizeof(block), id,
					 (uint64_t)sess->remote_id,
					 (uint64_t)res->remote_id, &wlen);
	ret = vuk_submit(id, block, n, NULL, 0, resp, wlen, NULL, 0);
	res->remote_id = 0;
	res->plugin_priv = NULL;
	res->refcount = 0;
	return ret;
}

long int vaccel_resource_refcount(const struct vaccel_resource *res)
{
	return res ? (long int)res->refcount : -VACCEL_EINVAL;
}
