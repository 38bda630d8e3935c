// SPDX-License-Identifier: Apache-2.0
// Image header parsing (vimage::probe): the dimensions of a PNG, JPEG or BMP before anything is
// decoded. No OpenCV here, so that the parser of hostile bytes can be fuzzed on its own
// (tests/torch/fuzz.sh).
#include <vaccel.h>

#include <algorithm>
#include <climits>

#include "image.hh"

namespace vimage {

namespace {

uint32_t be32(const uint8_t *p) {
  return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}
uint32_t be16(const uint8_t *p) { return uint32_t(p[0]) << 8 | p[1]; }
int32_t le32(const uint8_t *p) {
  return static_cast<int32_t>(uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 |
                              uint32_t(p[3]) << 24);
}

// JPEG: walk the marker segments up to the first start-of-frame (SOF0..SOF15 except DHT/JPG/DAC).
bool jpeg_size(const uint8_t *d, size_t n, uint32_t *w, uint32_t *h) {
  size_t i = 2;
  while (i + 4 <= n) {
    if (d[i] != 0xFF) return false;
    uint8_t mk = d[i + 1];
    if (mk == 0xFF) {  // fill byte
      i++;
      continue;
    }
    if (mk == 0x01 || (mk >= 0xD0 && mk <= 0xD7)) {  // no length field
      i += 2;
      continue;
    }
    if (mk == 0xD9 || mk == 0xDA)  // end of image / start of scan before any frame header
      return false;
    uint32_t len = be16(d + i + 2);
    if (len < 2) return false;
    if (mk >= 0xC0 && mk <= 0xCF && mk != 0xC4 && mk != 0xC8 && mk != 0xCC) {
      if (i + 9 > n) return false;
      *h = be16(d + i + 5);
      *w = be16(d + i + 7);
      return true;
    }
    i += 2 + len;
  }
  return false;
}

std::string dims_str(uint32_t w, uint32_t h) { return std::to_string(w) + "x" + std::to_string(h); }

}  // namespace

int probe(const uint8_t *d, size_t n, uint32_t *width, uint32_t *height, std::string *err) {
  static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  uint32_t w = 0, h = 0;
  bool known = false, ok = false;
  if (!d || n == 0) {
    *err = "empty image (0 bytes)";
    return VACCEL_EINVAL;
  }
  if (n >= 8 && std::equal(png_sig, png_sig + 8, d)) {
    known = true;
    ok = n >= 24 && std::equal(d + 12, d + 16, "IHDR");
    if (ok) {
      w = be32(d + 16);
      h = be32(d + 20);
    }
  } else if (n >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
    known = true;
    ok = jpeg_size(d, n, &w, &h);
  } else if (n >= 2 && d[0] == 'B' && d[1] == 'M') {
    known = true;
    ok = n >= 26;
    if (ok) {
      int32_t sw = le32(d + 18), sh = le32(d + 22);
      ok = sw > 0 && sh != 0 && sh != INT32_MIN;
      w = static_cast<uint32_t>(sw);
      /* |sh| in unsigned arithmetic: -INT32_MIN overflows int32_t
       * (that header is refused by `ok` above anyway) */
      h = sh < 0 ? 0u - static_cast<uint32_t>(sh) : static_cast<uint32_t>(sh);
    }
  }
  if (!known) {
    *err = "not a PNG, JPEG or BMP image";
    return VACCEL_EINVAL;
  }
  if (!ok) {
    *err = "image header is truncated or malformed";
    return VACCEL_EINVAL;
  }
  if (w == 0 || h == 0 || w > kMaxSide || h > kMaxSide || uint64_t(w) * h > kMaxPixels) {
    *err = "image of " + dims_str(w, h) + " pixels is over the limit of " +
           std::to_string(kMaxSide) + " per side and " + std::to_string(kMaxPixels) + " pixels";
    return VACCEL_EINVAL;
  }
  *width = w;
  *height = h;
  return VACCEL_OK;
}

}  // namespace vimage
