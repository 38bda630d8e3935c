// libFuzzer target for the torch plugin's image header parser
// (runtime/plugins/torch/image_probe.cc): the first code that reads a guest's image bytes.
// Invariants: no crash or out-of-bounds read (ASan), and an accepted header never exceeds the
// plugin's limits.
#include <vaccel.h>

#include <cstdlib>
#include <string>

#include "image.hh"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint32_t w = 0, h = 0;
  std::string err;
  if (vimage::probe(data, size, &w, &h, &err) == VACCEL_OK) {
    if (w == 0 || h == 0 || w > vimage::kMaxSide || h > vimage::kMaxSide ||
        uint64_t(w) * h > vimage::kMaxPixels)
      abort();
  } else if (err.empty()) {
    abort();
  }
  return 0;
}
