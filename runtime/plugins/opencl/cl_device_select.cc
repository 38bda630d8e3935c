#include "cl_device_select.hh"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

namespace vaccel_ocl {
namespace {

unsigned parse_index(const char *var, const char *v) {
  unsigned out = 0;
  const char *end = v + std::strlen(v);
  auto [p, ec] = std::from_chars(v, end, out);
  if (ec != std::errc() || p != end || p == v)
    throw OclError(EINVAL, std::string(var) + "='" + v + "' is not a non-negative integer");
  return out;
}

std::string platform_info(cl_platform_id p, cl_platform_info what) {
  size_t n = 0;
  if (clGetPlatformInfo(p, what, 0, nullptr, &n) != CL_SUCCESS || n == 0) return {};
  std::string s(n, '\0');
  clGetPlatformInfo(p, what, n, s.data(), nullptr);
  s.resize(std::strlen(s.c_str()));
  return s;
}

std::string device_name(cl_device_id d) {
  size_t n = 0;
  if (clGetDeviceInfo(d, CL_DEVICE_NAME, 0, nullptr, &n) != CL_SUCCESS || n == 0) return {};
  std::string s(n, '\0');
  clGetDeviceInfo(d, CL_DEVICE_NAME, n, s.data(), nullptr);
  s.resize(std::strlen(s.c_str()));
  return s;
}

std::vector<cl_device_id> devices_of(cl_platform_id p, cl_device_type t) {
  cl_uint n = 0;
  cl_int err = clGetDeviceIDs(p, t, 0, nullptr, &n);
  if (err == CL_DEVICE_NOT_FOUND || n == 0) return {};
  cl_check(err, "clGetDeviceIDs");
  std::vector<cl_device_id> v(n);
  cl_check(clGetDeviceIDs(p, t, n, v.data(), nullptr), "clGetDeviceIDs");
  return v;
}

}  // namespace

std::string device_type_name(cl_device_type t) {
  if (t == CL_DEVICE_TYPE_ALL) return "all";
  if (t == CL_DEVICE_TYPE_GPU) return "gpu";
  if (t == CL_DEVICE_TYPE_ACCELERATOR) return "accelerator";
  if (t == CL_DEVICE_TYPE_CPU) return "cpu";
  return "type " + std::to_string(t);
}

DeviceSpec parse_device_spec(const std::function<const char *(const char *)> &getenv_fn) {
  DeviceSpec s;
  if (const char *t = getenv_fn("VACCEL_OPENCL_DEVICE_TYPE"); t && *t) {
    std::string v(t);
    for (char &c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "gpu")
      s.type = CL_DEVICE_TYPE_GPU;
    else if (v == "accelerator" || v == "fpga")
      s.type = CL_DEVICE_TYPE_ACCELERATOR;
    else if (v == "cpu")
      s.type = CL_DEVICE_TYPE_CPU;
    else if (v == "all" || v == "default")
      s.type = CL_DEVICE_TYPE_ALL;
    else
      throw OclError(EINVAL, "VACCEL_OPENCL_DEVICE_TYPE='" + std::string(t) +
                                 "': expected gpu, accelerator, cpu or all");
  }
  if (const char *p = getenv_fn("VACCEL_OPENCL_PLATFORM"); p && *p)
    s.platform = parse_index("VACCEL_OPENCL_PLATFORM", p);
  if (const char *d = getenv_fn("VACCEL_OPENCL_DEVICE"); d && *d)
    s.device = parse_index("VACCEL_OPENCL_DEVICE", d);
  return s;
}

SelectedDevice select_device(const DeviceSpec &spec) {
  cl_uint np = 0;
  cl_int err = clGetPlatformIDs(0, nullptr, &np);
  // The ICD loader reports "no platforms" as CL_PLATFORM_NOT_FOUND_KHR (-1001).
  if (err != CL_SUCCESS || np == 0)
    throw OclError(ENODEV, "no OpenCL platform installed (clGetPlatformIDs: " +
                               cl_error_message(err, "status") + ")");
  std::vector<cl_platform_id> plats(np);
  cl_check(clGetPlatformIDs(np, plats.data(), nullptr), "clGetPlatformIDs");

  const std::string want = device_type_name(spec.type) + " device #" + std::to_string(spec.device);
  if (spec.platform && *spec.platform >= np)
    throw OclError(ENODEV, "VACCEL_OPENCL_PLATFORM=" + std::to_string(*spec.platform) +
                               " but only " + std::to_string(np) + " platform(s) exist");

  std::string seen;
  for (cl_uint i = 0; i < np; ++i) {
    if (spec.platform && i != *spec.platform) continue;
    auto devs = devices_of(plats[i], spec.type);
    std::string pname = platform_info(plats[i], CL_PLATFORM_NAME);
    seen += (seen.empty() ? "" : "; ") +
            ("platform " + std::to_string(i) + " '" + pname + "': " + std::to_string(devs.size()) +
             " " + device_type_name(spec.type) + " device(s)");
    if (spec.device < devs.size())
      return {plats[i], devs[spec.device], pname, device_name(devs[spec.device])};
  }
  throw OclError(ENODEV, "no OpenCL " + want + " (" + seen + ")");
}

}  // namespace vaccel_ocl
