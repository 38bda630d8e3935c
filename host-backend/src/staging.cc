#include "staging.hh"

#include <sys/mman.h>

namespace va {

bool StagingBudget::take(uint64_t n) {
  uint64_t cur = used_.load(std::memory_order_relaxed);
  do {
    if (n > cap_ || cur > cap_ - n) return false;
  } while (!used_.compare_exchange_weak(cur, cur + n, std::memory_order_relaxed));
  return true;
}

uint8_t *StagingBuf::reserve(uint64_t need, StagingBudget *budget) {
  if (need <= cap_) return data_;
  release();
  // Round up so that slowly growing requests do not reallocate every time.
  uint64_t size = (need + 65535) & ~uint64_t{65535};
  if (size < need || !budget->take(size)) return nullptr;
  // Fresh anonymous pages: zero without a pass over them (the class
  // comment's guarantee), page aligned, and returned to the system whole.
  void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    budget->give(size);
    return nullptr;
  }
  data_ = static_cast<uint8_t *>(p);
  cap_ = size;
  charged_to_ = budget;
  return data_;
}

void StagingBuf::trim(uint64_t keep) {
  if (cap_ > keep) release();
}

void StagingBuf::release() {
  if (data_ == nullptr) return;
  munmap(data_, cap_);
  charged_to_->give(cap_);
  data_ = nullptr;
  cap_ = 0;
  charged_to_ = nullptr;
}

}  // namespace va
