#include "binary_validate.hh"

#include <cstring>
#include <optional>

namespace vaccel_ocl {
namespace {

// Bounds-checked little/big-endian reader over a byte span. Every read either
// succeeds inside the span or reports failure; nothing here can read past it.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> b, bool big_endian = false)
      : b_(b), be_(big_endian) {}

  template <typename T>
  std::optional<T> at(std::size_t off) const {
    if (off > b_.size() || b_.size() - off < sizeof(T)) return std::nullopt;
    T v = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      std::size_t idx = be_ ? i : sizeof(T) - 1 - i;
      v = static_cast<T>((std::uint64_t{v} << 8) | b_[off + idx]);
    }
    return v;
  }
  std::size_t size() const { return b_.size(); }

 private:
  std::span<const std::uint8_t> b_;
  bool be_;
};

// off + len <= limit without overflow.
bool fits(std::uint64_t off, std::uint64_t len, std::uint64_t limit) {
  return off <= limit && len <= limit - off;
}

BinaryCheck fail(BinaryFormat f, std::string why) { return {false, f, std::move(why)}; }
BinaryCheck pass(BinaryFormat f) { return {true, f, {}}; }

// ---- poclbin --------------------------------------------------------------
// Layout of format version 9 (PoCL 3.x), verified by walking binaries that
// PoCL 3.1 produced (all integers little-endian):
//   0   char[8]  "poclbin\0"
//   8   u64      device id hash
//   16  u32      version (9)
//   20  u32      number of kernel records
//   24  u32+u64  opaque fields (flags)
//   36  char[41] program build hash: 40 printable characters + NUL
//   77  u64      size of the program record, then that many bytes of file
//                records ("/program.bc")
//   then per kernel: u64 record size (counted from the record start),
//                    u64 size of the trailing file area, u32 arginfo size,
//                    u32 name length + name, metadata ..., file area.
// A file record is u32 path length, path, u32 content length, content.
constexpr std::size_t kPoclHeader = 77;
constexpr std::size_t kPoclHashOff = 36, kPoclHashLen = 41;
constexpr std::uint32_t kPoclMaxKernels = 1u << 16;

// Walks file records in [off, end); they must tile the range exactly.
std::optional<std::string> walk_pocl_files(const Reader &r, std::uint64_t off, std::uint64_t end,
                                           const char *where) {
  int n = 0;
  while (off < end) {
    auto plen = r.at<std::uint32_t>(off);
    if (!plen || *plen == 0 || !fits(off + 4, *plen, end))
      return std::string(where) + ": file record " + std::to_string(n) + " path overruns its area";
    off += 4 + *plen;
    auto clen = r.at<std::uint32_t>(off);
    if (!clen || !fits(off + 4, *clen, end))
      return std::string(where) + ": file record " + std::to_string(n) +
             " content overruns its area";
    off += 4 + *clen;
    ++n;
  }
  if (off != end) return std::string(where) + ": file records do not end at the area end";
  return std::nullopt;
}

