// SPDX-License-Identifier: Apache-2.0
#include "encode.hh"

#include <cstring>

namespace vaccel_virtio {
namespace {

// The protocol library tags regions with vAccel's argument types without
// including vAccel; check its numbers against the real enum here.
static_assert(VA_ARG_RAW == VACCEL_ARG_RAW);
static_assert(VA_ARG_INT32_ARRAY == VACCEL_ARG_INT32_ARRAY);
static_assert(VA_ARG_UINT8_ARRAY == VACCEL_ARG_UINT8_ARRAY);
static_assert(VA_ARG_FLOAT32_ARRAY == VACCEL_ARG_FLOAT32_ARRAY);
static_assert(VA_ARG_FLOAT64_ARRAY == VACCEL_ARG_FLOAT64_ARRAY);
static_assert(VA_ARG_STRING == VACCEL_ARG_STRING);

void add_user_args(Request &r, const vaccel_arg *read, size_t nr_read, vaccel_arg *write,
                   size_t nr_write) {
  for (size_t i = 0; i < nr_read; ++i)
    r.add_in(read[i].buf, read[i].size, read[i].type, read[i].custom_type_id);
  for (size_t i = 0; i < nr_write; ++i)
    r.add_out(write[i].buf, write[i].size, write[i].type, write[i].custom_type_id);
}

}  // namespace

void Request::add_in(const void *buf, uint64_t len, uint32_t type, uint32_t custom_type) {
  encode(1, 0, [&](va_run *run) { return va_run_add_in(run, buf, len, type, custom_type); });
}

void Request::add_out(void *buf, uint64_t len, uint32_t type, uint32_t custom_type) {
  encode(0, 1, [&](va_run *run) { return va_run_add_out(run, buf, len, type, custom_type); });
}

int encode_sgemm(Request &r, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                 int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
  return r.encode(4, 1, [&](va_run *run) {
    return va_encode_sgemm(run, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  });
}

int encode_minmax(Request &r, const double *indata, int ndata, int low, int high, double *outdata,
                  double minmax_out[2]) {
  return r.encode(2, 2, [&](va_run *run) {
    return va_encode_minmax(run, indata, ndata, low, high, outdata, minmax_out);
  });
}

int encode_exec(Request &r, const char *library, const char *symbol, const vaccel_arg *read,
                size_t nr_read, vaccel_arg *write, size_t nr_write) {
  if (int ret = r.encode(2, 0, [&](va_run *run) { return va_encode_exec(run, library, symbol); }))
    return ret;
  add_user_args(r, read, nr_read, write, nr_write);
  return VACCEL_OK;
}

int encode_exec_with_resource(Request &r, uint64_t remote_resource, const char *symbol,
                              const vaccel_arg *read, size_t nr_read, vaccel_arg *write,
                              size_t nr_write) {
  if (int ret = r.encode(1, 0, [&](va_run *run) {
        return va_encode_exec_with_resource(run, remote_resource, symbol);
      }))
    return ret;
  add_user_args(r, read, nr_read, write, nr_write);
  return VACCEL_OK;
}

void encode_generic(Request &r, uint32_t op, const vaccel_arg *read, size_t nr_read,
                    vaccel_arg *write, size_t nr_write) {
  r.encode(0, 0, [&](va_run *run) { return va_encode_generic(run, op); });
  add_user_args(r, read, nr_read, write, nr_write);
}

void encode_classify(Request &r, const void *img, size_t len_img, unsigned char *out_text,
                     size_t len_text, unsigned char *out_imgname, size_t len_imgname) {
  r.encode(1, 2, [&](va_run *run) {
    return va_encode_classify(run, img, len_img, out_text, len_text, out_imgname, len_imgname);
  });
}

void encode_image(Request &r, uint32_t op, const void *img, size_t len_img,
                  unsigned char *out_imgname, size_t len_imgname) {
  r.encode(1, 1, [&](va_run *run) {
    return va_encode_image(run, op, img, len_img, out_imgname, len_imgname);
  });
}

void encode_fpga_arraycopy(Request &r, const int *a, int *out, size_t len) {
  r.encode(1, 1, [&](va_run *run) { return va_encode_fpga_arraycopy(run, a, out, len); });
}

void encode_fpga_mmult(Request &r, const float *a, const float *b, float *c, size_t len) {
  r.encode(2, 1, [&](va_run *run) { return va_encode_fpga_mmult(run, a, b, c, len); });
}

void encode_fpga_parallel(Request &r, const float *a, const float *b, float *add_out,
                          float *mult_out, size_t len) {
  r.encode(2, 2,
           [&](va_run *run) { return va_encode_fpga_parallel(run, a, b, add_out, mult_out, len); });
}

void encode_fpga_vadd(Request &r, const float *a, const float *b, float *c, size_t len_a,
                      size_t len_b) {
  r.encode(2, 1, [&](va_run *run) { return va_encode_fpga_vadd(run, a, b, c, len_a, len_b); });
}

void encode_model_op(Request &r, uint32_t op, uint64_t remote_resource) {
  r.encode(0, 0, [&](va_run *run) { return va_encode_model_op(run, op, remote_resource); });
}

uint32_t wire_resource_type(vaccel_resource_type_t type) {
  static_assert(VACCEL_RESOURCE_LIB == 0 && VACCEL_RESOURCE_DATA == 1 &&
                VACCEL_RESOURCE_MODEL == 2);
  return va_wire_resource_type(type);
}

bool valid_blob_name(const char *name) { return va_blob_name_valid_str(name) != 0; }

}  // namespace vaccel_virtio
