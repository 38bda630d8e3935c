// Host staging memory for request arguments, charged to a per-device budget.
//
// Every argument an operation sees lives in host memory the guest cannot
// reach: inputs are copied in once before the operation starts, outputs are
// copied back only when it has finished and the request is still wanted. So
// a running operation never holds a pointer into guest RAM (a device reset
// can abandon it at any time), never sees the guest rewrite its inputs, and
// never gets two arguments that alias. The price is one copy each way; the
// buffers are reused per worker up to a bound so that the copy, not the
// allocator, is the cost.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace va {

// Bytes of staging all requests of one device may hold at once (including
// what workers keep for reuse, and what abandoned operations still hold).
class StagingBudget {
 public:
  explicit StagingBudget(uint64_t cap) : cap_(cap) {}
  // Takes n bytes; false (nothing taken) if that would exceed the cap.
  bool take(uint64_t n);
  void give(uint64_t n) { used_.fetch_sub(n, std::memory_order_relaxed); }
  uint64_t used() const { return used_.load(std::memory_order_relaxed); }
  uint64_t cap() const { return cap_; }

 private:
  const uint64_t cap_;
  std::atomic<uint64_t> used_{0};
};

// One worker's staging buffer: 64-byte aligned, reused across requests.
// Fresh memory is zeroed once when obtained, so what a buffer can ever
// contain is bytes of earlier requests of the same device, never host data.
class StagingBuf {
 public:
  StagingBuf() = default;
  ~StagingBuf() { release(); }
  StagingBuf(const StagingBuf &) = delete;
  StagingBuf &operator=(const StagingBuf &) = delete;

  // Makes room for `need` bytes, charging growth to `budget`. Returns the
  // buffer or nullptr when the budget (or the allocator) says no.
  uint8_t *reserve(uint64_t need, StagingBudget *budget);
  // Returns the buffer to the allocator (and its bytes to the budget) when it
  // is larger than `keep`: one huge request must not pin memory forever.
  void trim(uint64_t keep);
  void release();
  uint64_t capacity() const { return cap_; }

 private:
  uint8_t *data_ = nullptr;
  uint64_t cap_ = 0;
  StagingBudget *charged_to_ = nullptr;
};

}  // namespace va
