// SPDX-License-Identifier: Apache-2.0
// The libtorch side of the torch plugin: TorchScript models loaded from bytes, model run on vAccel
// tensors, sgemm, and classification of a preprocessed image. Only engine.cc includes libtorch
// headers (they take minutes to compile), so this interface stays free of them.
//
// Every function returns a VACCEL_* code and, on failure, fills *err with a one-line reason. None
// of them throws: libtorch exceptions (c10::Error, std::bad_alloc, ...) become VACCEL_EINVAL /
// VACCEL_ENOMEM.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

struct vaccel_torch_tensor;

namespace vtorch {

struct Model;  // a loaded TorchScript module (thread-safe for concurrent forward calls)
using ModelPtr = std::shared_ptr<const Model>;

// Intra-op threads libtorch uses (n > 0; else its default: one per physical core), and the same
// number for the OpenBLAS that libtorch calls for its matrix products, unless OPENBLAS_NUM_THREADS
// says otherwise (OpenBLAS's pool is process-wide: other plugins in the process that use OpenBLAS
// share the setting). Returns a line describing the result, for the log.
std::string set_threads(int n);

// The calling thread's parallelism, for the log: libtorch's intra-op threads, and OpenMP's limit
// for this thread before and after libtorch initialised it (OpenMP settings are per thread: a
// device's worker thread does not inherit what the process's main thread was given).
std::string thread_report();

// Deserialise a TorchScript archive (torch.jit.save output) held in memory.
int load_model(const uint8_t *data, size_t size, ModelPtr *out, std::string *err);

// forward(in...) -> out[0..nr_out). Inputs are validated (dtype, dims, size == numel * element
// size) and copied; each output tensor of the result (a tensor, or a tuple/list of tensors) is
// returned in a newly allocated vaccel_torch_tensor (free with vaccel_torch_tensor_delete). On
// failure out[] is left NULL.
int run_model(const Model &m, vaccel_torch_tensor *const *in, int nr_in, vaccel_torch_tensor **out,
              int nr_out, std::string *err);

// out = A[M,K] x B[K,N] + C[M,N], all float32 row-major; *out is a new [M,N] float tensor.
int sgemm(const vaccel_torch_tensor *a, const vaccel_torch_tensor *b, const vaccel_torch_tensor *c,
          int m, int n, int k, vaccel_torch_tensor **out, std::string *err);

struct Score {
  int64_t index;
  float prob;
};

// Runs the classifier on one image given as float32 [3,h,w] (CHW, already normalised), applies
// softmax to its logits ([1,C] or [C]) and returns the `k` most probable classes, most probable
// first.
int classify(const Model &m, const float *chw, int h, int w, size_t k, std::vector<Score> *top,
             std::string *err);

}  // namespace vtorch
