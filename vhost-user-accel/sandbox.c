// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost-user-accel: unprivileged user, no_new_privs, private /tmp, rlimits,
 * and a libseccomp allow-list whose default action kills the process.
 *
 * The seccomp filter covers the daemon and everything the guest can make it
 * run: host-backend, the vAccel runtime, its plugins, and host libraries
 * that OP_EXEC loads from the allow-list. Threads may be created (the
 * runtime and OpenBLAS start workers) but not processes, and nothing may be
 * executed: a fork(), vfork() or execve() reached from any of that code
 * kills the daemon with SIGSYS, and only the daemon.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

/* Everything the daemon, libvhost-user, host-backend, the runtime and the
 * noop/exec/cpu plugins need (measured: see README.md). */
static const char *const base_syscalls[] = {
	/* I/O on descriptors we hold: vhost-user socket, eventfds, files */
	"read", "write", "readv", "writev", "pread64", "pwrite64", "close",
	"lseek", "fcntl", "dup", "dup3", "recvmsg", "sendmsg", "poll",
	"ppoll", "eventfd2", "pipe2",
	/* files: dlopen of plugins and allow-listed libraries, the runtime's
	 * rundir in the private /tmp */
	"openat", "newfstatat", "fstat", "statx", "faccessat", "faccessat2",
	"access", "readlink", "readlinkat", "getdents64", "getcwd", "mkdir",
	"mkdirat", "unlink", "unlinkat", "rmdir", "rename", "renameat",
	"renameat2", "ftruncate", "fsync", "fdatasync", "fstatfs", "statfs",
	/* memory: guest RAM mappings, allocators, dlopen */
	"mmap", "munmap", "mprotect", "mremap", "madvise", "brk",
	/* memory placement: OpenBLAS binds its buffers (cpu plugin) */
	"mbind", "get_mempolicy", "set_mempolicy",
	/* the runtime loads LIB resources sent by content from a memfd */
	"memfd_create",
	/* threads and time */
	"futex", "set_robust_list", "get_robust_list", "rseq", "gettid",
	"getpid", "tgkill", "sched_yield", "sched_getaffinity", "getcpu",
	"sched_getparam", "sched_getscheduler",
	"nanosleep", "clock_nanosleep", "clock_gettime", "clock_getres",
	"gettimeofday", "exit", "exit_group", "rt_sigaction",
	"rt_sigprocmask", "rt_sigreturn", "sigaltstack", "restart_syscall",
	/* identity and system facts libraries ask for */
	"getuid", "geteuid", "getgid", "getegid", "getrandom", "uname",
	"sysinfo", "prlimit64", "getrlimit", "getpriority", "membarrier",
};

/* What GPU runtimes additionally need: device ioctls, pinned memory,
 * affinity. Not measured here (no GPU, see README.md). */
static const char *const gpu_syscalls[] = {
	"ioctl", "mlock", "munlock", "sched_setaffinity", "setpriority",
	"shmget", "shmat", "shmdt", "shmctl", "socket", "connect",
};

/* --allow-spawn: PoCL (the opencl plugin on CPUs) links each kernel it
 * compiles by running the system linker. The child inherits the filter. */
static const char *const spawn_syscalls[] = {
	"execve", "wait4", "vfork", "arch_prctl", "set_tid_address", "chmod",
	"fchmod", "umask", "getrusage", "getppid", "dup2",
};

static int add_names(scmp_filter_ctx ctx, const char *const *names,
		     size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name(names[i]);

		if (nr == __NR_SCMP_ERROR)
			continue; /* not a syscall on this architecture */
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0) {
			vua_err("seccomp: cannot allow %s", names[i]);
			return -1;
		}
	}
	return 0;
}

static bool plugins_mention(const struct vua_options *o, const char *what)
{
	const char *p = o->plugins ? o->plugins : getenv("VACCEL_PLUGINS");

	return p && strstr(p, what);
}

