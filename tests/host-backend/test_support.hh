// Shared pieces of the host-backend tests: a runtime double whose behaviour
// tests control, and builders that encode requests the way a guest driver
// would (little-endian, through the wire header) and split them into chains.
#pragma once

#include <sys/uio.h>

#include <atomic>
#include <condition_variable>
#include <cstring>
#include <functional>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine.hh"
#include "virtio_accel.h"

namespace va::test {

// Runtime double: real (naive) arithmetic for the ops tests check by value,
// switches to fail / block / throw for the error and concurrency paths.
class FakeRuntime : public Runtime {
 public:
  std::atomic<int> live_sessions{0}, live_resources{0};
  std::atomic<int> fail_op_errno{0};
  std::atomic<bool> throw_on_create{false};
  std::atomic<int> create_errno{0};
  uint64_t ops_mask = ~0ull;
  // Blocking: ops wait until release() while `block` is set.
  std::atomic<bool> block{false};
  std::atomic<int> blocked{0};
  std::mutex m;
  std::condition_variable cv;
  bool released = false;
  // Blocks only ops of this type when non-zero (others run at once).
  std::atomic<uint32_t> block_only_op{0};
  // Last arguments seen (pointer and length), to check their placement.
  std::vector<const uint8_t *> last_in, last_out;
  std::vector<uint64_t> last_in_len, last_out_len;
  std::vector<std::string> last_blob_names;
  // Runs inside run(), e.g. to play a guest that rewrites its request.
  std::function<void()> on_run;

  void release() {
    std::lock_guard g(m);
    released = true;
    cv.notify_all();
  }
  void wait_blocked(int n) {
    while (blocked.load() < n) std::this_thread::yield();
  }

  // Session creation waits for release() while set (a slow plugin hook).
  std::atomic<bool> block_create{false};

