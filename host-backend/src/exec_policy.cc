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

bool valid_resource_symbol(const char *s) {
  const char *at = std::strchr(s, '@');
  if (at == nullptr) return valid_symbol(s);
  std::string name(s, static_cast<size_t>(at - s));
  if (!valid_symbol(name.c_str())) return false;
  // G0[xG1[xG2]]: 1..3 decimal numbers of 1..19 digits joined by 'x'.
  int groups = 0, digits = 0;
  for (const char *p = at + 1;; p++) {
    if (*p >= '0' && *p <= '9') {
      if (++digits > 19) return false;
    } else if ((*p == 'x' || *p == '\0') && digits > 0) {
      groups++;
      digits = 0;
      if (*p == '\0') return groups <= 3;
      if (groups == 3) return false;
    } else {
      return false;
    }
  }
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
