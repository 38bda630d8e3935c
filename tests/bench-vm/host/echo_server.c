/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host echo server of `make bench-vm`: the "what users would use instead"
 * endpoints. It echoes every byte back on
 *   - TCP 127.0.0.1:PORT (the guest reaches it over virtio-net + slirp), and
 *   - a unix socket PATH (QEMU connects a virtio-serial port's chardev to it).
 * One thread per connection, blocking I/O, no buffering: a minimal server, so
 * that the comparison measures the transport, not the server.
 *
 * Usage: echo_server PORT UNIX_PATH    (PORT 0: any free port; prints
 * "echo_server: ready port=N" when both listen; runs until killed)
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static void *echo_conn(void *arg)
{
	int fd = (int)(long)arg;
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t off = 0; off < n;) {
			ssize_t w = write(fd, buf + off, (size_t)(n - off));

			if (w <= 0)
				goto out;
			off += w;
		}
	}
out:
	close(fd);
	return NULL;
}

static void *accept_loop(void *arg)
{
	int lfd = (int)(long)arg;

	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		int one = 1;
		pthread_t th;

		if (fd < 0)
			continue;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (pthread_create(&th, NULL, echo_conn, (void *)(long)fd) != 0)
			close(fd);
		else
			pthread_detach(th);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct sockaddr_in in = { .sin_family = AF_INET };
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	int tfd, ufd, one = 1;
	pthread_t th;

	if (argc != 3 || strlen(argv[2]) >= sizeof(un.sun_path)) {
		fprintf(stderr, "usage: echo_server PORT UNIX_PATH\n");
		return 2;
	}
	in.sin_port = htons((unsigned short)atoi(argv[1]));
	in.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only */
	tfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(tfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (tfd < 0 || bind(tfd, (struct sockaddr *)&in, sizeof(in)) ||
	    listen(tfd, 16)) {
		perror("echo_server: tcp");
		return 1;
	}
	strcpy(un.sun_path, argv[2]);
	unlink(argv[2]);
	ufd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ufd < 0 || bind(ufd, (struct sockaddr *)&un, sizeof(un)) ||
	    listen(ufd, 4)) {
		perror("echo_server: unix");
		return 1;
	}
	socklen_t len = sizeof(in);

	getsockname(tfd, (struct sockaddr *)&in, &len);
	pthread_create(&th, NULL, accept_loop, (void *)(long)ufd);
	printf("echo_server: ready port=%u\n", ntohs(in.sin_port));
	fflush(stdout);
	accept_loop((void *)(long)tfd);
	return 0;
}
