// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost-user-accel --max-vms N: many VMMs on one listening socket, one
 * process, one vAccel runtime.
 *
 * The main thread accepts; each connection gets a thread that owns its own
 * libvhost-user device (libvhost-user keeps no global state) and its own
 * host-backend instance. host-backend boots the vAccel runtime once per
 * process, so the plugins are loaded once, before seccomp, by the first
 * instance; later instances only add an engine (session table, quotas,
 * staging budget) and worker threads. One VM's disconnect, reset or protocol
 * error frees only its own instance.
 *
 * Signals: SIGUSR1 logs every VM's counters, SIGTERM/SIGINT end the daemon.
 * They are blocked in every thread (main blocks them before the first
 * thread exists, and threads inherit the mask) and unblocked only inside the
 * main thread's ppoll(), so no VM thread, worker or plugin ever sees EINTR;
 * the handler only writes the signal number to a pipe that ppoll watches.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "virtio_accel_host.h"

#include "log.h"
#include "sandbox.h"
#include "server.h"
#include "vm.h"

struct vua_vm {
	unsigned id;
	int fd;
	pid_t peer;              /* the VMM's pid (SO_PEERCRED), 0 if unknown */
	struct vua_server *srv;
	struct vua_vm *next;
};

static const struct vua_options *opts;
static pthread_mutex_t vms_lock = PTHREAD_MUTEX_INITIALIZER;
static struct vua_vm *vms;       /* connected, under vms_lock */
static unsigned nvms;            /* under vms_lock */
static int sig_pipe[2] = { -1, -1 };
/*
 * One descriptor held back for the day the process runs out: closing it lets
 * accept() take the next connection so that it can be refused (closed, with
 * a log line) instead of waiting in the listen backlog, where its VMM would
 * hang in the vhost-user handshake until some other VM leaves.
 */
static int reserve_fd = -1;

static void on_signal(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	if (write(sig_pipe[1], &c, 1) < 0) {
		/* pipe full: a request of the same kind is pending anyway */
	}
	errno = saved;
}

/* Caller holds vms_lock. A total and, if per_vm, one line per VM, from the
 * host-backend counters of each device. */
static void log_stats_locked(const char *why, bool per_vm)
{
	uint64_t sessions = 0, resources = 0;

	for (struct vua_vm *v = vms; v; v = v->next) {
		struct va_host_stats st;
		uint64_t sh, rh;

		vua_server_stats(v->srv, &st, &sh, &rh);
		sessions += sh;
		resources += rh;
		if (!per_vm)
			continue;
		vua_info("stats: vm %u pid %d: %llu sessions, %llu resources, "
			 "%llu requests, %llu errors, %llu in flight", v->id,
			 (int)v->peer, (unsigned long long)sh,
			 (unsigned long long)rh,
			 (unsigned long long)st.requests,
			 (unsigned long long)st.errors,
			 (unsigned long long)st.in_flight);
	}
	vua_info("stats (%s): %u VM(s) connected, %llu sessions, "
		 "%llu resources held", why, nvms,
		 (unsigned long long)sessions, (unsigned long long)resources);
}

static void *vm_thread(void *arg)
{
	struct vua_vm *v = arg, **pp;
	struct va_host_stats st;
	uint64_t sh, rh;
	int code;

	vua_log_vm = v->id;
	code = vua_server_serve(v->srv, v->fd);

	pthread_mutex_lock(&vms_lock);
	for (pp = &vms; *pp != v; pp = &(*pp)->next)
		;
	*pp = v->next;
	nvms--;
	pthread_mutex_unlock(&vms_lock);

	/* What the VM left open is released with its device. */
	vua_server_stats(v->srv, &st, &sh, &rh);
	vua_server_free(v->srv); /* closes v->fd */
	vua_info("disconnected (%s): released its device with %llu session(s)"
		 " and %llu resource(s) still open",
		 code == VUA_EXIT_OK ? "VMM closed the connection" :
		 code == VUA_EXIT_RESET_TIMEOUT ? "reset timeout" :
		 code == VUA_EXIT_PROTOCOL ? "protocol error" :
		 code == VUA_EXIT_SETUP ? "setup failed" : "I/O error",
		 (unsigned long long)sh, (unsigned long long)rh);
	vua_log_vm = 0;
	pthread_mutex_lock(&vms_lock);
	log_stats_locked("after a disconnect", false);
	pthread_mutex_unlock(&vms_lock);
	free(v);
	return NULL;
}

static pid_t peer_pid(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return 0;
	return cred.pid;
}

