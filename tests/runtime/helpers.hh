// SPDX-License-Identifier: Apache-2.0
// Shared fixtures for the runtime tests.
#pragma once

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <vaccel.h>

#include <string>
#include <vector>

inline std::string tp_path(const char *name) {
  return std::string(RT_PLUGIN_DIR) + "/lib" + name + ".so";
}

// Bootstraps the runtime with an explicit plugin list (and optional exec
// allow-list), tears it down afterwards.
inline int boot(const std::string &plugins, const char *allow = nullptr, bool profiling = false,
                bool version_ignore = false) {
  struct vaccel_config c;
  int ret = vaccel_config_init(&c, plugins.empty() ? nullptr : plugins.c_str(), VACCEL_LOG_ERROR,
                               nullptr, profiling, version_ignore);
  if (ret) return ret;
  vaccel_config_set_exec_allowlist(&c, allow);
  ret = vaccel_bootstrap_with_config(&c);
  vaccel_config_release(&c);
  return ret;
}

class Runtime : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_EQ(vaccel_cleanup(), VACCEL_OK); }
};

// A session that releases itself.
struct Session {
  vaccel_session s{};
  int rc;
  explicit Session(uint32_t flags = 0) { rc = vaccel_session_init(&s, flags); }
  ~Session() {
    if (rc == VACCEL_OK && s.id > 0) vaccel_session_release(&s);
  }
  vaccel_session *operator&() { return &s; }
};

// Stats struct exported by the test plugins (tests/runtime/plugins).
struct tp_stats {
  int session_init, session_release, session_update;
  int res_register, res_unregister, res_sync;
  size_t last_blob_bytes;
  char last_blob_name[64];
};

inline tp_stats *stats_of(const char *plugin) {
  void *h = dlopen(tp_path(plugin).c_str(), RTLD_NOW | RTLD_NOLOAD);
  if (!h) return nullptr;
  auto fn = reinterpret_cast<tp_stats *(*)()>(dlsym(h, "tp_stats"));
  tp_stats *s = fn ? fn() : nullptr;
  dlclose(h);
  return s;
}

inline std::string all_plugins() { return std::string(RT_NOOP) + ":" + RT_EXEC + ":" + RT_CPU; }
