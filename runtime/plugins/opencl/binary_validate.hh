// Structural validation of OpenCL program binaries before they reach a driver.
//
// Why: OpenCL drivers trust the bytes given to clCreateProgramWithBinary. PoCL
// 3.1, for instance, reads the length-prefixed records of its "poclbin"
// container without bounds checks, so a TRUNCATED real binary makes it read
// past the buffer and crash the whole host process. vAccel binaries arrive as
// resources from guests, i.e. from untrusted parties, so the plugin checks
// them first and returns a clear error instead.
//
// What is checked (per recognised container):
//   all formats : 0 < size <= kMaxProgramBinaryBytes.
//   poclbin     : magic, a format version whose layout was verified here (v9,
//                 PoCL 3.x), header hash text, and a full walk of every
//                 length-prefixed record (program.bc, each kernel record and
//                 the files inside it); every length must stay inside its
//                 parent and the records must end exactly at the buffer end.
//                 This catches truncation, appended bytes and corrupted
//                 length fields.
//   xclbin2     : (Xilinx/AMD FPGA) header fits, m_length equals the size,
//                 section count bounded, every section header and section
//                 lies inside the file (overflow-checked).
//   ELF         : (Intel FPGA .aocx, vendor GPU binaries) ident, class, header
//                 sizes, section and program header tables inside the file,
//                 every section's data inside the file.
//   LLVM bitcode / SPIR-V : magic and word alignment; the bitcode wrapper's
//                 offset/size inside the file.
// What is NOT caught: damage to the payload inside a well-formed container
// (a bit flip in the LLVM bitcode, in a kernel .so or in an FPGA bitstream),
// and binaries built for another device. Those are left to the driver, which
// reports them (e.g. CL_INVALID_BINARY, or PoCL's device-id check) but may
// in the worst case still misbehave: run untrusted binaries in a sandboxed
// process if that matters.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace vaccel_ocl {

inline constexpr std::size_t kMaxProgramBinaryBytes = std::size_t{1}
                                                      << 30;  // 1 GiB (xclbins are large)

enum class BinaryFormat { Unknown, PoclBin, Xclbin, Elf, LlvmBitcode, SpirV };

const char *binary_format_name(BinaryFormat f);

// Identifies the container from its first bytes (no validation).
BinaryFormat detect_binary_format(std::span<const std::uint8_t> bin);

struct BinaryCheck {
  bool ok = false;
  BinaryFormat format = BinaryFormat::Unknown;
  std::string reason;    // empty when ok; otherwise says what is wrong and where
  bool foreign = false;  // a sound container of a kind this platform does not load
};

// Structural check of one container, whatever the device.
BinaryCheck validate_binary_structure(std::span<const std::uint8_t> bin);

// Full check for a given OpenCL platform (its CL_PLATFORM_NAME): the structure
// must be valid and the container must be one that platform loads. Known
// platforms: PoCL (poclbin, LLVM bitcode, SPIR-V), Xilinx/AMD XRT (xclbin2),
// Intel FPGA (ELF). Unknown platforms accept any recognised container, and
// unrecognised bytes only when allow_unknown_format is true (a vendor format
// this validator cannot check).
BinaryCheck validate_program_binary(std::span<const std::uint8_t> bin,
                                    std::string_view platform_name,
                                    bool allow_unknown_format = false);

}  // namespace vaccel_ocl
