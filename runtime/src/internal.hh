// SPDX-License-Identifier: Apache-2.0
// Internal interfaces shared by the runtime's translation units.
#pragma once

#include <vaccel.h>

#include <array>
#include <atomic>
#include <cstdarg>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace vaccel_rt {

// The function vaccel_config() hides the struct name in C++.
using config_t = struct vaccel_config;

// ---- per-thread error/plugin reporting (errors.cc) ----

// Records `code` with a printf-style message as this thread's last error,
// logs it at ERROR level and returns `code` (so callers can `return fail(..)`).
int fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// Same, logged at DEBUG: for queries whose "no" answer is not a failure
// (e.g. asking which plugin serves an op that none implements).
int quiet_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
// Clears this thread's last error and last plugin at the start of an API call.
void begin_call();
void set_last_plugin(const char *interned_name);

// Interns a string for the life of the process (plugin names handed out by
// the introspection API must outlive plugin unloads).
const char *intern(const std::string &s);

// ---- core lifetime (core.cc) ----

// VACCEL_OK once the runtime is initialized (waits for a bootstrap running
// on another thread); VACCEL_EBACKEND if it is not. Never bootstraps: that
// happens at load time (bootstrap.cc) or by an explicit vaccel_bootstrap*.
int ensure_bootstrapped();
// Work of the library destructor (bootstrap.cc).
void exit_cleanup();
// Release every live session / resource (vaccel_cleanup, re-bootstrap).
void release_all_sessions();
void release_all_resources();
// Snapshot of the active configuration's values needed on hot paths.
struct ConfigView {
  bool profiling_enabled = false;
  bool version_ignore = false;
  std::vector<std::string> exec_allowlist;
};
std::shared_ptr<const ConfigView> config_view();
// Creates (if needed) and returns a private directory below the rundir.
std::string make_subdir(const std::string &name);

// ---- plugins (plugins.cc) ----

struct Plugin {
  std::string path;
  const char *name = nullptr;  // interned
  void *dl = nullptr;
  vaccel_plugin *desc = nullptr;
  bool is_virtio = false;
  unsigned type = 0;
  std::array<std::atomic<void *>, VACCEL_OP_MAX> ops{};
  bool initialized = false;  // init() returned 0; fini() due on destruction

  Plugin() = default;
  Plugin(const Plugin &) = delete;
  Plugin &operator=(const Plugin &) = delete;
  // Runs fini() and dlclose() once no caller holds a reference any more.
  ~Plugin();
};
using PluginPtr = std::shared_ptr<Plugin>;

struct Candidate {
  PluginPtr plugin;
  void *fn;
};

// Ordered implementations of `op` for a session with `flags`, bound to
// `transport` when non-null (see plugin.h for the rule).
std::vector<Candidate> op_candidates(vaccel_op_type_t op, unsigned flags,
                                     const PluginPtr &transport);
// Plugins in load order (snapshot).
std::vector<PluginPtr> loaded_plugins();
// The plugin a new session with `flags` is bound to (upstream's rule):
// REMOTE -> first is_virtio plugin; else the first plugin whose type
// matches the flags; else the first local plugin (or the only plugin).
PluginPtr select_session_plugin(unsigned flags);
// First transport plugin, or null.
PluginPtr transport_plugin();
bool have_local_plugins();
int load_plugin_list(const char *list);
void unload_all_plugins();

// ---- sessions and resources (session.cc / resource.cc) ----

struct ResourceState;

struct SessionState {
  vaccel_id_t id = 0;
  vaccel_session *pub = nullptr;
  PluginPtr transport;            // set for remote sessions
  std::vector<PluginPtr> hooked;  // local plugins whose hooks ran
  std::mutex mu;
  std::set<vaccel_id_t> resources;
  // One node per registered resource, linked into the public struct's
  // per-type list (upstream's layout exposes those lists).
  std::unordered_map<vaccel_id_t, vaccel_list_entry *> pub_nodes;
};
using SessionPtr = std::shared_ptr<SessionState>;

