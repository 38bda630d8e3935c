#include "engine.hh"

#include <cstdio>
#include <cstring>
#include <ctime>
#include <new>

#include "le.hh"
#include "op_table.hh"
#include "virtio_accel_proto.h"

namespace va {
namespace {

constexpr uint64_t kRespHdr = sizeof(struct virtio_accel_resp_hdr);

uint64_t now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

// Ops the engine can validate and hand to a runtime: all of protocol 1.0.
constexpr uint64_t kEngineOps = ((1ull << (VIRTIO_ACCEL_OP_MAX + 1)) - 1) & ~1ull;

// Scoped pins, so an exception (bad_alloc) or early return never leaks a
// reference. Declared session first, resource second: the resource is
// released first, as SessionTable requires.
class SessionPin {
 public:
  explicit SessionPin(SessionTable &t) : t_(t) {}
  ~SessionPin() {
    if (s_) t_.unpin(s_);
  }
  Status pin(uint64_t id) { return t_.pin(id, &s_); }
  Session *get() const { return s_; }

 private:
  SessionTable &t_;
  Session *s_ = nullptr;
};

class ResourcePin {
 public:
  explicit ResourcePin(SessionTable &t) : t_(t) {}
  ~ResourcePin() {
    if (r_) t_.unpin_resource(r_);
  }
  Status pin(Session *s, uint64_t id) { return t_.pin_resource(s, id, &r_); }
  Resource *get() const { return r_; }

 private:
  SessionTable &t_;
  Resource *r_ = nullptr;
};

}  // namespace

Engine::Engine(Runtime *rt, EngineOptions opts)
    : rt_(rt),
      opts_(std::move(opts)),
      table_(rt, opts_.limits),
      staging_(opts_.limits.staging_cap()),
      log_(opts_.log) {
  supported_ops_ = rt_->supported_ops() & kEngineOps;
  if (opts_.exec_allowlist.empty()) supported_ops_ &= ~(1ull << VIRTIO_ACCEL_OP_EXEC);
  if (!opts_.allow_guest_code) supported_ops_ &= ~(1ull << VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE);
}

// Tracks whether the request is inside or outside its GuestGate; every
// return path of process() goes back inside before it may touch guest
// memory, and learns there whether the request was abandoned.
class Engine::Phase {
 public:
  explicit Phase(GuestGate *g) : gate_(g) {}
  void leave() {
    if (gate_ && !away_) {
      gate_->leave();
      away_ = true;
    }
  }
  // False: abandoned by a reset; guest memory and iovecs are off limits.
  bool enter() {
    if (away_) {
      away_ = false;
      if (!gate_->enter()) abandoned_ = true;
    }
    return !abandoned_;
  }
  bool abandoned() const { return abandoned_; }

