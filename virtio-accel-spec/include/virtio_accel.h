/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-accel wire protocol, version 1.0.
 *
 * This is the ONE definition of the protocol. It is included verbatim by the
 * guest Linux driver (kernel C), the QEMU device (C) and host-backend (C++).
 * The normative text is virtio-accel-spec/virtio-accel.md; section numbers in
 * comments refer to it.
 *
 * Rules that make the layout portable between 32/64-bit guests and hosts:
 *  - every field is fixed-width little-endian; no pointers, no size_t, no enums;
 *  - every struct is naturally aligned with explicit reserved fields, so no
 *    compiler inserts padding (checked by the asserts at the end);
 *  - reserved fields MUST be written as zero and are checked by the device.
 */
#ifndef VIRTIO_ACCEL_H
#define VIRTIO_ACCEL_H

#if defined(__KERNEL__)
#include <linux/types.h>
typedef __le16 va_le16;
typedef __le32 va_le32;
typedef __le64 va_le64;
#else
#include <stdint.h>
typedef uint16_t va_le16;
typedef uint32_t va_le32;
typedef uint64_t va_le64;
#endif

/* [spec §1] Identification. 58 is not assigned by virtio 1.3 and is not one of the
 * IDs other hypervisors use for unofficial devices (they count down from 63). */
#define VIRTIO_ID_ACCEL 58
#define VIRTIO_ACCEL_PCI_VENDOR_ID 0x1af4
#define VIRTIO_ACCEL_PCI_DEVICE_ID (0x1040 + VIRTIO_ID_ACCEL) /* 0x107a */

/* [spec §2] Protocol version: major changes are incompatible, minor ones add. */
#define VIRTIO_ACCEL_VERSION_MAJOR 1
#define VIRTIO_ACCEL_VERSION_MINOR 0
#define VIRTIO_ACCEL_VERSION \
	((VIRTIO_ACCEL_VERSION_MAJOR << 16) | VIRTIO_ACCEL_VERSION_MINOR)

/* [spec §3] Feature bits (device-specific range 0..23). */
#define VIRTIO_ACCEL_F_MQ        0 /* num_request_queues > 1 may be used */
#define VIRTIO_ACCEL_F_PROFILING 1 /* REQ_TIMERS_GET is served */

/* [spec §4] Virtqueues: request queues 0 .. num_request_queues-1; no other queue. */

/* [spec §5] Device configuration layout (read-only, constant after reset). */
struct virtio_accel_config {
	va_le32 version;            /* VIRTIO_ACCEL_VERSION */
	va_le32 num_request_queues; /* >= 1 */
	va_le32 max_sessions;       /* open sessions per device */
	va_le32 max_resources;      /* registered resources per device */
	va_le32 max_segments;       /* descriptors in one request chain */
	va_le32 max_args;           /* nr_in + nr_out of one REQ_RUN */
	va_le64 max_request_bytes;  /* device-readable bytes of one request */
	va_le64 max_response_bytes; /* device-writable bytes of one request */
	va_le64 max_resource_bytes; /* sum of all registered resource bytes */
	va_le64 supported_ops;      /* bit n set: VIRTIO_ACCEL_OP n is served */
};

/* [spec §8] Request types: what a request asks the device to do. */
#define VIRTIO_ACCEL_REQ_SESSION_CREATE      0x0001
#define VIRTIO_ACCEL_REQ_SESSION_DESTROY     0x0002
#define VIRTIO_ACCEL_REQ_RESOURCE_REGISTER   0x0010
#define VIRTIO_ACCEL_REQ_RESOURCE_UNREGISTER 0x0011
#define VIRTIO_ACCEL_REQ_RUN                 0x0020
#define VIRTIO_ACCEL_REQ_TIMERS_GET          0x0030
#define VIRTIO_ACCEL_REQ_STATS_GET           0x0031

