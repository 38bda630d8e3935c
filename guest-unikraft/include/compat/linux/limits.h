/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Minimal <linux/limits.h> for builds on Unikraft's nolibc, which has none.
 * runtime/include/vaccel/session.h includes it, as upstream's does, for
 * PATH_MAX (the size of struct vaccel_session's rundir). Linux's values, so
 * the struct has the same layout on both guests. On the include path only
 * when CONFIG_LIBNOLIBC is set.
 */
#ifndef VACCEL_UK_COMPAT_LINUX_LIMITS_H
#define VACCEL_UK_COMPAT_LINUX_LIMITS_H
#ifndef PATH_MAX
#define PATH_MAX 4096
#endif
#ifndef NAME_MAX
#define NAME_MAX 255
#endif
#endif
