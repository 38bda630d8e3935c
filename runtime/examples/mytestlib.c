/* SPDX-License-Identifier: Apache-2.0 */
/* A small library for the exec examples and tests. Functions follow the exec
 * convention: int fn(read, nr_read, write, nr_write), 0 on success. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <vaccel.h>

/* write[0] (int) = 2 * read[0] (int), through the deprecated helpers that
 * upstream's test library uses. */
int mytestfunc(struct vaccel_arg *input, size_t nr_in,
	       struct vaccel_arg *output, size_t nr_out)
{
	if (nr_in < 1 || nr_out < 1 || input[0].size != sizeof(int) ||
	    output[0].size != sizeof(int))
		return 1;
	const int *in = vaccel_extract_serial_arg(input, 0);
	int out = 2 * *in;
	return vaccel_write_serial_arg(output, 0, &out) ? 1 : 0;
}

/* write[0] = reverse of read[0] (an int array), via the arg-array API. */
int mytestfunc_reverse(struct vaccel_arg *input, size_t nr_in,
		       struct vaccel_arg *output, size_t nr_out)
{
	if (nr_in < 1 || nr_out < 1 || input[0].size != output[0].size ||
	    input[0].size % sizeof(int))
		return 1;
	const int *in = input[0].buf;
	int *out = output[0].buf;
	size_t n = input[0].size / sizeof(int);
	for (size_t i = 0; i < n; ++i)
		out[i] = in[n - 1 - i];
	return 0;
}

/* Always fails: lets tests check the VACCEL_ENOEXEC path. */
int mytestfunc_fail(struct vaccel_arg *input, size_t nr_in,
		    struct vaccel_arg *output, size_t nr_out)
{
	(void)input;
	(void)nr_in;
	(void)output;
	(void)nr_out;
	return 7;
}
