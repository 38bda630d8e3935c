// SPDX-License-Identifier: Apache-2.0
#include "encode.hpp"

#include <cstring>
#include <endian.h>

namespace vaccel_virtio {
namespace {

constexpr int64_t kMaxDim = int64_t{1} << 30;  // spec §11, SGEMM dimension
constexpr size_t kMaxName = 4096;             // spec §11, exec path/symbol

uint64_t ptr(const void *p)
{
	return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p));
}

uint32_t float_bits(float f)
{
	uint32_t u;
	std::memcpy(&u, &f, sizeof u);
	return htole32(u);
}

virtio_accel_ioc_arg make_arg(const void *buf, uint64_t len, uint32_t type,
			      uint32_t custom_type)
{
	virtio_accel_ioc_arg a{};
	// A NULL buffer is never handed to the driver: a zero-length region
	// has no bytes, so its address does not matter.
	a.buf = len ? ptr(buf) : 0;
	a.len = len;
	a.type = type;
	a.custom_type = custom_type;
	return a;
}

bool name_ok(const char *s)
{
	if (!s)
		return false;
	size_t n = strnlen(s, kMaxName + 1);
	return n >= 1 && n <= kMaxName;
}

void add_user_args(Request &r, const vaccel_arg *read, size_t nr_read,
		   vaccel_arg *write, size_t nr_write)
{
	for (size_t i = 0; i < nr_read; ++i)
		r.add_in(read[i].buf, read[i].size, read[i].type,
			 read[i].custom_type_id);
	for (size_t i = 0; i < nr_write; ++i)
		r.add_out(write[i].buf, write[i].size, write[i].type,
			  write[i].custom_type_id);
}

}  // namespace

void Request::add_in(const void *buf, uint64_t len, uint32_t type,
		 uint32_t custom_type)
{
	in.push_back(make_arg(buf, len, type, custom_type));
}

void Request::add_out(void *buf, uint64_t len, uint32_t type, uint32_t custom_type)
{
	out.push_back(make_arg(buf, len, type, custom_type));
}

bool matrix_bytes(int64_t rows, int64_t cols, int64_t ld, uint64_t *bytes)
{
	if (rows < 0 || cols < 0 || rows > kMaxDim || cols > kMaxDim)
		return false;
	if (ld < (cols > 1 ? cols : 1) || ld > kMaxDim)
		return false;
	if (rows == 0 || cols == 0) {
		*bytes = 0;
		return true;
	}
	// Each factor is below 2^30: the product fits in 64 bits.
	*bytes = static_cast<uint64_t>((rows - 1) * ld + cols) * sizeof(float);
	return true;
}

bool sgemm_c_has_gaps(int64_t m, int64_t n, int64_t ldc)
{
	return m > 1 && n > 0 && ldc > n;
}

int encode_sgemm(Request &r, int64_t m, int64_t n, int64_t k, float alpha,
		 const float *a, int64_t lda, const float *b, int64_t ldb,
		 float beta, float *c, int64_t ldc)
{
	uint64_t a_bytes, b_bytes, c_bytes;
	if (!matrix_bytes(m, k, lda, &a_bytes) ||
	    !matrix_bytes(k, n, ldb, &b_bytes) ||
	    !matrix_bytes(m, n, ldc, &c_bytes))
		return VACCEL_EINVAL;
	r.op = VIRTIO_ACCEL_OP_SGEMM;
	r.sgemm.m = htole64(static_cast<uint64_t>(m));
	r.sgemm.n = htole64(static_cast<uint64_t>(n));
	r.sgemm.k = htole64(static_cast<uint64_t>(k));
	r.sgemm.lda = htole64(static_cast<uint64_t>(lda));
	r.sgemm.ldb = htole64(static_cast<uint64_t>(ldb));
	r.sgemm.ldc = htole64(static_cast<uint64_t>(ldc));
	r.sgemm.alpha = float_bits(alpha);
	r.sgemm.beta = float_bits(beta);
	r.add_in(&r.sgemm, sizeof r.sgemm);
	r.add_in(a, a_bytes, VACCEL_ARG_FLOAT32_ARRAY);
	r.add_in(b, b_bytes, VACCEL_ARG_FLOAT32_ARRAY);
	const bool send_c = beta != 0.0f || sgemm_c_has_gaps(m, n, ldc);
	r.add_in(c, send_c ? c_bytes : 0, VACCEL_ARG_FLOAT32_ARRAY);
	r.add_out(c, c_bytes, VACCEL_ARG_FLOAT32_ARRAY);
	return VACCEL_OK;
}

int encode_minmax(Request &r, const double *indata, int ndata, int low, int high,
		  double *outdata, double minmax_out[2])
{
	if (ndata < 0)
		return VACCEL_EINVAL;
	const uint64_t bytes = static_cast<uint64_t>(ndata) * sizeof(double);
	r.op = VIRTIO_ACCEL_OP_MINMAX;
	r.minmax.ndata = htole32(static_cast<uint32_t>(ndata));
	r.minmax.low_threshold = htole32(static_cast<uint32_t>(low));
	r.minmax.high_threshold = htole32(static_cast<uint32_t>(high));
	r.minmax.reserved = 0;
	r.add_in(&r.minmax, sizeof r.minmax);
	r.add_in(indata, bytes, VACCEL_ARG_FLOAT64_ARRAY);
	r.add_out(outdata, bytes, VACCEL_ARG_FLOAT64_ARRAY);
	r.add_out(minmax_out, 2 * sizeof(double), VACCEL_ARG_FLOAT64_ARRAY);
	return VACCEL_OK;
}

