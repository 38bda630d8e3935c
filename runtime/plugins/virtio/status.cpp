// SPDX-License-Identifier: Apache-2.0
#include "status.hpp"

#include <cerrno>

#include <vaccel/error.h>

#include "wire.hpp"

namespace vaccel_virtio {

const char *status_name(uint32_t status)
{
	switch (status) {
	case VIRTIO_ACCEL_S_OK: return "OK";
	case VIRTIO_ACCEL_S_MALFORMED: return "MALFORMED";
	case VIRTIO_ACCEL_S_UNSUPPORTED: return "UNSUPPORTED";
	case VIRTIO_ACCEL_S_NO_SESSION: return "NO_SESSION";
	case VIRTIO_ACCEL_S_NO_RESOURCE: return "NO_RESOURCE";
	case VIRTIO_ACCEL_S_QUOTA: return "QUOTA";
	case VIRTIO_ACCEL_S_RESP_TOO_SMALL: return "RESP_TOO_SMALL";
	case VIRTIO_ACCEL_S_OP_FAILED: return "OP_FAILED";
	case VIRTIO_ACCEL_S_DENIED: return "DENIED";
	case VIRTIO_ACCEL_S_NO_MEMORY: return "NO_MEMORY";
	case VIRTIO_ACCEL_S_BAD_ARGS: return "BAD_ARGS";
	case VIRTIO_ACCEL_IOC_NO_STATUS: return "NO_ANSWER";
	default: return "UNKNOWN";
	}
}

const char *wire_op_name(uint32_t op)
{
	static const char *const names[] = {
		"NONE", "NOOP", "EXEC", "EXEC_WITH_RESOURCE", "SGEMM", "MINMAX",
		"IMAGE_CLASSIFY", "IMAGE_DETECT", "IMAGE_SEGMENT", "IMAGE_POSE",
		"IMAGE_DEPTH", "FPGA_ARRAYCOPY", "FPGA_MMULT", "FPGA_PARALLEL",
		"FPGA_VECTORADD", "TF_MODEL_LOAD", "TF_MODEL_UNLOAD",
		"TF_MODEL_RUN", "TFLITE_MODEL_LOAD", "TFLITE_MODEL_UNLOAD",
		"TFLITE_MODEL_RUN", "TORCH_MODEL_LOAD", "TORCH_MODEL_RUN",
		"TORCH_SGEMM", "OPENCV"};
	static_assert(sizeof(names) / sizeof(names[0]) == VIRTIO_ACCEL_OP_MAX + 1);
	return op >= 1 && op <= VIRTIO_ACCEL_OP_MAX ? names[op] : "UNKNOWN";
}

int to_vaccel_error(int ioctl_errno, uint32_t status, uint32_t detail)
{
	switch (status) {
	case VIRTIO_ACCEL_S_OK:
		// The device succeeded but the driver may still have failed
		// (e.g. copying outputs back): fall through to the errno.
		break;
	case VIRTIO_ACCEL_S_MALFORMED:
	case VIRTIO_ACCEL_S_RESP_TOO_SMALL:
		return VACCEL_EBACKEND;
	case VIRTIO_ACCEL_S_UNSUPPORTED: return VACCEL_ENOTSUP;
	case VIRTIO_ACCEL_S_NO_SESSION: return VACCEL_ESESS;
	case VIRTIO_ACCEL_S_NO_RESOURCE: return VACCEL_ENOENT;
	case VIRTIO_ACCEL_S_QUOTA: return VACCEL_ENOSPC;
	case VIRTIO_ACCEL_S_OP_FAILED:
		return detail ? static_cast<int>(detail) : VACCEL_EBACKEND;
	case VIRTIO_ACCEL_S_DENIED: return VACCEL_EPERM;
	case VIRTIO_ACCEL_S_NO_MEMORY: return VACCEL_ENOMEM;
	case VIRTIO_ACCEL_S_BAD_ARGS: return VACCEL_EINVAL;
	case VIRTIO_ACCEL_IOC_NO_STATUS: break;
	default: return VACCEL_EIO;
	}
	switch (ioctl_errno) {
	case 0: return VACCEL_OK;
	case ENOENT: return VACCEL_ESESS;
	case EOPNOTSUPP: return VACCEL_ENOTSUP;
	case E2BIG: return VACCEL_ENOSPC;
	case EMFILE: return VACCEL_EUSERS;
	case EINVAL: return VACCEL_EINVAL;
	case EFAULT: return VACCEL_EFAULT;
	case ENOMEM: return VACCEL_ENOMEM;
	case ENODEV: return VACCEL_ENODEV;
	default: return VACCEL_EIO;
	}
}

}  // namespace vaccel_virtio
