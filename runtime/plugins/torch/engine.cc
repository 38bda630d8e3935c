// SPDX-License-Identifier: Apache-2.0
// libtorch implementation of engine.hh. Kept in one translation unit: every libtorch header costs
// seconds to compile on a small machine.
#include "engine.hh"

#include <ATen/Parallel.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/script.h>
#include <vaccel.h>

#include <cstdlib>
#include <cstring>
#include <istream>
#include <limits>
#include <new>
#include <streambuf>
#include <thread>

// libgomp's, loaded with libtorch (declared here: only libtorch links OpenMP).
extern "C" int omp_get_max_threads(void);
// OpenBLAS's, present when the system BLAS that Debian's libtorch calls (libblas.so.3) is OpenBLAS.
extern "C" void openblas_set_num_threads(int) __attribute__((weak));
extern "C" int openblas_get_num_threads(void) __attribute__((weak));

namespace vtorch {

struct Model {
  // forward() is const-callable through a copy of the handle; torch::jit::Module is a reference
  // type, so copies share the same weights.
  mutable torch::jit::Module module;
};

namespace {

// Read-only std::streambuf over a caller's bytes (torch::jit::load takes an istream; no copy
// needed).
class MemBuf : public std::streambuf {
 public:
  MemBuf(const uint8_t *data, size_t size) {
    char *p = const_cast<char *>(reinterpret_cast<const char *>(data));
    setg(p, p, p + size);
  }

