// SPDX-License-Identifier: Apache-2.0
#include "exec_policy.hh"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <filesystem>
#include <sstream>

namespace exec_plugin {
namespace {

std::string canonical(const std::string &p) {
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(p, ec);
  return ec ? p : c.string();
}

}  // namespace

bool valid_symbol(const char *s) {
  if (!s) return false;
  size_t n = 0;
  for (; s[n] != '\0'; n++) {
    const char c = s[n];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(n > 0 && c >= '0' && c <= '9')) return false;
    if (n >= 255) return false;
  }
  return n > 0;
}

Lookup defined_in(void *handle, const char *sym, void **addr) {
  struct link_map *lib = nullptr;
  if (dlinfo(handle, RTLD_DI_LINKMAP, &lib) != 0 || !lib) return Lookup::kMissing;
  dlerror();
  void *p = dlsym(handle, sym);
  if (!p) return Lookup::kMissing;
  // Which loaded object holds the address, and which symbol of it: the
  // object must be the library itself, the symbol a function defined at
  // exactly that address (not data, not a dependency's).
  Dl_info info{};
  void *extra = nullptr;
  if (!dladdr1(p, &info, &extra, RTLD_DL_LINKMAP) || extra != lib) return Lookup::kForeign;
  void *ent = nullptr;
  if (!dladdr1(p, &info, &ent, RTLD_DL_SYMENT) || !ent) return Lookup::kForeign;
  const auto *es = static_cast<const ElfW(Sym) *>(ent);
  const unsigned type = ELF64_ST_TYPE(es->st_info);
  if (es->st_shndx == SHN_UNDEF || (type != STT_FUNC && type != STT_GNU_IFUNC) ||
      info.dli_saddr != p)
    return Lookup::kForeign;
  *addr = p;
  return Lookup::kDefined;
}

Policy Policy::parse(const char *list) {
  Policy pol;
  if (!list || !*list) return pol;
  pol.configured_ = true;
  std::stringstream ss(list);
  std::string tok;
  bool skip = false;  // symbols of a dropped library are dropped too
  while (std::getline(ss, tok, ':')) {
    if (tok.empty()) continue;
    if (tok[0] == '/') {
      pol.entries_.push_back(Entry{canonical(tok), {}});
      skip = false;
    } else if (!skip && !pol.entries_.empty() && valid_symbol(tok.c_str())) {
      pol.entries_.back().symbols.push_back(tok);
    } else {
      // A library whose symbol list is malformed is dropped
      // whole: dropping only the bad token could turn it into
      // a library-only entry, which allows more.
      if (!skip && !pol.entries_.empty()) pol.entries_.pop_back();
      skip = true;
    }
  }
  return pol;
}

bool Policy::lists_library(const char *path) const {
  const std::string p = canonical(path);
  for (const Entry &e : entries_)
    if (e.library == p) return true;
  return false;
}

bool Policy::allows(const char *path, const char *sym) const {
  if (!configured_) return true;
  const std::string p = canonical(path);
  for (const Entry &e : entries_) {
    if (e.library != p) continue;
    if (e.symbols.empty()) return true;
    for (const std::string &s : e.symbols)
      if (s == sym) return true;
  }
  return false;
}

}  // namespace exec_plugin
