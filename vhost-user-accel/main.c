// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost-user-accel: a virtio-accel device backend in its own sandboxed
 * process, so that accelerator plugins never run inside the VMM.
 *
 * Order of startup (each step needs the privileges the next one drops):
 * listening socket -> private /tmp, unprivileged user, no_new_privs,
 * rlimits -> host-backend (loads the plugins, starts workers) -> accept the
 * VMM -> seccomp on every thread -> serve. With --max-vms > 1 (vm.c) seccomp
 * comes before the first accept and the daemon serves VMMs until SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "options.h"
#include "sandbox.h"
#include "server.h"
#include "vm.h"

static int listen_on(const char *path, int backlog)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(addr.sun_path)) {
		vua_err("--socket-path %s: longer than %zu bytes", path,
			sizeof(addr.sun_path) - 1);
		return -1;
	}
	strcpy(addr.sun_path, path);
	/* A stale socket of a previous daemon (restart): replace it, but
	 * never remove anything that is not a socket. */
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode)) {
			vua_err("--socket-path %s exists and is not a socket",
				path);
			return -1;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(fd, backlog) < 0) {
		vua_err("--socket-path %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* Owner (the daemon's user, see sandbox) and root only. */
	if (chmod(path, 0600) < 0)
		vua_warn("chmod %s: %s", path, strerror(errno));
	return fd;
}

int main(int argc, char **argv)
{
	struct vua_options opts;
	struct vua_server *srv;
	int lfd, conn, ret;

	ret = vua_parse_options(argc, argv, &opts);
	if (ret)
		return ret > 0 ? VUA_EXIT_OK : VUA_EXIT_USAGE;
	vua_log_level = opts.log_level;
	/* A VMM that goes away must not kill us before we clean up. */
	signal(SIGPIPE, SIG_IGN);

	lfd = listen_on(opts.socket_path, (int)opts.max_vms);
	if (lfd < 0)
		return VUA_EXIT_SETUP;
	if (vua_sandbox_enter(&opts, lfd) < 0)
		return VUA_EXIT_SETUP;
	if (opts.max_vms > 1)
		vua_vms_block_signals();
	srv = vua_server_new(&opts);
	if (!srv)
		return VUA_EXIT_SETUP;

	vua_info("listening on %s", opts.socket_path);
	if (opts.max_vms > 1)
		return vua_serve_vms(&opts, lfd, srv);
	do {
		conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	} while (conn < 0 && errno == EINTR);
	if (conn < 0) {
		vua_err("accept: %s", strerror(errno));
		return VUA_EXIT_SETUP;
	}
	/* One VMM per daemon: nobody else may connect. */
	close(lfd);
	if (vua_sandbox_seccomp(&opts, -1) < 0)
		return VUA_EXIT_SETUP;
	return vua_server_run(srv, conn);
}
