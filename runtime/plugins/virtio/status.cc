// SPDX-License-Identifier: Apache-2.0
#include "status.hh"

#include <vaccel/error.h>
#include <virtio_accel_proto.h>

#include <cerrno>

#include "wire.hh"

namespace vaccel_virtio {

const char *status_name(uint32_t status) {
  if (status == VIRTIO_ACCEL_IOC_NO_STATUS) return "NO_ANSWER";
  return va_status_name(status);
}

const char *wire_op_name(uint32_t op) { return va_op_name(op); }

int to_vaccel_error(int ioctl_errno, uint32_t status, uint32_t detail) {
  // The device status decides when there is one (the protocol library's
  // table); S_OK and "no answer" leave it to the driver's errno.
  if (status != VIRTIO_ACCEL_S_OK && status != VIRTIO_ACCEL_IOC_NO_STATUS)
    return va_status_error(status, detail);
  static_assert(VACCEL_EBACKEND == EPROTO && VACCEL_ESESS == ECONNRESET);
  switch (ioctl_errno) {
    case 0:
      return VACCEL_OK;
    case ENOENT:
      return VACCEL_ESESS;
    case EOPNOTSUPP:
      return VACCEL_ENOTSUP;
    case E2BIG:
      return VACCEL_ENOSPC;
    case EMFILE:
      return VACCEL_EUSERS;
    case EINVAL:
      return VACCEL_EINVAL;
    case EFAULT:
      return VACCEL_EFAULT;
    case ENOMEM:
      return VACCEL_ENOMEM;
    case ENODEV:
      return VACCEL_ENODEV;
    default:
      return VACCEL_EIO;
  }
}

}  // namespace vaccel_virtio
