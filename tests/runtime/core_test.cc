// SPDX-License-Identifier: Apache-2.0
// Bootstrap, configuration, cleanup, logging, enum strings.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "helpers.hh"

TEST(Config, InitFromValuesAndCopy) {
  struct vaccel_config c;
  ASSERT_EQ(vaccel_config_init(&c, "a.so:b.so", VACCEL_LOG_INFO, "/tmp/x", true, true), VACCEL_OK);
  EXPECT_STREQ(c.plugins, "a.so:b.so");
  EXPECT_EQ(c.log_level, VACCEL_LOG_INFO);
  EXPECT_TRUE(c.profiling_enabled);
  EXPECT_TRUE(c.version_ignore);
  EXPECT_EQ(vaccel_config_exec_allowlist(&c), nullptr);
  ASSERT_EQ(vaccel_config_set_exec_allowlist(&c, "/lib/a.so"), VACCEL_OK);
  struct vaccel_config *copy = nullptr;
  ASSERT_EQ(vaccel_config_from(&copy, &c), VACCEL_OK);
  EXPECT_STREQ(copy->log_file, "/tmp/x");
  EXPECT_STREQ(vaccel_config_exec_allowlist(copy), "/lib/a.so");
  EXPECT_EQ(vaccel_config_delete(copy), VACCEL_OK);
  EXPECT_EQ(vaccel_config_release(&c), VACCEL_OK);
  EXPECT_EQ(c.plugins, nullptr);
}

