/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The plugin's arena (vaccel_virtio_alloc, include/vaccel_virtio.h): a
 * 16 MiB vaccel_fpga_arraycopy with input and output inside the arena, the
 * output verified; one with only the input there; an allocation larger than
 * the arena fails cleanly and leaves it usable; a forked child, whose open
 * file is the parent's and holds the parent's arena, gets none (EBUSY) and
 * never the parent's blocks, which it does not have. A driver without arena (INFO
 * arena_max_mib 0) must make vaccel_virtio_alloc fail with EOPNOTSUPP; the
 * transfers are then SKIPPED with that reason.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "e2e.h"
#include "ops.h"

#define BIG (16u << 20)

static void fill(int *a, size_t n, uint32_t seed)
{
	for (size_t i = 0; i < n; ++i)
		a[i] = (int)((uint32_t)i * 2654435761u ^ seed);
}

/* arraycopy of `bytes` from `in` to `out` through the device, verified. */
static void copy_case(struct vaccel_session *rs, const char *name, int *in,
		      int *out, size_t bytes)
{
	size_t n = bytes / sizeof(int);
	fill(in, n, (uint32_t)bytes);
	memset(out, 0xa5, bytes);
	int r = vaccel_fpga_arraycopy(rs, in, out, n);
	const char *who = e2e_executor();
	size_t bad = 0;
	for (size_t i = 0; !r && i < n; ++i)
		bad += out[i] != in[i];
	e2e_check(!r && !bad && !strcmp(who, "cpu"), name,
		  "arraycopy of %zu bytes: %d, %zu of %zu ints differ, "
		  "executed by '%s'",
		  bytes, r, bad, n, who);
}

/* In a child: the arena stays the parent's. Exit status: 0 if alloc failed
 * with EBUSY and nothing is mapped, else 1 + what went wrong. */
static void forked_child(void *parent_block)
{
	pid_t pid = fork();
	if (pid == 0) {
		e2e_arena_free(parent_block); /* not the child's: ignored */
		errno = 0;
		void *p = e2e_arena_alloc(4096);
		int e = errno;
		_exit(p ? 2 : e != EBUSY ? 3 : e2e_arena_bytes() ? 4 : 0);
	}
	int st = -1;
	if (pid > 0)
		waitpid(pid, &st, 0);
	e2e_check(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		  "arena.forked_child_gets_none",
		  "fork %d, child status 0x%x (2: got a block, 3: errno not "
		  "EBUSY, 4: arena bytes not 0)",
		  (int)pid, st);
}

void ops_arena(const struct ops_config *c)
{
	(void)c;
	long max_mib = e2e_arena_max_mib();
	if (max_mib < 0) {
		e2e_fail("arena.info", "INFO ioctl: %s", strerror((int)-max_mib));
		return;
	}
	if (max_mib == 0) {
		/* The plugin must say so cleanly, and map nothing. */
		errno = 0;
		void *p = e2e_arena_alloc(4096);
		int e = errno;
		e2e_check(!p && e == EOPNOTSUPP && !e2e_arena_bytes(),
			  "arena.alloc_without_driver_arena",
			  "vaccel_virtio_alloc: %p, errno %d (%s), arena %zu "
			  "bytes; want NULL, EOPNOTSUPP, 0",
			  p, e, strerror(e), e2e_arena_bytes());
		e2e_skip("arena.arraycopy_16MiB",
			 "the driver has no arena (INFO arena_max_mib 0)");
		e2e_skip("arena.alloc_above_arena",
			 "the driver has no arena (INFO arena_max_mib 0)");
		return;
	}

	struct vaccel_session rs;
	e2e_remote(&rs, VACCEL_PLUGIN_CPU);
	int *in = e2e_arena_alloc(BIG);
	int e_in = errno;
	int *out = e2e_arena_alloc(BIG);
	int e_out = errno;
	size_t arena = e2e_arena_bytes();
	if (in && out) {
		copy_case(&rs, "arena.arraycopy_16MiB", in, out, BIG);
		/* Output outside the arena: the driver handles both kinds of
		 * argument in one request. */
		int *heap = malloc(BIG);
		if (heap)
			copy_case(&rs, "arena.arraycopy_16MiB_output_on_heap",
				  in, heap, BIG);
		else
			e2e_fail("arena.arraycopy_16MiB_output_on_heap",
				 "malloc failed");
		free(heap);
	} else if (arena && arena < 2 * (size_t)BIG) {
		const char *env = getenv("VACCEL_VIRTIO_ARENA_MIB");
		e2e_skip("arena.arraycopy_16MiB",
			 "the arena has %zu bytes (driver max %ld MiB, "
			 "VACCEL_VIRTIO_ARENA_MIB %s): 2 x 16 MiB do not fit",
			 arena, max_mib, env ? env : "unset");
	} else {
		e2e_fail("arena.arraycopy_16MiB",
			 "vaccel_virtio_alloc(16 MiB): in %p (%s), out %p (%s); "
			 "arena %zu bytes, driver max %ld MiB",
			 (void *)in, strerror(e_in), (void *)out,
			 strerror(e_out), arena, max_mib);
	}
	e2e_arena_free(in);
	e2e_arena_free(out);

	/* Larger than the whole arena: NULL and ENOMEM, nothing broken. */
	arena = e2e_arena_bytes();
	errno = 0;
	void *huge = arena ? e2e_arena_alloc(arena + 4096) : NULL;
	int e = errno;
	void *small = e2e_arena_alloc(4096);
	e2e_check(arena && !huge && e == ENOMEM && small,
		  "arena.alloc_above_arena",
		  "arena %zu bytes; alloc(arena + 4 KiB): %p errno %d (%s); "
		  "then alloc(4 KiB): %p",
		  arena, huge, e, strerror(e), small);
	e2e_arena_free(huge);
	if (small)
		forked_child(small);
	e2e_arena_free(small);
	vaccel_session_release(&rs);
}
