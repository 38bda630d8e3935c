// One OpenCL device opened for the plugin: context, in-order queue, a cache
// of built programs and their kernels, and a pool of device buffers.
//
// Why caches: building a program costs from ~100 ms (PoCL, from source) to
// seconds (FPGA bitstream load); allocating device buffers per call dominates
// small operations. Programs are keyed by their full bytes plus build options
// (compared byte for byte, so one guest cannot make another's program run by
// forging a hash collision). Buffers are recycled by size class.
//
// Thread safety: OpenCL kernels carry argument state, so every operation that
// uses the runtime holds lock() from setting arguments to reading results.
#pragma once

#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cl_device_select.hh"

namespace vaccel_ocl {

class ClRuntime;

// A device buffer borrowed from the pool; returned to it when destroyed.
class PooledBuffer {
 public:
  PooledBuffer() = default;
  PooledBuffer(ClRuntime *rt, cl_mem mem, size_t capacity)
      : rt_(rt), mem_(mem), capacity_(capacity) {}
  PooledBuffer(PooledBuffer &&o) noexcept { *this = std::move(o); }
  PooledBuffer &operator=(PooledBuffer &&o) noexcept;
  PooledBuffer(const PooledBuffer &) = delete;
  PooledBuffer &operator=(const PooledBuffer &) = delete;
  ~PooledBuffer();

  cl_mem get() const { return mem_; }
  const cl_mem *ptr() const { return &mem_; }
  size_t capacity() const { return capacity_; }

 private:
  ClRuntime *rt_ = nullptr;
  cl_mem mem_ = nullptr;
  size_t capacity_ = 0;
};

struct ClRuntimeStats {
  unsigned programs_built = 0;  // clBuildProgram calls (cache misses)
  unsigned source_builds = 0;   // ... of which from source
  unsigned binary_loads = 0;    // ... of which from a device binary
  unsigned program_cache_hits = 0;
  unsigned buffers_allocated = 0;  // clCreateBuffer calls
  unsigned buffer_pool_hits = 0;
};

class ClRuntime {
 public:
  // Opens the device chosen by `spec`. Throws OclError (ENODEV when absent).
  explicit ClRuntime(const DeviceSpec &spec);
  ~ClRuntime();
  ClRuntime(const ClRuntime &) = delete;
  ClRuntime &operator=(const ClRuntime &) = delete;

  const SelectedDevice &device() const { return dev_; }
  cl_context context() const { return ctx_; }
  cl_command_queue queue() const { return queue_; }
  std::mutex &lock() { return mu_; }
  bool has_fp64() const { return fp64_; }
  size_t max_alloc() const { return max_alloc_; }

  // Built program for OpenCL C source (cached). Build failures throw
  // OclError(ELIBBAD) with the build log in the message.
  cl_program program_from_source(std::string_view source, std::string_view options = {});
  // Built program from a device binary (cached). The binary is validated
  // (binary_validate.hh) before the driver sees it; rejects throw
  // OclError(ELIBBAD) saying why.
  cl_program program_from_binary(std::span<const std::uint8_t> binary,
                                 std::string_view options = {});
  // Kernel `name` of a program returned above (cached; owned by the runtime).
  cl_kernel kernel(cl_program program, const std::string &name);
  // The device binary of a built program (CL_PROGRAM_BINARIES), e.g. to save
  // an offline-compiled program.
  std::vector<std::uint8_t> program_binary(cl_program program);

  // A buffer of at least `bytes` (>= 1) bytes, CL_MEM_READ_WRITE.
  PooledBuffer buffer(size_t bytes);

  ClRuntimeStats stats() const { return stats_; }

 private:
  friend class PooledBuffer;
  void give_back(cl_mem mem, size_t capacity);
  cl_program cached_program(char kind, std::span<const std::uint8_t> bytes,
                            std::string_view options);
  void build(cl_program p, std::string_view options, const char *what);

  struct ProgramEntry {
    std::string key;  // kind + options + '\0' + bytes
    cl_program program;
    std::map<std::string, cl_kernel> kernels;
  };

  SelectedDevice dev_;
  cl_context ctx_ = nullptr;
  cl_command_queue queue_ = nullptr;
  bool fp64_ = false;
  size_t max_alloc_ = 0;
  std::mutex mu_;
  std::mutex cache_mu_;                 // guards programs_ and the pool
  std::list<ProgramEntry> programs_;    // most recently used first
  std::multimap<size_t, cl_mem> free_;  // capacity -> idle buffer
  size_t free_bytes_ = 0;
  ClRuntimeStats stats_;

  static constexpr size_t kMaxPrograms = 32;
  static constexpr size_t kMaxPooledBytes = size_t{256} << 20;
};

}  // namespace vaccel_ocl