  void *session_create(uint32_t, int *err) override {
    if (block_create) {
      blocked++;
      std::unique_lock lk(m);
      cv.wait(lk, [this] { return released; });
    }
    if (throw_on_create) throw std::bad_alloc();
    if (create_errno) {
      *err = create_errno;
      return nullptr;
    }
    live_sessions++;
    return new int(1);
  }
  void session_destroy(void *s) override {
    live_sessions--;
    delete static_cast<int *>(s);
  }
  void *resource_create(void *, uint32_t, std::span<const BlobBuf> blobs, int *) override {
    last_blob_names.clear();
    for (auto &b : blobs) last_blob_names.emplace_back(b.name);
    live_resources++;
    return new int(2);
  }
  void resource_destroy(void *, void *r) override {
    live_resources--;
    delete static_cast<int *>(r);
  }
  OpResult run(void *, const OpCall &c) override {
    {
      std::lock_guard g(m);
      last_in.clear();
      last_out.clear();
      last_in_len.clear();
      last_out_len.clear();
      for (auto &a : c.in) last_in.push_back(a.data), last_in_len.push_back(a.len);
      for (auto &a : c.out) last_out.push_back(a.data), last_out_len.push_back(a.len);
    }
    if (on_run) on_run();
    if (block && (block_only_op == 0 || block_only_op == c.op)) {
      blocked++;
      std::unique_lock lk(m);
      cv.wait(lk, [this] { return released; });
    }
    if (fail_op_errno) return {fail_op_errno, "fake"};
    if (c.op == VIRTIO_ACCEL_OP_SGEMM) {
      auto &g = c.sgemm;
      auto *A = reinterpret_cast<const float *>(c.in[0].data);
      auto *B = reinterpret_cast<const float *>(c.in[1].data);
      auto *C = reinterpret_cast<float *>(c.out[0].data);
      for (int64_t i = 0; i < g.m; i++)
        for (int64_t j = 0; j < g.n; j++) {
          float acc = 0;
          for (int64_t p = 0; p < g.k; p++) acc += A[i * g.lda + p] * B[p * g.ldb + j];
          C[i * g.ldc + j] = g.alpha * acc + g.beta * C[i * g.ldc + j];
        }
    }
    if (c.op == VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY)
      std::memcpy(c.out[0].data, c.in[0].data, c.in[0].len);
    return {0, "fake"};
  }
  uint64_t supported_ops() const override { return ops_mask; }
};

// Little-endian encoder for requests.
class Bytes {
 public:
  std::vector<uint8_t> v;
  Bytes &u32(uint32_t x) { return raw(&x, 4); }
  Bytes &u64(uint64_t x) { return raw(&x, 8); }
  Bytes &f32(float x) { return raw(&x, 4); }
  Bytes &raw(const void *p, size_t n) {
    auto *b = static_cast<const uint8_t *>(p);
    v.insert(v.end(), b, b + n);
    return *this;
  }
  Bytes &str(const std::string &s) { return raw(s.data(), s.size()); }
  Bytes &bytes(const std::vector<uint8_t> &b) { return raw(b.data(), b.size()); }
};

inline std::vector<uint8_t> request(uint32_t type, uint64_t req_id, uint64_t session,
                                    const std::vector<uint8_t> &payload, uint32_t flags = 0,
                                    uint32_t reserved = 0) {
  Bytes b;
  b.u32(type)
      .u32(flags)
      .u64(req_id)
      .u64(session)
      .u32(static_cast<uint32_t>(payload.size()))
      .u32(reserved);
  return b.bytes(payload).v;
}

struct OutArg {
  uint64_t cap;
};

inline std::vector<uint8_t> run_payload(uint32_t op, const std::vector<std::vector<uint8_t>> &ins,
                                        const std::vector<uint64_t> &outs, uint64_t resource = 0) {
  Bytes b;
  b.u32(op)
      .u32(static_cast<uint32_t>(ins.size()))
      .u32(static_cast<uint32_t>(outs.size()))
      .u32(0)
      .u64(resource);
  for (auto &i : ins) b.u64(i.size()).u32(0).u32(0);
  for (auto c : outs) b.u64(c).u32(0).u32(0);
  for (auto &i : ins) b.bytes(i);
  return b.v;
}

inline std::vector<uint8_t> sgemm_params(int64_t m, int64_t n, int64_t k, int64_t lda, int64_t ldb,
                                         int64_t ldc, float alpha, float beta) {
  Bytes b;
  b.u64(m).u64(n).u64(k).u64(lda).u64(ldb).u64(ldc).f32(alpha).f32(beta);
  return b.v;
}

inline std::vector<uint8_t> floats(const std::vector<float> &f) {
  Bytes b;
  for (float x : f) b.f32(x);
  return b.v;
}

// Tensor encodings of spec §8.3.1.
inline std::vector<uint8_t> tensor_desc(uint32_t type, std::vector<int64_t> dims) {
  Bytes b;
  b.u32(type).u32(static_cast<uint32_t>(dims.size()));
  for (size_t i = 0; i < VIRTIO_ACCEL_MAX_DIMS; i++)
    b.u64(i < dims.size() ? static_cast<uint64_t>(dims[i]) : 0);
  return b.v;
}

struct TensorIn {
  std::vector<uint8_t> node;  // TF: le32 id + name; others empty
  std::vector<uint8_t> desc;
  std::vector<uint8_t> data;
};

// in = [params, run options, (node, desc, data)..., out nodes...];
// out = [(tensor_out, data capacity)...]
inline std::vector<uint8_t> model_run_payload(uint32_t op, const std::vector<TensorIn> &ins,
                                              const std::vector<std::vector<uint8_t>> &out_nodes,
                                              const std::vector<uint64_t> &out_caps, uint64_t model,
                                              std::vector<uint8_t> run_options = {}) {
  Bytes p;
  p.u32(static_cast<uint32_t>(ins.size())).u32(static_cast<uint32_t>(out_caps.size()));
  std::vector<std::vector<uint8_t>> in{p.v, run_options};
  for (auto &t : ins) {
    in.push_back(t.node);
    in.push_back(t.desc);
    in.push_back(t.data);
  }
  for (auto &n : out_nodes) in.push_back(n);
  std::vector<uint64_t> out;
  for (auto c : out_caps) {
    out.push_back(sizeof(struct virtio_accel_tensor_out));
    out.push_back(c);
  }
  return run_payload(op, in, out, model);
}

// A chain: readable bytes split at given cut points, and a writable area
// split likewise. Owns its memory. With `gaps`, consecutive segments are
// placed 16 bytes apart so they are not contiguous in memory (as guest pages
// usually are not); call sync() after processing to refresh `wr`.
struct Chain {
  std::vector<uint8_t> rd, wr;
  std::vector<struct iovec> rd_iov, wr_iov;
  bool gaps = false;
  std::vector<uint8_t> rd_store, wr_store;

