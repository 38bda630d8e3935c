// The one exception boundary of the C++ accelerator plugins (cuda, opencl):
// a vAccel op entry point is a C function, so no exception may leave it.
// guarded() runs the op and maps what it throws to a vAccel error code plus
// one log line naming the plugin and the op.
#pragma once

#include <vaccel/error.h>
#include <vaccel/log.h>

#include <exception>
#include <new>
#include <type_traits>

namespace va_plugin {

// Runs f() (returning an int vAccel code, or void for VACCEL_OK) when the
// plugin is `ready`, else VACCEL_ENODEV. `Error` is the plugin's own
// exception type, carrying a vAccel code in code(); ENOTSUP is logged at
// debug level (another plugin may serve the call), every other failure as
// an error. Never lets an exception escape.
template <typename Error, typename F>
int guarded(const char *plugin, const char *op, bool ready, F &&f) noexcept {
  try {
    if (!ready) {
      vaccel_error("[%s] %s: plugin not initialized", plugin, op);
      return VACCEL_ENODEV;
    }
    if constexpr (std::is_void_v<std::invoke_result_t<F>>) {
      f();
      return VACCEL_OK;
    } else {
      return f();
    }
  } catch (const Error &e) {
    if (e.code() == VACCEL_ENOTSUP)
      vaccel_debug("[%s] %s: %s", plugin, op, e.what());
    else
      vaccel_error("[%s] %s: %s", plugin, op, e.what());
    return e.code();
  } catch (const std::bad_alloc &) {
    vaccel_error("[%s] %s: out of host memory", plugin, op);
    return VACCEL_ENOMEM;
  } catch (const std::exception &e) {
    vaccel_error("[%s] %s: %s", plugin, op, e.what());
    return VACCEL_EIO;
  } catch (...) {
    vaccel_error("[%s] %s: unknown failure", plugin, op);
    return VACCEL_EIO;
  }
}

}  // namespace va_plugin