/* [spec §9] Status codes (virtio_accel_resp_hdr.status). */
#define VIRTIO_ACCEL_S_OK            0  /* done; payload as the request type says */
#define VIRTIO_ACCEL_S_MALFORMED     1  /* structurally invalid request */
#define VIRTIO_ACCEL_S_UNSUPPORTED   2  /* unknown/disabled request type or op */
#define VIRTIO_ACCEL_S_NO_SESSION    3  /* session_id names no open session */
#define VIRTIO_ACCEL_S_NO_RESOURCE   4  /* resource_id names no resource of it */
#define VIRTIO_ACCEL_S_QUOTA         5  /* a session/resource/byte quota is full */
#define VIRTIO_ACCEL_S_RESP_TOO_SMALL 6 /* writable part cannot hold the reply */
#define VIRTIO_ACCEL_S_OP_FAILED     7  /* host runtime failed; detail = errno */
#define VIRTIO_ACCEL_S_DENIED        8  /* host policy forbids it (allow-list) */
#define VIRTIO_ACCEL_S_NO_MEMORY     9  /* host could not allocate */
#define VIRTIO_ACCEL_S_BAD_ARGS      10 /* args do not match the op's schema */
#define VIRTIO_ACCEL_S_MAX           10

/* [spec §8.3] Accelerator operations carried by REQ_RUN. Our own stable numbering;
 * NOT vAccel's vaccel_op_type_t, which has changed between releases. */
#define VIRTIO_ACCEL_OP_NOOP                1
#define VIRTIO_ACCEL_OP_EXEC                2
#define VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE  3
#define VIRTIO_ACCEL_OP_SGEMM               4
#define VIRTIO_ACCEL_OP_MINMAX              5
#define VIRTIO_ACCEL_OP_IMAGE_CLASSIFY      6
#define VIRTIO_ACCEL_OP_IMAGE_DETECT        7
#define VIRTIO_ACCEL_OP_IMAGE_SEGMENT       8
#define VIRTIO_ACCEL_OP_IMAGE_POSE          9
#define VIRTIO_ACCEL_OP_IMAGE_DEPTH         10
#define VIRTIO_ACCEL_OP_FPGA_ARRAYCOPY      11
#define VIRTIO_ACCEL_OP_FPGA_MMULT          12
#define VIRTIO_ACCEL_OP_FPGA_PARALLEL       13
#define VIRTIO_ACCEL_OP_FPGA_VECTORADD      14
#define VIRTIO_ACCEL_OP_TF_MODEL_LOAD       15
#define VIRTIO_ACCEL_OP_TF_MODEL_UNLOAD     16
#define VIRTIO_ACCEL_OP_TF_MODEL_RUN        17
#define VIRTIO_ACCEL_OP_TFLITE_MODEL_LOAD   18
#define VIRTIO_ACCEL_OP_TFLITE_MODEL_UNLOAD 19
#define VIRTIO_ACCEL_OP_TFLITE_MODEL_RUN    20
#define VIRTIO_ACCEL_OP_TORCH_MODEL_LOAD    21
#define VIRTIO_ACCEL_OP_TORCH_MODEL_RUN     22
#define VIRTIO_ACCEL_OP_TORCH_SGEMM         23
#define VIRTIO_ACCEL_OP_OPENCV              24
#define VIRTIO_ACCEL_OP_MAX                 24

/* [spec §8.2] Resource types (REQ_RESOURCE_REGISTER), same meaning as vAccel's. */
#define VIRTIO_ACCEL_RES_LIB   1
#define VIRTIO_ACCEL_RES_DATA  2
#define VIRTIO_ACCEL_RES_MODEL 3

/* [spec §7] Common headers. A request's device-readable part starts with a
 * request header; its device-writable part starts with a response header. */
struct virtio_accel_req_hdr {
	va_le32 type;        /* VIRTIO_ACCEL_REQ_* */
	va_le32 flags;       /* reserved, 0 */
	va_le64 request_id;  /* chosen by the driver, echoed in the response */
	va_le64 session_id;  /* 0 for SESSION_CREATE and STATS_GET */
	va_le32 payload_len; /* readable part is exactly hdr + payload_len bytes */
	va_le32 reserved;    /* 0 */
};

struct virtio_accel_resp_hdr {
	va_le32 status;      /* VIRTIO_ACCEL_S_* */
	va_le32 detail;      /* S_OP_FAILED: host errno (Linux generic); else 0 */
	va_le64 request_id;  /* copied from the request header (0 if unreadable) */
	va_le32 payload_len; /* response payload bytes that follow this header */
	va_le32 reserved;    /* 0 */
};

/* [spec §8.1] SESSION_CREATE payload. flags low 16 bits: vAccel plugin-type hint
 * (VACCEL_PLUGIN_* bits); high 16 bits reserved, 0. */
