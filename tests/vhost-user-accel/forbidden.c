/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Host library for the exec plugin whose functions do what the daemon's
 * seccomp allow-list forbids: start a process. Allow-listed in the
 * vhost-user-accel tests, it stands for an exploited or careless host
 * library. Under the sandbox neither call returns: the kernel kills the
 * daemon with SIGSYS. Without it they would succeed, and the functions
 * then report EPERM so that a missing sandbox is visible as an error too.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vaccel/arg.h>

int va_test_fork(struct vaccel_arg *read, size_t nr_read,
		 struct vaccel_arg *write, size_t nr_write)
{
	pid_t pid = fork();

	(void)read; (void)nr_read; (void)write; (void)nr_write;
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return EPERM;
}

int va_test_execve(struct vaccel_arg *read, size_t nr_read,
		   struct vaccel_arg *write, size_t nr_write)
{
	char *const argv[] = { "/bin/true", NULL };
	char *const envp[] = { NULL };

	(void)read; (void)nr_read; (void)write; (void)nr_write;
	execve("/bin/true", argv, envp);
	return EPERM;
}
