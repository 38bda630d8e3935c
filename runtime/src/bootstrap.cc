// SPDX-License-Identifier: Apache-2.0
// Load-time bootstrap and exit-time cleanup of the runtime, as upstream
// vAccel 0.8 does them:
//   VACCEL_BOOTSTRAP_ENABLED=0  no bootstrap when libvaccel is loaded; the
//                               application calls vaccel_bootstrap*().
//   VACCEL_CLEANUP_ENABLED=0    nothing is cleaned up at exit.
// Bootstrapping in the constructor (not lazily on the first call) is what
// makes the runtime race-free: the plugin list is complete before any
// application thread can exist. This file is linked last so that its
// constructor runs after the other translation units' static initializers.
#include <cstdlib>
#include <cstring>

#include "internal.hh"

namespace {

bool env_disabled(const char *name) {
  const char *v = getenv(name);
  return v && !strcmp(v, "0");
}

__attribute__((constructor)) void vaccel_load_time_bootstrap() {
  if (env_disabled("VACCEL_BOOTSTRAP_ENABLED")) return;
  // Upstream exit()s the process when this fails; we log it (the error
  // is also what every later call reports) and let the application
  // decide. See runtime/API.md, "Deliberate divergences".
  if (int ret = vaccel_bootstrap())
    vaccel_error("vAccel bootstrap at load time failed (%d): %s", ret, vaccel_last_error());
}

__attribute__((destructor)) void vaccel_exit_cleanup() {
  if (env_disabled("VACCEL_CLEANUP_ENABLED")) return;
  // Only the run directory is removed: dlopen()ed plugins have already
  // run their static destructors by now, so their fini()/dlclose()
  // would be unsafe.
  vaccel_rt::exit_cleanup();
}

}  // namespace
