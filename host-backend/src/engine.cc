#include "engine.hh"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <new>

#include "le.hh"
#include "op_schema.hh"

namespace va {
namespace {

constexpr uint64_t kRespHdr = sizeof(struct virtio_accel_resp_hdr);
// Scratch beyond this is returned to the allocator after the request, so one
// huge fragmented request does not pin memory in every worker forever.
constexpr size_t kScratchKeep = 16u << 20;

uint64_t now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }

bool aligned(const void *p, uint32_t a) { return (reinterpret_cast<uintptr_t>(p) & (a - 1)) == 0; }

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
    : rt_(rt), opts_(std::move(opts)), table_(rt, opts_.limits) {
  supported_ops_ = rt_->supported_ops() & kEngineOps;
  if (opts_.exec_allowlist.empty()) supported_ops_ &= ~(1ull << VIRTIO_ACCEL_OP_EXEC);
  if (!opts_.allow_guest_code) supported_ops_ &= ~(1ull << VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE);
}

void Engine::log(int level, const char *fmt, ...) const {
  if (!opts_.log) return;
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  opts_.log(level, buf);
}

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
                         unsigned wr_cnt, Scratch *s) {
  IovView rd(rd_iov, rd_cnt), wr(wr_iov, wr_cnt);
  stats_.requests.fetch_add(1, std::memory_order_relaxed);
  if (!wr.valid() || wr.size() < kRespHdr) {
    // Nowhere to put a status: the chain is completed with used length 0.
    stats_.errors.fetch_add(1, std::memory_order_relaxed);
    log(2, "virtio-accel: request without room for a response header (%llu bytes)",
        static_cast<unsigned long long>(wr.valid() ? wr.size() : 0));
    return 0;
  }

  Request &req = s->req;
  uint64_t payload = 0;
  Status st = decode_request(rd, wr.size(), rd_cnt + wr_cnt, opts_.limits, opts_.profiling, &req,
                             &s->blobs);
  if (st.ok()) {
    try {
      st = execute(req, rd, wr, s, &payload);
    } catch (const std::bad_alloc &) {
      // Host memory pressure is the host's problem, reported, not fatal.
      st = Status::Of(VIRTIO_ACCEL_S_NO_MEMORY);
    }
  }
  if (!st.ok()) {
    payload = 0;
    stats_.errors.fetch_add(1, std::memory_order_relaxed);
    if (st.code != VIRTIO_ACCEL_S_OP_FAILED)
      log(2, "virtio-accel: request %llu (type %#x) rejected: %s",
          static_cast<unsigned long long>(req.request_id), req.type, status_name(st.code));
  }

  struct virtio_accel_resp_hdr h {};
  h.status = to_le32(st.code);
  h.detail = to_le32(st.detail);
  h.request_id = to_le64(req.request_id);
  h.payload_len = to_le32(static_cast<uint32_t>(payload));
  wr.copy_in(0, &h, sizeof h);

  if (s->bounce.capacity() > kScratchKeep) std::vector<uint8_t>().swap(s->bounce);
  uint64_t used = kRespHdr + payload;
  stats_.bytes_in.fetch_add(rd.valid() ? rd.size() : 0, std::memory_order_relaxed);
  stats_.bytes_out.fetch_add(used, std::memory_order_relaxed);
  return static_cast<uint32_t>(used);
}

Status Engine::execute(const Request &req, const IovView &rd, const IovView &wr, Scratch *s,
                       uint64_t *payload) {
  switch (req.type) {
    case VIRTIO_ACCEL_REQ_SESSION_CREATE: {
      uint64_t id = 0;
      Status st = table_.create(req.session_flags, &id);
      if (!st.ok()) return st;
      struct virtio_accel_id_resp r {to_le64(id)};
      wr.copy_in(kRespHdr, &r, sizeof r);
      *payload = sizeof r;
      return st;
    }
    case VIRTIO_ACCEL_REQ_SESSION_DESTROY:
      return table_.destroy(req.session_id);
    case VIRTIO_ACCEL_REQ_RESOURCE_REGISTER:
      return register_resource(req, rd, s, payload, wr);
    case VIRTIO_ACCEL_REQ_RESOURCE_UNREGISTER: {
      SessionPin sess(table_);
      Status st = sess.pin(req.session_id);
      return st.ok() ? table_.remove_resource(sess.get(), req.object_id) : st;
    }
    case VIRTIO_ACCEL_REQ_RUN:
      return run(req, rd, wr, s, payload);
    case VIRTIO_ACCEL_REQ_TIMERS_GET:
      return timers(req, wr, payload);
    case VIRTIO_ACCEL_REQ_STATS_GET:
      write_stats(wr);
      *payload = sizeof(struct virtio_accel_stats);
      return Status::Ok();
    default:
      return Status::Of(VIRTIO_ACCEL_S_UNSUPPORTED);  // decode rejects these first
  }
}

