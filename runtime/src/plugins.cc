// SPDX-License-Identifier: Apache-2.0
// Plugin loading, op registration, selection and introspection.
#include <dlfcn.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <sstream>

#include "internal.hh"

namespace vaccel_rt {

namespace {

struct Registry {
  // Readers (op dispatch) take it shared just long enough to copy the
  // candidate list; no lock is held while a plugin runs.
  std::shared_mutex mu;
  std::vector<PluginPtr> loaded;  // load order
  // Plugins whose init() is running (they may register ops already).
  std::vector<PluginPtr> loading;
  // Serializes load/unload against each other.
  std::mutex load_mu;
};

Registry &reg() {
  static auto *r = new Registry;  // never destroyed (see core.cc)
  return *r;
}

bool parse_version(const char *s, int &major, int &minor, int &patch) {
  if (!s) return false;
  if (*s == 'v') ++s;
  return sscanf(s, "%d.%d.%d", &major, &minor, &patch) == 3;
}

PluginPtr find_owner_locked(Registry &r, const vaccel_plugin *owner) {
  for (const auto &p : r.loading)
    if (p->desc == owner) return p;
  for (const auto &p : r.loaded)
    if (p->desc == owner) return p;
  return nullptr;
}

int check_descriptor(const std::string &lib, const vaccel_plugin *d) {
  if (!d || !d->info) return fail(VACCEL_EINVAL, "plugin %s: descriptor has no info", lib.c_str());
  const vaccel_plugin_info *i = d->info;
  if (!i->name || !*i->name)
    return fail(VACCEL_EINVAL, "plugin %s: descriptor has no name", lib.c_str());
  if (!i->version) return fail(VACCEL_EINVAL, "plugin %s (%s): no version", lib.c_str(), i->name);
  if (!i->init || !i->fini)
    return fail(VACCEL_EINVAL, "plugin %s (%s): init and fini are required", lib.c_str(), i->name);
  if (config_view()->version_ignore) return VACCEL_OK;
  int maj, min, pat;
  if (!parse_version(i->vaccel_version, maj, min, pat))
    return fail(VACCEL_EINVAL, "plugin %s (%s): unparsable vaccel_version '%s'", lib.c_str(),
                i->name, i->vaccel_version ? i->vaccel_version : "(null)");
  if (maj != VACCEL_VERSION_MAJOR || min != VACCEL_VERSION_MINOR)
    return fail(VACCEL_EINVAL,
                "plugin %s (%s) was built against vAccel %s, this "
                "runtime is %s (set VACCEL_VERSION_IGNORE to force)",
                lib.c_str(), i->name, i->vaccel_version, VACCEL_VERSION);
  if (pat != VACCEL_VERSION_PATCH)
    vaccel_warn("plugin %s built against vAccel %s, runtime is %s", i->name, i->vaccel_version,
                VACCEL_VERSION);
  return VACCEL_OK;
}

int load_one(const std::string &lib) {
  Registry &r = reg();
  std::lock_guard<std::mutex> load_lock(r.load_mu);

  void *dl = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!dl) {
    const char *why = dlerror();
    struct stat st;
    bool exists = lib.find('/') == std::string::npos || stat(lib.c_str(), &st) == 0;
    return fail(exists ? VACCEL_ELIBBAD : VACCEL_ENOENT, "plugin %s: cannot load: %s", lib.c_str(),
                why ? why : "unknown error");
  }
  auto **sym = static_cast<vaccel_plugin **>(dlsym(dl, "vaccel_plugin"));
  if (!sym || !*sym) {
    dlclose(dl);
    return fail(VACCEL_ELIBBAD,
                "plugin %s: no 'vaccel_plugin' descriptor symbol "
                "(not a vAccel plugin)",
                lib.c_str());
  }
  vaccel_plugin *desc = *sym;
  if (int ret = check_descriptor(lib, desc)) {
    dlclose(dl);
    return ret;
  }
  auto p = std::make_shared<Plugin>();
  p->path = lib;
  p->name = intern(desc->info->name);
  p->dl = dl;
  p->desc = desc;
  p->is_virtio = desc->info->is_virtio;
  p->type = desc->info->type;
  {
    std::unique_lock<std::shared_mutex> l(r.mu);
    for (const auto &q : r.loaded)
      if (!strcmp(q->name, p->name)) {
        l.unlock();
        p->dl = nullptr;
        dlclose(dl);
        return fail(VACCEL_EEXIST,
                    "plugin %s: a plugin named '%s' is "
                    "already loaded (%s)",
                    lib.c_str(), p->name, q->path.c_str());
      }
    r.loading.push_back(p);
  }
  desc->dl_handle = dl;
  int ret = desc->info->init();
  std::unique_lock<std::shared_mutex> l(r.mu);
  std::erase(r.loading, p);
  if (ret != VACCEL_OK) {
    l.unlock();
    desc->dl_handle = nullptr;
    const char *name = p->name;  // interned: outlives the dlclose
    p.reset();                   // not initialized: destructor only dlclose()s
    return fail(ret, "plugin %s (%s): init failed with %d", lib.c_str(), name, ret);
  }
  p->initialized = true;
  r.loaded.push_back(p);
  vaccel_info("Loaded plugin %s %s from %s", p->name, desc->info->version, lib.c_str());
  return VACCEL_OK;
}

bool implements(const Plugin &p, vaccel_op_type_t op) {
  return p.ops[op].load(std::memory_order_acquire) != nullptr;
}

}  // namespace

