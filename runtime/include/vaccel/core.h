/* SPDX-License-Identifier: Apache-2.0 */
/* Runtime lifetime. The runtime bootstraps itself from the environment on
 * first use; call vaccel_bootstrap_with_config() to configure it explicitly
 * (e.g. from device properties) instead. */
#ifndef VACCEL_CORE_H
#define VACCEL_CORE_H

#include "config.h"
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bootstrap from the environment. If already initialized: no-op. */
int vaccel_bootstrap(void);
/* Bootstrap with an explicit config (copied). If already initialized the
 * runtime is cleaned up first (VACCEL_EBUSY while sessions are alive).
 * Returns VACCEL_OK, or the first plugin load error (the runtime is still
 * initialized, with the plugins that did load). */
int vaccel_bootstrap_with_config(const struct vaccel_config *config);
/* Unload plugins and free runtime state. VACCEL_EBUSY while sessions or
 * resources are alive. */
int vaccel_cleanup(void);
bool vaccel_is_initialized(void);
/* Private run directory of this process (created on bootstrap). */
const char *vaccel_rundir(void);
/* Active configuration (NULL before bootstrap). Valid until cleanup. */
const struct vaccel_config *vaccel_config(void);

#ifdef __cplusplus
}
#endif

#endif