struct ResourceState {
  vaccel_id_t id = 0;
  vaccel_resource *pub = nullptr;
  std::mutex mu;
  std::set<vaccel_id_t> sessions;
  std::string dir;  // private dir, if any
};
using ResourcePtr = std::shared_ptr<ResourceState>;

// Validated lookups; null if the struct is not a live session/resource.
SessionPtr find_session(const vaccel_session *sess);
ResourcePtr find_resource(const vaccel_resource *res);
size_t live_session_count();
size_t live_resource_count();
vaccel_id_t next_id();
// Plugins whose session/resource hooks apply to `s`.
std::vector<PluginPtr> hook_targets(const SessionState &s);
// Drops every registration of session `s` (resource.cc; session release).
void session_forget_resources(SessionState &s);

// ---- checks every op starts with (session.cc / resource.cc) ----

// Ensures `sess` is a live session; on success fills `out`.
int check_session(const char *api, vaccel_session *sess, SessionPtr &out);
// Ensures `res` is live, of `type`, and registered with `s`.
int check_model(const char *api, const SessionPtr &s, const vaccel_resource *res,
                vaccel_resource_type_t type);

// Profiling of every op (prof.cc).
void op_prof_record(vaccel_op_type_t op, uint64_t ns);
void op_prof_print_all();
uint64_t now_ns();

template <typename Fn, typename... Args>
int dispatch(const char *api, vaccel_op_type_t op, const SessionPtr &s, Args... args) {
  // Hot path of every remote op: a transport session has exactly one
  // candidate, so no list is built (no allocation, no reference counting)
  // and the clock is read only when profiling is on.
  if (s->transport && op >= 0 && op < VACCEL_OP_MAX) {
    void *fn = s->transport->ops[op].load(std::memory_order_acquire);
    if (fn) {
      const bool prof = vaccel_prof_enabled();
      const uint64_t t0 = prof ? now_ns() : 0;
      set_last_plugin(s->transport->name);
      int ret = reinterpret_cast<Fn>(fn)(s->pub, args...);
      if (prof) op_prof_record(op, now_ns() - t0);
      if (ret == VACCEL_OK) return ret;
      if (ret == VACCEL_ENOTSUP)
        return quiet_fail(ret, "%s: every plugin implementing %s declined it", api,
                          vaccel_op_type_to_base_str(op));
      return quiet_fail(ret, "%s: plugin %s failed with %d", api, s->transport->name, ret);
    }
  }
  std::vector<Candidate> cands = op_candidates(op, s->pub->hint, s->transport);
  if (cands.empty()) {
    if (s->transport)
      return quiet_fail(VACCEL_ENOTSUP, "%s: transport plugin '%s' does not implement %s", api,
                        s->transport->name, vaccel_op_type_to_base_str(op));
    return quiet_fail(VACCEL_ENOTSUP, "%s: no loaded plugin implements %s", api,
                      vaccel_op_type_to_base_str(op));
  }
  // An op's failure is its result: the caller gets the code and
  // vaccel_last_error(). It is logged at debug level only, so that a
  // caller who fails ops on purpose (a hostile guest, through a host
  // runtime) cannot flood the host's log.
  const bool prof = vaccel_prof_enabled();
  const uint64_t t0 = prof ? now_ns() : 0;
  int ret = VACCEL_ENOTSUP;
  const char *used = nullptr;
  for (const Candidate &c : cands) {
    used = c.plugin->name;
    set_last_plugin(used);
    ret = reinterpret_cast<Fn>(c.fn)(s->pub, args...);
    if (ret != VACCEL_ENOTSUP) break;
    vaccel_debug("%s: plugin %s returned ENOTSUP, trying next", api, c.plugin->name);
  }
  if (prof) op_prof_record(op, now_ns() - t0);
  if (ret == VACCEL_ENOTSUP)
    return quiet_fail(ret, "%s: every plugin implementing %s declined it", api,
                      vaccel_op_type_to_base_str(op));
  if (ret != VACCEL_OK) return quiet_fail(ret, "%s: plugin %s failed with %d", api, used, ret);
  return ret;
}

}  // namespace vaccel_rt
