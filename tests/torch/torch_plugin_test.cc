// The torch plugin through the vAccel API, on the host: real EfficientNet-Lite0 classification of
// three images, model load/run for every torch dtype, torch sgemm, the OpenCV face detector,
// ENOTSUP for the ops without an engine, and bad input (corrupt/truncated/empty models, wrong
// shapes/dtypes, non-images, huge declared images) answered with an error while the plugin keeps
// serving. Assets come from models/build.sh (VA_MODELS_DIR); the plugin is loaded alone
// (VA_TORCH_PLUGIN).
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <vaccel.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace {

const std::string kDir = VA_MODELS_DIR;

std::vector<uint8_t> slurp(const std::string &p) {
  std::ifstream f(p, std::ios::binary);
  EXPECT_TRUE(f.good()) << p;
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

struct Boot {
  int rc;
  Boot() {
    setenv("VACCEL_TORCH_LABELS", (kDir + "/imagenet_labels.txt").c_str(), 1);
    struct vaccel_config c;
    vaccel_config_init(&c, VA_TORCH_PLUGIN, VACCEL_LOG_ERROR, nullptr, false, false);
    rc = vaccel_bootstrap_with_config(&c);
    vaccel_config_release(&c);
  }
};
const Boot &boot() {
  static Boot b;
  return b;
}

struct Session {
  vaccel_session s{};
  Session() { EXPECT_EQ(vaccel_session_init(&s, 0), VACCEL_OK); }
  ~Session() { vaccel_session_release(&s); }
};

// A MODEL resource registered with a session (from a file, or from bytes).
struct Model {
  vaccel_resource r{};
  vaccel_session *sess;
  int rc;
  Model(vaccel_session *s, const std::string &path) : sess(s) {
    rc = vaccel_resource_init(&r, path.c_str(), VACCEL_RESOURCE_MODEL);
    if (!rc) rc = vaccel_resource_register(&r, sess);
  }
  Model(vaccel_session *s, const std::vector<uint8_t> &bytes) : sess(s) {
    rc = vaccel_resource_init_from_buf(&r, bytes.data(), bytes.size(), VACCEL_RESOURCE_MODEL,
                                       "m.pt", true);
    if (!rc) rc = vaccel_resource_register(&r, sess);
  }
  ~Model() {
    if (r.id > 0) {
      vaccel_resource_unregister(&r, sess);
      vaccel_resource_release(&r);
    }
  }
};

struct Result {
  int rc;
  std::string label;
  std::vector<std::pair<std::string, double>> top;
};

Result classify(vaccel_session *s, const std::vector<uint8_t> &img) {
  unsigned char text[256] = {}, top[1024] = {};
  Result r;
  r.rc =
      vaccel_image_classification(s, img.data(), text, top, img.size(), sizeof(text), sizeof(top));
  r.label = reinterpret_cast<char *>(text);
  std::string t = reinterpret_cast<char *>(top);
  for (size_t pos = 0; !t.empty() && pos != std::string::npos;) {
    size_t end = t.find(';', pos);
    std::string e = t.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    size_t colon = e.rfind(':');
    r.top.emplace_back(e.substr(0, colon), std::atof(e.c_str() + colon + 1));
    pos = end == std::string::npos ? end : end + 1;
  }
  return r;
}

class TorchPlugin : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(boot().rc, VACCEL_OK) << "cannot load " << VA_TORCH_PLUGIN; }
};

