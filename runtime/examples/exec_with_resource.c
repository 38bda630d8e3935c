/* SPDX-License-Identifier: Apache-2.0 */
/* Register a library as a LIB resource (once from its path, once from its
 * bytes in memory) and call mytestfunc() through vaccel_exec_with_resource.
 * Usage: exec_with_resource <path/to/libmytestlib.so> <iterations> */
#include <stdio.h>
#include <stdlib.h>
#include <vaccel.h>

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	void *buf = n > 0 ? malloc((size_t)n) : NULL;
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int run(struct vaccel_session *sess, struct vaccel_resource *res,
	       int iterations)
{
	int input = 10, output = 0, ret = VACCEL_OK;
	struct vaccel_arg read[1] = { { .buf = &input, .size = sizeof(input) } };
	struct vaccel_arg write[1] = { { .buf = &output, .size = sizeof(output) } };
	if ((ret = vaccel_resource_register(res, sess)))
		return ret;
	for (int i = 0; i < iterations && !ret; ++i)
		ret = vaccel_exec_with_resource(sess, res, "mytestfunc", read, 1,
						write, 1);
	if (!ret)
		printf("output(2x%d): %d\n", input, output);
	else
		fprintf(stderr, "exec_with_resource failed: %d (%s)\n", ret,
			vaccel_last_error());
	vaccel_resource_unregister(res, sess);
	return ret;
}

int main(int argc, char *argv[])
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s <library> <iterations>\n", argv[0]);
		return 1;
	}
	struct vaccel_session sess;
	if (vaccel_session_init(&sess, 0))
		return 1;
	struct vaccel_resource from_path, from_mem;
	int ret = vaccel_resource_init(&from_path, argv[1], VACCEL_RESOURCE_LIB);
	if (!ret) {
		ret = run(&sess, &from_path, atoi(argv[2]));
		vaccel_resource_release(&from_path);
	}
	size_t len = 0;
	void *bytes = ret ? NULL : read_file(argv[1], &len);
	if (bytes) {
		ret = vaccel_resource_init_from_buf(&from_mem, bytes, len,
						    VACCEL_RESOURCE_LIB,
						    "libmytestlib.so", true);
		free(bytes);
		if (!ret) {
			ret = run(&sess, &from_mem, atoi(argv[2]));
			vaccel_resource_release(&from_mem);
		}
	}
	vaccel_session_release(&sess);
	return ret ? 1 : 0;
}
