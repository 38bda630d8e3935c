// SPDX-License-Identifier: Apache-2.0
// Sessions: registry, plugin hooks, resource bookkeeping.
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "internal.hh"

namespace vaccel_rt {

namespace {

struct Sessions {
  std::shared_mutex mu;
  std::unordered_map<vaccel_id_t, SessionPtr> live;
};

Sessions &sessions() {
  static auto *s = new Sessions;
  return *s;
}

}  // namespace

vaccel_id_t next_id() {
  static std::atomic<vaccel_id_t> id{0};
  return ++id;
}

SessionPtr find_session(const vaccel_session *sess) {
  if (!sess || sess->id <= 0) return nullptr;
  Sessions &ss = sessions();
  std::shared_lock<std::shared_mutex> l(ss.mu);
  auto it = ss.live.find(sess->id);
  if (it == ss.live.end() || it->second->pub != sess) return nullptr;
  return it->second;
}

size_t live_session_count() {
  Sessions &ss = sessions();
  std::shared_lock<std::shared_mutex> l(ss.mu);
  return ss.live.size();
}

std::vector<PluginPtr> hook_targets(const SessionState &s) {
  if (s.transport) return {s.transport};
  return s.hooked;
}

int check_session(const char *api, vaccel_session *sess, SessionPtr &out) {
  begin_call();
  if (!sess) return fail(VACCEL_EINVAL, "%s: NULL session", api);
  out = find_session(sess);
  if (!out)
    return fail(VACCEL_ESESS, "%s: session %lld is not initialized or was released", api,
                static_cast<long long>(sess->id));
  return VACCEL_OK;
}

void release_all_sessions() {
  std::vector<vaccel_session *> all;
  {
    Sessions &ss = sessions();
    std::shared_lock<std::shared_mutex> l(ss.mu);
    for (const auto &[id, s] : ss.live) all.push_back(s->pub);
  }
  for (vaccel_session *s : all) vaccel_session_release(s);
}

}  // namespace vaccel_rt

using namespace vaccel_rt;

namespace {

// The fields of upstream's layout that the runtime owns: the session's
// run directory (created below the runtime's), the list heads (empty: our
// registry is elsewhere) and the lock.
void init_public_fields(vaccel_session *sess) {
  sess->rundir[0] = '\0';
  std::string dir = make_subdir("session." + std::to_string(sess->id));
  if (!dir.empty() && dir.size() < sizeof(sess->rundir))
    memcpy(sess->rundir, dir.c_str(), dir.size() + 1);
  sess->entry.next = sess->entry.prev = &sess->entry;
  for (size_t i = 0; i < VACCEL_RESOURCE_MAX; i++) {
    sess->resources[i].next = sess->resources[i].prev = &sess->resources[i];
    sess->resource_counts[i] = 0;
  }
  pthread_mutex_init(&sess->resources_lock, nullptr);
}

void drop_public_fields(vaccel_session *sess) {
  if (sess->rundir[0]) {
    std::error_code ec;
    std::filesystem::remove_all(sess->rundir, ec);
    sess->rundir[0] = '\0';
  }
  pthread_mutex_destroy(&sess->resources_lock);
}

// Runs session_release hooks in reverse order.
void release_hooks(vaccel_session *sess, const std::vector<PluginPtr> &ps) {
  for (auto it = ps.rbegin(); it != ps.rend(); ++it)
    if (auto fn = (*it)->desc->info->session_release)
      if (int r = fn(sess))
        vaccel_warn(
            "plugin %s: session_release(%lld) "
            "returned %d",
            (*it)->name, static_cast<long long>(sess->id), r);
}

}  // namespace

