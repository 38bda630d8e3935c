// SPDX-License-Identifier: Apache-2.0
// The arena's allocator over an anonymous mapping (no device needed), the
// arena size rules, and the arena without a device.
#include <gtest/gtest.h>
#include <sys/mman.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "arena.hh"
#include "device.hh"

using vaccel_virtio::Arena;
using vaccel_virtio::arena_bytes_for;
using vaccel_virtio::ArenaAllocator;
using vaccel_virtio::Device;

namespace {

constexpr size_t kG = ArenaAllocator::kGranule;

// An anonymous mapping standing in for the device's arena.
class Mapping {
 public:
  explicit Mapping(size_t len) : len_(len) {
    void *p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    base_ = p == MAP_FAILED ? nullptr : static_cast<uint8_t *>(p);
  }
  ~Mapping() {
    if (base_) munmap(base_, len_);
  }
  Mapping(const Mapping &) = delete;
  Mapping &operator=(const Mapping &) = delete;
  uint8_t *base() const { return base_; }
  size_t len() const { return len_; }

 private:
  uint8_t *base_;
  size_t len_;
};

class ArenaAllocatorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(m_.base(), nullptr);
    a_.reset(m_.base(), m_.len());
  }
  uint8_t *at(size_t off) const { return m_.base() + off; }

  Mapping m_{1u << 20};
  ArenaAllocator a_;
};

TEST_F(ArenaAllocatorTest, BlocksAreAlignedDisjointAndInside) {
  const size_t sizes[] = {1, kG - 1, kG, kG + 1, 3 * kG, 10000, 65536, 1};
  std::vector<std::pair<uint8_t *, size_t>> got;
  for (size_t s : sizes) {
    auto *p = static_cast<uint8_t *>(a_.alloc(s));
    ASSERT_NE(p, nullptr) << s;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kG, 0u) << s;
    EXPECT_TRUE(a_.contains(p, s));
    std::memset(p, static_cast<int>(got.size() + 1), s);
    got.emplace_back(p, s);
  }
  // Each block still holds its own fill: none overlaps another.
  for (size_t i = 0; i < got.size(); ++i)
    for (size_t k = 0; k < got[i].second; ++k)
      ASSERT_EQ(got[i].first[k], i + 1) << "block " << i << " byte " << k;
  // Rounded to the granule: 1 + 1 + 1 + 2 + 3 + 3 + 16 + 1 granules used.
  EXPECT_EQ(a_.bytes_free(), m_.len() - 28 * kG);
  EXPECT_EQ(a_.blocks_used(), got.size());
}

TEST_F(ArenaAllocatorTest, ZeroAndHugeSizesFail) {
  EXPECT_EQ(a_.alloc(0), nullptr);
  EXPECT_EQ(a_.alloc(SIZE_MAX), nullptr);
  EXPECT_EQ(a_.alloc(SIZE_MAX - kG + 2), nullptr);
  EXPECT_EQ(a_.alloc(m_.len() + 1), nullptr);
  EXPECT_EQ(a_.bytes_free(), m_.len());
  EXPECT_EQ(a_.alloc(m_.len()), m_.base());  // the whole range, exactly
  EXPECT_EQ(a_.alloc(1), nullptr);
}

TEST_F(ArenaAllocatorTest, ExhaustionThenReuse) {
  std::vector<void *> blocks;
  for (void *p; (p = a_.alloc(kG)) != nullptr;) blocks.push_back(p);
  ASSERT_EQ(blocks.size(), m_.len() / kG);
  EXPECT_EQ(a_.bytes_free(), 0u);
  EXPECT_EQ(a_.alloc(1), nullptr);
  // One freed block is found again, and only it.
  void *mid = blocks[blocks.size() / 2];
  ASSERT_TRUE(a_.free(mid));
  EXPECT_EQ(a_.alloc(2 * kG), nullptr);
  EXPECT_EQ(a_.alloc(kG), mid);
  EXPECT_EQ(a_.alloc(kG), nullptr);
}

TEST_F(ArenaAllocatorTest, FirstFitInAddressOrder) {
  void *a = a_.alloc(4 * kG);
  void *b = a_.alloc(kG);
  void *c = a_.alloc(8 * kG);
  ASSERT_EQ(a, at(0));
  ASSERT_EQ(b, at(4 * kG));
  ASSERT_EQ(c, at(5 * kG));
  ASSERT_TRUE(a_.free(a));
  // A hole of 4 granules at 0: a 2-granule block goes there, a 5-granule
  // one after c.
  EXPECT_EQ(a_.alloc(2 * kG), at(0));
  EXPECT_EQ(a_.alloc(5 * kG), at(13 * kG));
  EXPECT_EQ(a_.alloc(2 * kG), at(2 * kG));
}

