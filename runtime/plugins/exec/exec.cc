// SPDX-License-Identifier: Apache-2.0
// The exec plugin: dlopen a library and call
//   int fn(struct vaccel_arg *read, size_t nr_read,
//          struct vaccel_arg *write, size_t nr_write)
// A non-zero return becomes VACCEL_ENOEXEC.
//
// What may be called (every path: vaccel_exec, vaccel_exec_with_resource and
// their genop forms all end here):
//  - The symbol must be a C identifier DEFINED in the library that was named
//    -- the resolved address must lie in that very object. dlsym() alone
//    would also find its dependencies' symbols (libc's exit, fork, pause,
//    setcontext, abort...), which no allow-list ever means.
//  - When an allow-list is configured (VACCEL_EXEC_ALLOWLIST /
//    vaccel_config_set_exec_allowlist()) the library must be listed; its syntax is
//    ':'-separated tokens, an absolute library path optionally followed by
//    the only symbols of it that may be called:
//        /opt/libops.so:scale:blend:/opt/libother.so
//    Libraries held only in memory (guest-shipped resources) are then
//    refused.
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vaccel.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "exec_policy.hh"

namespace {

using exec_fn = int (*)(vaccel_arg *, size_t, vaccel_arg *, size_t);

// ---- upstream 0.8 environment (issue 10), kept apart from the allow-list
// logic: VACCEL_EXEC_DLOPEN_MODE=lazy binds a library's symbols lazily
// (RTLD_LAZY) instead of at load (RTLD_NOW). Libraries are always dlclose()d
// after each call, i.e. as upstream with VACCEL_EXEC_DLCLOSE_ENABLED=1.
static int dlopen_mode() {
  const char *m = getenv("VACCEL_EXEC_DLOPEN_MODE");
  return (m && !strcmp(m, "lazy")) ? RTLD_LAZY : RTLD_NOW;
}
// ---- end of upstream environment

// dlopen handle that closes itself.
struct Lib {
  void *h = nullptr;
  Lib() = default;
  explicit Lib(void *p) : h(p) {}
  Lib(Lib &&o) noexcept : h(o.h) { o.h = nullptr; }
  Lib(const Lib &) = delete;
  Lib &operator=(Lib &&o) noexcept {
    std::swap(h, o.h);
    return *this;
  }
  ~Lib() {
    if (h) dlclose(h);
  }
};

// The allow-list of the running configuration.
exec_plugin::Policy policy() {
  const struct vaccel_config *c = vaccel_config();
  return exec_plugin::Policy::parse(c ? vaccel_config_exec_allowlist(c) : nullptr);
}

int call(void *handle, const char *sym, vaccel_arg *read, size_t nr_read, vaccel_arg *write,
         size_t nr_write) {
  void *addr = nullptr;
  // Guest-chosen text never reaches a log line unchecked.
  if (!exec_plugin::valid_symbol(sym)) {
    vaccel_debug("[exec] symbol is not a C identifier");
    return VACCEL_EINVAL;
  }
  switch (exec_plugin::defined_in(handle, sym, &addr)) {
    case exec_plugin::Lookup::kMissing:
      vaccel_debug("[exec] symbol %s not found", sym);
      return VACCEL_EINVAL;
    case exec_plugin::Lookup::kForeign:
      vaccel_debug(
          "[exec] %s refused: not a function defined in the "
          "library itself",
          sym);
      return VACCEL_EPERM;
    case exec_plugin::Lookup::kDefined:
      break;
  }
  int ret = reinterpret_cast<exec_fn>(addr)(read, nr_read, write, nr_write);
  if (ret) {
    vaccel_debug("[exec] %s returned %d", sym, ret);
    return VACCEL_ENOEXEC;
  }
  return VACCEL_OK;
}

int open_checked(const exec_plugin::Policy &pol, const char *path, const char *sym, int flags,
                 Lib &out) {
  if (!pol.allows(path, sym)) {
    vaccel_debug("[exec] call refused: not in the exec allow-list");
    return VACCEL_EPERM;
  }
  void *h = dlopen(path, flags);
  if (!h) {
    vaccel_debug("[exec] cannot load a library: %s", dlerror());
    return VACCEL_EINVAL;
  }
  out = Lib(h);
  return VACCEL_OK;
}

int exec_exec(vaccel_session *sess, const char *library, const char *sym, vaccel_arg *read,
              size_t nr_read, vaccel_arg *write, size_t nr_write) {
  vaccel_debug("[exec] session %lld", static_cast<long long>(sess->id));
  if (!library || !sym) return VACCEL_EINVAL;
  Lib lib;
  if (int ret = open_checked(policy(), library, sym, dlopen_mode() | RTLD_LOCAL, lib)) return ret;
  return call(lib.h, sym, read, nr_read, write, nr_write);
}

// Loads one blob: by path when it has one, otherwise from memory through a
// memfd (refused when an allow-list is active). `sym` is checked against the
// allow-list for blobs[0] only (nullptr for dependencies).
int open_blob(const exec_plugin::Policy &pol, vaccel_blob *b, const char *sym, int flags,
              Lib &out) {
  if (b->path && (sym || pol.empty()))
    return open_checked(pol, b->path, sym ? sym : "", flags, out);
  if (b->path) {
    if (!pol.lists_library(b->path)) {
      vaccel_debug(
          "[exec] dependency refused: not in the "
          "exec allow-list");
      return VACCEL_EPERM;
    }
    void *h = dlopen(b->path, flags);
    if (!h) return VACCEL_EINVAL;
    out = Lib(h);
    return VACCEL_OK;
  }
  if (!pol.empty()) {
    vaccel_debug(
        "[exec] in-memory library refused: an exec "
        "allow-list is configured");
    return VACCEL_EPERM;
  }
  size_t size = 0;
  uint8_t *data = vaccel_blob_data(b, &size);
  if (!data) return VACCEL_EINVAL;
  int fd = memfd_create("vaccel-exec", MFD_CLOEXEC);
  if (fd < 0) return VACCEL_EIO;
  size_t off = 0;
  while (off < size) {
    ssize_t w = write(fd, data + off, size - off);
    if (w <= 0) {
      close(fd);
      return VACCEL_EIO;
    }
    off += static_cast<size_t>(w);
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  void *h = dlopen(path.c_str(), flags);
  close(fd);  // the mapping keeps the contents alive
  if (!h) {
    vaccel_debug("[exec] cannot load an in-memory library: %s", dlerror());
    return VACCEL_EINVAL;
  }
  out = Lib(h);
  return VACCEL_OK;
}

// blobs[0] is the library; blobs[1..] are its dependencies, loaded first
// with RTLD_GLOBAL so that blobs[0] can resolve against them. The symbol
// must be defined in blobs[0] itself.
int exec_res(vaccel_session *sess, vaccel_resource *res, const char *sym, vaccel_arg *read,
             size_t nr_read, vaccel_arg *write, size_t nr_write) {
  vaccel_debug("[exec] session %lld: resource %lld", static_cast<long long>(sess->id),
               static_cast<long long>(res->id));
  if (!res->nr_blobs || !sym) return VACCEL_EINVAL;
  const exec_plugin::Policy pol = policy();
  std::vector<Lib> deps;
  for (size_t i = res->nr_blobs; i-- > 1;) {
    Lib dep;
    if (int ret = open_blob(pol, res->blobs[i], nullptr, dlopen_mode() | RTLD_GLOBAL, dep))
      return ret;
    deps.push_back(std::move(dep));
  }
  Lib lib;
  if (int ret = open_blob(pol, res->blobs[0], sym, dlopen_mode() | RTLD_LOCAL, lib)) return ret;
  return call(lib.h, sym, read, nr_read, write, nr_write);
}

int exec_init() {
  static vaccel_op ops[] = {
      VACCEL_OP_INIT(ops[0], VACCEL_OP_EXEC, exec_exec),
      VACCEL_OP_INIT(ops[1], VACCEL_OP_EXEC_WITH_RESOURCE, exec_res),
  };
  return vaccel_plugin_register_ops(ops, sizeof(ops) / sizeof(ops[0]));
}

int exec_fini() { return VACCEL_OK; }

}  // namespace

VACCEL_PLUGIN(.name = "exec", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
              .init = exec_init, .fini = exec_fini,
              .type = VACCEL_PLUGIN_SOFTWARE | VACCEL_PLUGIN_GENERIC | VACCEL_PLUGIN_CPU)