struct virtio_accel_session_create {
	va_le32 flags;
	va_le32 reserved;
};
/* SESSION_CREATE / RESOURCE_REGISTER response payload. IDs are never 0 and
 * never reused while the device is not reset (generation-tagged). */
struct virtio_accel_id_resp {
	va_le64 id;
};

/* [spec §8.2] RESOURCE_REGISTER payload: header, nr_blobs blob descriptors, then for
 * each blob in order its name bytes (name_len, no NUL) and its data bytes
 * (size). The resource belongs to the request's session. */
struct virtio_accel_resource_register {
	va_le32 res_type; /* VIRTIO_ACCEL_RES_* */
	va_le32 nr_blobs; /* >= 1 */
};
struct virtio_accel_blob_desc {
	va_le64 size;     /* data bytes */
	va_le32 name_len; /* 1..VIRTIO_ACCEL_MAX_NAME, [A-Za-z0-9._-], not "." or ".." */
	va_le32 reserved; /* 0 */
};
#define VIRTIO_ACCEL_MAX_NAME 255
/* Blob-name alphabet: a name is 1..VIRTIO_ACCEL_MAX_NAME bytes, each one
 * satisfying this test, and is neither "." nor "..". */
#define VIRTIO_ACCEL_NAME_CHAR_OK(c)                                     \
	(((c) >= 'a' && (c) <= 'z') || ((c) >= 'A' && (c) <= 'Z') ||      \
	 ((c) >= '0' && (c) <= '9') || (c) == '.' || (c) == '_' || (c) == '-')

/* RESOURCE_UNREGISTER payload. */
struct virtio_accel_resource_unregister {
	va_le64 resource_id;
};

/* [spec §8.3] RUN payload: this header, nr_in + nr_out argument descriptors (inputs
 * first), then the input bytes back to back. The writable part holds the
 * response header, a virtio_accel_run_resp, then the output regions back to
 * back with the capacities given by the output descriptors. */
struct virtio_accel_run_req {
	va_le32 op;          /* VIRTIO_ACCEL_OP_* */
	va_le32 nr_in;
	va_le32 nr_out;
	va_le32 reserved;    /* 0 */
	va_le64 resource_id; /* ops that name a resource; else 0 */
};
struct virtio_accel_arg {
	va_le64 len;         /* input: exact bytes; output: capacity */
	va_le32 type;        /* vAccel argument type, passed to the runtime */
	va_le32 custom_type; /* vAccel custom type id, passed to the runtime */
};
#define VIRTIO_ACCEL_EXECUTOR_LEN 24
/* Bytes of the writable part before the first output region of a RUN. */
#define VIRTIO_ACCEL_RUN_RESP_BYTES 56 /* resp_hdr + run_resp */

/* Spec limits that every side enforces the same way (spec §11, §8.3). */
#define VIRTIO_ACCEL_MAX_STRING     4096 /* EXEC library path and symbol */
#define VIRTIO_ACCEL_MAX_DIM        (1ULL << 30) /* SGEMM/tensor dimension */
#define VIRTIO_ACCEL_MAX_TENSORS    64   /* inputs, and outputs, of a model RUN */
#define VIRTIO_ACCEL_MAX_NODE_NAME  256  /* TF node name bytes (no NUL) */
#define VIRTIO_ACCEL_MAX_ARGS_HARD  256  /* cap on config max_args */
/* Smallest writable part of a request: the response header. */
#define VIRTIO_ACCEL_MIN_WRITABLE   24
struct virtio_accel_run_resp {
	char executor[VIRTIO_ACCEL_EXECUTOR_LEN]; /* host plugin name, NUL padded */
	va_le64 exec_ns;                          /* host execution time */
};

/* [spec §8.3] Typed parameter blocks: input argument 0 of the ops that take scalars.
 * Floats are IEEE-754 binary32 bit patterns. */
struct virtio_accel_sgemm_params {
	va_le64 m, n, k;
	va_le64 lda, ldb, ldc;
	va_le32 alpha; /* float bits */
	va_le32 beta;  /* float bits */
};
struct virtio_accel_minmax_params {
	va_le32 ndata;          /* number of doubles in the input */
	va_le32 low_threshold;  /* int32 two's complement */
	va_le32 high_threshold; /* int32 two's complement */
	va_le32 reserved;       /* 0 */
};
/* A tensor travels as this descriptor (one arg) followed by its data (next
 * arg). data_type is the framework's own vAccel enum (vaccel_tf_data_type,
 * vaccel_tflite_data_type or vaccel_torch_data_type, by op). */
