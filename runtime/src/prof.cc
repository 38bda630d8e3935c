// SPDX-License-Identifier: Apache-2.0
// Profiling regions and per-op timing.
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "internal.hh"

namespace vaccel_rt {

uint64_t now_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

namespace {
struct OpStats {
  std::atomic<uint64_t> total{0};
  std::atomic<uint64_t> count{0};
};
std::array<OpStats, VACCEL_OP_MAX> &op_stats() {
  static auto *s = new std::array<OpStats, VACCEL_OP_MAX>;
  return *s;
}
}  // namespace

void op_prof_record(vaccel_op_type_t op, uint64_t ns) {
  if (!vaccel_prof_enabled() || op < 0 || op >= VACCEL_OP_MAX) return;
  op_stats()[op].total += ns;
  op_stats()[op].count += 1;
}

void op_prof_print_all() {
  if (!vaccel_prof_enabled()) return;
  for (int i = 0; i < VACCEL_OP_MAX; ++i) {
    OpStats &s = op_stats()[i];
    if (s.count)
      vaccel_info(
          "[prof] vaccel_%s_op: total_time: %llu nsec "
          "nr_entries: %llu",
          vaccel_op_type_to_base_str(static_cast<vaccel_op_type_t>(i)),
          static_cast<unsigned long long>(s.total.load()),
          static_cast<unsigned long long>(s.count.load()));
    s.total = 0;
    s.count = 0;
  }
}

}  // namespace vaccel_rt

using namespace vaccel_rt;

namespace {

// Regions have upstream's layout (no lock of their own): a fixed set of
// mutexes, picked by the region's address, serializes operations on each.
std::mutex &region_mutex(const vaccel_prof_region *r) {
  static std::mutex stripes[64];
  return stripes[(reinterpret_cast<uintptr_t>(r) / sizeof(void *)) % 64];
}

struct Locked {
  explicit Locked(const vaccel_prof_region *r) : l_(region_mutex(r)) {}
  std::lock_guard<std::mutex> l_;
};

uint64_t total_locked(const vaccel_prof_region *r) {
  uint64_t t = 0;
  for (size_t i = 0; i < r->nr_entries; ++i) t += r->samples[i].time;
  return t;
}

std::string format_region(const vaccel_prof_region *r) {
  char line[256];
  snprintf(line, sizeof(line), "[prof] %s: total_time: %llu nsec nr_entries: %zu\n",
           r->name ? r->name : "(unnamed)", static_cast<unsigned long long>(total_locked(r)),
           r->nr_entries);
  return line;
}

}  // namespace