/* A connection: its own device and thread, or closed when N are served. */
static void admit(int fd, unsigned id, struct vua_server **spare)
{
	struct vua_vm *v;
	pthread_attr_t attr;
	pthread_t t;
	bool full;

	pthread_mutex_lock(&vms_lock);
	full = nvms >= opts->max_vms;
	pthread_mutex_unlock(&vms_lock);
	if (full) {
		vua_warn("connection refused: %u VM(s) already served "
			 "(--max-vms)", opts->max_vms);
		close(fd);
		return;
	}
	v = calloc(1, sizeof(*v));
	if (!v) {
		vua_err("connection refused: out of memory");
		close(fd);
		return;
	}
	v->id = id;
	v->fd = fd;
	v->peer = peer_pid(fd);
	/* The first device was made before seccomp (it loaded the plugins). */
	v->srv = *spare ? *spare : vua_server_new(opts);
	*spare = NULL;
	if (!v->srv) {
		vua_err("vm %u refused: no device (see above)", id);
		close(fd);
		free(v);
		return;
	}
	vua_server_set_vm(v->srv, id);
	pthread_mutex_lock(&vms_lock);
	v->next = vms;
	vms = v;
	nvms++;
	vua_info("vm %u connected (VMM pid %d): %u of %u VM(s) served", id,
		 (int)v->peer, nvms, opts->max_vms);
	pthread_mutex_unlock(&vms_lock);

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, vm_thread, v) != 0) {
		vua_err("vm %u refused: cannot start its thread", id);
		pthread_mutex_lock(&vms_lock);
		vms = v->next; /* still first: only this thread inserts */
		nvms--;
		pthread_mutex_unlock(&vms_lock);
		vua_server_free(v->srv);
		close(fd);
		free(v);
	}
	pthread_attr_destroy(&attr);
}

/*
 * Out of descriptors with a connection pending: spend the reserve on taking
 * it, close it with the reason logged, then hold a descriptor back again.
 * Returns false if the reserve is gone (another thread took the descriptor
 * it freed); the caller then backs off and retries.
 */
static bool refuse_with_reserve(int lfd)
{
	int err = errno;
	int fd;

	if (reserve_fd < 0)
		return false;
	close(reserve_fd);
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (fd >= 0) {
		vua_err("connection refused: no descriptor left for its "
			"device (accept: %s; see --max-open-files %llu)",
			strerror(err),
			(unsigned long long)opts->max_open_files);
		close(fd);
	}
	/* dup of an open pipe end: no open() under seccomp needed */
	reserve_fd = fcntl(sig_pipe[0], F_DUPFD_CLOEXEC, 0);
	return reserve_fd >= 0;
}

static void handled_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGUSR1);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
}

void vua_vms_block_signals(void)
{
	sigset_t set;

	handled_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int vua_serve_vms(const struct vua_options *o, int lfd,
		  struct vua_server *first)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t during_poll;
	unsigned next_id = 1;
	bool backoff = false, failing = false;

	opts = o;
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0) {
		vua_err("pipe: %s", strerror(errno));
		return VUA_EXIT_SETUP;
	}
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* The mask ppoll() waits with: today's, less the handled signals. */
	pthread_sigmask(SIG_SETMASK, NULL, &during_poll);
	sigdelset(&during_poll, SIGUSR1);
	sigdelset(&during_poll, SIGTERM);
	sigdelset(&during_poll, SIGINT);
	reserve_fd = fcntl(sig_pipe[0], F_DUPFD_CLOEXEC, 0);
	if (reserve_fd < 0) {
		vua_err("reserve descriptor: %s", strerror(errno));
		return VUA_EXIT_SETUP;
	}
	/* Every VM shares this filter; accept4 only on the listening socket. */
	if (vua_sandbox_seccomp(o, lfd) < 0)
		return VUA_EXIT_SETUP;
	/* Measured: 6 descriptors per VM with one queue (connection, its
	 * completion eventfd, kick and call eventfds, guest memory regions). */
	if ((uint64_t)o->max_vms * (4 + 2 * o->num_queues) + 32 >
	    o->max_open_files)
		vua_warn("--max-open-files %llu may not hold %u VMs (about %u "
			 "descriptors each): raise it",
			 (unsigned long long)o->max_open_files, o->max_vms,
			 4 + 2 * o->num_queues);
	vua_info("serving up to %u VM(s)", o->max_vms);

	for (;;) {
		/* After an accept failure for lack of descriptors or memory
		 * the pending connection stays readable: leave it for a
		 * while instead of spinning on it. */
		struct timespec pause = { 0, 200 * 1000 * 1000 };
		struct pollfd p[2] = { { .fd = backoff ? -1 : lfd,
					 .events = POLLIN },
				       { .fd = sig_pipe[0], .events = POLLIN } };
		unsigned char sig;
		int n = ppoll(p, 2, backoff ? &pause : NULL, &during_poll);

		if (n == 0) {
			backoff = false;
			continue;
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			vua_err("poll: %s", strerror(errno));
			return VUA_EXIT_RUNTIME;
		}
		while (p[1].revents && read(sig_pipe[0], &sig, 1) == 1) {
			pthread_mutex_lock(&vms_lock);
			log_stats_locked(sig == SIGUSR1 ? "SIGUSR1" :
					 "terminating", true);
			pthread_mutex_unlock(&vms_lock);
			/* The process ends with every VM's mappings and
			 * threads; their VMMs see a disconnect. */
			if (sig != SIGUSR1)
				_exit(VUA_EXIT_OK);
		}
		if (p[0].revents) {
			int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

			if (fd < 0) {
				if (errno == EINTR || errno == EAGAIN ||
				    errno == ECONNABORTED)
					continue;
				if ((errno == EMFILE || errno == ENFILE) &&
				    refuse_with_reserve(lfd))
					continue;
				/* ENOMEM, ENOBUFS, or no reserve left:
				 * retried every 200 ms, logged once per
				 * episode. */
				if (!failing)
					vua_warn("accept: %s (see "
						 "--max-open-files); retrying",
						 strerror(errno));
				failing = backoff = true;
				continue;
			}
			failing = false;
			admit(fd, next_id++, &first);
		}
	}
}
