// The same layout, seen from C++ (static_asserts in the header) and from C.
#include <gtest/gtest.h>

#include "virtio_accel.h"

extern "C" int va_layout_check_c(void);

TEST(Layout, CAndCppAgree) {
  EXPECT_EQ(va_layout_check_c(), static_cast<int>(sizeof(struct virtio_accel_config)));
  EXPECT_EQ(VIRTIO_ACCEL_PCI_DEVICE_ID, 0x107a);
  EXPECT_LT(VIRTIO_ID_ACCEL, 64) << "modern virtio-pci device IDs end at 0x107f";
  EXPECT_LT(VIRTIO_ACCEL_OP_MAX, 64) << "supported_ops is a 64-bit map";
}
