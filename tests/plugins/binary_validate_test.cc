// Unit tests of the program-binary validator on synthetic containers (no
// OpenCL needed). Real PoCL binaries are exercised in opencl_binary_test.cc.
#include "binary_validate.hh"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace vaccel_ocl;

namespace {

using Bytes = std::vector<std::uint8_t>;

template <typename T>
void put(Bytes &b, T v) {
  for (size_t i = 0; i < sizeof(T); ++i)
    b.push_back(static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i)));
}
template <typename T>
void put_at(Bytes &b, size_t off, T v) {
  for (size_t i = 0; i < sizeof(T); ++i)
    b[off + i] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(v) >> (8 * i));
}
void put_str(Bytes &b, const std::string &s) {
  put<std::uint32_t>(b, static_cast<std::uint32_t>(s.size()));
  b.insert(b.end(), s.begin(), s.end());
}
void put_file(Bytes &b, const std::string &path, const std::string &content) {
  put_str(b, path);
  put_str(b, content);
}

// A poclbin v9 with the layout PoCL 3.1 writes (see binary_validate.cc).
Bytes make_poclbin(unsigned nkernels = 2) {
  Bytes b;
  const char magic[8] = "poclbin";
  b.insert(b.end(), magic, magic + 8);
  put<std::uint64_t>(b, 0x1234);  // device id
  put<std::uint32_t>(b, 9);       // version
  put<std::uint32_t>(b, nkernels);
  put<std::uint32_t>(b, 0);
  put<std::uint64_t>(b, 4);  // flags
  std::string hash = "AB/CDEFGHIJKLMNOPABCDEFGHIJKLMNOPABCDEFG";
  b.insert(b.end(), hash.begin(), hash.end());
  b.push_back(0);
  Bytes prog;
  put_file(prog, "/program.bc", std::string(100, 'x'));
  put<std::uint64_t>(b, prog.size());
  b.insert(b.end(), prog.begin(), prog.end());
  for (unsigned k = 0; k < nkernels; ++k) {
    Bytes files;
    put_file(files, "/k" + std::to_string(k) + "/0-0-0/k.so", std::string(50 + k, 'y'));
    Bytes meta;
    put_str(meta, "k" + std::to_string(k));
    for (int i = 0; i < 40; ++i) meta.push_back(0);  // args, locals, wg sizes...
    const std::uint64_t rec = 8 + 8 + 4 + meta.size() + files.size();
    put<std::uint64_t>(b, rec);
    put<std::uint64_t>(b, files.size());
    put<std::uint32_t>(b, 0);
    b.insert(b.end(), meta.begin(), meta.end());
    b.insert(b.end(), files.begin(), files.end());
  }
  return b;
}

Bytes make_xclbin(unsigned nsec = 2) {
  Bytes b(456 + 40 * nsec, 0);
  std::memcpy(b.data(), "xclbin2", 8);
  std::uint64_t off = b.size();
  for (unsigned i = 0; i < nsec; ++i) {
    const size_t h = 456 + 40 * i;
    put_at<std::uint64_t>(b, h + 24, off);
    put_at<std::uint64_t>(b, h + 32, 64);
    off += 64;
  }
  b.resize(off, 0xab);
  put_at<std::uint64_t>(b, 304, b.size());
  put_at<std::uint32_t>(b, 304 + 148, nsec);
  return b;
}

// ELF64 LE with one PROGBITS section and the section-name table.
Bytes make_elf() {
  Bytes b(64, 0);
  b[0] = 0x7f;
  b[1] = 'E';
  b[2] = 'L';
  b[3] = 'F';
  b[4] = 2;
  b[5] = 1;
  b[6] = 1;
  const size_t data_off = 64, data_len = 32, shoff = data_off + data_len;
  b.resize(shoff, 0x11);
  put_at<std::uint64_t>(b, 40, shoff);
  put_at<std::uint16_t>(b, 52, 64);  // e_ehsize
  put_at<std::uint16_t>(b, 58, 64);  // e_shentsize
  put_at<std::uint16_t>(b, 60, 3);   // e_shnum
  put_at<std::uint16_t>(b, 62, 2);   // e_shstrndx
  for (int i = 0; i < 3; ++i) {
    Bytes sh(64, 0);
    if (i > 0) {
      put_at<std::uint32_t>(sh, 4, i == 1 ? 1u : 3u);  // PROGBITS, STRTAB
      put_at<std::uint64_t>(sh, 24, data_off);
      put_at<std::uint64_t>(sh, 32, data_len);
    }
    b.insert(b.end(), sh.begin(), sh.end());
  }
  return b;
}

