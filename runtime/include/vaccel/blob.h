/* SPDX-License-Identifier: Apache-2.0 */
/* A blob is one named piece of a resource: a file on disk, or bytes held in
 * memory. Resources own arrays of blobs. */
#ifndef VACCEL_BLOB_H
#define VACCEL_BLOB_H

#include "utils/enum.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* FILE: backed by `path`, `data` read on demand; BUFFER: bytes in `data`
 * only (no file); MAPPED: bytes in `data`, also persisted at `path`. */
#define _ENUM_PREFIX VACCEL_BLOB
#define VACCEL_BLOB_TYPE_ENUM_LIST(VACCEL_ENUM_ITEM) \
	VACCEL_ENUM_ITEM(FILE, 0, _ENUM_PREFIX)      \
	VACCEL_ENUM_ITEM(BUFFER, _ENUM_PREFIX)       \
	VACCEL_ENUM_ITEM(MAPPED, _ENUM_PREFIX)
VACCEL_ENUM_DEF_WITH_STR_FUNCS(vaccel_blob_type, _ENUM_PREFIX,
			       VACCEL_BLOB_TYPE_ENUM_LIST)
#undef _ENUM_PREFIX

struct vaccel_blob {
	vaccel_blob_type_t type;
	/* file name (base name, or a relative path for blobs that come from a
	 * directory); always set */
	char *name;
	/* path of the backing file, or NULL for pure in-memory blobs */
	char *path;
	/* true if the runtime created the file at `path` and removes it */
	bool path_owned;
	/* content, or NULL for a FILE blob that has not been read yet */
	uint8_t *data;
	/* true if `data` was allocated by the runtime */
	bool data_owned;
	size_t size;
};

typedef struct vaccel_blob vaccel_blob;

/* Blob referring to an existing file (content read lazily). */
int vaccel_blob_init(struct vaccel_blob *blob, const char *path);
/* Blob from memory. own=true copies `buf` (freed on release); own=false
 * borrows it. If `dir` is non-NULL the bytes are also written to
 * dir/filename (with a random suffix when `randomize`), making the blob
 * MAPPED; otherwise it is a BUF blob. */
int vaccel_blob_init_from_buf(struct vaccel_blob *blob, const uint8_t *buf,
			      size_t size, bool own, const char *filename,
			      const char *dir, bool randomize);
/* Write the blob's bytes to dir/filename and remember the path. */
int vaccel_blob_persist(struct vaccel_blob *blob, const char *dir,
			const char *filename, bool randomize);
int vaccel_blob_release(struct vaccel_blob *blob);
int vaccel_blob_new(struct vaccel_blob **blob, const char *path);
int vaccel_blob_from_buf(struct vaccel_blob **blob, const uint8_t *buf,
			 size_t size, bool own, const char *filename,
			 const char *dir, bool randomize);
int vaccel_blob_delete(struct vaccel_blob *blob);
bool vaccel_blob_initialized(struct vaccel_blob *blob);
/* True if `blob` is initialized and consistent for its type. */
bool vaccel_blob_valid(const struct vaccel_blob *blob);
/* Load a FILE blob's content into `data` (no-op if already loaded). */
int vaccel_blob_read(struct vaccel_blob *blob);
/* Content of the blob, reading the file first if needed; NULL on error. */
uint8_t *vaccel_blob_data(struct vaccel_blob *blob, size_t *size);
const char *vaccel_blob_path(struct vaccel_blob *blob);

#ifdef __cplusplus
}
#endif

#endif