TEST_F(ArenaAllocatorTest, FreeRunsCoalesce) {
  void *a = a_.alloc(3 * kG);
  void *b = a_.alloc(5 * kG);
  void *c = a_.alloc(7 * kG);
  void *rest = a_.alloc(m_.len() - 15 * kG);
  ASSERT_TRUE(a && b && c && rest);
  EXPECT_EQ(a_.runs_free(), 0u);
  ASSERT_TRUE(a_.free(a));
  ASSERT_TRUE(a_.free(c));
  EXPECT_EQ(a_.runs_free(), 2u);
  EXPECT_EQ(a_.largest_free(), 7 * kG);
  ASSERT_TRUE(a_.free(b));  // joins both neighbours
  EXPECT_EQ(a_.runs_free(), 1u);
  EXPECT_EQ(a_.largest_free(), 15 * kG);
  EXPECT_EQ(a_.alloc(15 * kG), a);
  ASSERT_TRUE(a_.free(a));
  ASSERT_TRUE(a_.free(rest));  // joins the run before it
  EXPECT_EQ(a_.runs_free(), 1u);
  EXPECT_EQ(a_.largest_free(), m_.len());
  EXPECT_EQ(a_.alloc(m_.len()), m_.base());
}

TEST_F(ArenaAllocatorTest, DoubleAndForeignFreesAreIgnored) {
  auto *p = static_cast<uint8_t *>(a_.alloc(2 * kG));
  auto *q = static_cast<uint8_t *>(a_.alloc(kG));
  ASSERT_TRUE(p && q);
  int on_stack = 0;
  std::vector<char> heap(64);
  EXPECT_FALSE(a_.free(p + kG));  // inside a block
  EXPECT_FALSE(a_.free(p + 1));
  EXPECT_FALSE(a_.free(&on_stack));
  EXPECT_FALSE(a_.free(heap.data()));
  EXPECT_FALSE(a_.free(m_.base() + m_.len()));  // one past the end
  EXPECT_FALSE(a_.free(m_.base() - kG));
  EXPECT_FALSE(a_.free(at(m_.len() - kG)));  // a free run's start
  EXPECT_FALSE(a_.free(nullptr));
  EXPECT_EQ(a_.blocks_used(), 2u);
  EXPECT_EQ(a_.bytes_free(), m_.len() - 3 * kG);
  ASSERT_TRUE(a_.free(p));
  EXPECT_FALSE(a_.free(p));  // twice
  EXPECT_EQ(a_.bytes_free(), m_.len() - kG);
  // The freed run is handed out again and the stale pointer stays refused
  // once it belongs to a block that starts elsewhere.
  void *r = a_.alloc(kG);
  EXPECT_EQ(r, p);
  EXPECT_FALSE(a_.free(p + kG));
  EXPECT_TRUE(a_.free(q));
  EXPECT_TRUE(a_.free(r));
  EXPECT_EQ(a_.runs_free(), 1u);
}

TEST_F(ArenaAllocatorTest, ContainsChecksTheWholeRange) {
  EXPECT_TRUE(a_.contains(m_.base(), m_.len()));
  EXPECT_TRUE(a_.contains(m_.base() + 100, m_.len() - 100));
  EXPECT_FALSE(a_.contains(m_.base() + 100, m_.len() - 99));
  EXPECT_FALSE(a_.contains(m_.base() - 1, 1));
  EXPECT_FALSE(a_.contains(m_.base() + 1, SIZE_MAX));
  EXPECT_TRUE(a_.contains(m_.base() + m_.len(), 0));
  EXPECT_FALSE(a_.contains(m_.base() + m_.len(), 1));
}

TEST_F(ArenaAllocatorTest, ResetForgetsEverything) {
  void *p = a_.alloc(kG);
  ASSERT_NE(p, nullptr);
  a_.reset(nullptr, 0);
  EXPECT_EQ(a_.length(), 0u);
  EXPECT_EQ(a_.alloc(1), nullptr);
  EXPECT_FALSE(a_.free(p));
  EXPECT_FALSE(a_.contains(p, 1));
  a_.reset(m_.base(), m_.len() + kG - 1);  // rounded down to the granule
  EXPECT_EQ(a_.length(), m_.len());
  EXPECT_EQ(a_.bytes_free(), m_.len());
}

