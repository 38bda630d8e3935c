// The same layout, seen from C++ (the asserts below) and from C (layout_check.c;
// the protocol library asserts it at compile time too).
#include <gtest/gtest.h>

#include <cstddef>

#include "virtio_accel.h"

// What a C++ compiler makes of the wire header: the sizes and offsets of
// spec §5-§8 (virtio_accel_proto.c checks the same list as C).
#define VA_ASSERT_SIZE(t, n) static_assert(sizeof(t) == (n), #t " size")
#define VA_ASSERT_OFF(t, f, n) static_assert(offsetof(t, f) == (n), #t "." #f)
VA_ASSERT_SIZE(struct virtio_accel_config, 56);
VA_ASSERT_OFF(struct virtio_accel_config, max_args, 20);
VA_ASSERT_OFF(struct virtio_accel_config, max_request_bytes, 24);
VA_ASSERT_OFF(struct virtio_accel_config, supported_ops, 48);
VA_ASSERT_SIZE(struct virtio_accel_req_hdr, 32);
VA_ASSERT_OFF(struct virtio_accel_req_hdr, request_id, 8);
VA_ASSERT_OFF(struct virtio_accel_req_hdr, session_id, 16);
VA_ASSERT_OFF(struct virtio_accel_req_hdr, payload_len, 24);
VA_ASSERT_SIZE(struct virtio_accel_resp_hdr, 24);
VA_ASSERT_OFF(struct virtio_accel_resp_hdr, request_id, 8);
VA_ASSERT_OFF(struct virtio_accel_resp_hdr, payload_len, 16);
VA_ASSERT_SIZE(struct virtio_accel_session_create, 8);
VA_ASSERT_SIZE(struct virtio_accel_id_resp, 8);
VA_ASSERT_SIZE(struct virtio_accel_resource_register, 8);
VA_ASSERT_SIZE(struct virtio_accel_blob_desc, 16);
VA_ASSERT_SIZE(struct virtio_accel_resource_unregister, 8);
VA_ASSERT_SIZE(struct virtio_accel_run_req, 24);
VA_ASSERT_OFF(struct virtio_accel_run_req, resource_id, 16);
VA_ASSERT_SIZE(struct virtio_accel_arg, 16);
VA_ASSERT_SIZE(struct virtio_accel_run_resp, 32);
VA_ASSERT_OFF(struct virtio_accel_run_resp, exec_ns, 24);
VA_ASSERT_SIZE(struct virtio_accel_sgemm_params, 56);
VA_ASSERT_OFF(struct virtio_accel_sgemm_params, alpha, 48);
VA_ASSERT_SIZE(struct virtio_accel_minmax_params, 16);
VA_ASSERT_SIZE(struct virtio_accel_tensor_desc, 72);
VA_ASSERT_SIZE(struct virtio_accel_tensor_out, 80);
VA_ASSERT_OFF(struct virtio_accel_tensor_out, data_len, 72);
VA_ASSERT_SIZE(struct virtio_accel_model_run_params, 8);
VA_ASSERT_SIZE(struct virtio_accel_torch_sgemm_params, 16);
VA_ASSERT_SIZE(struct virtio_accel_timers_resp, 8);
VA_ASSERT_SIZE(struct virtio_accel_timer, 32);
VA_ASSERT_SIZE(struct virtio_accel_stats, 104);
VA_ASSERT_SIZE(struct virtio_accel_resp_hdr, VIRTIO_ACCEL_MIN_WRITABLE);
static_assert(sizeof(struct virtio_accel_resp_hdr) + sizeof(struct virtio_accel_run_resp) ==
              VIRTIO_ACCEL_RUN_RESP_BYTES);

extern "C" int va_layout_check_c(void);

TEST(Layout, CAndCppAgree) {
  EXPECT_EQ(va_layout_check_c(), static_cast<int>(sizeof(struct virtio_accel_config)));
  EXPECT_EQ(0x1040 + VIRTIO_ID_ACCEL, 0x107a) << "spec §1.1: the modern virtio-pci device ID";
  EXPECT_LT(VIRTIO_ID_ACCEL, 64) << "modern virtio-pci device IDs end at 0x107f";
  EXPECT_LT(VIRTIO_ACCEL_OP_MAX, 64) << "supported_ops is a 64-bit map";
}
