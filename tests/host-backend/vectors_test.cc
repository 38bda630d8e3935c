// Replays the canonical byte vectors (virtio-accel-spec/vectors/*.vec) through
// the engine, whole and split into many small segments.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.hh"

using namespace va;
using namespace va::test;

namespace {

struct Step {
  std::vector<uint8_t> req;
  size_t wlen = 0;
  size_t used = 0;
  std::string resp;  // hex with ?? wildcards
};

std::vector<uint8_t> unhex(const std::string &h) {
  std::vector<uint8_t> out;
  for (size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<uint8_t>(std::stoi(h.substr(i, 2), nullptr, 16)));
  return out;
}

std::vector<Step> load(const std::filesystem::path &p) {
  std::ifstream f(p);
  std::vector<Step> steps;
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream ls(line);
    std::string key, val;
    ls >> key >> val;
    if (key == "req")
      steps.push_back(Step{unhex(val), 0, 0, {}});
    else if (key == "wlen")
      steps.back().wlen = std::stoul(val);
    else if (key == "used")
      steps.back().used = std::stoul(val);
    else if (key == "resp")
      steps.back().resp = val;
  }
  return steps;
}

void replay(const std::filesystem::path &p, size_t seg) {
  Device d;
  auto steps = load(p);
  ASSERT_FALSE(steps.empty());
  for (size_t i = 0; i < steps.size(); i++) {
    const Step &s = steps[i];
    std::vector<size_t> rc, wc;
    for (size_t off = seg; seg && off < s.req.size(); off += seg) rc.push_back(off);
    for (size_t off = seg; seg && off < s.wlen; off += seg) wc.push_back(off);
    Chain c(s.req, s.wlen, rc, wc, seg != 0);
    ASSERT_EQ(d.process(c), s.used) << p.filename() << " step " << i;
    ASSERT_LE(s.resp.size() / 2, c.wr.size());
    for (size_t b = 0; b < s.resp.size() / 2; b++) {
      std::string want = s.resp.substr(2 * b, 2);
      if (want == "??") continue;
      ASSERT_EQ(c.wr[b], std::stoi(want, nullptr, 16))
          << p.filename() << " step " << i << " byte " << b;
    }
  }
}

std::vector<std::filesystem::path> vectors() {
  std::vector<std::filesystem::path> out;
  for (auto &e : std::filesystem::directory_iterator(VA_VECTOR_DIR))
    if (e.path().extension() == ".vec") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Vectors, AllPresent) { EXPECT_GE(vectors().size(), 6u); }

TEST(Vectors, ReplayContiguous) {
  for (auto &p : vectors()) replay(p, 0);
}

TEST(Vectors, ReplayInSevenByteSegments) {
  for (auto &p : vectors()) replay(p, 7);
}

}  // namespace
