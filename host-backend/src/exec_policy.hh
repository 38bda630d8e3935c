// Which host functions OP_EXEC may call: the operator's exec allow-list.
//
// Syntax (the QEMU property exec-allowlist, va_host_options.exec_allowlist and
// the runtime's VACCEL_EXEC_ALLOWLIST share it): ':'-separated tokens. A token
// starting with '/' names a library by absolute path; the C identifiers that
// follow it, up to the next path, are the only symbols of that library exec
// may call:
//
//   /opt/lib/libops.so:scale:blend:/opt/lib/libother.so
//
// allows libops.so's `scale` and `blend`, and any function of libother.so --
// but "any function" only ever means a symbol DEFINED in that very object
// (the exec plugin checks where the resolved address lives), never one that
// dlsym() would find in its dependencies (libc's exit, fork, setcontext...).
#pragma once

#include <string>
#include <vector>

namespace va {

// True for a C identifier of 1..255 characters: the only symbol names exec
// accepts (no newlines or escapes can reach a log, no versioned names).
bool valid_symbol(const char *s);

// EXEC_WITH_RESOURCE's symbol: a C identifier, optionally followed by an
// OpenCL launch suffix "@G0[xG1[xG2]]" (decimal sizes; the OpenCL plugin's
// user-kernel convention). Nothing else reaches a plugin or a log.
bool valid_resource_symbol(const char *s);

class ExecPolicy {
 public:
  struct Entry {
    std::string library;
    std::vector<std::string> symbols;  // empty: symbols defined in library
  };

  ExecPolicy() = default;
  // Parses the syntax above. False with a message for a malformed list.
  bool parse(const char *list, std::string *error);

  bool empty() const { return entries_.empty(); }
  // Library and symbol as the guest named them (exact path match).
  bool allows(const char *library, const char *symbol) const;
  const std::vector<Entry> &entries() const { return entries_; }

 private:
  std::vector<Entry> entries_;
};

}  // namespace va