int encode_exec(Request &r, const char *library, const char *symbol,
		const vaccel_arg *read, size_t nr_read, vaccel_arg *write,
		size_t nr_write)
{
	if (!name_ok(library) || !name_ok(symbol))
		return VACCEL_EINVAL;
	r.op = VIRTIO_ACCEL_OP_EXEC;
	r.add_in(library, std::strlen(library), VACCEL_ARG_STRING);
	r.add_in(symbol, std::strlen(symbol), VACCEL_ARG_STRING);
	add_user_args(r, read, nr_read, write, nr_write);
	return VACCEL_OK;
}

int encode_exec_with_resource(Request &r, uint64_t remote_resource,
			      const char *symbol, const vaccel_arg *read,
			      size_t nr_read, vaccel_arg *write,
			      size_t nr_write)
{
	if (!name_ok(symbol) || !remote_resource)
		return VACCEL_EINVAL;
	r.op = VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE;
	r.resource_id = remote_resource;
	r.add_in(symbol, std::strlen(symbol), VACCEL_ARG_STRING);
	add_user_args(r, read, nr_read, write, nr_write);
	return VACCEL_OK;
}

void encode_generic(Request &r, uint32_t op, const vaccel_arg *read,
		    size_t nr_read, vaccel_arg *write, size_t nr_write)
{
	r.op = op;
	add_user_args(r, read, nr_read, write, nr_write);
}

void encode_classify(Request &r, const void *img, size_t len_img,
		     unsigned char *out_text, size_t len_text,
		     unsigned char *out_imgname, size_t len_imgname)
{
	r.op = VIRTIO_ACCEL_OP_IMAGE_CLASSIFY;
	r.add_in(img, len_img, VACCEL_ARG_UINT8_ARRAY);
	r.add_out(out_text, len_text, VACCEL_ARG_UINT8_ARRAY);
	r.add_out(out_imgname, len_imgname, VACCEL_ARG_UINT8_ARRAY);
}

void encode_image(Request &r, uint32_t op, const void *img, size_t len_img,
		  unsigned char *out_imgname, size_t len_imgname)
{
	r.op = op;
	r.add_in(img, len_img, VACCEL_ARG_UINT8_ARRAY);
	r.add_out(out_imgname, len_imgname, VACCEL_ARG_UINT8_ARRAY);
}

void encode_fpga_arraycopy(Request &r, const int *a, int *out, size_t len)
{
	r.op = VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY;
	r.add_in(a, len * sizeof(int), VACCEL_ARG_INT32_ARRAY);
	r.add_out(out, len * sizeof(int), VACCEL_ARG_INT32_ARRAY);
}

void encode_fpga_mmult(Request &r, const float *a, const float *b, float *c,
		       size_t len)
{
	r.op = VIRTIO_ACCEL_OP_FPGA_MMULT;
	r.add_in(a, len * sizeof(float), VACCEL_ARG_FLOAT32_ARRAY);
	r.add_in(b, len * sizeof(float), VACCEL_ARG_FLOAT32_ARRAY);
	r.add_out(c, len * sizeof(float), VACCEL_ARG_FLOAT32_ARRAY);
}

void encode_fpga_parallel(Request &r, const float *a, const float *b,
			  float *add_out, float *mult_out, size_t len)
{
	r.op = VIRTIO_ACCEL_OP_FPGA_PARALLEL;
	r.add_in(a, len * sizeof(float), VACCEL_ARG_FLOAT32_ARRAY);
	r.add_in(b, len * sizeof(float), VACCEL_ARG_FLOAT32_ARRAY);
	r.add_out(add_out, len * sizeof(float), VACCEL_ARG_FLOAT32_ARRAY);
	r.add_out(mult_out, len * sizeof(float), VACCEL_ARG_FLOAT32_ARRAY);
}

void encode_fpga_vadd(Request &r, const float *a, const float *b, float *c,
		      size_t len_a, size_t len_b)
{
	r.op = VIRTIO_ACCEL_OP_FPGA_VECTORADD;
	r.add_in(a, len_a * sizeof(float), VACCEL_ARG_FLOAT32_ARRAY);
	r.add_in(b, len_b * sizeof(float), VACCEL_ARG_FLOAT32_ARRAY);
	r.add_out(c, len_a * sizeof(float), VACCEL_ARG_FLOAT32_ARRAY);
}

void encode_model_op(Request &r, uint32_t op, uint64_t remote_resource)
{
	r.op = op;
	r.resource_id = remote_resource;
}

uint32_t wire_resource_type(vaccel_resource_type_t type)
{
	switch (type) {
	case VACCEL_RESOURCE_LIB: return VIRTIO_ACCEL_RES_LIB;
	case VACCEL_RESOURCE_DATA: return VIRTIO_ACCEL_RES_DATA;
	case VACCEL_RESOURCE_MODEL: return VIRTIO_ACCEL_RES_MODEL;
	default: return 0;
	}
}

bool valid_blob_name(const char *name)
{
	if (!name)
		return false;
	size_t n = strnlen(name, VIRTIO_ACCEL_MAX_NAME + 1);
	if (n == 0 || n > VIRTIO_ACCEL_MAX_NAME)
		return false;
	if (!std::strcmp(name, ".") || !std::strcmp(name, ".."))
		return false;
	for (size_t i = 0; i < n; ++i) {
		const char ch = name[i];
		const bool ok = (ch >= 'a' && ch <= 'z') ||
				(ch >= 'A' && ch <= 'Z') ||
				(ch >= '0' && ch <= '9') || ch == '.' ||
				ch == '_' || ch == '-';
		if (!ok)
			return false;
	}
	return true;
}

}  // namespace vaccel_virtio