int vua_sandbox_seccomp(const struct vua_options *o, int listen_fd)
{
	uint32_t deny = o->seccomp == VUA_SECCOMP_LOG ? SCMP_ACT_LOG :
			SCMP_ACT_KILL_PROCESS;
	scmp_filter_ctx ctx;
	int ret = -1;

	if (o->seccomp == VUA_SECCOMP_OFF) {
		vua_warn("seccomp is off: host code may run any syscall");
		return 0;
	}
	ctx = seccomp_init(deny);
	if (!ctx) {
		vua_err("seccomp_init failed");
		return -1;
	}
	/* Apply to the worker threads that already exist, too. */
	if (seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1) < 0)
		goto out;
	if (add_names(ctx, base_syscalls, sizeof(base_syscalls) /
		      sizeof(base_syscalls[0])) < 0)
		goto out;
	if (plugins_mention(o, "opencl") || plugins_mention(o, "cuda")) {
		if (add_names(ctx, gpu_syscalls, sizeof(gpu_syscalls) /
			      sizeof(gpu_syscalls[0])) < 0)
			goto out;
	} else if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1,
				    SCMP_A1(SCMP_CMP_EQ, TCGETS)) < 0) {
		/* isatty(): stdio asks it when a plugin prints to a terminal */
		goto out;
	}
	if (o->allow_spawn) {
		if (add_names(ctx, spawn_syscalls, sizeof(spawn_syscalls) /
			      sizeof(spawn_syscalls[0])) < 0 ||
		    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 0) < 0)
			goto out;
		vua_warn("--allow-spawn: host code may start programs (as this "
			 "user, no_new_privs, same filter)");
	} else if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				    SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD,
					    CLONE_THREAD)) < 0) {
		/* New threads only: clone() must carry CLONE_THREAD. */
		goto out;
	}
	/* clone3's flags live in memory the filter cannot read: glibc falls
	 * back to clone() on ENOSYS. */
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
			     0) < 0)
		goto out;
	/* libvhost-user probes userfaultfd (postcopy migration, which the
	 * device blocks anyway): say there is none. */
	if (seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(userfaultfd),
			     0) < 0)
		goto out;
	/* Multi-VM: further VMMs connect to the listening socket. Accepting
	 * anywhere else (a socket host code might create) stays forbidden. */
	if (listen_fd >= 0 &&
	    (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(accept4), 1,
			      SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)listen_fd)) < 0 ||
	     seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(getsockopt), 2,
			      SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET),
			      SCMP_A2(SCMP_CMP_EQ, SO_PEERCRED)) < 0))
		goto out;
	/* Thread names only (the runtime names its workers). */
	if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
			     SCMP_A0(SCMP_CMP_EQ, PR_SET_NAME)) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), 1,
			     SCMP_A0(SCMP_CMP_EQ, PR_GET_NAME)) < 0)
		goto out;
	if (seccomp_load(ctx) < 0) {
		vua_err("seccomp_load: %s", strerror(errno));
		goto out;
	}
	vua_info("seccomp allow-list loaded (%s on violation)",
		 o->seccomp == VUA_SECCOMP_LOG ? "log" : "kill");
	ret = 0;
out:
	if (ret)
		vua_err("seccomp: building the filter failed");
	seccomp_release(ctx);
	return ret;
}

/* A tmpfs on /tmp in a new mount namespace, or (unprivileged) a fresh
 * 0700 directory as TMPDIR. The runtime keeps its rundir there. */
static int private_tmp(const struct vua_options *o, uid_t uid, gid_t gid)
{
	char data[96];

	unsetenv("XDG_RUNTIME_DIR");
	if (geteuid() != 0) {
		char tmpl[] = "/tmp/vhost-user-accel.XXXXXX";

		if (!mkdtemp(tmpl)) {
			vua_err("private tmp: mkdtemp: %s", strerror(errno));
			return -1;
		}
		setenv("TMPDIR", tmpl, 1);
		vua_info("not root: private tmp is %s (no mount namespace)",
			 tmpl);
		return 0;
	}
	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		vua_err("private tmp: mount namespace: %s", strerror(errno));
		return -1;
	}
	snprintf(data, sizeof(data), "size=%llum,mode=0700,uid=%u,gid=%u",
		 (unsigned long long)o->tmp_size_mib, (unsigned)uid,
		 (unsigned)gid);
	/* Not noexec: the runtime dlopen()s LIB resources from its rundir. */
	if (mount("vhost-user-accel-tmp", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
		  data) < 0) {
		vua_err("private tmp: mount tmpfs on /tmp: %s", strerror(errno));
		return -1;
	}
	unsetenv("TMPDIR");
	return 0;
}

static int set_limit(int what, const char *name, uint64_t value)
{
	struct rlimit rl = { value, value };

	if (setrlimit(what, &rl) < 0) {
		vua_err("setrlimit(%s): %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

int vua_sandbox_enter(const struct vua_options *o, int socket_fd)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	struct passwd *pw = NULL;

	if (uid == 0) {
		pw = getpwnam(o->user);
		if (!pw) {
			vua_err("--user %s: no such user", o->user);
			return -1;
		}
		uid = pw->pw_uid;
		gid = pw->pw_gid;
		if (uid == 0)
			vua_warn("--user %s is root: running privileged",
				 o->user);
		/* The VMM reconnects to the socket the restarted daemon
		 * re-creates; let the unprivileged daemon own it. */
		if (fchown(socket_fd, uid, gid) < 0 ||
		    chown(o->socket_path, uid, gid) < 0)
			vua_warn("chown %s: %s", o->socket_path,
				 strerror(errno));
	}
	if (o->private_tmp && private_tmp(o, uid, gid) < 0)
		return -1;
	if (pw && (setgroups(0, NULL) < 0 || setgid(gid) < 0 ||
		   setuid(uid) < 0)) {
		vua_err("dropping to user %s: %s", o->user, strerror(errno));
		return -1;
	}
	if (pw && uid != 0 && setuid(0) == 0) {
		vua_err("could regain root after dropping privileges");
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		vua_err("no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (set_limit(RLIMIT_CORE, "CORE", 0) < 0 ||
	    set_limit(RLIMIT_NOFILE, "NOFILE", o->max_open_files) < 0 ||
	    (o->max_memory_mib &&
	     set_limit(RLIMIT_AS, "AS", o->max_memory_mib << 20) < 0))
		return -1;
	vua_info("sandbox: uid %u gid %u, no_new_privs, %s /tmp, "
		 "RLIMIT_NOFILE %llu%s", (unsigned)getuid(), (unsigned)getgid(),
		 o->private_tmp ? "private" : "host",
		 (unsigned long long)o->max_open_files,
		 o->max_memory_mib ? ", RLIMIT_AS set" : "");
	return 0;
}
