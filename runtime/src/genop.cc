// SPDX-License-Identifier: Apache-2.0
// vaccel_genop: unpack generic args (layouts in API.md) and call the typed
// op. Every size is checked, so guest-provided args cannot overrun.
#include <cstring>

#include "internal.hh"

using namespace vaccel_rt;

namespace {

constexpr const char *kApi = "vaccel_genop";

// Reads a scalar of exactly sizeof(T) bytes.
template <typename T>
bool scalar(const vaccel_arg &a, T &out) {
  if (a.size != sizeof(T) || !a.buf) return false;
  memcpy(&out, a.buf, sizeof(T));
  return true;
}

template <typename T>
size_t elems(const vaccel_arg &a) {
  return a.buf ? a.size / sizeof(T) : 0;
}

bool cstring(const vaccel_arg &a, const char *&out) {
  if (!a.buf || !a.size || !memchr(a.buf, '\0', a.size)) return false;
  out = static_cast<const char *>(a.buf);
  return true;
}

int bad(const char *op, const char *why) {
  return fail(VACCEL_EINVAL, "%s(%s): %s", kApi, op, why);
}

int count(const char *op, int nr, int want_r, int nw, int want_w) {
  if (nr != want_r || nw != want_w) {
    return fail(VACCEL_EINVAL,
                "%s(%s): expected %d read / %d write args, got "
                "%d / %d",
                kApi, op, want_r, want_w, nr, nw);
  }
  return VACCEL_OK;
}

// Minimum number of elements a rows x cols matrix with leading dimension
// ld occupies (row-major); false on overflow.
bool matrix_elems(int64_t rows, int64_t cols, int64_t ld, size_t &out) {
  if (rows == 0 || cols == 0) {
    out = 0;
    return true;
  }
  unsigned __int128 e = static_cast<unsigned __int128>(rows - 1) * static_cast<uint64_t>(ld) +
                        static_cast<uint64_t>(cols);
  if (e > SIZE_MAX / sizeof(float)) return false;
  out = static_cast<size_t>(e);
  return true;
}

// Upstream 0.8's layout: read = m, n, k, alpha, A, lda, B, ldb, beta, ldc
// (after the op code); write = C.
int unpack_sgemm(vaccel_session *s, vaccel_arg *r, int nr, vaccel_arg *w, int nw) {
  if (int ret = count("BLAS_SGEMM", nr, 10, nw, 1)) return ret;
  int64_t m, n, k, lda, ldb, ldc;
  float alpha, beta;
  if (!scalar(r[0], m) || !scalar(r[1], n) || !scalar(r[2], k) || !scalar(r[3], alpha) ||
      !scalar(r[5], lda) || !scalar(r[7], ldb) || !scalar(r[8], beta) || !scalar(r[9], ldc))
    return bad("BLAS_SGEMM", "bad scalar argument");
  if (m < 0 || n < 0 || k < 0 || lda < 1 || ldb < 1 || ldc < 1 || lda < k || ldb < n || ldc < n)
    return bad("BLAS_SGEMM", "dimension out of range");
  size_t need_a, need_b, need_c;
  if (!matrix_elems(m, k, lda, need_a) || !matrix_elems(k, n, ldb, need_b) ||
      !matrix_elems(m, n, ldc, need_c))
    return bad("BLAS_SGEMM", "matrix too large");
  if (elems<float>(r[4]) < need_a || elems<float>(r[6]) < need_b || elems<float>(w[0]) < need_c)
    return bad("BLAS_SGEMM", "matrix buffer too small");
  return vaccel_sgemm(s, m, n, k, alpha, static_cast<float *>(r[4].buf), lda,
                      static_cast<float *>(r[6].buf), ldb, beta, static_cast<float *>(w[0].buf),
                      ldc);
}

int unpack_minmax(vaccel_session *s, vaccel_arg *r, int nr, vaccel_arg *w, int nw) {
  if (int ret = count("MINMAX", nr, 4, nw, 3)) return ret;
  int ndata, low, high;
  if (!scalar(r[1], ndata) || !scalar(r[2], low) || !scalar(r[3], high))
    return bad("MINMAX", "bad scalar argument");
  if (ndata < 1 || elems<double>(r[0]) < static_cast<size_t>(ndata) ||
      elems<double>(w[0]) < static_cast<size_t>(ndata) || w[1].size != sizeof(double) ||
      w[2].size != sizeof(double) || !w[1].buf || !w[2].buf)
    return bad("MINMAX", "buffer sizes do not match ndata");
  return vaccel_minmax(s, static_cast<double *>(r[0].buf), ndata, low, high,
                       static_cast<double *>(w[0].buf), static_cast<double *>(w[1].buf),
                       static_cast<double *>(w[2].buf));
}

int unpack_exec(vaccel_session *s, vaccel_arg *r, int nr, vaccel_arg *w, int nw) {
  const char *lib, *sym;
  if (nr < 2 || !cstring(r[0], lib) || !cstring(r[1], sym))
    return bad("EXEC", "expected library and symbol strings");
  return vaccel_exec(s, lib, sym, r + 2, static_cast<size_t>(nr - 2), w, static_cast<size_t>(nw));
}

int unpack_exec_res(vaccel_session *s, vaccel_arg *r, int nr, vaccel_arg *w, int nw) {
  int64_t id;
  const char *sym;
  if (nr < 2 || !scalar(r[0], id) || !cstring(r[1], sym))
    return bad("EXEC_WITH_RESOURCE", "expected resource id (int64) and symbol string");
  vaccel_resource *res = nullptr;
  if (vaccel_resource_get_by_id(&res, id) != VACCEL_OK)
    return fail(VACCEL_EINVAL, "%s(EXEC_WITH_RESOURCE): no resource %lld", kApi,
                static_cast<long long>(id));
  return vaccel_exec_with_resource(s, res, sym, r + 2, static_cast<size_t>(nr - 2), w,
                                   static_cast<size_t>(nw));
}

int unpack_image(vaccel_session *s, vaccel_op_type_t op, vaccel_arg *r, int nr, vaccel_arg *w,
                 int nw) {
  const char *name = vaccel_op_type_to_base_str(op);
  if (op == VACCEL_OP_IMAGE_CLASSIFY) {
    if (int ret = count(name, nr, 1, nw, 2)) return ret;
    // As upstream: write = out_imgname, out_text.
    return vaccel_image_classification(s, r[0].buf, static_cast<unsigned char *>(w[1].buf),
                                       static_cast<unsigned char *>(w[0].buf), r[0].size, w[1].size,
                                       w[0].size);
  }
  if (int ret = count(name, nr, 1, nw, 1)) return ret;
  auto *out = static_cast<unsigned char *>(w[0].buf);
  switch (op) {
    case VACCEL_OP_IMAGE_DETECT:
      return vaccel_image_detection(s, r[0].buf, out, r[0].size, w[0].size);
    case VACCEL_OP_IMAGE_SEGMENT:
      return vaccel_image_segmentation(s, r[0].buf, out, r[0].size, w[0].size);
    case VACCEL_OP_IMAGE_POSE:
      return vaccel_image_pose(s, r[0].buf, out, r[0].size, w[0].size);
    default:
      return vaccel_image_depth(s, r[0].buf, out, r[0].size, w[0].size);
  }
}

int unpack_fpga(vaccel_session *s, vaccel_op_type_t op, vaccel_arg *r, int nr, vaccel_arg *w,
                int nw) {
  const char *name = vaccel_op_type_to_base_str(op);
  switch (op) {
    case VACCEL_OP_FPGA_ARRAYCOPY: {
      if (int ret = count(name, nr, 1, nw, 1)) return ret;
      size_t n = elems<int>(r[0]);
      if (elems<int>(w[0]) < n) return bad(name, "output smaller than input");
      return vaccel_fpga_arraycopy(s, static_cast<int *>(r[0].buf), static_cast<int *>(w[0].buf),
                                   n);
    }
    case VACCEL_OP_FPGA_MMULT: {
      if (int ret = count(name, nr, 2, nw, 1)) return ret;
      size_t n = elems<float>(r[0]);
      if (elems<float>(r[1]) != n || elems<float>(w[0]) < n)
        return bad(name, "matrix sizes differ");
      return vaccel_fpga_mmult(s, static_cast<float *>(r[0].buf), static_cast<float *>(r[1].buf),
                               static_cast<float *>(w[0].buf), n);
    }
    case VACCEL_OP_FPGA_PARALLEL: {
      if (int ret = count(name, nr, 2, nw, 2)) return ret;
      size_t n = elems<float>(r[0]);
      if (elems<float>(r[1]) != n || elems<float>(w[0]) < n || elems<float>(w[1]) < n)
        return bad(name, "array sizes differ");
      return vaccel_fpga_parallel(s, static_cast<float *>(r[0].buf), static_cast<float *>(r[1].buf),
                                  static_cast<float *>(w[0].buf), static_cast<float *>(w[1].buf),
                                  n);
    }
    default: {
      if (int ret = count(name, nr, 2, nw, 1)) return ret;
      size_t na = elems<float>(r[0]), nb = elems<float>(r[1]);
      if (elems<float>(w[0]) < na) return bad(name, "output smaller than input");
      return vaccel_fpga_vadd(s, static_cast<float *>(r[0].buf), static_cast<float *>(r[1].buf),
                              static_cast<float *>(w[0].buf), na, nb);
    }
  }
}

}  // namespace

