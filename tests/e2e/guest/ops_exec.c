/* SPDX-License-Identifier: Apache-2.0 */
/* EXEC (host library on the device's allow-list; the same file exists at the
 * same path in the guest) and EXEC_WITH_RESOURCE (the guest's library sent
 * by content; needs allow-guest-code=on on the device). Device vs the guest's
 * own exec plugin. */
#include <string.h>

#include "e2e.h"
#include "ops.h"

/* One exec through both sessions; returns 1 if both returned `expect` and
 * produced the same output. */
static void exec_pair(struct vaccel_session *rs, struct vaccel_session *ls,
		      const char *name, const char *lib, const char *sym,
		      int expect)
{
	int in[100], outr[100], outl[100];
	for (int i = 0; i < 100; ++i)
		in[i] = i * 7 - 300;
	memset(outr, 0, sizeof outr);
	memset(outl, 0, sizeof outl);
	/* mytestfunc takes one int, the others an int array */
	size_t sz = strcmp(sym, "mytestfunc") ? sizeof in : sizeof(int);
	struct vaccel_arg rd[1] = {{in, sz, VACCEL_ARG_INT32_ARRAY, 0, false}};
	struct vaccel_arg wr[1] = {{outr, sz, VACCEL_ARG_INT32_ARRAY, 0, false}};
	int rr = vaccel_exec(rs, lib, sym, rd, 1, wr, 1);
	const char *who = e2e_executor();
	wr[0].buf = outl;
	int rl = vaccel_exec(ls, lib, sym, rd, 1, wr, 1);
	if (rr != expect || rl != expect) {
		e2e_fail(name, "remote %d local %d, expected %d", rr, rl,
			 expect);
		return;
	}
	if (expect == VACCEL_OK)
		e2e_check(!memcmp(outr, outl, sz) && !strcmp(who, "exec"),
			  name, "outputs differ or executor '%s' != exec",
			  who);
	else
		e2e_pass(name);
}

static void exec_with_resource(const struct ops_config *c,
			       struct vaccel_session *rs,
			       struct vaccel_session *ls)
{
	const char *name = "exec_with_resource";
	if (!strcmp(c->guest_code, "skip")) {
		e2e_skip(name, "not configured for this VM");
		return;
	}
	struct vaccel_resource res;
	int ret = vaccel_resource_init(&res, c->lib, VACCEL_RESOURCE_LIB);
	if (ret) {
		e2e_fail(name, "resource init from %s: %d", c->lib, ret);
		return;
	}
	int reg_r = vaccel_resource_register(&res, rs);
	int reg_l = vaccel_resource_register(&res, ls);
	if (reg_r || reg_l) {
		e2e_fail(name, "register remote %d local %d", reg_r, reg_l);
		goto out;
	}
	e2e_check(res.remote_id > 0, "resource.remote_id",
		  "remote id %lld after registration", (long long)res.remote_id);
	int in = 21, outr = 0, outl = 0;
	struct vaccel_arg rd[1] = {{&in, sizeof in, VACCEL_ARG_INT32, 0, false}};
	struct vaccel_arg wr[1] = {{&outr, sizeof outr, VACCEL_ARG_INT32, 0, false}};
	int rr = vaccel_exec_with_resource(rs, &res, "mytestfunc", rd, 1, wr, 1);
	const char *who = e2e_executor();
	wr[0].buf = &outl;
	int rl = vaccel_exec_with_resource(ls, &res, "mytestfunc", rd, 1, wr, 1);
	if (!strcmp(c->guest_code, "ok"))
		e2e_check(!rr && !rl && outr == 42 && outl == 42 &&
				  !strcmp(who, "exec"),
			  name, "remote %d (%d, by '%s') local %d (%d)", rr,
			  outr, who, rl, outl);
	else
		/* Refused by the host: ENOTSUP when the device does not
		 * offer the op (allow-guest-code=off: the driver filters by
		 * supported_ops), EPERM when the host runtime's exec policy
		 * refuses in-memory libraries (an exec allow-list is set). */
		e2e_check((rr == VACCEL_ENOTSUP || rr == VACCEL_EPERM) &&
				  !rl && outl == 42,
			  "exec_with_resource.refused",
			  "remote %d (want ENOTSUP %d or EPERM %d) local %d",
			  rr, VACCEL_ENOTSUP, VACCEL_EPERM, rl);
	e2e_check(!vaccel_resource_unregister(&res, rs) &&
			  !vaccel_resource_unregister(&res, ls),
		  "resource.unregister", "unregister failed");
out:
	if (!reg_r && vaccel_resource_refcount(&res))
		vaccel_resource_unregister(&res, rs);
	vaccel_resource_release(&res);
}

