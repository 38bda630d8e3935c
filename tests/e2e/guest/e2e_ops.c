/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every op through the virtio-accel device compared with the same op run
 * natively in the same guest. Needs VACCEL_PLUGINS with the virtio plugin
 * first and the guest's own cpu, noop and exec plugins after it.
 *
 * Usage: e2e_ops [--lib PATH] [--denied-lib PATH]
 *                [--guest-code ok|refused|skip] [--big]
 *                [--groups LIST]   (comma-separated; default
 *                                   misc,numeric,exec,arena; also exec_res,
 *                                   exec_disabled)
 */
#include <stdlib.h>
#include <string.h>

#include "e2e.h"
#include "ops.h"

/* True if `name` is an element of the comma-separated `list`. */
static int in_list(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);
		if (len == n && !strncmp(p, name, n))
			return 1;
		p = e ? e + 1 : NULL;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct ops_config c = {NULL, NULL, "skip", 0};
	const char *groups = "misc,numeric,exec,arena";
	for (int i = 1; i < argc; ++i) {
		if (!strcmp(argv[i], "--lib") && i + 1 < argc)
			c.lib = argv[++i];
		else if (!strcmp(argv[i], "--denied-lib") && i + 1 < argc)
			c.denied_lib = argv[++i];
		else if (!strcmp(argv[i], "--guest-code") && i + 1 < argc)
			c.guest_code = argv[++i];
		else if (!strcmp(argv[i], "--groups") && i + 1 < argc)
			groups = argv[++i];
		else if (!strcmp(argv[i], "--big"))
			c.big = 1;
		else {
			fprintf(stderr, "usage: %s [--lib P] [--denied-lib P] "
				"[--guest-code ok|refused|skip] [--big] "
				"[--groups LIST]\n",
				argv[0]);
			return 2;
		}
	}
	const char *names[8];
	size_t n = 0;
	vaccel_plugin_names(names, 8, &n);
	int have = 0;
	for (size_t i = 0; i < n && i < 8; ++i)
		have |= !strcmp(names[i], "virtio");
	if (!e2e_check(have, "plugin.loaded", "virtio plugin not loaded "
		       "(VACCEL_PLUGINS=%s)", getenv("VACCEL_PLUGINS")))
		return e2e_summary("e2e_ops");
	static const struct {
		const char *name;
		void (*fn)(const struct ops_config *);
	} all[] = {
		{"misc", ops_misc},
		{"numeric", ops_numeric},
		{"exec", ops_exec},
		{"exec_res", ops_exec_res},
		{"exec_disabled", ops_exec_disabled},
		{"arena", ops_arena},
	};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; ++i)
		if (in_list(groups, all[i].name))
			all[i].fn(&c);
	return e2e_summary("e2e_ops");
}
