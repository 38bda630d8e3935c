// SPDX-License-Identifier: Apache-2.0
// Profiling regions.
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "helpers.hh"

TEST_F(Runtime, ProfilingRecordsWhenEnabled) {
  ASSERT_EQ(boot(RT_NOOP, nullptr, true), VACCEL_OK);
  EXPECT_TRUE(vaccel_prof_enabled());
  vaccel_prof_region r = VACCEL_PROF_REGION_INIT("static_region");
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(vaccel_prof_region_start(&r), VACCEL_OK);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_EQ(vaccel_prof_region_stop(&r), VACCEL_OK);
  }
  EXPECT_EQ(r.nr_entries, 3u);
  EXPECT_GE(vaccel_prof_region_total_time(&r), 3'000'000u);
  EXPECT_EQ(vaccel_prof_region_stop(&r), VACCEL_EINVAL);  // nothing open
  EXPECT_EQ(vaccel_prof_region_print(&r), VACCEL_OK);
  char *txt = nullptr;
  ASSERT_EQ(vaccel_prof_regions_print_all_to_buf(&txt, 0, &r, 1), VACCEL_OK);
  EXPECT_NE(strstr(txt, "static_region"), nullptr);
  EXPECT_NE(strstr(txt, "nr_entries: 3"), nullptr);
  free(txt);
  char small[8];
  char *sp = small;
  EXPECT_EQ(vaccel_prof_regions_print_all_to_buf(&sp, sizeof(small), &r, 1), VACCEL_ENOSPC);
  EXPECT_EQ(vaccel_prof_region_release(&r), VACCEL_OK);

  // dynamically named regions, concurrent start/stop on one region
  vaccel_prof_region regs[2];
  ASSERT_EQ(vaccel_prof_region_init(&regs[0], "a"), VACCEL_OK);
  ASSERT_EQ(vaccel_prof_region_init(&regs[1], "b"), VACCEL_OK);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        vaccel_prof_regions_start_by_name(regs, 2, "b");
        vaccel_prof_regions_stop_by_name(regs, 2, "b");
      }
    });
  for (auto &t : ts) t.join();
  EXPECT_EQ(regs[1].nr_entries, 400u);
  EXPECT_EQ(regs[0].nr_entries, 0u);
  EXPECT_EQ(vaccel_prof_regions_start_by_name(regs, 2, "zzz"), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_prof_regions_print_all(regs, 2), VACCEL_OK);
  EXPECT_EQ(vaccel_prof_regions_release(regs, 2), VACCEL_OK);
  EXPECT_EQ(vaccel_prof_region_start(nullptr), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_prof_region_init(nullptr, "x"), VACCEL_EINVAL);
  EXPECT_EQ(vaccel_prof_flush(), VACCEL_OK);
}

TEST_F(Runtime, ProfilingDisabledRecordsNothing) {
  ASSERT_EQ(boot(RT_NOOP, nullptr, false), VACCEL_OK);
  EXPECT_FALSE(vaccel_prof_enabled());
  vaccel_prof_region r = VACCEL_PROF_REGION_INIT("off");
  EXPECT_EQ(vaccel_prof_region_start(&r), VACCEL_OK);
  EXPECT_EQ(vaccel_prof_region_stop(&r), VACCEL_OK);
  EXPECT_EQ(r.nr_entries, 0u);
  EXPECT_EQ(vaccel_prof_region_release(&r), VACCEL_OK);
}