extern "C" {

int vaccel_prof_flush(void) { return VACCEL_OK; }

int vaccel_prof_region_start(struct vaccel_prof_region *region) {
  if (!region) return VACCEL_EINVAL;
  if (!vaccel_prof_enabled()) return VACCEL_OK;
  Locked l(region);
  if (region->nr_entries == region->size) {
    size_t n = region->size ? region->size * 2 : 16;
    auto *s =
        static_cast<vaccel_prof_sample *>(realloc(region->samples, n * sizeof(vaccel_prof_sample)));
    if (!s) return VACCEL_ENOMEM;
    region->samples = s;
    region->size = n;
  }
  region->samples[region->nr_entries++] = {now_ns(), 0};
  return VACCEL_OK;
}

int vaccel_prof_region_stop(struct vaccel_prof_region *region) {
  if (!region) return VACCEL_EINVAL;
  if (!vaccel_prof_enabled()) return VACCEL_OK;
  const uint64_t t = now_ns();
  Locked l(region);
  // close the most recent open sample
  for (size_t i = region->nr_entries; i-- > 0;)
    if (region->samples[i].time == 0) {
      region->samples[i].time = t > region->samples[i].start ? t - region->samples[i].start : 1;
      return VACCEL_OK;
    }
  return VACCEL_EINVAL;
}

int vaccel_prof_region_stop_with_context(struct vaccel_prof_region *region, vaccel_op_type_t,
                                         const char *) {
  return vaccel_prof_region_stop(region);
}

int vaccel_prof_region_print(struct vaccel_prof_region *region) {
  if (!region) return VACCEL_EINVAL;
  if (!vaccel_prof_enabled()) return VACCEL_OK;
  Locked l(region);
  std::string s = format_region(region);
  s.pop_back();
  vaccel_info("%s", s.c_str());
  return VACCEL_OK;
}

int vaccel_prof_region_init(struct vaccel_prof_region *region, const char *name) {
  if (!region || !name) return VACCEL_EINVAL;
  char *n = strdup(name);
  if (!n) return VACCEL_ENOMEM;
  region->name = n;
  region->name_owned = true;
  region->nr_entries = 0;
  region->samples = nullptr;
  region->size = 0;
  return VACCEL_OK;
}

int vaccel_prof_region_release(struct vaccel_prof_region *region) {
  if (!region) return VACCEL_EINVAL;
  {
    Locked l(region);
    if (region->name_owned) free(const_cast<char *>(region->name));
    free(region->samples);
    region->name = nullptr;
    region->name_owned = false;
    region->samples = nullptr;
    region->nr_entries = 0;
    region->size = 0;
  }
  return VACCEL_OK;
}

uint64_t vaccel_prof_region_total_time(struct vaccel_prof_region *region) {
  if (!region) return 0;
  Locked l(region);
  return total_locked(region);
}

static vaccel_prof_region *by_name(vaccel_prof_region *regions, int n, const char *name) {
  if (!regions || !name) return nullptr;
  for (int i = 0; i < n; ++i)
    if (regions[i].name && !strcmp(regions[i].name, name)) return &regions[i];
  return nullptr;
}

int vaccel_prof_regions_start_by_name(struct vaccel_prof_region *regions, int nregions,
                                      const char *name) {
  vaccel_prof_region *r = by_name(regions, nregions, name);
  return r ? vaccel_prof_region_start(r) : VACCEL_EINVAL;
}

int vaccel_prof_regions_stop_by_name(struct vaccel_prof_region *regions, int nregions,
                                     const char *name) {
  vaccel_prof_region *r = by_name(regions, nregions, name);
  return r ? vaccel_prof_region_stop(r) : VACCEL_EINVAL;
}

int vaccel_prof_regions_init(struct vaccel_prof_region *regions, int nregions) {
  if (!regions || nregions < 0) return VACCEL_EINVAL;
  for (int i = 0; i < nregions; ++i) {
    regions[i].nr_entries = 0;
    regions[i].samples = nullptr;
    regions[i].size = 0;
  }
  return VACCEL_OK;
}

int vaccel_prof_regions_release(struct vaccel_prof_region *regions, int nregions) {
  if (!regions || nregions < 0) return VACCEL_EINVAL;
  for (int i = 0; i < nregions; ++i) vaccel_prof_region_release(&regions[i]);
  return VACCEL_OK;
}

int vaccel_prof_regions_print_all(struct vaccel_prof_region *regions, int nregions) {
  if (!regions || nregions < 0) return VACCEL_EINVAL;
  for (int i = 0; i < nregions; ++i) vaccel_prof_region_print(&regions[i]);
  return VACCEL_OK;
}

int vaccel_prof_regions_print_all_to_buf(char **tbuf, size_t tbuf_len,
                                         struct vaccel_prof_region *regions, int nregions) {
  if (!tbuf || !regions || nregions < 0) return VACCEL_EINVAL;
  std::string all;
  for (int i = 0; i < nregions; ++i) {
    Locked l(&regions[i]);
    all += format_region(&regions[i]);
  }
  if (!*tbuf) {
    *tbuf = strdup(all.c_str());
    return *tbuf ? VACCEL_OK : VACCEL_ENOMEM;
  }
  if (all.size() + 1 > tbuf_len) return VACCEL_ENOSPC;
  memcpy(*tbuf, all.c_str(), all.size() + 1);
  return VACCEL_OK;
}

}  // extern "C"