// The three reference images: top-1 label as upstream's torch plugin reports it (out_text), and the
// top-5 with probabilities (out_imgname), sorted, summing to at most 1.
TEST_F(TorchPlugin, ClassifiesThreeImagesWithEfficientNetLite0) {
  Session s;
  Model m(&s.s, kDir + "/efficientnet_lite0.pt");
  ASSERT_EQ(m.rc, VACCEL_OK);
  const std::map<std::string, std::string> want = {
      {"banana.jpg", "banana"}, {"chelsea.png", "Egyptian cat"}, {"coffee.png", "espresso"}};
  for (const auto &[img, label] : want) {
    Result r = classify(&s.s, slurp(kDir + "/images/" + img));
    ASSERT_EQ(r.rc, VACCEL_OK) << img;
    EXPECT_EQ(r.label, label) << img;
    ASSERT_EQ(r.top.size(), 5u) << img;
    EXPECT_EQ(r.top[0].first, label);
    EXPECT_GT(r.top[0].second, 0.5) << img;
    double sum = 0;
    for (size_t i = 0; i < r.top.size(); i++) {
      sum += r.top[i].second;
      if (i) {
        EXPECT_LE(r.top[i].second, r.top[i - 1].second);
      }
    }
    EXPECT_LE(sum, 1.0 + 1e-5);
    std::printf("  %-12s -> %s\n", img.c_str(), reinterpret_cast<const char *>(r.label.c_str()));
    for (auto &[l, p] : r.top) std::printf("       %.6f %s\n", p, l.c_str());
    EXPECT_STREQ(vaccel_last_op_plugin(), "torch");
  }
}

// Same model sent by content (as a guest does) gives bit-identical results to the one registered by
// path; a session with no model uses the host's VACCEL_TORCH_MODEL.
TEST_F(TorchPlugin, ModelByContentAndHostDefaultAgree) {
  auto img = slurp(kDir + "/images/chelsea.png");
  Result by_path, by_bytes, by_default;
  {
    Session s;
    Model m(&s.s, kDir + "/efficientnet_lite0.pt");
    by_path = classify(&s.s, img);
  }
  {
    Session s;
    Model m(&s.s, slurp(kDir + "/efficientnet_lite0.pt"));
    ASSERT_EQ(m.rc, VACCEL_OK);
    by_bytes = classify(&s.s, img);
  }
  {
    Session s;
    unsetenv("VACCEL_TORCH_MODEL");
    EXPECT_EQ(classify(&s.s, img).rc, VACCEL_EINVAL);  // no model anywhere: a clear error
    setenv("VACCEL_TORCH_MODEL", (kDir + "/efficientnet_lite0.pt").c_str(), 1);
    by_default = classify(&s.s, img);
    unsetenv("VACCEL_TORCH_MODEL");
  }
  ASSERT_EQ(by_path.rc, VACCEL_OK);
  ASSERT_EQ(by_bytes.rc, VACCEL_OK);
  ASSERT_EQ(by_default.rc, VACCEL_OK);
  EXPECT_EQ(by_path.top, by_bytes.top);
  EXPECT_EQ(by_path.top, by_default.top);
}

