#include "op_table.hh"

#include <cstring>
#include <iterator>

#include "le.hh"

namespace va {
namespace {

Status bad() { return Status::Of(VIRTIO_ACCEL_S_BAD_ARGS); }

constexpr int64_t kMaxDim = static_cast<int64_t>(VIRTIO_ACCEL_MAX_DIM);

// ---- Checks (one per op family) --------------------------------------------

// Copies a string argument (1..VIRTIO_ACCEL_MAX_STRING bytes, no NUL inside).
bool copy_string(const Region &reg, const IovView &rd, char *dst) {
  if (reg.len == 0 || reg.len > kMaxStringLen) return false;
  rd.copy_out(reg.off, dst, reg.len);
  dst[reg.len] = '\0';
  return va_exec_string_len(dst) == reg.len;
}

// in = [library, symbol, read args...]; out = write args.
Status check_exec(const Request &r, const IovView &rd, OpCall *c, OpScratch *s) {
  if (!copy_string(r.in(0), rd, s->strings[0]) || !copy_string(r.in(1), rd, s->strings[1]))
    return bad();
  c->library = s->strings[0];
  c->symbol = s->strings[1];
  return Status::Ok();
}

// in = [symbol, read args...]; out = write args; resource = the LIB.
Status check_exec_with_resource(const Request &r, const IovView &rd, OpCall *c, OpScratch *s) {
  if (!copy_string(r.in(0), rd, s->strings[0])) return bad();
  c->symbol = s->strings[0];
  return Status::Ok();
}

// in = [params, A, B, C-in]; out = [C].
Status check_sgemm(const Request &r, const IovView &rd, OpCall *c, OpScratch *) {
  struct virtio_accel_sgemm_params p;
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
  if (!va_matrix_bytes(g.m, g.k, g.lda, &a) || !va_matrix_bytes(g.k, g.n, g.ldb, &b) ||
      !va_matrix_bytes(g.m, g.n, g.ldc, &cc))
    return bad();
  // A, B at least as large as what GEMM reads; C-in either absent (C starts
  // as zeros) or covering C; the output region covering C.
  if (r.in(1).len < a || r.in(2).len < b) return bad();
  if (r.in(3).len != 0 && r.in(3).len < cc) return bad();
  if (r.out(0).len < cc) return bad();
  return Status::Ok();
}

// in = [params, data]; out = [clamped data, min+max].
Status check_minmax(const Request &r, const IovView &rd, OpCall *c, OpScratch *) {
  struct virtio_accel_minmax_params p;
  rd.copy_out(r.in(0).off, &p, sizeof p);
  if (p.reserved != 0) return bad();
  auto ndata = static_cast<int32_t>(le32(p.ndata));
  auto low = static_cast<int32_t>(le32(p.low_threshold));
  auto high = static_cast<int32_t>(le32(p.high_threshold));
  // An empty range has no clamp result (spec §8.3: low <= high).
  if (ndata < 0 || low > high) return bad();
  c->minmax = {ndata, low, high};
  uint64_t bytes = static_cast<uint64_t>(ndata) * sizeof(double);
  if (r.in(1).len != bytes || r.out(0).len < bytes || r.out(1).len < 2 * sizeof(double))
    return bad();
  return Status::Ok();
}

// Side of the square matrix FPGA_MMULT's len/4 elements form, 0 if none.
uint64_t square_side(uint64_t elems) {
  uint64_t n = 0;
  while ((n + 1) * (n + 1) <= elems) n++;
  return n * n == elems ? n : 0;
}

// Element arrays of int32/float: in = [a(, b)]; out = result(s), each as long as a.
Status check_fpga(const Request &r, const IovView &, OpCall *, OpScratch *) {
  uint64_t len = r.in(0).len;
  if (len % 4 != 0) return bad();  // int32 / float elements
  if (r.nr_in == 2 && r.in(1).len != len) return bad();
  for (uint32_t i = 0; i < r.nr_out; i++)
    if (r.out(i).len < len) return bad();
  // len/4 elements must form a square n x n matrix.
  if (r.op == VIRTIO_ACCEL_OP_FPGA_MMULT && square_side(len / 4) * square_side(len / 4) != len / 4)
    return bad();
  return Status::Ok();
}

// Bits per element of a tensor type; -1 for types the device refuses.
// Rule (spec §8.3.1): a tensor's data must hold every element its shape
// promises, so only types with a fixed element size travel. Strings,
// resources and variants (no fixed size: a plugin trusting the shape would
// read past the data) are refused; TFLite INT4 packs two elements per byte.
int elem_bits(uint32_t op, uint32_t type) {
  switch (op) {
    // TF_DataType numbering; 7 string, 20 resource, 21 variant.
    case VIRTIO_ACCEL_OP_TF_MODEL_RUN: {
      static const int tf[] = {-1, 32, 64, 32, 8,  16, 8,   -1, 64, 64, 8,  8,
                               8,  32, 16, 16, 16, 16, 128, 16, -1, -1, 32, 64};
      return type < std::size(tf) ? tf[type] : -1;
    }
    // TfLiteType; 5 string, 14 resource, 15 variant, 18 int4.
    case VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN: {
      static const int tfl[] = {-1, 32, 32,  8,  64, -1, 8,  16, 64, 8,
                                16, 64, 128, 64, -1, -1, 32, 16, 4};
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
  if (reg.len < 4 || reg.len - 4 > VIRTIO_ACCEL_MAX_NODE_NAME) return false;
  uint32_t id;
  rd.copy_out(reg.off, &id, 4);
  node->id = static_cast<int32_t>(le32(id));
  uint64_t n = reg.len - 4;
  rd.copy_out(reg.off + 4, node->name, n);
  node->name[n] = '\0';
  return std::strlen(node->name) == n;
}

// Layout: spec §8.3.1, indices from struct va_model_layout.
Status check_model_run(const Request &r, const IovView &rd, OpCall *c, OpScratch *s) {
  struct virtio_accel_model_run_params p;
  rd.copy_out(r.in(0).off, &p, sizeof p);
  ModelCall *m = &s->model;
  c->model = m;
  m->nin = le32(p.nr_inputs);
  m->nout = le32(p.nr_outputs);
  if (m->nin > VIRTIO_ACCEL_MAX_TENSORS || m->nout > VIRTIO_ACCEL_MAX_TENSORS) return bad();
  const struct va_model_layout l = {m->nin, m->nout};
  if (r.nr_in != va_model_nr_in(l) || r.nr_out != va_model_nr_out(l)) return bad();
  if (r.op == VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN && r.in(VA_MODEL_IN_OPTIONS).len != 0)
    return bad();  // no run options
  for (uint32_t i = 0; i < m->nin; i++) {
    if (!check_node(r.op, r.in(va_model_in_node(i)), rd, &m->in_nodes[i]) ||
        !check_tensor(r.op, r.in(va_model_in_desc(i)), r.in(va_model_in_data(i)), rd,
                      &m->in_shapes[i]))
      return bad();
  }
  for (uint32_t j = 0; j < m->nout; j++) {
    if (!check_node(r.op, r.in(va_model_out_node(l, j)), rd, &m->out_nodes[j])) return bad();
    if (r.out(va_model_out_desc(j)).len != sizeof(struct virtio_accel_tensor_out)) return bad();
  }
  return Status::Ok();
}

// in = [params, (desc, data) for A, B, C]; out = [tensor_out, data].
Status check_torch_sgemm(const Request &r, const IovView &rd, OpCall *c, OpScratch *s) {
  struct virtio_accel_torch_sgemm_params p;
  rd.copy_out(r.in(0).off, &p, sizeof p);
  auto mm = static_cast<int32_t>(le32(p.m)), n = static_cast<int32_t>(le32(p.n)),
       k = static_cast<int32_t>(le32(p.k));
  if (p.reserved != 0 || mm < 0 || n < 0 || k < 0 || mm > kMaxDim || n > kMaxDim || k > kMaxDim)
    return bad();
  c->torch_sgemm = {mm, n, k};
  ModelCall *m = &s->model;
  c->model = m;
  m->nin = 3;
  m->nout = 1;
  const uint64_t need[3] = {uint64_t(mm) * uint64_t(k) * 4, uint64_t(k) * uint64_t(n) * 4,
                            uint64_t(mm) * uint64_t(n) * 4};
  for (uint32_t t = 0; t < 3; t++) {
    const Region &data = r.in(va_torch_sgemm_data(t));
    if (!check_tensor(VIRTIO_ACCEL_OP_TORCH_SGEMM, r.in(va_torch_sgemm_desc(t)), data, rd,
                      &m->in_shapes[t]) ||
        data.len < need[t])
      return bad();
  }
  if (r.out(va_model_out_desc(0)).len != sizeof(struct virtio_accel_tensor_out)) return bad();
  return Status::Ok();
}

// ---- Cost, output extent, prepare ------------------------------------------

// m*n*k, saturating: each factor may be up to 2^30.
uint64_t mul3(int64_t m, int64_t n, int64_t k) {
  uint64_t mn, mnk;
  if (__builtin_mul_overflow(uint64_t(m), uint64_t(n), &mn) ||
      __builtin_mul_overflow(mn, uint64_t(k), &mnk))
    return UINT64_MAX;
  return mnk;
}

uint64_t cost_sgemm(const Request &, const OpCall &c) {
  return mul3(c.sgemm.m, c.sgemm.n, c.sgemm.k);
}

uint64_t cost_torch_sgemm(const Request &, const OpCall &c) {
  return mul3(c.torch_sgemm.m, c.torch_sgemm.n, c.torch_sgemm.k);
}

uint64_t cost_mmult(const Request &r, const OpCall &) {
  uint64_t n = square_side(r.in(0).len / 4);
  return n * n * n;  // n <= 2^31 / 2: n^3 < 2^63 for any accepted size
}

// C's span, (m-1)*ldc + n floats.
uint64_t sgemm_c_bytes(const OpCall &c) {
  const auto &g = c.sgemm;
  return g.m == 0 || g.n == 0 ? 0 : static_cast<uint64_t>((g.m - 1) * g.ldc + g.n) * 4;
}

uint64_t extent_sgemm(const Request &, const OpCall &c, uint32_t) { return sgemm_c_bytes(c); }

uint64_t extent_minmax(const Request &, const OpCall &c, uint32_t i) {
  return i == 0 ? static_cast<uint64_t>(c.minmax.ndata) * sizeof(double) : 2 * sizeof(double);
}

uint64_t extent_fpga(const Request &r, const OpCall &, uint32_t) { return r.in(0).len; }

// C is read (beta*C) and written: the staged C starts as C-in, copied out
// of guest memory here and nowhere else, or as zeros when C-in is empty.
PrepareBytes prepare_sgemm(const Request &r, const IovView &rd, OpCall *c) {
  const Region &cin = r.in(3);
  uint64_t clen = sgemm_c_bytes(*c);  // <= cin.len when non-empty (check_sgemm)
  PrepareBytes done;
  if (cin.len == 0) {
    std::memset(c->out[0].data, 0, clen);
    done.zeroed = clen;
  } else {
    rd.copy_out(cin.off, c->out[0].data, clen);
    done.copied = clen;
  }
  return done;
}

// ---- The table --------------------------------------------------------------

// Host half of a row, keyed by op code.
struct HostOp {
  uint32_t op;
  uint32_t align;
  uint8_t lead_in, seed_in;
  Status (*check)(const Request &, const IovView &, OpCall *, OpScratch *);
  uint64_t (*cost)(const Request &, const OpCall &);
  uint64_t (*out_extent)(const Request &, const OpCall &, uint32_t);
  PrepareBytes (*prepare)(const Request &, const IovView &, OpCall *);
};

// clang-format off
constexpr HostOp kHostOps[] = {
  // op                                  align lead seed check                     cost              extent         prepare
  {VIRTIO_ACCEL_OP_NOOP,                   1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_EXEC,                   1,   2,   0, check_exec,               nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE,     1,   1,   0, check_exec_with_resource, nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_SGEMM,                  4,   1,   1, check_sgemm,              cost_sgemm,       extent_sgemm,  prepare_sgemm},
  {VIRTIO_ACCEL_OP_MINMAX,                 8,   1,   0, check_minmax,             nullptr,          extent_minmax, nullptr},
  {VIRTIO_ACCEL_OP_IMAGE_CLASSIFY,         1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_IMAGE_DETECT,           1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_IMAGE_SEGMENT,          1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_IMAGE_POSE,             1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_IMAGE_DEPTH,            1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY,         4,   0,   0, check_fpga,               nullptr,          extent_fpga,   nullptr},
  {VIRTIO_ACCEL_OP_FPGA_MMULT,             4,   0,   0, check_fpga,               cost_mmult,       extent_fpga,   nullptr},
  {VIRTIO_ACCEL_OP_FPGA_PARALLEL,          4,   0,   0, check_fpga,               nullptr,          extent_fpga,   nullptr},
  {VIRTIO_ACCEL_OP_FPGA_VECTORADD,         4,   0,   0, check_fpga,               nullptr,          extent_fpga,   nullptr},
  {VIRTIO_ACCEL_OP_TF_MODEL_LOAD,          1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_TF_MODEL_UNLOAD,        1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_TF_MODEL_RUN,           1,   1,   0, check_model_run,          nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_TFLITE_MODEL_LOAD,      1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_TFLITE_MODEL_UNLOAD,    1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN,       1,   1,   0, check_model_run,          nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD,       1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_TORCH_MODEL_RUN,        1,   1,   0, check_model_run,          nullptr,          nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_TORCH_SGEMM,            1,   1,   0, check_torch_sgemm,        cost_torch_sgemm, nullptr,       nullptr},
  {VIRTIO_ACCEL_OP_OPENCV,                 1,   0,   0, nullptr,                  nullptr,          nullptr,       nullptr},
};
// clang-format on

constexpr const HostOp *host_op(uint32_t op) {
  for (const HostOp &h : kHostOps)
    if (h.op == op) return &h;
  return nullptr;
}

// The wire half from the protocol library's X-macro, the host half from
// kHostOps, merged at compile time.
constexpr std::array<OpDesc, VIRTIO_ACCEL_OP_MAX + 1> build_table() {
  std::array<OpDesc, VIRTIO_ACCEL_OP_MAX + 1> t{};
#define VA_HOST_ROW(NAME, res, nin, nout, psize)                                      \
  {                                                                                   \
    const HostOp *h = host_op(VIRTIO_ACCEL_OP_##NAME);                                \
    t[VIRTIO_ACCEL_OP_##NAME] =                                                       \
        OpDesc{#NAME,      res,        nin,      nout,    psize,         h->align,    \
               h->lead_in, h->seed_in, h->check, h->cost, h->out_extent, h->prepare}; \
  }
  VIRTIO_ACCEL_OPS(VA_HOST_ROW)
#undef VA_HOST_ROW
  return t;
}

constexpr bool table_is_complete() {
  if (std::size(kHostOps) != VIRTIO_ACCEL_OP_MAX) return false;
  for (uint32_t op = 1; op <= VIRTIO_ACCEL_OP_MAX; op++) {
    const HostOp *h = host_op(op);
    if (h == nullptr || kStagingAlign % h->align != 0) return false;
  }
  return true;
}
static_assert(table_is_complete(),
              "kHostOps has one row per VIRTIO_ACCEL_OP_*, each alignment divides kStagingAlign");

constexpr std::array<OpDesc, VIRTIO_ACCEL_OP_MAX + 1> kOps = build_table();

// Rows whose counts are fixed must leave room for what the engine consumes.
constexpr bool counts_fit() {
  for (uint32_t op = 1; op <= VIRTIO_ACCEL_OP_MAX; op++) {
    const OpDesc &d = kOps[op];
    if (d.nr_in != VA_VAR && d.nr_in < d.lead_in + d.seed_in) return false;
    if (d.params_size && d.lead_in == 0) return false;
    if (d.seed_in && (d.nr_out == VA_VAR || d.nr_out < 1)) return false;
  }
  return true;
}
static_assert(counts_fit(), "lead/seed inputs within the fixed counts");

}  // namespace

const OpDesc *op_desc(uint32_t op) {
  return op >= 1 && op <= VIRTIO_ACCEL_OP_MAX ? &kOps[op] : nullptr;
}

Status check_run(const OpDesc &d, const Request &r, const IovView &rd, OpCall *c, OpScratch *s) {
  c->op = r.op;
  c->in_base = d.lead_in;
  // The resource an op names: none for VA_RES_NONE, else a non-zero ID
  // (its kind is checked when the engine pins it).
  if ((d.resource == VA_RES_NONE) != (r.object_id == 0)) return bad();
  if ((d.nr_in != VA_VAR && r.nr_in != d.nr_in) || (d.nr_out != VA_VAR && r.nr_out != d.nr_out))
    return bad();
  if (r.nr_in < static_cast<uint32_t>(d.lead_in) + d.seed_in) return bad();
  if (d.params_size && r.in(0).len != d.params_size) return bad();
  return d.check ? d.check(r, rd, c, s) : Status::Ok();
}

}  // namespace va
