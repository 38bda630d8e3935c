/* SPDX-License-Identifier: Apache-2.0 */
/* Open a session and run the no-op operation. */
#include <stdio.h>
#include <vaccel.h>

int main(void)
{
	struct vaccel_session sess;
	int ret = vaccel_session_init(&sess, 0);
	if (ret) {
		fprintf(stderr, "session init failed: %d\n", ret);
		return 1;
	}
	printf("Initialized session with id: %lld\n", (long long)sess.id);
	ret = vaccel_noop(&sess);
	if (ret)
		fprintf(stderr, "noop failed: %d (%s)\n", ret, vaccel_last_error());
	else
		printf("noop: OK (plugin %s)\n", vaccel_last_op_plugin());
	vaccel_session_release(&sess);
	return ret ? 1 : 0;
}
