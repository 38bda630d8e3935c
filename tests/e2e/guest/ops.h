/* SPDX-License-Identifier: Apache-2.0 */
/* The groups of e2e_ops: each runs one family of ops through the device and
 * natively in the same guest and compares (results, return codes, executor). */
#ifndef E2E_OPS_H
#define E2E_OPS_H

struct ops_config {
	const char *lib;        /* exec library on the device's allow-list */
	const char *denied_lib; /* a library NOT on the allow-list */
	/* expected outcome of exec_with_resource through the device: "ok",
	 * "refused" (ENOTSUP or EPERM), "skip" */
	const char *guest_code;
	int big;                /* run the multi-MiB transfers */
};

void ops_numeric(const struct ops_config *c);
void ops_exec(const struct ops_config *c);
/* EXEC_WITH_RESOURCE alone (a device with allow-guest-code=on). */
void ops_exec_res(const struct ops_config *c);
/* EXEC on a device without an allow-list: refused with ENOTSUP. */
void ops_exec_disabled(const struct ops_config *c);
void ops_misc(const struct ops_config *c);
/* The plugin's arena (vaccel_virtio_alloc): 16 MiB arraycopy in and out of
 * it; SKIPPED when the driver has no arena. */
void ops_arena(const struct ops_config *c);

#endif
