// SPDX-License-Identifier: Apache-2.0
// struct vaccel_config: construction from values, environment or a copy.
#include <strings.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "internal.hh"

namespace {

int dup_opt(char **dst, const char *src) {
  *dst = nullptr;
  if (!src) return VACCEL_OK;
  *dst = strdup(src);
  return *dst ? VACCEL_OK : VACCEL_ENOMEM;
}

// The value of `name`, or of its deprecated upstream spelling `old` when
// only that one is set (with upstream's warning).
const char *env(const char *name, const char *old = nullptr) {
  const char *v = getenv(name);
  if (!v && old && (v = getenv(old)))
    fprintf(stderr, "Warning: %s is deprecated. Use %s instead.\n", old, name);
  return v;
}

// Upstream reads booleans as numbers (non-zero = true); "true"/"yes"/"on"
// are accepted too.
bool env_true(const char *name, const char *old = nullptr) {
  const char *v = env(name, old);
  if (!v) return false;
  if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) return true;
  return strtoul(v, nullptr, 10) != 0;
}

// The exec allow-list of each config struct. It lives beside the struct
// because struct vaccel_config keeps upstream 0.8's layout (ABI).
struct Allowlists {
  std::mutex mu;
  std::unordered_map<const vaccel_rt::config_t *, std::string> by_config;
};
Allowlists &allowlists() {
  static auto *a = new Allowlists;
  return *a;
}

}  // namespace

extern "C" {

int vaccel_config_init(struct vaccel_config *config, const char *plugins,
                       vaccel_log_level_t log_level, const char *log_file, bool profiling_enabled,
                       bool version_ignore) {
  if (!config) return VACCEL_EINVAL;
  if (log_level < VACCEL_LOG_ERROR || log_level > VACCEL_LOG_DEBUG) return VACCEL_EINVAL;
  *config = vaccel_rt::config_t{};
  vaccel_config_set_exec_allowlist(config, nullptr);
  int ret = dup_opt(&config->plugins, plugins);
  if (!ret) ret = dup_opt(&config->log_file, log_file);
  if (ret) {
    vaccel_config_release(config);
    return ret;
  }
  config->log_level = log_level;
  config->profiling_enabled = profiling_enabled;
  config->version_ignore = version_ignore;
  return VACCEL_OK;
}

int vaccel_config_init_from_env(struct vaccel_config *config) {
  if (!config) return VACCEL_EINVAL;
  vaccel_log_level_t level = VACCEL_LOG_ERROR;
  if (const char *l = env("VACCEL_LOG_LEVEL", "VACCEL_DEBUG_LEVEL")) {
    long v = strtol(l, nullptr, 10);
    if (v >= VACCEL_LOG_ERROR && v <= VACCEL_LOG_DEBUG) level = static_cast<vaccel_log_level_t>(v);
  }
  int ret = vaccel_config_init(config, env("VACCEL_PLUGINS", "VACCEL_BACKENDS"), level,
                               getenv("VACCEL_LOG_FILE"), env_true("VACCEL_PROFILING_ENABLED"),
                               env_true("VACCEL_VERSION_IGNORE", "VACCEL_IGNORE_VERSION"));
  if (ret) return ret;
  ret = vaccel_config_set_exec_allowlist(config, getenv("VACCEL_EXEC_ALLOWLIST"));
  if (ret) vaccel_config_release(config);
  return ret;
}

int vaccel_config_init_from(struct vaccel_config *config, const struct vaccel_config *src) {
  if (!config || !src) return VACCEL_EINVAL;
  int ret = vaccel_config_init(config, src->plugins, src->log_level, src->log_file,
                               src->profiling_enabled, src->version_ignore);
  if (ret) return ret;
  std::string list;
  if (const char *l = vaccel_config_exec_allowlist(src)) list = l;
  ret = vaccel_config_set_exec_allowlist(config, list.empty() ? nullptr : list.c_str());
  if (ret) vaccel_config_release(config);
  return ret;
}

int vaccel_config_set_exec_allowlist(struct vaccel_config *config, const char *allowlist) {
  if (!config) return VACCEL_EINVAL;
  Allowlists &a = allowlists();
  std::lock_guard<std::mutex> l(a.mu);
  if (allowlist)
    a.by_config[config] = allowlist;
  else
    a.by_config.erase(config);
  return VACCEL_OK;
}

const char *vaccel_config_exec_allowlist(const struct vaccel_config *config) {
  Allowlists &a = allowlists();
  std::lock_guard<std::mutex> l(a.mu);
  auto it = a.by_config.find(config);
  return it == a.by_config.end() ? nullptr : it->second.c_str();
}

int vaccel_config_release(struct vaccel_config *config) {
  if (!config) return VACCEL_EINVAL;
  free(config->plugins);
  free(config->log_file);
  vaccel_config_set_exec_allowlist(config, nullptr);
  *config = vaccel_rt::config_t{};
  config->log_level = VACCEL_LOG_ERROR;  // upstream's default
  return VACCEL_OK;
}

int vaccel_config_new(struct vaccel_config **config, const char *plugins,
                      vaccel_log_level_t log_level, const char *log_file, bool profiling_enabled,
                      bool version_ignore) {
  if (!config) return VACCEL_EINVAL;
  auto *c = static_cast<vaccel_rt::config_t *>(calloc(1, sizeof(vaccel_rt::config_t)));
  if (!c) return VACCEL_ENOMEM;
  int ret = vaccel_config_init(c, plugins, log_level, log_file, profiling_enabled, version_ignore);
  if (ret) {
    free(c);
    return ret;
  }
  *config = c;
  return VACCEL_OK;
}

int vaccel_config_from_env(struct vaccel_config **config) {
  if (!config) return VACCEL_EINVAL;
  auto *c = static_cast<vaccel_rt::config_t *>(calloc(1, sizeof(vaccel_rt::config_t)));
  if (!c) return VACCEL_ENOMEM;
  int ret = vaccel_config_init_from_env(c);
  if (ret) {
    free(c);
    return ret;
  }
  *config = c;
  return VACCEL_OK;
}

int vaccel_config_from(struct vaccel_config **config, const struct vaccel_config *src) {
  if (!config) return VACCEL_EINVAL;
  auto *c = static_cast<vaccel_rt::config_t *>(calloc(1, sizeof(vaccel_rt::config_t)));
  if (!c) return VACCEL_ENOMEM;
  int ret = vaccel_config_init_from(c, src);
  if (ret) {
    free(c);
    return ret;
  }
  *config = c;
  return VACCEL_OK;
}

int vaccel_config_delete(struct vaccel_config *config) {
  int ret = vaccel_config_release(config);
  if (ret) return ret;
  free(config);
  return VACCEL_OK;
}

void vaccel_config_print_debug(const struct vaccel_config *c) {
  if (!c) return;
  vaccel_debug(
      "config: plugins=%s log_level=%d log_file=%s "
      "profiling=%d version_ignore=%d exec_allowlist=%s",
      c->plugins ? c->plugins : "(none)", c->log_level, c->log_file ? c->log_file : "(stderr)",
      c->profiling_enabled, c->version_ignore,
      vaccel_config_exec_allowlist(c) ? vaccel_config_exec_allowlist(c) : "(unrestricted)");
}

}  // extern "C"
