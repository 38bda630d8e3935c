// SPDX-License-Identifier: Apache-2.0
// Runtime lifetime: bootstrap (lazy from the environment, or explicit),
// cleanup, run directory, and the configuration snapshot.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <sstream>

#include "internal.hh"

namespace vaccel_rt {
int log_configure(vaccel_log_level_t level, const char *file);

namespace {

struct Core {
  // Serializes bootstrap/cleanup; never held while calling plugins'
  // op functions (only their init/fini during load/unload).
  std::mutex mu;
  // Set only once bootstrap has finished, plugins included: a thread
  // that sees it true sees every plugin of VACCEL_PLUGINS.
  std::atomic<bool> initialized{false};
  config_t config{};
  std::mutex dir_mu;  // guards rundir (plugins may ask for it in init)
  std::string rundir;
  std::shared_ptr<const ConfigView> view = std::make_shared<ConfigView>();
  std::mutex view_mu;
  // view->profiling_enabled, readable without the lock: every op asks.
  std::atomic<bool> profiling{false};
};

Core &core() {
  static auto *c = new Core;  // never destroyed: used from exit paths
  return *c;
}

// True on the thread running bootstrap/cleanup: plugins' init()/fini() may
// call back into the API, which must neither wait for the bootstrap lock
// (held by this very thread) nor see the runtime as uninitialized.
thread_local bool t_in_bootstrap = false;
struct InBootstrap {
  InBootstrap() { t_in_bootstrap = true; }
  ~InBootstrap() { t_in_bootstrap = false; }
};

std::vector<std::string> split_colon(const char *s) {
  std::vector<std::string> out;
  if (!s) return out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ':'))
    if (!item.empty()) out.push_back(item);
  return out;
}

// Run directories are named vaccel.<pid>.XXXXXX so that one left behind by a
// process that died without vaccel_cleanup() (a crash, SIGKILL) can be told
// apart from a live process's: it is removed when a later process creates
// its own. Only directories (never symlinks) owned by this user whose
// process no longer exists are touched; a reused pid merely keeps a stale
// directory a little longer.
void remove_stale_rundirs(const std::string &base) {
  std::error_code ec;
  for (const auto &e : std::filesystem::directory_iterator(base, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("vaccel.", 0) != 0) continue;
    char *end = nullptr;
    errno = 0;
    long pid = strtol(name.c_str() + 7, &end, 10);
    if (errno || pid <= 0 || !end || *end != '.' || pid == getpid()) continue;
    struct stat st;
    if (lstat(e.path().c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid())
      continue;
    if (kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH)
      continue;  // alive, or not ours to judge
    std::error_code rm;
    std::filesystem::remove_all(e.path(), rm);
  }
}

std::string create_rundir() {
  std::string base = "/tmp";
  if (const char *x = getenv("XDG_RUNTIME_DIR"); x && *x && access(x, W_OK) == 0) base = x;
  remove_stale_rundirs(base);
  std::string tmpl = base + "/vaccel." + std::to_string(getpid()) + ".XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!mkdtemp(buf.data())) return {};
  return buf.data();
}

void remove_rundir(Core &c) {
  std::lock_guard<std::mutex> l(c.dir_mu);
  if (c.rundir.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(c.rundir, ec);
  c.rundir.clear();
}

// Called with c.mu held.
int do_bootstrap(Core &c, const config_t *cfg) {
  int ret = vaccel_config_init_from(&c.config, cfg);
  if (ret) return ret;
  log_configure(c.config.log_level, c.config.log_file);
  vaccel_config_print_debug(&c.config);

  auto view = std::make_shared<ConfigView>();
  view->profiling_enabled = c.config.profiling_enabled;
  view->version_ignore = c.config.version_ignore;
  for (const std::string &p : split_colon(vaccel_config_exec_allowlist(&c.config))) {
    std::error_code ec;
    auto canon = std::filesystem::weakly_canonical(p, ec);
    view->exec_allowlist.push_back(ec ? p : canon.string());
  }
  {
    std::lock_guard<std::mutex> l(c.view_mu);
    c.view = view;
    c.profiling.store(view->profiling_enabled, std::memory_order_relaxed);
  }
  {
    std::lock_guard<std::mutex> l(c.dir_mu);
    if (c.rundir.empty()) c.rundir = create_rundir();
  }
  // Plugins are loaded before `initialized` is published, so that no
  // other thread can start using a runtime whose plugin list is still
  // being filled. Their init() may call back into the API: that works on
  // this thread (t_in_bootstrap).
  ret = load_plugin_list(c.config.plugins);
  c.initialized.store(true, std::memory_order_release);
  return ret;
}

// Called with c.mu held. As upstream, sessions and resources still alive
// are released (their structs belong to the application and stay valid).
int do_cleanup(Core &c) {
  if (!c.initialized) return VACCEL_OK;
  release_all_sessions();
  release_all_resources();
  op_prof_print_all();
  unload_all_plugins();
  remove_rundir(c);
  vaccel_config_release(&c.config);
  {
    std::lock_guard<std::mutex> l(c.view_mu);
    c.view = std::make_shared<ConfigView>();
    c.profiling.store(false, std::memory_order_relaxed);
  }
  c.initialized = false;
  return VACCEL_OK;
}

}  // namespace

void exit_cleanup() { remove_rundir(core()); }

int ensure_bootstrapped() {
  Core &c = core();
  if (c.initialized.load(std::memory_order_acquire) || t_in_bootstrap) return VACCEL_OK;
  // A bootstrap may be running on another thread (the constructor, or
  // an explicit call): wait for it instead of racing it.
  std::lock_guard<std::mutex> l(c.mu);
  return c.initialized ? VACCEL_OK : VACCEL_EBACKEND;
}

bool runtime_usable() { return ensure_bootstrapped() == VACCEL_OK; }

std::shared_ptr<const ConfigView> config_view() {
  Core &c = core();
  std::lock_guard<std::mutex> l(c.view_mu);
  return c.view;
}

std::string make_subdir(const std::string &name) {
  Core &c = core();
  std::string base;
  {
    std::lock_guard<std::mutex> l(c.dir_mu);
    if (c.rundir.empty()) c.rundir = create_rundir();
    base = c.rundir;
  }
  if (base.empty()) return {};
  std::string dir = base + "/" + name;
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  return ec ? std::string() : dir;
}

}  // namespace vaccel_rt