  Chain(std::vector<uint8_t> readable, size_t wlen, std::vector<size_t> rd_cuts = {},
        std::vector<size_t> wr_cuts = {}, bool with_gaps = false)
      : rd(std::move(readable)), wr(wlen, 0xEE), gaps(with_gaps) {
    if (gaps) {
      place(rd, rd_cuts, &rd_store, &rd_iov);
      place(wr, wr_cuts, &wr_store, &wr_iov);
    } else {
      split(rd, rd_cuts, &rd_iov);
      split(wr, wr_cuts, &wr_iov);
    }
  }
  Chain(const Chain &o) : Chain(o.rd, o.wr.size()) {}

  static std::vector<size_t> bounds(size_t size, std::vector<size_t> cuts) {
    std::vector<size_t> out{0};
    cuts.push_back(size);
    for (size_t c : cuts)
      if (c >= out.back() && c <= size) out.push_back(c);
    return out;
  }
  static void split(std::vector<uint8_t> &buf, const std::vector<size_t> &cuts,
                    std::vector<struct iovec> *out) {
    auto b = bounds(buf.size(), cuts);
    for (size_t i = 1; i < b.size(); i++) out->push_back({buf.data() + b[i - 1], b[i] - b[i - 1]});
  }
  static void place(const std::vector<uint8_t> &buf, const std::vector<size_t> &cuts,
                    std::vector<uint8_t> *store, std::vector<struct iovec> *out) {
    auto b = bounds(buf.size(), cuts);
    store->assign(buf.size() + 16 * b.size(), 0xCC);
    for (size_t i = 1; i < b.size(); i++) {
      uint8_t *p = store->data() + b[i - 1] + 16 * i;
      std::memcpy(p, buf.data() + b[i - 1], b[i] - b[i - 1]);
      out->push_back({p, b[i] - b[i - 1]});
    }
  }
  void sync() {
    if (!gaps) return;
    size_t off = 0;
    for (auto &v : wr_iov) {
      std::memcpy(wr.data() + off, v.iov_base, v.iov_len);
      off += v.iov_len;
    }
  }
  uint32_t status() const { return rd32(0); }
  uint32_t detail() const { return rd32(4); }
  uint64_t request_id() const {
    uint64_t x;
    std::memcpy(&x, wr.data() + 8, 8);
    return x;
  }
  uint32_t payload_len() const { return rd32(16); }
  uint32_t rd32(size_t off) const {
    uint32_t x;
    std::memcpy(&x, wr.data() + off, 4);
    return x;
  }
  uint64_t rd64(size_t off) const {
    uint64_t x;
    std::memcpy(&x, wr.data() + off, 8);
    return x;
  }
};

inline ExecPolicy policy(const char *list) {
  ExecPolicy p;
  std::string err;
  if (!p.parse(list, &err)) throw std::runtime_error(err);
  return p;
}

// An engine over a FakeRuntime, run synchronously.
struct Device {
  FakeRuntime rt;
  std::unique_ptr<Engine> engine;
  Scratch scratch;

  explicit Device(EngineOptions o = {}) { engine = std::make_unique<Engine>(&rt, std::move(o)); }
  uint32_t process(Chain &c) {
    uint32_t used =
        engine->process(c.rd_iov.data(), static_cast<unsigned>(c.rd_iov.size()), c.wr_iov.data(),
                        static_cast<unsigned>(c.wr_iov.size()), &scratch);
    c.sync();
    return used;
  }
  uint64_t create_session(uint32_t flags = 0) {
    Bytes p;
    p.u32(flags).u32(0);
    Chain c(request(VIRTIO_ACCEL_REQ_SESSION_CREATE, 1, 0, p.v), 32);
    process(c);
    return c.status() == VIRTIO_ACCEL_S_OK ? c.rd64(24) : 0;
  }
};

}  // namespace va::test
