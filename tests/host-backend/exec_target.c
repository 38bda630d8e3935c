/* A host library for OP_EXEC tests: doubles an int32 array.
 * Signature as the vAccel exec plugin calls it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vaccel.h"

__attribute__((visibility("default"))) int va_test_double(struct vaccel_arg *read, size_t nr_read,
							  struct vaccel_arg *write, size_t nr_write)
{
	if (nr_read != 1 || nr_write != 1 || write[0].size < read[0].size)
		return VACCEL_EINVAL;
	const int32_t *in = read[0].buf;
	int32_t *out = write[0].buf;
	for (size_t i = 0; i < read[0].size / sizeof(int32_t); i++)
		out[i] = 2 * in[i];
	return VACCEL_OK;
}