void ops_exec(const struct ops_config *c)
{
	struct vaccel_session rs, ls;
	/* GENERIC: prefer the exec plugin over noop's dummy exec, on the
	 * host (the hint travels with SESSION_CREATE) and in the guest. */
	e2e_remote(&rs, VACCEL_PLUGIN_GENERIC);
	e2e_local(&ls, VACCEL_PLUGIN_GENERIC);
	if (!c->lib) {
		e2e_skip("exec", "no --lib given");
	} else {
		exec_pair(&rs, &ls, "exec.mytestfunc", c->lib, "mytestfunc",
			  VACCEL_OK);
		exec_pair(&rs, &ls, "exec.reverse", c->lib,
			  "mytestfunc_reverse", VACCEL_OK);
		exec_pair(&rs, &ls, "exec.fn_fails_enoexec", c->lib,
			  "mytestfunc_fail", VACCEL_ENOEXEC);
		exec_pair(&rs, &ls, "exec.missing_symbol", c->lib,
			  "no_such_symbol", VACCEL_EINVAL);
		exec_with_resource(c, &rs, &ls);
	}
	if (c->denied_lib) {
		int x = 1, y = 0;
		struct vaccel_arg rd[1] = {{&x, sizeof x, VACCEL_ARG_INT32, 0, false}};
		struct vaccel_arg wr[1] = {{&y, sizeof y, VACCEL_ARG_INT32, 0, false}};
		int rr = vaccel_exec(&rs, c->denied_lib, "mytestfunc", rd, 1,
				     wr, 1);
		e2e_check(rr == VACCEL_EPERM, "exec.not_on_allowlist_eperm",
			  "remote exec of %s returned %d, want %d",
			  c->denied_lib, rr, VACCEL_EPERM);
	}
	vaccel_session_release(&rs);
	vaccel_session_release(&ls);
}

void ops_exec_res(const struct ops_config *c)
{
	struct vaccel_session rs, ls;
	e2e_remote(&rs, VACCEL_PLUGIN_GENERIC);
	e2e_local(&ls, VACCEL_PLUGIN_GENERIC);
	exec_with_resource(c, &rs, &ls);
	vaccel_session_release(&rs);
	vaccel_session_release(&ls);
}

void ops_exec_disabled(const struct ops_config *c)
{
	struct vaccel_session rs;
	e2e_remote(&rs, VACCEL_PLUGIN_GENERIC);
	int x = 1, y = 0;
	struct vaccel_arg rd[1] = {{&x, sizeof x, VACCEL_ARG_INT32, 0, false}};
	struct vaccel_arg wr[1] = {{&y, sizeof y, VACCEL_ARG_INT32, 0, false}};
	int rr = vaccel_exec(&rs, c->lib, "mytestfunc", rd, 1, wr, 1);
	e2e_check(rr == VACCEL_ENOTSUP, "exec.no_allowlist_enotsup",
		  "exec on a device without an allow-list returned %d, want %d",
		  rr, VACCEL_ENOTSUP);
	vaccel_session_release(&rs);
}
