// SPDX-License-Identifier: Apache-2.0
// Enum-to-string helpers of the public headers.
#include "internal.hpp"

namespace {

template <size_t N>
const char *pick(const char *const (&names)[N], int v, const char *max)
{
	return (v >= 0 && static_cast<size_t>(v) < N) ? names[v] : max;
}

const char *const op_full[] = {
	"VACCEL_OP_NOOP", "VACCEL_OP_EXEC", "VACCEL_OP_EXEC_WITH_RESOURCE",
	"VACCEL_OP_IMAGE_CLASSIFY", "VACCEL_OP_IMAGE_DETECT",
	"VACCEL_OP_IMAGE_SEGMENT", "VACCEL_OP_IMAGE_POSE",
	"VACCEL_OP_IMAGE_DEPTH", "VACCEL_OP_TF_MODEL_LOAD",
	"VACCEL_OP_TF_MODEL_UNLOAD", "VACCEL_OP_TF_MODEL_RUN",
	"VACCEL_OP_TFLITE_MODEL_LOAD", "VACCEL_OP_TFLITE_MODEL_UNLOAD",
	"VACCEL_OP_TFLITE_MODEL_RUN", "VACCEL_OP_TORCH_MODEL_LOAD",
	"VACCEL_OP_TORCH_MODEL_RUN", "VACCEL_OP_TORCH_SGEMM",
	"VACCEL_OP_BLAS_SGEMM", "VACCEL_OP_FPGA_ARRAYCOPY",
	"VACCEL_OP_FPGA_MMULT", "VACCEL_OP_FPGA_PARALLEL",
	"VACCEL_OP_FPGA_VECTORADD", "VACCEL_OP_MINMAX", "VACCEL_OP_OPENCV",
};
static_assert(sizeof(op_full) / sizeof(op_full[0]) == VACCEL_OP_MAX);

const char *const arg_base[] = {
	"RAW", "INT8", "INT8_ARRAY", "INT16", "INT16_ARRAY", "INT32",
	"INT32_ARRAY", "INT64", "INT64_ARRAY", "UINT8", "UINT8_ARRAY",
	"UINT16", "UINT16_ARRAY", "UINT32", "UINT32_ARRAY", "UINT64",
	"UINT64_ARRAY", "FLOAT32", "FLOAT32_ARRAY", "FLOAT64",
	"FLOAT64_ARRAY", "BOOL", "BOOL_ARRAY", "CHAR", "CHAR_ARRAY", "UCHAR",
	"UCHAR_ARRAY", "STRING", "BUFFER", "CUSTOM",
};
static_assert(sizeof(arg_base) / sizeof(arg_base[0]) == VACCEL_ARG_MAX);

const char *const arg_full[] = {
	"VACCEL_ARG_RAW", "VACCEL_ARG_INT8", "VACCEL_ARG_INT8_ARRAY",
	"VACCEL_ARG_INT16", "VACCEL_ARG_INT16_ARRAY", "VACCEL_ARG_INT32",
	"VACCEL_ARG_INT32_ARRAY", "VACCEL_ARG_INT64", "VACCEL_ARG_INT64_ARRAY",
	"VACCEL_ARG_UINT8", "VACCEL_ARG_UINT8_ARRAY", "VACCEL_ARG_UINT16",
	"VACCEL_ARG_UINT16_ARRAY", "VACCEL_ARG_UINT32",
	"VACCEL_ARG_UINT32_ARRAY", "VACCEL_ARG_UINT64",
	"VACCEL_ARG_UINT64_ARRAY", "VACCEL_ARG_FLOAT32",
	"VACCEL_ARG_FLOAT32_ARRAY", "VACCEL_ARG_FLOAT64",
	"VACCEL_ARG_FLOAT64_ARRAY", "VACCEL_ARG_BOOL", "VACCEL_ARG_BOOL_ARRAY",
	"VACCEL_ARG_CHAR", "VACCEL_ARG_CHAR_ARRAY", "VACCEL_ARG_UCHAR",
	"VACCEL_ARG_UCHAR_ARRAY", "VACCEL_ARG_STRING", "VACCEL_ARG_BUFFER",
	"VACCEL_ARG_CUSTOM",
};

struct Bit {
	unsigned v;
	const char *full;
	const char *base;
};
const Bit plugin_bits[] = {
	{VACCEL_PLUGIN_CPU, "VACCEL_PLUGIN_CPU", "CPU"},
	{VACCEL_PLUGIN_GPU, "VACCEL_PLUGIN_GPU", "GPU"},
	{VACCEL_PLUGIN_FPGA, "VACCEL_PLUGIN_FPGA", "FPGA"},
	{VACCEL_PLUGIN_SOFTWARE, "VACCEL_PLUGIN_SOFTWARE", "SOFTWARE"},
	{VACCEL_PLUGIN_TENSORFLOW, "VACCEL_PLUGIN_TENSORFLOW", "TENSORFLOW"},
	{VACCEL_PLUGIN_TORCH, "VACCEL_PLUGIN_TORCH", "TORCH"},
	{VACCEL_PLUGIN_JETSON, "VACCEL_PLUGIN_JETSON", "JETSON"},
	{VACCEL_PLUGIN_GENERIC, "VACCEL_PLUGIN_GENERIC", "GENERIC"},
	{VACCEL_PLUGIN_DEBUG, "VACCEL_PLUGIN_DEBUG", "DEBUG"},
	{VACCEL_PLUGIN_PROFILING, "VACCEL_PLUGIN_PROFILING", "PROFILING"},
	{VACCEL_PLUGIN_REMOTE, "VACCEL_PLUGIN_REMOTE", "REMOTE"},
	{VACCEL_PLUGIN_ALL, "VACCEL_PLUGIN_ALL", "ALL"},
};

} // namespace

