// SPDX-License-Identifier: Apache-2.0
#include "kernels.hpp"

#include <algorithm>
#include <cblas.h>

namespace vaccel_cpu {

void sgemm(long long m, long long n, long long k, float alpha, const float *a,
	   long long lda, const float *b, long long ldb, float beta, float *c,
	   long long ldc)
{
	if (m == 0 || n == 0)
		return;
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans,
		    static_cast<blasint>(m), static_cast<blasint>(n),
		    static_cast<blasint>(k), alpha, a, static_cast<blasint>(lda),
		    b, static_cast<blasint>(ldb), beta, c,
		    static_cast<blasint>(ldc));
}

void minmax(const double *in, int n, int low, int high, double *out,
	    double *mn, double *mx)
{
	double lo = in[0], hi = in[0];
	for (int i = 0; i < n; ++i) {
		lo = std::min(lo, in[i]);
		hi = std::max(hi, in[i]);
		out[i] = std::clamp(in[i], static_cast<double>(low),
				    static_cast<double>(high));
	}
	*mn = lo;
	*mx = hi;
}

void arraycopy(const int *a, int *out, size_t n)
{
	std::copy(a, a + n, out);
}

void vadd(const float *a, const float *b, float *c, size_t n)
{
	for (size_t i = 0; i < n; ++i)
		c[i] = a[i] + b[i];
}

void parallel(const float *a, const float *b, float *add, float *mult,
	      size_t n)
{
	for (size_t i = 0; i < n; ++i) {
		const float x = a[i], y = b[i]; // outputs may alias inputs
		add[i] = x + y;
		mult[i] = x * y;
	}
}

void mmult(const float *a, const float *b, float *c, size_t n)
{
	for (size_t i = 0; i < n; ++i)
		for (size_t j = 0; j < n; ++j) {
			double acc = 0.0;
			for (size_t p = 0; p < n; ++p)
				acc += static_cast<double>(a[i * n + p]) *
				       static_cast<double>(b[p * n + j]);
			c[i * n + j] = static_cast<float>(acc);
		}
}

} // namespace vaccel_cpu
