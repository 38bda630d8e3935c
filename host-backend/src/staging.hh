// Host staging memory for request arguments, charged to a per-device budget.
//
// Every argument an operation sees lives in host memory the guest cannot
// reach: inputs are copied in once before the operation starts, outputs are
// copied back only when it has finished and the request is still wanted. So
// a running operation never holds a pointer into guest RAM (a device reset
// can abandon it at any time), never sees the guest rewrite its inputs, and
// never gets two arguments that alias. The price is one copy each way.
//
// Buffers are reused so that the copy, not the allocator, is the cost: fresh
// anonymous memory costs a page fault (and a kernel zero-fill) per page on
// first touch, several times the copy itself. Each worker keeps a buffer of
// up to kStagingKeep bytes for itself; larger ones go back to a per-device
// pool of idle buffers (bounded, counted against the budget, and evicted
// whenever a request needs their bytes), so big requests reuse warm memory
// whichever worker serves them.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>

namespace va {

// Bytes of staging all requests of one device may hold at once (including
// what workers keep for reuse, what idles in the pool, and what abandoned
// operations still hold).
class StagingBudget {
 public:
  // Idle pool bound: a quarter of the cap (with the default limits: 132 MiB,
  // one 64 MiB-in / 64 MiB-out request).
  explicit StagingBudget(uint64_t cap) : cap_(cap), idle_cap_(cap / 4) {}
  ~StagingBudget();
  StagingBudget(const StagingBudget &) = delete;
  StagingBudget &operator=(const StagingBudget &) = delete;

  // Takes n bytes; false (nothing taken) if that would exceed the cap even
  // after evicting every idle buffer.
  bool take(uint64_t n);
  void give(uint64_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t cap() const { return cap_; }
  // Bytes of used() that sit idle in the pool.
  uint64_t idle() const { return idle_bytes_.load(std::memory_order_relaxed); }
  uint64_t idle_cap() const { return idle_cap_; }

  // A charged buffer of at least `need` bytes (its size in *size): the
  // smallest idle one that fits, else fresh zeroed memory. nullptr when the
  // budget (or the system) says no.
  uint8_t *get(uint64_t need, uint64_t *size);
  // Hands a buffer from get() back: kept idle when the pool has room, else
  // unmapped and uncharged.
  void put(uint8_t *p, uint64_t size);

 private:
  static constexpr unsigned kIdleSlots = 4;
  struct Idle {
    uint8_t *p;
    uint64_t size;
  };
  bool take_quota(uint64_t n);
  // Unmaps idle buffers (largest first) until `want` bytes are free or none
  // is left; true if anything was freed.
  bool evict_for(uint64_t want);
  void unmap(uint8_t *p, uint64_t size);

  const uint64_t cap_;
  const uint64_t idle_cap_;
  std::atomic<uint64_t> used_{0};
  std::atomic<uint64_t> idle_bytes_{0};
  std::mutex mu_;  // guards the pool (only on grow/trim, not per request)
  Idle idle_[kIdleSlots] = {};
  unsigned nidle_ = 0;
};

// One worker's staging buffer: 64-byte aligned, reused across requests.
// Fresh memory is zero, so what a buffer can ever contain is bytes of
// earlier requests of the same device, never host data. A StagingBuf must be
// released (or destroyed) before the budget it is charged to.
class StagingBuf {
 public:
  StagingBuf() = default;
  ~StagingBuf() { release(); }
  StagingBuf(const StagingBuf &) = delete;
  StagingBuf &operator=(const StagingBuf &) = delete;

  // Makes room for `need` bytes, charging growth to `budget`. Returns the
  // buffer or nullptr when the budget (or the allocator) says no.
  uint8_t *reserve(uint64_t need, StagingBudget *budget);
  // Hands the buffer back to its device's pool when it is larger than
  // `keep`: a worker must not sit on one huge buffer forever.
  void trim(uint64_t keep);
  void release();
  uint64_t capacity() const { return cap_; }

 private:
  uint8_t *data_ = nullptr;
  uint64_t cap_ = 0;
  StagingBudget *charged_to_ = nullptr;
};

}  // namespace va