BinaryCheck check_poclbin(std::span<const std::uint8_t> bin) {
  const auto F = BinaryFormat::PoclBin;
  Reader r(bin);
  if (bin.size() < kPoclHeader + 8)
    return fail(F, "poclbin: truncated header (" + std::to_string(bin.size()) + " bytes)");
  std::uint32_t version = *r.at<std::uint32_t>(16);
  if (version != 9)
    return fail(F, "poclbin: format version " + std::to_string(version) +
                       " has a layout this validator has not verified; refusing it (PoCL "
                       "crashes on malformed binaries)");
  std::uint32_t nkernels = *r.at<std::uint32_t>(20);
  if (nkernels > kPoclMaxKernels)
    return fail(F, "poclbin: implausible kernel count " + std::to_string(nkernels));
  for (std::size_t i = 0; i < kPoclHashLen - 1; ++i) {
    std::uint8_t c = bin[kPoclHashOff + i];
    if (c < 0x20 || c > 0x7e) return fail(F, "poclbin: corrupted build hash in header");
  }
  if (bin[kPoclHashOff + kPoclHashLen - 1] != 0)
    return fail(F, "poclbin: build hash not terminated");

  const std::uint64_t end = bin.size();
  std::uint64_t off = kPoclHeader;
  std::uint64_t prog = *r.at<std::uint64_t>(off);
  off += 8;
  if (prog == 0 || !fits(off, prog, end))
    return fail(F, "poclbin: program record overruns the binary (truncated?)");
  if (auto e = walk_pocl_files(r, off, off + prog, "poclbin program record")) return fail(F, *e);
  off += prog;

  for (std::uint32_t k = 0; k < nkernels; ++k) {
    const std::string where = "poclbin kernel record " + std::to_string(k);
    auto rec = r.at<std::uint64_t>(off);
    auto files = r.at<std::uint64_t>(off + 8);
    auto namelen = r.at<std::uint32_t>(off + 20);
    if (!rec || !files || !namelen) return fail(F, where + ": header truncated");
    if (*rec < 24 || !fits(off, *rec, end))
      return fail(F, where + ": size overruns the binary (truncated?)");
    const std::uint64_t rec_end = off + *rec;
    if (!fits(off + 24, *namelen, rec_end))
      return fail(F, where + ": kernel name overruns the record");
    if (*files > *rec - 24 - *namelen) return fail(F, where + ": file area larger than the record");
    if (auto e = walk_pocl_files(r, rec_end - *files, rec_end, where.c_str())) return fail(F, *e);
    off = rec_end;
  }
  if (off != end)
    return fail(F, "poclbin: " + std::to_string(end - off) +
                       " unexpected bytes after the last kernel record");
  return pass(F);
}

// ---- xclbin2 (Xilinx/AMD XRT "axlf") -------------------------------------
// Offsets from XRT's published xclbin.h: magic[8], i32 signature length,
// 28 reserved, 256 key block, u64 unique id, then axlf_header (152 bytes:
// m_length at +0, m_numSections at +148), then 40-byte section headers
// {u32 kind, char name[16], u64 offset, u64 size} (offset at +24, size +32
// after the 4-byte padding the struct has).
constexpr std::size_t kAxlfHeaderOff = 304, kAxlfSectionsOff = 456, kAxlfSectionSize = 40;
constexpr std::uint32_t kAxlfMaxSections = 0x10000;

BinaryCheck check_xclbin(std::span<const std::uint8_t> bin) {
  const auto F = BinaryFormat::Xclbin;
  Reader r(bin);
  if (bin.size() < kAxlfSectionsOff) return fail(F, "xclbin: truncated header");
  std::uint64_t length = *r.at<std::uint64_t>(kAxlfHeaderOff);
  if (length != bin.size())
    return fail(F, "xclbin: header says " + std::to_string(length) + " bytes, got " +
                       std::to_string(bin.size()));
  std::uint32_t nsec = *r.at<std::uint32_t>(kAxlfHeaderOff + 148);
  if (nsec > kAxlfMaxSections)
    return fail(F, "xclbin: implausible section count " + std::to_string(nsec));
  if (!fits(kAxlfSectionsOff, std::uint64_t{nsec} * kAxlfSectionSize, bin.size()))
    return fail(F, "xclbin: section headers overrun the file");
  for (std::uint32_t i = 0; i < nsec; ++i) {
    std::size_t h = kAxlfSectionsOff + std::size_t{i} * kAxlfSectionSize;
    std::uint64_t off = *r.at<std::uint64_t>(h + 24), sz = *r.at<std::uint64_t>(h + 32);
    if (!fits(off, sz, bin.size()))
      return fail(F, "xclbin: section " + std::to_string(i) + " overruns the file");
  }
  return pass(F);
}

