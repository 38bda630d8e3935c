// Which OpenCL device the plugin uses, chosen from the environment:
//   VACCEL_OPENCL_DEVICE_TYPE  gpu | accelerator | cpu | all   (default: all,
//                              i.e. the first device of any type)
//   VACCEL_OPENCL_PLATFORM     platform index (default: the first platform
//                              that has a device of the requested type)
//   VACCEL_OPENCL_DEVICE       index among that platform's devices of the
//                              requested type (default 0)
// FPGAs appear as CL_DEVICE_TYPE_ACCELERATOR.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "cl_error.hh"

namespace vaccel_ocl {

struct DeviceSpec {
  cl_device_type type = CL_DEVICE_TYPE_ALL;
  std::optional<unsigned> platform;  // unset: search all platforms
  unsigned device = 0;
};

// Parses the variables through `getenv_fn` (injectable for tests). Throws
// OclError(EINVAL) naming the variable on a malformed value.
DeviceSpec parse_device_spec(const std::function<const char *(const char *)> &getenv_fn);

struct SelectedDevice {
  cl_platform_id platform = nullptr;
  cl_device_id device = nullptr;
  std::string platform_name;
  std::string device_name;
};

// Finds the device. Throws OclError(ENODEV) with a message that lists what
// was asked for and what exists when there is no such device.
SelectedDevice select_device(const DeviceSpec &spec);

std::string device_type_name(cl_device_type t);

}  // namespace vaccel_ocl