extern "C" int vaccel_genop(struct vaccel_session *sess, struct vaccel_arg *read, int nr_read,
                            struct vaccel_arg *write, int nr_write) {
  begin_call();
  if (!sess) return fail(VACCEL_EINVAL, "%s: NULL session", kApi);
  if (nr_read < 1 || !read || nr_write < 0 || (nr_write && !write))
    return fail(VACCEL_EINVAL, "%s: missing op type argument", kApi);
  for (int i = 0; i < nr_read; ++i)
    if (!read[i].buf && read[i].size)
      return fail(VACCEL_EINVAL, "%s: read arg %d is NULL", kApi, i);
  for (int i = 0; i < nr_write; ++i)
    if (!write[i].buf && write[i].size)
      return fail(VACCEL_EINVAL, "%s: write arg %d is NULL", kApi, i);
  int64_t raw = -1;
  if (read[0].size == 1 && read[0].buf)
    raw = *static_cast<const uint8_t *>(read[0].buf);
  else if (read[0].size == 4 && read[0].buf) {
    int32_t v;
    memcpy(&v, read[0].buf, 4);
    raw = v;
  }
  if (raw < 0 || raw >= VACCEL_OP_MAX) return fail(VACCEL_EINVAL, "%s: invalid op type", kApi);
  auto op = static_cast<vaccel_op_type_t>(raw);
  vaccel_arg *r = read + 1;
  const int nr = nr_read - 1;
  switch (op) {
    case VACCEL_OP_NOOP:
      return vaccel_noop(sess);
    case VACCEL_OP_EXEC:
      return unpack_exec(sess, r, nr, write, nr_write);
    case VACCEL_OP_EXEC_WITH_RESOURCE:
      return unpack_exec_res(sess, r, nr, write, nr_write);
    case VACCEL_OP_IMAGE_CLASSIFY:
    case VACCEL_OP_IMAGE_DETECT:
    case VACCEL_OP_IMAGE_SEGMENT:
    case VACCEL_OP_IMAGE_POSE:
    case VACCEL_OP_IMAGE_DEPTH:
      return unpack_image(sess, op, r, nr, write, nr_write);
    case VACCEL_OP_BLAS_SGEMM:
      return unpack_sgemm(sess, r, nr, write, nr_write);
    case VACCEL_OP_MINMAX:
      return unpack_minmax(sess, r, nr, write, nr_write);
    case VACCEL_OP_FPGA_ARRAYCOPY:
    case VACCEL_OP_FPGA_MMULT:
    case VACCEL_OP_FPGA_PARALLEL:
    case VACCEL_OP_FPGA_VECTORADD:
      return unpack_fpga(sess, op, r, nr, write, nr_write);
    case VACCEL_OP_OPENCV:
      return vaccel_opencv(sess, r, nr, write, nr_write);
    default:
      return fail(VACCEL_ENOTSUP, "%s: %s is not available through genop", kApi,
                  vaccel_op_type_to_base_str(op));
  }
}
