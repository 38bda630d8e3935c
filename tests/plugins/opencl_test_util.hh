// Shared OpenCL test fixture: one runtime for the whole test binary (opening
// PoCL costs ~100 ms). Tests SKIP, naming the reason, when no OpenCL device
// exists; in CI PoCL provides one, so they run.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "cl_ops.hh"

namespace octest {

struct Shared {
  std::unique_ptr<vaccel_ocl::ClRuntime> rt;
  std::unique_ptr<vaccel_ocl::ClOps> ops;
  std::string why_not;
};

inline Shared &shared() {
  static Shared s = [] {
    Shared r;
    try {
      r.rt = std::make_unique<vaccel_ocl::ClRuntime>(
          vaccel_ocl::parse_device_spec([](const char *v) { return std::getenv(v); }));
      r.ops = std::make_unique<vaccel_ocl::ClOps>(*r.rt);
    } catch (const vaccel_ocl::OclError &e) {
      r.why_not = e.what();
    }
    return r;
  }();
  return s;
}

}  // namespace octest

#define REQUIRE_OPENCL()                                                                         \
  do {                                                                                           \
    if (!octest::shared().ops) GTEST_SKIP() << "no OpenCL device: " << octest::shared().why_not; \
  } while (0)

// Runs `stmt`, expecting OclError with vAccel code `code`; evaluates to the
// message so tests can check it names the cause.
#define EXPECT_OCL_ERROR(stmt, want_code)           \
  [&]() -> std::string {                            \
    try {                                           \
      stmt;                                         \
    } catch (const vaccel_ocl::OclError &e) {       \
      EXPECT_EQ(e.code(), (want_code)) << e.what(); \
      return e.what();                              \
    }                                               \
    ADD_FAILURE() << #stmt " did not throw";        \
    return {};                                      \
  }()
