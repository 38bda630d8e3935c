// Per-device table of guest sessions and their resources.
//
// IDs are generation-tagged (slot index in the low 32 bits, a per-slot
// generation in the high 32 bits), so a stale or guessed ID can never reach
// an object created later in the same slot. Objects are reference counted:
// an operation pins its session (and resource) for its duration (pinning
// takes the table lock, unpinning is a lock-free decrement), and
// SESSION_DESTROY / RESOURCE_UNREGISTER only unlink; the runtime object is
// destroyed by whoever drops the last reference -- never under the lock and
// never while an operation still uses it.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "limits.hh"
#include "runtime.hh"
#include "status.hh"

namespace va {

// Per-op profiling counters of a session (REQ_TIMERS_GET). Lock-free: a
// reader may see a RUN's count before its time, which profiling tolerates;
// the hot path then costs three relaxed atomics instead of a mutex.
struct OpTimer {
  std::atomic<uint64_t> count{0};
  std::atomic<uint64_t> total_ns{0};
  std::atomic<uint64_t> max_ns{0};

  void record(uint64_t ns) {
    count.fetch_add(1, std::memory_order_relaxed);
    total_ns.fetch_add(ns, std::memory_order_relaxed);
    uint64_t m = max_ns.load(std::memory_order_relaxed);
    while (ns > m && !max_ns.compare_exchange_weak(m, ns, std::memory_order_relaxed)) {
    }
  }
};

struct Session;

struct Resource {
  uint64_t id = 0;
  uint32_t type = 0;
  uint64_t bytes = 0;
  void *handle = nullptr;  // runtime resource
  Session *owner = nullptr;
  // Incremented only under the table lock and only while linked (the
  // table's own reference keeps it >= 1 then); decremented anywhere. The
  // decrement that reaches 0 destroys, so unpinning needs no lock.
  std::atomic<int> refs{0};
  bool linked = false;
};

struct Session {
  uint64_t id = 0;
  void *handle = nullptr;  // runtime session
  // Incremented only under the table lock and only while linked (the
  // table's own reference keeps it >= 1 then); decremented anywhere. The
  // decrement that reaches 0 destroys, so unpinning needs no lock.
  std::atomic<int> refs{0};
  bool linked = false;
  std::vector<Resource *> resources;  // linked resources, guarded by the lock
  std::array<OpTimer, VIRTIO_ACCEL_OP_MAX + 1> timers;
};

class SessionTable {
 public:
  SessionTable(Runtime *rt, const Limits &lim);
  ~SessionTable();
  SessionTable(const SessionTable &) = delete;
  SessionTable &operator=(const SessionTable &) = delete;

  Status create(uint32_t flags, uint64_t *id);
  Status destroy(uint64_t id);
  // Pins a session; release with unpin().
  Status pin(uint64_t id, Session **s);
  void unpin(Session *s);

  Status add_resource(Session *s, uint32_t type, std::span<const BlobBuf> blobs, uint64_t bytes,
                      uint64_t *id);
  Status remove_resource(Session *s, uint64_t id);
  // Pins a resource of session s (s must be pinned by the caller).
  Status pin_resource(Session *s, uint64_t id, Resource **r);
  void unpin_resource(Resource *r);

  // Drops every session and resource (device reset). No operation may be
  // running: the caller has drained the workers.
  void clear();

  // Tests only: the next object created in any currently free slot gets
  // generation `gen` (to reach the end of the generation space quickly).
  void set_next_generation_for_test(uint32_t gen);

  // What the guest can see: open (linked) sessions and resources. After a
  // reset these are 0 even while abandoned operations still hold some.
  uint64_t sessions() const { return linked_sessions_.load(std::memory_order_relaxed); }
  uint64_t resources() const { return linked_resources_.load(std::memory_order_relaxed); }
  uint64_t resource_bytes() const { return linked_resource_bytes_.load(std::memory_order_relaxed); }
  // What the quotas count: every object not yet destroyed, including those
  // only an abandoned operation still holds.
  uint64_t held_sessions() const { return nr_sessions_.load(std::memory_order_relaxed); }
  uint64_t held_resources() const { return nr_resources_.load(std::memory_order_relaxed); }
  uint64_t held_resource_bytes() const { return resource_bytes_.load(std::memory_order_relaxed); }

 private:
  static constexpr size_t kMaxSlots = UINT32_MAX;  // slot index is 32 bits
  template <typename T>
  struct Slot {
    T *obj = nullptr;
    uint32_t gen = 0;
  };
  template <typename T>
  static T *lookup(std::vector<Slot<T>> &slots, uint64_t id);
  template <typename T>
  static bool insert(std::vector<Slot<T>> &slots, std::vector<uint32_t> &free, uint32_t cap, T *obj,
                     uint64_t *id);
  template <typename T>
  static void erase(std::vector<Slot<T>> &slots, std::vector<uint32_t> &free, uint64_t id);

  void unlink_resource_locked(Resource *r);
  void finish_session(Session *s);    // called without the lock, refs == 0
  void finish_resource(Resource *r);  // called without the lock, refs == 0

  Runtime *rt_;
  Limits lim_;
  std::mutex lock_;
  std::vector<Slot<Session>> sessions_;
  std::vector<uint32_t> free_sessions_;
  std::vector<Slot<Resource>> resources_;
  std::vector<uint32_t> free_resources_;
  std::atomic<uint64_t> nr_sessions_{0};
  std::atomic<uint64_t> nr_resources_{0};
  std::atomic<uint64_t> resource_bytes_{0};
  std::atomic<uint64_t> linked_sessions_{0}, linked_resources_{0}, linked_resource_bytes_{0};
};

}  // namespace va
