// Little-endian field access. The wire is little-endian whatever the host is;
// these compile to plain moves on x86 and arm64.
#pragma once

#include <endian.h>

#include <cstdint>
#include <cstring>

namespace va {

inline uint32_t le32(uint32_t v) { return le32toh(v); }
inline uint64_t le64(uint64_t v) { return le64toh(v); }
inline uint32_t to_le32(uint32_t v) { return htole32(v); }
inline uint64_t to_le64(uint64_t v) { return htole64(v); }

inline float le_float(uint32_t bits) {
  uint32_t host = le32toh(bits);
  float f;
  std::memcpy(&f, &host, sizeof f);
  return f;
}

}  // namespace va
