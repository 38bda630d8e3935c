// SPDX-License-Identifier: Apache-2.0
// The guest side of the transport: one open /dev/virtio-accel<N> shared by
// every thread and session of the process, and one call per ioctl of the driver
// (guest-linux-driver/include/uapi/virtio_accel_ioctl.h).
//
// Thread safety: the driver serves concurrent ioctls on one file, so these
// calls take no lock; the fd is opened before the first op and closed only
// after the last one returned (the runtime calls the plugin's fini after
// every call in flight has left the plugin).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "encode.hh"
#include "wire.hh"

namespace vaccel_virtio {

// What the device said about one request. `err` is the vAccel error code
// (status.hh); status/detail are the raw values (VIRTIO_ACCEL_IOC_NO_STATUS
// when the device never answered); sys_errno is the ioctl's errno or 0.
struct Outcome {
  int err = 0;
  uint32_t status = VIRTIO_ACCEL_IOC_NO_STATUS;
  uint32_t detail = 0;
  int sys_errno = 0;
};

// Extra results of a RUN.
struct RunInfo {
  char executor[VIRTIO_ACCEL_IOC_EXECUTOR_LEN] = {};
  uint64_t exec_ns = 0;
  uint64_t rtt_ns = 0;
};

// One blob to register: name (no NUL needed) and bytes.
struct BlobRef {
  const char *name;
  const void *data;
  uint64_t size;
};

class Device {
 public:
  // Opens `path` and checks INFO: the driver's ioctl API version must be
  // ours and the device protocol's major version ours. On failure
  // returns a vAccel error and sets *why.
  int open(const char *path, std::string *why);
  void close();
  bool is_open() const { return fd_ >= 0; }
  const virtio_accel_ioc_info &info() const { return info_; }
  // True if the device serves wire op `op` (bit in supported_ops).
  bool serves(uint32_t op) const { return op < 64 && (info_.supported_ops >> op & 1); }

  Outcome session_create(uint32_t flags, uint64_t *id) const;
  Outcome session_destroy(uint64_t id) const;
  Outcome resource_register(uint64_t session, uint32_t res_type, const BlobRef *blobs,
                            uint32_t nr_blobs, uint64_t *id) const;
  Outcome resource_unregister(uint64_t session, uint64_t id) const;
  Outcome run(uint64_t session, const Request &r, RunInfo *info) const;
  // Device-wide counters (STATS_GET).
  Outcome stats(virtio_accel_ioc_stats *out) const;

  // The file's arena (arena.hh): mmap of `len` bytes (a multiple of the page
  // size, at most info().arena_max_mib MiB) shared with the driver. Returns
  // 0 and the address, or errno (ENODEV when the device is not open; EBUSY
  // when the file already has one, e.g. the parent's after fork).
  int map_arena(size_t len, void **base) const;
  void unmap_arena(void *base, size_t len) const;

 private:
  int fd_ = -1;
  virtio_accel_ioc_info info_{};
};

}  // namespace vaccel_virtio
