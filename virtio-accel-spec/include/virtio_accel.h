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
 *  - every field is fixed-width little-endian (__le16/__le32/__le64, the
 *    kernel's own types, so sparse checks every access in the driver); no
 *    pointers, no size_t, no enums;
 *  - every struct is naturally aligned with explicit reserved fields, so no
 *    compiler inserts padding (checked at compile time by the protocol
 *    library, virtio-accel-spec/lib/virtio_accel_proto.c, and by the tests);
 *  - reserved fields MUST be written as zero and are checked by the device.
 * Transport identifiers (PCI vendor/device ID) are the spec's (§1.1) and the
 * device model's, not part of this header.
 */
#ifndef VIRTIO_ACCEL_H
#define VIRTIO_ACCEL_H

#if defined(__KERNEL__) || defined(__linux__)
#include <linux/types.h>
#else
/*
 * Guests that are not Linux (the Unikraft library builds with -U__linux__
 * -nostdinc): the same type names, plain integers there.
 */
typedef unsigned short __le16;
typedef unsigned int __le32;
typedef unsigned long long __le64;
#endif

/* [spec §1] Identification. 58 is not assigned by virtio 1.3 and is not one of the
 * IDs other hypervisors use for unofficial devices (they count down from 63).
 */
#define VIRTIO_ID_ACCEL 58

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
	__le32 version;            /* VIRTIO_ACCEL_VERSION */
	__le32 num_request_queues; /* >= 1 */
	__le32 max_sessions;       /* open sessions per device */
	__le32 max_resources;      /* registered resources per device */
	__le32 max_segments;       /* descriptors in one request chain */
	__le32 max_args;           /* nr_in + nr_out of one REQ_RUN */
	__le64 max_request_bytes;  /* device-readable bytes of one request */
	__le64 max_response_bytes; /* device-writable bytes of one request */
	__le64 max_resource_bytes; /* sum of all registered resource bytes */
	__le64 supported_ops;      /* bit n set: VIRTIO_ACCEL_OP n is served */
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
 * NOT vAccel's vaccel_op_type_t, which has changed between releases.
 */
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
 * request header; its device-writable part starts with a response header.
 */
struct virtio_accel_req_hdr {
	__le32 type;        /* VIRTIO_ACCEL_REQ_* */
	__le32 flags;       /* reserved, 0 */
	__le64 request_id;  /* chosen by the driver, echoed in the response */
	__le64 session_id;  /* 0 for SESSION_CREATE and STATS_GET */
	__le32 payload_len; /* readable part is exactly hdr + payload_len bytes */
	__le32 reserved;    /* 0 */
};

struct virtio_accel_resp_hdr {
	__le32 status;      /* VIRTIO_ACCEL_S_* */
	__le32 detail;      /* S_OP_FAILED: host errno (Linux generic); else 0 */
	__le64 request_id;  /* copied from the request header (0 if unreadable) */
	__le32 payload_len; /* response payload bytes that follow this header */
	__le32 reserved;    /* 0 */
};

/* [spec §8.1] SESSION_CREATE payload. flags low 16 bits: vAccel plugin-type hint
 * (VACCEL_PLUGIN_* bits); high 16 bits reserved, 0.
 */
struct virtio_accel_session_create {
	__le32 flags;
	__le32 reserved;
};

/* SESSION_CREATE / RESOURCE_REGISTER response payload. IDs are never 0 and
 * never reused while the device is not reset (generation-tagged).
 */
struct virtio_accel_id_resp {
	__le64 id;
};

/* [spec §8.2] RESOURCE_REGISTER payload: header, nr_blobs blob descriptors, then for
 * each blob in order its name bytes (name_len, no NUL) and its data bytes
 * (size). The resource belongs to the request's session.
 */
struct virtio_accel_resource_register {
	__le32 res_type; /* VIRTIO_ACCEL_RES_* */
	__le32 nr_blobs; /* >= 1 */
};

struct virtio_accel_blob_desc {
	__le64 size;     /* data bytes */
	__le32 name_len; /* 1..VIRTIO_ACCEL_MAX_NAME, [A-Za-z0-9._-], not "." or ".." */
	__le32 reserved; /* 0 */
};

#define VIRTIO_ACCEL_MAX_NAME 255
/* Blob-name alphabet: a name is 1..VIRTIO_ACCEL_MAX_NAME bytes, each one
 * satisfying this test, and is neither "." nor "..".
 */
static inline int virtio_accel_name_char_ok(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

#define VIRTIO_ACCEL_NAME_CHAR_OK(c) virtio_accel_name_char_ok(c)

/* RESOURCE_UNREGISTER payload. */
struct virtio_accel_resource_unregister {
	__le64 resource_id;
};

/* [spec §8.3] RUN payload: this header, nr_in + nr_out argument descriptors (inputs
 * first), then the input bytes back to back. The writable part holds the
 * response header, a virtio_accel_run_resp, then the output regions back to
 * back with the capacities given by the output descriptors.
 */
struct virtio_accel_run_req {
	__le32 op;          /* VIRTIO_ACCEL_OP_* */
	__le32 nr_in;
	__le32 nr_out;
	__le32 reserved;    /* 0 */
	__le64 resource_id; /* ops that name a resource; else 0 */
};

struct virtio_accel_arg {
	__le64 len;         /* input: exact bytes; output: capacity */
	__le32 type;        /* vAccel argument type, passed to the runtime */
	__le32 custom_type; /* vAccel custom type id, passed to the runtime */
};

#define VIRTIO_ACCEL_EXECUTOR_LEN 24
/* Bytes of the writable part before the first output region of a RUN. */
#define VIRTIO_ACCEL_RUN_RESP_BYTES 56 /* resp_hdr + run_resp */

/* Spec limits that every side enforces the same way (spec §11, §8.3). */
#define VIRTIO_ACCEL_MAX_STRING     4096 /* EXEC library path and symbol */
#define VIRTIO_ACCEL_MAX_DIM        0x40000000ULL /* 2^30: SGEMM/tensor dimension */
#define VIRTIO_ACCEL_MAX_TENSORS    64   /* inputs, and outputs, of a model RUN */
#define VIRTIO_ACCEL_MAX_NODE_NAME  256  /* TF node name bytes (no NUL) */
#define VIRTIO_ACCEL_MAX_ARGS_HARD  256  /* cap on config max_args */
/* Smallest writable part of a request: the response header. */
#define VIRTIO_ACCEL_MIN_WRITABLE   24
struct virtio_accel_run_resp {
	char executor[VIRTIO_ACCEL_EXECUTOR_LEN]; /* host plugin name, NUL padded */
	__le64 exec_ns;                          /* host execution time */
};

/* [spec §8.3] Typed parameter blocks: input argument 0 of the ops that take scalars.
 * Floats are IEEE-754 binary32 bit patterns.
 */
struct virtio_accel_sgemm_params {
	__le64 m, n, k;
	__le64 lda, ldb, ldc;
	__le32 alpha; /* float bits */
	__le32 beta;  /* float bits */
};

struct virtio_accel_minmax_params {
	__le32 ndata;          /* number of doubles in the input */
	__le32 low_threshold;  /* int32 two's complement */
	__le32 high_threshold; /* int32 two's complement */
	__le32 reserved;       /* 0 */
};

/* A tensor travels as this descriptor (one arg) followed by its data (next
 * arg). data_type is the framework's own vAccel enum (vaccel_tf_data_type,
 * vaccel_tflite_data_type or vaccel_torch_data_type, by op).
 */
#define VIRTIO_ACCEL_MAX_DIMS 8
struct virtio_accel_tensor_desc {
	__le32 data_type;
	__le32 nr_dims;   /* 0..VIRTIO_ACCEL_MAX_DIMS */
	__le64 dims[VIRTIO_ACCEL_MAX_DIMS]; /* int64, >= 0; unused entries 0 */
};

/* An output tensor as the device writes it back (output arg before its data). */
struct virtio_accel_tensor_out {
	struct virtio_accel_tensor_desc desc;
	__le64 data_len; /* bytes written to the data region that follows */
};

/* Input 0 of TF/TFLITE/TORCH_MODEL_RUN (layout in spec §8.3.1). */
struct virtio_accel_model_run_params {
	__le32 nr_inputs;
	__le32 nr_outputs;
};

/* Input 0 of TORCH_SGEMM. */
struct virtio_accel_torch_sgemm_params {
	__le32 m, n, k;
	__le32 reserved; /* 0 */
};

/* [spec §8.4] TIMERS_GET response payload: header then nr_timers entries, one per op
 * the session ran at least once (needs VIRTIO_ACCEL_F_PROFILING).
 */
struct virtio_accel_timers_resp {
	__le32 nr_timers;
	__le32 reserved;
};

struct virtio_accel_timer {
	__le32 op;       /* VIRTIO_ACCEL_OP_* */
	__le32 reserved;
	__le64 count;    /* completed RUNs of this op */
	__le64 total_ns; /* summed host execution time */
	__le64 max_ns;
};

/*
 * [spec §8.5] STATS_GET response payload: device-wide counters since reset.
 * The first VIRTIO_ACCEL_STATS_V0_SIZE bytes are what every device writes; the
 * copy counters follow when the writable part has room for them (payload_len
 * says how many bytes came back).
 */
struct virtio_accel_stats {
	__le64 requests;
	__le64 errors;    /* responses with status != S_OK, and dropped chains */
	__le64 bytes_in;  /* device-readable bytes consumed */
	__le64 bytes_out; /* device-writable bytes produced */
	__le64 in_flight;
	__le64 sessions;
	__le64 resources;
	__le64 resource_bytes;
	/*
	 * Host copies (spec §8.5): argument bytes of RUN and RESOURCE_REGISTER
	 * (inputs and blobs / output regions), bytes the device copied between
	 * guest memory and its host staging in each direction, and staging bytes
	 * it zero-filled. copied / argument bytes is the copies per byte.
	 */
	__le64 arg_bytes_in;
	__le64 arg_bytes_out;
	__le64 copied_in;
	__le64 copied_out;
	__le64 zero_filled;
};

#define VIRTIO_ACCEL_STATS_V0_SIZE 64

#endif /* VIRTIO_ACCEL_H */