TEST(Config, ErrorPaths) {
  struct vaccel_config c;
  EXPECT_EQ(vaccel_config_init(nullptr, nullptr, VACCEL_LOG_ERROR, nullptr, false, false),
            VACCEL_EINVAL);
  EXPECT_EQ(
      vaccel_config_init(&c, nullptr, static_cast<vaccel_log_level_t>(9), nullptr, false, false),
      VACCEL_EINVAL);
  EXPECT_EQ(vaccel_config_init_from(&c, nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_config_release(nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_config_new(nullptr, nullptr, VACCEL_LOG_ERROR, nullptr, false, false),
            VACCEL_EINVAL);
  EXPECT_EQ(vaccel_config_from_env(nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_bootstrap_with_config(nullptr), VACCEL_EINVAL);
}

TEST(Config, FromEnvironment) {
  setenv("VACCEL_PLUGINS", "x.so", 1);
  setenv("VACCEL_LOG_LEVEL", "4", 1);
  setenv("VACCEL_LOG_FILE", "/tmp/vaccel-test.log", 1);
  setenv("VACCEL_PROFILING_ENABLED", "1", 1);
  setenv("VACCEL_VERSION_IGNORE", "true", 1);
  setenv("VACCEL_EXEC_ALLOWLIST", "/a.so:/b.so", 1);
  struct vaccel_config *c = nullptr;
  ASSERT_EQ(vaccel_config_from_env(&c), VACCEL_OK);
  EXPECT_STREQ(c->plugins, "x.so");
  EXPECT_EQ(c->log_level, VACCEL_LOG_DEBUG);
  EXPECT_STREQ(c->log_file, "/tmp/vaccel-test.log");
  EXPECT_TRUE(c->profiling_enabled);
  EXPECT_TRUE(c->version_ignore);
  EXPECT_STREQ(vaccel_config_exec_allowlist(c), "/a.so:/b.so");
  vaccel_config_delete(c);
  for (const char *v :
       {"VACCEL_PLUGINS", "VACCEL_LOG_LEVEL", "VACCEL_LOG_FILE", "VACCEL_PROFILING_ENABLED",
        "VACCEL_VERSION_IGNORE", "VACCEL_EXEC_ALLOWLIST"})
    unsetenv(v);
}

// libvaccel bootstraps when it is loaded (ctest runs this without
// VACCEL_PLUGINS): initialized, but a session has no plugin to bind to.
// tests/runtime/bootstrap_race.c covers VACCEL_PLUGINS and
// VACCEL_BOOTSTRAP_ENABLED in fresh processes.
TEST(Core, LoadTimeBootstrapWithoutPlugins) {
  if (getenv("VACCEL_PLUGINS") ||
      (getenv("VACCEL_BOOTSTRAP_ENABLED") && !strcmp(getenv("VACCEL_BOOTSTRAP_ENABLED"), "0")))
    GTEST_SKIP() << "environment sets up vAccel";
  EXPECT_TRUE(vaccel_is_initialized());
  ASSERT_NE(vaccel_rundir(), nullptr);
  vaccel_session s{};
  EXPECT_EQ(vaccel_session_init(&s, 0), VACCEL_ENOTSUP);
  EXPECT_EQ(vaccel_cleanup(), VACCEL_OK);
  EXPECT_FALSE(vaccel_is_initialized());
  EXPECT_EQ(vaccel_session_init(&s, 0), VACCEL_ESESS);
  ASSERT_NE(vaccel_config(), nullptr);  // as upstream: always the struct
  EXPECT_EQ(vaccel_config()->plugins, nullptr);
}

TEST(Core, BootstrapWithConfigAndRundir) {
  ASSERT_EQ(boot(RT_NOOP), VACCEL_OK);
  ASSERT_NE(vaccel_config(), nullptr);
  EXPECT_STREQ(vaccel_config()->plugins, RT_NOOP);
  const char *dir = vaccel_rundir();
  ASSERT_NE(dir, nullptr);
  std::string saved = dir;
  EXPECT_EQ(access(saved.c_str(), W_OK), 0);
  // re-bootstrap replaces the configuration
  ASSERT_EQ(boot(RT_CPU), VACCEL_OK);
  const char *name = nullptr;
  EXPECT_EQ(vaccel_op_plugin_name(VACCEL_OP_NOOP, &name), VACCEL_ENOTSUP);
  EXPECT_EQ(vaccel_op_plugin_name(VACCEL_OP_BLAS_SGEMM, &name), VACCEL_OK);
  EXPECT_STREQ(name, "cpu");
  EXPECT_EQ(vaccel_cleanup(), VACCEL_OK);
  EXPECT_NE(access(saved.c_str(), F_OK), 0);  // rundir removed
  EXPECT_EQ(vaccel_cleanup(), VACCEL_OK);     // idempotent
}

// As upstream: cleanup (and re-bootstrap) release the sessions still alive.
TEST(Core, CleanupReleasesLiveSessions) {
  ASSERT_EQ(boot(RT_NOOP), VACCEL_OK);
  vaccel_session s{};
  ASSERT_EQ(vaccel_session_init(&s, 0), VACCEL_OK);
  EXPECT_EQ(vaccel_cleanup(), VACCEL_OK);
  EXPECT_EQ(s.id, 0);
  EXPECT_EQ(vaccel_session_release(&s), VACCEL_ESESS);
  ASSERT_EQ(boot(RT_NOOP), VACCEL_OK);
  ASSERT_EQ(vaccel_session_init(&s, 0), VACCEL_OK);
  ASSERT_EQ(boot(RT_NOOP), VACCEL_OK);
  EXPECT_EQ(s.id, 0);
  EXPECT_EQ(vaccel_cleanup(), VACCEL_OK);
}

TEST(Core, LogFileReceivesMessages) {
  char path[] = "/tmp/vaccel-log-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  struct vaccel_config c;
  ASSERT_EQ(vaccel_config_init(&c, RT_NOOP, VACCEL_LOG_DEBUG, path, false, false), VACCEL_OK);
  ASSERT_EQ(vaccel_bootstrap_with_config(&c), VACCEL_OK);
  vaccel_config_release(&c);
  EXPECT_EQ(vaccel_log_get_level(), VACCEL_LOG_DEBUG);
  vaccel_info("hello %d", 42);
  {
    Session s;
    vaccel_noop(&s);
  }
  EXPECT_EQ(vaccel_cleanup(), VACCEL_OK);
  vaccel_log_set_level(VACCEL_LOG_ERROR);
  vaccel_log_shutdown();
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find("<INFO> hello 42"), std::string::npos);
  EXPECT_NE(ss.str().find("[noop] noop: session"), std::string::npos);
  unlink(path);
  EXPECT_EQ(vaccel_log_set_level(static_cast<vaccel_log_level_t>(0)), VACCEL_EINVAL);
}

TEST(Enums, Strings) {
  EXPECT_STREQ(vaccel_op_type_to_str(VACCEL_OP_BLAS_SGEMM), "VACCEL_OP_BLAS_SGEMM");
  EXPECT_STREQ(vaccel_op_type_to_base_str(VACCEL_OP_MINMAX), "MINMAX");
  EXPECT_STREQ(vaccel_op_type_to_base_str(VACCEL_OP_MAX), "MAX");
  EXPECT_STREQ(vaccel_op_type_str(VACCEL_OP_NOOP), "VACCEL_OP_NOOP");
  EXPECT_STREQ(vaccel_arg_type_to_base_str(VACCEL_ARG_STRING), "STRING");
  EXPECT_STREQ(vaccel_arg_type_to_str(VACCEL_ARG_CUSTOM), "VACCEL_ARG_CUSTOM");
  EXPECT_STREQ(vaccel_resource_type_to_base_str(VACCEL_RESOURCE_MODEL), "MODEL");
  EXPECT_STREQ(vaccel_plugin_type_to_base_str(VACCEL_PLUGIN_GPU), "GPU");
  EXPECT_STREQ(vaccel_plugin_type_to_str(VACCEL_PLUGIN_REMOTE), "VACCEL_PLUGIN_REMOTE");
  EXPECT_STREQ(vaccel_log_level_to_base_str(VACCEL_LOG_WARN), "WARN");
  EXPECT_STREQ(vaccel_blob_type_to_base_str(VACCEL_BLOB_MAPPED), "MAPPED");
  EXPECT_STREQ(vaccel_path_type_to_base_str(VACCEL_PATH_LOCAL_DIR), "LOCAL_DIR");
  // upstream numbering of the C API
  EXPECT_EQ(VACCEL_OP_EXEC_WITH_RESOURCE, 2);
  EXPECT_EQ(VACCEL_OP_IMAGE_DEPTH, 7);
  EXPECT_EQ(VACCEL_OP_TORCH_SGEMM, 16);
  EXPECT_EQ(VACCEL_OP_BLAS_SGEMM, 17);
  EXPECT_EQ(VACCEL_OP_FPGA_VECTORADD, 21);
  EXPECT_EQ(VACCEL_OP_OPENCV, 23);
  EXPECT_EQ(VACCEL_ESESS, ECONNRESET);
  EXPECT_EQ(VACCEL_EBACKEND, EPROTO);
}

TEST(Core, LogInitFollowsActiveConfigAndIntrospectionErrors) {
  ASSERT_EQ(boot(RT_NOOP), VACCEL_OK);
  EXPECT_EQ(vaccel_log_init(), VACCEL_OK);
  EXPECT_EQ(vaccel_log_get_level(), VACCEL_LOG_ERROR);
  vaccel_config_print_debug(vaccel_config());
  const char *name = nullptr;
  vaccel_session dead{};
  EXPECT_EQ(vaccel_session_op_plugin_name(&dead, VACCEL_OP_NOOP, &name), VACCEL_ESESS);
  EXPECT_EQ(vaccel_session_op_plugin_name(&dead, VACCEL_OP_MAX, &name), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_session_op_plugin_name(&dead, VACCEL_OP_NOOP, nullptr), VACCEL_EINVAL);
  size_t n = 0;
  EXPECT_EQ(vaccel_plugin_names(nullptr, 1, &n), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_plugin_names(nullptr, 0, nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_plugin_unload(nullptr), VACCEL_EINVAL);
  EXPECT_FALSE(vaccel_exec_path_allowed(nullptr));
  EXPECT_TRUE(vaccel_exec_path_allowed("/any/lib.so"));  // no allow-list
  EXPECT_EQ(vaccel_cleanup(), VACCEL_OK);
  EXPECT_EQ(vaccel_log_shutdown(), VACCEL_OK);
}
