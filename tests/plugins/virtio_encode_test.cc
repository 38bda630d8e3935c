// SPDX-License-Identifier: Apache-2.0
// The per-op encodings against virtio-accel-spec §8.3.
#include <gtest/gtest.h>

#include <cstring>

#include "encode.hh"

using namespace vaccel_virtio;

namespace {

uint64_t addr(const void *p) { return reinterpret_cast<uintptr_t>(p); }

float bits_to_float(uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

}  // namespace

TEST(Matrix, BytesFollowTheSpanFormula) {
  uint64_t b = 0;
  ASSERT_TRUE(matrix_bytes(3, 4, 4, &b));
  EXPECT_EQ(b, 12u * 4);
  ASSERT_TRUE(matrix_bytes(3, 4, 10, &b));  // (3-1)*10+4 elements
  EXPECT_EQ(b, 24u * 4);
  ASSERT_TRUE(matrix_bytes(0, 4, 4, &b));
  EXPECT_EQ(b, 0u);
  ASSERT_TRUE(matrix_bytes(5, 0, 1, &b));
  EXPECT_EQ(b, 0u);
  EXPECT_FALSE(matrix_bytes(3, 4, 3, &b));  // ld < cols
  EXPECT_FALSE(matrix_bytes(-1, 4, 4, &b));
  EXPECT_FALSE(matrix_bytes(3, 0, 0, &b));  // ld >= 1
  EXPECT_FALSE(matrix_bytes(int64_t{1} << 31, 1, 1, &b));
}

TEST(Sgemm, LayoutIsParamsABCinThenC) {
  float a[6] = {}, bm[12] = {}, c[8] = {};
  Request r;
  ASSERT_EQ(encode_sgemm(r, 2, 4, 3, 1.5f, a, 3, bm, 4, 0.0f, c, 4), 0);
  EXPECT_EQ(r.op, uint32_t{VIRTIO_ACCEL_OP_SGEMM});
  ASSERT_EQ(r.in.size(), 4u);
  ASSERT_EQ(r.out.size(), 1u);
  EXPECT_EQ(r.in[0].buf, addr(&r.sgemm));
  EXPECT_EQ(r.in[0].len, sizeof(virtio_accel_sgemm_params));
  EXPECT_EQ(r.in[1].buf, addr(a));
  EXPECT_EQ(r.in[1].len, 6u * 4);
  EXPECT_EQ(r.in[2].buf, addr(bm));
  EXPECT_EQ(r.in[2].len, 12u * 4);
  // beta == 0 and no gaps: C-in is empty, the host starts from zeros.
  EXPECT_EQ(r.in[3].len, 0u);
  EXPECT_EQ(r.in[3].buf, 0u);
  EXPECT_EQ(r.out[0].buf, addr(c));
  EXPECT_EQ(r.out[0].len, 8u * 4);
  EXPECT_EQ(r.sgemm.m, 2u);
  EXPECT_EQ(r.sgemm.n, 4u);
  EXPECT_EQ(r.sgemm.k, 3u);
  EXPECT_EQ(r.sgemm.lda, 3u);
  EXPECT_EQ(r.sgemm.ldb, 4u);
  EXPECT_EQ(r.sgemm.ldc, 4u);
  EXPECT_EQ(bits_to_float(r.sgemm.alpha), 1.5f);
  EXPECT_EQ(bits_to_float(r.sgemm.beta), 0.0f);
}

TEST(Sgemm, CInTravelsWhenBetaIsNonZero) {
  float a[4] = {}, b[4] = {}, c[4] = {};
  Request r;
  ASSERT_EQ(encode_sgemm(r, 2, 2, 2, 1, a, 2, b, 2, 0.5f, c, 2), 0);
  EXPECT_EQ(r.in[3].buf, addr(c));
  EXPECT_EQ(r.in[3].len, 16u);
  EXPECT_EQ(bits_to_float(r.sgemm.beta), 0.5f);
}

TEST(Sgemm, CInTravelsWhenCHasGapsEvenWithBetaZero) {
  // ldc > n: elements between rows must survive, so C-in seeds them.
  float a[4] = {}, b[4] = {}, c[2 * 5] = {};
  Request r;
  ASSERT_EQ(encode_sgemm(r, 2, 2, 2, 1, a, 2, b, 2, 0.0f, c, 5), 0);
  EXPECT_EQ(r.in[3].len, (5u + 2) * 4);
  EXPECT_EQ(r.out[0].len, (5u + 2) * 4);
  EXPECT_FALSE(sgemm_c_has_gaps(1, 2, 5));  // one row: no gap
  EXPECT_TRUE(sgemm_c_has_gaps(2, 2, 5));
}

TEST(Sgemm, EmptyShapesAndBadShapes) {
  Request r;
  EXPECT_EQ(encode_sgemm(r, 0, 0, 0, 1, nullptr, 1, nullptr, 1, 0, nullptr, 1), 0);
  EXPECT_EQ(r.in[1].len + r.in[2].len + r.in[3].len + r.out[0].len, 0u);
  Request bad;
  float x[4] = {};
  EXPECT_EQ(encode_sgemm(bad, 2, 2, 2, 1, x, 1, x, 2, 0, x, 2), VACCEL_EINVAL);
  EXPECT_EQ(encode_sgemm(bad, -1, 2, 2, 1, x, 2, x, 2, 0, x, 2), VACCEL_EINVAL);
}

TEST(Minmax, ParamsDataThenOutputsAndMinMaxPair) {
  double in[5] = {}, out[5] = {}, mm[2] = {};
  Request r;
  ASSERT_EQ(encode_minmax(r, in, 5, -3, 7, out, mm), 0);
  EXPECT_EQ(r.op, uint32_t{VIRTIO_ACCEL_OP_MINMAX});
  ASSERT_EQ(r.in.size(), 2u);
  ASSERT_EQ(r.out.size(), 2u);
  EXPECT_EQ(r.in[0].buf, addr(&r.minmax));
  EXPECT_EQ(r.in[0].len, 16u);
  EXPECT_EQ(r.minmax.ndata, 5u);
  EXPECT_EQ(static_cast<int32_t>(r.minmax.low_threshold), -3);
  EXPECT_EQ(static_cast<int32_t>(r.minmax.high_threshold), 7);
  EXPECT_EQ(r.minmax.reserved, 0u);
  EXPECT_EQ(r.in[1].len, 40u);
  EXPECT_EQ(r.out[0].buf, addr(out));
  EXPECT_EQ(r.out[0].len, 40u);
  EXPECT_EQ(r.out[1].buf, addr(mm));
  EXPECT_EQ(r.out[1].len, 16u);
  Request bad;
  EXPECT_EQ(encode_minmax(bad, in, -1, 0, 1, out, mm), VACCEL_EINVAL);
}

TEST(Exec, LibraryAndSymbolWithoutNulThenUserArgs) {
  int x = 3, y = 0;
  vaccel_arg rd[1] = {{&x, sizeof x, VACCEL_ARG_INT32, 0, false}};
  vaccel_arg wr[1] = {{&y, sizeof y, VACCEL_ARG_CUSTOM, 42, false}};
  const char *lib = "/usr/lib/libmytestlib.so";
  Request r;
  ASSERT_EQ(encode_exec(r, lib, "mytestfunc", rd, 1, wr, 1), 0);
  EXPECT_EQ(r.op, uint32_t{VIRTIO_ACCEL_OP_EXEC});
  ASSERT_EQ(r.in.size(), 3u);
  ASSERT_EQ(r.out.size(), 1u);
  EXPECT_EQ(r.in[0].buf, addr(lib));
  EXPECT_EQ(r.in[0].len, std::strlen(lib));
  EXPECT_EQ(r.in[1].len, std::strlen("mytestfunc"));
  EXPECT_EQ(r.in[2].buf, addr(&x));
  EXPECT_EQ(r.in[2].len, 4u);
  EXPECT_EQ(r.in[2].type, uint32_t{VACCEL_ARG_INT32});
  EXPECT_EQ(r.out[0].buf, addr(&y));
  EXPECT_EQ(r.out[0].custom_type, 42u);
  EXPECT_EQ(r.resource_id, 0u);
  Request bad;
  EXPECT_EQ(encode_exec(bad, "", "f", nullptr, 0, nullptr, 0), VACCEL_EINVAL);
  EXPECT_EQ(encode_exec(bad, "/l", nullptr, nullptr, 0, nullptr, 0), VACCEL_EINVAL);
}

TEST(Exec, WithResourceNamesTheRemoteResource) {
  int x = 1;
  vaccel_arg rd[1] = {{&x, sizeof x, VACCEL_ARG_INT32, 0, false}};
  Request r;
  ASSERT_EQ(encode_exec_with_resource(r, 77, "sym", rd, 1, nullptr, 0), 0);
  EXPECT_EQ(r.op, uint32_t{VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE});
  EXPECT_EQ(r.resource_id, 77u);
  ASSERT_EQ(r.in.size(), 2u);
  EXPECT_EQ(r.in[0].len, 3u);
  EXPECT_EQ(r.out.size(), 0u);
  Request bad;
  EXPECT_EQ(encode_exec_with_resource(bad, 0, "sym", rd, 1, nullptr, 0), VACCEL_EINVAL);
}

TEST(Fpga, ElementCountsBecomeByteLengths) {
  int ia[3] = {}, io[3] = {};
  float a[4] = {}, b[4] = {}, c[4] = {}, d[4] = {};
  Request r1;
  encode_fpga_arraycopy(r1, ia, io, 3);
  EXPECT_EQ(r1.in[0].len, 12u);
  EXPECT_EQ(r1.out[0].len, 12u);
  Request r2;
  encode_fpga_mmult(r2, a, b, c, 4);
  EXPECT_EQ(r2.in.size(), 2u);
  EXPECT_EQ(r2.out[0].len, 16u);
  Request r3;
  encode_fpga_parallel(r3, a, b, c, d, 4);
  EXPECT_EQ(r3.out.size(), 2u);
  EXPECT_EQ(r3.out[1].buf, addr(d));
  Request r4;
  encode_fpga_vadd(r4, a, b, c, 4, 2);
  EXPECT_EQ(r4.in[0].len, 16u);
  EXPECT_EQ(r4.in[1].len, 8u);  // the host answers BAD_ARGS, like vAccel
  EXPECT_EQ(r4.out[0].len, 16u);
}

TEST(Image, ClassifyHasTwoOutputsOthersOne) {
  unsigned char img[10] = {}, t[8] = {}, n[9] = {};
  Request r;
  encode_classify(r, img, 10, t, 8, n, 9);
  EXPECT_EQ(r.op, uint32_t{VIRTIO_ACCEL_OP_IMAGE_CLASSIFY});
  EXPECT_EQ(r.in.size(), 1u);
  ASSERT_EQ(r.out.size(), 2u);
  EXPECT_EQ(r.out[1].len, 9u);
  Request d;
  encode_image(d, VIRTIO_ACCEL_OP_IMAGE_DEPTH, img, 10, n, 9);
  EXPECT_EQ(d.op, uint32_t{VIRTIO_ACCEL_OP_IMAGE_DEPTH});
  EXPECT_EQ(d.out.size(), 1u);
}

TEST(Model, LoadUnloadCarryOnlyTheResource) {
  Request r;
  encode_model_op(r, VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD, 9);
  EXPECT_EQ(r.resource_id, 9u);
  EXPECT_TRUE(r.in.empty());
  EXPECT_TRUE(r.out.empty());
}

TEST(Resource, TypesAndBlobNames) {
  EXPECT_EQ(wire_resource_type(VACCEL_RESOURCE_LIB), uint32_t{VIRTIO_ACCEL_RES_LIB});
  EXPECT_EQ(wire_resource_type(VACCEL_RESOURCE_DATA), uint32_t{VIRTIO_ACCEL_RES_DATA});
  EXPECT_EQ(wire_resource_type(VACCEL_RESOURCE_MODEL), uint32_t{VIRTIO_ACCEL_RES_MODEL});
  EXPECT_EQ(wire_resource_type(VACCEL_RESOURCE_MAX), 0u);
  EXPECT_TRUE(valid_blob_name("libmytestlib.so"));
  EXPECT_TRUE(valid_blob_name("model-1_v2.pt"));
  EXPECT_FALSE(valid_blob_name(""));
  EXPECT_FALSE(valid_blob_name("."));
  EXPECT_FALSE(valid_blob_name(".."));
  EXPECT_FALSE(valid_blob_name("dir/file"));
  EXPECT_FALSE(valid_blob_name("a b"));
  EXPECT_FALSE(valid_blob_name(std::string(256, 'x').c_str()));
  EXPECT_TRUE(valid_blob_name(std::string(255, 'x').c_str()));
}
