// SPDX-License-Identifier: Apache-2.0
// Plugin loading errors, selection order, fallback, hooks, transport.
#include <unistd.h>

#include <cstring>

#include "helpers.hh"

using Plugins = Runtime;

TEST_F(Plugins, LoadErrorsNameTheProblem) {
  ASSERT_EQ(boot(""), VACCEL_OK);
  EXPECT_EQ(vaccel_plugin_load(nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_plugin_load("/nonexistent/libvaccel-nothing.so"), VACCEL_ENOENT);
  EXPECT_NE(std::string(vaccel_last_error()).find("libvaccel-nothing.so"), std::string::npos);
  EXPECT_EQ(vaccel_plugin_load(tp_path("not-a-plugin").c_str()), VACCEL_ELIBBAD);
  // a valid shared object that is not a plugin (missing symbol)
  EXPECT_EQ(vaccel_plugin_load(RT_TESTLIB), VACCEL_ELIBBAD);
  EXPECT_NE(std::string(vaccel_last_error()).find("vaccel_plugin"), std::string::npos);
  EXPECT_EQ(vaccel_plugin_load(tp_path("tp-oldver").c_str()), VACCEL_EINVAL);
  EXPECT_NE(std::string(vaccel_last_error()).find("0.6.1"), std::string::npos);
  EXPECT_EQ(vaccel_plugin_load(tp_path("tp-badver").c_str()), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_plugin_load(tp_path("tp-noname").c_str()), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_plugin_load(tp_path("tp-initfail").c_str()), VACCEL_ENODEV);
  EXPECT_NE(std::string(vaccel_last_error()).find("initfail"), std::string::npos);
  size_t n = 99;
  ASSERT_EQ(vaccel_plugin_names(nullptr, 0, &n), VACCEL_OK);
  EXPECT_EQ(n, 0u);  // nothing half-loaded stays behind
  ASSERT_EQ(vaccel_plugin_load(RT_NOOP), VACCEL_OK);
  EXPECT_EQ(vaccel_plugin_load(RT_NOOP), VACCEL_EEXIST);
}

TEST_F(Plugins, VersionIgnoreAcceptsMismatch) {
  ASSERT_EQ(boot(tp_path("tp-oldver"), nullptr, false, true), VACCEL_OK);
  const char *names[4];
  size_t n = 0;
  ASSERT_EQ(vaccel_plugin_names(names, 4, &n), VACCEL_OK);
  ASSERT_EQ(n, 1u);
  EXPECT_STREQ(names[0], "oldver");
}

TEST_F(Plugins, BootstrapReportsFirstErrorButKeepsOthers) {
  std::string list = std::string("/nonexistent.so:") + RT_NOOP;
  EXPECT_EQ(boot(list), VACCEL_ENOENT);
  EXPECT_TRUE(vaccel_is_initialized());
  const char *name = nullptr;
  EXPECT_EQ(vaccel_op_plugin_name(VACCEL_OP_NOOP, &name), VACCEL_OK);
  EXPECT_STREQ(name, "noop");
  EXPECT_EQ(vaccel_plugin_parse_and_load(nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_plugin_parse_and_load(RT_CPU), VACCEL_OK);
  EXPECT_EQ(vaccel_op_plugin_name(VACCEL_OP_BLAS_SGEMM, &name), VACCEL_OK);
  EXPECT_STREQ(name, "noop");  // noop loaded first
}

TEST_F(Plugins, SelectionFollowsOrderAndFlags) {
  ASSERT_EQ(boot(tp_path("tp-good") + ":" + tp_path("tp-gpu")), VACCEL_OK);
  float c = 0;
  float a = 1, b = 1;
  {
    Session s(0);
    ASSERT_EQ(vaccel_sgemm(&s, 1, 1, 1, 1, &a, 1, &b, 1, 0, &c, 1), VACCEL_OK);
    EXPECT_EQ(c, 1.0f);
    EXPECT_STREQ(vaccel_last_op_plugin(), "good");
  }
  {
    Session s(VACCEL_PLUGIN_GPU);
    ASSERT_EQ(vaccel_sgemm(&s, 1, 1, 1, 1, &a, 1, &b, 1, 0, &c, 1), VACCEL_OK);
    EXPECT_EQ(c, 2.0f);
    EXPECT_STREQ(vaccel_last_op_plugin(), "gpu");
    const char *name = nullptr;
    ASSERT_EQ(vaccel_session_op_plugin_name(&s, VACCEL_OP_BLAS_SGEMM, &name), VACCEL_OK);
    EXPECT_STREQ(name, "gpu");
    // update flags: preference changes
    ASSERT_EQ(vaccel_session_update(&s, VACCEL_PLUGIN_SOFTWARE), VACCEL_OK);
    ASSERT_EQ(vaccel_sgemm(&s, 1, 1, 1, 1, &a, 1, &b, 1, 0, &c, 1), VACCEL_OK);
    EXPECT_EQ(c, 1.0f);
  }
  // unloading "good" makes "gpu" serve everything
  ASSERT_EQ(vaccel_plugin_unload("good"), VACCEL_OK);
  EXPECT_EQ(vaccel_plugin_unload("good"), VACCEL_ENOENT);
  Session s(0);
  ASSERT_EQ(vaccel_sgemm(&s, 1, 1, 1, 1, &a, 1, &b, 1, 0, &c, 1), VACCEL_OK);
  EXPECT_EQ(c, 2.0f);
}

TEST_F(Plugins, PerOpFallbackOnEnotsup) {
  // decline (GPU) is preferred by the flags but returns ENOTSUP for sgemm
  ASSERT_EQ(boot(tp_path("tp-decline") + ":" + tp_path("tp-good")), VACCEL_OK);
  Session s(VACCEL_PLUGIN_GPU);
  float a = 1, b = 1, c = 0;
  ASSERT_EQ(vaccel_sgemm(&s, 1, 1, 1, 1, &a, 1, &b, 1, 0, &c, 1), VACCEL_OK);
  EXPECT_EQ(c, 1.0f);
  EXPECT_STREQ(vaccel_last_op_plugin(), "good");
  // NOOP is served by decline itself
  ASSERT_EQ(vaccel_noop(&s), VACCEL_OK);
  EXPECT_STREQ(vaccel_last_op_plugin(), "decline");
}

TEST_F(Plugins, AllDeclineGivesEnotsup) {
  ASSERT_EQ(boot(tp_path("tp-decline")), VACCEL_OK);
  Session s;
  float a = 1, b = 1, c = 0;
  EXPECT_EQ(vaccel_sgemm(&s, 1, 1, 1, 1, &a, 1, &b, 1, 0, &c, 1), VACCEL_ENOTSUP);
  EXPECT_NE(std::string(vaccel_last_error()).find("BLAS_SGEMM"), std::string::npos);
}

TEST_F(Plugins, MissingOpErrorNamesOp) {
  ASSERT_EQ(boot(RT_CPU), VACCEL_OK);
  Session s;
  unsigned char img[4] = {1, 2, 3, 4};
  unsigned char out[32];
  EXPECT_EQ(vaccel_image_detection(&s, img, out, sizeof(img), sizeof(out)), VACCEL_ENOTSUP);
  EXPECT_NE(std::string(vaccel_last_error()).find("IMAGE_DETECT"), std::string::npos);
  EXPECT_EQ(vaccel_last_op_plugin(), nullptr);
  const char *name = reinterpret_cast<const char *>(1);
  EXPECT_EQ(vaccel_op_plugin_name(VACCEL_OP_IMAGE_DETECT, &name), VACCEL_ENOTSUP);
  EXPECT_EQ(name, nullptr);
  EXPECT_EQ(vaccel_op_plugin_name(VACCEL_OP_MAX, &name), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_op_plugin_name(VACCEL_OP_NOOP, nullptr), VACCEL_EINVAL);
}

TEST_F(Plugins, RegisterOpsValidation) {
  ASSERT_EQ(boot(RT_NOOP), VACCEL_OK);
  struct vaccel_plugin stranger {};
  vaccel_op bad_owner = {VACCEL_OP_NOOP, reinterpret_cast<void *>(&vaccel_noop), &stranger};
  EXPECT_EQ(vaccel_plugin_register_ops(&bad_owner, 1), VACCEL_EINVAL);
  vaccel_op bad_type = {VACCEL_OP_MAX, reinterpret_cast<void *>(&vaccel_noop), &stranger};
  EXPECT_EQ(vaccel_plugin_register_ops(&bad_type, 1), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_plugin_register_ops(nullptr, 1), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_plugin_register_ops(nullptr, 0), VACCEL_OK);
}

TEST_F(Plugins, LocalHooksRunForEverySessionAndResource) {
  ASSERT_EQ(boot(tp_path("tp-good")), VACCEL_OK);
  tp_stats *st = stats_of("tp-good");
  ASSERT_NE(st, nullptr);
  *st = tp_stats{};
  {
    Session s;
    ASSERT_EQ(s.rc, VACCEL_OK);
    EXPECT_EQ(st->session_init, 1);
    EXPECT_EQ(vaccel_session_update(&s, VACCEL_PLUGIN_CPU), VACCEL_OK);
    EXPECT_EQ(st->session_update, 1);
    vaccel_resource r;
    const char data[] = "abc";
    ASSERT_EQ(vaccel_resource_init_from_buf(&r, data, 3, VACCEL_RESOURCE_DATA, "d.bin", true),
              VACCEL_OK);
    ASSERT_EQ(vaccel_resource_register(&r, &s), VACCEL_OK);
    EXPECT_EQ(st->res_register, 1);
    EXPECT_EQ(vaccel_resource_sync(&r, &s), VACCEL_OK);
    EXPECT_EQ(st->res_sync, 1);
    ASSERT_EQ(vaccel_resource_unregister(&r, &s), VACCEL_OK);
    EXPECT_EQ(st->res_unregister, 1);
    ASSERT_EQ(vaccel_resource_release(&r), VACCEL_OK);
  }
  EXPECT_EQ(st->session_release, 1);
}

TEST_F(Plugins, TransportSessionGetsEverythingByContent) {
  ASSERT_EQ(boot(tp_path("tp-transport") + ":" + RT_NOOP), VACCEL_OK);
  tp_stats *st = stats_of("tp-transport");
  ASSERT_NE(st, nullptr);
  *st = tp_stats{};
  // local session: the transport is never used
  {
    Session local;
    EXPECT_FALSE(local.s.is_virtio);
    EXPECT_EQ(vaccel_noop(&local), VACCEL_OK);
    EXPECT_STREQ(vaccel_last_op_plugin(), "noop");
  }
  EXPECT_EQ(st->session_init, 0);
  Session s(VACCEL_PLUGIN_REMOTE);
  ASSERT_EQ(s.rc, VACCEL_OK);
  EXPECT_TRUE(s.s.is_virtio);
  EXPECT_NE(s.s.plugin, nullptr);
  EXPECT_EQ(st->session_init, 1);
  float a = 1, b = 1, c = 0;
  ASSERT_EQ(vaccel_sgemm(&s, 1, 1, 1, 1, &a, 1, &b, 1, 0, &c, 1), VACCEL_OK);
  EXPECT_EQ(c, 3.0f);
  EXPECT_STREQ(vaccel_last_op_plugin(), "transport");
  // ops the transport lacks are not served locally either
  double in = 1, out = 0, mn = 0, mx = 0;
  EXPECT_EQ(vaccel_minmax(&s, &in, 1, 0, 1, &out, &mn, &mx), VACCEL_ENOTSUP);
  EXPECT_NE(std::string(vaccel_last_error()).find("transport"), std::string::npos);
  // file-backed resource: blob content is loaded before the hook runs
  char path[] = "/tmp/vaccel-tp-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(write(fd, "0123456789", 10), 10);
  close(fd);
  vaccel_resource r;
  ASSERT_EQ(vaccel_resource_init(&r, path, VACCEL_RESOURCE_MODEL), VACCEL_OK);
  EXPECT_EQ(r.blobs, nullptr);  // made at registration, as upstream
  ASSERT_EQ(vaccel_resource_register(&r, &s), VACCEL_OK);
  EXPECT_EQ(st->last_blob_bytes, 10u);
  EXPECT_STREQ(st->last_blob_name, strrchr(path, '/') + 1);
  ASSERT_EQ(vaccel_resource_unregister(&r, &s), VACCEL_OK);
  EXPECT_EQ(vaccel_resource_release(&r), VACCEL_OK);
  unlink(path);
  EXPECT_EQ(vaccel_session_update(&s, VACCEL_PLUGIN_REMOTE), VACCEL_OK);
  EXPECT_EQ(st->session_update, 1);
}

TEST_F(Plugins, RemoteWithoutTransportFails) {
  ASSERT_EQ(boot(RT_NOOP), VACCEL_OK);
  vaccel_session s{};
  EXPECT_EQ(vaccel_session_init(&s, VACCEL_PLUGIN_REMOTE), VACCEL_ENOTSUP);
  EXPECT_NE(std::string(vaccel_last_error()).find("transport"), std::string::npos);
}

TEST_F(Plugins, OnlyTransportLoadedBindsEverySession) {
  ASSERT_EQ(boot(tp_path("tp-transport")), VACCEL_OK);
  Session s(0);
  ASSERT_EQ(s.rc, VACCEL_OK);
  EXPECT_TRUE(s.s.is_virtio);
  EXPECT_EQ(vaccel_noop(&s), VACCEL_OK);
  EXPECT_STREQ(vaccel_last_op_plugin(), "transport");
  const char *name = nullptr;
  EXPECT_EQ(vaccel_op_plugin_name(VACCEL_OP_NOOP, &name), VACCEL_OK);
  EXPECT_STREQ(name, "transport");
}