using namespace vaccel_rt;

extern "C" {

int vaccel_bootstrap(void) {
  begin_call();
  config_t cfg{};
  int ret = vaccel_config_init_from_env(&cfg);
  if (ret) return ret;
  ret = vaccel_bootstrap_with_config(&cfg);
  vaccel_config_release(&cfg);
  return ret;
}

int vaccel_bootstrap_with_config(const struct vaccel_config *config) {
  begin_call();
  if (!config) return fail(VACCEL_EINVAL, "vaccel_bootstrap_with_config: NULL config");
  if (config->log_level < VACCEL_LOG_ERROR || config->log_level > VACCEL_LOG_DEBUG)
    return fail(VACCEL_EINVAL, "vaccel_bootstrap_with_config: bad log level %d", config->log_level);
  Core &c = core();
  // Copy first: `config` may be vaccel_config() itself.
  config_t copy{};
  int ret = vaccel_config_init_from(&copy, config);
  if (ret) return ret;
  std::lock_guard<std::mutex> l(c.mu);
  InBootstrap in;
  // As upstream: bootstrapping an initialized runtime starts it afresh.
  ret = do_cleanup(c);
  if (!ret) ret = do_bootstrap(c, &copy);
  vaccel_config_release(&copy);
  return ret;
}

int vaccel_cleanup(void) {
  begin_call();
  Core &c = core();
  std::lock_guard<std::mutex> l(c.mu);
  InBootstrap in;
  return do_cleanup(c);
}

bool vaccel_is_initialized(void) { return core().initialized.load(); }

const char *vaccel_rundir(void) {
  Core &c = core();
  std::lock_guard<std::mutex> l(c.dir_mu);
  return c.rundir.empty() ? nullptr : c.rundir.c_str();
}

const struct vaccel_config *vaccel_config(void) {
  // As upstream: always the runtime's config struct (zeroed while the
  // runtime is not initialized).
  return &core().config;
}

bool vaccel_exec_path_allowed(const char *path) {
  if (!path) return false;
  auto view = config_view();
  if (view->exec_allowlist.empty()) return true;
  std::error_code ec;
  auto canon = std::filesystem::weakly_canonical(path, ec);
  const std::string p = ec ? std::string(path) : canon.string();
  for (const std::string &a : view->exec_allowlist)
    if (a == p) return true;
  return false;
}

bool vaccel_prof_enabled(void) {
  // Asked on every op: an atomic, not the locked view.
  return core().profiling.load(std::memory_order_relaxed);
}

}  // extern "C"