extern "C" {

int vaccel_session_init(struct vaccel_session *sess, uint32_t flags) {
  begin_call();
  if (!sess) return fail(VACCEL_EINVAL, "vaccel_session_init: NULL session");
  if (ensure_bootstrapped() != VACCEL_OK)
    return fail(VACCEL_ESESS, "vaccel_session_init: runtime not initialized");
  // As upstream, a session is bound to one plugin when it is created;
  // without any plugin there is nothing to bind it to.
  PluginPtr bound = select_session_plugin(flags);
  if (!bound)
    return fail(VACCEL_ENOTSUP, "vaccel_session_init: no %splugin loaded",
                (flags & VACCEL_PLUGIN_REMOTE) ? "transport (is_virtio) " : "");

  auto st = std::make_shared<SessionState>();
  PluginPtr transport;
  if (flags & VACCEL_PLUGIN_REMOTE) {
    transport = transport_plugin();
    if (!transport)
      return fail(VACCEL_ENOTSUP,
                  "vaccel_session_init: flags request "
                  "VACCEL_PLUGIN_REMOTE but no transport "
                  "(is_virtio) plugin is loaded");
  } else if (!have_local_plugins()) {
    transport = transport_plugin();  // guest with only a transport
  }
  sess->id = next_id();
  sess->remote_id = 0;
  sess->hint = flags;
  sess->is_virtio = transport != nullptr;
  sess->plugin = transport ? transport->desc : bound->desc;
  sess->priv = nullptr;
  init_public_fields(sess);
  st->id = sess->id;
  st->pub = sess;
  st->transport = transport;

  std::vector<PluginPtr> targets = transport ? std::vector<PluginPtr>{transport} : loaded_plugins();
  std::vector<PluginPtr> done;
  for (const auto &p : targets) {
    if (p->is_virtio && !transport) continue;
    auto fn = p->desc->info->session_init;
    if (fn) {
      if (int ret = fn(sess, flags)) {
        release_hooks(sess, done);
        vaccel_id_t id = sess->id;
        drop_public_fields(sess);
        sess->id = 0;
        return fail(ret,
                    "vaccel_session_init: plugin %s "
                    "refused session %lld (%d)",
                    p->name, static_cast<long long>(id), ret);
      }
    }
    done.push_back(p);
  }
  if (!transport) st->hooked = std::move(done);

  Sessions &ss = sessions();
  std::unique_lock<std::shared_mutex> l(ss.mu);
  ss.live.emplace(st->id, st);
  vaccel_debug("New session %lld (flags 0x%x%s)", static_cast<long long>(st->id), flags,
               transport ? ", remote" : "");
  return VACCEL_OK;
}

int vaccel_session_update(struct vaccel_session *sess, uint32_t flags) {
  SessionPtr s;
  if (int ret = check_session("vaccel_session_update", sess, s)) return ret;
  // As upstream: flags cannot change under registered resources.
  {
    std::lock_guard<std::mutex> l(s->mu);
    if (!s->resources.empty())
      return fail(VACCEL_ENOTSUP,
                  "vaccel_session_update: session %lld has "
                  "registered resources",
                  static_cast<long long>(sess->id));
  }
  // A session cannot switch between local and remote.
  if (static_cast<bool>(flags & VACCEL_PLUGIN_REMOTE) != static_cast<bool>(s->transport) &&
      (flags & VACCEL_PLUGIN_REMOTE))
    return fail(VACCEL_EINVAL,
                "vaccel_session_update: cannot make local session "
                "%lld remote",
                static_cast<long long>(sess->id));
  for (const auto &p : hook_targets(*s))
    if (auto fn = p->desc->info->session_update)
      if (int ret = fn(sess, flags))
        return fail(ret,
                    "vaccel_session_update: plugin %s "
                    "failed (%d)",
                    p->name, ret);
  sess->hint = flags;
  // As upstream: a local session is re-bound to the plugin the new
  // flags select.
  if (!s->transport)
    if (PluginPtr p = select_session_plugin(flags)) sess->plugin = p->desc;
  return VACCEL_OK;
}

int vaccel_session_release(struct vaccel_session *sess) {
  SessionPtr s;
  if (int ret = check_session("vaccel_session_release", sess, s)) return ret;
  {
    Sessions &ss = sessions();
    std::unique_lock<std::shared_mutex> l(ss.mu);
    auto it = ss.live.find(s->id);
    if (it == ss.live.end() || it->second != s)
      return fail(VACCEL_ESESS,
                  "vaccel_session_release: session %lld "
                  "released concurrently",
                  static_cast<long long>(s->id));
    ss.live.erase(it);
  }
  session_forget_resources(*s);
  release_hooks(sess, hook_targets(*s));
  vaccel_debug("Released session %lld", static_cast<long long>(s->id));
  drop_public_fields(sess);
  sess->id = 0;
  sess->plugin = nullptr;
  return VACCEL_OK;
}

int vaccel_session_new(struct vaccel_session **sess, uint32_t flags) {
  begin_call();
  if (!sess) return fail(VACCEL_EINVAL, "vaccel_session_new: NULL out pointer");
  auto *s = static_cast<vaccel_session *>(calloc(1, sizeof(vaccel_session)));
  if (!s) return VACCEL_ENOMEM;
  int ret = vaccel_session_init(s, flags);
  if (ret) {
    free(s);
    return ret;
  }
  *sess = s;
  return VACCEL_OK;
}

int vaccel_session_delete(struct vaccel_session *sess) {
  int ret = vaccel_session_release(sess);
  if (ret) return ret;
  free(sess);
  return VACCEL_OK;
}

int vaccel_session_get_by_id(struct vaccel_session **sess, vaccel_id_t id) {
  begin_call();
  if (!sess) return fail(VACCEL_EINVAL, "vaccel_session_get_by_id: NULL");
  Sessions &ss = sessions();
  std::shared_lock<std::shared_mutex> l(ss.mu);
  auto it = ss.live.find(id);
  if (it == ss.live.end())
    return fail(VACCEL_ENOENT, "vaccel_session_get_by_id: no session %lld",
                static_cast<long long>(id));
  *sess = it->second->pub;
  return VACCEL_OK;
}

int vaccel_sess_init(struct vaccel_session *sess, uint32_t flags) {
  return vaccel_session_init(sess, flags);
}
int vaccel_sess_update(struct vaccel_session *sess, uint32_t flags) {
  return vaccel_session_update(sess, flags);
}
int vaccel_sess_free(struct vaccel_session *sess) { return vaccel_session_release(sess); }

}  // extern "C"
