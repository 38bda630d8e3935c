// SPDX-License-Identifier: Apache-2.0
// vaccel/utils/str.h: the one string helper of the public API (the enum
// name helpers of vaccel/utils/enum.h are built on it).
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "internal.hh"

extern "C" int vaccel_str_to_lower(const char *str, char *lower, size_t size, char **alloc_lower) {
  if (!str || (!alloc_lower && (!lower || !size))) return VACCEL_EINVAL;
  size_t len = strlen(str);
  char *out;
  if (alloc_lower) {
    out = static_cast<char *>(malloc(len + 1));
    if (!out) return VACCEL_ENOMEM;
    *alloc_lower = out;
  } else {
    out = lower;
    if (len >= size) len = size - 1;  // truncate, as upstream does
  }
  for (size_t i = 0; i < len; i++)
    out[i] = static_cast<char>(tolower(static_cast<unsigned char>(str[i])));
  out[len] = '\0';
  return VACCEL_OK;
}