Plugin::~Plugin() {
  if (initialized && desc && desc->info && desc->info->fini) desc->info->fini();
  if (dl) dlclose(dl);
}

std::vector<Candidate> op_candidates(vaccel_op_type_t op, unsigned flags,
                                     const PluginPtr &transport) {
  std::vector<Candidate> out;
  if (op < 0 || op >= VACCEL_OP_MAX) return out;
  if (transport) {
    if (void *fn = transport->ops[op].load()) out.push_back({transport, fn});
    return out;
  }
  Registry &r = reg();
  std::shared_lock<std::shared_mutex> l(r.mu);
  const unsigned pref = flags & ~static_cast<unsigned>(VACCEL_PLUGIN_REMOTE);
  if (pref)
    for (const auto &p : r.loaded)
      if (!p->is_virtio && (p->type & pref) && implements(*p, op))
        out.push_back({p, p->ops[op].load()});
  for (const auto &p : r.loaded)
    if (!p->is_virtio && !(pref && (p->type & pref)) && implements(*p, op))
      out.push_back({p, p->ops[op].load()});
  return out;
}

std::vector<PluginPtr> loaded_plugins() {
  Registry &r = reg();
  std::shared_lock<std::shared_mutex> l(r.mu);
  return r.loaded;
}

PluginPtr transport_plugin() {
  Registry &r = reg();
  std::shared_lock<std::shared_mutex> l(r.mu);
  for (const auto &p : r.loaded)
    if (p->is_virtio) return p;
  return nullptr;
}

PluginPtr select_session_plugin(unsigned flags) {
  Registry &r = reg();
  std::shared_lock<std::shared_mutex> l(r.mu);
  if (flags & VACCEL_PLUGIN_REMOTE) {
    for (const auto &p : r.loaded)
      if (p->is_virtio) return p;
    return nullptr;
  }
  const unsigned pref = flags & ~static_cast<unsigned>(VACCEL_PLUGIN_REMOTE);
  if (pref)
    for (const auto &p : r.loaded)
      if (p->type & pref) return p;
  for (const auto &p : r.loaded)
    if (!p->is_virtio || r.loaded.size() == 1) return p;
  return nullptr;
}

bool have_local_plugins() {
  Registry &r = reg();
  std::shared_lock<std::shared_mutex> l(r.mu);
  for (const auto &p : r.loaded)
    if (!p->is_virtio) return true;
  return false;
}

int load_plugin_list(const char *list) {
  if (!list) return VACCEL_OK;
  int first = VACCEL_OK;
  std::stringstream ss(list);
  std::string item;
  while (std::getline(ss, item, ':')) {
    if (item.empty()) continue;
    int ret = load_one(item);
    if (ret && !first) first = ret;
  }
  return first;
}

void unload_all_plugins() {
  Registry &r = reg();
  std::lock_guard<std::mutex> load_lock(r.load_mu);
  std::vector<PluginPtr> gone;
  {
    std::unique_lock<std::shared_mutex> l(r.mu);
    gone.swap(r.loaded);
  }
  // Unload in reverse load order; each plugin's fini()/dlclose() runs
  // when the last in-flight call into it drops its reference.
  while (!gone.empty()) gone.pop_back();
}

}  // namespace vaccel_rt

using namespace vaccel_rt;

