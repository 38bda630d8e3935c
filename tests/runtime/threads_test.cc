// SPDX-License-Identifier: Apache-2.0
// N threads x M sessions: concurrent sessions, resources and ops; a plugin
// unloaded while calls are in flight.
#include <atomic>
#include <cstring>
#include <thread>
#include <vector>

#include "helpers.hh"

TEST_F(Runtime, ManyThreadsManySessions) {
  ASSERT_EQ(boot(all_plugins()), VACCEL_OK);
  constexpr int kThreads = 8, kSessions = 6, kRounds = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        vaccel_session s[kSessions];
        for (auto &x : s)
          if (vaccel_session_init(&x, VACCEL_PLUGIN_CPU)) ++failures;
        vaccel_resource r;
        char payload[16] = {};
        snprintf(payload, sizeof(payload), "t%d-r%d", t, round);
        if (vaccel_resource_init_from_buf(&r, payload, sizeof(payload), VACCEL_RESOURCE_DATA, "p",
                                          round % 2))
          ++failures;
        for (int i = 0; i < kSessions; ++i) {
          if (vaccel_resource_register(&r, &s[i])) ++failures;
          float a[4] = {1, 2, 3, 4}, b[4] = {float(t), 0, 0, float(i)}, c[4] = {};
          if (vaccel_sgemm(&s[i], 2, 2, 2, 1, a, 2, b, 2, 0, c, 2) || c[0] != float(t) ||
              c[3] != 4.0f * i)
            ++failures;
          if (strcmp(vaccel_last_op_plugin(), "cpu")) ++failures;
          if (vaccel_noop(&s[i]) || strcmp(vaccel_last_op_plugin(), "noop")) ++failures;
        }
        if (vaccel_resource_refcount(&r) != kSessions) ++failures;
        for (auto &x : s)
          if (vaccel_session_release(&x)) ++failures;
        if (vaccel_resource_release(&r)) ++failures;
      }
    });
  for (auto &t : ts) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST_F(Runtime, UnloadWhileCallsInFlight) {
  ASSERT_EQ(boot(std::string(RT_CPU) + ":" + RT_NOOP), VACCEL_OK);
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      vaccel_session s;
      if (vaccel_session_init(&s, 0)) {
        ++bad;
        return;
      }
      while (!stop) {
        float a[4] = {1, 1, 1, 1}, c[4] = {};
        int ret = vaccel_sgemm(&s, 2, 2, 2, 1, a, 2, a, 2, 0, c, 2);
        // served by cpu (c = 2) or, once cpu is gone, by noop
        // (C untouched)
        if (ret || (c[0] != 2.0f && c[0] != 0.0f)) ++bad;
      }
      vaccel_session_release(&s);
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(vaccel_plugin_unload("cpu"), VACCEL_OK);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  stop = true;
  for (auto &t : ts) t.join();
  EXPECT_EQ(bad.load(), 0);
  const char *name = nullptr;
  EXPECT_EQ(vaccel_op_plugin_name(VACCEL_OP_BLAS_SGEMM, &name), VACCEL_OK);
  EXPECT_STREQ(name, "noop");
}