Status Engine::register_resource(const Request &req, const IovView &rd, Scratch *s,
                                 uint64_t *payload, const IovView &wr) {
  SessionPin sess(table_);
  Status st = sess.pin(req.session_id);
  if (!st.ok()) return st;

  // Blobs are handed over in place when contiguous; the runtime copies what
  // it keeps. Fragmented blobs are gathered once.
  uint64_t need = 0;
  for (uint32_t i = 0; i < req.nr_blobs; i++) {
    const Region &d = s->blobs.blobs[i].data;
    if (d.len != 0 && rd.span_at(d.off, d.len) == nullptr) need += align_up(d.len, 16);
  }
  s->bounce.resize(need);
  uint64_t used = 0;
  for (uint32_t i = 0; i < req.nr_blobs; i++) {
    const Blob &b = s->blobs.blobs[i];
    uint8_t *p = b.data.len ? rd.span_at(b.data.off, b.data.len) : nullptr;
    if (p == nullptr && b.data.len) {
      p = s->bounce.data() + used;
      rd.copy_out(b.data.off, p, b.data.len);
      used += align_up(b.data.len, 16);
    }
    s->blob_bufs[i] = BlobBuf{b.name, p, b.data.len};
  }
  uint64_t id = 0;
  st = table_.add_resource(sess.get(), req.res_type,
                           std::span<const BlobBuf>(s->blob_bufs.data(), req.nr_blobs),
                           req.blob_bytes, &id);
  if (!st.ok()) return st;
  struct virtio_accel_id_resp r {to_le64(id)};
  wr.copy_in(kRespHdr, &r, sizeof r);
  *payload = sizeof r;
  return st;
}

bool Engine::exec_allowed(const char *library) const {
  for (const std::string &p : opts_.exec_allowlist)
    if (p == library) return true;
  return false;
}

Status Engine::run(const Request &req, const IovView &rd, const IovView &wr, Scratch *s,
                   uint64_t *payload) {
  if ((supported_ops_ >> req.op & 1) == 0) {
    if (req.op == VIRTIO_ACCEL_OP_EXEC || req.op == VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE)
      if ((kEngineOps & rt_->supported_ops()) >> req.op & 1)
        return Status::Of(VIRTIO_ACCEL_S_DENIED);  // served, but not by this device's policy
    return Status::Of(VIRTIO_ACCEL_S_UNSUPPORTED);
  }
  OpCall call;
  uint32_t consumed = 0;
  Status st = check_op_args(req, rd, &call, s->strings, &s->model, &consumed);
  if (!st.ok()) return st;
  if (req.op == VIRTIO_ACCEL_OP_EXEC && !exec_allowed(call.library)) {
    log(2, "virtio-accel: exec of '%s' denied: not in the allow-list", call.library);
    return Status::Of(VIRTIO_ACCEL_S_DENIED);
  }

  SessionPin sess(table_);
  ResourcePin res(table_);
  st = sess.pin(req.session_id);
  if (!st.ok()) return st;
  if (req.object_id != 0) {
    st = res.pin(sess.get(), req.object_id);
    if (!st.ok()) return st;
    // EXEC_WITH_RESOURCE runs a LIB; every other op that names a resource
    // (model load/unload/run) takes a MODEL.
    bool lib_op = req.op == VIRTIO_ACCEL_OP_EXEC_WITH_RESOURCE;
    uint32_t want = lib_op ? VIRTIO_ACCEL_RES_LIB : VIRTIO_ACCEL_RES_MODEL;
    if (res.get()->type != want) return Status::Of(VIRTIO_ACCEL_S_BAD_ARGS);
    call.resource = res.get()->handle;
  }

  // Place every data argument: in guest memory when contiguous and aligned,
  // else in scratch (pass 1 sizes scratch, pass 2 fills it).
  const uint32_t align = op_alignment(req.op);
  const uint32_t nin = req.nr_in - consumed, nargs = nin + req.nr_out;
  auto region = [&](uint32_t i) -> const Region & {
    return i < nin ? req.in(consumed + i) : req.out(i - nin);
  };
  auto view = [&](uint32_t i) -> const IovView & { return i < nin ? rd : wr; };
  uint64_t need = 0;
  for (uint32_t i = 0; i < nargs; i++) {
    const Region &r = region(i);
    uint8_t *p = r.len ? view(i).span_at(r.off, r.len) : nullptr;
    s->args[i] = ArgBuf{p, r.len, r.type, r.custom_type};
    if (r.len && (p == nullptr || !aligned(p, align))) {
      s->args[i].data = nullptr;
      need += align_up(r.len, 16);
    }
  }
  s->bounce.resize(need);
  uint64_t used = 0;
  for (uint32_t i = 0; i < nargs; i++) {
    const Region &r = region(i);
    ArgBuf &a = s->args[i];
    if (r.len == 0) {
      a.data = reinterpret_cast<uint8_t *>(s->strings);  // valid, never read or written
    } else if (a.data == nullptr) {
      a.data = s->bounce.data() + used;
      used += align_up(r.len, 16);
      if (i < nin)
        rd.copy_out(r.off, a.data, r.len);
      else
        std::memset(a.data, 0, r.len);  // never expose stale host bytes
    }
  }
  call.in = std::span<ArgBuf>(s->args.data(), nin);
  call.out = std::span<ArgBuf>(s->args.data() + nin, req.nr_out);

  if (req.op == VIRTIO_ACCEL_OP_SGEMM) {
    // C is read (beta*C) and written: seed the output with C-in, or zeros.
    const Region &cin = req.in(3);
    uint64_t clen = req.out(0).len;
    if (cin.len == 0)
      std::memset(call.out[0].data, 0, clen);
    else
      rd.copy_out(cin.off, call.out[0].data, cin.len < clen ? cin.len : clen);
  }

  uint64_t t0 = now_ns();
  OpResult result = rt_->run(sess.get()->handle, call);
  uint64_t dt = now_ns() - t0;
  if (opts_.profiling) {
    std::lock_guard g(sess.get()->timer_lock);
    OpTimer &t = sess.get()->timers[req.op];
    t.count++;
    t.total_ns += dt;
    if (dt > t.max_ns) t.max_ns = dt;
  }
  if (result.err != 0) {
    log(3, "virtio-accel: op %u failed in the host runtime: errno %d", req.op, result.err);
    return Status::Of(VIRTIO_ACCEL_S_OP_FAILED, static_cast<uint32_t>(result.err));
  }
  // Scatter staged outputs back into the guest's regions.
  for (uint32_t i = nin; i < nargs; i++) {
    const Region &r = region(i);
    if (r.len && wr.span_at(r.off, r.len) != s->args[i].data) wr.copy_in(r.off, s->args[i].data, r.len);
  }
  struct virtio_accel_run_resp rr {};
  std::strncpy(rr.executor, result.executor ? result.executor : "", sizeof rr.executor - 1);
  rr.exec_ns = to_le64(dt);
  wr.copy_in(kRespHdr, &rr, sizeof rr);
  *payload = sizeof rr + req.out_bytes;
  return Status::Ok();
}

