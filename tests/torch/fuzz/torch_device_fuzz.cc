// Hostile torch requests on the device path: a libFuzzer target over host-backend's C ABI (what
// QEMU's virtio-accel device and the vhost-user daemon call), the host vAccel runtime and the REAL
// torch plugin (libtorch + OpenCV). tests/torch/fuzz_device.sh builds it with ASan + UBSan over
// host-backend, the runtime and the plugin (libtorch, OpenCV and OpenBLAS are Debian's
// uninstrumented binaries).
//
// The input bytes are a stream of choices: each input is a short program of requests in one or two
// sessions:
//   - MODEL resources whose TorchScript is intact, truncated, 0 bytes, overwritten in places,
//   random, the
//     fuzzer's own bytes, or the 19 MB EfficientNet-Lite0 cut short;
//   - model load and run with wrong shapes, dtypes, dimension counts, data sizes and output
//   capacities;
//   - classification / detection / segmentation of images that are not images, truncated, mutated,
//   empty,
//     or PNG/BMP/JPEG headers declaring huge or odd sizes; torch sgemm with mismatching tensors;
//   - unregister / destroy in between.
// Checked after every request: the used length fits the writable part, the status is a known one,
// used = 24 + payload_len; inputs that can never be valid (a model cut short, 0 bytes, random
// bytes, an image declaring more than the plugin's limits) are answered with an error, never S_OK.
// After every program and a reset: the host still serves (a fresh session's scripted model returns
// exactly x + x), and after another reset every counter (sessions, resources, their bytes, in
// flight) is 0. Every VA_FUZZ_RSS_EVERY programs (default 200) it prints "rss: <programs> programs
// <KiB> KiB", so memory growth over many bad requests shows in the log.
//
// Assets (VA_FUZZ_ASSETS directory, made by tests/torch/fuzz_device.sh): small.pt (forward(x) = (x
// + x, float(x))), tiny_classifier.pt ([1,3,H,W] -> [1,1000] logits, cheap), efficientnet_lite0.pt,
// banana.jpg, small.png, small.bmp, imagenet_labels.txt.
#include <malloc.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../../host-backend/fuzz/fuzz_input.hh"
#include "virtio_accel.h"
#include "virtio_accel_host.h"

const char *const va_fuzz::kFuzzerName = "fuzz_device_torch";

