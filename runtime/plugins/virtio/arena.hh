// SPDX-License-Identifier: Apache-2.0
// The process's arena: memory mmap'ed from the device node (driver side:
// guest-linux-driver/README.md, "the arena design"). An op argument that lies
// wholly inside it reaches the device without pinning or bouncing, whatever
// its size; vaccel_virtio_alloc() (include/vaccel_virtio.h) hands out pieces.
//
// ArenaAllocator is the allocator alone, over any (base, length) range, so it
// is tested without a device (tests/plugins/virtio_arena_test.cc). Arena adds
// the lazy mmap on the plugin's device file.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace vaccel_virtio {

class Device;

// First-fit allocator with coalescing over [base, base + length). Every
// block starts on a kGranule boundary of the range and its size is rounded
// up to kGranule. Thread-safe (one mutex: allocation is not on an op's hot
// path). Only range bookkeeping: never touches the memory itself.
class ArenaAllocator {
 public:
  static constexpr size_t kGranule = 4096;

  ArenaAllocator() = default;
  ArenaAllocator(const ArenaAllocator &) = delete;
  ArenaAllocator &operator=(const ArenaAllocator &) = delete;

  // Starts over on a new range (forgets every block). `base` must be
  // kGranule-aligned; `length` is rounded down to kGranule. (nullptr, 0):
  // no range, every alloc fails.
  void reset(void *base, size_t length);

  // A block of at least `size` bytes, or nullptr if size is 0 or no free
  // run is large enough.
  void *alloc(size_t size);
  // Returns a block to the free list (merged with free neighbours). False,
  // and nothing changes, if `p` is not the start of a live block: a double
  // free, a pointer into a block, or one from elsewhere.
  bool free(void *p);

  void *base() const;
  size_t length() const;
  // True if [p, p + len) lies inside the range.
  bool contains(const void *p, size_t len) const;
  size_t bytes_free() const;
  size_t largest_free() const;
  size_t blocks_used() const;
  size_t runs_free() const;

 private:
  mutable std::mutex mu_;
  uintptr_t base_ = 0;
  size_t length_ = 0;
  std::map<size_t, size_t> free_;  // offset -> length, no two adjacent
  std::map<size_t, size_t> used_;  // offset -> length
};

// Arena size from VACCEL_VIRTIO_ARENA_MIB's value `env` (nullptr: unset ->
// kDefaultArenaMiB) clamped to the driver's limit `max_mib`, in bytes. 0 if
// the driver has no arena (max_mib 0) or env is "0" (arena turned off). An
// unparsable value falls back to the default. `note` (if not null) says
// what was decided when it is not simply the value asked for.
constexpr uint32_t kDefaultArenaMiB = 64;
size_t arena_bytes_for(const char *env, uint32_t max_mib, std::string *note);

// The arena of the plugin's device file: mapped on the first alloc, unmapped
// by release() (plugin fini). Thread-safe.
class Arena {
 public:
  // Memory inside the arena, mapping it first if needed; nullptr with
  // errno set: ENODEV (no device open), EOPNOTSUPP (driver without arena,
  // or VACCEL_VIRTIO_ARENA_MIB=0), EINVAL (size 0), ENOMEM (no room), or the
  // mmap's errno (EBUSY in a forked child: the parent's file holds the one
  // arena it may have).
  void *alloc(const Device &dev, size_t size);
  // False if `p` is not a live block of the arena (nullptr is fine: true).
  bool free(void *p);
  // Bytes mapped (0: not mapped yet, or no arena).
  size_t bytes() const;
  // Unmaps (the driver frees the memory once requests using it ended).
  void release(const Device &dev);

 private:
  // The mapping belongs to the process that made it: it is not inherited
  // across fork (the driver maps it VM_DONTCOPY), so a child must never
  // hand out pieces of it. Caller holds mu_.
  void forget_if_forked();

  mutable std::mutex mu_;
  ArenaAllocator blocks_;
  void *base_ = nullptr;
  size_t bytes_ = 0;
  pid_t owner_ = 0;
};

}  // namespace vaccel_virtio