TEST(BinaryValidate, AcceptsWellFormedContainers) {
  for (auto [bin, fmt] : {std::pair{make_poclbin(), BinaryFormat::PoclBin},
                          std::pair{make_poclbin(0), BinaryFormat::PoclBin},
                          std::pair{make_xclbin(), BinaryFormat::Xclbin},
                          std::pair{make_xclbin(0), BinaryFormat::Xclbin},
                          std::pair{make_elf(), BinaryFormat::Elf}}) {
    BinaryCheck c = validate_binary_structure(bin);
    EXPECT_TRUE(c.ok) << binary_format_name(fmt) << ": " << c.reason;
    EXPECT_EQ(c.format, fmt);
  }
}

// Every proper prefix of a container must be rejected: this is the case that
// crashes PoCL when it reaches the driver.
TEST(BinaryValidate, RejectsEveryTruncation) {
  for (const Bytes &full : {make_poclbin(), make_xclbin(), make_elf()}) {
    for (size_t len = 0; len < full.size(); ++len) {
      Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(len));
      BinaryCheck c = validate_binary_structure(cut);
      ASSERT_FALSE(c.ok) << binary_format_name(detect_binary_format(full)) << " cut at " << len
                         << " of " << full.size();
      ASSERT_FALSE(c.reason.empty());
    }
  }
}

TEST(BinaryValidate, RejectsAppendedBytesAndBadLengths) {
  Bytes p = make_poclbin();
  p.push_back(0);
  EXPECT_NE(validate_binary_structure(p).reason.find("unexpected bytes"), std::string::npos);

  p = make_poclbin();
  put_at<std::uint64_t>(p, 77, ~std::uint64_t{0});  // program record size: huge
  EXPECT_FALSE(validate_binary_structure(p).ok);

  p = make_poclbin();
  put_at<std::uint32_t>(p, 20, 3);  // claims a third kernel
  EXPECT_FALSE(validate_binary_structure(p).ok);

  p = make_poclbin();
  put_at<std::uint32_t>(p, 16, 7);  // version whose layout is not verified
  EXPECT_NE(validate_binary_structure(p).reason.find("version 7"), std::string::npos);

  Bytes x = make_xclbin();
  put_at<std::uint64_t>(x, 456 + 24, x.size() - 10);  // section runs past the end
  EXPECT_NE(validate_binary_structure(x).reason.find("section 0"), std::string::npos);
  x = make_xclbin();
  put_at<std::uint32_t>(x, 304 + 148, 0x7fffffff);
  EXPECT_FALSE(validate_binary_structure(x).ok);

  Bytes e = make_elf();
  put_at<std::uint64_t>(e, 96 + 64 + 32, 1u << 20);  // section 1 size
  EXPECT_NE(validate_binary_structure(e).reason.find("section 1"), std::string::npos);
}

TEST(BinaryValidate, RejectsUnknownAndEmpty) {
  EXPECT_FALSE(validate_binary_structure({}).ok);
  Bytes junk(4096);
  std::mt19937 g(1);
  for (auto &x : junk) x = static_cast<std::uint8_t>(g());
  junk[0] = 'Z';
  BinaryCheck c = validate_binary_structure(junk);
  EXPECT_FALSE(c.ok);
  EXPECT_EQ(c.format, BinaryFormat::Unknown);
}

TEST(BinaryValidate, PlatformDecidesWhichContainersLoad) {
  const std::string pocl = "Portable Computing Language", xrt = "Xilinx",
                    intel = "Intel(R) FPGA SDK for OpenCL(TM)";
  EXPECT_TRUE(validate_program_binary(make_poclbin(), pocl).ok);
  BinaryCheck c = validate_program_binary(make_xclbin(), pocl);
  EXPECT_FALSE(c.ok);
  EXPECT_TRUE(c.foreign);
  EXPECT_TRUE(validate_program_binary(make_xclbin(), xrt).ok);
  EXPECT_TRUE(validate_program_binary(make_poclbin(), xrt).foreign);
  EXPECT_TRUE(validate_program_binary(make_elf(), intel).ok);
  Bytes unknown(64, 0x5a);
  EXPECT_FALSE(validate_program_binary(unknown, "Some GPU vendor").ok);
  EXPECT_TRUE(
      validate_program_binary(unknown, "Some GPU vendor", /*allow_unknown_format=*/true).ok);
  EXPECT_FALSE(validate_program_binary(unknown, pocl, true).ok)
      << "PoCL only loads what can be checked";
}

// Random corruption of valid containers: the validator must never read out of
// bounds (run under ASan with VA_SANITIZE=ON) and must reject every prefix.
TEST(BinaryValidate, SurvivesRandomMutation) {
  std::mt19937 g(42);
  for (const Bytes &base : {make_poclbin(), make_xclbin(), make_elf()}) {
    for (int iter = 0; iter < 3000; ++iter) {
      Bytes m = base;
      const int flips = 1 + static_cast<int>(g() % 4);
      for (int f = 0; f < flips; ++f) m[g() % m.size()] = static_cast<std::uint8_t>(g());
      if (g() % 2) m.resize(g() % m.size());
      (void)validate_binary_structure(m);
    }
  }
}

}  // namespace