// Threads allocate, fill with their own tag, check and free at random: a
// block handed to two threads at once shows as a foreign tag.
TEST(ArenaAllocatorThreads, ManyThreadsNeverShareABlock) {
  Mapping m(8u << 20);
  ASSERT_NE(m.base(), nullptr);
  ArenaAllocator a;
  a.reset(m.base(), m.len());
  constexpr int kThreads = 8, kIters = 3000;
  std::atomic<int> corrupt{0}, bad_free{0}, full{0};
  std::vector<std::thread> th;
  for (int t = 0; t < kThreads; ++t) {
    th.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t) * 7919u + 1u);
      std::vector<std::pair<uint8_t *, size_t>> mine;
      const auto tag = static_cast<uint8_t>(t + 1);
      for (int i = 0; i < kIters; ++i) {
        if (mine.empty() || rng() % 3 != 0) {
          const size_t size = 1 + rng() % (24 * kG);
          auto *p = static_cast<uint8_t *>(a.alloc(size));
          if (!p) {
            full++;
            continue;
          }
          std::memset(p, tag, size);
          mine.emplace_back(p, size);
        } else {
          const size_t k = rng() % mine.size();
          auto [p, size] = mine[k];
          for (size_t j = 0; j < size; j += 97) corrupt += p[j] != tag;
          corrupt += p[size - 1] != tag;
          bad_free += !a.free(p);
          mine[k] = mine.back();
          mine.pop_back();
        }
      }
      for (auto [p, size] : mine) {
        corrupt += p[0] != tag || p[size - 1] != tag;
        bad_free += !a.free(p);
      }
    });
  }
  for (auto &x : th) x.join();
  EXPECT_EQ(corrupt.load(), 0);
  EXPECT_EQ(bad_free.load(), 0);
  // Everything returned: one run again, the whole range.
  EXPECT_EQ(a.blocks_used(), 0u);
  EXPECT_EQ(a.runs_free(), 1u);
  EXPECT_EQ(a.bytes_free(), m.len());
  RecordProperty("allocations_that_found_no_room", full.load());
}

TEST(ArenaSize, DefaultClampAndOff) {
  std::string note;
  EXPECT_EQ(arena_bytes_for(nullptr, 1024, &note), size_t{64} << 20);
  EXPECT_EQ(note, "");
  EXPECT_EQ(arena_bytes_for("", 1024, &note), size_t{64} << 20);
  EXPECT_EQ(arena_bytes_for("160", 1024, &note), size_t{160} << 20);
  EXPECT_EQ(note, "");
  EXPECT_EQ(arena_bytes_for("160", 128, &note), size_t{128} << 20);
  EXPECT_NE(note.find("at most 128"), std::string::npos) << note;
  EXPECT_EQ(arena_bytes_for(nullptr, 16, &note), size_t{16} << 20);  // the default clamped too
  EXPECT_EQ(arena_bytes_for("0", 1024, &note), 0u);
  EXPECT_NE(note.find("off"), std::string::npos) << note;
  EXPECT_EQ(arena_bytes_for(nullptr, 0, &note), 0u);  // driver without arena
  EXPECT_NE(note.find("no arena"), std::string::npos) << note;
  EXPECT_EQ(arena_bytes_for("32", 0, nullptr), 0u);
}

TEST(ArenaSize, UnparsableValuesFallBackToTheDefault) {
  for (const char *bad : {"abc", "12x", "-5", " 8", "+8", "1.5", "99999999999999999999999"}) {
    std::string note;
    EXPECT_EQ(arena_bytes_for(bad, 1024, &note), size_t{64} << 20) << bad;
    EXPECT_NE(note.find("not a number"), std::string::npos) << bad << ": " << note;
  }
}

TEST(ArenaWithoutDevice, AllocFailsWithEnodev) {
  Device dev;  // never opened
  Arena arena;
  errno = 0;
  EXPECT_EQ(arena.alloc(dev, 4096), nullptr);
  EXPECT_EQ(errno, ENODEV);
  errno = 0;
  EXPECT_EQ(arena.alloc(dev, 0), nullptr);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(arena.bytes(), 0u);
  int x = 0;
  EXPECT_FALSE(arena.free(&x));
  EXPECT_TRUE(arena.free(nullptr));
  arena.release(dev);  // nothing mapped: nothing to do
  EXPECT_EQ(arena.bytes(), 0u);
}

}  // namespace
