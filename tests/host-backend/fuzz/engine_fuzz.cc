// libFuzzer target: arbitrary chains into a fresh engine that already has one
// open session (id 1<<32, the id the canonical vectors use), so inputs reach
// operation decoding, not only header checks.
//
// Input format: [u16 wlen][u8 cut seed][u8 flags] readable-bytes...
// The cut seed splits both parts into segments; flag bit 0 puts the segments
// apart in memory so gathering and scattering run too.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "../null_runtime.hh"
#include "engine.hh"

namespace {

void segments(uint8_t *base, size_t len, uint8_t seed, bool apart, std::vector<uint8_t> *store,
              std::vector<struct iovec> *out) {
  size_t step = seed % 61 + 1;
  if (!apart) {
    for (size_t off = 0; off < len; off += step)
      out->push_back({base + off, std::min(step, len - off)});
    if (len == 0) out->push_back({base, 0});
    return;
  }
  store->assign(len + 64 * (len / step + 2), 0);
  size_t pos = 0;
  for (size_t off = 0; off < len; off += step) {
    size_t n = std::min(step, len - off);
    std::memcpy(store->data() + pos, base + off, n);
    out->push_back({store->data() + pos, n});
    pos += n + 64;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4) return 0;
  size_t wlen = data[0] | (data[1] << 8);
  uint8_t seed = data[2];
  bool apart = data[3] & 1;
  std::vector<uint8_t> rd(data + 4, data + size), wr(wlen);

  va::test::NullRuntime rt;
  va::EngineOptions opts;
  opts.limits.max_sessions = 4;
  opts.limits.max_resources = 4;
  opts.limits.max_resource_bytes = 1 << 16;
  opts.limits.max_request_bytes = 1 << 20;
  opts.limits.max_response_bytes = 1 << 20;
  {
    std::string err;
    opts.exec_allowlist.parse("/lib/fuzz.so:fn:/lib/any.so", &err);
  }
  opts.allow_guest_code = (data[3] & 2) != 0;
  va::Engine engine(&rt, opts);
  // Scratch is per worker thread and reused across requests in production too.
  static va::Scratch scratch;
  // Its staging belongs to this input's engine (charged to its budget, pooled
  // there): hand it back before the engine goes, as va_host_process() does.
  struct GiveBack {
    va::Scratch &s;
    ~GiveBack() { s.staging.release(); }
  } give_back{scratch};

  // Open the session the seeds refer to.
  uint8_t create[40] = {1};
  create[24] = 8;
  uint8_t resp[32];
  struct iovec c_rd {
    create, sizeof create
  }, c_wr{resp, sizeof resp};
  engine.process(&c_rd, 1, &c_wr, 1, &scratch);

  std::vector<uint8_t> rd_store, wr_store;
  std::vector<struct iovec> rd_iov, wr_iov;
  segments(rd.data(), rd.size(), seed, apart, &rd_store, &rd_iov);
  segments(wr.data(), wr.size(), static_cast<uint8_t>(seed * 7 + 3), apart, &wr_store, &wr_iov);
  uint32_t used = engine.process(rd_iov.data(), static_cast<unsigned>(rd_iov.size()), wr_iov.data(),
                                 static_cast<unsigned>(wr_iov.size()), &scratch);
  // Invariants: the used length never exceeds the writable part, and every
  // response that has a header carries a known status.
  if (used > wlen) __builtin_trap();
  if (used >= 24) {
    uint8_t status_bytes[4];
    size_t got = 0;
    for (auto &v : wr_iov)
      for (size_t i = 0; i < v.iov_len && got < 4; i++)
        status_bytes[got++] = static_cast<uint8_t *>(v.iov_base)[i];
    uint32_t status;
    std::memcpy(&status, status_bytes, 4);
    if (status > VIRTIO_ACCEL_S_MAX) __builtin_trap();
  }
  return 0;
}
