/* SPDX-License-Identifier: Apache-2.0 */
/* Issue 9 item 7: the noop plugin, built with UBSan (trapping), serves every
 * op whose buffers sit at odd offsets, with extreme int arguments. */
#include <vaccel.h>
#include <stdio.h>
#include <string.h>
#include <stdint.h>
int main(void) {
	struct vaccel_session s;
	if (vaccel_session_init(&s, 0)) return 1;
	_Alignas(16) unsigned char buf[4096];
	memset(buf, 1, sizeof buf);
	/* odd offsets everywhere, huge values */
	float *a = (float *)(buf + 1), *b = (float *)(buf + 203), *c = (float *)(buf + 405);
	int *ia = (int *)(buf + 607), *ib = (int *)(buf + 809);
	int r = 0;
	r |= vaccel_fpga_vadd(&s, a, b, c, 40, 40);
	r |= vaccel_fpga_mmult(&s, a, b, c, 40);
	r |= vaccel_fpga_parallel(&s, a, b, c, (float *)(buf + 1001), 40);
	r |= vaccel_fpga_arraycopy(&s, ia, ib, 40);
	struct vaccel_arg rd = {buf + 3, 40, VACCEL_ARG_RAW, 0, false};
	struct vaccel_arg wr = {buf + 2001, 40, VACCEL_ARG_RAW, 0, false};
	r |= vaccel_exec(&s, "/x.so", "f", &rd, 1, &wr, 1);
	struct vaccel_arg ow = {buf + 2501, 13, VACCEL_ARG_RAW, 0, false};
	r |= vaccel_opencv(&s, &rd, 1, &ow, 1);
	double *in = (double *)(buf + 3001), *out = (double *)(buf + 3203);
	double mn, mx;
	r |= vaccel_minmax(&s, in, 20, -2147483647, 2147483647, out, &mn, &mx);
	vaccel_session_release(&s);
	printf("rc %d\n", r);
	return r != 0;
}
