/* SPDX-License-Identifier: Apache-2.0 */
/* Version of the vAccel API this runtime implements. Plugins record the
 * version they were built against (VACCEL_VERSION) in their descriptor and
 * the runtime refuses a plugin whose major.minor differs (unless
 * VACCEL_VERSION_IGNORE is set). */
#ifndef VACCEL_VERSION_H
#define VACCEL_VERSION_H

#define VACCEL_VERSION_MAJOR 0
#define VACCEL_VERSION_MINOR 8
#define VACCEL_VERSION_PATCH 0
#define VACCEL_VERSION "0.8.0"
/* Older name of the same macro, still used by upstream-style plugins. */
#define VACCELRT_VERSION VACCEL_VERSION

#endif
