/* SPDX-License-Identifier: Apache-2.0 */
/* Call mytestfunc() from a shared library N times through vaccel_exec.
 * Usage: exec <path/to/libmytestlib.so> <iterations> */
#include <stdio.h>
#include <stdlib.h>
#include <vaccel.h>

int main(int argc, char *argv[])
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s <library> <iterations>\n", argv[0]);
		return 1;
	}
	struct vaccel_session sess;
	int ret = vaccel_session_init(&sess, 0);
	if (ret) {
		fprintf(stderr, "session init failed: %d\n", ret);
		return 1;
	}
	int input = 10, output = 0;
	struct vaccel_arg read[1] = { { .buf = &input, .size = sizeof(input) } };
	struct vaccel_arg write[1] = { { .buf = &output, .size = sizeof(output) } };
	for (int i = 0; i < atoi(argv[2]); ++i) {
		ret = vaccel_exec(&sess, argv[1], "mytestfunc", read, 1, write, 1);
		if (ret) {
			fprintf(stderr, "exec failed: %d (%s)\n", ret,
				vaccel_last_error());
			break;
		}
	}
	if (!ret)
		printf("output(2x%d): %d\n", input, output);
	vaccel_session_release(&sess);
	return ret ? 1 : 0;
}