// Model load/run with the 7 vAccel torch dtypes: forward(x) = (x + x, float(x)).
TEST_F(TorchPlugin, ModelRunEveryDtype) {
  Session s;
  Model m(&s.s, kDir + "/double_and_float.pt");
  ASSERT_EQ(m.rc, VACCEL_OK);
  ASSERT_EQ(vaccel_torch_model_load(&s.s, &m.r), VACCEL_OK);
  const int64_t dims[] = {2, 3};
  const struct {
    vaccel_torch_data_type t;
    size_t esize;
  } types[] = {{VACCEL_TORCH_BYTE, 1}, {VACCEL_TORCH_CHAR, 1}, {VACCEL_TORCH_SHORT, 2},
               {VACCEL_TORCH_INT, 4},  {VACCEL_TORCH_LONG, 8}, {VACCEL_TORCH_HALF, 2},
               {VACCEL_TORCH_FLOAT, 4}};
  for (auto [type, esize] : types) {
    std::vector<uint8_t> data(6 * esize);
    for (int i = 0; i < 6; i++) {
      switch (type) {
        case VACCEL_TORCH_BYTE:
          data[i] = uint8_t(i + 1);
          break;
        case VACCEL_TORCH_CHAR:
          reinterpret_cast<int8_t *>(data.data())[i] = int8_t(-i);
          break;
        case VACCEL_TORCH_SHORT:
          reinterpret_cast<int16_t *>(data.data())[i] = int16_t(100 * i);
          break;
        case VACCEL_TORCH_INT:
          reinterpret_cast<int32_t *>(data.data())[i] = -1000 * i;
          break;
        case VACCEL_TORCH_LONG:
          reinterpret_cast<int64_t *>(data.data())[i] = int64_t(1) << (30 + i);
          break;
        case VACCEL_TORCH_HALF:
          reinterpret_cast<uint16_t *>(data.data())[i] = uint16_t(0x3C00 + (i << 10));
          break;  // 1,2,4,..
        case VACCEL_TORCH_FLOAT:
          reinterpret_cast<float *>(data.data())[i] = 0.5f * i;
          break;
      }
    }
    vaccel_torch_tensor *in = nullptr, *out[2] = {nullptr, nullptr};
    ASSERT_EQ(vaccel_torch_tensor_new(&in, 2, dims, type), VACCEL_OK);
    in->data = data.data();
    in->size = data.size();
    ASSERT_EQ(vaccel_torch_model_run(&s.s, &m.r, nullptr, &in, 1, out, 2), VACCEL_OK) << type;
    ASSERT_NE(out[0], nullptr);
    ASSERT_NE(out[1], nullptr);
    EXPECT_EQ(out[0]->data_type, type);
    ASSERT_EQ(out[0]->nr_dims, 2);
    EXPECT_EQ(out[0]->dims[0], 2);
    EXPECT_EQ(out[0]->dims[1], 3);
    ASSERT_EQ(out[0]->size, data.size());
    EXPECT_EQ(out[1]->data_type, VACCEL_TORCH_FLOAT);
    ASSERT_EQ(out[1]->size, 6 * sizeof(float));
    const float *f = static_cast<const float *>(out[1]->data);
    for (int i = 0; i < 6; i++) {
      double x = 0, twice = 0;
      const uint8_t *o = static_cast<const uint8_t *>(out[0]->data);
      switch (type) {
        case VACCEL_TORCH_BYTE:
          x = data[i];
          twice = o[i];
          break;
        case VACCEL_TORCH_CHAR:
          x = reinterpret_cast<int8_t *>(data.data())[i];
          twice = reinterpret_cast<const int8_t *>(o)[i];
          break;
        case VACCEL_TORCH_SHORT:
          x = reinterpret_cast<int16_t *>(data.data())[i];
          twice = reinterpret_cast<const int16_t *>(o)[i];
          break;
        case VACCEL_TORCH_INT:
          x = reinterpret_cast<int32_t *>(data.data())[i];
          twice = reinterpret_cast<const int32_t *>(o)[i];
          break;
        case VACCEL_TORCH_LONG:
          x = double(reinterpret_cast<int64_t *>(data.data())[i]);
          twice = double(reinterpret_cast<const int64_t *>(o)[i]);
          break;
        case VACCEL_TORCH_HALF:
          x = std::ldexp(1.0, i);
          twice = std::ldexp(1.0, ((reinterpret_cast<const uint16_t *>(o)[i] >> 10) & 0x1f) - 15);
          break;
        case VACCEL_TORCH_FLOAT:
          x = reinterpret_cast<float *>(data.data())[i];
          twice = reinterpret_cast<const float *>(o)[i];
          break;
      }
      EXPECT_EQ(twice, 2 * x) << "dtype " << type << " element " << i;
      EXPECT_FLOAT_EQ(f[i], float(x)) << "dtype " << type << " element " << i;
    }
    vaccel_torch_tensor_delete(out[0]);
    vaccel_torch_tensor_delete(out[1]);
    in->data = nullptr;
    vaccel_torch_tensor_delete(in);
  }
}

