// The C ABI of virtio_accel_host.h over Engine + WorkerPool.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <thread>

#include "engine.hh"
#include "le.hh"
#include "virtio_accel_host.h"
#include "worker_pool.hh"

namespace {

// Queue depth of the worker pool: enough for several full virtqueues.
constexpr unsigned kQueueDepth = 4096;

// Limits <-> options: the one conversion in each direction, field by name.
void limits_to_options(const va::Limits &l, struct va_host_options *o) {
  o->max_sessions = l.max_sessions;
  o->max_resources = l.max_resources;
  o->max_segments = l.max_segments;
  o->max_args = l.max_args;
  o->max_request_bytes = l.max_request_bytes;
  o->max_response_bytes = l.max_response_bytes;
  o->max_resource_bytes = l.max_resource_bytes;
  o->max_staging_bytes = l.max_staging_bytes;
  o->max_op_cost = l.max_op_cost;
}

va::Limits limits_from_options(const struct va_host_options &o) {
  va::Limits l;
  l.max_sessions = o.max_sessions;
  l.max_resources = o.max_resources;
  l.max_segments = o.max_segments;
  l.max_args = o.max_args;
  l.max_request_bytes = o.max_request_bytes;
  l.max_response_bytes = o.max_response_bytes;
  l.max_resource_bytes = o.max_resource_bytes;
  l.max_staging_bytes = o.max_staging_bytes;
  l.max_op_cost = o.max_op_cost;
  return l;
}

// The wire bounds what a request can be, whatever the options say: a
// request's payload_len and a response's payload_len are 32 bits, and so is
// a virtqueue element's used length. Larger limits would be advertised in
// config space yet truncated later, so they are refused up front.
constexpr uint64_t kMaxRequestBytesWire =
    sizeof(struct virtio_accel_req_hdr) + uint64_t{UINT32_MAX};
constexpr uint64_t kMaxResponseBytesWire = UINT32_MAX;

}  // namespace

struct va_host {
  std::unique_ptr<va::Runtime> runtime;
  std::unique_ptr<va::Engine> engine;
  std::unique_ptr<va::WorkerPool> pool;
  uint32_t num_queues = 1;
  bool profiling = true;
};

