#include "cl_runtime.hh"

#include <bit>
#include <cerrno>
#include <cstring>

#include "binary_validate.hh"

namespace vaccel_ocl {
namespace {

std::string build_log(cl_program p, cl_device_id d) {
  size_t n = 0;
  if (clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, 0, nullptr, &n) != CL_SUCCESS || n == 0)
    return {};
  std::string log(n, '\0');
  clGetProgramBuildInfo(p, d, CL_PROGRAM_BUILD_LOG, n, log.data(), nullptr);
  log.resize(std::strlen(log.c_str()));
  constexpr size_t kMaxLog = 4096;  // keep error messages bounded
  if (log.size() > kMaxLog) log = log.substr(0, kMaxLog) + "...";
  return log;
}

// Size class of a pooled buffer: powers of two from 256 bytes.
size_t size_class(size_t bytes) { return std::bit_ceil(std::max<size_t>(bytes, 256)); }

}  // namespace

PooledBuffer &PooledBuffer::operator=(PooledBuffer &&o) noexcept {
  if (this != &o) {
    if (rt_ && mem_) rt_->give_back(mem_, capacity_);
    rt_ = o.rt_;
    mem_ = o.mem_;
    capacity_ = o.capacity_;
    o.rt_ = nullptr;
    o.mem_ = nullptr;
  }
  return *this;
}

PooledBuffer::~PooledBuffer() {
  if (rt_ && mem_) rt_->give_back(mem_, capacity_);
}

ClRuntime::ClRuntime(const DeviceSpec &spec) : dev_(select_device(spec)) {
  cl_int err = CL_SUCCESS;
  cl_context_properties props[] = {CL_CONTEXT_PLATFORM,
                                   reinterpret_cast<cl_context_properties>(dev_.platform), 0};
  ctx_ = clCreateContext(props, 1, &dev_.device, nullptr, nullptr, &err);
  cl_check(err, "clCreateContext");
  queue_ = clCreateCommandQueue(ctx_, dev_.device, 0, &err);
  if (err != CL_SUCCESS) {
    clReleaseContext(ctx_);
    cl_check(err, "clCreateCommandQueue");
  }
  cl_device_fp_config fp = 0;
  fp64_ = clGetDeviceInfo(dev_.device, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp, &fp, nullptr) ==
              CL_SUCCESS &&
          fp != 0;
  cl_ulong max_alloc = 0;
  clGetDeviceInfo(dev_.device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, nullptr);
  max_alloc_ = static_cast<size_t>(max_alloc);
}

ClRuntime::~ClRuntime() {
  if (queue_) clFinish(queue_);
  for (auto &e : programs_) {
    for (auto &[n, k] : e.kernels) clReleaseKernel(k);
    clReleaseProgram(e.program);
  }
  for (auto &[c, m] : free_) clReleaseMemObject(m);
  if (queue_) clReleaseCommandQueue(queue_);
  if (ctx_) clReleaseContext(ctx_);
}

void ClRuntime::build(cl_program p, std::string_view options, const char *what) {
  std::string opts(options);
  cl_int err = clBuildProgram(p, 1, &dev_.device, opts.c_str(), nullptr, nullptr);
  if (err != CL_SUCCESS) {
    std::string msg = cl_error_message(err, what);
    std::string log = build_log(p, dev_.device);
    if (!log.empty()) msg += ": " + log;
    clReleaseProgram(p);
    throw OclError(cl_error_to_errno(err), msg);
  }
}

