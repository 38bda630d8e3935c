// SPDX-License-Identifier: Apache-2.0
// Device status / driver errno -> vAccel error.
#include <gtest/gtest.h>
#include <vaccel.h>

#include <cerrno>

#include "status.hh"
#include "wire.hh"

using namespace vaccel_virtio;

TEST(Status, DeviceStatusDecides) {
  // The driver's errno for each status (uapi header table) must not
  // hide the precise status.
  EXPECT_EQ(to_vaccel_error(0, VIRTIO_ACCEL_S_OK, 0), VACCEL_OK);
  EXPECT_EQ(to_vaccel_error(EINVAL, VIRTIO_ACCEL_S_MALFORMED, 0), VACCEL_EBACKEND);
  EXPECT_EQ(to_vaccel_error(EOPNOTSUPP, VIRTIO_ACCEL_S_UNSUPPORTED, 0), VACCEL_ENOTSUP);
  EXPECT_EQ(to_vaccel_error(ENOENT, VIRTIO_ACCEL_S_NO_SESSION, 0), VACCEL_ESESS);
  EXPECT_EQ(to_vaccel_error(ENOENT, VIRTIO_ACCEL_S_NO_RESOURCE, 0), VACCEL_ENOENT);
  EXPECT_EQ(to_vaccel_error(EDQUOT, VIRTIO_ACCEL_S_QUOTA, 0), VACCEL_ENOSPC);
  EXPECT_EQ(to_vaccel_error(EOVERFLOW, VIRTIO_ACCEL_S_RESP_TOO_SMALL, 0), VACCEL_EBACKEND);
  EXPECT_EQ(to_vaccel_error(EREMOTEIO, VIRTIO_ACCEL_S_OP_FAILED, ENOEXEC), VACCEL_ENOEXEC);
  EXPECT_EQ(to_vaccel_error(EREMOTEIO, VIRTIO_ACCEL_S_OP_FAILED, 0), VACCEL_EBACKEND);
  EXPECT_EQ(to_vaccel_error(EACCES, VIRTIO_ACCEL_S_DENIED, 0), VACCEL_EPERM);
  EXPECT_EQ(to_vaccel_error(ENOMEM, VIRTIO_ACCEL_S_NO_MEMORY, 0), VACCEL_ENOMEM);
  EXPECT_EQ(to_vaccel_error(EINVAL, VIRTIO_ACCEL_S_BAD_ARGS, 0), VACCEL_EINVAL);
  EXPECT_EQ(to_vaccel_error(EIO, 99, 0), VACCEL_EIO);
}

TEST(Status, DriverErrnoWhenTheDeviceNeverAnswered) {
  const uint32_t none = VIRTIO_ACCEL_IOC_NO_STATUS;
  EXPECT_EQ(to_vaccel_error(ENOENT, none, 0), VACCEL_ESESS);
  EXPECT_EQ(to_vaccel_error(EOPNOTSUPP, none, 0), VACCEL_ENOTSUP);
  EXPECT_EQ(to_vaccel_error(E2BIG, none, 0), VACCEL_ENOSPC);
  EXPECT_EQ(to_vaccel_error(EMFILE, none, 0), VACCEL_EUSERS);
  EXPECT_EQ(to_vaccel_error(ENODEV, none, 0), VACCEL_ENODEV);
  EXPECT_EQ(to_vaccel_error(EINTR, none, 0), VACCEL_EIO);
  EXPECT_EQ(to_vaccel_error(0, none, 0), VACCEL_OK);
  // Device said OK but the driver failed afterwards (copy-out).
  EXPECT_EQ(to_vaccel_error(EFAULT, VIRTIO_ACCEL_S_OK, 0), VACCEL_EFAULT);
}

TEST(Status, Names) {
  EXPECT_STREQ(status_name(VIRTIO_ACCEL_S_DENIED), "DENIED");
  EXPECT_STREQ(status_name(VIRTIO_ACCEL_IOC_NO_STATUS), "NO_ANSWER");
  EXPECT_STREQ(wire_op_name(VIRTIO_ACCEL_OP_SGEMM), "SGEMM");
  EXPECT_STREQ(wire_op_name(VIRTIO_ACCEL_OP_OPENCV), "OPENCV");
  EXPECT_STREQ(wire_op_name(0), "UNKNOWN");
  EXPECT_STREQ(wire_op_name(25), "UNKNOWN");
}
