// The request engine: one chain in, one response out (spec §10-§16).
// Stateless per request apart from the session table; safe to call from many
// threads at once, each with its own Scratch.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "op_schema.hh"
#include "request.hh"
#include "runtime.hh"
#include "session_table.hh"

namespace va {

struct EngineOptions {
  Limits limits;
  bool profiling = true;
  bool allow_guest_code = false;
  std::vector<std::string> exec_allowlist;  // empty: OP_EXEC denied
  std::function<void(int level, const char *msg)> log;  // may be empty
};

// Per-thread working memory, reused across requests so that the hot path
// does not allocate. Grows to the largest fragmented request seen and is
// trimmed back after unusually large ones.
struct Scratch {
  Request req;
  BlobList blobs;
  char strings[2][kMaxStringLen + 1];
  std::array<ArgBuf, kMaxArgsCap> args;
  std::array<BlobBuf, kMaxArgsCap> blob_bufs;
  ModelCall model;
  std::vector<uint8_t> bounce;  // gathered inputs / staged outputs
};

struct EngineStats {
  std::atomic<uint64_t> requests{0}, errors{0}, bytes_in{0}, bytes_out{0}, in_flight{0};
};

class Engine {
 public:
  Engine(Runtime *rt, EngineOptions opts);

  // Runs one request; returns the used length (0 when the writable part
  // cannot even hold a response header).
  uint32_t process(const struct iovec *rd, unsigned rd_cnt, const struct iovec *wr,
                   unsigned wr_cnt, Scratch *scratch);

  // Device reset: drops every session (callers drain execution first).
  void reset() { table_.clear(); }

  struct virtio_accel_config config(uint32_t num_queues) const;
  uint64_t supported_ops() const { return supported_ops_; }
  EngineStats &stats() { return stats_; }
  const EngineStats &stats() const { return stats_; }
  const SessionTable &table() const { return table_; }

 private:
  Status execute(const Request &req, const IovView &rd, const IovView &wr, Scratch *s,
                 uint64_t *payload);
  Status run(const Request &req, const IovView &rd, const IovView &wr, Scratch *s,
             uint64_t *payload);
  Status register_resource(const Request &req, const IovView &rd, Scratch *s, uint64_t *payload,
                           const IovView &wr);
  Status timers(const Request &req, const IovView &wr, uint64_t *payload);
  void write_stats(const IovView &wr);
  bool exec_allowed(const char *library) const;
  void log(int level, const char *fmt, ...) const __attribute__((format(printf, 3, 4)));

  Runtime *rt_;
  EngineOptions opts_;
  SessionTable table_;
  uint64_t supported_ops_;
  EngineStats stats_;
};

}  // namespace va
