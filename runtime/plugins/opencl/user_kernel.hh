// Running a user's OpenCL kernel given as a vAccel resource
// (vaccel_exec_with_resource with the OpenCL plugin).
//
// Convention (documented in runtime/plugins/opencl/README.md):
//   resource  : one blob holding OpenCL C source (a name ending in ".cl", or
//               text without a binary container magic) or a device binary
//               (poclbin, xclbin, aocx/ELF, ... — validated before loading).
//   fn_symbol : "kernel" or "kernel@G0[xG1[xG2]]" giving the global range.
//               Without '@' the range is 1-D, the element count of write[0]
//               (element size from its arg type; 4 bytes for untyped args).
//   arguments : kernel arguments in order: read[0..], then write[0..].
//               read args of a scalar type (VACCEL_ARG_INT32, FLOAT32, ...)
//               are passed by value, all other read args as input buffers;
//               write args are buffers copied in, run, and copied back.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "cl_error.hh"

namespace vaccel_ocl {

struct KernelLaunch {
  std::string kernel;
  std::array<size_t, 3> global{1, 1, 1};
  unsigned dims = 0;  // 0: not given, derive from write[0]
};

// Parses fn_symbol. Throws OclError(EINVAL) on a malformed string.
KernelLaunch parse_kernel_symbol(std::string_view fn_symbol);

// True when the resource bytes are OpenCL C source rather than a binary.
bool looks_like_source(std::string_view blob_name, std::span<const std::uint8_t> bytes);

}  // namespace vaccel_ocl
