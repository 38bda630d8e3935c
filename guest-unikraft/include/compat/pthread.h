/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Minimal <pthread.h> for builds on Unikraft's nolibc, which has none. Only
 * what runtime/include/vaccel/prof.h names: the mutex type of a profiling
 * region. The unikernel library does not lock it (calls are synchronous and
 * the image is single-threaded). Builds with musl/newlib use the real header:
 * this directory is on the include path only when CONFIG_LIBNOLIBC is set.
 */
#ifndef VACCEL_UK_COMPAT_PTHREAD_H
#define VACCEL_UK_COMPAT_PTHREAD_H
typedef struct {
	int unused;
} pthread_mutex_t;
#define PTHREAD_MUTEX_INITIALIZER { 0 }
#endif