// ---- ELF (Intel FPGA .aocx and other vendor binaries) ----------------------
BinaryCheck check_elf(std::span<const std::uint8_t> bin) {
  const auto F = BinaryFormat::Elf;
  if (bin.size() < 52) return fail(F, "ELF: truncated header");
  const int cls = bin[4], data = bin[5];
  if ((cls != 1 && cls != 2) || (data != 1 && data != 2))
    return fail(F, "ELF: bad class or data encoding");
  const bool is64 = cls == 2;
  Reader r(bin, data == 2);
  const std::size_t ehsize = is64 ? 64 : 52;
  if (bin.size() < ehsize) return fail(F, "ELF: truncated header");
  std::uint64_t phoff, shoff;  // e_phoff, e_shoff
  if (is64) {
    phoff = *r.at<std::uint64_t>(32);
    shoff = *r.at<std::uint64_t>(40);
  } else {
    phoff = *r.at<std::uint32_t>(28);
    shoff = *r.at<std::uint32_t>(32);
  }
  const std::size_t p = is64 ? 54 : 42;  // e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx
  std::uint16_t phentsize = *r.at<std::uint16_t>(p), phnum = *r.at<std::uint16_t>(p + 2);
  std::uint16_t shentsize = *r.at<std::uint16_t>(p + 4), shnum = *r.at<std::uint16_t>(p + 6);
  std::uint16_t shstrndx = *r.at<std::uint16_t>(p + 8);
  const std::size_t want_sh = is64 ? 64 : 40, want_ph = is64 ? 56 : 32;
  if (phnum && (phentsize != want_ph || !fits(phoff, std::uint64_t{phnum} * phentsize, bin.size())))
    return fail(F, "ELF: program header table outside the file");
  if (shnum) {
    if (shentsize != want_sh || !fits(shoff, std::uint64_t{shnum} * shentsize, bin.size()))
      return fail(F, "ELF: section header table outside the file");
    if (shstrndx >= shnum) return fail(F, "ELF: bad section-name table index");
    for (std::uint16_t i = 0; i < shnum; ++i) {
      std::uint64_t h = shoff + std::uint64_t{i} * shentsize;
      std::uint32_t type = *r.at<std::uint32_t>(h + 4);
      std::uint64_t off = is64 ? *r.at<std::uint64_t>(h + 24) : *r.at<std::uint32_t>(h + 16);
      std::uint64_t sz = is64 ? *r.at<std::uint64_t>(h + 32) : *r.at<std::uint32_t>(h + 20);
      if (type != 8 /* SHT_NOBITS */ && type != 0 && !fits(off, sz, bin.size()))
        return fail(F, "ELF: section " + std::to_string(i) + " data outside the file (truncated?)");
    }
  }
  return pass(F);
}

// ---- LLVM bitcode / SPIR-V -------------------------------------------------
BinaryCheck check_bitcode(std::span<const std::uint8_t> bin) {
  const auto F = BinaryFormat::LlvmBitcode;
  Reader r(bin);
  if (*r.at<std::uint32_t>(0) == 0x0B17C0DEu) {  // bitcode wrapper header
    auto off = r.at<std::uint32_t>(8), sz = r.at<std::uint32_t>(12);
    if (!off || !sz || !fits(*off, *sz, bin.size()))
      return fail(F, "LLVM bitcode wrapper: payload outside the file");
    return pass(F);
  }
  if (bin.size() % 4 != 0) return fail(F, "LLVM bitcode: size is not a multiple of 4 (truncated?)");
  return pass(F);
}

BinaryCheck check_spirv(std::span<const std::uint8_t> bin) {
  const auto F = BinaryFormat::SpirV;
  if (bin.size() < 20 || bin.size() % 4 != 0)
    return fail(F, "SPIR-V: truncated or not word-aligned");
  return pass(F);
}