extern "C" {

void va_host_options_init(struct va_host_options *o) {
  *o = {};
  o->num_request_queues = 1;
  o->num_workers = 4;
  limits_to_options(va::Limits{}, o);
  o->profiling = 1;
}

va_host *va_host_new(const struct va_host_options *o, va_host_done_fn done, void *dev_opaque,
                     char *err, size_t errlen) {
  auto fail = [&](const std::string &msg) -> va_host * {
    if (err && errlen) snprintf(err, errlen, "%s", msg.c_str());
    return nullptr;
  };
  if (o == nullptr || done == nullptr) return fail("virtio-accel: options and callback required");
  if (o->num_request_queues == 0 || o->num_workers == 0)
    return fail("virtio-accel: num-queues and num-workers must be at least 1");
  if (o->max_args == 0 || o->max_args > va::kMaxArgsCap)
    return fail("virtio-accel: max-args must be 1.." + std::to_string(va::kMaxArgsCap));
  if (o->max_segments < 2) return fail("virtio-accel: max-segments must be at least 2");
  if (o->max_request_bytes < sizeof(struct virtio_accel_req_hdr) ||
      o->max_request_bytes > kMaxRequestBytesWire)
    return fail("virtio-accel: max-request-bytes must be " +
                std::to_string(sizeof(struct virtio_accel_req_hdr)) + ".." +
                std::to_string(kMaxRequestBytesWire) +
                " (a request header's payload_len is 32 bits)");
  if (o->max_response_bytes < VIRTIO_ACCEL_MIN_WRITABLE ||
      o->max_response_bytes > kMaxResponseBytesWire)
    return fail("virtio-accel: max-response-bytes must be " +
                std::to_string(VIRTIO_ACCEL_MIN_WRITABLE) + ".." +
                std::to_string(kMaxResponseBytesWire) + " (a used length is 32 bits)");

  va::EngineOptions eo;
  eo.limits = limits_from_options(*o);
  eo.profiling = o->profiling != 0;
  eo.allow_guest_code = o->allow_guest_code != 0;
  std::string perr;
  if (!eo.exec_allowlist.parse(o->exec_allowlist, &perr)) return fail("virtio-accel: " + perr);
  if (o->log) {
    auto log = o->log;
    void *lo = o->log_opaque;
    eo.log = [log, lo](int level, const char *msg) { log(lo, level, msg); };  // va::LogLevel
  }

  // The engine enforces the EXEC allow-list itself. The runtime's exec plugin
  // gets it too (defence in depth), except when guest code is enabled: the
  // plugin then refuses in-memory libraries, which is what opt-in allows.
  std::string error;
  std::string runtime_allowlist =
      o->allow_guest_code || !o->exec_allowlist ? "" : o->exec_allowlist;
  auto rt = va::make_vaccel_runtime(o->plugins ? o->plugins : "", runtime_allowlist, &error);
  if (!rt) return fail(error);

  auto *h = new (std::nothrow) va_host;
  if (h == nullptr) return fail("virtio-accel: out of memory");
  h->runtime = std::move(rt);
  h->engine = std::make_unique<va::Engine>(h->runtime.get(), std::move(eo));
  h->num_queues = o->num_request_queues;
  h->profiling = o->profiling != 0;
  h->pool = std::make_unique<va::WorkerPool>(
      h->engine.get(), o->num_workers, kQueueDepth,
      [done, dev_opaque](void *req, uint32_t used, bool completed) {
        done(dev_opaque, req, used, completed ? 1 : 0);
      });
  return h;
}

void va_host_free(va_host *h) {
  if (h == nullptr) return;
  va_host_reset(h);
  if (h->pool->abandoned_running() == 0) {
    h->pool.reset();  // joins the (idle) workers
    delete h;
    return;
  }
  // Operations a reset abandoned still run on some workers and use the
  // engine and runtime: the last of them to finish frees the backend, on a
  // thread of its own so that the device model's unplug does not wait.
  std::thread([h] {
    h->pool.reset();
    delete h;
  }).detach();
}

void va_host_get_config(const va_host *h, struct virtio_accel_config *cfg) {
  *cfg = h->engine->config(h->num_queues);
}

uint64_t va_host_features(const va_host *h) {
  uint64_t f = 0;
  if (h->num_queues > 1) f |= 1ull << VIRTIO_ACCEL_F_MQ;
  if (h->profiling) f |= 1ull << VIRTIO_ACCEL_F_PROFILING;
  return f;
}

int va_host_submit(va_host *h, const struct iovec *rd, unsigned rd_cnt, const struct iovec *wr,
                   unsigned wr_cnt, void *req_opaque) {
  // The C ABI's convention is a negative errno; host-backend's a positive one.
  int err = h->pool->submit(rd, rd_cnt, wr, wr_cnt, req_opaque);
  return err ? -err : 0;
}

uint32_t va_host_process(va_host *h, const struct iovec *rd, unsigned rd_cnt,
                         const struct iovec *wr, unsigned wr_cnt) {
  thread_local std::unique_ptr<va::Scratch> scratch;
  if (!scratch) scratch = std::make_unique<va::Scratch>();
  uint32_t used = h->engine->process(rd, rd_cnt, wr, wr_cnt, scratch.get());
  // The thread's staging is charged to this device's budget and this thread
  // may next serve another device, or outlive this one: give it back now.
  scratch->staging.release();
  return used;
}

void va_host_reset(va_host *h) {
  h->pool->reset();
  h->engine->reset();
}

int va_host_get_counter(const va_host *h, const char *name, uint64_t *value) {
  const va::EngineStats &s = h->engine->stats();
  std::string n = name ? name : "";
  if (n == "staging-bytes")
    *value = h->engine->staging().used();
  else if (n == "staging-limit")
    *value = h->engine->staging().cap();
  else if (n == "abandoned")
    *value = s.abandoned.load(std::memory_order_relaxed);
  else if (n == "abandoned-running")
    *value = s.abandoned_running.load(std::memory_order_relaxed);
  else if (n == "sessions-held")
    *value = h->engine->table().held_sessions();
  else if (n == "resources-held")
    *value = h->engine->table().held_resources();
  else if (n == "log-suppressed")
    *value = h->engine->guest_log().suppressed();
  else if (n == "staging-idle")
    *value = h->engine->staging().idle();
  else if (n == "arg-bytes-in")
    *value = s.arg_in.load(std::memory_order_relaxed);
  else if (n == "arg-bytes-out")
    *value = s.arg_out.load(std::memory_order_relaxed);
  else if (n == "copied-in")
    *value = s.copied_in.load(std::memory_order_relaxed);
  else if (n == "copied-out")
    *value = s.copied_out.load(std::memory_order_relaxed);
  else if (n == "zero-filled")
    *value = s.zero_filled.load(std::memory_order_relaxed);
  else
    return -ENOENT;
  return 0;
}

void va_host_get_stats(const va_host *h, struct va_host_stats *st) {
  *st = h->engine->stats_snapshot();
}

}  // extern "C"
