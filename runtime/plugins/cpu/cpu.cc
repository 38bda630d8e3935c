// SPDX-License-Identifier: Apache-2.0
// The cpu plugin: real CPU implementations of sgemm (OpenBLAS), minmax and
// the four fpga ops. Arguments arrive validated by the runtime.
#include <vaccel.h>

#include <cmath>

#include "kernels.hh"

namespace {

int cpu_sgemm(vaccel_session *, long long m, long long n, long long k, float alpha, float *a,
              long long lda, float *b, long long ldb, float beta, float *c, long long ldc) {
  // cblas takes int dimensions
  constexpr long long lim = 0x7fffffff;
  if (m > lim || n > lim || k > lim || lda > lim || ldb > lim || ldc > lim) return VACCEL_ERANGE;
  vaccel_cpu::sgemm(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  return VACCEL_OK;
}

int cpu_minmax(vaccel_session *, const double *in, int n, int low, int high, double *out,
               double *mn, double *mx) {
  vaccel_cpu::minmax(in, n, low, high, out, mn, mx);
  return VACCEL_OK;
}

int cpu_arraycopy(vaccel_session *, int a[], int out[], size_t n) {
  vaccel_cpu::arraycopy(a, out, n);
  return VACCEL_OK;
}

int cpu_vadd(vaccel_session *, float a[], float b[], float c[], size_t na, size_t nb) {
  if (na != nb) return VACCEL_EINVAL;
  vaccel_cpu::vadd(a, b, c, na);
  return VACCEL_OK;
}

int cpu_parallel(vaccel_session *, float a[], float b[], float add[], float mult[], size_t n) {
  vaccel_cpu::parallel(a, b, add, mult, n);
  return VACCEL_OK;
}

int cpu_mmult(vaccel_session *, float a[], float b[], float c[], size_t len) {
  auto n = static_cast<size_t>(std::llround(std::sqrt(static_cast<double>(len))));
  if (n * n != len) return VACCEL_EINVAL;
  vaccel_cpu::mmult(a, b, c, n);
  return VACCEL_OK;
}

int cpu_init() {
  static vaccel_op ops[] = {
      VACCEL_OP_INIT(ops[0], VACCEL_OP_BLAS_SGEMM, cpu_sgemm),
      VACCEL_OP_INIT(ops[1], VACCEL_OP_MINMAX, cpu_minmax),
      VACCEL_OP_INIT(ops[2], VACCEL_OP_FPGA_ARRAYCOPY, cpu_arraycopy),
      VACCEL_OP_INIT(ops[3], VACCEL_OP_FPGA_VECTORADD, cpu_vadd),
      VACCEL_OP_INIT(ops[4], VACCEL_OP_FPGA_PARALLEL, cpu_parallel),
      VACCEL_OP_INIT(ops[5], VACCEL_OP_FPGA_MMULT, cpu_mmult),
  };
  return vaccel_plugin_register_ops(ops, sizeof(ops) / sizeof(ops[0]));
}

int cpu_fini() { return VACCEL_OK; }

}  // namespace

VACCEL_PLUGIN(.name = "cpu", .version = VACCEL_VERSION, .vaccel_version = VACCEL_VERSION,
              .init = cpu_init, .fini = cpu_fini, .type = VACCEL_PLUGIN_CPU)
