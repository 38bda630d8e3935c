// Structure-aware fuzzer over the REAL C ABI + host runtime + plugins (cpu,
// exec, noop, and opencl when built): what a hostile guest reaches through
// QEMU. The input bytes are a stream of choices: the harness builds a valid
// request program (sessions, resources, RUNs of every kind the plugins
// serve), mutates one field of a request now and then, lays each chain out
// in a "guest memory" arena split into segments at odd offsets, sometimes
// aliasing a writable segment onto readable bytes, runs it synchronously or
// through the worker pool (sometimes resetting while requests run), and
// checks after every step:
//   - used length <= writable size; a known status; used = 24 + payload_len;
//   - no byte of the arena outside the writable segments of COMPLETED
//     requests changed (cancelled/abandoned ones write nothing, ever);
// and at the end, after a reset, that every counter is back to zero
// (sessions, resources, their bytes, in-flight, abandoned-running) and
// staging is within its budget.
//
// Built two ways: with libFuzzer (clang, ASan+UBSan over the whole runtime;
// tests/host-backend/fuzz/run_capi.sh) and as a plain deterministic driver
// (VA_FUZZ_STANDALONE: random choice streams from a seed; ctest runs it).
#include <sys/uio.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fuzz_input.hh"
#include "virtio_accel.h"
#include "virtio_accel_host.h"

const char *const va_fuzz::kFuzzerName = "fuzz_capi";

namespace {

using va_fuzz::Blob;
using va_fuzz::Bytes;
using va_fuzz::Choices;
using va_fuzz::header;
using va_fuzz::run;

std::vector<uint8_t> tensor_desc(uint32_t type, std::vector<int64_t> dims) {
  Bytes b;
  b.u32(type).u32(static_cast<uint32_t>(dims.size()));
  for (size_t i = 0; i < VIRTIO_ACCEL_MAX_DIMS; i++)
    b.u64(i < dims.size() ? static_cast<uint64_t>(dims[i]) : 0);
  return b.v;
}

std::vector<uint8_t> filler(Choices &c, size_t n) {
  std::vector<uint8_t> v(n);
  uint8_t seed = static_cast<uint8_t>(c.u8());
  for (size_t i = 0; i < n; i++) v[i] = static_cast<uint8_t>(seed + i * 7);
  return v;
}

// ---- the device --------------------------------------------------------------

struct Device {
  va_host *h = nullptr;
  std::mutex m;
  std::condition_variable cv;
  std::map<void *, std::pair<uint32_t, int>> done;

