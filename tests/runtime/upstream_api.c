/* SPDX-License-Identifier: Apache-2.0 */
/* Written only against upstream vAccel's documented C API (sessions,
 * resources, arg arrays, exec, exec_with_resource, sgemm, noop, profiling):
 * must compile as C17 against our headers unchanged and run.
 * Usage: upstream_api_c <path of libmytestlib.so>; plugins via VACCEL_PLUGINS
 * (noop, exec and cpu). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vaccel.h>

#define CHECK(cond)                                                          \
	do {                                                                 \
		if (!(cond)) {                                               \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, \
				__LINE__, #cond);                            \
			return 1;                                            \
		}                                                            \
	} while (0)

static struct vaccel_prof_region whole = VACCEL_PROF_REGION_INIT("whole");

int main(int argc, char **argv)
{
	CHECK(argc == 2);
	const char *lib = argv[1];
	CHECK(vaccel_prof_region_start(&whole) == VACCEL_OK);

	struct vaccel_session sess;
	CHECK(vaccel_session_init(&sess, 0) == VACCEL_OK);
	printf("session id: %lld\n", (long long)sess.id);
	CHECK(vaccel_noop(&sess) == VACCEL_OK);

	/* exec with a plain arg array, as upstream's examples do */
	int input = 10, output = 0;
	struct vaccel_arg read[1] = { { .size = sizeof(input), .buf = &input } };
	struct vaccel_arg write[1] = { { .size = sizeof(output), .buf = &output } };
	struct vaccel_session gsess;
	CHECK(vaccel_sess_init(&gsess, VACCEL_PLUGIN_GENERIC) == VACCEL_OK);
	CHECK(vaccel_exec(&gsess, lib, "mytestfunc", read, 1, write, 1) ==
	      VACCEL_OK);
	CHECK(output == 20);

	/* exec_with_resource with a LIB resource */
	struct vaccel_resource object;
	CHECK(vaccel_resource_init(&object, lib, VACCEL_RESOURCE_LIB) ==
	      VACCEL_OK);
	CHECK(vaccel_resource_register(&object, &gsess) == VACCEL_OK);
	CHECK(vaccel_session_has_resource(&gsess, &object));
	input = 21;
	CHECK(vaccel_exec_with_resource(&gsess, &object, "mytestfunc", read, 1,
					write, 1) == VACCEL_OK);
	CHECK(output == 42);
	CHECK(vaccel_resource_unregister(&object, &gsess) == VACCEL_OK);
	CHECK(vaccel_resource_release(&object) == VACCEL_OK);

	/* arg array: pack, then read back */
	struct vaccel_arg_array args;
	CHECK(vaccel_arg_array_init(&args, 2) == VACCEL_OK);
	int32_t n = 7;
	float vals[3] = { 1.0f, 2.0f, 3.0f };
	char name[] = "vaccel";
	CHECK(vaccel_arg_array_add_int32(&args, &n) == VACCEL_OK);
	CHECK(vaccel_arg_array_add_float_array(&args, vals, 3) == VACCEL_OK);
	CHECK(vaccel_arg_array_add_string(&args, name) == VACCEL_OK);
	int32_t n_out;
	float *v_out;
	size_t count;
	char *s_out;
	CHECK(vaccel_arg_array_get_int32(&args, &n_out) == VACCEL_OK);
	CHECK(vaccel_arg_array_get_float_array(&args, &v_out, &count) ==
	      VACCEL_OK);
	CHECK(vaccel_arg_array_get_string(&args, &s_out) == VACCEL_OK);
	CHECK(n_out == 7 && count == 3 && v_out[2] == 3.0f &&
	      strcmp(s_out, "vaccel") == 0);
	CHECK(vaccel_arg_array_release(&args) == VACCEL_OK);

	/* sgemm, row-major as upstream's example */
	enum { M = 8, N = 6, K = 4 };
	float A[M * K], B[K * N], C[M * N];
	for (int i = 0; i < M * K; ++i)
		A[i] = (float)(i % 5);
	for (int i = 0; i < K * N; ++i)
		B[i] = (float)(i % 3);
	memset(C, 0, sizeof(C));
	struct vaccel_session csess;
	CHECK(vaccel_session_init(&csess, VACCEL_PLUGIN_CPU) == VACCEL_OK);
	CHECK(vaccel_sgemm(&csess, M, N, K, 1.0f, A, K, B, N, 0.0f, C, N) ==
	      VACCEL_OK);
	for (int i = 0; i < M; ++i)
		for (int j = 0; j < N; ++j) {
			float ref = 0;
			for (int p = 0; p < K; ++p)
				ref += A[i * K + p] * B[p * N + j];
			CHECK(C[i * N + j] == ref);
		}

	CHECK(vaccel_session_release(&csess) == VACCEL_OK);
	CHECK(vaccel_sess_free(&gsess) == VACCEL_OK);
	CHECK(vaccel_session_release(&sess) == VACCEL_OK);
	CHECK(vaccel_prof_region_stop(&whole) == VACCEL_OK);
	CHECK(vaccel_prof_region_print(&whole) == VACCEL_OK);
	CHECK(vaccel_prof_region_release(&whole) == VACCEL_OK);
	printf("upstream API program: OK\n");
	return 0;
}