 protected:
  pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override {
    off_type base = dir == std::ios_base::beg   ? 0
                    : dir == std::ios_base::cur ? gptr() - eback()
                                                : egptr() - eback();
    return seekpos(base + off, std::ios_base::in);
  }
  pos_type seekpos(pos_type pos, std::ios_base::openmode) override {
    if (pos < 0 || pos > egptr() - eback()) return pos_type(off_type(-1));
    setg(eback(), eback() + pos, egptr());
    return pos;
  }
};

// One line out of a libtorch exception message. c10::Error messages carry a C++ backtrace after
// their first line; errors raised inside the TorchScript interpreter start with a generic line and
// end with the reason
// ("RuntimeError: Given groups=1, weight of size ... expected input[1, 1, 224, 224] to have 3
// channels ...").
std::string first_line(const char *what) {
  std::string s(what ? what : "");
  if (s.rfind("The following operation failed in the TorchScript interpreter", 0) == 0) {
    size_t end = s.find_last_not_of(" \n");
    if (end != std::string::npos) {
      size_t start = s.rfind('\n', end);
      return s.substr(start == std::string::npos ? 0 : start + 1,
                      end + 1 - (start == std::string::npos ? 0 : start + 1));
    }
  }
  auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

// vAccel's torch data types are c10::ScalarType + 1 (BYTE=1 .. FLOAT=7), see vaccel/ops/torch.h.
bool to_scalar(int vtype, c10::ScalarType *st) {
  switch (vtype) {
    case VACCEL_TORCH_BYTE:
      *st = c10::kByte;
      return true;
    case VACCEL_TORCH_CHAR:
      *st = c10::kChar;
      return true;
    case VACCEL_TORCH_SHORT:
      *st = c10::kShort;
      return true;
    case VACCEL_TORCH_INT:
      *st = c10::kInt;
      return true;
    case VACCEL_TORCH_LONG:
      *st = c10::kLong;
      return true;
    case VACCEL_TORCH_HALF:
      *st = c10::kHalf;
      return true;
    case VACCEL_TORCH_FLOAT:
      *st = c10::kFloat;
      return true;
    default:
      return false;
  }
}

bool to_vaccel(c10::ScalarType st, vaccel_torch_data_type *vt) {
  switch (st) {
    case c10::kByte:
      *vt = VACCEL_TORCH_BYTE;
      return true;
    case c10::kChar:
      *vt = VACCEL_TORCH_CHAR;
      return true;
    case c10::kShort:
      *vt = VACCEL_TORCH_SHORT;
      return true;
    case c10::kInt:
      *vt = VACCEL_TORCH_INT;
      return true;
    case c10::kLong:
      *vt = VACCEL_TORCH_LONG;
      return true;
    case c10::kHalf:
      *vt = VACCEL_TORCH_HALF;
      return true;
    case c10::kFloat:
      *vt = VACCEL_TORCH_FLOAT;
      return true;
    default:
      return false;
  }
}

constexpr int64_t kMaxDims = 32;

// A vAccel tensor whose declared shape, type and byte size agree, as a torch tensor viewing its
// data.
int view_tensor(const vaccel_torch_tensor *t, const char *what, at::Tensor *out, std::string *err) {
  if (!t) {
    *err = std::string(what) + ": NULL tensor";
    return VACCEL_EINVAL;
  }
  c10::ScalarType st;
  if (!to_scalar(t->data_type, &st)) {
    *err = std::string(what) + ": unknown data type " + std::to_string(t->data_type);
    return VACCEL_EINVAL;
  }
  if (t->nr_dims < 0 || t->nr_dims > kMaxDims || (t->nr_dims > 0 && !t->dims)) {
    *err = std::string(what) + ": bad number of dimensions " + std::to_string(t->nr_dims);
    return VACCEL_EINVAL;
  }
  uint64_t numel = 1;
  std::vector<int64_t> dims(t->dims, t->dims + t->nr_dims);
  for (int64_t d : dims) {
    if (d < 0 ||
        (d > 0 && numel > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d))) {
      *err = std::string(what) + ": bad dimension " + std::to_string(d);
      return VACCEL_EINVAL;
    }
    numel *= static_cast<uint64_t>(d);
  }
  uint64_t esize = c10::elementSize(st);
  if (numel > std::numeric_limits<uint64_t>::max() / esize || numel * esize != t->size) {
    *err = std::string(what) + ": " + std::to_string(t->size) + " bytes of data for a shape of " +
           std::to_string(numel) + " elements of " + std::to_string(esize) + " bytes";
    return VACCEL_EINVAL;
  }
  if (t->size > 0 && !t->data) {
    *err = std::string(what) + ": NULL data";
    return VACCEL_EINVAL;
  }
  static float dummy;
  *out = torch::from_blob(t->size ? t->data : &dummy, dims, torch::TensorOptions().dtype(st));
  return VACCEL_OK;
}

// A new vAccel tensor holding a copy of `t`.
int export_tensor(const at::Tensor &t, vaccel_torch_tensor **out, std::string *err) {
  vaccel_torch_data_type vt;
  if (!to_vaccel(t.scalar_type(), &vt)) {
    *err = std::string("model output of type ") + c10::toString(t.scalar_type()) +
           " has no vAccel torch data type";
    return VACCEL_EINVAL;
  }
  at::Tensor c = t.contiguous();
  std::vector<int64_t> dims(c.sizes().begin(), c.sizes().end());
  size_t bytes = c.numel() * c.element_size();
  int r =
      vaccel_torch_tensor_allocate(out, static_cast<int64_t>(dims.size()), dims.data(), vt, bytes);
  if (r != VACCEL_OK) {
    *out = nullptr;
    *err = "cannot allocate an output tensor of " + std::to_string(bytes) + " bytes";
    return r;
  }
  if (bytes) std::memcpy((*out)->data, c.data_ptr(), bytes);
  return VACCEL_OK;
}

// libtorch 1.13 trusts the lengths inside a TorchScript archive's pickles: a string opcode
// declaring 1.2 GB in a 4 KiB guest model made the host allocate and fill 1.4 GB (found by
// tests/torch/fuzz_device.sh). So every pickle is walked before libtorch sees it: each string/bytes
// length must fit in what is left of its record, each memo index must be below the record's size
// (libtorch reserves memo slots up to it). The walk stops at an opcode it does not know: libtorch's
// unpickler, which reads in the same order, fails there too.
bool pickle_is_bounded(const uint8_t *p, size_t n, std::string *why) {
  size_t i = 0;
  auto le = [&](size_t k) {
    uint64_t v = 0;
    for (size_t j = 0; j < k; j++) v |= uint64_t(p[i + j]) << (8 * j);
    i += k;
    return v;
  };
  auto fail = [&](const char *what, uint64_t v) {
    *why = std::string(what) + " " + std::to_string(v) + " at byte " + std::to_string(i) + " of " +
           std::to_string(n);
    return false;
  };
  while (i < n) {
    uint8_t op = p[i++];
    size_t arg = 0, len_bytes = 0, lines = 0;
    bool memo = false;
    switch (op) {
      case '.':  // STOP
        return true;
      case 0x80:
      case 'K':
      case 'h':
      case 'q':
      case 0x82:  // PROTO BININT1 BINGET BINPUT EXT1
        arg = 1;
        break;
      case 'M':
      case 0x83:  // BININT2 EXT2
        arg = 2;
        break;
      case 'J':
      case 0x84:  // BININT EXT4
        arg = 4;
        break;
      case 'j':
      case 'r':  // LONG_BINGET LONG_BINPUT
        arg = 4;
        memo = true;
        break;
      case 'G':
      case 0x95:  // BINFLOAT FRAME
        arg = 8;
        break;
      case 'U':
      case 0x8c:
      case 'C':
      case 0x8a:  // SHORT_BINSTRING SHORT_BINUNICODE SHORT_BINBYTES LONG1
        len_bytes = 1;
        break;
      case 'T':
      case 'X':
      case 'B':
      case 0x8b:  // BINSTRING BINUNICODE BINBYTES LONG4
        len_bytes = 4;
        break;
      case 0x8d:
      case 0x8e:
      case 0x96:  // BINUNICODE8 BINBYTES8 BYTEARRAY8
        len_bytes = 8;
        break;
      case 'c':
      case 'i':  // GLOBAL INST: module and name lines
        lines = 2;
        break;
      case 'I':
      case 'L':
      case 'F':
      case 'S':
      case 'V':
      case 'g':
      case 'p':
      case 'P':
        lines = 1;
        break;
      case '(':
      case '0':
      case '1':
      case '2':
      case 'N':
      case 0x88:
      case 0x89:
      case ']':
      case ')':
      case '}':
      case 'a':
      case 'e':
      case 's':
      case 'u':
      case 't':
      case 0x85:
      case 0x86:
      case 0x87:
      case 'b':
      case 'R':
      case 0x81:
      case 0x92:
      case 'l':
      case 'd':
      case 'o':
      case 0x8f:
      case 0x90:
      case 0x91:
      case 0x93:
      case 0x94:
      case 'Q':
      case 0x97:
      case 0x98:
        break;  // no argument
      default:
        return true;  // not an opcode libtorch reads: it stops here with an error
    }
    if (n - i < arg + len_bytes) return fail("pickle truncated inside opcode", op);
    if (memo) {
      uint64_t id = le(4);
      if (id > n) return fail("pickle memo index", id);
    } else {
      i += arg;
    }
    if (len_bytes) {
      uint64_t len = le(len_bytes);
      if (len > n - i) return fail("pickle string/bytes length", len);
      i += len;
    }
    for (size_t l = 0; l < lines; l++) {
      const void *nl = memchr(p + i, '\n', n - i);
      if (!nl) return fail("pickle line without end, opcode", op);
      i = static_cast<const uint8_t *>(nl) - p + 1;
    }
  }
  return true;
}

// Every pickle of a TorchScript archive (data.pkl, constants.pkl, code/*.debug_pkl) is bounded.
int check_archive(std::istream &in, std::string *err) {
  caffe2::serialize::PyTorchStreamReader reader(&in);
  for (const std::string &name : reader.getAllRecords()) {
    if (name.size() < 3 || name.compare(name.size() - 3, 3, "pkl") != 0) continue;
    auto rec = reader.getRecord(name);
    std::string why;
    if (!pickle_is_bounded(static_cast<const uint8_t *>(std::get<0>(rec).get()), std::get<1>(rec),
                           &why)) {
      *err = "model archive record ";
      err->append(name).append(": ").append(why);
      return VACCEL_EINVAL;
    }
  }
  return VACCEL_OK;
}

// Converts any exception escaping libtorch into a vAccel error.
template <typename F>
int guarded(std::string *err, F &&f) {
  try {
    return f();
  } catch (const std::bad_alloc &) {
    *err = "out of memory";
    return VACCEL_ENOMEM;
  } catch (const std::exception &e) {
    *err = first_line(e.what());
    return VACCEL_EINVAL;
  } catch (...) {
    *err = "unknown exception from libtorch";
    return VACCEL_EINVAL;
  }
}

}  // namespace

std::string set_threads(int n) {
  if (n > 0) at::set_num_threads(n);
  int intra = at::get_num_threads();
  std::string line = "libtorch intra-op threads " + std::to_string(intra);
  if (!openblas_set_num_threads || !openblas_get_num_threads)
    return line + ", BLAS is not OpenBLAS";
  int before = openblas_get_num_threads();
  if (getenv("OPENBLAS_NUM_THREADS") || getenv("GOTO_NUM_THREADS"))
    return line + ", OpenBLAS threads " + std::to_string(before) + " (set by its environment)";
  // Debian's libtorch runs 1x1 convolutions and linear layers as OpenBLAS sgemm; OpenBLAS keeps its
  // own pool (one thread per CPU, spin-waiting) whatever libtorch's setting. On a loaded host, or
  // next to a VM's vCPU threads, a spinning pool loses whole time slices: with one of this 2-core
  // host's cores busy elsewhere, EfficientNet-Lite0 took 87-167 ms with 2 OpenBLAS threads and
  // 23-26 ms with 1.
  openblas_set_num_threads(intra);
  return line + ", OpenBLAS threads " + std::to_string(openblas_get_num_threads()) + " (was " +
         std::to_string(before) + ")";
}

std::string thread_report() {
  int omp_before = omp_get_max_threads();
  int intra = at::get_num_threads();  // initialises this thread's OpenMP setting on first use
  return "libtorch intra-op threads " + std::to_string(intra) + ", inter-op " +
         std::to_string(at::get_num_interop_threads()) + ", OpenMP max threads " +
         std::to_string(omp_before) + " before / " + std::to_string(omp_get_max_threads()) +
         " after libtorch's init, OpenBLAS threads " +
         (openblas_get_num_threads ? std::to_string(openblas_get_num_threads())
                                   : std::string("-")) +
         ", " + std::to_string(std::thread::hardware_concurrency()) + " CPUs";
}

int load_model(const uint8_t *data, size_t size, ModelPtr *out, std::string *err) {
  if (!data || size == 0) {
    *err = "empty model (0 bytes)";
    return VACCEL_EINVAL;
  }
  return guarded(err, [&]() -> int {
    MemBuf buf(data, size);
    std::istream in(&buf);
    int r = check_archive(in, err);
    if (r) return r;
    in.clear();
    in.seekg(0);
    auto m = std::make_shared<Model>();
    m->module = torch::jit::load(in, torch::kCPU);
    m->module.eval();
    *out = std::move(m);
    return VACCEL_OK;
  });
}

int run_model(const Model &m, vaccel_torch_tensor *const *in, int nr_in, vaccel_torch_tensor **out,
              int nr_out, std::string *err) {
  if (nr_in < 0 || nr_out < 0 || (nr_in > 0 && !in) || (nr_out > 0 && !out)) {
    *err = "bad tensor arrays";
    return VACCEL_EINVAL;
  }
  for (int i = 0; i < nr_out; i++) out[i] = nullptr;
  return guarded(err, [&]() -> int {
    std::vector<c10::IValue> inputs;
    for (int i = 0; i < nr_in; i++) {
      at::Tensor t;
      int r = view_tensor(in[i], ("input " + std::to_string(i)).c_str(), &t, err);
      if (r) return r;
      // a copy: the model may work in place and the caller's buffer may be read-only guest memory
      inputs.emplace_back(t.clone());
    }
    c10::InferenceMode guard;
    c10::IValue res = m.module.forward(inputs);
    std::vector<at::Tensor> outs;
    if (res.isTensor()) {
      outs.push_back(res.toTensor());
    } else if (res.isTuple() || res.isList()) {
      auto elems = res.isTuple() ? res.toTupleRef().elements().vec() : res.toListRef().vec();
      for (auto &e : elems) {
        if (!e.isTensor()) {
          *err = "model returned a " + e.tagKind() + " where a tensor was expected";
          return VACCEL_EINVAL;
        }
        outs.push_back(e.toTensor());
      }
    } else {
      *err = "model returned a " + res.tagKind() + ", not tensors";
      return VACCEL_EINVAL;
    }
    if (static_cast<size_t>(nr_out) > outs.size()) {
      *err = "model produced " + std::to_string(outs.size()) + " output tensors, " +
             std::to_string(nr_out) + " requested";
      return VACCEL_EINVAL;
    }
    for (int i = 0; i < nr_out; i++) {
      int r = export_tensor(outs[i], &out[i], err);
      if (r) {
        for (int j = 0; j < i; j++) {
          vaccel_torch_tensor_delete(out[j]);
          out[j] = nullptr;
        }
        return r;
      }
    }
    return VACCEL_OK;
  });
}

int sgemm(const vaccel_torch_tensor *a, const vaccel_torch_tensor *b, const vaccel_torch_tensor *c,
          int m, int n, int k, vaccel_torch_tensor **out, std::string *err) {
  *out = nullptr;
  if (m <= 0 || n <= 0 || k <= 0) {
    *err = "M, N and K must be positive";
    return VACCEL_EINVAL;
  }
  return guarded(err, [&]() -> int {
    at::Tensor ta, tb, tc;
    int r = view_tensor(a, "A", &ta, err);
    if (!r) r = view_tensor(b, "B", &tb, err);
    if (!r) r = view_tensor(c, "C", &tc, err);
    if (r) return r;
    struct {
      const at::Tensor &t;
      const char *name;
      int64_t rows, cols;
    } want[] = {{ta, "A", m, k}, {tb, "B", k, n}, {tc, "C", m, n}};
    for (auto &w : want) {
      if (w.t.scalar_type() != c10::kFloat || w.t.numel() != w.rows * w.cols) {
        *err = std::string(w.name) + " must be float32 with " + std::to_string(w.rows) + "x" +
               std::to_string(w.cols) + " elements";
        return VACCEL_EINVAL;
      }
    }
    c10::InferenceMode guard;
    at::Tensor res = at::addmm(tc.view({m, n}), ta.view({m, k}), tb.view({k, n}));
    return export_tensor(res, out, err);
  });
}

int classify(const Model &m, const float *chw, int h, int w, size_t k, std::vector<Score> *top,
             std::string *err) {
  return guarded(err, [&]() -> int {
    c10::InferenceMode guard;
    at::Tensor in = torch::from_blob(const_cast<float *>(chw), {1, 3, h, w}, torch::kFloat);
    c10::IValue res = m.module.forward({in});
    if (!res.isTensor()) {
      *err = "classifier returned a " + res.tagKind() + ", not a tensor of logits";
      return VACCEL_EINVAL;
    }
    at::Tensor logits = res.toTensor();
    if (logits.dim() == 2 && logits.size(0) == 1) logits = logits[0];
    if (logits.dim() != 1 || logits.numel() < 1 || !logits.is_floating_point()) {
      *err = "classifier output is not one row of logits";
      return VACCEL_EINVAL;
    }
    at::Tensor prob = at::softmax(logits.to(c10::kFloat), 0);
    auto kk = std::min<int64_t>(static_cast<int64_t>(k), prob.numel());
    auto best = prob.topk(kk);
    at::Tensor vals = std::get<0>(best), idx = std::get<1>(best);
    top->clear();
    for (int64_t i = 0; i < kk; i++)
      top->push_back({idx[i].item<int64_t>(), vals[i].item<float>()});
    return VACCEL_OK;
  });
}

}  // namespace vtorch