extern "C" {

const char *vaccel_op_type_to_str(vaccel_op_type_t t)
{
	return pick(op_full, t, "VACCEL_OP_MAX");
}
const char *vaccel_op_type_to_base_str(vaccel_op_type_t t)
{
	const char *s = vaccel_op_type_to_str(t);
	return t >= 0 && t < VACCEL_OP_MAX ? s + 10 : "MAX";
}
const char *vaccel_op_type_str(vaccel_op_type_t t)
{
	return vaccel_op_type_to_str(t);
}

const char *vaccel_arg_type_to_str(vaccel_arg_type_t t)
{
	return pick(arg_full, t, "VACCEL_ARG_MAX");
}
const char *vaccel_arg_type_to_base_str(vaccel_arg_type_t t)
{
	return pick(arg_base, t, "MAX");
}

const char *vaccel_resource_type_to_str(vaccel_resource_type_t t)
{
	static const char *const n[] = {"VACCEL_RESOURCE_LIB",
					"VACCEL_RESOURCE_DATA",
					"VACCEL_RESOURCE_MODEL"};
	return pick(n, t, "VACCEL_RESOURCE_MAX");
}
const char *vaccel_resource_type_to_base_str(vaccel_resource_type_t t)
{
	static const char *const n[] = {"LIB", "DATA", "MODEL"};
	return pick(n, t, "MAX");
}

const char *vaccel_path_type_to_str(vaccel_path_type_t t)
{
	static const char *const n[] = {"VACCEL_PATH_LOCAL_FILE",
					"VACCEL_PATH_LOCAL_DIR",
					"VACCEL_PATH_REMOTE_FILE"};
	return pick(n, t, "VACCEL_PATH_MAX");
}
const char *vaccel_path_type_to_base_str(vaccel_path_type_t t)
{
	static const char *const n[] = {"LOCAL_FILE", "LOCAL_DIR",
					"REMOTE_FILE"};
	return pick(n, t, "MAX");
}

const char *vaccel_blob_type_to_str(vaccel_blob_type_t t)
{
	static const char *const n[] = {"VACCEL_BLOB_NONE", "VACCEL_BLOB_FILE",
					"VACCEL_BLOB_BUF",
					"VACCEL_BLOB_MAPPED"};
	return pick(n, t, "VACCEL_BLOB_MAX");
}
const char *vaccel_blob_type_to_base_str(vaccel_blob_type_t t)
{
	static const char *const n[] = {"NONE", "FILE", "BUF", "MAPPED"};
	return pick(n, t, "MAX");
}

const char *vaccel_log_level_to_str(vaccel_log_level_t l)
{
	static const char *const n[] = {"VACCEL_LOG_MAX", "VACCEL_LOG_ERROR",
					"VACCEL_LOG_WARN", "VACCEL_LOG_INFO",
					"VACCEL_LOG_DEBUG"};
	return pick(n, l, "VACCEL_LOG_MAX");
}
const char *vaccel_log_level_to_base_str(vaccel_log_level_t l)
{
	static const char *const n[] = {"MAX", "ERROR", "WARN", "INFO",
					"DEBUG"};
	return pick(n, l, "MAX");
}

const char *vaccel_plugin_type_to_str(vaccel_plugin_type_t t)
{
	for (const Bit &b : plugin_bits)
		if (b.v == static_cast<unsigned>(t))
			return b.full;
	return "VACCEL_PLUGIN_MAX";
}
const char *vaccel_plugin_type_to_base_str(vaccel_plugin_type_t t)
{
	for (const Bit &b : plugin_bits)
		if (b.v == static_cast<unsigned>(t))
			return b.base;
	return "MAX";
}

} // extern "C"