namespace {

using va_fuzz::Blob;
using va_fuzz::Bytes;
using va_fuzz::Choices;
using va_fuzz::header;
using va_fuzz::run;

// Interesting sizes for dimensions and declared image sides.
const uint64_t kDims[] = {0,          1,
                          2,          3,
                          4,          7,
                          224,        1000,
                          16384,      16385,
                          65535,      65536,
                          1u << 30,   (1u << 30) + 1,
                          0x7fffffff, 0xffffffffull,
                          ~0ull,      1ull << 62};

// ---- assets and the device
// -----------------------------------------------------------------------------------

Blob read_file(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "fuzz_device_torch: cannot read %s (set VA_FUZZ_ASSETS)\n", path.c_str());
    std::abort();
  }
  return Blob(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

struct Assets {
  Blob small, tiny, big, jpeg, png, bmp;
};

std::string assets_dir() {
  const char *dir = std::getenv("VA_FUZZ_ASSETS");
  return dir && *dir ? dir : VA_FUZZ_ASSETS;
}

const Assets &assets() {
  static Assets *a = [] {
    std::string d = assets_dir();
    auto *x = new Assets;
    x->small = read_file(d + "/small.pt");
    x->tiny = read_file(d + "/tiny_classifier.pt");
    x->big = read_file(d + "/efficientnet_lite0.pt");
    x->jpeg = read_file(d + "/banana.jpg");
    x->png = read_file(d + "/small.png");
    x->bmp = read_file(d + "/small.bmp");
    return x;
  }();
  return *a;
}

va_host *device() {
  static va_host *h = [] {
    va_host_options o;
    va_host_options_init(&o);
    // The plugin's class names (its default is the installed path)
    setenv("VACCEL_TORCH_LABELS", (assets_dir() + "/imagenet_labels.txt").c_str(), 0);
    const char *plugins = std::getenv("VA_FUZZ_PLUGINS");
    o.plugins = plugins && *plugins ? plugins : VA_FUZZ_PLUGINS;
    o.num_workers = 1;
    o.max_sessions = 4;
    o.max_resources = 8;
    o.max_resource_bytes = 64u << 20;  // room for the real model
    o.max_request_bytes = 32u << 20;
    o.max_response_bytes = 1u << 20;
    o.max_staging_bytes = 0;
    o.max_op_cost = 1u << 24;
    if (std::getenv("VA_FUZZ_VERBOSE"))  // host-backend's reasons for refusing requests
      o.log = [](void *, int level, const char *msg) {
        std::fprintf(stderr, "host-backend(%d): %s\n", level, msg);
      };
    char err[256] = "";
    va_host *dev = va_host_new(
        &o, [](void *, void *, uint32_t, int) {}, nullptr, err, sizeof err);
    if (!dev) {
      std::fprintf(stderr, "fuzz_device_torch: %s\n", err);
      std::abort();
    }
    return dev;
  }();
  return h;
}

uint64_t counter(const char *name) {
  uint64_t v = 0;
  VA_FUZZ_CHECK(va_host_get_counter(device(), name, &v) == 0, "counter");
  return v;
}

// ---- requests
// ---------------------------------------------------------------------------------------------

Blob tensor_desc(uint32_t type, const std::vector<uint64_t> &dims) {
  Bytes b;
  b.u32(type).u32(static_cast<uint32_t>(dims.size()));
  for (size_t i = 0; i < VIRTIO_ACCEL_MAX_DIMS; i++) b.u64(i < dims.size() ? dims[i] : 0);
  return b.v;
}

// Statuses seen per op (RUN ops by op code, other requests as 100 + type & 0xff), printed at exit:
// shows how many requests got past validation into the plugin and how many of those the plugin
// accepted.
struct Tally {
  uint64_t n[160][VIRTIO_ACCEL_S_MAX + 2] = {};
  static const char *name(uint32_t k) {
    switch (k) {
      case VIRTIO_ACCEL_OP_IMAGE_CLASSIFY:
        return "IMAGE_CLASSIFY";
      case VIRTIO_ACCEL_OP_IMAGE_DETECT:
        return "IMAGE_DETECT";
      case VIRTIO_ACCEL_OP_IMAGE_SEGMENT:
        return "IMAGE_SEGMENT";
      case VIRTIO_ACCEL_OP_IMAGE_DEPTH:
        return "IMAGE_DEPTH";
      case VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD:
        return "TORCH_MODEL_LOAD";
      case VIRTIO_ACCEL_OP_TORCH_MODEL_RUN:
        return "TORCH_MODEL_RUN";
      case VIRTIO_ACCEL_OP_TORCH_SGEMM:
        return "TORCH_SGEMM";
      case 100 + (VIRTIO_ACCEL_REQ_RESOURCE_REGISTER & 0xff):
        return "RESOURCE_REGISTER";
      default:
        return nullptr;
    }
  }
  ~Tally() {
    std::fprintf(stderr,
                 "statuses (OK MALFORMED UNSUPPORTED NO_SESSION NO_RESOURCE QUOTA RESP_TOO_SMALL "
                 "OP_FAILED DENIED NO_MEMORY BAD_ARGS, no response):\n");
    for (uint32_t k = 0; k < 160; k++) {
      if (!name(k)) continue;
      std::fprintf(stderr, "  %-18s", name(k));
      for (auto v : n[k]) std::fprintf(stderr, " %llu", static_cast<unsigned long long>(v));
      std::fprintf(stderr, "\n");
    }
  }
} g_tally;

struct Result {
  uint32_t used = 0, status = ~0u, detail = 0;
  Blob resp;
};

// Runs one request (readable part in one or two segments) against a writable part of `wlen` bytes.
Result submit(Choices &c, const Blob &rd, size_t wlen) {
  Blob r = rd;
  Result res;
  res.resp.assign(wlen, 0xA5);
  struct iovec rv[2], wv[1] = {{res.resp.data(), wlen}};
  unsigned nrd = 1;
  rv[0] = {r.data(), r.size()};
  if (r.size() > 1 && c.pct(20)) {
    size_t cut = 1 + c.below(static_cast<uint32_t>(std::min<size_t>(r.size() - 1, 65535)));
    rv[0].iov_len = cut;
    rv[1] = {r.data() + cut, r.size() - cut};
    nrd = 2;
  }
  res.used = va_host_process(device(), rv, nrd, wv, wlen ? 1 : 0);
  VA_FUZZ_CHECK(res.used <= wlen, "used beyond the writable part", res.used, wlen);
  uint32_t type = 0, op = 0;
  std::memcpy(&type, r.data(), std::min<size_t>(4, r.size()));
  if (type == VIRTIO_ACCEL_REQ_RUN && r.size() >= 36)
    std::memcpy(&op, r.data() + 32, 4);  // after the 32-byte header
  uint32_t key = type == VIRTIO_ACCEL_REQ_RUN ? op % 100 : 100 + (type & 0xff) % 60;
  if (res.used == 0) {
    g_tally.n[key][VIRTIO_ACCEL_S_MAX + 1]++;
    return res;
  }
  VA_FUZZ_CHECK(res.used >= 24, "partial header", res.used);
  uint32_t payload;
  std::memcpy(&res.status, res.resp.data(), 4);
  std::memcpy(&res.detail, res.resp.data() + 4, 4);
  std::memcpy(&payload, res.resp.data() + 16, 4);
  VA_FUZZ_CHECK(res.status <= VIRTIO_ACCEL_S_MAX, "unknown status", res.status);
  VA_FUZZ_CHECK(res.used == 24 + payload, "used != header + payload", res.used, payload);
  g_tally.n[key][res.status]++;
  return res;
}

uint64_t id_of(const Result &r) {
  uint64_t id = 0;
  if (r.status == VIRTIO_ACCEL_S_OK && r.used >= 32) std::memcpy(&id, r.resp.data() + 24, 8);
  return id;
}

uint64_t session_create(Choices &c) {
  Bytes b;
  b.u32(0).u32(0);
  return id_of(submit(c, header(VIRTIO_ACCEL_REQ_SESSION_CREATE, 0, b.v), 32));
}

// A MODEL resource with one blob (or a second, unrelated one).
Result register_model(Choices &c, uint64_t sess, const Blob &model, const char *name) {
  Bytes b;
  bool two = c.pct(10);
  b.u32(VIRTIO_ACCEL_RES_MODEL).u32(two ? 2 : 1);
  b.u64(model.size()).u32(static_cast<uint32_t>(std::strlen(name))).u32(0);
  if (two) b.u64(3).u32(9).u32(0);
  b.raw(name, std::strlen(name)).raw(model.data(), model.size());
  if (two) b.raw("notes.txt", 9).raw("abc", 3);
  return submit(c, header(VIRTIO_ACCEL_REQ_RESOURCE_REGISTER, sess, b.v), 32);
}

// ---- hostile content
// --------------------------------------------------------------------------------------

// Overwrites 1-8 places of `b` with interesting or random bytes.
void scribble(Choices &c, Blob &b) {
  if (b.empty()) return;
  uint32_t n = 1 + c.below(8);
  for (uint32_t k = 0; k < n; k++) {
    size_t at = c.below(65535) * (b.size() > 65535 ? b.size() / 65535 : 1) % b.size();
    static const uint8_t vals[] = {0, 0xff, 0x7f, 0x80, 'P', 'K', 0x03, 0x04};
    size_t len = 1 + c.below(16);
    for (size_t j = 0; j < len && at + j < b.size(); j++)
      b[at + j] = c.pct(50) ? vals[c.below(8)] : c.u8();
  }
}

// A TorchScript model as a guest might send it; *never_valid when it cannot possibly load.
Blob hostile_model(Choices &c, bool *never_valid, const char **name) {
  const Assets &a = assets();
  *never_valid = false;
  *name = c.pct(90) ? "model.pt" : "weights.bin";
  switch (c.below(20)) {
    case 0:
    case 1:
    case 2:
      return a.small;
    case 3:
    case 4:
      return a.tiny;
    case 5:
    case 6:
    case 7: {  // cut short: the zip's central directory (at its end) is gone
      *never_valid = true;
      return Blob(a.small.begin(),
                  a.small.begin() + c.below(static_cast<uint32_t>(a.small.size())));
    }
    case 8:
    case 9:
    case 10: {
      Blob b = c.pct(50) ? a.small : a.tiny;
      scribble(c, b);
      return b;
    }
    case 11:
      *never_valid = true;
      return {};
    case 12: {  // random bytes (never a zip: the pattern cannot start with "PK")
      *never_valid = true;
      Blob b(1 + c.below(8192));
      uint8_t seed = static_cast<uint8_t>(c.u8() | 1);
      for (size_t i = 0; i < b.size(); i++) b[i] = static_cast<uint8_t>(seed * (i + 3) + (i >> 5));
      if (b.size() >= 2 && b[0] == 'P' && b[1] == 'K') b[0] = 0;
      return b;
    }
    case 13:
    case 14:
    case 15:
      return c.take(4096);
    case 16: {  // the real 19 MB network, cut short (rare: copying it costs milliseconds)
      if (!c.pct(25)) return a.small;
      *never_valid = true;
      size_t keep = static_cast<size_t>(c.u32()) % a.big.size();
      return Blob(a.big.begin(), a.big.begin() + keep);
    }
    case 17: {  // the real network with a few bytes overwritten (rarer still: it may load)
      if (!c.pct(5)) return a.tiny;
      Blob b = a.big;
      scribble(c, b);
      return b;
    }
    default: {  // a zip member's bytes replaced by zeros
      Blob b = a.small;
      size_t at = c.below(static_cast<uint32_t>(b.size())), len = 1 + c.below(256);
      for (size_t j = 0; j < len && at + j < b.size(); j++) b[at + j] = 0;
      return b;
    }
  }
}

void put_be32(Blob &b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; i++) b[at + i] = static_cast<uint8_t>(v >> (24 - 8 * i));
}
void put_le32(Blob &b, size_t at, uint32_t v) {
  for (int i = 0; i < 4; i++) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// An image as a guest might send it; *never_valid when no decoder may accept it.
Blob hostile_image(Choices &c, bool *never_valid) {
  const Assets &a = assets();
  *never_valid = false;
  auto side = [&]() {
    return static_cast<uint32_t>(kDims[c.below(sizeof kDims / sizeof kDims[0])]);
  };
  switch (c.below(16)) {
    case 0:
      return c.pct(30) ? a.jpeg : a.png;
    case 1:
      return a.bmp;
    case 2:
    case 3: {  // cut short
      const Blob &src = c.pct(50) ? a.png : (c.pct(50) ? a.bmp : a.jpeg);
      return Blob(src.begin(), src.begin() + c.below(static_cast<uint32_t>(src.size())));
    }
    case 4:
    case 5: {
      Blob b = c.pct(40) ? a.png : (c.pct(50) ? a.bmp : a.jpeg);
      scribble(c, b);
      return b;
    }
    case 6: {  // PNG whose header declares w x h
      Blob b = a.png;
      uint32_t w = side(), h = side();
      put_be32(b, 16, w);
      put_be32(b, 20, h);
      *never_valid = w == 0 || h == 0 || w > 16384 || h > 16384 || uint64_t(w) * h > (64u << 20);
      return b;
    }
    case 7: {  // BMP whose header declares w x h (a negative height is top-down)
      Blob b = a.bmp;
      uint32_t w = side(),
               h = c.pct(30) ? static_cast<uint32_t>(-static_cast<int32_t>(side())) : side();
      put_le32(b, 18, w);
      put_le32(b, 22, h);
      int64_t hh = static_cast<int32_t>(h), ww = static_cast<int32_t>(w);
      if (hh < 0) hh = -hh;
      *never_valid = ww <= 0 || hh == 0 || ww > 16384 || hh > 16384 || ww * hh > (64 << 20);
      return b;
    }
    case 8: {  // JPEG whose frame header declares w x h: walk the segments (an EXIF thumbnail has
               // its own)
      Blob b = a.jpeg;
      for (size_t i = 2; i + 9 < b.size() && b[i] == 0xFF;) {
        uint8_t mk = b[i + 1];
        if (mk >= 0xC0 && mk <= 0xCF && mk != 0xC4 && mk != 0xC8 && mk != 0xCC) {
          uint16_t h = static_cast<uint16_t>(side()), w = static_cast<uint16_t>(side());
          b[i + 5] = h >> 8, b[i + 6] = h & 0xff, b[i + 7] = w >> 8, b[i + 8] = w & 0xff;
          *never_valid = w == 0 || h == 0 || w > 16384 || h > 16384;
          break;
        }
        i += 2 + (size_t{b[i + 2]} << 8 | b[i + 3]);
      }
      return b;
    }
    case 9: {  // only a header: a PNG signature and IHDR, nothing else
      Blob b(a.png.begin(), a.png.begin() + 33);
      put_be32(b, 16, side());
      put_be32(b, 20, side());
      *never_valid = true;
      return b;
    }
    case 10:
      *never_valid = true;
      return {};
    case 11: {  // text, not an image
      *never_valid = true;
      const char *t = "GIF89a? no: just some text that is not an image at all\n";
      return Blob(t, t + std::strlen(t));
    }
    default:
      return c.take(4096);
  }
}

// ---- one program
// ------------------------------------------------------------------------------------------

struct Program {
  uint64_t sess = 0;
  std::vector<uint64_t> models{0};
  uint64_t model(Choices &c) {
    if (c.pct(5)) return c.u32();
    if (models.size() > 1 && c.pct(85))
      return models[1 + c.below(static_cast<uint32_t>(models.size() - 1))];
    return models[c.below(static_cast<uint32_t>(models.size()))];
  }
};

void step(Choices &c, Program &p) {
  bool never_valid = false;
  switch (c.below(10)) {
    case 0:
    case 1: {
      const char *name;
      Blob m = hostile_model(c, &never_valid, &name);
      Result r = register_model(c, p.sess, m, name);
      if (uint64_t id = id_of(r)) p.models.push_back(id);
      if (!never_valid || id_of(r) == 0) return;
      // Registration keeps what it cannot load; the first op that needs it must fail.
      Result l = submit(c,
                        header(VIRTIO_ACCEL_REQ_RUN, p.sess,
                               run(VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD, {}, {}, id_of(r))),
                        56);
      VA_FUZZ_CHECK(l.status != VIRTIO_ACCEL_S_OK, "a model that cannot be valid loaded", m.size());
      return;
    }
    case 2:
      submit(c,
             header(VIRTIO_ACCEL_REQ_RUN, p.sess,
                    run(VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD, {}, {}, p.model(c))),
             56);
      return;
    case 3:
    case 4: {  // model run: 0-3 input tensors, 0-3 outputs
      uint32_t nin = c.below(4), nout = c.below(4);
      Bytes prm;
      prm.u32(nin).u32(nout);
      std::vector<Blob> ins{prm.v, c.pct(10) ? c.take(16) : Blob{}};
      for (uint32_t i = 0; i < nin; i++) {
        static const uint32_t types[] = {1, 2, 3, 4, 5, 6, 7, 7, 7, 0, 8, 11, 255};
        bool classifier_shape = c.pct(20);  // what the tiny classifier takes: float [1,3,H,W]
        uint32_t type = classifier_shape ? 7 : c.pct(5) ? c.u32() : types[c.below(13)];
        uint32_t nd = classifier_shape ? 4 : c.pct(5) ? c.below(12) : c.below(5);
        std::vector<uint64_t> dims;
        uint64_t elems = 1;
        for (uint32_t d = 0; d < std::min<uint32_t>(nd, 16); d++) {
          uint64_t v = classifier_shape && nd == 4 ? (d == 0   ? 1
                                                      : d == 1 ? 3
                                                               : 8)
                                                   : kDims[c.below(6)];
          if (c.pct(3)) v = kDims[c.below(sizeof kDims / sizeof kDims[0])];
          dims.push_back(v);
          elems = v && elems <= (1ull << 40) / v ? elems * v : (v ? 1ull << 41 : 0);
        }
        static const uint32_t esize[] = {1, 1, 1, 2, 4, 8, 2, 4};
        uint64_t bytes = elems * (type >= 1 && type <= 7 ? esize[type] : 4);
        if (bytes > 65536 || c.pct(5)) bytes = c.below(300);
        if (c.pct(5)) bytes += 1;
        Blob data(bytes);
        for (size_t k = 0; k < data.size(); k++) data[k] = static_cast<uint8_t>(k * 13 + i);
        ins.push_back(c.pct(5) ? Blob{0, 0} : Blob{});  // node: MUST be empty for torch
        ins.push_back(tensor_desc(type, dims));
        ins.push_back(std::move(data));
      }
      for (uint32_t o = 0; o < nout; o++) ins.push_back(Blob{});
      std::vector<uint64_t> outs;
      size_t w = 56;
      for (uint32_t o = 0; o < nout; o++) {
        outs.push_back(c.pct(95) ? 80 : c.below(100));
        outs.push_back(c.pct(20) ? c.below(64) : 4096);
      }
      for (auto x : outs) w += x;
      submit(c,
             header(VIRTIO_ACCEL_REQ_RUN, p.sess,
                    run(VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, ins, outs, p.model(c))),
             c.pct(5) ? c.below(static_cast<uint32_t>(w)) : w);
      return;
    }
    case 5:
    case 6:
    case 7: {  // image ops
      Blob img = hostile_image(c, &never_valid);
      static const uint32_t ops[] = {VIRTIO_ACCEL_OP_IMAGE_CLASSIFY, VIRTIO_ACCEL_OP_IMAGE_CLASSIFY,
                                     VIRTIO_ACCEL_OP_IMAGE_CLASSIFY, VIRTIO_ACCEL_OP_IMAGE_DETECT,
                                     VIRTIO_ACCEL_OP_IMAGE_SEGMENT,  VIRTIO_ACCEL_OP_IMAGE_DEPTH};
      uint32_t op = ops[c.below(6)];
      // Detection on the full photo costs ~0.1 s: mostly the small images.
      if (op == VIRTIO_ACCEL_OP_IMAGE_DETECT && img.size() > 20000 && !c.pct(10)) img.resize(20000);
      static const uint64_t caps[] = {0, 1, 16, 256, 1024};
      std::vector<uint64_t> outs{caps[c.below(5)]};
      if (op == VIRTIO_ACCEL_OP_IMAGE_CLASSIFY) outs.push_back(caps[c.below(5)]);
      size_t w = 56 + outs[0] + (outs.size() > 1 ? outs[1] : 0);
      Result r = submit(c, header(VIRTIO_ACCEL_REQ_RUN, p.sess, run(op, {img}, outs)), w);
      if (never_valid)
        VA_FUZZ_CHECK(r.status != VIRTIO_ACCEL_S_OK, "an image that cannot be valid was accepted",
                      op);
      return;
    }
    case 8: {  // torch sgemm with tensors that may not match M, N, K
      uint32_t m = c.below(6), n = c.below(6), k = c.below(6);
      Bytes prm;
      prm.u32(m).u32(n).u32(k).u32(0);
      std::vector<Blob> ins{prm.v};
      uint64_t shapes[3][2] = {{m, k}, {k, n}, {m, n}};
      for (auto &s : shapes) {
        if (c.pct(10)) s[c.below(2)] = c.below(8);
        uint32_t type = c.pct(90) ? 7 : 1 + c.below(7);
        ins.push_back(tensor_desc(type, {s[0], s[1]}));
        ins.push_back(
            Blob(static_cast<size_t>(s[0] * s[1] * 4 + (c.pct(5) ? c.below(9) : 0)), 0x3f));
      }
      uint64_t cap = m * n * 4 + c.below(8);
      submit(c,
             header(VIRTIO_ACCEL_REQ_RUN, p.sess, run(VIRTIO_ACCEL_OP_TORCH_SGEMM, ins, {80, cap})),
             56 + 80 + cap);
      return;
    }
    default: {
      if (c.pct(70) && p.models.size() > 1) {
        Bytes b;
        b.u64(p.model(c));
        submit(c, header(VIRTIO_ACCEL_REQ_RESOURCE_UNREGISTER, p.sess, b.v), 24);
      } else if (c.pct(50)) {
        submit(c, header(VIRTIO_ACCEL_REQ_SESSION_DESTROY, p.sess, {}), 24);
        p.sess = session_create(c);
        p.models.assign(1, 0);
      } else {
        session_create(c);  // a second session, left for the reset to free
      }
      return;
    }
  }
}

// The host still serves: a fresh session's small model doubles a fixed tensor, exactly.
void still_serving() {
  Choices none{nullptr, 0};
  uint64_t s = session_create(none);
  VA_FUZZ_CHECK(s != 0, "no session after the program");
  uint64_t m = id_of(register_model(none, s, assets().small, "model.pt"));
  VA_FUZZ_CHECK(m != 0, "cannot register the intact model after the program");
  const float x[6] = {1.5f, -2.0f, 0.25f, 3.0f, -0.5f, 7.0f};
  Bytes prm;
  prm.u32(1).u32(1);
  std::vector<Blob> ins{
      prm.v,
      {},
      {},
      tensor_desc(7, {2, 3}),
      Blob(reinterpret_cast<const uint8_t *>(x), reinterpret_cast<const uint8_t *>(x) + sizeof x),
      {}};
  Result r = submit(
      none, header(VIRTIO_ACCEL_REQ_RUN, s, run(VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, ins, {80, 64}, m)),
      56 + 80 + 64);
  VA_FUZZ_CHECK(r.status == VIRTIO_ACCEL_S_OK, "the intact model no longer runs", r.status,
                r.detail);
  float y[6];
  std::memcpy(y, r.resp.data() + 56 + 80, sizeof y);
  for (int i = 0; i < 6; i++)
    VA_FUZZ_CHECK(y[i] == 2 * x[i], "the intact model computes a wrong result", i);
  submit(none, header(VIRTIO_ACCEL_REQ_SESSION_DESTROY, s, {}), 24);
}

// Resident memory after handing free heap pages back (glibc keeps freed chunks of the 19 MB model
// copies mapped; without the trim, RSS shows the allocator's high-water mark, not what is still
// held).
uint64_t rss_kib() {
  malloc_trim(0);
  long pages = 0, rss = 0;
  if (FILE *f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &rss) != 2) rss = 0;
    std::fclose(f);
  }
  return static_cast<uint64_t>(rss) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) / 1024;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static uint64_t programs = 0;
  static const uint64_t every = [] {
    const char *e = std::getenv("VA_FUZZ_RSS_EVERY");
    return e && std::atoll(e) > 0 ? static_cast<uint64_t>(std::atoll(e)) : 200;
  }();
  Choices c{data, size};
  Program p;
  p.sess = c.pct(95) ? session_create(c) : c.u32();
  // The session's first MODEL is its classifier: often an intact one, so that images get past the
  // model.
  uint32_t first = c.below(10);
  if (first < 6) {
    uint64_t id =
        id_of(register_model(c, p.sess, first < 4 ? assets().tiny : assets().small, "model.pt"));
    if (id) p.models.push_back(id);
  }
  uint32_t steps = 1 + c.below(6);
  for (uint32_t s = 0; s < steps && c.i < c.n; s++) step(c, p);
  // Reset (as a guest driver's probe would), then the host must still serve a fresh session (the
  // program may have used up the session quota, so not before), and a second reset must leave
  // nothing held.
  va_host_reset(device());
  still_serving();
  va_host_reset(device());
  va_host_stats st;
  va_host_get_stats(device(), &st);
  VA_FUZZ_CHECK(st.sessions == 0, "sessions after reset", st.sessions);
  VA_FUZZ_CHECK(st.resources == 0 && st.resource_bytes == 0, "resources after reset", st.resources,
                st.resource_bytes);
  VA_FUZZ_CHECK(st.in_flight == 0, "in flight after reset", st.in_flight);
  VA_FUZZ_CHECK(counter("sessions-held") == 0 && counter("resources-held") == 0,
                "objects held after reset");
  if (++programs % every == 0) {
    std::fprintf(stderr, "rss: %llu programs %llu KiB\n", static_cast<unsigned long long>(programs),
                 static_cast<unsigned long long>(rss_kib()));
  }
  return 0;
}

