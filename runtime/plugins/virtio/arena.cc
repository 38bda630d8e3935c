// SPDX-License-Identifier: Apache-2.0
#include "arena.hh"

#include <unistd.h>
#include <vaccel.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "device.hh"

namespace vaccel_virtio {

// ---- ArenaAllocator -----------------------------------------------------------------------------

void ArenaAllocator::reset(void *base, size_t length) {
  std::lock_guard<std::mutex> lock(mu_);
  base_ = reinterpret_cast<uintptr_t>(base);
  length_ = base ? length / kGranule * kGranule : 0;
  free_.clear();
  used_.clear();
  if (length_) free_.emplace(0, length_);
}

void *ArenaAllocator::alloc(size_t size) {
  if (size == 0 || size > SIZE_MAX - (kGranule - 1)) return nullptr;
  const size_t need = (size + kGranule - 1) / kGranule * kGranule;
  std::lock_guard<std::mutex> lock(mu_);
  // First fit in address order: large blocks come from the low end and the
  // high end stays in one piece for longer.
  for (auto it = free_.begin(); it != free_.end(); ++it) {
    if (it->second < need) continue;
    const size_t off = it->first;
    const size_t rest = it->second - need;
    free_.erase(it);
    if (rest) free_.emplace(off + need, rest);
    used_.emplace(off, need);
    return reinterpret_cast<void *>(base_ + off);
  }
  return nullptr;
}

bool ArenaAllocator::free(void *p) {
  std::lock_guard<std::mutex> lock(mu_);
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  if (!length_ || a < base_ || a - base_ >= length_) return false;
  auto u = used_.find(a - base_);
  if (u == used_.end()) return false;
  size_t off = u->first, len = u->second;
  used_.erase(u);
  // Merge with the free run that ends where this block starts, and with the
  // one that starts where it ends.
  auto next = free_.lower_bound(off);
  if (next != free_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == off) {
      off = prev->first;
      len += prev->second;
      free_.erase(prev);
    }
  }
  if (next != free_.end() && next->first == off + len) {
    len += next->second;
    free_.erase(next);
  }
  free_.emplace(off, len);
  return true;
}

void *ArenaAllocator::base() const {
  std::lock_guard<std::mutex> lock(mu_);
  return reinterpret_cast<void *>(base_);
}

size_t ArenaAllocator::length() const {
  std::lock_guard<std::mutex> lock(mu_);
  return length_;
}

bool ArenaAllocator::contains(const void *p, size_t len) const {
  std::lock_guard<std::mutex> lock(mu_);
  const uintptr_t a = reinterpret_cast<uintptr_t>(p);
  return length_ && a >= base_ && a - base_ <= length_ && len <= length_ - (a - base_);
}

size_t ArenaAllocator::bytes_free() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto &r : free_) n += r.second;
  return n;
}

size_t ArenaAllocator::largest_free() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto &r : free_) n = r.second > n ? r.second : n;
  return n;
}

size_t ArenaAllocator::blocks_used() const {
  std::lock_guard<std::mutex> lock(mu_);
  return used_.size();
}

size_t ArenaAllocator::runs_free() const {
  std::lock_guard<std::mutex> lock(mu_);
  return free_.size();
}

// ---- arena size ---------------------------------------------------------------------------------

size_t arena_bytes_for(const char *env, uint32_t max_mib, std::string *note) {
  std::string why;
  uint64_t mib = kDefaultArenaMiB;
  if (env && *env) {
    char *end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(env, &end, 10);
    if (errno || *end || *env < '0' || *env > '9' || v > (SIZE_MAX >> 20)) {
      why = std::string("VACCEL_VIRTIO_ARENA_MIB '") + env + "' is not a number of MiB: using " +
            std::to_string(kDefaultArenaMiB);
    } else {
      mib = v;
      if (!mib) why = "VACCEL_VIRTIO_ARENA_MIB=0: arena turned off";
    }
  }
  if (mib && !max_mib) {
    why = "the driver has no arena (INFO arena_max_mib 0)";
    mib = 0;
  } else if (mib > max_mib) {
    why = std::to_string(mib) + " MiB asked, the driver maps at most " + std::to_string(max_mib) +
          " MiB: using " + std::to_string(max_mib);
    mib = max_mib;
  }
  if (note) *note = why;
  return static_cast<size_t>(mib) << 20;
}

// ---- Arena --------------------------------------------------------------------------------------

void Arena::forget_if_forked() {
  if (base_ && owner_ != getpid()) {
    // The child has no such mapping (and must not unmap whatever may come
    // to live at that address); its file's one arena is the parent's.
    base_ = nullptr;
    bytes_ = 0;
    blocks_.reset(nullptr, 0);
  }
}

void *Arena::alloc(const Device &dev, size_t size) {
  if (!size) {
    errno = EINVAL;
    return nullptr;
  }
  std::lock_guard<std::mutex> lock(mu_);
  forget_if_forked();
  if (!base_) {
    if (!dev.is_open()) {
      errno = ENODEV;
      return nullptr;
    }
    std::string note;
    const size_t want =
        arena_bytes_for(std::getenv("VACCEL_VIRTIO_ARENA_MIB"), dev.info().arena_max_mib, &note);
    if (!want) {
      vaccel_debug("[virtio] no arena: %s", note.c_str());
      errno = EOPNOTSUPP;
      return nullptr;
    }
    if (!note.empty()) vaccel_info("[virtio] arena: %s", note.c_str());
    void *base = nullptr;
    if (int e = dev.map_arena(want, &base)) {
      vaccel_warn("[virtio] arena: mmap of %zu MiB on the device failed: %s", want >> 20,
                  strerror(e));
      errno = e;
      return nullptr;
    }
    base_ = base;
    bytes_ = want;
    owner_ = getpid();
    blocks_.reset(base_, bytes_);
    vaccel_debug("[virtio] arena: %zu MiB mapped at %p", bytes_ >> 20, base_);
  }
  void *p = blocks_.alloc(size);
  if (!p) errno = ENOMEM;
  return p;
}

bool Arena::free(void *p) {
  if (!p) return true;
  std::lock_guard<std::mutex> lock(mu_);
  forget_if_forked();
  return blocks_.free(p);
}

size_t Arena::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return base_ && owner_ == getpid() ? bytes_ : 0;
}

void Arena::release(const Device &dev) {
  std::lock_guard<std::mutex> lock(mu_);
  forget_if_forked();
  if (!base_) return;
  dev.unmap_arena(base_, bytes_);
  base_ = nullptr;
  bytes_ = 0;
  blocks_.reset(nullptr, 0);
}

}  // namespace vaccel_virtio
