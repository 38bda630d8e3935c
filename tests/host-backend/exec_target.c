/* A host library for OP_EXEC tests: doubles an int32 array.
 * Signature as the vAccel exec plugin calls it. Buffers may sit at any
 * offset and hold any values: elements are copied in and out (no misaligned
 * access) and doubled in unsigned arithmetic (wraps, no signed overflow). */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vaccel.h"

__attribute__((visibility("default"))) int va_test_double(struct vaccel_arg *read, size_t nr_read,
							  struct vaccel_arg *write, size_t nr_write)
{
	if (nr_read != 1 || nr_write != 1 || write[0].size < read[0].size)
		return VACCEL_EINVAL;
	const unsigned char *in = read[0].buf;
	unsigned char *out = write[0].buf;
	for (size_t i = 0; i < read[0].size / sizeof(uint32_t); i++) {
		uint32_t v;
		memcpy(&v, in + i * sizeof v, sizeof v);
		v *= 2u;
		memcpy(out + i * sizeof v, &v, sizeof v);
	}
	return VACCEL_OK;
}

/* Data, not a function: exec must refuse to call it. */
__attribute__((visibility("default"))) int va_test_not_a_function = 42;

/* Sleeps read[0] (uint32 milliseconds), then writes 1 to write[0] if given:
 * a long-running host operation for reset tests. */
#include <time.h>

__attribute__((visibility("default"))) int va_test_sleep_ms(struct vaccel_arg *read, size_t nr_read,
							    struct vaccel_arg *write, size_t nr_write)
{
	uint32_t ms;
	if (nr_read != 1 || read[0].size != sizeof ms)
		return VACCEL_EINVAL;
	memcpy(&ms, read[0].buf, sizeof ms);
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0)
		;
	if (nr_write >= 1 && write[0].size >= 1)
		memset(write[0].buf, 1, write[0].size);
	return VACCEL_OK;
}
