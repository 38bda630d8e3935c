#include "iov.hh"

#include <cstring>

namespace va {

IovView::IovView(const struct iovec *iov, unsigned cnt) : iov_(iov), cnt_(cnt) {
  if (cnt > 0) {
    seg0_base_ = static_cast<uint8_t *>(iov[0].iov_base);
    seg0_len_ = iov[0].iov_len;
  }
  for (unsigned i = 0; i < cnt; i++) {
    if (__builtin_add_overflow(size_, static_cast<uint64_t>(iov[i].iov_len), &size_)) {
      valid_ = false;
      size_ = 0;
      return;
    }
  }
}

bool IovView::locate(uint64_t off, unsigned *seg, uint64_t *seg_off) const {
  // Chains are short for headers (the header is nearly always in segment 0),
  // so a linear walk beats any index we would have to build per request.
  for (unsigned i = 0; i < cnt_; i++) {
    if (off < iov_[i].iov_len) {
      *seg = i;
      *seg_off = off;
      return true;
    }
    off -= iov_[i].iov_len;
  }
  return false;
}

static bool in_range(uint64_t off, uint64_t len, uint64_t size) {
  uint64_t end;
  return !__builtin_add_overflow(off, len, &end) && end <= size;
}

bool IovView::copy_out_slow(uint64_t off, void *dst, uint64_t len) const {
  if (!valid_ || !in_range(off, len, size_)) return false;
  if (len == 0) return true;
  unsigned seg;
  uint64_t seg_off;
  if (!locate(off, &seg, &seg_off)) return false;
  auto *out = static_cast<uint8_t *>(dst);
  while (len > 0) {
    uint64_t n = iov_[seg].iov_len - seg_off;
    if (n > len) n = len;
    std::memcpy(out, static_cast<const uint8_t *>(iov_[seg].iov_base) + seg_off, n);
    out += n;
    len -= n;
    seg++;
    seg_off = 0;
  }
  return true;
}

bool IovView::copy_in_slow(uint64_t off, const void *src, uint64_t len) const {
  if (!valid_ || !in_range(off, len, size_)) return false;
  if (len == 0) return true;
  unsigned seg;
  uint64_t seg_off;
  if (!locate(off, &seg, &seg_off)) return false;
  auto *in = static_cast<const uint8_t *>(src);
  while (len > 0) {
    uint64_t n = iov_[seg].iov_len - seg_off;
    if (n > len) n = len;
    std::memcpy(static_cast<uint8_t *>(iov_[seg].iov_base) + seg_off, in, n);
    in += n;
    len -= n;
    seg++;
    seg_off = 0;
  }
  return true;
}

uint8_t *IovView::span_at(uint64_t off, uint64_t len) const {
  if (!valid_ || !in_range(off, len, size_)) return nullptr;
  unsigned seg;
  uint64_t seg_off;
  if (!locate(off, &seg, &seg_off)) return nullptr;
  auto *start = static_cast<uint8_t *>(iov_[seg].iov_base) + seg_off;
  // Segments that follow each other in host memory (guest-physically adjacent
  // pages the transport split) still form one usable span.
  uint64_t have = iov_[seg].iov_len - seg_off;
  while (have < len && seg + 1 < cnt_ &&
         static_cast<uint8_t *>(iov_[seg].iov_base) + iov_[seg].iov_len == iov_[seg + 1].iov_base) {
    seg++;
    have += iov_[seg].iov_len;
  }
  return have >= len ? start : nullptr;
}

}  // namespace va
