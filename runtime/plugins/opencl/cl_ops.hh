// The operations of the OpenCL plugin, on plain pointers (no vAccel types),
// so that they can be unit-tested against a reference directly. Semantics
// follow runtime/API.md (row-major SGEMM; minmax clamps and reduces; the four
// "FPGA" ops). Every method throws OclError on failure and leaves outputs
// untouched when it rejects arguments.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "cl_runtime.hh"

namespace vaccel_ocl {

// One argument of a user kernel.
struct KernelArg {
  enum class Kind {
    Scalar,  // passed by value: `in` points at `size` bytes
    In,      // __global buffer, copied to the device
    Out,     // __global buffer, copied to the device, run, copied back into `out`
  };
  Kind kind = Kind::In;
  const void *in = nullptr;
  void *out = nullptr;
  size_t size = 0;
};

class ClOps {
 public:
  // `builtin_binary`: when non-empty, the built-in kernels (cl_kernels.cl)
  // come from this device binary (the FPGA flow: compiled offline) instead of
  // being compiled from the embedded source.
  explicit ClOps(ClRuntime &rt, std::vector<std::uint8_t> builtin_binary = {});

  // C = alpha*A*B + beta*C, row-major, lda >= k, ldb >= n, ldc >= n.
  void sgemm(std::int64_t m, std::int64_t n, std::int64_t k, float alpha, const float *a,
             std::int64_t lda, const float *b, std::int64_t ldb, float beta, float *c,
             std::int64_t ldc);
  // out[i] = min(max(in[i], lo), hi); *mn / *mx = smallest / largest of in
  // (n >= 1 and lo <= hi, else EINVAL; ENOTSUP without fp64 on the device).
  void minmax(const double *in, size_t n, double lo, double hi, double *out, double *mn,
              double *mx);
  void arraycopy(const int *a, int *out, size_t n);
  // n x n with n*n == len (EINVAL otherwise).
  void mmult(const float *a, const float *b, float *c, size_t len);
  void parallel(const float *a, const float *b, float *add_out, float *mult_out, size_t n);
  void vadd(const float *a, const float *b, float *c, size_t len_a, size_t len_b);

  // Runs kernel `name` of a user program (OpenCL C source, or a device
  // binary that is validated first) over a global range of `dims` (1..3)
  // dimensions; arguments in kernel order. Programs are cached.
  struct Program {
    bool is_source = true;
    std::span<const std::uint8_t> bytes;
    std::string options;
  };
  void run_kernel(const Program &program, const std::string &name, std::span<const KernelArg> args,
                  std::array<size_t, 3> global, unsigned dims);

  // The built-in program (built or loaded on first use). Like every use of
  // a cached program, call it with the runtime's lock() held: the cache may
  // evict programs only while that lock is held by their user.
  cl_program builtin_program();
  // Build options used for the built-in program on this device.
  std::string builtin_options() const;

 private:
  cl_kernel builtin(const char *name);
  void gemm(const char *kernel, std::int64_t m, std::int64_t n, std::int64_t k, float alpha,
            const float *a, std::int64_t lda, const float *b, std::int64_t ldb, float beta,
            float *c, std::int64_t ldc);
  void elementwise(const char *kernel, std::span<const float *const> in,
                   std::span<float *const> out, size_t n);

  ClRuntime &rt_;
  std::vector<std::uint8_t> builtin_binary_;
  unsigned tile_;
};

// The OpenCL C source of the built-in kernels (cl_kernels.cl).
extern const char *const kBuiltinKernelSource;

}  // namespace vaccel_ocl