#ifdef VA_FUZZ_STANDALONE
// Deterministic driver without sanitizers (ctest torch_device_fuzz_driver): `--replay FILE` runs
// one input and prints the peak and final RSS; else argv[1] programs (VA_FUZZ_DUMP_DIR=dir writes
// each input to dir/<n>) (default 300) from pseudo-random choice streams of seed argv[2], then the
// RSS growth after the first tenth (warm-up: libtorch's and OpenCV's caches, the allocator's
// arenas). Fails when it grew by more than argv[3] MiB (default 32).
int main(int argc, char **argv) {
  if (argc == 3 &&
      std::string(argv[1]) == "--replay") {  // one input (a libFuzzer artifact), peak RSS after
    Blob in = read_file(argv[2]);
    LLVMFuzzerTestOneInput(in.data(), in.size());
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    std::printf("fuzz_device_torch: replayed %s: OK, peak RSS %ld KiB, RSS now %llu KiB\n", argv[2],
                ru.ru_maxrss, static_cast<unsigned long long>(rss_kib()));
    return 0;
  }
  long n = argc > 1 ? std::atol(argv[1]) : 300;
  uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 0) : 1;
  long limit_mib = argc > 3 ? std::atol(argv[3]) : 32;
  std::vector<uint8_t> buf(1024);
  uint64_t warm = 0;
  for (long i = 0; i < n; i++) {
    for (auto &b : buf) {
      seed += 0x9e3779b97f4a7c15ull;
      uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      b = static_cast<uint8_t>(z ^ (z >> 31));
    }
    if (const char *dump =
            std::getenv("VA_FUZZ_DUMP_DIR")) {  // the inputs, to --replay one of them
      if (FILE *f = std::fopen((std::string(dump) + "/" + std::to_string(i + 1)).c_str(), "wb")) {
        std::fwrite(buf.data(), 1, 32 + buf[0] * 3, f);
        std::fclose(f);
      }
    }
    LLVMFuzzerTestOneInput(buf.data(), 32 + buf[0] * 3);
    if (i + 1 == std::max(1L, n / 10)) warm = rss_kib();
  }
  uint64_t end = rss_kib();
  long grown = static_cast<long>(end) - static_cast<long>(warm);
  std::printf(
      "fuzz_device_torch: %ld programs OK; RSS %llu KiB after %ld, %llu KiB after %ld (%+ld KiB)\n",
      n, static_cast<unsigned long long>(warm), std::max(1L, n / 10),
      static_cast<unsigned long long>(end), n, grown);
  if (grown > limit_mib * 1024) {
    std::printf("fuzz_device_torch: RSS grew by more than %ld MiB over bad requests\n", limit_mib);
    return 1;
  }
  return 0;
}
#endif
