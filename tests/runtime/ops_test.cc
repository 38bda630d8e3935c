// SPDX-License-Identifier: Apache-2.0
// Every op entry point: behaviour with the noop/exec/cpu plugins and the
// runtime's validation errors.
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "helpers.hh"

namespace {

class Ops : public Runtime {
 protected:
  void SetUp() override { ASSERT_EQ(boot(all_plugins()), VACCEL_OK); }
};

class CpuOps : public Runtime {
 protected:
  void SetUp() override { ASSERT_EQ(boot(RT_CPU), VACCEL_OK); }
};

std::vector<uint8_t> slurp(const char *path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST_F(Ops, NoopAndNullSession) {
  Session s;
  EXPECT_EQ(vaccel_noop(&s), VACCEL_OK);
  EXPECT_STREQ(vaccel_last_op_plugin(), "noop");
  EXPECT_EQ(vaccel_noop(nullptr), VACCEL_EINVAL);
  EXPECT_STREQ(vaccel_last_error(), "vaccel_noop: NULL session");
}

TEST_F(Ops, ExecPrefersFlagsThenOrder) {
  int in = 10, out = 0;
  vaccel_arg read[1] = {{&in, sizeof(in), VACCEL_ARG_RAW, 0, false}};
  vaccel_arg write[1] = {{&out, sizeof(out), VACCEL_ARG_RAW, 0, false}};
  {
    // noop comes first in VACCEL_PLUGINS: its dummy output = input
    Session s;
    ASSERT_EQ(vaccel_exec(&s, "/nonexistent.so", "f", read, 1, write, 1), VACCEL_OK);
    EXPECT_EQ(out, 10);
    EXPECT_STREQ(vaccel_last_op_plugin(), "noop");
  }
  Session s(VACCEL_PLUGIN_GENERIC);  // prefer the exec plugin
  out = 0;
  ASSERT_EQ(vaccel_exec(&s, RT_TESTLIB, "mytestfunc", read, 1, write, 1), VACCEL_OK);
  EXPECT_EQ(out, 20);
  EXPECT_STREQ(vaccel_last_op_plugin(), "exec");
  EXPECT_EQ(vaccel_exec(&s, RT_TESTLIB, "mytestfunc_fail", read, 1, write, 1), VACCEL_ENOEXEC);
  EXPECT_EQ(vaccel_exec(&s, RT_TESTLIB, "no_such_symbol", read, 1, write, 1), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_exec(&s, "/nonexistent.so", "f", read, 1, write, 1), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_exec(&s, nullptr, "f", read, 1, write, 1), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_exec(&s, RT_TESTLIB, nullptr, read, 1, write, 1), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_exec(&s, RT_TESTLIB, "f", nullptr, 1, write, 1), VACCEL_EINVAL);
}

TEST_F(Runtime, ExecAllowList) {
  std::string list = std::string(RT_EXEC);
  ASSERT_EQ(boot(list, RT_TESTLIB), VACCEL_OK);
  Session s;
  int v[3] = {1, 2, 3}, r[3] = {};
  vaccel_arg read[1] = {{v, sizeof(v), VACCEL_ARG_RAW, 0, false}};
  vaccel_arg write[1] = {{r, sizeof(r), VACCEL_ARG_RAW, 0, false}};
  ASSERT_EQ(vaccel_exec(&s, RT_TESTLIB, "mytestfunc_reverse", read, 1, write, 1), VACCEL_OK);
  EXPECT_EQ(r[0], 3);
  EXPECT_EQ(r[2], 1);
  EXPECT_TRUE(vaccel_exec_path_allowed(RT_TESTLIB));
  EXPECT_FALSE(vaccel_exec_path_allowed(RT_NOOP));
  // a library outside the list is refused before it is loaded
  EXPECT_EQ(vaccel_exec(&s, RT_NOOP, "vaccel_plugin", read, 1, write, 1), VACCEL_EPERM);
  // in-memory libraries are refused while an allow-list is active
  auto bytes = slurp(RT_TESTLIB);
  vaccel_resource res;
  ASSERT_EQ(vaccel_resource_init_from_buf(&res, bytes.data(), bytes.size(), VACCEL_RESOURCE_LIB,
                                          "lib.so", true),
            VACCEL_OK);
  ASSERT_EQ(vaccel_resource_register(&res, &s), VACCEL_OK);
  EXPECT_EQ(vaccel_exec_with_resource(&s, &res, "mytestfunc_reverse", read, 1, write, 1),
            VACCEL_EPERM);
  ASSERT_EQ(vaccel_resource_unregister(&res, &s), VACCEL_OK);
  ASSERT_EQ(vaccel_resource_release(&res), VACCEL_OK);
}

TEST_F(Runtime, ExecWithResourceFromFileAndMemory) {
  ASSERT_EQ(boot(RT_EXEC), VACCEL_OK);
  Session s;
  int in = 7, out = 0;
  vaccel_arg read[1] = {{&in, sizeof(in), VACCEL_ARG_RAW, 0, false}};
  vaccel_arg write[1] = {{&out, sizeof(out), VACCEL_ARG_RAW, 0, false}};
  vaccel_resource file;
  ASSERT_EQ(vaccel_resource_init(&file, RT_TESTLIB, VACCEL_RESOURCE_LIB), VACCEL_OK);
  // not registered yet
  EXPECT_EQ(vaccel_exec_with_resource(&s, &file, "mytestfunc", read, 1, write, 1), VACCEL_EPERM);
  ASSERT_EQ(vaccel_resource_register(&file, &s), VACCEL_OK);
  ASSERT_EQ(vaccel_exec_with_resource(&s, &file, "mytestfunc", read, 1, write, 1), VACCEL_OK);
  EXPECT_EQ(out, 14);

  auto bytes = slurp(RT_TESTLIB);
  vaccel_resource mem;
  ASSERT_EQ(vaccel_resource_init_from_buf(&mem, bytes.data(), bytes.size(), VACCEL_RESOURCE_LIB,
                                          "libx.so", true),
            VACCEL_OK);
  ASSERT_EQ(vaccel_resource_register(&mem, &s), VACCEL_OK);
  in = 50;
  ASSERT_EQ(vaccel_exec_with_resource(&s, &mem, "mytestfunc", read, 1, write, 1), VACCEL_OK);
  EXPECT_EQ(out, 100);

  // wrong resource type
  vaccel_resource data;
  ASSERT_EQ(vaccel_resource_init_from_buf(&data, "x", 1, VACCEL_RESOURCE_DATA, "d", true),
            VACCEL_OK);
  ASSERT_EQ(vaccel_resource_register(&data, &s), VACCEL_OK);
  EXPECT_EQ(vaccel_exec_with_resource(&s, &data, "mytestfunc", read, 1, write, 1), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_exec_with_resource(&s, nullptr, "mytestfunc", read, 1, write, 1), VACCEL_EINVAL);

  // via genop: resource id + symbol
  uint8_t op = VACCEL_OP_EXEC_WITH_RESOURCE;
  int64_t id = mem.id;
  char sym[] = "mytestfunc";
  in = 4;
  vaccel_arg gread[3] = {{&op, 1, VACCEL_ARG_UINT8, 0, false},
                         {&id, sizeof(id), VACCEL_ARG_INT64, 0, false},
                         {sym, sizeof(sym), VACCEL_ARG_STRING, 0, false}};
  vaccel_arg gall[4] = {gread[0], gread[1], gread[2], read[0]};
  ASSERT_EQ(vaccel_genop(&s, gall, 4, write, 1), VACCEL_OK);
  EXPECT_EQ(out, 8);

  for (vaccel_resource *r : {&file, &mem, &data}) {
    ASSERT_EQ(vaccel_resource_unregister(r, &s), VACCEL_OK);
    ASSERT_EQ(vaccel_resource_release(r), VACCEL_OK);
  }
}

TEST_F(CpuOps, FpgaOpsExactSemantics) {
  Session s;
  int a[5] = {1, -2, 3, 400000, -5}, o[5] = {};
  ASSERT_EQ(vaccel_fpga_arraycopy(&s, a, o, 5), VACCEL_OK);
  EXPECT_EQ(memcmp(a, o, sizeof(a)), 0);
  EXPECT_STREQ(vaccel_last_op_plugin(), "cpu");

  float x[4] = {1.5f, -2.0f, 1e10f, 0.1f}, y[4] = {2.0f, 0.5f, 1.0f, 0.2f};
  float c[4], add[4], mul[4];
  ASSERT_EQ(vaccel_fpga_vadd(&s, x, y, c, 4, 4), VACCEL_OK);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(c[i], x[i] + y[i]);
  EXPECT_EQ(vaccel_fpga_vadd(&s, x, y, c, 4, 3), VACCEL_EINVAL);
  ASSERT_EQ(vaccel_fpga_parallel(&s, x, y, add, mul, 4), VACCEL_OK);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(add[i], x[i] + y[i]);
    EXPECT_EQ(mul[i], x[i] * y[i]);
  }
  float m1[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  float m2[9] = {9, 8, 7, 6, 5, 4, 3, 2, 1};
  float m3[9];
  ASSERT_EQ(vaccel_fpga_mmult(&s, m1, m2, m3, 9), VACCEL_OK);
  const float want[9] = {30, 24, 18, 84, 69, 54, 138, 114, 90};
  for (int i = 0; i < 9; ++i) EXPECT_EQ(m3[i], want[i]);
  EXPECT_EQ(vaccel_fpga_mmult(&s, m1, m2, m3, 8), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_fpga_mmult(&s, nullptr, m2, m3, 9), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_fpga_arraycopy(&s, a, o, 0), VACCEL_OK);
  EXPECT_EQ(vaccel_fpga_arraycopy(&s, nullptr, o, 1), VACCEL_EINVAL);
}

TEST_F(CpuOps, MinmaxClampsAndReportsExtremes) {
  Session s;
  double in[6] = {5.5, -3.0, 12.0, 7.25, 0.0, 99.0}, out[6];
  double mn = 0, mx = 0;
  ASSERT_EQ(vaccel_minmax(&s, in, 6, 0, 10, out, &mn, &mx), VACCEL_OK);
  const double want[6] = {5.5, 0.0, 10.0, 7.25, 0.0, 10.0};
  for (int i = 0; i < 6; ++i) EXPECT_EQ(out[i], want[i]);
  EXPECT_EQ(mn, -3.0);
  EXPECT_EQ(mx, 99.0);
  EXPECT_EQ(vaccel_minmax(&s, in, 0, 0, 10, out, &mn, &mx), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_minmax(&s, in, 6, 10, 0, out, &mn, &mx), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_minmax(&s, in, 6, 0, 10, out, nullptr, &mx), VACCEL_EINVAL);
}

// A failed op is the caller's result, not a host log line (issue 9 item 4: a
// guest failing ops on purpose must not flood the host runtime's log).
TEST_F(CpuOps, FailedOpsDoNotWriteToTheLog) {
  Session s;
  unsigned char img[8] = {}, t[16], n[16];
  testing::internal::CaptureStderr();
  for (int i = 0; i < 50; i++) {
    EXPECT_EQ(vaccel_image_classification(&s, img, t, n, 8, 16, 16), VACCEL_ENOTSUP);
    EXPECT_EQ(vaccel_noop(&s), VACCEL_ENOTSUP);
  }
  EXPECT_EQ(testing::internal::GetCapturedStderr(), "");
  EXPECT_NE(std::string(vaccel_last_error()).find("NOOP"), std::string::npos);
}

TEST_F(CpuOps, ImageAndModelOpsAreUnsupported) {
  Session s;
  unsigned char img[8] = {}, t[16], n[16];
  EXPECT_EQ(vaccel_image_classification(&s, img, t, n, 8, 16, 16), VACCEL_ENOTSUP);
  EXPECT_NE(std::string(vaccel_last_error()).find("IMAGE_CLASSIFY"), std::string::npos);
  EXPECT_EQ(vaccel_image_segmentation(&s, img, n, 8, 16), VACCEL_ENOTSUP);
  EXPECT_EQ(vaccel_image_pose(&s, img, n, 8, 16), VACCEL_ENOTSUP);
  EXPECT_EQ(vaccel_image_depth(&s, img, n, 8, 16), VACCEL_ENOTSUP);
  EXPECT_EQ(vaccel_noop(&s), VACCEL_ENOTSUP);
  EXPECT_NE(std::string(vaccel_last_error()).find("NOOP"), std::string::npos);
  EXPECT_EQ(vaccel_opencv(&s, nullptr, 0, nullptr, 0), VACCEL_ENOTSUP);
  vaccel_resource m;
  ASSERT_EQ(vaccel_resource_init_from_buf(&m, "m", 1, VACCEL_RESOURCE_MODEL, "m", true), VACCEL_OK);
  ASSERT_EQ(vaccel_resource_register(&m, &s), VACCEL_OK);
  EXPECT_EQ(vaccel_torch_model_load(&s, &m), VACCEL_ENOTSUP);
  EXPECT_NE(std::string(vaccel_last_error()).find("TORCH_MODEL_LOAD"), std::string::npos);
  EXPECT_EQ(vaccel_tflite_model_load(&s, &m), VACCEL_ENOTSUP);
  EXPECT_EQ(vaccel_tf_model_load(&s, &m, nullptr), VACCEL_ENOTSUP);
  ASSERT_EQ(vaccel_resource_unregister(&m, &s), VACCEL_OK);
  ASSERT_EQ(vaccel_resource_release(&m), VACCEL_OK);
}

TEST_F(Ops, ImageOpsWithNoop) {
  Session s;
  unsigned char img[10] = {}, t[64], n[64];
  ASSERT_EQ(vaccel_image_classification(&s, img, t, n, 10, sizeof(t), sizeof(n)), VACCEL_OK);
  EXPECT_STREQ(reinterpret_cast<char *>(t), "This is a dummy classification tag!");
  ASSERT_EQ(vaccel_image_detection(&s, img, n, 10, sizeof(n)), VACCEL_OK);
  EXPECT_STREQ(reinterpret_cast<char *>(n), "This is a dummy imgname!");
  ASSERT_EQ(vaccel_image_segmentation(&s, img, n, 10, sizeof(n)), VACCEL_OK);
  EXPECT_STREQ(reinterpret_cast<char *>(n), "This is a dummy imgname!");
  ASSERT_EQ(vaccel_image_pose(&s, img, n, 10, 5), VACCEL_OK);
  EXPECT_STREQ(reinterpret_cast<char *>(n), "This");  // truncated to fit
  ASSERT_EQ(vaccel_image_depth(&s, img, n, 10, sizeof(n)), VACCEL_OK);
  EXPECT_STREQ(reinterpret_cast<char *>(n), "This is a dummy imgname!");
  EXPECT_EQ(vaccel_image_detection(&s, nullptr, n, 10, sizeof(n)), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_image_detection(&s, img, nullptr, 10, sizeof(n)), VACCEL_EINVAL);
}

TEST_F(Ops, GenopForms) {
  Session s;
  // NOOP with a 4-byte op code
  int32_t op32 = VACCEL_OP_NOOP;
  vaccel_arg r0[1] = {{&op32, 4, VACCEL_ARG_INT32, 0, false}};
  EXPECT_EQ(vaccel_genop(&s, r0, 1, nullptr, 0), VACCEL_OK);

  // BLAS_SGEMM through genop with the cpu plugin preferred
  Session cpu(VACCEL_PLUGIN_CPU);
  uint8_t op = VACCEL_OP_BLAS_SGEMM;
  // upstream 0.8's layout: op, m, n, k, alpha, A, lda, B, ldb, beta, ldc
  int64_t m = 2, n = 2, k = 3, lda = 3, ldb = 2, ldc = 2;
  float alpha = 1, beta = 0;
  float A[6] = {1, 2, 3, 4, 5, 6}, B[6] = {1, 0, 0, 1, 1, 1}, C[4] = {};
  vaccel_arg rd[11] = {
      {&op, 1, VACCEL_ARG_UINT8, 0, false},      {&m, 8, VACCEL_ARG_INT64, 0, false},
      {&n, 8, VACCEL_ARG_INT64, 0, false},       {&k, 8, VACCEL_ARG_INT64, 0, false},
      {&alpha, 4, VACCEL_ARG_FLOAT32, 0, false}, {A, sizeof(A), VACCEL_ARG_FLOAT32_ARRAY, 0, false},
      {&lda, 8, VACCEL_ARG_INT64, 0, false},     {B, sizeof(B), VACCEL_ARG_FLOAT32_ARRAY, 0, false},
      {&ldb, 8, VACCEL_ARG_INT64, 0, false},     {&beta, 4, VACCEL_ARG_FLOAT32, 0, false},
      {&ldc, 8, VACCEL_ARG_INT64, 0, false}};
  vaccel_arg wr[1] = {{C, sizeof(C), VACCEL_ARG_FLOAT32_ARRAY, 0, false}};
  ASSERT_EQ(vaccel_genop(&cpu, rd, 11, wr, 1), VACCEL_OK);
  EXPECT_STREQ(vaccel_last_op_plugin(), "cpu");
  const float want[4] = {4, 5, 10, 11};
  for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(C[i], want[i]);
  // undersized output is rejected before any plugin runs
  wr[0].size = 3 * sizeof(float);
  EXPECT_EQ(vaccel_genop(&cpu, rd, 11, wr, 1), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_genop(&cpu, rd, 10, wr, 1), VACCEL_EINVAL);

  // MINMAX
  op = VACCEL_OP_MINMAX;
  double in[3] = {3, -1, 8}, out[3], mn, mx;
  int nd = 3, lo = 0, hi = 5;
  vaccel_arg mr[5] = {{&op, 1, VACCEL_ARG_UINT8, 0, false},
                      {in, sizeof(in), VACCEL_ARG_FLOAT64_ARRAY, 0, false},
                      {&nd, 4, VACCEL_ARG_INT32, 0, false},
                      {&lo, 4, VACCEL_ARG_INT32, 0, false},
                      {&hi, 4, VACCEL_ARG_INT32, 0, false}};
  vaccel_arg mw[3] = {{out, sizeof(out), VACCEL_ARG_FLOAT64_ARRAY, 0, false},
                      {&mn, 8, VACCEL_ARG_FLOAT64, 0, false},
                      {&mx, 8, VACCEL_ARG_FLOAT64, 0, false}};
  ASSERT_EQ(vaccel_genop(&cpu, mr, 5, mw, 3), VACCEL_OK);
  EXPECT_EQ(out[1], 0.0);
  EXPECT_EQ(out[2], 5.0);
  EXPECT_EQ(mn, -1.0);
  EXPECT_EQ(mx, 8.0);
  nd = 4;  // more than the buffer holds
  EXPECT_EQ(vaccel_genop(&cpu, mr, 5, mw, 3), VACCEL_EINVAL);

  // FPGA ops
  op = VACCEL_OP_FPGA_VECTORADD;
  float fa[2] = {1, 2}, fb[2] = {3, 4}, fc[2];
  vaccel_arg vr[3] = {{&op, 1, VACCEL_ARG_UINT8, 0, false},
                      {fa, 8, VACCEL_ARG_FLOAT32_ARRAY, 0, false},
                      {fb, 8, VACCEL_ARG_FLOAT32_ARRAY, 0, false}};
  vaccel_arg vw[2] = {{fc, 8, VACCEL_ARG_FLOAT32_ARRAY, 0, false},
                      {fc, 8, VACCEL_ARG_FLOAT32_ARRAY, 0, false}};
  ASSERT_EQ(vaccel_genop(&cpu, vr, 3, vw, 1), VACCEL_OK);
  EXPECT_EQ(fc[1], 6.0f);
  op = VACCEL_OP_FPGA_MMULT;
  float ma[4] = {1, 2, 3, 4}, mb[4] = {1, 0, 0, 1}, mc[4];
  vaccel_arg mmr[3] = {{&op, 1, VACCEL_ARG_UINT8, 0, false},
                       {ma, 16, VACCEL_ARG_FLOAT32_ARRAY, 0, false},
                       {mb, 16, VACCEL_ARG_FLOAT32_ARRAY, 0, false}};
  vaccel_arg mmw[1] = {{mc, 16, VACCEL_ARG_FLOAT32_ARRAY, 0, false}};
  ASSERT_EQ(vaccel_genop(&cpu, mmr, 3, mmw, 1), VACCEL_OK);
  EXPECT_EQ(mc[3], 4.0f);
  op = VACCEL_OP_FPGA_PARALLEL;
  float pa[2], pm[2];
  vaccel_arg pw[2] = {{pa, 8, VACCEL_ARG_FLOAT32_ARRAY, 0, false},
                      {pm, 8, VACCEL_ARG_FLOAT32_ARRAY, 0, false}};
  ASSERT_EQ(vaccel_genop(&cpu, vr, 3, pw, 2), VACCEL_OK);
  EXPECT_EQ(pm[1], 8.0f);
  op = VACCEL_OP_FPGA_ARRAYCOPY;
  int ia[2] = {5, 6}, ib[2];
  vaccel_arg ar[2] = {{&op, 1, VACCEL_ARG_UINT8, 0, false},
                      {ia, 8, VACCEL_ARG_INT32_ARRAY, 0, false}};
  vaccel_arg aw[1] = {{ib, 8, VACCEL_ARG_INT32_ARRAY, 0, false}};
  ASSERT_EQ(vaccel_genop(&cpu, ar, 2, aw, 1), VACCEL_OK);
  EXPECT_EQ(ib[1], 6);

  // EXEC through genop (noop serves it for a flag-less session)
  op = VACCEL_OP_EXEC;
  char lib[] = "/x.so", sym[] = "f";
  int ein = 3, eout = 0;
  vaccel_arg er[4] = {{&op, 1, VACCEL_ARG_UINT8, 0, false},
                      {lib, sizeof(lib), VACCEL_ARG_STRING, 0, false},
                      {sym, sizeof(sym), VACCEL_ARG_STRING, 0, false},
                      {&ein, 4, VACCEL_ARG_RAW, 0, false}};
  vaccel_arg ew[1] = {{&eout, 4, VACCEL_ARG_RAW, 0, false}};
  ASSERT_EQ(vaccel_genop(&s, er, 4, ew, 1), VACCEL_OK);
  EXPECT_EQ(eout, 3);

  // IMAGE_CLASSIFY through genop
  op = VACCEL_OP_IMAGE_CLASSIFY;
  unsigned char img[3] = {1, 2, 3}, t[64], nm[32];
  vaccel_arg ir[2] = {{&op, 1, VACCEL_ARG_UINT8, 0, false}, {img, 3, VACCEL_ARG_BUFFER, 0, false}};
  // upstream 0.8's layout: write = out_imgname, out_text
  vaccel_arg iw[2] = {{nm, 32, VACCEL_ARG_BUFFER, 0, false}, {t, 64, VACCEL_ARG_BUFFER, 0, false}};
  ASSERT_EQ(vaccel_genop(&s, ir, 2, iw, 2), VACCEL_OK);
  EXPECT_STREQ(reinterpret_cast<char *>(t), "This is a dummy classification tag!");
  EXPECT_STREQ(reinterpret_cast<char *>(nm), "This is a dummy imgname!");

  // errors
  uint8_t badop = 200;
  vaccel_arg br[1] = {{&badop, 1, VACCEL_ARG_UINT8, 0, false}};
  EXPECT_EQ(vaccel_genop(&s, br, 1, nullptr, 0), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_genop(&s, nullptr, 0, nullptr, 0), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_genop(nullptr, br, 1, nullptr, 0), VACCEL_EINVAL);
  op = VACCEL_OP_TF_MODEL_RUN;
  vaccel_arg tr[1] = {{&op, 1, VACCEL_ARG_UINT8, 0, false}};
  EXPECT_EQ(vaccel_genop(&s, tr, 1, nullptr, 0), VACCEL_ENOTSUP);
}

TEST_F(Ops, NoopDummyOutputs) {
  Session s;  // noop first
  double in[2] = {1, 2}, out[2], mn, mx;
  ASSERT_EQ(vaccel_minmax(&s, in, 2, -4, 4, out, &mn, &mx), VACCEL_OK);
  EXPECT_EQ(out[1], 2.0);
  EXPECT_EQ(mn, -1.0);  // upstream noop's fixed dummies
  EXPECT_EQ(mx, 10000.0);
  float a[4] = {1, 1, 1, 1}, c[4] = {5, 5, 5, 5};
  ASSERT_EQ(vaccel_fpga_vadd(&s, a, a, c, 4, 4), VACCEL_OK);
  EXPECT_EQ(c[0], 2.0f);
  EXPECT_STREQ(vaccel_last_op_plugin(), "noop");
  EXPECT_EQ(vaccel_opencv(&s, nullptr, 0, nullptr, 0), VACCEL_OK);
  EXPECT_EQ(vaccel_opencv_unpack(&s, nullptr, -1, nullptr, 0), VACCEL_EINVAL);
}
