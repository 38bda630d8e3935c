// The same layout, seen from C++ (the asserts below) and from C (layout_check.c;
// the protocol library asserts it at compile time too).
#include <gtest/gtest.h>

#include <cstddef>

#include "virtio_accel.h"
#include "virtio_accel_layout.h"

// What a C++ compiler makes of the wire header: the same list of sizes and
// offsets (spec §5-§8) the protocol library checks as C.
#define VA_ASSERT_SIZE(t, n) static_assert(sizeof(t) == (n), #t " size");
#define VA_ASSERT_OFF(t, f, n) static_assert(offsetof(t, f) == (n), #t "." #f);
VIRTIO_ACCEL_LAYOUT(VA_ASSERT_SIZE, VA_ASSERT_OFF)
static_assert(sizeof(struct virtio_accel_resp_hdr) + sizeof(struct virtio_accel_run_resp) ==
              VIRTIO_ACCEL_RUN_RESP_BYTES);

extern "C" int va_layout_check_c(void);

TEST(Layout, CAndCppAgree) {
  EXPECT_EQ(va_layout_check_c(), static_cast<int>(sizeof(struct virtio_accel_config)));
  EXPECT_EQ(0x1040 + VIRTIO_ID_ACCEL, 0x107a) << "spec §1.1: the modern virtio-pci device ID";
  EXPECT_LT(VIRTIO_ID_ACCEL, 64) << "modern virtio-pci device IDs end at 0x107f";
  EXPECT_LT(VIRTIO_ACCEL_OP_MAX, 64) << "supported_ops is a 64-bit map";
}
