#include "op_schema.hh"

#include <cstring>
#include <iterator>

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
  auto low = static_cast<int32_t>(le32(p.low_threshold));
  auto high = static_cast<int32_t>(le32(p.high_threshold));
  // An empty range has no clamp result (spec §8.3: low <= high).
  if (ndata < 0 || low > high) return bad();
  c->minmax = {ndata, low, high};
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

// Bits per element of a tensor type; -1 for types the device refuses.
// Rule (spec §8.3.1): a tensor's data must hold every element its shape
// promises, so only types with a fixed element size travel. Strings,
// resources and variants (no fixed size: a plugin trusting the shape would
// read past the data) are refused; TFLite INT4 packs two elements per byte.
int elem_bits(uint32_t op, uint32_t type) {
  switch (op) {
    case VIRTIO_ACCEL_OP_TF_MODEL_RUN: {  // TF_DataType numbering; 7 string, 20 resource, 21 variant
      static const int tf[] = {-1, 32, 64, 32, 8, 16, 8, -1, 64, 64, 8, 8, 8, 32, 16, 16, 16, 16, 128, 16, -1, -1, 32, 64};
      return type < std::size(tf) ? tf[type] : -1;
    }
    case VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN: {  // TfLiteType; 5 string, 14 resource, 15 variant, 18 int4
      static const int tfl[] = {-1, 32, 32, 8, 64, -1, 8, 16, 64, 8, 16, 64, 128, 64, -1, -1, 32, 16, 4};
      return type < std::size(tfl) ? tfl[type] : -1;
    }
    default: {  // TORCH_MODEL_RUN, TORCH_SGEMM: vaccel_torch_data_type
      static const int torch[] = {-1, 8, 8, 16, 32, 64, 16, 32};
      return type < std::size(torch) ? torch[type] : -1;
    }
  }
}

// Copies and checks one tensor descriptor, then checks that its data
// argument holds every element the shape promises.
bool check_tensor(uint32_t op, const Region &desc, const Region &data, const IovView &rd,
                  TensorShape *out) {
  struct virtio_accel_tensor_desc d;
  if (desc.len != sizeof d) return false;
  rd.copy_out(desc.off, &d, sizeof d);
  out->data_type = le32(d.data_type);
  out->nr_dims = le32(d.nr_dims);
  if (out->nr_dims > VIRTIO_ACCEL_MAX_DIMS) return false;
  uint64_t elems = 1;
  for (uint32_t i = 0; i < VIRTIO_ACCEL_MAX_DIMS; i++) {
    auto v = static_cast<int64_t>(le64(d.dims[i]));
    out->dims[i] = v;
    if (i >= out->nr_dims) {
      if (v != 0) return false;
      continue;
    }
    if (v < 0 || v > kMaxDim || __builtin_mul_overflow(elems, static_cast<uint64_t>(v), &elems))
      return false;
  }
  int bits = elem_bits(op, out->data_type);
  if (bits < 0) return false;
  uint64_t need;
  if (__builtin_mul_overflow(elems, static_cast<uint64_t>(bits), &need)) return false;
  return data.len >= need / 8 + (need % 8 != 0);
}

// TF nodes travel as le32 id + name; the other frameworks have none.
bool check_node(uint32_t op, const Region &reg, const IovView &rd, TensorNode *node) {
  if (op != VIRTIO_ACCEL_OP_TF_MODEL_RUN) return reg.len == 0;
  if (reg.len < 4 || reg.len - 4 > kMaxNodeName) return false;
  uint32_t id;
  rd.copy_out(reg.off, &id, 4);
  node->id = static_cast<int32_t>(le32(id));
  uint64_t n = reg.len - 4;
  rd.copy_out(reg.off + 4, node->name, n);
  node->name[n] = '\0';
  return std::strlen(node->name) == n;
}

// Layout (spec §8.3.1): in = [params, run options, (node, desc, data) x nin,
// out-node x nout]; out = [(tensor_out, data) x nout].
Status check_model_run(const Request &r, const IovView &rd, ModelCall *m) {
  struct virtio_accel_model_run_params p;
  if (r.nr_in < 2 || r.in(0).len != sizeof p) return bad();
  rd.copy_out(r.in(0).off, &p, sizeof p);
  m->nin = le32(p.nr_inputs);
  m->nout = le32(p.nr_outputs);
  if (m->nin > kMaxTensors || m->nout > kMaxTensors) return bad();
  if (r.nr_in != 2 + 3 * m->nin + m->nout || r.nr_out != 2 * m->nout) return bad();
  if (r.op == VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN && r.in(1).len != 0) return bad();  // no run options
  for (uint32_t i = 0; i < m->nin; i++) {
    if (!check_node(r.op, r.in(2 + 3 * i), rd, &m->in_nodes[i]) ||
        !check_tensor(r.op, r.in(3 + 3 * i), r.in(4 + 3 * i), rd, &m->in_shapes[i]))
      return bad();
  }
  for (uint32_t j = 0; j < m->nout; j++) {
    if (!check_node(r.op, r.in(2 + 3 * m->nin + j), rd, &m->out_nodes[j])) return bad();
    if (r.out(2 * j).len != sizeof(struct virtio_accel_tensor_out)) return bad();
  }
  return Status::Ok();
}

