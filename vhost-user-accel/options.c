// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost-user-accel: command line parsing. Every limit left at 0 means
 * "host-backend's default" (the spec's Limits section).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "options.h"

static const char usage[] =
"Usage: vhost-user-accel --socket-path PATH [options]\n"
"\n"
"Serves virtio-accel devices (virtio device ID 58) to VMMs over the\n"
"vhost-user protocol. VMMs connect to PATH. Accelerator plugins run in this\n"
"process, sandboxed. With --max-vms 1 (default) one VMM is served and the\n"
"daemon exits when it disconnects; with --max-vms N up to N VMMs are served\n"
"at once, each with its own device (sessions, resources, quotas, worker\n"
"threads, reset), all sharing one vAccel runtime, and the daemon keeps\n"
"serving until SIGTERM/SIGINT (exit 0). SIGUSR1 logs every VM's counters.\n"
"\n"
"Device:\n"
"  --socket-path PATH        listening vhost-user socket (required)\n"
"  --plugins LIST            host vAccel plugins, ':'-separated .so paths\n"
"                            (default: $VACCEL_PLUGINS)\n"
"  --exec-allowlist LIST     what exec may call: ':'-separated absolute\n"
"                            library paths, each optionally followed by the\n"
"                            only symbols of it allowed (/lib/a.so:f:g); a\n"
"                            path alone allows only functions defined in\n"
"                            that library (default: none, exec is denied)\n"
"  --allow-guest-code        let exec-with-resource run guest-shipped code\n"
"  --no-profiling            do not offer VIRTIO_ACCEL_F_PROFILING\n"
"  --num-queues N            request virtqueues (default 1)\n"
"  --num-workers N           execution threads, per VM (default:\n"
"                            host-backend's)\n"
"  --max-vms N               VMMs served at once on PATH (1..1024, default\n"
"                            1); a connection beyond N is closed at once.\n"
"                            Quotas below apply to each VM separately\n"
"Quotas (0 or absent: host-backend's default):\n"
"  --max-sessions N          open sessions\n"
"  --max-resources N         registered resources\n"
"  --max-request-bytes N     device-readable bytes per request\n"
"  --max-response-bytes N    device-writable bytes per request\n"
"  --max-resource-bytes N    bytes of all registered resources\n"
"  --max-staging-bytes N     host memory for staged arguments of all requests\n"
"                            in flight; beyond it requests fail with QUOTA\n"
"  --max-op-cost N           multiply-adds one SGEMM/TORCH_SGEMM/FPGA_MMULT\n"
"                            may cost\n"
"Sandbox:\n"
"  --user NAME               user to run as when started as root\n"
"                            (default: nobody)\n"
"  --seccomp MODE            kill (default): a syscall outside the allow-list\n"
"                            kills the daemon; log: allow but log it (to\n"
"                            profile a new plugin); off\n"
"  --allow-spawn             let host code start programs (fork, execve):\n"
"                            PoCL runs the linker for each kernel it builds\n"
"  --no-private-tmp          keep the host's /tmp (default: a private tmpfs)\n"
"  --tmp-size MIB            size of the private /tmp (default 256)\n"
"  --max-open-files N        RLIMIT_NOFILE (default 1024)\n"
"  --max-memory MIB          RLIMIT_AS, guest RAM mappings included\n"
"                            (default: unlimited)\n"
"Other:\n"
"  --reset-timeout MS        longest wait for running operations when the VMM\n"
"                            stops or resets the device; past it the daemon\n"
"                            exits (code 4) so its supervisor restarts it;\n"
"                            with --max-vms > 1 only that VM's device is\n"
"                            reset and its connection closed (default 5000)\n"
"  --log-level LEVEL         error, warning, info (default) or debug\n"
"  -h, --help                this text\n"
"\n"
"Exit codes: 0 VMM disconnected (--max-vms > 1: SIGTERM or SIGINT),\n"
"1 I/O error, 2 usage, 3 setup failed,\n"
"4 reset timeout, 5 vhost-user protocol error; killed by SIGSYS: a syscall\n"
"outside the seccomp allow-list.\n";

enum {
	OPT_SOCKET = 256, OPT_PLUGINS, OPT_ALLOWLIST, OPT_GUEST_CODE,
	OPT_NO_PROF, OPT_QUEUES, OPT_WORKERS, OPT_SESSIONS, OPT_RESOURCES,
	OPT_REQ_BYTES, OPT_RESP_BYTES, OPT_RES_BYTES, OPT_USER, OPT_SECCOMP,
	OPT_NO_TMP, OPT_TMP_SIZE, OPT_NOFILE, OPT_MEMORY, OPT_RESET,
	OPT_LOG, OPT_SPAWN, OPT_STAGING, OPT_OP_COST, OPT_MAX_VMS,
};

static const struct option longopts[] = {
	{ "socket-path", required_argument, NULL, OPT_SOCKET },
	{ "plugins", required_argument, NULL, OPT_PLUGINS },
	{ "exec-allowlist", required_argument, NULL, OPT_ALLOWLIST },
	{ "allow-guest-code", no_argument, NULL, OPT_GUEST_CODE },
	{ "no-profiling", no_argument, NULL, OPT_NO_PROF },
	{ "num-queues", required_argument, NULL, OPT_QUEUES },
	{ "num-workers", required_argument, NULL, OPT_WORKERS },
	{ "max-sessions", required_argument, NULL, OPT_SESSIONS },
	{ "max-resources", required_argument, NULL, OPT_RESOURCES },
	{ "max-request-bytes", required_argument, NULL, OPT_REQ_BYTES },
	{ "max-response-bytes", required_argument, NULL, OPT_RESP_BYTES },
	{ "max-resource-bytes", required_argument, NULL, OPT_RES_BYTES },
	{ "max-staging-bytes", required_argument, NULL, OPT_STAGING },
	{ "max-op-cost", required_argument, NULL, OPT_OP_COST },
	{ "user", required_argument, NULL, OPT_USER },
	{ "seccomp", required_argument, NULL, OPT_SECCOMP },
	{ "no-private-tmp", no_argument, NULL, OPT_NO_TMP },
	{ "tmp-size", required_argument, NULL, OPT_TMP_SIZE },
	{ "max-open-files", required_argument, NULL, OPT_NOFILE },
	{ "max-memory", required_argument, NULL, OPT_MEMORY },
	{ "reset-timeout", required_argument, NULL, OPT_RESET },
	{ "log-level", required_argument, NULL, OPT_LOG },
	{ "allow-spawn", no_argument, NULL, OPT_SPAWN },
	{ "max-vms", required_argument, NULL, OPT_MAX_VMS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The long name of option value c, for messages (the table is not in enum
 * order). */
static const char *option_name(int c)
{
	for (const struct option *o = longopts; o->name; o++)
		if (o->val == c)
			return o->name;
	return "";
}

/* A decimal number in [min, max]; prints why not and returns false. */
static bool parse_u64(const char *opt, const char *s, uint64_t min,
		      uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max) {
		fprintf(stderr,
			"vhost-user-accel: --%s: '%s' is not a number in "
			"[%" PRIu64 ", %" PRIu64 "]\n", opt, s, min, max);
		return false;
	}
	*out = v;
	return true;
}

static bool parse_u32(const char *opt, const char *s, uint32_t min,
		      uint32_t max, uint32_t *out)
{
	uint64_t v;

	if (!parse_u64(opt, s, min, max, &v))
		return false;
	*out = (uint32_t)v;
	return true;
}

static int parse_level(const char *s)
{
	static const char *const names[] = { "error", "warning", "info",
					     "debug" };

	for (int i = 0; i < 4; i++)
		if (!strcmp(s, names[i]))
			return i + 1;
	return -1;
}

int vua_parse_options(int argc, char **argv, struct vua_options *o)
{
	const char *name;
	bool ok = true;
	int c;

	memset(o, 0, sizeof(*o));
	o->profiling = true;
	o->num_queues = 1;
	o->max_vms = 1;
	o->log_level = VUA_LOG_INFO;
	o->reset_timeout_ms = 5000;
	o->user = "nobody";
	o->seccomp = VUA_SECCOMP_KILL;
	o->private_tmp = true;
	o->tmp_size_mib = 256;
	o->max_open_files = 1024;

	while (ok && (c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		name = option_name(c);
		switch (c) {
		case OPT_SOCKET: o->socket_path = optarg; break;
		case OPT_PLUGINS: o->plugins = optarg; break;
		case OPT_ALLOWLIST: o->exec_allowlist = optarg; break;
		case OPT_GUEST_CODE: o->allow_guest_code = true; break;
		case OPT_NO_PROF: o->profiling = false; break;
		case OPT_QUEUES:
			/* QEMU's virtio-pci allows 1024 queues; keep it sane */
			ok = parse_u32(name, optarg, 1, 64, &o->num_queues);
			break;
		case OPT_WORKERS:
			ok = parse_u32(name, optarg, 1, 1024, &o->num_workers);
			break;
		case OPT_MAX_VMS:
			ok = parse_u32(name, optarg, 1, 1024, &o->max_vms);
			break;
		case OPT_SESSIONS:
			ok = parse_u32(name, optarg, 1, UINT32_MAX,
				       &o->max_sessions);
			break;
		case OPT_RESOURCES:
			ok = parse_u32(name, optarg, 1, UINT32_MAX,
				       &o->max_resources);
			break;
		case OPT_REQ_BYTES:
			ok = parse_u64(name, optarg, 1, UINT32_MAX,
				       &o->max_request_bytes);
			break;
		case OPT_RESP_BYTES:
			ok = parse_u64(name, optarg, 1, UINT32_MAX,
				       &o->max_response_bytes);
			break;
		case OPT_RES_BYTES:
			ok = parse_u64(name, optarg, 1, UINT64_MAX,
				       &o->max_resource_bytes);
			break;
		case OPT_STAGING:
			ok = parse_u64(name, optarg, 1, UINT64_MAX,
				       &o->max_staging_bytes);
			break;
		case OPT_OP_COST:
			ok = parse_u64(name, optarg, 1, UINT64_MAX,
				       &o->max_op_cost);
			break;
		case OPT_USER: o->user = optarg; break;
		case OPT_SECCOMP:
			if (!strcmp(optarg, "kill"))
				o->seccomp = VUA_SECCOMP_KILL;
			else if (!strcmp(optarg, "log"))
				o->seccomp = VUA_SECCOMP_LOG;
			else if (!strcmp(optarg, "off"))
				o->seccomp = VUA_SECCOMP_OFF;
			else {
				fprintf(stderr, "vhost-user-accel: --seccomp: "
					"'%s' is not kill, log or off\n", optarg);
				ok = false;
			}
			break;
		case OPT_NO_TMP: o->private_tmp = false; break;
		case OPT_SPAWN: o->allow_spawn = true; break;
		case OPT_TMP_SIZE:
			ok = parse_u64(name, optarg, 1, 1 << 20,
				       &o->tmp_size_mib);
			break;
		case OPT_NOFILE:
			ok = parse_u64(name, optarg, 64, 1 << 20,
				       &o->max_open_files);
			break;
		case OPT_MEMORY:
			ok = parse_u64(name, optarg, 64, 1ull << 30,
				       &o->max_memory_mib);
			break;
		case OPT_RESET:
			ok = parse_u32(name, optarg, 1, 3600 * 1000,
				       &o->reset_timeout_ms);
			break;
		case OPT_LOG:
			o->log_level = parse_level(optarg);
			if (o->log_level < 0) {
				fprintf(stderr, "vhost-user-accel: --log-level: "
					"'%s' is not error, warning, info or "
					"debug\n", optarg);
				ok = false;
			}
			break;
		case 'h':
			fputs(usage, stdout);
			return 1;
		default: /* getopt printed the reason */
			ok = false;
		}
	}
	if (ok && optind < argc) {
		fprintf(stderr, "vhost-user-accel: unexpected argument '%s'\n",
			argv[optind]);
		ok = false;
	}
	if (ok && !o->socket_path) {
		fprintf(stderr, "vhost-user-accel: --socket-path is required\n");
		ok = false;
	}
	if (!ok) {
		fprintf(stderr, "Try 'vhost-user-accel --help'.\n");
		return -1;
	}
	return 0;
}
