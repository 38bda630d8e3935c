#include "staging.hh"

#include <sys/mman.h>

namespace va {
namespace {

constexpr uint64_t kHuge = 2u << 20;  // x86-64 transparent huge page

// Sizes are rounded so that slowly growing requests do not reallocate every
// time, and large buffers are whole huge pages.
uint64_t round_size(uint64_t need) {
  uint64_t g = need >= kHuge ? kHuge : 65536;
  return (need + g - 1) & ~(g - 1);
}

// Fresh anonymous pages: zero without a pass over them (StagingBuf's
// guarantee), and returned to the system whole. Large buffers are aligned to
// and advised as huge pages: their first touch then costs one fault per
// 2 MiB instead of one per 4 KiB, which is what made fresh staging slower
// than the copy itself.
uint8_t *map_fresh(uint64_t size) {
  if (size < kHuge) {
    void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return p == MAP_FAILED ? nullptr : static_cast<uint8_t *>(p);
  }
  void *raw =
      mmap(nullptr, size + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  auto base = reinterpret_cast<uintptr_t>(raw);
  uintptr_t start = (base + kHuge - 1) & ~(kHuge - 1);
  if (start > base) munmap(raw, start - base);
  uintptr_t end = start + size, raw_end = base + size + kHuge;
  if (raw_end > end) munmap(reinterpret_cast<void *>(end), raw_end - end);
  madvise(reinterpret_cast<void *>(start), size, MADV_HUGEPAGE);  // advice only
  return reinterpret_cast<uint8_t *>(start);
}

}  // namespace

StagingBudget::~StagingBudget() {
  std::lock_guard g(mu_);
  for (unsigned i = 0; i < nidle_; i++) unmap(idle_[i].p, idle_[i].size);
  nidle_ = 0;
}

bool StagingBudget::take_quota(uint64_t n) {
  uint64_t cur = used_.load(std::memory_order_relaxed);
  do {
    if (n > cap_ || cur > cap_ - n) return false;
  } while (!used_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
  return true;
}

bool StagingBudget::take(uint64_t n) {
  if (take_quota(n)) return true;
  // Idle buffers are only a cache: a request that needs their bytes wins.
  while (evict_for(n))
    if (take_quota(n)) return true;
  return false;
}

void StagingBudget::unmap(uint8_t *p, uint64_t size) {
  munmap(p, size);
  give(size);
}

bool StagingBudget::evict_for(uint64_t want) {
  std::lock_guard g(mu_);
  if (nidle_ == 0) return false;
  // Largest first: fewest unmaps to make room.
  unsigned big = 0;
  for (unsigned i = 1; i < nidle_; i++)
    if (idle_[i].size > idle_[big].size) big = i;
  Idle e = idle_[big];
  idle_[big] = idle_[--nidle_];
  idle_bytes_.fetch_sub(e.size, std::memory_order_relaxed);
  unmap(e.p, e.size);
  (void)want;
  return true;
}

uint8_t *StagingBudget::get(uint64_t need, uint64_t *size) {
  {
    // Best fit among the idle buffers: warm pages, no fault, no zero-fill.
    std::lock_guard g(mu_);
    int best = -1;
    for (unsigned i = 0; i < nidle_; i++)
      if (idle_[i].size >= need && (best < 0 || idle_[i].size < idle_[best].size))
        best = static_cast<int>(i);
    if (best >= 0) {
      Idle e = idle_[best];
      idle_[best] = idle_[--nidle_];
      idle_bytes_.fetch_sub(e.size, std::memory_order_relaxed);
      *size = e.size;
      return e.p;
    }
  }
  uint64_t sz = round_size(need);
  if (sz < need || !take(sz)) return nullptr;
  uint8_t *p = map_fresh(sz);
  if (p == nullptr) {
    give(sz);
    return nullptr;
  }
  *size = sz;
  return p;
}

void StagingBudget::put(uint8_t *p, uint64_t size) {
  if (size > idle_cap_) {
    unmap(p, size);
    return;
  }
  std::lock_guard g(mu_);
  // Make room by dropping the smallest idle buffers: the big ones are the
  // expensive ones to fault in again.
  while (nidle_ > 0 &&
         (nidle_ == kIdleSlots || idle_bytes_.load(std::memory_order_relaxed) + size > idle_cap_)) {
    unsigned small = 0;
    for (unsigned i = 1; i < nidle_; i++)
      if (idle_[i].size < idle_[small].size) small = i;
    if (idle_[small].size > size) break;  // everything kept is worth more
    Idle e = idle_[small];
    idle_[small] = idle_[--nidle_];
    idle_bytes_.fetch_sub(e.size, std::memory_order_relaxed);
    unmap(e.p, e.size);
  }
  if (nidle_ == kIdleSlots || idle_bytes_.load(std::memory_order_relaxed) + size > idle_cap_) {
    unmap(p, size);
    return;
  }
  idle_[nidle_++] = Idle{p, size};
  idle_bytes_.fetch_add(size, std::memory_order_relaxed);
}

uint8_t *StagingBuf::reserve(uint64_t need, StagingBudget *budget) {
  // A buffer serves the device it is charged to; a thread that now works for
  // another device hands it back first.
  if (charged_to_ != nullptr && charged_to_ != budget) release();
  if (need <= cap_) return data_;
  release();
  uint64_t size = 0;
  uint8_t *p = budget->get(need, &size);
  if (p == nullptr) return nullptr;
  data_ = p;
  cap_ = size;
  charged_to_ = budget;
  return data_;
}

void StagingBuf::trim(uint64_t keep) {
  if (cap_ > keep) release();
}

void StagingBuf::release() {
  if (data_ == nullptr) return;
  charged_to_->put(data_, cap_);
  data_ = nullptr;
  cap_ = 0;
  charged_to_ = nullptr;
}

}  // namespace va