cl_program ClRuntime::cached_program(char kind, std::span<const std::uint8_t> bytes,
                                     std::string_view options) {
  std::string key;
  key.reserve(2 + options.size() + bytes.size());
  key.push_back(kind);
  key.append(options);
  key.push_back('\0');
  key.append(reinterpret_cast<const char *>(bytes.data()), bytes.size());

  std::lock_guard g(cache_mu_);
  for (auto it = programs_.begin(); it != programs_.end(); ++it) {
    if (it->key == key) {
      programs_.splice(programs_.begin(), programs_, it);
      ++stats_.program_cache_hits;
      return it->program;
    }
  }
  cl_int err = CL_SUCCESS;
  cl_program p = nullptr;
  if (kind == 's') {
    const char *src = reinterpret_cast<const char *>(bytes.data());
    size_t len = bytes.size();
    p = clCreateProgramWithSource(ctx_, 1, &src, &len, &err);
    cl_check(err, "clCreateProgramWithSource");
    build(p, options, "clBuildProgram");
    ++stats_.source_builds;
  } else {
    const unsigned char *bin = bytes.data();
    size_t len = bytes.size();
    cl_int status = CL_SUCCESS;
    p = clCreateProgramWithBinary(ctx_, 1, &dev_.device, &len, &bin, &status, &err);
    if (err == CL_SUCCESS && status != CL_SUCCESS) err = status;
    if (err != CL_SUCCESS) {
      if (p) clReleaseProgram(p);
      cl_check(err, "clCreateProgramWithBinary");
    }
    build(p, options, "clBuildProgram (binary)");
    ++stats_.binary_loads;
  }
  ++stats_.programs_built;
  programs_.push_front({std::move(key), p, {}});
  if (programs_.size() > kMaxPrograms) {
    auto &old = programs_.back();
    for (auto &[n, k] : old.kernels) clReleaseKernel(k);
    clReleaseProgram(old.program);
    programs_.pop_back();
  }
  return p;
}

cl_program ClRuntime::program_from_source(std::string_view source, std::string_view options) {
  if (source.empty()) throw OclError(EINVAL, "empty OpenCL program source");
  return cached_program('s', {reinterpret_cast<const std::uint8_t *>(source.data()), source.size()},
                        options);
}

cl_program ClRuntime::program_from_binary(std::span<const std::uint8_t> binary,
                                          std::string_view options) {
  BinaryCheck c = validate_program_binary(binary, dev_.platform_name);
  if (!c.ok)
    throw OclError(ELIBBAD, "program binary rejected before reaching the driver: " + c.reason);
  return cached_program('b', binary, options);
}

cl_kernel ClRuntime::kernel(cl_program program, const std::string &name) {
  std::lock_guard g(cache_mu_);
  for (auto &e : programs_) {
    if (e.program != program) continue;
    if (auto it = e.kernels.find(name); it != e.kernels.end()) return it->second;
    cl_int err = CL_SUCCESS;
    cl_kernel k = clCreateKernel(program, name.c_str(), &err);
    if (err != CL_SUCCESS)
      throw OclError(cl_error_to_errno(err),
                     cl_error_message(err, "clCreateKernel") + ": '" + name + "'");
    e.kernels.emplace(name, k);
    return k;
  }
  throw OclError(EINVAL, "kernel(): program is not owned by this runtime (evicted?)");
}

std::vector<std::uint8_t> ClRuntime::program_binary(cl_program program) {
  size_t size = 0;
  cl_check(clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, nullptr),
           "clGetProgramInfo(BINARY_SIZES)");
  std::vector<std::uint8_t> out(size);
  unsigned char *p = out.data();
  cl_check(clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof p, &p, nullptr),
           "clGetProgramInfo(BINARIES)");
  return out;
}

PooledBuffer ClRuntime::buffer(size_t bytes) {
  const size_t cls = size_class(bytes);
  {
    std::lock_guard g(cache_mu_);
    if (auto it = free_.find(cls); it != free_.end()) {
      cl_mem m = it->second;
      free_.erase(it);
      free_bytes_ -= cls;
      ++stats_.buffer_pool_hits;
      return PooledBuffer(this, m, cls);
    }
  }
  // When the power-of-two class exceeds the device's allocation limit,
  // allocate exactly; such a buffer is freed, not pooled, when given back.
  const size_t alloc = (max_alloc_ && cls > max_alloc_) ? bytes : cls;
  cl_int err = CL_SUCCESS;
  cl_mem m = clCreateBuffer(ctx_, CL_MEM_READ_WRITE, alloc, nullptr, &err);
  cl_check(err, "clCreateBuffer");
  std::lock_guard g(cache_mu_);
  ++stats_.buffers_allocated;
  return PooledBuffer(this, m, alloc);
}

void ClRuntime::give_back(cl_mem mem, size_t capacity) {
  std::lock_guard g(cache_mu_);
  if (capacity != size_class(capacity) || free_bytes_ + capacity > kMaxPooledBytes) {
    clReleaseMemObject(mem);
    return;
  }
  free_.emplace(capacity, mem);
  free_bytes_ += capacity;
}

}  // namespace vaccel_ocl