extern "C" {

int vaccel_plugin_register_ops(struct vaccel_op *ops, size_t nr_ops) {
  if (!ops && nr_ops) return fail(VACCEL_EINVAL, "vaccel_plugin_register_ops: NULL ops");
  Registry &r = reg();
  std::shared_lock<std::shared_mutex> l(r.mu);
  // Validate everything before registering anything.
  std::vector<PluginPtr> owners(nr_ops);
  for (size_t i = 0; i < nr_ops; ++i) {
    const vaccel_op &op = ops[i];
    if (op.type < 0 || op.type >= VACCEL_OP_MAX || !op.func)
      return fail(VACCEL_EINVAL,
                  "vaccel_plugin_register_ops: entry %zu has "
                  "an unknown op type (%d) or no function",
                  i, static_cast<int>(op.type));
    owners[i] = find_owner_locked(r, op.owner);
    if (!owners[i])
      return fail(VACCEL_EINVAL,
                  "vaccel_plugin_register_ops: entry %zu "
                  "(%s) belongs to no loaded plugin",
                  i, vaccel_op_type_to_base_str(op.type));
  }
  for (size_t i = 0; i < nr_ops; ++i) {
    owners[i]->ops[ops[i].type].store(ops[i].func, std::memory_order_release);
    // Upstream's layout: the descriptor lists its op entries too.
    owners[i]->desc->ops[ops[i].type] = &ops[i];
    vaccel_debug("Registered op %s from plugin %s", vaccel_op_type_to_base_str(ops[i].type),
                 owners[i]->name);
  }
  return VACCEL_OK;
}

int vaccel_plugin_load(const char *lib) {
  begin_call();
  if (!lib || !*lib) return fail(VACCEL_EINVAL, "vaccel_plugin_load: no path");
  // A failing VACCEL_PLUGINS entry does not prevent explicit loads.
  int ret = ensure_bootstrapped();
  if (!vaccel_is_initialized()) return ret;
  return load_one(lib);
}

int vaccel_plugin_parse_and_load(const char *lib_str) {
  begin_call();
  if (!lib_str) return fail(VACCEL_EINVAL, "vaccel_plugin_parse_and_load: NULL list");
  int ret = ensure_bootstrapped();
  if (!vaccel_is_initialized()) return ret;
  return load_plugin_list(lib_str);
}

int vaccel_plugin_unload(const char *name) {
  begin_call();
  if (!name) return fail(VACCEL_EINVAL, "vaccel_plugin_unload: NULL name");
  Registry &r = reg();
  std::lock_guard<std::mutex> load_lock(r.load_mu);
  PluginPtr victim;
  {
    std::unique_lock<std::shared_mutex> l(r.mu);
    for (auto it = r.loaded.begin(); it != r.loaded.end(); ++it)
      if (!strcmp((*it)->name, name)) {
        victim = *it;
        r.loaded.erase(it);
        break;
      }
  }
  if (!victim) return fail(VACCEL_ENOENT, "vaccel_plugin_unload: plugin '%s' is not loaded", name);
  return VACCEL_OK;
}

int vaccel_op_plugin_name(vaccel_op_type_t op, const char **name) {
  begin_call();
  if (!name) return fail(VACCEL_EINVAL, "vaccel_op_plugin_name: NULL name");
  *name = nullptr;
  if (op < 0 || op >= VACCEL_OP_MAX)
    return fail(VACCEL_EINVAL, "vaccel_op_plugin_name: bad op %d", static_cast<int>(op));
  ensure_bootstrapped();
  auto c = op_candidates(op, 0, nullptr);
  if (c.empty()) {
    // A guest runtime with only a transport plugin still serves ops.
    if (PluginPtr t = transport_plugin(); t && !have_local_plugins()) c = op_candidates(op, 0, t);
  }
  if (c.empty())
    return quiet_fail(VACCEL_ENOTSUP, "vaccel_op_plugin_name: no loaded plugin implements %s",
                      vaccel_op_type_to_base_str(op));
  *name = c.front().plugin->name;
  return VACCEL_OK;
}

int vaccel_session_op_plugin_name(const struct vaccel_session *sess, vaccel_op_type_t op,
                                  const char **name) {
  begin_call();
  if (!name) return fail(VACCEL_EINVAL, "vaccel_session_op_plugin_name: NULL name");
  *name = nullptr;
  if (op < 0 || op >= VACCEL_OP_MAX)
    return fail(VACCEL_EINVAL, "vaccel_session_op_plugin_name: bad op %d", static_cast<int>(op));
  SessionPtr s = find_session(sess);
  if (!s) return fail(VACCEL_ESESS, "vaccel_session_op_plugin_name: unknown session");
  auto c = op_candidates(op, sess->hint, s->transport);
  if (c.empty())
    return fail(VACCEL_ENOTSUP,
                "vaccel_session_op_plugin_name: no plugin serves %s "
                "for session %lld",
                vaccel_op_type_to_base_str(op), static_cast<long long>(sess->id));
  *name = c.front().plugin->name;
  return VACCEL_OK;
}

int vaccel_plugin_names(const char **names, size_t cap, size_t *count) {
  if (!count || (!names && cap)) return VACCEL_EINVAL;
  ensure_bootstrapped();
  auto all = loaded_plugins();
  *count = all.size();
  for (size_t i = 0; i < all.size() && i < cap; ++i) names[i] = all[i]->name;
  return VACCEL_OK;
}

}  // extern "C"