// out = A x B + C against a double-precision reference.
TEST_F(TorchPlugin, SgemmMatchesReference) {
  Session s;
  const int M = 7, N = 5, K = 3;
  std::vector<float> a(M * K), b(K * N), c(M * N);
  for (size_t i = 0; i < a.size(); i++) a[i] = float(i % 7) - 3.0f;
  for (size_t i = 0; i < b.size(); i++) b[i] = 0.25f * float(i % 5);
  for (size_t i = 0; i < c.size(); i++) c[i] = float(i);
  int64_t da[] = {M, K}, db[] = {K, N}, dc[] = {M, N};
  vaccel_torch_tensor *ta, *tb, *tc, *out = nullptr;
  vaccel_torch_tensor_new(&ta, 2, da, VACCEL_TORCH_FLOAT);
  vaccel_torch_tensor_new(&tb, 2, db, VACCEL_TORCH_FLOAT);
  vaccel_torch_tensor_new(&tc, 2, dc, VACCEL_TORCH_FLOAT);
  ta->data = a.data();
  ta->size = a.size() * 4;
  tb->data = b.data();
  tb->size = b.size() * 4;
  tc->data = c.data();
  tc->size = c.size() * 4;
  ASSERT_EQ(vaccel_torch_sgemm(&s.s, &ta, &tb, &tc, M, N, K, &out), VACCEL_OK);
  ASSERT_NE(out, nullptr);
  ASSERT_EQ(out->size, size_t(M * N * 4));
  const float *o = static_cast<const float *>(out->data);
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      double ref = c[i * N + j];
      for (int k = 0; k < K; k++) ref += double(a[i * K + k]) * b[k * N + j];
      EXPECT_NEAR(o[i * N + j], ref, 1e-4) << i << "," << j;
    }
  vaccel_torch_tensor_delete(out);
  // wrong sizes for the declared M/N/K
  out = nullptr;
  EXPECT_EQ(vaccel_torch_sgemm(&s.s, &ta, &tb, &tc, M + 1, N, K, &out), VACCEL_EINVAL);
  EXPECT_EQ(out, nullptr);
  for (auto *t : {ta, tb, tc}) {
    t->data = nullptr;
    vaccel_torch_tensor_delete(t);
  }
}

// OpenCV's frontal-face cascade finds the one face in skimage's astronaut photo, none in the coffee
// cup.
TEST_F(TorchPlugin, DetectsTheAstronautsFace) {
  Session s;
  unsigned char out[256] = {};
  auto astro = slurp(kDir + "/images/astronaut.png");
  ASSERT_EQ(vaccel_image_detection(&s.s, astro.data(), out, astro.size(), sizeof(out)), VACCEL_OK);
  std::string text = reinterpret_cast<char *>(out);
  EXPECT_EQ(text.rfind("faces: 1 [", 0), 0u) << text;
  // the face is in the upper middle of the 512x512 picture
  int x, y, w, h;
  ASSERT_EQ(std::sscanf(text.c_str(), "faces: 1 [%d,%d,%d,%d]", &x, &y, &w, &h), 4) << text;
  EXPECT_GT(x, 100);
  EXPECT_LT(x + w, 320);
  EXPECT_LT(y + h, 260);
  auto coffee = slurp(kDir + "/images/coffee.png");
  ASSERT_EQ(vaccel_image_detection(&s.s, coffee.data(), out, coffee.size(), sizeof(out)),
            VACCEL_OK);
  EXPECT_STREQ(reinterpret_cast<char *>(out), "faces: 0");
}

TEST_F(TorchPlugin, OpsWithoutAnEngineAreNotSupported) {
  Session s;
  auto img = slurp(kDir + "/images/coffee.png");
  unsigned char out[64];
  EXPECT_EQ(vaccel_image_segmentation(&s.s, img.data(), out, img.size(), sizeof(out)),
            VACCEL_ENOTSUP);
  EXPECT_EQ(vaccel_image_pose(&s.s, img.data(), out, img.size(), sizeof(out)), VACCEL_ENOTSUP);
  EXPECT_EQ(vaccel_image_depth(&s.s, img.data(), out, img.size(), sizeof(out)), VACCEL_ENOTSUP);
  Model m(&s.s, kDir + "/double_and_float.pt");
  EXPECT_EQ(vaccel_tflite_model_load(&s.s, &m.r), VACCEL_ENOTSUP);
}

