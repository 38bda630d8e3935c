// The interface host-backend executes through. The production implementation
// (vaccel_runtime.cc) calls the host vAccel runtime; tests substitute doubles
// to inject slow or failing operations deterministically.
//
// Contract: every pointer handed to a Runtime method stays valid for the
// duration of the call only. Methods may be called concurrently from several
// worker threads, for different sessions or the same session.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "limits.hh"

namespace va {

struct ModelCall;

// An argument as the runtime sees it: staged host memory, never guest RAM.
struct ArgBuf {
  uint8_t *data = nullptr;
  uint64_t len = 0;
  uint32_t type = 0;
  uint32_t custom_type = 0;
};

struct BlobBuf {
  const char *name = nullptr;
  const uint8_t *data = nullptr;
  uint64_t len = 0;
};

// One REQ_RUN after validation. `in` holds the staged inputs the op takes as
// regions, `out` every output. The leading inputs the engine decodes itself
// (parameter blocks, EXEC strings; OpDesc::lead_in in op_table.hh) are not in
// `in`; they are in the typed fields. `in_base` is the wire index of in[0],
// so that wire_in() addresses inputs with the protocol library's indices
// (va_model_layout and friends) whatever the op consumed.
struct OpCall {
  uint32_t op = 0;                // VIRTIO_ACCEL_OP_*
  void *resource = nullptr;       // Runtime resource handle, ops that take one
  const char *library = nullptr;  // OP_EXEC (allow-listed path)
  const char *symbol = nullptr;   // OP_EXEC, OP_EXEC_WITH_RESOURCE
  // Typed parameter block (copied out of guest memory, validated).
  struct {
    int64_t m, n, k, lda, ldb, ldc;
    float alpha, beta;
  } sgemm{};
  struct {
    int32_t ndata, low, high;
  } minmax{};
  struct {
    int32_t m, n, k;
  } torch_sgemm{};
  // Model RUN ops / TORCH_SGEMM: validated tensor shapes and node names
  // (struct ModelCall, op_table.hh); the data regions are inputs at the
  // indices spec §8.3.1 gives.
  const struct ModelCall *model = nullptr;
  uint32_t in_base = 0;
  std::span<ArgBuf> in;
  std::span<ArgBuf> out;

  // Input by its wire index (>= in_base).
  [[nodiscard]] const ArgBuf &wire_in(uint32_t i) const { return in[i - in_base]; }
};

struct OpResult {
  int err = 0;                // 0 or a positive errno (vAccel error value)
  const char *executor = "";  // plugin that ran it (static storage)
};

class Runtime {
 public:
  virtual ~Runtime() = default;

  // Returns a session handle, or nullptr with *err set (positive errno).
  virtual void *session_create(uint32_t flags, int *err) = 0;
  virtual void session_destroy(void *session) = 0;

  // Creates a resource from blobs and registers it with the session.
  virtual void *resource_create(void *session, uint32_t res_type, std::span<const BlobBuf> blobs,
                                int *err) = 0;
  virtual void resource_destroy(void *session, void *resource) = 0;

  virtual OpResult run(void *session, const OpCall &call) = 0;

  // Operations this runtime can serve at all (bit n = VIRTIO_ACCEL_OP n).
  virtual uint64_t supported_ops() const = 0;
};

// The host vAccel runtime, bootstrapped with a colon-separated plugin list
// (empty: VACCEL_PLUGINS from the environment) and the exec allow-list its
// exec plugin enforces (empty: none beyond the environment's).
std::unique_ptr<Runtime> make_vaccel_runtime(const std::string &plugins,
                                             const std::string &exec_allowlist, std::string *error);

}  // namespace va