// in = [params, descA, A, descB, B, descC, C]; out = [tensor_out, data].
Status check_torch_sgemm(const Request &r, const IovView &rd, OpCall *c, ModelCall *m) {
  struct virtio_accel_torch_sgemm_params p;
  if (!count_is(r, 7, 2) || r.in(0).len != sizeof p) return bad();
  rd.copy_out(r.in(0).off, &p, sizeof p);
  auto mm = static_cast<int32_t>(le32(p.m)), n = static_cast<int32_t>(le32(p.n)),
       k = static_cast<int32_t>(le32(p.k));
  if (p.reserved != 0 || mm < 0 || n < 0 || k < 0 || mm > kMaxDim || n > kMaxDim || k > kMaxDim)
    return bad();
  c->torch_sgemm = {mm, n, k};
  m->nin = 3;
  m->nout = 1;
  const uint64_t need[3] = {uint64_t(mm) * uint64_t(k) * 4, uint64_t(k) * uint64_t(n) * 4,
                            uint64_t(mm) * uint64_t(n) * 4};
  for (uint32_t t = 0; t < 3; t++) {
    if (!check_tensor(VIRTIO_ACCEL_OP_TORCH_SGEMM, r.in(1 + 2 * t), r.in(2 + 2 * t), rd,
                      &m->in_shapes[t]) ||
        r.in(2 + 2 * t).len < need[t])
      return bad();
  }
  if (r.out(0).len != sizeof(struct virtio_accel_tensor_out)) return bad();
  return Status::Ok();
}

}  // namespace

Status check_op_args(const Request &r, const IovView &rd, OpCall *c,
                     char (*strings)[kMaxStringLen + 1], ModelCall *model,
                     uint32_t *consumed_in) {
  *consumed_in = 0;
  c->op = r.op;
  bool takes_resource = r.op == VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE ||
                        (r.op >= VIRTIO_ACCEL_OP_TF_MODEL_LOAD && r.op <= VIRTIO_ACCEL_OP_TORCH_MODEL_RUN);
  if (!takes_resource && r.object_id != 0) return bad();
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
    case VIRTIO_ACCEL_OP_TF_MODEL_RUN:
    case VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN:
    case VIRTIO_ACCEL_OP_TORCH_MODEL_RUN:
      if (r.object_id == 0) return bad();
      *consumed_in = 1;
      c->model = model;
      return check_model_run(r, rd, model);
    case VIRTIO_ACCEL_OP_TORCH_SGEMM:
      *consumed_in = 1;
      c->model = model;
      return check_torch_sgemm(r, rd, c, model);
    case VIRTIO_ACCEL_OP_OPENCV:
      return Status::Ok();  // generic argument lists, opaque to the host
    default:
      return Status::Of(VIRTIO_ACCEL_S_UNSUPPORTED);
  }
}

namespace {

// m*n*k, saturating: each factor may be up to 2^30.
uint64_t mul3(int64_t m, int64_t n, int64_t k) {
  uint64_t mn, mnk;
  if (__builtin_mul_overflow(uint64_t(m), uint64_t(n), &mn) ||
      __builtin_mul_overflow(mn, uint64_t(k), &mnk))
    return UINT64_MAX;
  return mnk;
}

}  // namespace

uint64_t op_cost(const Request &r, const OpCall &c) {
  switch (r.op) {
    case VIRTIO_ACCEL_OP_SGEMM:
      return mul3(c.sgemm.m, c.sgemm.n, c.sgemm.k);
    case VIRTIO_ACCEL_OP_TORCH_SGEMM:
      return mul3(c.torch_sgemm.m, c.torch_sgemm.n, c.torch_sgemm.k);
    case VIRTIO_ACCEL_OP_FPGA_MMULT: {
      uint64_t elems = r.in(0).len / 4, n = 0;
      while ((n + 1) * (n + 1) <= elems) n++;
      return n * n * n;  // n <= 2^31 / 2: n^3 < 2^63 for any accepted size
    }
    default:
      return 0;  // linear in bytes already bounded, or not predictable
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
