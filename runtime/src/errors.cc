// SPDX-License-Identifier: Apache-2.0
// Per-thread "last error" / "last plugin" state and string interning.
#include <cstdio>
#include <unordered_set>

#include "internal.hh"

namespace vaccel_rt {

namespace {
thread_local std::string t_last_error;
thread_local const char *t_last_plugin = nullptr;
}  // namespace

namespace {
int record(vaccel_log_level_t level, int code, const char *fmt, va_list ap) {
  char buf[512];
  vsnprintf(buf, sizeof(buf), fmt, ap);
  t_last_error = buf;
  vaccel_log(level, "%s", buf);
  return code;
}
}  // namespace

int fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  record(VACCEL_LOG_ERROR, code, fmt, ap);
  va_end(ap);
  return code;
}

int quiet_fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  record(VACCEL_LOG_DEBUG, code, fmt, ap);
  va_end(ap);
  return code;
}

void begin_call() {
  t_last_error.clear();
  t_last_plugin = nullptr;
}

void set_last_plugin(const char *interned_name) { t_last_plugin = interned_name; }

const char *intern(const std::string &s) {
  // Never destroyed: names handed out must stay valid until exit.
  static auto *mu = new std::mutex;
  static auto *pool = new std::unordered_set<std::string>;
  std::lock_guard<std::mutex> lock(*mu);
  return pool->insert(s).first->c_str();
}

}  // namespace vaccel_rt

extern "C" const char *vaccel_last_error(void) { return vaccel_rt::t_last_error.c_str(); }

extern "C" const char *vaccel_last_op_plugin(void) { return vaccel_rt::t_last_plugin; }
