// SPDX-License-Identifier: Apache-2.0
// The OpenCV side of the torch plugin: bounded image decoding, classifier preprocessing and the
// Haar-cascade face detector from Debian's opencv-data. Only image.cc includes OpenCV headers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vimage {

// Largest image the plugin decodes (width * height); the header is checked BEFORE any decoding so
// that a few bytes declaring a huge image never make the host allocate for it.
inline constexpr uint64_t kMaxPixels = 64ull << 20;  // 64 Mpx (8192 x 8192)
inline constexpr uint32_t kMaxSide = 16384;

// Reads width/height from a PNG, JPEG or BMP header. VACCEL_EINVAL (with *err) for anything else,
// for a header that is cut short, or for dimensions over the limits above.
int probe(const uint8_t *data, size_t size, uint32_t *width, uint32_t *height, std::string *err);

// Decode (any of the formats above, any channel count -> RGB), resize to side x side (bilinear),
// scale to [0,1] and normalise with the ImageNet mean/std; writes float32 CHW into *chw (3 * side *
// side values).
int preprocess(const uint8_t *data, size_t size, int side, std::vector<float> *chw,
               std::string *err);

struct Box {
  int x, y, w, h;
};

// Frontal faces found by OpenCV's Haar cascade (`cascade_path`, an opencv-data XML file).
int detect_faces(const uint8_t *data, size_t size, const std::string &cascade_path,
                 std::vector<Box> *faces, std::string *err);

}  // namespace vimage
