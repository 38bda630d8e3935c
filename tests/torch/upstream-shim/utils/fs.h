/* SPDX-License-Identifier: Apache-2.0 */
/* The one helper upstream vAccel's examples/classify.c takes from upstream's internal utils/fs.h, written
 * here so that the example compiles UNCHANGED against our public API (tests/torch/e2e.sh builds it straight
 * from upstream's tarball). */
#ifndef VA_UPSTREAM_SHIM_FS_H
#define VA_UPSTREAM_SHIM_FS_H

#include <stdio.h>
#include <stdlib.h>
#include <vaccel.h>

/* Reads a whole file into a malloc'd buffer (freed by the caller). */
static inline int fs_file_read(const char *path, void **data, size_t *size)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return VACCEL_ENOENT;
	int ret = VACCEL_EIO;
	long n;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		*data = malloc(n ? (size_t)n : 1);
		if (!*data)
			ret = VACCEL_ENOMEM;
		else if (fread(*data, 1, (size_t)n, f) == (size_t)n) {
			*size = (size_t)n;
			ret = VACCEL_OK;
		} else {
			free(*data);
			*data = NULL;
		}
	}
	fclose(f);
	return ret;
}

#endif
