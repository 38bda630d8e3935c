#include "exec_policy.hh"

#include <cstring>
#include <sstream>

namespace va {

bool valid_symbol(const char *s) {
  size_t n = 0;
  for (; s[n] != '\0'; n++) {
    char c = s[n];
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(n > 0 && c >= '0' && c <= '9')) return false;
    if (n >= 255) return false;
  }
  return n > 0;
}

bool ExecPolicy::parse(const char *list, std::string *error) {
  entries_.clear();
  if (list == nullptr) return true;
  std::stringstream ss(list);
  std::string tok;
  while (std::getline(ss, tok, ':')) {
    if (tok.empty()) continue;
    if (tok[0] == '/') {
      entries_.push_back(Entry{tok, {}});
    } else if (valid_symbol(tok.c_str()) && !entries_.empty()) {
      entries_.back().symbols.push_back(tok);
    } else {
      *error = "exec-allowlist: '" + tok +
               "' is neither an absolute library path nor a C identifier following one";
      entries_.clear();
      return false;
    }
  }
  return true;
}

bool ExecPolicy::allows(const char *library, const char *symbol) const {
  if (!valid_symbol(symbol)) return false;
  for (const Entry &e : entries_) {
    if (e.library != library) continue;
    if (e.symbols.empty()) return true;  // the exec plugin checks where it is defined
    for (const std::string &s : e.symbols)
      if (s == symbol) return true;
  }
  return false;
}

}  // namespace va
