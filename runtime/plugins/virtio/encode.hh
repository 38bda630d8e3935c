// SPDX-License-Identifier: Apache-2.0
// Encoding of each vAccel operation into the argument lists of one RUN
// request. The layout itself (spec §8.3) is the shared protocol library's
// (virtio-accel-spec/lib): these wrappers only convert between vAccel's C++
// side and its C encoder, so the unikernel library and this plugin send the
// same bytes. Pure functions (no device, no runtime state).
#pragma once

#include <vaccel.h>
#include <virtio_accel_proto.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "wire.hh"

namespace vaccel_virtio {

// One RUN request being built: the op, the resource it names and the input
// and output argument descriptors in the driver's ioctl format. Parameter
// blocks (spec §8.3) live inside the Request itself (in the C encoder's va_run), so
// a Request must stay where it was built until the ioctl returns (it is
// neither copied nor moved).
struct Request {
  uint32_t op = 0;
  uint64_t resource_id = 0;
  std::vector<virtio_accel_ioc_arg> in, out;
  va_run run{};  // the C encoder's state; only its params outlive a call
  virtio_accel_sgemm_params &sgemm = run.params.sgemm;
  virtio_accel_minmax_params &minmax = run.params.minmax;

  Request() = default;
  Request(const Request &) = delete;
  Request &operator=(const Request &) = delete;

  // Appends an input (exact length) / output (capacity) region.
  void add_in(const void *buf, uint64_t len, uint32_t type = 0, uint32_t custom_type = 0);
  void add_out(void *buf, uint64_t len, uint32_t type = 0, uint32_t custom_type = 0);

  // Runs one C encoder step (f(&run)) with room for room_in more inputs
  // and room_out more outputs, and appends what it encoded. Returns the
  // encoder's result (0 or a vAccel error).
  template <typename F>
  int encode(size_t room_in, size_t room_out, F f);
};

// The C encoder's argument records and the driver's ioctl records are the
// same 24 bytes (the library was laid out that way); conversion is a copy.
static_assert(sizeof(va_arg_ref) == sizeof(virtio_accel_ioc_arg));
static_assert(offsetof(va_arg_ref, len) == offsetof(virtio_accel_ioc_arg, len));
static_assert(offsetof(va_arg_ref, custom_type) == offsetof(virtio_accel_ioc_arg, custom_type));

template <typename F>
int Request::encode(size_t room_in, size_t room_out, F f) {
  std::vector<va_arg_ref> ri(room_in), ro(room_out);
  const union va_params keep = run.params;
  va_run_init(&run, ri.data(), static_cast<uint32_t>(room_in), ro.data(),
              static_cast<uint32_t>(room_out));
  run.params = keep;  // blocks encoded by earlier steps stay valid
  run.op = op;
  run.resource_id = resource_id;
  const int ret = f(&run);
  if (ret) return ret;
  op = run.op;
  resource_id = run.resource_id;
  for (uint32_t i = 0; i < run.nr_in; i++)
    in.push_back({ri[i].addr, ri[i].len, ri[i].type, ri[i].custom_type});
  for (uint32_t i = 0; i < run.nr_out; i++)
    out.push_back({ro[i].addr, ro[i].len, ro[i].type, ro[i].custom_type});
  return VACCEL_OK;
}

// va_matrix_bytes / va_sgemm_c_has_gaps of the protocol library.
inline bool matrix_bytes(int64_t rows, int64_t cols, int64_t ld, uint64_t *bytes) {
  return va_matrix_bytes(rows, cols, ld, bytes) != 0;
}
inline bool sgemm_c_has_gaps(int64_t m, int64_t n, int64_t ldc) {
  return va_sgemm_c_has_gaps(m, n, ldc) != 0;
}

// SGEMM: in = [sgemm_params, A, B, C-in], out = [C]. C-in is sent when
// beta != 0 (the host needs C to compute beta*C) and also when C has gaps
// between its rows: the device starts the output region from C-in, or from
// zeros when C-in is empty, and returns the whole region, so without C-in
// the gaps would come back zeroed. Otherwise C-in is an empty argument.
// Returns VACCEL_EINVAL for shapes the spec rejects.
int encode_sgemm(Request &r, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                 int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

// MINMAX: in = [minmax_params, data (ndata doubles)], out = [clamped data,
// min+max (two doubles into minmax_out)]. VACCEL_EINVAL if ndata < 0.
int encode_minmax(Request &r, const double *indata, int ndata, int low, int high, double *outdata,
                  double minmax_out[2]);

// EXEC: in = [library path, symbol, read...], out = [write...]. Path and
// symbol travel without their NUL. VACCEL_EINVAL for empty/oversized names.
int encode_exec(Request &r, const char *library, const char *symbol, const vaccel_arg *read,
                size_t nr_read, vaccel_arg *write, size_t nr_write);

// EXEC_WITH_RESOURCE: resource_id = remote LIB resource; in = [symbol,
// read...], out = [write...].
int encode_exec_with_resource(Request &r, uint64_t remote_resource, const char *symbol,
                              const vaccel_arg *read, size_t nr_read, vaccel_arg *write,
                              size_t nr_write);

// OPENCV: the generic lists as they are.
void encode_generic(Request &r, uint32_t op, const vaccel_arg *read, size_t nr_read,
                    vaccel_arg *write, size_t nr_write);

// IMAGE_CLASSIFY: in = [image], out = [text, image name].
void encode_classify(Request &r, const void *img, size_t len_img, unsigned char *out_text,
                     size_t len_text, unsigned char *out_imgname, size_t len_imgname);
// IMAGE_DETECT/SEGMENT/POSE/DEPTH (op): in = [image], out = [image name].
void encode_image(Request &r, uint32_t op, const void *img, size_t len_img,
                  unsigned char *out_imgname, size_t len_imgname);

// FPGA ops, lengths in elements (4-byte int or float):
//   ARRAYCOPY in=[a] out=[out]; MMULT in=[a,b] out=[c];
//   PARALLEL in=[a,b] out=[add,mult]; VECTORADD in=[a (len_a), b (len_b)]
//   out=[c (len_a)].
void encode_fpga_arraycopy(Request &r, const int *a, int *out, size_t len);
void encode_fpga_mmult(Request &r, const float *a, const float *b, float *c, size_t len);
void encode_fpga_parallel(Request &r, const float *a, const float *b, float *add_out,
                          float *mult_out, size_t len);
void encode_fpga_vadd(Request &r, const float *a, const float *b, float *c, size_t len_a,
                      size_t len_b);

// Model LOAD/UNLOAD ops: no arguments, resource_id = remote MODEL resource.
void encode_model_op(Request &r, uint32_t op, uint64_t remote_resource);

// Wire resource type of a vAccel resource type (VIRTIO_ACCEL_RES_*), 0 if
// there is none.
uint32_t wire_resource_type(vaccel_resource_type_t type);

// True if a blob name is acceptable on the wire (spec §8.2):
// [A-Za-z0-9._-]{1,255}, not "." or "..".
bool valid_blob_name(const char *name);

}  // namespace vaccel_virtio
