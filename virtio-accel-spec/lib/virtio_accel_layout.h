/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The wire layout of spec §5-§8 as numbers, written once. VIRTIO_ACCEL_LAYOUT
 * expands SIZE(type, bytes) and OFF(type, field, offset) for every fact;
 * the protocol library checks them as C at compile time
 * (virtio_accel_proto.c) and tests/host-backend/layout_test.cc as C++, so
 * both compilers are held to the same list. The wire header itself carries no
 * asserts, as a uapi header must not.
 */
#ifndef VIRTIO_ACCEL_LAYOUT_H
#define VIRTIO_ACCEL_LAYOUT_H

#define VIRTIO_ACCEL_LAYOUT(SIZE, OFF)                         \
	SIZE(struct virtio_accel_config, 56)                   \
	OFF(struct virtio_accel_config, max_args, 20)          \
	OFF(struct virtio_accel_config, max_request_bytes, 24) \
	OFF(struct virtio_accel_config, supported_ops, 48)     \
	SIZE(struct virtio_accel_req_hdr, 32)                  \
	OFF(struct virtio_accel_req_hdr, request_id, 8)        \
	OFF(struct virtio_accel_req_hdr, session_id, 16)       \
	OFF(struct virtio_accel_req_hdr, payload_len, 24)      \
	SIZE(struct virtio_accel_resp_hdr, 24)                 \
	OFF(struct virtio_accel_resp_hdr, request_id, 8)       \
	OFF(struct virtio_accel_resp_hdr, payload_len, 16)     \
	SIZE(struct virtio_accel_session_create, 8)            \
	SIZE(struct virtio_accel_id_resp, 8)                   \
	SIZE(struct virtio_accel_resource_register, 8)         \
	SIZE(struct virtio_accel_blob_desc, 16)                \
	SIZE(struct virtio_accel_resource_unregister, 8)       \
	SIZE(struct virtio_accel_run_req, 24)                  \
	OFF(struct virtio_accel_run_req, resource_id, 16)      \
	SIZE(struct virtio_accel_arg, 16)                      \
	SIZE(struct virtio_accel_run_resp, 32)                 \
	OFF(struct virtio_accel_run_resp, exec_ns, 24)         \
	SIZE(struct virtio_accel_sgemm_params, 56)             \
	OFF(struct virtio_accel_sgemm_params, alpha, 48)       \
	SIZE(struct virtio_accel_minmax_params, 16)            \
	SIZE(struct virtio_accel_tensor_desc, 72)              \
	SIZE(struct virtio_accel_tensor_out, 80)               \
	OFF(struct virtio_accel_tensor_out, data_len, 72)      \
	SIZE(struct virtio_accel_model_run_params, 8)          \
	SIZE(struct virtio_accel_torch_sgemm_params, 16)       \
	SIZE(struct virtio_accel_timers_resp, 8)               \
	SIZE(struct virtio_accel_timer, 32)                    \
	SIZE(struct virtio_accel_stats, 104)                   \
	SIZE(struct virtio_accel_resp_hdr, VIRTIO_ACCEL_MIN_WRITABLE)

#endif /* VIRTIO_ACCEL_LAYOUT_H */
