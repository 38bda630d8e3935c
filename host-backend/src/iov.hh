// Views over a request's scatter-gather lists (host pointers into guest RAM).
//
// The guest can change its memory at any time, so every byte host-backend
// interprets is copied out exactly once (copy_out) and only that copy is
// looked at. Bulk data that is merely handed to an accelerator is used in
// place when it is contiguous (span_at), and gathered only when it straddles
// segments.
#pragma once

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace va {

class IovView {
 public:
  IovView() = default;
  IovView(const struct iovec *iov, unsigned cnt);

  // Total bytes; false from valid() if the sum overflowed (hostile lengths).
  [[nodiscard]] uint64_t size() const { return size_; }
  [[nodiscard]] bool valid() const { return valid_; }

  // Copies [off, off+len) to dst. False if out of range.
  bool copy_out(uint64_t off, void *dst, uint64_t len) const {
    // Headers nearly always lie in segment 0: one bounds check and a memcpy
    // (inline: this is most of the engine's per-request copying).
    if (valid_ && off <= seg0_len_ && len <= seg0_len_ - off) {
      if (len) std::memcpy(dst, seg0_base_ + off, len);
      return true;
    }
    return copy_out_slow(off, dst, len);
  }
  // Copies src to [off, off+len). False if out of range.
  bool copy_in(uint64_t off, const void *src, uint64_t len) const {
    if (valid_ && off <= seg0_len_ && len <= seg0_len_ - off) {
      if (len) std::memcpy(seg0_base_ + off, src, len);
      return true;
    }
    return copy_in_slow(off, src, len);
  }
  // Pointer to [off, off+len) if those bytes are contiguous in host memory
  // (one segment, or adjacent segments), else nullptr.
  [[nodiscard]] uint8_t *span_at(uint64_t off, uint64_t len) const;

 private:
  // Segment holding byte `off` and the offset inside it.
  bool locate(uint64_t off, unsigned *seg, uint64_t *seg_off) const;
  bool copy_out_slow(uint64_t off, void *dst, uint64_t len) const;
  bool copy_in_slow(uint64_t off, const void *src, uint64_t len) const;

  const struct iovec *iov_ = nullptr;
  unsigned cnt_ = 0;
  uint64_t size_ = 0;
  uint8_t *seg0_base_ = nullptr;  // segment 0, for the fast paths
  uint64_t seg0_len_ = 0;
  bool valid_ = true;
};

}  // namespace va
