#include "op_schema.hh"

#include <cstring>

#include "le.hh"

namespace va {
namespace {

Status bad() { return Status::Of(VIRTIO_ACCEL_S_BAD_ARGS); }

// Largest dimension accepted: keeps every product below 2^63 and fits the
// `int`-sized loops some BLAS/OpenCL back ends use internally.
constexpr int64_t kMaxDim = 1 << 30;

bool count_is(const Request &r, uint32_t in, uint32_t out) { return r.nr_in == in && r.nr_out == out; }

// Bytes a row-major rows x cols matrix with leading dimension ld occupies.
bool matrix_bytes(int64_t rows, int64_t cols, int64_t ld, uint64_t *bytes) {
  if (rows < 0 || cols < 0 || rows > kMaxDim || cols > kMaxDim) return false;
  if (ld < (cols > 1 ? cols : 1) || ld > kMaxDim) return false;
  if (rows == 0 || cols == 0) {
    *bytes = 0;
    return true;
  }
  // (rows-1)*ld + cols elements; each factor < 2^30, so no overflow.
  *bytes = static_cast<uint64_t>((rows - 1) * ld + cols) * sizeof(float);
  return true;
}

Status check_sgemm(const Request &r, const IovView &rd, OpCall *c) {
  if (!count_is(r, 4, 1)) return bad();
  struct virtio_accel_sgemm_params p;
  if (r.in(0).len != sizeof p) return bad();
  rd.copy_out(r.in(0).off, &p, sizeof p);
  auto &g = c->sgemm;
  g.m = static_cast<int64_t>(le64(p.m));
  g.n = static_cast<int64_t>(le64(p.n));
  g.k = static_cast<int64_t>(le64(p.k));
  g.lda = static_cast<int64_t>(le64(p.lda));
  g.ldb = static_cast<int64_t>(le64(p.ldb));
  g.ldc = static_cast<int64_t>(le64(p.ldc));
  g.alpha = le_float(p.alpha);
  g.beta = le_float(p.beta);
  uint64_t a, b, cc;
  if (!matrix_bytes(g.m, g.k, g.lda, &a) || !matrix_bytes(g.k, g.n, g.ldb, &b) ||
      !matrix_bytes(g.m, g.n, g.ldc, &cc))
    return bad();
  // A, B at least as large as what GEMM reads; C-in either absent (C starts
  // as zeros) or covering C; the output region covering C.
  if (r.in(1).len < a || r.in(2).len < b) return bad();
  if (r.in(3).len != 0 && r.in(3).len < cc) return bad();
  if (r.out(0).len < cc) return bad();
  return Status::Ok();
}

Status check_minmax(const Request &r, const IovView &rd, OpCall *c) {
  if (!count_is(r, 2, 2)) return bad();
  struct virtio_accel_minmax_params p;
  if (r.in(0).len != sizeof p) return bad();
  rd.copy_out(r.in(0).off, &p, sizeof p);
  if (p.reserved != 0) return bad();
  auto ndata = static_cast<int32_t>(le32(p.ndata));
  if (ndata < 0) return bad();
  c->minmax = {ndata, static_cast<int32_t>(le32(p.low_threshold)),
               static_cast<int32_t>(le32(p.high_threshold))};
  uint64_t bytes = static_cast<uint64_t>(ndata) * sizeof(double);
  if (r.in(1).len != bytes || r.out(0).len < bytes || r.out(1).len < 2 * sizeof(double)) return bad();
  return Status::Ok();
}

// Copies a string argument (no NUL inside, 1..kMaxStringLen bytes).
bool copy_string(const Region &reg, const IovView &rd, char *dst) {
  if (reg.len == 0 || reg.len > kMaxStringLen) return false;
  rd.copy_out(reg.off, dst, reg.len);
  dst[reg.len] = '\0';
  return std::strlen(dst) == reg.len;
}

Status check_fpga(const Request &r) {
  uint32_t want_in = r.op == VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY ? 1 : 2;
  uint32_t want_out = r.op == VIRTIO_ACCEL_OP_FPGA_PARALLEL ? 2 : 1;
  if (!count_is(r, want_in, want_out)) return bad();
  uint64_t len = r.in(0).len;
  if (len % 4 != 0) return bad();  // int32 / float elements
  if (want_in == 2 && r.in(1).len != len) return bad();
  for (uint32_t i = 0; i < want_out; i++)
    if (r.out(i).len < len) return bad();
  if (r.op == VIRTIO_ACCEL_OP_FPGA_MMULT) {
    // len/4 elements must form a square n x n matrix.
    uint64_t elems = len / 4, n = 0;
    while ((n + 1) * (n + 1) <= elems) n++;
    if (n * n != elems) return bad();
  }
  return Status::Ok();
}

}  // namespace

Status check_op_args(const Request &r, const IovView &rd, OpCall *c,
                     char (*strings)[kMaxStringLen + 1], uint32_t *consumed_in) {
  *consumed_in = 0;
  c->op = r.op;
  switch (r.op) {
    case VIRTIO_ACCEL_OP_NOOP:
      return count_is(r, 0, 0) ? Status::Ok() : bad();
    case VIRTIO_ACCEL_OP_EXEC:
      if (r.nr_in < 2 || !copy_string(r.in(0), rd, strings[0]) ||
          !copy_string(r.in(1), rd, strings[1]))
        return bad();
      c->library = strings[0];
      c->symbol = strings[1];
      *consumed_in = 2;
      return Status::Ok();
    case VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE:
      if (r.nr_in < 1 || r.object_id == 0 || !copy_string(r.in(0), rd, strings[0])) return bad();
      c->symbol = strings[0];
      *consumed_in = 1;
      return Status::Ok();
    case VIRTIO_ACCEL_OP_SGEMM:
      *consumed_in = 1;
      return check_sgemm(r, rd, c);
    case VIRTIO_ACCEL_OP_MINMAX:
      *consumed_in = 1;
      return check_minmax(r, rd, c);
    case VIRTIO_ACCEL_OP_IMAGE_CLASSIFY:
      return count_is(r, 1, 2) ? Status::Ok() : bad();
    case VIRTIO_ACCEL_OP_IMAGE_DETECT:
    case VIRTIO_ACCEL_OP_IMAGE_SEGMENT:
    case VIRTIO_ACCEL_OP_IMAGE_POSE:
    case VIRTIO_ACCEL_OP_IMAGE_DEPTH:
      return count_is(r, 1, 1) ? Status::Ok() : bad();
    case VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY:
    case VIRTIO_ACCEL_OP_FPGA_MMULT:
    case VIRTIO_ACCEL_OP_FPGA_PARALLEL:
    case VIRTIO_ACCEL_OP_FPGA_VECTORADD:
      return check_fpga(r);
    case VIRTIO_ACCEL_OP_TF_MODEL_LOAD:
    case VIRTIO_ACCEL_OP_TF_MODEL_UNLOAD:
    case VIRTIO_ACCEL_OP_TFLITE_MODEL_LOAD:
    case VIRTIO_ACCEL_OP_TFLITE_MODEL_UNLOAD:
    case VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD:
      return count_is(r, 0, 0) && r.object_id != 0 ? Status::Ok() : bad();
    case VIRTIO_ACCEL_OP_OPENCV:
      return Status::Ok();  // generic argument lists, opaque to the host
    default:
      // Model RUN ops and TORCH_SGEMM have a tensor encoding the host does not
      // serve in protocol 1.0; they are absent from supported_ops.
      return Status::Of(VIRTIO_ACCEL_S_UNSUPPORTED);
  }
}

uint32_t op_alignment(uint32_t op) {
  switch (op) {
    case VIRTIO_ACCEL_OP_SGEMM:
    case VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY:
    case VIRTIO_ACCEL_OP_FPGA_MMULT:
    case VIRTIO_ACCEL_OP_FPGA_PARALLEL:
    case VIRTIO_ACCEL_OP_FPGA_VECTORADD:
      return 4;
    case VIRTIO_ACCEL_OP_MINMAX:
      return 8;
    default:
      return 1;
  }
}

}  // namespace va
