// SPDX-License-Identifier: Apache-2.0
// The exec plugin's allow-list and symbol checks (see exec.cc).
#pragma once

#include <string>
#include <vector>

namespace exec_plugin {

// A C identifier of 1..255 characters.
bool valid_symbol(const char *s);

// Where `sym` resolves from `handle`: kDefined when the address is a
// function (or ifunc) DEFINED in that very object (*addr then holds it),
// kMissing when dlsym finds nothing, kForeign when it resolves elsewhere (a
// dependency such as libc) or to something that is not a function.
enum class Lookup { kDefined, kMissing, kForeign };
Lookup defined_in(void *handle, const char *sym, void **addr);

class Policy {
 public:
  struct Entry {
    std::string library;               // canonical path
    std::vector<std::string> symbols;  // empty: any it defines
  };
  // ':'-separated: absolute paths, each optionally followed by symbols.
  // Malformed tokens are dropped: they can only ever deny more.
  static Policy parse(const char *list);
  bool empty() const { return !configured_; }
  // No list: any library. Otherwise the library (canonical path) must be
  // listed, and `sym` among its symbols when it has any.
  bool allows(const char *path, const char *sym) const;
  bool lists_library(const char *path) const;

 private:
  std::vector<Entry> entries_;
  bool configured_ = false;
};

}  // namespace exec_plugin
