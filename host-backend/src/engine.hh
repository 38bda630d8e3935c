// The request engine: one chain in, one response out (spec §7-§9).
// Stateless per request apart from the session table; safe to call from many
// threads at once, each with its own Scratch.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "exec_policy.hh"
#include "guest_gate.hh"
#include "guest_log.hh"
#include "op_table.hh"
#include "request.hh"
#include "runtime.hh"
#include "session_table.hh"
#include "staging.hh"
#include "virtio_accel_host.h"

namespace va {

struct EngineOptions {
  Limits limits;
  bool profiling = true;
  bool allow_guest_code = false;
  ExecPolicy exec_allowlist;  // empty: OP_EXEC denied
  // Sink of guest-triggered messages (rate-limited, escaped); may be empty.
  std::function<void(int level, const char *msg)> log;
};

// Per-thread working memory, reused across requests so that the hot path
// does not allocate. The staging buffer grows to the largest request seen;
// one above kStagingKeep goes back to the device's pool after the request
// (staging.hh), where the next large request, on any worker, finds it.
struct Scratch {
  Request req;
  BlobList blobs;
  std::array<ArgBuf, kMaxArgsCap> args;
  std::array<BlobBuf, kMaxArgsCap> blob_bufs;
  OpScratch op;        // what the op's check copies out (op_table.hh)
  StagingBuf staging;  // every argument the runtime sees (staging.hh)
  // The last executor name, NUL-padded as a RUN response carries it. Names
  // have static storage (runtime.hh), so the pointer identifies the text.
  const char *executor_src = nullptr;
  std::array<char, VIRTIO_ACCEL_EXECUTOR_LEN> executor{};
};

// Staging a worker keeps to itself between requests; more is returned to
// the device's pool after use.
inline constexpr uint64_t kStagingKeep = 1u << 20;

struct EngineStats {
  std::atomic<uint64_t> requests{0}, errors{0}, bytes_in{0}, bytes_out{0}, in_flight{0};
  // Host copies per byte (STATS_GET): argument bytes of RUN/RESOURCE_REGISTER,
  // bytes copied guest memory -> staging (in) and staging -> guest memory
  // (out), staging bytes zero-filled.
  std::atomic<uint64_t> arg_in{0}, arg_out{0}, copied_in{0}, copied_out{0}, zero_filled{0};
  // Requests a reset gave up on while their operation ran; they finish in
  // the background, their results dropped (abandoned_running: not yet).
  std::atomic<uint64_t> abandoned{0}, abandoned_running{0};
};

class Engine {
 public:
  Engine(Runtime *rt, EngineOptions opts);

  // Runs one request; returns the used length (0 when the writable part
  // cannot even hold a response header). With a gate, the operation itself
  // runs outside it (guest_gate.hh); *abandoned is then set when a reset
  // gave the request up: nothing was written and the iovecs were not touched
  // after the gate said so.
  uint32_t process(const struct iovec *rd, unsigned rd_cnt, const struct iovec *wr, unsigned wr_cnt,
                   Scratch *scratch, GuestGate *gate = nullptr, bool *abandoned = nullptr);

  // Device reset: drops every session (callers drain execution first).
  void reset() { table_.clear(); }

  // Config space (spec §5) from the limits: the one Limits -> wire conversion.
  struct virtio_accel_config config(uint32_t num_queues) const;
  // Device-wide counters in host order: the one place they are gathered
  // (va_host_get_stats returns it, STATS_GET sends it in wire form).
  struct va_host_stats stats_snapshot() const;
  uint64_t supported_ops() const { return supported_ops_; }
  EngineStats &stats() { return stats_; }
  const EngineStats &stats() const { return stats_; }
  const SessionTable &table() const { return table_; }
  SessionTable &table_for_test() { return table_; }
  const StagingBudget &staging() const { return staging_; }
  const GuestLog &guest_log() const { return log_; }

 private:
  class Phase;
  Status execute(const Request &req, const IovView &rd, const IovView &wr, Scratch *s, Phase &phase,
                 uint64_t *payload);
  Status run(const Request &req, const IovView &rd, const IovView &wr, Scratch *s, Phase &phase,
             uint64_t *payload);
  Status register_resource(const Request &req, const IovView &rd, Scratch *s, Phase &phase,
                           uint64_t *payload, const IovView &wr);
  Status timers(const Request &req, const IovView &wr, uint64_t *payload);
  // Host staging of `need` (> 0) bytes for one request, against the staging budget; QUOTA (logged)
  // when the budget cannot hold it.
  Status reserve_staging(Scratch *s, uint64_t need, uint8_t **buf);
  // Writes the STATS_GET payload; returns its length.
  uint64_t write_stats(const IovView &wr) const;

  Runtime *rt_;
  EngineOptions opts_;
  SessionTable table_;
  uint64_t supported_ops_;
  EngineStats stats_;
  StagingBudget staging_;
  mutable GuestLog log_;
};

}  // namespace va