Status Engine::timers(const Request &req, const IovView &wr, uint64_t *payload) {
  SessionPin sess(table_);
  Status st = sess.pin(req.session_id);
  if (!st.ok()) return st;
  struct virtio_accel_timer out[VIRTIO_ACCEL_OP_MAX];
  uint32_t n = 0;
  {
    std::lock_guard g(sess.get()->timer_lock);
    for (uint32_t op = 1; op <= VIRTIO_ACCEL_OP_MAX; op++) {
      const OpTimer &t = sess.get()->timers[op];
      if (t.count == 0) continue;
      out[n++] = {to_le32(op), 0, to_le64(t.count), to_le64(t.total_ns), to_le64(t.max_ns)};
    }
  }
  struct virtio_accel_timers_resp h {to_le32(n), 0};
  wr.copy_in(kRespHdr, &h, sizeof h);
  wr.copy_in(kRespHdr + sizeof h, out, n * sizeof out[0]);
  *payload = sizeof h + n * sizeof out[0];
  return Status::Ok();
}

void Engine::write_stats(const IovView &wr) {
  struct virtio_accel_stats st {};
  st.requests = to_le64(stats_.requests.load(std::memory_order_relaxed));
  st.errors = to_le64(stats_.errors.load(std::memory_order_relaxed));
  st.bytes_in = to_le64(stats_.bytes_in.load(std::memory_order_relaxed));
  st.bytes_out = to_le64(stats_.bytes_out.load(std::memory_order_relaxed));
  st.in_flight = to_le64(stats_.in_flight.load(std::memory_order_relaxed));
  st.sessions = to_le64(table_.sessions());
  st.resources = to_le64(table_.resources());
  st.resource_bytes = to_le64(table_.resource_bytes());
  wr.copy_in(kRespHdr, &st, sizeof st);
}

const char *status_name(uint32_t code) {
  static const char *const names[] = {"OK",       "MALFORMED",      "UNSUPPORTED", "NO_SESSION",
                                      "NO_RESOURCE", "QUOTA",       "RESP_TOO_SMALL", "OP_FAILED",
                                      "DENIED",   "NO_MEMORY",      "BAD_ARGS"};
  return code <= VIRTIO_ACCEL_S_MAX ? names[code] : "UNKNOWN";
}

}  // namespace va
