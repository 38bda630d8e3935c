// SPDX-License-Identifier: Apache-2.0
#include "device.hh"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <vaccel/error.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "status.hh"

namespace vaccel_virtio {
namespace {

uint64_t ptr(const void *p) { return static_cast<uint64_t>(reinterpret_cast<uintptr_t>(p)); }

// Issues one ioctl and maps its outcome. Never retried (not even on EINTR):
// once submitted, a request may have been executed by the host.
template <typename T>
Outcome call(int fd, unsigned long nr, T *arg) {
  Outcome o;
  int ret = ioctl(fd, nr, arg);
  o.sys_errno = ret ? errno : 0;
  o.status = arg->status;
  o.detail = arg->detail;
  // Success needs no table (and no other code page after the sleep).
  o.err = !ret && o.status == VIRTIO_ACCEL_S_OK ? VACCEL_OK
                                                : to_vaccel_error(o.sys_errno, o.status, o.detail);
  return o;
}

}  // namespace

int Device::open(const char *path, std::string *why) {
  fd_ = ::open(path, O_RDWR | O_CLOEXEC);
  if (fd_ < 0) {
    int e = errno;
    *why = std::string("cannot open ") + path + ": " + strerror(e);
    return e == ENOENT ? VACCEL_ENODEV : e == EACCES || e == EPERM ? VACCEL_EPERM : VACCEL_EIO;
  }
  std::memset(&info_, 0, sizeof info_);
  info_.size = sizeof info_;
  if (ioctl(fd_, VIRTIO_ACCEL_IOC_INFO, &info_) != 0) {
    *why = std::string("INFO ioctl on ") + path + " failed: " + strerror(errno) +
           " (not a virtio-accel device?)";
    close();
    return VACCEL_ENODEV;
  }
  if (info_.api_version != VIRTIO_ACCEL_IOC_API_VERSION) {
    *why = "driver ioctl API version " + std::to_string(info_.api_version) + ", plugin speaks " +
           std::to_string(VIRTIO_ACCEL_IOC_API_VERSION);
    close();
    return VACCEL_EBACKEND;
  }
  if ((info_.version >> 16) != VIRTIO_ACCEL_VERSION_MAJOR) {
    *why = "device protocol " + std::to_string(info_.version >> 16) + "." +
           std::to_string(info_.version & 0xffff) + ", plugin speaks " +
           std::to_string(VIRTIO_ACCEL_VERSION_MAJOR) + ".x";
    close();
    return VACCEL_EBACKEND;
  }
  return VACCEL_OK;
}

void Device::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Outcome Device::session_create(uint32_t flags, uint64_t *id) const {
  virtio_accel_ioc_session s{};
  s.size = sizeof s;
  s.flags = flags;
  s.status = VIRTIO_ACCEL_IOC_NO_STATUS;
  Outcome o = call(fd_, VIRTIO_ACCEL_IOC_SESSION_CREATE, &s);
  *id = o.err ? 0 : s.session_id;
  return o;
}

Outcome Device::session_destroy(uint64_t id) const {
  virtio_accel_ioc_session s{};
  s.size = sizeof s;
  s.session_id = id;
  s.status = VIRTIO_ACCEL_IOC_NO_STATUS;
  return call(fd_, VIRTIO_ACCEL_IOC_SESSION_DESTROY, &s);
}

Outcome Device::resource_register(uint64_t session, uint32_t res_type, const BlobRef *blobs,
                                  uint32_t nr_blobs, uint64_t *id) const {
  std::vector<virtio_accel_ioc_blob> wb(nr_blobs);
  for (uint32_t i = 0; i < nr_blobs; ++i) {
    wb[i].name = ptr(blobs[i].name);
    wb[i].name_len = static_cast<uint32_t>(strlen(blobs[i].name));
    wb[i].data = blobs[i].size ? ptr(blobs[i].data) : 0;
    wb[i].data_len = blobs[i].size;
  }
  virtio_accel_ioc_resource r{};
  r.size = sizeof r;
  r.session_id = session;
  r.res_type = res_type;
  r.nr_blobs = nr_blobs;
  r.blobs = ptr(wb.data());
  r.status = VIRTIO_ACCEL_IOC_NO_STATUS;
  Outcome o = call(fd_, VIRTIO_ACCEL_IOC_RESOURCE_REGISTER, &r);
  *id = o.err ? 0 : r.resource_id;
  return o;
}

Outcome Device::resource_unregister(uint64_t session, uint64_t id) const {
  virtio_accel_ioc_resource r{};
  r.size = sizeof r;
  r.session_id = session;
  r.resource_id = id;
  r.status = VIRTIO_ACCEL_IOC_NO_STATUS;
  return call(fd_, VIRTIO_ACCEL_IOC_RESOURCE_UNREGISTER, &r);
}

Outcome Device::run(uint64_t session, const Request &r, RunInfo *info) const {
  virtio_accel_ioc_run q{};
  q.size = sizeof q;
  q.session_id = session;
  q.op = r.op;
  q.nr_in = static_cast<uint32_t>(r.in.size());
  q.nr_out = static_cast<uint32_t>(r.out.size());
  q.resource_id = r.resource_id;
  q.in = ptr(r.in.data());
  q.out = ptr(r.out.data());
  q.status = VIRTIO_ACCEL_IOC_NO_STATUS;
  Outcome o = call(fd_, VIRTIO_ACCEL_IOC_RUN, &q);
  std::memcpy(info->executor, q.executor, sizeof info->executor);
  info->executor[sizeof info->executor - 1] = '\0';
  info->exec_ns = q.exec_ns;
  info->rtt_ns = q.rtt_ns;
  return o;
}

Outcome Device::stats(virtio_accel_ioc_stats *out) const {
  std::memset(out, 0, sizeof *out);
  out->size = sizeof *out;
  out->status = VIRTIO_ACCEL_IOC_NO_STATUS;
  return call(fd_, VIRTIO_ACCEL_IOC_STATS_GET, out);
}

int Device::map_arena(size_t len, void **base) const {
  if (fd_ < 0) return ENODEV;
  void *p = mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
  if (p == MAP_FAILED) return errno;
  *base = p;
  return 0;
}

void Device::unmap_arena(void *base, size_t len) const { munmap(base, len); }

}  // namespace vaccel_virtio
