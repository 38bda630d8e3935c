// Pieces the structure-aware fuzzers share (capi_fuzz.cc, tests/torch/fuzz/torch_device_fuzz.cc):
// turning libFuzzer's bytes into choices, building little-endian wire records, and stopping on a
// broken invariant so that libFuzzer keeps the input.
#ifndef VA_TESTS_FUZZ_INPUT_HH
#define VA_TESTS_FUZZ_INPUT_HH

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace va_fuzz {

using Blob = std::vector<uint8_t>;

// Set by each fuzzer to its own name, for the failure line.
extern const char *const kFuzzerName;

// A broken invariant: says which, then traps (libFuzzer records the input as a crash).
[[noreturn]] inline void fail(const char *what, uint64_t a = 0, uint64_t b = 0) {
  std::fprintf(stderr, "%s: invariant broken: %s (%llu, %llu)\n", kFuzzerName, what,
               static_cast<unsigned long long>(a), static_cast<unsigned long long>(b));
  std::fflush(stderr);
  __builtin_trap();
}

// Decisions drawn from the fuzzer's input; past its end every draw is 0, so any input is a
// complete program.
struct Choices {
  const uint8_t *p;
  size_t n, i = 0;
  uint32_t u8() { return i < n ? p[i++] : 0; }
  uint32_t u16() { return u8() | (u8() << 8); }
  uint32_t u32() { return u16() | (u16() << 16); }
  uint32_t below(uint32_t k) { return k ? u16() % k : 0; }
  bool pct(uint32_t p100) { return below(100) < p100; }
  // Up to `max` of the input's own bytes (libFuzzer's mutations then shape a model or an image
  // directly).
  Blob take(size_t max) {
    size_t len = std::min<size_t>(below(static_cast<uint32_t>(max) + 1), n - std::min(n, i));
    Blob b(p + i, p + i + len);
    i += len;
    return b;
  }
};

// A wire record under construction (host byte order: these fuzzers run on little-endian hosts,
// as the wire is).
struct Bytes {
  Blob v;
  Bytes &raw(const void *p, size_t n) {
    auto *b = static_cast<const uint8_t *>(p);
    v.insert(v.end(), b, b + n);
    return *this;
  }
  Bytes &u32(uint32_t x) { return raw(&x, 4); }
  Bytes &u64(uint64_t x) { return raw(&x, 8); }
  Bytes &f32(float x) { return raw(&x, 4); }
  Bytes &str(const std::string &s) { return raw(s.data(), s.size()); }
};

// A request: the wire header (type, a fresh request id, session, payload length) and payload.
inline Blob header(uint32_t type, uint64_t session, const Blob &payload) {
  static uint64_t rid = 0;
  Bytes b;
  b.u32(type).u32(0).u64(++rid).u64(session).u32(static_cast<uint32_t>(payload.size())).u32(0);
  b.raw(payload.data(), payload.size());
  return b.v;
}

// A RUN payload: op, counts, resource, one argument descriptor per input (its size) and per
// output (capacity `outs[i]`), then the input bytes.
inline Blob run(uint32_t op, const std::vector<Blob> &ins, const std::vector<uint64_t> &outs,
                uint64_t res = 0) {
  Bytes b;
  b.u32(op)
      .u32(static_cast<uint32_t>(ins.size()))
      .u32(static_cast<uint32_t>(outs.size()))
      .u32(0)
      .u64(res);
  for (const auto &i : ins) b.u64(i.size()).u32(0).u32(0);
  for (auto o : outs) b.u64(o).u32(0).u32(0);
  for (const auto &i : ins) b.raw(i.data(), i.size());
  return b.v;
}

}  // namespace va_fuzz

#define VA_FUZZ_CHECK(cond, ...)             \
  do {                                       \
    if (!(cond)) va_fuzz::fail(__VA_ARGS__); \
  } while (0)

#endif  // VA_TESTS_FUZZ_INPUT_HH