  static void on_done(void *dev, void *req, uint32_t used, int completed) {
    auto *d = static_cast<Device *>(dev);
    std::lock_guard g(d->m);
    VA_FUZZ_CHECK(d->done.count(req) == 0, "completed twice");
    d->done[req] = {used, completed};
    d->cv.notify_all();
  }
  uint64_t counter(const char *name) {
    uint64_t v = 0;
    VA_FUZZ_CHECK(va_host_get_counter(h, name, &v) == 0, "counter");
    return v;
  }
};

Device &device() {
  static Device *d = [] {
    auto *dev = new Device;
    va_host_options o;
    va_host_options_init(&o);
    const char *plugins = std::getenv("VA_FUZZ_PLUGINS");
    o.plugins = plugins && *plugins ? plugins : VA_FUZZ_PLUGINS;
    o.exec_allowlist = VA_EXEC_LIB;
    o.num_workers = 2;
    o.max_sessions = 6;
    o.max_resources = 6;
    o.max_resource_bytes = 1 << 16;
    o.max_request_bytes = 1 << 20;
    o.max_response_bytes = 1 << 20;
    o.max_staging_bytes = 4 << 20;
    o.max_op_cost = 1 << 20;
    char err[256] = "";
    dev->h = va_host_new(&o, Device::on_done, dev, err, sizeof err);
    if (!dev->h) {
      std::fprintf(stderr, "fuzz_capi: %s\n", err);
      std::abort();
    }
    return dev;
  }();
  return *d;
}

// ---- request programs ------------------------------------------------------------

struct Program {
  std::vector<uint64_t> sessions{0};
  std::vector<uint64_t> resources{0};
  uint64_t session(Choices &c) {
    if (c.pct(5)) return c.u32() | (uint64_t(c.u32()) << 32);  // a guessed ID
    return sessions[c.below(static_cast<uint32_t>(sessions.size()))];
  }
  uint64_t resource(Choices &c) {
    return resources[c.below(static_cast<uint32_t>(resources.size()))];
  }
};

const char *const kSymbols[] = {
    "va_test_double", "va_test_sleep_ms",       "exit", "fork", "pause", "abort", "free",
    "setcontext",     "va_test_not_a_function", "x\ny"};
const uint32_t kFlags[] = {0,   0x1 /*CPU*/, 0x2 /*GPU*/, 0x8 /*SOFTWARE*/, 0x100 /*DEBUG*/,
                           0x80 /*GENERIC*/};

struct Req {
  std::vector<uint8_t> rd;
  size_t wlen;
  size_t mutable_prefix;  // bytes of headers/tables/params (where a field mutation bites)
};

Req build(Choices &c, Program &p) {
  auto sgemm_params = [&](int64_t m, int64_t n, int64_t k, int64_t lda, int64_t ldb, int64_t ldc) {
    Bytes b;
    b.u64(m).u64(n).u64(k).u64(lda).u64(ldb).u64(ldc).f32(1.5f).f32(c.pct(50) ? 0.5f : 0.0f);
    return b.v;
  };
  switch (c.below(15)) {
    case 0: {
      Bytes b;
      b.u32(kFlags[c.below(6)]).u32(0);
      return {header(VIRTIO_ACCEL_REQ_SESSION_CREATE, 0, b.v), 32, 40};
    }
    case 1:
      return {header(VIRTIO_ACCEL_REQ_SESSION_DESTROY, p.session(c), {}), 24, 24};
    case 2: {
      uint32_t nb = 1 + c.below(2);
      Bytes b;
      b.u32(1 + c.below(3)).u32(nb);
      std::vector<std::vector<uint8_t>> data;
      for (uint32_t i = 0; i < nb; i++) data.push_back(filler(c, c.below(300)));
      for (uint32_t i = 0; i < nb; i++) b.u64(data[i].size()).u32(5).u32(0);
      for (uint32_t i = 0; i < nb; i++)
        b.str(i ? "dep.b" : "blb.a").raw(data[i].data(), data[i].size());
      return {header(VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, p.session(c), b.v), 32, 24 + 8 + 16 * nb};
    }
    case 3: {
      Bytes b;
      b.u64(p.resource(c));
      return {header(VIRTIO_ACCEL_REQ_RESOURCE_UNREGISTER, p.session(c), b.v), 24, 32};
    }
    case 4:
      return {header(VIRTIO_ACCEL_REQ_RUN, p.session(c), run(VIRTIO_ACCEL_OP_NOOP, {}, {})), 56,
              48};
    case 5: {
      int64_t m = c.below(12), n = c.below(12), k = c.below(12);
      int64_t lda = k + c.below(3), ldb = n + c.below(3), ldc = n + c.below(3);
      auto mat = [&](int64_t r, int64_t cols, int64_t ld) {
        return filler(c, r && cols ? static_cast<size_t>(((r - 1) * ld + cols) * 4) : 0);
      };
      auto C = c.pct(50) ? mat(m, n, ldc) : std::vector<uint8_t>{};
      uint64_t clen = m && n ? static_cast<uint64_t>(((m - 1) * ldc + n) * 4) : 0;
      return {header(VIRTIO_ACCEL_REQ_RUN, p.session(c),
                     run(VIRTIO_ACCEL_OP_SGEMM,
                         {sgemm_params(m, n, k, lda, ldb, ldc), mat(m, k, lda), mat(k, n, ldb), C},
                         {clen})),
              56 + clen, 24 + 24 + 80 + 56};
    }
    case 6: {
      uint32_t nd = c.below(17);
      int32_t lo = static_cast<int32_t>(c.below(5)) - 2, hi = lo + static_cast<int32_t>(c.below(4));
      Bytes prm;
      prm.u32(nd).u32(static_cast<uint32_t>(lo)).u32(static_cast<uint32_t>(hi)).u32(0);
      std::vector<uint8_t> data(nd * 8);
      for (uint32_t i = 0; i < nd; i++) {
        double x = static_cast<double>(static_cast<int32_t>(c.u16()) - 30000) / 1000.0;
        std::memcpy(data.data() + 8 * i, &x, 8);
      }
      return {header(VIRTIO_ACCEL_REQ_RUN, p.session(c),
                     run(VIRTIO_ACCEL_OP_MINMAX, {prm.v, data}, {nd * 8u, 16})),
              56 + nd * 8 + 16, 24 + 24 + 64 + 16};
    }
    case 7: {
      static const uint32_t ops[] = {VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY, VIRTIO_ACCEL_OP_FPGA_MMULT,
                                     VIRTIO_ACCEL_OP_FPGA_PARALLEL, VIRTIO_ACCEL_OP_FPGA_VECTORADD};
      uint32_t op = ops[c.below(4)];
      uint32_t side = c.below(9);
      uint32_t len = (op == VIRTIO_ACCEL_OP_FPGA_MMULT ? side * side : c.below(64)) * 4;
      std::vector<std::vector<uint8_t>> ins{filler(c, len)};
      if (op != VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY) ins.push_back(filler(c, len));
      std::vector<uint64_t> outs{len};
      if (op == VIRTIO_ACCEL_OP_FPGA_PARALLEL) outs.push_back(len);
      return {header(VIRTIO_ACCEL_REQ_RUN, p.session(c), run(op, ins, outs)),
              56 + len * outs.size(), 24 + 24 + 16 * (ins.size() + outs.size())};
    }
    case 8: {
      const char *sym = kSymbols[c.below(10)];
      Bytes l, y, arg;
      l.str(VA_EXEC_LIB);
      y.str(sym);
      uint32_t n = c.below(6);
      if (std::strcmp(sym, "va_test_sleep_ms") == 0) n = 1;
      for (uint32_t i = 0; i < n; i++)
        arg.u32(std::strcmp(sym, "va_test_sleep_ms") == 0 ? c.pct(3) : c.u32());
      uint64_t out = n * 4 + c.below(3);
      return {header(VIRTIO_ACCEL_REQ_RUN, p.session(c),
                     run(VIRTIO_ACCEL_OP_EXEC, {l.v, y.v, arg.v}, {out})),
              56 + out, 24 + 24 + 64};
    }
    case 9: {
      static const uint32_t loads[] = {
          VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD, VIRTIO_ACCEL_OP_TFLITE_MODEL_LOAD,
          VIRTIO_ACCEL_OP_TF_MODEL_LOAD, VIRTIO_ACCEL_OP_TF_MODEL_UNLOAD,
          VIRTIO_ACCEL_OP_TFLITE_MODEL_UNLOAD};
      return {
          header(VIRTIO_ACCEL_REQ_RUN, p.session(c), run(loads[c.below(5)], {}, {}, p.resource(c))),
          56, 48};
    }
    case 10: {
      static const uint32_t runs[] = {VIRTIO_ACCEL_OP_TORCH_MODEL_RUN,
                                      VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN,
                                      VIRTIO_ACCEL_OP_TF_MODEL_RUN};
      uint32_t op = runs[c.below(3)];
      uint32_t type = 1 + c.below(op == VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN ? 18 : 7);
      std::vector<int64_t> dims{1 + c.below(4), 1 + c.below(4)};
      std::vector<uint8_t> node;
      if (op == VIRTIO_ACCEL_OP_TF_MODEL_RUN) node = {0, 0, 0, 0, 'i', 'n'};
      Bytes prm;
      prm.u32(1).u32(1);
      uint64_t cap = c.below(80);
      std::vector<std::vector<uint8_t>> ins{
          prm.v, {}, node, tensor_desc(type, dims), filler(c, 8 * dims[0] * dims[1]), node};
      return {header(VIRTIO_ACCEL_REQ_RUN, p.session(c), run(op, ins, {80, cap}, p.resource(c))),
              56 + 80 + cap, 24 + 24 + 128 + 8 + 80};
    }
    case 11: {
      uint32_t nin = c.below(4), nout = c.below(3);
      std::vector<std::vector<uint8_t>> ins;
      std::vector<uint64_t> outs;
      size_t w = 56;
      for (uint32_t i = 0; i < nin; i++) ins.push_back(filler(c, c.below(40)));
      for (uint32_t i = 0; i < nout; i++) outs.push_back(c.below(40)), w += outs.back();
      uint32_t op = c.pct(50) ? VIRTIO_ACCEL_OP_OPENCV : VIRTIO_ACCEL_OP_IMAGE_CLASSIFY;
      return {header(VIRTIO_ACCEL_REQ_RUN, p.session(c), run(op, ins, outs)), w,
              48 + 16 * (nin + nout)};
    }
    case 12: {
      uint32_t m = c.below(6), n = c.below(6), k = c.below(6);
      Bytes prm;
      prm.u32(m).u32(n).u32(k).u32(0);
      std::vector<std::vector<uint8_t>> ins{prm.v};
      int64_t shapes[3][2] = {{m, k}, {k, n}, {m, n}};
      for (auto &s : shapes) {
        ins.push_back(tensor_desc(7, {s[0], s[1]}));
        ins.push_back(filler(c, static_cast<size_t>(s[0] * s[1] * 4)));
      }
      uint64_t cap = m * n * 4 + c.below(8);
      return {header(VIRTIO_ACCEL_REQ_RUN, p.session(c),
                     run(VIRTIO_ACCEL_OP_TORCH_SGEMM, ins, {80, cap})),
              56 + 80 + cap, 24 + 24 + 144 + 16};
    }
    case 13:
      return {header(VIRTIO_ACCEL_REQ_TIMERS_GET, p.session(c), {}),
              24 + 8 + 32 * VIRTIO_ACCEL_OP_MAX, 24};
    default:
      return {header(VIRTIO_ACCEL_REQ_STATS_GET, 0, {}), 24 + sizeof(struct virtio_accel_stats),
              24};
  }
}

// One field of the request gets an interesting value.
void mutate(Choices &c, Req &r) {
  static const uint64_t vals[] = {0,          1,          2,          3,
                                  7,          8,          0x7f,       0xff,
                                  0x7fffffff, 0x80000000, 0xffffffff, 0xffffffffffffffffull,
                                  1ull << 32, 1ull << 63, 4096,       65536};
  size_t lim = std::min(r.mutable_prefix, r.rd.size());
  if (lim == 0) return;
  size_t off = c.below(static_cast<uint32_t>(lim)) & ~size_t{3};
  size_t width = size_t{1} << c.below(4);
  uint64_t v = c.pct(70) ? vals[c.below(16)] : (uint64_t(c.u32()) << 32 | c.u32());
  for (size_t i = 0; i < width && off + i < r.rd.size(); i++)
    r.rd[off + i] = static_cast<uint8_t>(v >> (8 * i));
  if (c.pct(10)) r.wlen = c.below(static_cast<uint32_t>(r.wlen + 64));
}

// ---- chains in guest memory ------------------------------------------------------

struct Arena {
  std::vector<uint8_t> mem;
  size_t top = 0;
  explicit Arena(size_t n) : mem(n) {
    for (size_t i = 0; i < n; i++) mem[i] = static_cast<uint8_t>(i * 131 + 17);
  }
  // Room for n bytes at a chosen misalignment, with a gap after; nullptr when full.
  uint8_t *take(Choices &c, size_t n) {
    size_t start = top + c.below(8);
    if (start + n + 8 > mem.size()) return nullptr;
    top = start + n + c.below(3) * 8;
    return mem.data() + start;
  }
};

struct Chain {
  std::vector<struct iovec> rd, wr;
  size_t wlen = 0;
  bool wr_overlap = false;
};

bool lay_out(Choices &c, Arena &a, Req &r, Chain *ch) {
  // Readable: split at up to 3 cut points, each segment placed apart.
  size_t off = 0;
  while (off < r.rd.size()) {
    size_t n = r.rd.size() - off;
    if (c.pct(40)) n = std::min(n, size_t{1} + c.below(static_cast<uint32_t>(n)));
    uint8_t *p = a.take(c, n);
    if (!p) return false;
    std::memcpy(p, r.rd.data() + off, n);
    ch->rd.push_back({p, n});
    off += n;
  }
  if (r.rd.empty()) ch->rd.push_back({a.mem.data(), 0});
  // Writable: split likewise; one segment may alias readable bytes.
  off = 0;
  while (off < r.wlen) {
    size_t n = r.wlen - off;
    if (c.pct(40)) n = std::min(n, size_t{1} + c.below(static_cast<uint32_t>(n)));
    uint8_t *p = nullptr;
    if (c.pct(15) && !ch->rd.empty()) {
      auto &seg = ch->rd[c.below(static_cast<uint32_t>(ch->rd.size()))];
      if (seg.iov_len >= n)
        p = static_cast<uint8_t *>(seg.iov_base) +
            c.below(static_cast<uint32_t>(seg.iov_len - n + 1));
    }
    if (!p) p = a.take(c, n);
    if (!p) return false;
    ch->wr.push_back({p, n});
    off += n;
  }
  ch->wlen = r.wlen;
  for (size_t i = 0; i < ch->wr.size(); i++)
    for (size_t j = i + 1; j < ch->wr.size(); j++) {
      auto *a = static_cast<uint8_t *>(ch->wr[i].iov_base),
           *b = static_cast<uint8_t *>(ch->wr[j].iov_base);
      if (a < b + ch->wr[j].iov_len && b < a + ch->wr[i].iov_len) ch->wr_overlap = true;
    }
  return true;
}

uint32_t status_of(const Chain &ch, uint32_t *payload_len) {
  uint8_t hdr[24] = {};
  size_t got = 0;
  for (auto &v : ch.wr)
    for (size_t i = 0; i < v.iov_len && got < 24; i++)
      hdr[got++] = static_cast<uint8_t *>(v.iov_base)[i];
  uint32_t st;
  std::memcpy(&st, hdr, 4);
  std::memcpy(payload_len, hdr + 16, 4);
  return st;
}

// Every arena byte outside `allowed` writable segments is as in `before`.
void check_untouched(const Arena &a, const std::vector<uint8_t> &before,
                     const std::vector<const Chain *> &allowed) {
  std::vector<uint8_t> mask(a.mem.size(), 0);
  for (const Chain *ch : allowed)
    for (auto &v : ch->wr) {
      size_t s = static_cast<const uint8_t *>(v.iov_base) - a.mem.data();
      std::memset(mask.data() + s, 1, v.iov_len);
    }
  for (size_t i = 0; i < a.mem.size(); i++)
    if (!mask[i] && a.mem[i] != before[i])
      va_fuzz::fail("write outside the writable part of completed requests", i);
}

// kind: 0 nothing to learn, 1 SESSION_CREATE, 2 RESOURCE_REGISTER.
void check_response(const Chain &ch, uint32_t used, Program &p, int kind) {
  VA_FUZZ_CHECK(used <= ch.wlen, "used beyond writable", used, ch.wlen);
  if (used < 24) {
    VA_FUZZ_CHECK(used == 0, "partial header", used);
    return;
  }
  uint32_t payload = 0;
  uint32_t st = status_of(ch, &payload);
  if (ch.wr_overlap) return;
  VA_FUZZ_CHECK(st <= VIRTIO_ACCEL_S_MAX, "unknown status", st);
  // Writable segments that overlap each other garble what the device
  // wrote (the guest's own doing): nothing to check in the header then.
  if (ch.wr_overlap) return;
  VA_FUZZ_CHECK(used == 24 + payload, "used != header + payload", used, payload);
  if (st == VIRTIO_ACCEL_S_OK && kind && used >= 32) {
    uint8_t id[8];
    size_t got = 0, skip = 24;
    for (auto &v : ch.wr)
      for (size_t i = 0; i < v.iov_len && got < 8; i++) {
        if (skip) {
          skip--;
          continue;
        }
        id[got++] = static_cast<uint8_t *>(v.iov_base)[i];
      }
    uint64_t x;
    std::memcpy(&x, id, 8);
    (kind == 1 ? p.sessions : p.resources).push_back(x);
  }
}

void wait_abandoned(Device &d) {
  for (int i = 0; d.counter("abandoned-running") != 0; i++) {
    VA_FUZZ_CHECK(i < 20000, "abandoned work never finished");
    std::this_thread::sleep_for(std::chrono::microseconds(20));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  Device &d = device();
  Choices c{data, size};
  Program prog;
  Arena arena(1 << 16);
  uint32_t steps = 1 + c.below(8);
  for (uint32_t s = 0; s < steps && c.i < c.n; s++) {
    bool batch = c.pct(25);
    uint32_t nreq = batch ? 1 + c.below(4) : 1;
    std::vector<Chain> chains(nreq);
    std::vector<int> creates(nreq);
    arena.top = 0;
    size_t built = 0;
    for (uint32_t i = 0; i < nreq; i++) {
      Req r = build(c, prog);
      creates[i] = r.rd[0] == VIRTIO_ACCEL_REQ_SESSION_CREATE      ? 1
                   : r.rd[0] == VIRTIO_ACCEL_REQ_RESOURCE_REGISTER ? 2
                                                                   : 0;
      if (c.pct(30)) mutate(c, r);
      if (!lay_out(c, arena, r, &chains[i])) break;
      built++;
    }
    chains.resize(built);
    if (chains.empty()) continue;
    std::vector<uint8_t> before = arena.mem;
    if (!batch) {
      Chain &ch = chains[0];
      uint32_t used = va_host_process(d.h, ch.rd.data(), static_cast<unsigned>(ch.rd.size()),
                                      ch.wr.data(), static_cast<unsigned>(ch.wr.size()));
      check_response(ch, used, prog, creates[0]);
      check_untouched(arena, before, {&ch});
      continue;
    }
    // Through the workers, maybe reset while they run.
    for (auto &ch : chains) {
      int rc = va_host_submit(d.h, ch.rd.data(), static_cast<unsigned>(ch.rd.size()), ch.wr.data(),
                              static_cast<unsigned>(ch.wr.size()), &ch);
      VA_FUZZ_CHECK(rc == 0, "submit refused", static_cast<uint64_t>(-rc));
    }
    bool reset = c.pct(40);
    if (reset) {
      va_host_reset(d.h);
      std::lock_guard g(d.m);
      VA_FUZZ_CHECK(d.done.size() == chains.size(), "reset returned with requests outstanding",
                    d.done.size());
    }
    {
      std::unique_lock lk(d.m);
      d.cv.wait(lk, [&] { return d.done.size() == chains.size(); });
    }
    if (reset) wait_abandoned(d);  // anything abandoned writes now, if at all
    std::vector<const Chain *> completed;
    for (auto &ch : chains) {
      auto [used, ok] = d.done[&ch];
      if (ok) {
        completed.push_back(&ch);
        check_response(ch, used, prog, 0);
      } else {
        VA_FUZZ_CHECK(used == 0, "cancelled with a length", used);
      }
    }
    d.done.clear();
    check_untouched(arena, before, completed);
    if (reset) prog = Program{};
  }
  // Reset: every counter back to zero, staging within its budget.
  va_host_reset(d.h);
  wait_abandoned(d);
  va_host_stats st;
  va_host_get_stats(d.h, &st);
  VA_FUZZ_CHECK(st.sessions == 0, "sessions after reset", st.sessions);
  VA_FUZZ_CHECK(st.resources == 0 && st.resource_bytes == 0, "resources after reset", st.resources,
                st.resource_bytes);
  VA_FUZZ_CHECK(st.in_flight == 0, "in flight after reset", st.in_flight);
  VA_FUZZ_CHECK(d.counter("sessions-held") == 0 && d.counter("resources-held") == 0,
                "objects held after reset", d.counter("sessions-held"),
                d.counter("resources-held"));
  VA_FUZZ_CHECK(d.counter("staging-bytes") <= d.counter("staging-limit"), "staging over budget");
  return 0;
}

#ifdef VA_FUZZ_STANDALONE
// Deterministic driver: argv[1] executions (default 2000), argv[2] seed.
int main(int argc, char **argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 2000;
  uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 0) : 1;
  std::vector<uint8_t> buf(768);
  for (long i = 0; i < n; i++) {
    for (auto &b : buf) {
      seed += 0x9e3779b97f4a7c15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      b = static_cast<uint8_t>(z ^ (z >> 31));
    }
    size_t len = 16 + buf[0] * 3;
    LLVMFuzzerTestOneInput(buf.data(), std::min(len, buf.size()));
  }
  std::printf("fuzz_capi: %ld programs OK\n", n);
  return 0;
}
#endif
