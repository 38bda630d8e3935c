// The protocol library's encoder and framing produce, byte for byte, the
// requests of the canonical vectors (virtio-accel-spec/vectors/*.vec, written
// by gen_vectors.py from the spec's tables independently of any C code).
// Requests the vectors mark as invalid are refused by the encoder itself.
#include <gtest/gtest.h>
#include <virtio_accel_proto.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<uint8_t>;
constexpr uint64_t kFirstId = uint64_t{1} << 32;

struct Step {
  Bytes req;
  uint64_t wlen = 0;
};

Bytes unhex(const std::string &h) {
  Bytes out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

std::vector<Step> load(const char *name) {
  std::ifstream f(std::string(VA_VECTOR_DIR) + "/" + name);
  std::vector<Step> steps;
  std::string line, key, val;
  while (std::getline(f, line)) {
    std::istringstream ls(line);
    ls >> key >> val;
    if (key == "req")
      steps.push_back({unhex(val), 0});
    else if (key == "wlen")
      steps.back().wlen = std::stoull(val);
  }
  return steps;
}

Bytes block(const uint8_t *p, size_t n) { return Bytes(p, p + n); }

// The readable part a driver would put in a chain: the header block, then
// each input's bytes read through the address the encoder recorded.
Bytes gather_run(uint64_t req_id, uint64_t session, const va_run &r, uint64_t *wlen) {
  uint8_t buf[4096];
  size_t n = va_frame_run(buf, sizeof buf, req_id, session, &r, wlen);
  EXPECT_GT(n, 0u);
  Bytes out = block(buf, n);
  for (uint32_t i = 0; i < r.nr_in; i++) {
    auto *p = reinterpret_cast<const uint8_t *>(static_cast<uintptr_t>(r.in[i].addr));
    out.insert(out.end(), p, p + r.in[i].len);
  }
  return out;
}

// The vectors carry argument type 0 everywhere; the encoder tags regions with
// vAccel's types, which the device passes through without reading. Compare
// everything else, and the types against what the encoder promises.
void expect_same_but_types(Bytes got, Bytes want, uint32_t nr_args) {
  const size_t first = sizeof(virtio_accel_req_hdr) + sizeof(virtio_accel_run_req);
  ASSERT_EQ(got.size(), want.size());
  for (uint32_t i = 0; i < nr_args; i++) {
    size_t off = first + i * sizeof(virtio_accel_arg) + offsetof(virtio_accel_arg, type);
    std::memset(&got[off], 0, 8);
    std::memset(&want[off], 0, 8);
  }
  EXPECT_EQ(got, want);
}

TEST(VectorsEncode, SessionLifecycle) {
  auto s = load("session_lifecycle.vec");
  ASSERT_EQ(s.size(), 3u);
  uint8_t buf[64];
  uint64_t wlen;
  size_t n = va_frame_session_create(buf, sizeof buf, 0x1122334455667788, 0, &wlen);
  EXPECT_EQ(block(buf, n), s[0].req);
  EXPECT_EQ(wlen, s[0].wlen);
  n = va_frame_session_destroy(buf, sizeof buf, 2, kFirstId, &wlen);
  EXPECT_EQ(block(buf, n), s[1].req);
  EXPECT_EQ(wlen, s[1].wlen);
  n = va_frame_session_destroy(buf, sizeof buf, 3, kFirstId, &wlen);
  EXPECT_EQ(block(buf, n), s[2].req);
}

TEST(VectorsEncode, Noop) {
  auto s = load("noop.vec");
  ASSERT_EQ(s.size(), 2u);
  va_run r;
  va_run_init(&r, nullptr, 0, nullptr, 0);
  ASSERT_EQ(va_encode_noop(&r), 0);
  uint64_t wlen;
  EXPECT_EQ(gather_run(7, kFirstId, r, &wlen), s[1].req);
  EXPECT_EQ(wlen, s[1].wlen);
}

TEST(VectorsEncode, Sgemm2x2) {
  auto s = load("sgemm_2x2.vec");
  ASSERT_EQ(s.size(), 3u);
  float a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {};
  va_arg_ref in[4], out[1];
  va_run r;
  va_run_init(&r, in, 4, out, 1);
  ASSERT_EQ(va_encode_sgemm(&r, 2, 2, 2, 1.0f, a, 2, b, 2, 0.0f, c, 2), 0);
  uint64_t wlen;
  expect_same_but_types(gather_run(8, kFirstId, r, &wlen), s[1].req, 5);
  EXPECT_EQ(wlen, s[1].wlen);
  EXPECT_EQ(in[1].type, uint32_t{VA_ARG_FLOAT32_ARRAY});
  EXPECT_EQ(out[0].type, uint32_t{VA_ARG_FLOAT32_ARRAY});
  // step 2 has lda = 1 < k: the host answers BAD_ARGS, the guest refuses first.
  va_run_init(&r, in, 4, out, 1);
  EXPECT_EQ(va_encode_sgemm(&r, 2, 2, 2, 1.0f, a, 1, b, 2, 0.0f, c, 2), EINVAL);
}

TEST(VectorsEncode, Resource) {
  auto s = load("resource.vec");
  ASSERT_EQ(s.size(), 5u);  // a session first
  const uint8_t data[4] = {1, 2, 3, 4};
  va_blob blob{"input.bin", data, sizeof data};
  uint8_t buf[256];
  uint64_t wlen;
  size_t n = va_frame_resource_register(buf, sizeof buf, 4, kFirstId, VIRTIO_ACCEL_RES_DATA, &blob,
                                        1, &wlen);
  ASSERT_GT(n, 0u);
  Bytes got = block(buf, n);
  got.insert(got.end(), blob.name, blob.name + std::strlen(blob.name));
  got.insert(got.end(), data, data + 4);
  EXPECT_EQ(got, s[1].req);
  EXPECT_EQ(wlen, s[1].wlen);
  n = va_frame_resource_unregister(buf, sizeof buf, 5, kFirstId, kFirstId, &wlen);
  EXPECT_EQ(block(buf, n), s[2].req);
  n = va_frame_resource_unregister(buf, sizeof buf, 6, kFirstId, kFirstId, &wlen);
  EXPECT_EQ(block(buf, n), s[3].req);
  // step 3 names a blob "../etc": the device answers MALFORMED, the encoder refuses.
  va_blob bad{"../etc", data, 1};
  EXPECT_EQ(va_frame_resource_register(buf, sizeof buf, 7, kFirstId, VIRTIO_ACCEL_RES_DATA, &bad, 1,
                                       &wlen),
            0u);
}

TEST(VectorsEncode, TorchModelRunTensorList) {
  auto s = load("tensors.vec");
  ASSERT_EQ(s.size(), 4u);
  const uint8_t model[4] = {'M', 'O', 'D', 'L'};
  va_blob blob{"m.pt", model, sizeof model};
  uint8_t buf[256];
  uint64_t wlen;
  size_t n = va_frame_resource_register(buf, sizeof buf, 2, kFirstId, VIRTIO_ACCEL_RES_MODEL, &blob,
                                        1, &wlen);
  Bytes got = block(buf, n);
  got.insert(got.end(), blob.name, blob.name + 4);
  got.insert(got.end(), model, model + 4);
  EXPECT_EQ(got, s[1].req);

  const va_model_layout l{1, 1};
  std::vector<va_arg_ref> in(va_model_nr_in(l)), out(va_model_nr_out(l));
  va_run r;
  va_run_init(&r, in.data(), in.size(), out.data(), out.size());
  const float data[6] = {1, 2, 3, 4, 5, 6};
  const int64_t dims[2] = {2, 3};
  virtio_accel_tensor_desc desc;
  ASSERT_EQ(va_tensor_desc_fill(&desc, 7, 2, dims), 0);
  virtio_accel_tensor_out tout;
  uint8_t room[24];
  ASSERT_EQ(
      va_encode_model_run_begin(&r, VIRTIO_ACCEL_OP_TORCH_MODEL_RUN, kFirstId, 1, 1, nullptr, 0),
      0);
  ASSERT_EQ(va_encode_tensor_in(&r, nullptr, 0, &desc, data, sizeof data, 1), 0);
  ASSERT_EQ(va_encode_out_node(&r, nullptr, 0), 0);
  ASSERT_EQ(va_encode_tensor_out(&r, &tout, room, sizeof room), 0);
  EXPECT_EQ(r.nr_in, va_model_nr_in(l));
  EXPECT_EQ(in[va_model_in_desc(0)].addr, reinterpret_cast<uintptr_t>(&desc));
  EXPECT_EQ(out[va_model_out_data(0)].len, sizeof room);
  EXPECT_EQ(gather_run(3, kFirstId, r, &wlen), s[2].req);
  EXPECT_EQ(wlen, s[2].wlen);
  // step 3 declares 9 dimensions: refused before it reaches the wire.
  int64_t nine[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1};
  EXPECT_EQ(va_tensor_desc_fill(&desc, 7, 9, nine), EINVAL);
}

TEST(VectorsEncode, Stats) {
  auto s = load("stats.vec");
  ASSERT_EQ(s.size(), 1u);
  uint8_t buf[64];
  uint64_t wlen;
  size_t n = va_frame_stats_get(buf, sizeof buf, 21, &wlen);
  EXPECT_EQ(block(buf, n), s[0].req);
  EXPECT_EQ(wlen, s[0].wlen);
}

}  // namespace