 private:
  GuestGate *gate_;
  bool away_ = false;
  bool abandoned_ = false;
};

struct virtio_accel_config Engine::config(uint32_t num_queues) const {
  const Limits &l = opts_.limits;
  struct virtio_accel_config c {};
  c.version = to_le32(VIRTIO_ACCEL_VERSION);
  c.num_request_queues = to_le32(num_queues);
  c.max_sessions = to_le32(l.max_sessions);
  c.max_resources = to_le32(l.max_resources);
  c.max_segments = to_le32(l.max_segments);
  c.max_args = to_le32(l.max_args);
  c.max_request_bytes = to_le64(l.max_request_bytes);
  c.max_response_bytes = to_le64(l.max_response_bytes);
  c.max_resource_bytes = to_le64(l.max_resource_bytes);
  c.supported_ops = to_le64(supported_ops_);
  return c;
}

uint32_t Engine::process(const struct iovec *rd_iov, unsigned rd_cnt, const struct iovec *wr_iov,
                         unsigned wr_cnt, Scratch *s, GuestGate *gate, bool *abandoned) {
  IovView rd(rd_iov, rd_cnt), wr(wr_iov, wr_cnt);
  Phase phase(gate);
  if (abandoned) *abandoned = false;
  stats_.requests.fetch_add(1, std::memory_order_relaxed);
  if (!wr.valid() || wr.size() < kRespHdr) {
    // Nowhere to put a status: the chain is completed with used length 0.
    stats_.errors.fetch_add(1, std::memory_order_relaxed);
    log_.log(kLogWarning, "virtio-accel: request without room for a response header (%llu bytes)",
             static_cast<unsigned long long>(wr.valid() ? wr.size() : 0));
    return 0;
  }
  const uint64_t rd_bytes = rd.valid() ? rd.size() : 0;

  Request &req = s->req;
  uint64_t payload = 0;
  Status st = decode_request(rd, wr.size(), rd_cnt + wr_cnt, opts_.limits, opts_.profiling, &req,
                             &s->blobs);
  if (st.ok()) {
    try {
      st = execute(req, rd, wr, s, phase, &payload);
    } catch (const std::bad_alloc &) {
      // Host memory pressure is the host's problem, reported, not fatal.
      st = Status::Of(VIRTIO_ACCEL_S_NO_MEMORY);
    }
  }
  s->staging.trim(kStagingKeep);
  if (!phase.enter()) {
    // A reset gave this request up while it ran: drop everything.
    if (abandoned) *abandoned = true;
    return 0;
  }
  if (!st.ok()) {
    payload = 0;
    stats_.errors.fetch_add(1, std::memory_order_relaxed);
    if (st.code != VIRTIO_ACCEL_S_OP_FAILED)
      log_.log(kLogWarning, "virtio-accel: request %llu (type %#x) rejected: %s",
               static_cast<unsigned long long>(req.request_id), req.type, va_status_name(st.code));
  }

  struct virtio_accel_resp_hdr h {};
  h.status = to_le32(st.code);
  h.detail = to_le32(st.detail);
  h.request_id = to_le64(req.request_id);
  h.payload_len = to_le32(static_cast<uint32_t>(payload));
  wr.copy_in(0, &h, sizeof h);

  uint64_t used = kRespHdr + payload;
  stats_.bytes_in.fetch_add(rd_bytes, std::memory_order_relaxed);
  stats_.bytes_out.fetch_add(used, std::memory_order_relaxed);
  return static_cast<uint32_t>(used);
}

Status Engine::execute(const Request &req, const IovView &rd, const IovView &wr, Scratch *s,
                       Phase &phase, uint64_t *payload) {
  switch (req.type) {
    case VIRTIO_ACCEL_REQ_SESSION_CREATE: {
      uint64_t id = 0;
      phase.leave();  // plugins' session hooks may take their time
      Status st = table_.create(req.session_flags, &id);
      if (!phase.enter()) {
        if (st.ok()) table_.destroy(id);  // nobody will ever learn this ID
        return st;
      }
      if (!st.ok()) return st;
      struct virtio_accel_id_resp r = {to_le64(id)};
      wr.copy_in(kRespHdr, &r, sizeof r);
      *payload = sizeof r;
      return st;
    }
    case VIRTIO_ACCEL_REQ_SESSION_DESTROY:
      phase.leave();
      return table_.destroy(req.session_id);
    case VIRTIO_ACCEL_REQ_RESOURCE_REGISTER:
      return register_resource(req, rd, s, phase, payload, wr);
    case VIRTIO_ACCEL_REQ_RESOURCE_UNREGISTER: {
      phase.leave();
      SessionPin sess(table_);
      Status st = sess.pin(req.session_id);
      return st.ok() ? table_.remove_resource(sess.get(), req.object_id) : st;
    }
    case VIRTIO_ACCEL_REQ_RUN:
      return run(req, rd, wr, s, phase, payload);
    case VIRTIO_ACCEL_REQ_TIMERS_GET:
      return timers(req, wr, payload);
    case VIRTIO_ACCEL_REQ_STATS_GET:
      *payload = write_stats(wr);
      return Status::Ok();
    default:
      return Status::Of(VIRTIO_ACCEL_S_UNSUPPORTED);  // decode rejects these first
  }
}

Status Engine::register_resource(const Request &req, const IovView &rd, Scratch *s, Phase &phase,
                                 uint64_t *payload, const IovView &wr) {
  SessionPin sess(table_);
  Status st = sess.pin(req.session_id);
  if (!st.ok()) return st;

  // Blobs are staged (the runtime copies what it keeps, possibly slowly:
  // it must not read guest memory while doing so).
  uint64_t need = 0;
  for (uint32_t i = 0; i < req.nr_blobs; i++) need += align_up(s->blobs.blobs[i].data.len, 64);
  uint8_t *buf = nullptr;
  if (need != 0) {
    if (Status st = reserve_staging(s, need, &buf); !st.ok()) return st;
  }
  uint64_t used = 0, copied = 0;
  for (uint32_t i = 0; i < req.nr_blobs; i++) {
    const Blob &b = s->blobs.blobs[i];
    uint8_t *p = buf + used;
    if (b.data.len) rd.copy_out(b.data.off, p, b.data.len);
    copied += b.data.len;
    used += align_up(b.data.len, 64);
    s->blob_bufs[i] = BlobBuf{b.name, b.data.len ? p : nullptr, b.data.len};
  }
  stats_.arg_in.fetch_add(copied, std::memory_order_relaxed);
  stats_.copied_in.fetch_add(copied, std::memory_order_relaxed);
  uint64_t id = 0;
  phase.leave();
  st = table_.add_resource(sess.get(), req.res_type,
                           std::span<const BlobBuf>(s->blob_bufs.data(), req.nr_blobs),
                           req.blob_bytes, &id);
  if (!phase.enter()) {
    if (st.ok()) table_.remove_resource(sess.get(), id);
    return st;
  }
  if (!st.ok()) return st;
  struct virtio_accel_id_resp r = {to_le64(id)};
  wr.copy_in(kRespHdr, &r, sizeof r);
  *payload = sizeof r;
  return st;
}

namespace {

// A valid, aligned address for zero-length arguments; never read or written.
alignas(64) uint8_t g_empty_arg[64];

}  // namespace

Status Engine::run(const Request &req, const IovView &rd, const IovView &wr, Scratch *s,
                   Phase &phase, uint64_t *payload) {
  if ((supported_ops_ >> req.op & 1) == 0) {
    if (req.op == VIRTIO_ACCEL_OP_EXEC || req.op == VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE)
      if ((kEngineOps & rt_->supported_ops()) >> req.op & 1)
        return Status::Of(VIRTIO_ACCEL_S_DENIED);  // served, but not by this device's policy
    return Status::Of(VIRTIO_ACCEL_S_UNSUPPORTED);
  }
  const OpDesc &d = *op_desc(req.op);  // decode_request admits 1..VIRTIO_ACCEL_OP_MAX only
  OpCall call;
  Status st = check_run(d, req, rd, &call, &s->op);
  if (!st.ok()) return st;
  if (req.op == VIRTIO_ACCEL_OP_EXEC && !opts_.exec_allowlist.allows(call.library, call.symbol)) {
    log_.log(kLogWarning, "virtio-accel: exec of '%s' in '%s' denied: not in the allow-list",
             GuestLog::escape(call.symbol).c_str(), GuestLog::escape(call.library, 256).c_str());
    return Status::Of(VIRTIO_ACCEL_S_DENIED);
  }
  if (req.op == VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE && !valid_resource_symbol(call.symbol)) {
    log_.log(kLogWarning, "virtio-accel: exec of '%s' denied: not a C identifier (or kernel@size)",
             GuestLog::escape(call.symbol).c_str());
    return Status::Of(VIRTIO_ACCEL_S_DENIED);
  }
  const uint64_t cost = d.cost ? d.cost(req, call) : 0;
  if (opts_.limits.max_op_cost && cost > opts_.limits.max_op_cost) {
    log_.log(kLogWarning,
             "virtio-accel: op %u refused: %llu multiply-adds exceed the work bound %llu", req.op,
             static_cast<unsigned long long>(cost),
             static_cast<unsigned long long>(opts_.limits.max_op_cost));
    return Status::Of(VIRTIO_ACCEL_S_QUOTA);
  }

  SessionPin sess(table_);
  ResourcePin res(table_);
  st = sess.pin(req.session_id);
  if (!st.ok()) return st;
  if (d.resource != VA_RES_NONE) {
    st = res.pin(sess.get(), req.object_id);
    if (!st.ok()) return st;
    if (res.get()->type != d.resource) return Status::Of(VIRTIO_ACCEL_S_BAD_ARGS);
    call.resource = res.get()->handle;
  }

  // Stage every data argument in host memory, each on a kStagingAlign
  // boundary (a multiple of the op's element alignment): the operation never
  // sees guest RAM (it may outlive a reset), never sees the guest change an
  // input under it, never gets two aliasing arguments, and every element is
  // aligned whatever offsets the guest chose. Inputs the check decoded
  // (lead_in) or prepare copies itself (seed_in) are not staged as inputs.
  const uint32_t first = d.lead_in, nin = req.nr_in - d.lead_in - d.seed_in;
  const uint32_t nargs = nin + req.nr_out;
  auto region = [&](uint32_t i) -> const Region & {
    return i < nin ? req.in(first + i) : req.out(i - nin);
  };
  uint64_t need = 0;
  for (uint32_t i = 0; i < nargs; i++) need += align_up(region(i).len, kStagingAlign);
  uint8_t *buf = nullptr;
  if (need != 0) {
    if (Status st = reserve_staging(s, need, &buf); !st.ok()) return st;
  }
  uint64_t used = 0, copied = 0, zeroed = 0;
  for (uint32_t i = 0; i < nargs; i++) {
    const Region &r = region(i);
    ArgBuf &a = s->args[i];
    a = ArgBuf{r.len ? buf + used : g_empty_arg, r.len, r.type, r.custom_type};
    used += align_up(r.len, kStagingAlign);
    if (r.len == 0) continue;
    if (i < nin) {
      rd.copy_out(r.off, a.data, r.len);
      copied += r.len;
    } else if (!d.out_extent) {
      // The op may write less than the region: what it leaves is zeros,
      // never bytes of an earlier request.
      std::memset(a.data, 0, r.len);
      zeroed += r.len;
    }
  }
  call.in = std::span<ArgBuf>(s->args.data(), nin);
  call.out = std::span<ArgBuf>(s->args.data() + nin, req.nr_out);
  if (d.prepare) {
    const PrepareBytes pb = d.prepare(req, rd, &call);
    copied += pb.copied;
    zeroed += pb.zeroed;
  }
  stats_.arg_in.fetch_add(copied, std::memory_order_relaxed);
  stats_.copied_in.fetch_add(copied, std::memory_order_relaxed);

  if (zeroed) stats_.zero_filled.fetch_add(zeroed, std::memory_order_relaxed);

  phase.leave();
  uint64_t t0 = now_ns();
  OpResult result = rt_->run(sess.get()->handle, call);
  uint64_t dt = now_ns() - t0;
  if (opts_.profiling) sess.get()->timers[req.op].record(dt);
  if (result.err != 0)
    log_.log(kLogInfo, "virtio-accel: op %u failed in the host runtime: errno %d", req.op,
             result.err);
  if (!phase.enter()) return Status::Ok();  // abandoned: results dropped
  if (result.err != 0)
    return Status::Of(VIRTIO_ACCEL_S_OP_FAILED, static_cast<uint32_t>(result.err));
  // Copy staged outputs back: what the op wrote, or the whole region.
  uint64_t back = 0;
  for (uint32_t i = nin; i < nargs; i++) {
    const Region &r = region(i);
    uint64_t n = d.out_extent ? d.out_extent(req, call, i - nin) : r.len;
    if (n > r.len) n = r.len;
    wr.copy_in(r.off, s->args[i].data, n);
    back += n;
  }
  if (req.out_bytes) {
    stats_.arg_out.fetch_add(req.out_bytes, std::memory_order_relaxed);
    stats_.copied_out.fetch_add(back, std::memory_order_relaxed);
  }
  struct virtio_accel_run_resp rr {};
  // One worker runs one plugin's ops over and over: the padded name is
  // built again only when the executor changes.
  const char *who = result.executor ? result.executor : "";
  if (who != s->executor_src) {
    s->executor.fill('\0');
    for (size_t i = 0; i < s->executor.size() - 1 && who[i] != '\0'; i++) s->executor[i] = who[i];
    s->executor_src = who;
  }
  static_assert(sizeof rr.executor == sizeof s->executor);
  std::memcpy(rr.executor, s->executor.data(), sizeof rr.executor);
  rr.exec_ns = to_le64(dt);
  wr.copy_in(kRespHdr, &rr, sizeof rr);
  *payload = sizeof rr + req.out_bytes;
  return Status::Ok();
}

Status Engine::reserve_staging(Scratch *s, uint64_t need, uint8_t **buf) {
  *buf = s->staging.reserve(need, &staging_);
  if (*buf != nullptr) return Status::Ok();
  log_.log(kLogWarning,
           "virtio-accel: staging budget exhausted (%llu bytes wanted, %llu of %llu in use)",
           static_cast<unsigned long long>(need), static_cast<unsigned long long>(staging_.used()),
           static_cast<unsigned long long>(staging_.cap()));
  return Status::Of(VIRTIO_ACCEL_S_QUOTA);
}

Status Engine::timers(const Request &req, const IovView &wr, uint64_t *payload) {
  SessionPin sess(table_);
  Status st = sess.pin(req.session_id);
  if (!st.ok()) return st;
  struct virtio_accel_timer out[VIRTIO_ACCEL_OP_MAX];
  uint32_t n = 0;
  for (uint32_t op = 1; op <= VIRTIO_ACCEL_OP_MAX; op++) {
    const OpTimer &t = sess.get()->timers[op];
    uint64_t count = t.count.load(std::memory_order_relaxed);
    if (count == 0) continue;
    out[n++] = {to_le32(op), 0, to_le64(count), to_le64(t.total_ns.load(std::memory_order_relaxed)),
                to_le64(t.max_ns.load(std::memory_order_relaxed))};
  }
  struct virtio_accel_timers_resp h = {to_le32(n), 0};
  wr.copy_in(kRespHdr, &h, sizeof h);
  wr.copy_in(kRespHdr + sizeof h, out, n * sizeof out[0]);
  *payload = sizeof h + n * sizeof out[0];
  return Status::Ok();
}

struct va_host_stats Engine::stats_snapshot() const {
  struct va_host_stats st {};
  st.requests = stats_.requests.load(std::memory_order_relaxed);
  st.errors = stats_.errors.load(std::memory_order_relaxed);
  st.bytes_in = stats_.bytes_in.load(std::memory_order_relaxed);
  st.bytes_out = stats_.bytes_out.load(std::memory_order_relaxed);
  st.in_flight = stats_.in_flight.load(std::memory_order_relaxed);
  st.sessions = table_.sessions();
  st.resources = table_.resources();
  st.resource_bytes = table_.resource_bytes();
  return st;
}

uint64_t Engine::write_stats(const IovView &wr) const {
  // The wire form (spec §8.5): the snapshot va_host_get_stats returns, then
  // the host-copy counters.
  const struct va_host_stats h = stats_snapshot();
  struct virtio_accel_stats st {};
  st.requests = to_le64(h.requests);
  st.errors = to_le64(h.errors);
  st.bytes_in = to_le64(h.bytes_in);
  st.bytes_out = to_le64(h.bytes_out);
  st.in_flight = to_le64(h.in_flight);
  st.sessions = to_le64(h.sessions);
  st.resources = to_le64(h.resources);
  st.resource_bytes = to_le64(h.resource_bytes);
  st.arg_bytes_in = to_le64(stats_.arg_in.load(std::memory_order_relaxed));
  st.arg_bytes_out = to_le64(stats_.arg_out.load(std::memory_order_relaxed));
  st.copied_in = to_le64(stats_.copied_in.load(std::memory_order_relaxed));
  st.copied_out = to_le64(stats_.copied_out.load(std::memory_order_relaxed));
  st.zero_filled = to_le64(stats_.zero_filled.load(std::memory_order_relaxed));
  // Protocol 1.0 guests offer room for the first 64 bytes only (decode
  // checked at least that much): whole counters, as many as fit.
  uint64_t n = wr.size() - kRespHdr;
  n = n < sizeof st ? n & ~uint64_t{7} : sizeof st;
  wr.copy_in(kRespHdr, &st, n);
  return n;
}

}  // namespace va