// Every bad input is an error, and the plugin still classifies correctly afterwards.
TEST_F(TorchPlugin, BadInputIsAnErrorAndThePluginKeepsServing) {
  auto good_model = slurp(kDir + "/efficientnet_lite0.pt");
  auto banana = slurp(kDir + "/images/banana.jpg");
  auto expect_serving = [&] {
    Session s;
    Model m(&s.s, kDir + "/efficientnet_lite0.pt");
    EXPECT_EQ(classify(&s.s, banana).label, "banana");
  };
  // models: random bytes, truncated archive, a zip that is not TorchScript, zero bytes
  std::vector<std::vector<uint8_t>> bad_models;
  std::vector<uint8_t> noise(4096);
  for (size_t i = 0; i < noise.size(); i++) noise[i] = uint8_t(i * 2654435761u >> 13);
  bad_models.push_back(noise);
  bad_models.emplace_back(good_model.begin(), good_model.begin() + good_model.size() / 2);
  bad_models.emplace_back(good_model.begin(), good_model.begin() + 100);
  for (auto &bytes : bad_models) {
    Session s;
    Model m(&s.s, bytes);
    ASSERT_EQ(m.rc, VACCEL_OK);
    EXPECT_EQ(vaccel_torch_model_load(&s.s, &m.r), VACCEL_EINVAL);
    EXPECT_EQ(classify(&s.s, banana).rc, VACCEL_EINVAL);
  }
  {
    Session s;
    vaccel_resource r{};
    const uint8_t nothing = 0;
    // the runtime may refuse an empty resource itself; if it takes one, the plugin refuses to load
    // it
    if (vaccel_resource_init_from_buf(&r, &nothing, 0, VACCEL_RESOURCE_MODEL, "empty.pt", true) ==
        VACCEL_OK) {
      if (vaccel_resource_register(&r, &s.s) == VACCEL_OK) {
        EXPECT_EQ(vaccel_torch_model_load(&s.s, &r), VACCEL_EINVAL);
        vaccel_resource_unregister(&r, &s.s);
      }
      vaccel_resource_release(&r);
    }
  }
  expect_serving();

  // tensors: wrong shape for the network, wrong dtype, size that disagrees with the shape
  {
    Session s;
    Model m(&s.s, kDir + "/efficientnet_lite0.pt");
    std::vector<float> px(1 * 1 * 224 * 224, 0.1f);
    const int64_t one_channel[] = {1, 1, 224, 224}, rgb[] = {1, 3, 224, 224};
    vaccel_torch_tensor *in, *out = nullptr;
    vaccel_torch_tensor_new(&in, 4, one_channel, VACCEL_TORCH_FLOAT);
    in->data = px.data();
    in->size = px.size() * sizeof(float);
    EXPECT_EQ(vaccel_torch_model_run(&s.s, &m.r, nullptr, &in, 1, &out, 1), VACCEL_EINVAL);
    EXPECT_EQ(out, nullptr);
    in->data = nullptr;
    vaccel_torch_tensor_delete(in);
    std::vector<int32_t> ints(3 * 224 * 224, 1);  // right shape, int32: a conv2d on ints is refused
    vaccel_torch_tensor_new(&in, 4, rgb, VACCEL_TORCH_INT);
    in->data = ints.data();
    in->size = ints.size() * sizeof(int32_t);
    EXPECT_EQ(vaccel_torch_model_run(&s.s, &m.r, nullptr, &in, 1, &out, 1), VACCEL_EINVAL);
    EXPECT_EQ(out, nullptr);
    in->data = nullptr;
    vaccel_torch_tensor_delete(in);
    vaccel_torch_tensor_new(&in, 4, rgb, VACCEL_TORCH_FLOAT);  // 3x the elements, 1x the bytes
    in->data = px.data();
    in->size = px.size() * sizeof(float);
    EXPECT_EQ(vaccel_torch_model_run(&s.s, &m.r, nullptr, &in, 1, &out, 1), VACCEL_EINVAL);
    in->data_type = static_cast<vaccel_torch_data_type>(42);
    EXPECT_EQ(vaccel_torch_model_run(&s.s, &m.r, nullptr, &in, 1, &out, 1), VACCEL_EINVAL);
    in->data = nullptr;
    vaccel_torch_tensor_delete(in);
    vaccel_torch_tensor *none = nullptr;  // two outputs asked of a one-output model
    vaccel_torch_tensor *outs[2] = {nullptr, nullptr};
    std::vector<float> rgbpx(3 * 224 * 224, 0.f);
    vaccel_torch_tensor_new(&none, 4, rgb, VACCEL_TORCH_FLOAT);
    none->data = rgbpx.data();
    none->size = rgbpx.size() * sizeof(float);
    EXPECT_EQ(vaccel_torch_model_run(&s.s, &m.r, nullptr, &none, 1, outs, 2), VACCEL_EINVAL);
    EXPECT_EQ(outs[0], nullptr);
    EXPECT_EQ(vaccel_torch_model_run(&s.s, &m.r, nullptr, &none, 1, outs, 1), VACCEL_OK);
    ASSERT_NE(outs[0], nullptr);
    EXPECT_EQ(outs[0]->size, 1000 * sizeof(float));
    vaccel_torch_tensor_delete(outs[0]);
    none->data = nullptr;
    vaccel_torch_tensor_delete(none);
  }

  // images: not an image, truncated JPEG/PNG, a PNG header declaring 100000 x 100000 pixels, empty
  {
    Session s;
    Model m(&s.s, kDir + "/efficientnet_lite0.pt");
    std::vector<std::vector<uint8_t>> bad_images;
    bad_images.push_back(noise);
    bad_images.emplace_back(banana.begin(), banana.begin() + 64);
    bad_images.emplace_back(banana.begin(), banana.begin() + banana.size() / 3);
    auto coffee = slurp(kDir + "/images/coffee.png");
    bad_images.emplace_back(coffee.begin(), coffee.begin() + coffee.size() / 2);
    std::vector<uint8_t> huge(coffee.begin(), coffee.begin() + 64);
    const uint8_t side[4] = {0x00, 0x01, 0x86, 0xA0};  // 100000, big-endian
    std::copy(side, side + 4, huge.begin() + 16);
    std::copy(side, side + 4, huge.begin() + 20);
    bad_images.push_back(huge);
    // a BMP whose height is INT32_MIN (found by tests/torch/fuzz.sh: its magnitude overflowed
    // int32_t)
    bad_images.push_back(
        {'B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0x80});
    for (auto &img : bad_images) {
      Result r = classify(&s.s, img);
      // a truncated JPEG may still decode (libjpeg fills in grey); anything else must be refused
      if (r.rc == VACCEL_OK) {
        EXPECT_EQ(img.size(), banana.size() / 3);
      } else {
        EXPECT_EQ(r.rc, VACCEL_EINVAL);
      }
      unsigned char out[64];
      int d = vaccel_image_detection(&s.s, img.data(), out, img.size(), sizeof(out));
      EXPECT_TRUE(d == VACCEL_OK || d == VACCEL_EINVAL);
    }
    unsigned char text[16], top[16];
    EXPECT_EQ(
        vaccel_image_classification(&s.s, banana.data(), text, top, 0, sizeof(text), sizeof(top)),
        VACCEL_EINVAL);
  }
  expect_serving();
}

long rss_kib() {
  std::ifstream f("/proc/self/status");
  for (std::string line; std::getline(f, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// Repeated bad input does not grow the process: 200 rounds of a truncated model, a corrupt image, a
// huge declared image and a wrong-shape run after 20 warm-up rounds; growth under 8 MiB (no
// per-call leak).
TEST_F(TorchPlugin, BadInputDoesNotLeak) {
  auto good_model = slurp(kDir + "/efficientnet_lite0.pt");
  std::vector<uint8_t> truncated(good_model.begin(), good_model.begin() + 300000);
  auto coffee = slurp(kDir + "/images/coffee.png");
  std::vector<uint8_t> corrupt(coffee.begin(), coffee.begin() + coffee.size() / 2);
  std::vector<uint8_t> huge(coffee.begin(), coffee.begin() + 64);
  huge[16] = huge[20] = 0x7f;
  Session s;
  Model m(&s.s, kDir + "/double_and_float.pt");
  auto round = [&] {
    Model bad(&s.s, truncated);
    EXPECT_EQ(vaccel_torch_model_load(&s.s, &bad.r), VACCEL_EINVAL);
    unsigned char out[64];
    EXPECT_EQ(vaccel_image_detection(&s.s, corrupt.data(), out, corrupt.size(), sizeof(out)),
              VACCEL_EINVAL);
    EXPECT_EQ(vaccel_image_detection(&s.s, huge.data(), out, huge.size(), sizeof(out)),
              VACCEL_EINVAL);
    int64_t dims[] = {4};
    float x[3] = {1, 2, 3};
    vaccel_torch_tensor *in, *o[3] = {nullptr, nullptr, nullptr};
    vaccel_torch_tensor_new(&in, 1, dims, VACCEL_TORCH_FLOAT);
    in->data = x;
    in->size = sizeof(x);  // 3 floats for a shape of 4
    EXPECT_EQ(vaccel_torch_model_run(&s.s, &m.r, nullptr, &in, 1, o, 1), VACCEL_EINVAL);
    in->size = 0;  // right size for 0 elements would need dims {0}; 3 outputs of a 2-output model:
    dims[0] = 3;
    in->dims[0] = 3;
    in->size = sizeof(x);
    EXPECT_EQ(vaccel_torch_model_run(&s.s, &m.r, nullptr, &in, 1, o, 3), VACCEL_EINVAL);
    EXPECT_EQ(o[0], nullptr);
    in->data = nullptr;
    vaccel_torch_tensor_delete(in);
  };
  for (int i = 0; i < 20; i++) round();
  long before = rss_kib();
  for (int i = 0; i < 200; i++) round();
  long after = rss_kib();
  std::printf("  RSS %ld KiB -> %ld KiB after 200 rounds of bad input\n", before, after);
  EXPECT_LT(after - before, 8 * 1024);
}

// A pickle length libtorch would trust: double_and_float.pt with its first string ("training", 8
// bytes) declaring 1.26 GB. The model is refused before libtorch allocates for it (it allocated and
// filled 1.4 GB; found by the device-path fuzzer), so the process's peak RSS does not jump.
TEST_F(TorchPlugin, ModelWhosePickleDeclaresAHugeStringIsRefusedWithoutAllocatingIt) {
  auto model = slurp(kDir + "/double_and_float.pt");
  const std::string at = std::string("X\x08\0\0\0training", 13);
  auto it = std::search(model.begin(), model.end(), at.begin(), at.end());
  ASSERT_NE(it, model.end()) << "double_and_float.pt's data.pkl no longer starts as expected";
  const uint8_t huge[4] = {0x00, 0x00, 0x00, 0x4b};  // 0x4b000000
  std::copy(huge, huge + 4, it + 1);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  long peak_before = ru.ru_maxrss;
  Session s;
  Model m(&s.s, model);
  ASSERT_EQ(m.rc, VACCEL_OK);
  EXPECT_EQ(vaccel_torch_model_load(&s.s, &m.r), VACCEL_EINVAL);
  getrusage(RUSAGE_SELF, &ru);
  std::printf("  peak RSS %ld KiB -> %ld KiB\n", peak_before, ru.ru_maxrss);
  EXPECT_LT(ru.ru_maxrss - peak_before, 256 * 1024);
}

}  // namespace
