/* SPDX-License-Identifier: Apache-2.0 */
/* Profiling regions: named timers collecting samples. Recording only happens
 * when profiling is enabled (VACCEL_PROFILING_ENABLED=1 or the config flag);
 * otherwise start/stop succeed and record nothing. */
#ifndef VACCEL_PROF_H
#define VACCEL_PROF_H

#include "op.h"
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vaccel_prof_sample {
	/* CLOCK_MONOTONIC ns when the region was entered */
	uint64_t start;
	/* ns spent in the region (0 while open) */
	uint64_t time;
};

struct vaccel_prof_region {
	const char *name;
	/* true if `name` was strdup'ed by the API */
	bool name_owned;
	size_t nr_entries;
	struct vaccel_prof_sample *samples;
	/* allocated length of `samples` */
	size_t size;
};

/* start/stop/print on one region are safe from many threads: the runtime
 * serializes them with locks of its own (the struct has upstream's layout). */
#define VACCEL_PROF_REGION_INIT(name) { (name), false, 0, NULL, 0 }

bool vaccel_prof_enabled(void);
int vaccel_prof_flush(void);
/* Open a sample. */
int vaccel_prof_region_start(struct vaccel_prof_region *region);
/* Close the most recent open sample (VACCEL_EINVAL if none is open). */
int vaccel_prof_region_stop(struct vaccel_prof_region *region);
int vaccel_prof_region_stop_with_context(struct vaccel_prof_region *region,
					 vaccel_op_type_t op_type,
					 const char *plugin_name);
/* Log "[prof] <name>: total_time: X nsec nr_entries: N" at INFO level when
 * profiling is enabled. */
int vaccel_prof_region_print(struct vaccel_prof_region *region);
/* Copies `name`. */
int vaccel_prof_region_init(struct vaccel_prof_region *region,
			    const char *name);
int vaccel_prof_region_release(struct vaccel_prof_region *region);
/* Sum of the closed samples' times, in ns. */
uint64_t vaccel_prof_region_total_time(struct vaccel_prof_region *region);

int vaccel_prof_regions_start_by_name(struct vaccel_prof_region *regions,
				      int nregions, const char *name);
int vaccel_prof_regions_stop_by_name(struct vaccel_prof_region *regions,
				     int nregions, const char *name);
int vaccel_prof_regions_init(struct vaccel_prof_region *regions, int nregions);
int vaccel_prof_regions_release(struct vaccel_prof_region *regions,
				int nregions);
int vaccel_prof_regions_print_all(struct vaccel_prof_region *regions,
				  int nregions);
/* Print into *tbuf (malloc'd when *tbuf is NULL, else tbuf_len bytes). */
int vaccel_prof_regions_print_all_to_buf(char **tbuf, size_t tbuf_len,
					 struct vaccel_prof_region *regions,
					 int nregions);

#ifdef __cplusplus
}
#endif

#endif