bool starts_with(std::span<const std::uint8_t> b, const char *magic, std::size_t n) {
  return b.size() >= n && std::memcmp(b.data(), magic, n) == 0;
}

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

}  // namespace

const char *binary_format_name(BinaryFormat f) {
  switch (f) {
    case BinaryFormat::PoclBin:
      return "poclbin";
    case BinaryFormat::Xclbin:
      return "xclbin2";
    case BinaryFormat::Elf:
      return "ELF";
    case BinaryFormat::LlvmBitcode:
      return "LLVM bitcode";
    case BinaryFormat::SpirV:
      return "SPIR-V";
    case BinaryFormat::Unknown:
      break;
  }
  return "unknown";
}

BinaryFormat detect_binary_format(std::span<const std::uint8_t> b) {
  if (starts_with(b, "poclbin", 8)) return BinaryFormat::PoclBin;  // includes the NUL
  if (starts_with(b, "xclbin2", 8)) return BinaryFormat::Xclbin;
  if (starts_with(b,
                  "\x7f"
                  "ELF",
                  4))
    return BinaryFormat::Elf;
  if (starts_with(b, "BC\xc0\xde", 4) || starts_with(b, "\xde\xc0\x17\x0b", 4))
    return BinaryFormat::LlvmBitcode;
  if (starts_with(b, "\x03\x02\x23\x07", 4)) return BinaryFormat::SpirV;
  return BinaryFormat::Unknown;
}

BinaryCheck validate_binary_structure(std::span<const std::uint8_t> bin) {
  if (bin.empty()) return fail(BinaryFormat::Unknown, "program binary is empty");
  if (bin.size() > kMaxProgramBinaryBytes)
    return fail(BinaryFormat::Unknown, "program binary is larger than " +
                                           std::to_string(kMaxProgramBinaryBytes) + " bytes");
  switch (detect_binary_format(bin)) {
    case BinaryFormat::PoclBin:
      return check_poclbin(bin);
    case BinaryFormat::Xclbin:
      return check_xclbin(bin);
    case BinaryFormat::Elf:
      return check_elf(bin);
    case BinaryFormat::LlvmBitcode:
      return check_bitcode(bin);
    case BinaryFormat::SpirV:
      return check_spirv(bin);
    case BinaryFormat::Unknown:
      break;
  }
  return fail(BinaryFormat::Unknown, "unrecognised program binary container");
}

BinaryCheck validate_program_binary(std::span<const std::uint8_t> bin, std::string_view platform,
                                    bool allow_unknown_format) {
  BinaryCheck c = validate_binary_structure(bin);
  const bool unknown =
      c.format == BinaryFormat::Unknown && !bin.empty() && bin.size() <= kMaxProgramBinaryBytes;
  if (!c.ok && !unknown) return c;

  auto expect = [&](std::initializer_list<BinaryFormat> ok, const char *who) -> BinaryCheck {
    if (unknown) return c;  // unrecognised bytes: never handed to a known driver
    for (BinaryFormat f : ok)
      if (c.format == f) return c;
    BinaryCheck r = fail(c.format, std::string("a ") + binary_format_name(c.format) +
                                       " binary cannot be loaded by " + who);
    r.foreign = true;
    return r;
  };
  if (contains(platform, "Portable Computing Language"))
    return expect({BinaryFormat::PoclBin, BinaryFormat::LlvmBitcode, BinaryFormat::SpirV}, "PoCL");
  if (contains(platform, "Xilinx") || contains(platform, "XRT"))
    return expect({BinaryFormat::Xclbin}, "Xilinx XRT");
  if (contains(platform, "Intel(R) FPGA"))
    return expect({BinaryFormat::Elf}, "Intel FPGA (expects .aocx ELF)");
  if (unknown) {
    if (allow_unknown_format) return {true, BinaryFormat::Unknown, {}};
    return c;
  }
  return c;
}

}  // namespace vaccel_ocl