#define VIRTIO_ACCEL_MAX_DIMS 8
struct virtio_accel_tensor_desc {
	va_le32 data_type;
	va_le32 nr_dims;   /* 0..VIRTIO_ACCEL_MAX_DIMS */
	va_le64 dims[VIRTIO_ACCEL_MAX_DIMS]; /* int64, >= 0; unused entries 0 */
};
/* An output tensor as the device writes it back (output arg before its data). */
struct virtio_accel_tensor_out {
	struct virtio_accel_tensor_desc desc;
	va_le64 data_len; /* bytes written to the data region that follows */
};
/* Input 0 of TF/TFLITE/TORCH_MODEL_RUN (layout in spec §8.3.1). */
struct virtio_accel_model_run_params {
	va_le32 nr_inputs;
	va_le32 nr_outputs;
};
/* Input 0 of TORCH_SGEMM. */
struct virtio_accel_torch_sgemm_params {
	va_le32 m, n, k;
	va_le32 reserved; /* 0 */
};

/* [spec §8.4] TIMERS_GET response payload: header then nr_timers entries, one per op
 * the session ran at least once (needs VIRTIO_ACCEL_F_PROFILING). */
struct virtio_accel_timers_resp {
	va_le32 nr_timers;
	va_le32 reserved;
};
struct virtio_accel_timer {
	va_le32 op;       /* VIRTIO_ACCEL_OP_* */
	va_le32 reserved;
	va_le64 count;    /* completed RUNs of this op */
	va_le64 total_ns; /* summed host execution time */
	va_le64 max_ns;
};

/*
 * [spec §8.5] STATS_GET response payload: device-wide counters since reset.
 * The first VIRTIO_ACCEL_STATS_V0_SIZE bytes are what every device writes; the
 * copy counters follow when the writable part has room for them (payload_len
 * says how many bytes came back).
 */
struct virtio_accel_stats {
	va_le64 requests;
	va_le64 errors;    /* responses with status != S_OK, and dropped chains */
	va_le64 bytes_in;  /* device-readable bytes consumed */
	va_le64 bytes_out; /* device-writable bytes produced */
	va_le64 in_flight;
	va_le64 sessions;
	va_le64 resources;
	va_le64 resource_bytes;
	/* Host copies (spec §8.5): argument bytes of RUN and RESOURCE_REGISTER
	 * (inputs and blobs / output regions), bytes the device copied between
	 * guest memory and its host staging in each direction, and staging bytes
	 * it zero-filled. copied / argument bytes is the copies per byte. */
	va_le64 arg_bytes_in;
	va_le64 arg_bytes_out;
	va_le64 copied_in;
	va_le64 copied_out;
	va_le64 zero_filled;
};

#define VIRTIO_ACCEL_STATS_V0_SIZE 64

/* Layout checks: the same numbers hold for every compiler that includes us. */
#ifdef __cplusplus
#define VA_ASSERT_SIZE(t, n) static_assert(sizeof(t) == (n), #t " size")
#define VA_ASSERT_OFF(t, f, n) static_assert(offsetof(t, f) == (n), #t "." #f)
#else
#define VA_ASSERT_SIZE(t, n) _Static_assert(sizeof(t) == (n), #t " size")
#define VA_ASSERT_OFF(t, f, n) _Static_assert(__builtin_offsetof(t, f) == (n), #t "." #f)
#endif
#ifdef __cplusplus
#include <cstddef>
#endif

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
#ifdef __cplusplus
static_assert(sizeof(struct virtio_accel_resp_hdr) + sizeof(struct virtio_accel_run_resp) ==
	      VIRTIO_ACCEL_RUN_RESP_BYTES, "RUN response head");
#else
_Static_assert(sizeof(struct virtio_accel_resp_hdr) + sizeof(struct virtio_accel_run_resp) ==
	       VIRTIO_ACCEL_RUN_RESP_BYTES, "RUN response head");
#endif

#endif /* VIRTIO_ACCEL_H */
