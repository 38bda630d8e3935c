// SPDX-License-Identifier: Apache-2.0
// Translation of what the driver and the device answer into vAccel error
// codes. Pure functions, unit-tested without a device.
#pragma once

#include <cstdint>

namespace vaccel_virtio {

// Name of a VIRTIO_ACCEL_S_* status ("NO_SESSION"), "NO_ANSWER" for the
// driver's VIRTIO_ACCEL_IOC_NO_STATUS, "UNKNOWN" otherwise.
const char *status_name(uint32_t status);

// Name of a VIRTIO_ACCEL_OP_* code ("SGEMM"), "UNKNOWN" otherwise.
const char *wire_op_name(uint32_t op);

// vAccel error for one ioctl outcome.
//   ioctl_errno: 0 if the ioctl returned 0, else errno;
//   status/detail: the raw device status and detail the driver wrote back
//   (VIRTIO_ACCEL_IOC_NO_STATUS when the device never answered).
// The device status decides whenever there is one (it is more precise than
// the driver's errno, which folds NO_SESSION and NO_RESOURCE into ENOENT):
//   S_OK -> VACCEL_OK; S_MALFORMED / S_RESP_TOO_SMALL -> VACCEL_EBACKEND (our
//   request was wrong: a protocol bug, not the caller's fault); S_UNSUPPORTED
//   -> VACCEL_ENOTSUP; S_NO_SESSION -> VACCEL_ESESS; S_NO_RESOURCE ->
//   VACCEL_ENOENT; S_QUOTA -> VACCEL_ENOSPC; S_OP_FAILED -> detail (the host
//   runtime's own vAccel error, an errno value; VACCEL_EBACKEND if 0);
//   S_DENIED -> VACCEL_EPERM; S_NO_MEMORY -> VACCEL_ENOMEM; S_BAD_ARGS ->
//   VACCEL_EINVAL; anything else -> VACCEL_EIO.
// Without a status, the driver's errno is mapped: ENOENT (session not opened
// by this process's file) -> VACCEL_ESESS; EOPNOTSUPP -> VACCEL_ENOTSUP;
// E2BIG (beyond the device's limits) -> VACCEL_ENOSPC; EMFILE -> VACCEL_EUSERS;
// EINVAL, EFAULT, ENOMEM, ENODEV, EIO keep their value; EINTR -> VACCEL_EIO;
// others -> VACCEL_EIO.
int to_vaccel_error(int ioctl_errno, uint32_t status, uint32_t detail);

}  // namespace vaccel_virtio
