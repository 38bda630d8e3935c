#include "session_table.hh"

#include <algorithm>
#include <new>

namespace va {

SessionTable::SessionTable(Runtime *rt, const Limits &lim) : rt_(rt), lim_(lim) {
  // Reserved up front: inserting under the lock then never allocates.
  sessions_.reserve(lim.max_sessions);
  free_sessions_.reserve(lim.max_sessions);
  resources_.reserve(lim.max_resources);
  free_resources_.reserve(lim.max_resources);
}

SessionTable::~SessionTable() { clear(); }

void SessionTable::set_next_generation_for_test(uint32_t gen) {
  std::lock_guard g(lock_);
  for (auto &slot : sessions_)
    if (slot.obj == nullptr) slot.gen = gen - 1;
  for (auto &slot : resources_)
    if (slot.obj == nullptr) slot.gen = gen - 1;
}

template <typename T>
T *SessionTable::lookup(std::vector<Slot<T>> &slots, uint64_t id) {
  uint64_t idx = id & 0xffffffffu;
  auto gen = static_cast<uint32_t>(id >> 32);
  if (idx >= slots.size() || slots[idx].obj == nullptr || slots[idx].gen != gen) return nullptr;
  return slots[idx].obj;
}

template <typename T>
bool SessionTable::insert(std::vector<Slot<T>> &slots, std::vector<uint32_t> &free, uint32_t cap,
                          T *obj, uint64_t *id) {
  (void)cap;  // callers bound the live objects; slots may also hold retired ones
  uint32_t idx;
  if (!free.empty()) {
    idx = free.back();
    free.pop_back();
  } else {
    if (slots.size() >= kMaxSlots) return false;
    try {
      slots.emplace_back();
    } catch (const std::bad_alloc &) {
      return false;
    }
    idx = static_cast<uint32_t>(slots.size() - 1);
  }
  Slot<T> &slot = slots[idx];
  // Generations run 1..2^32-1 and never wrap (erase retires the slot), so
  // no ID is 0 and no destroyed ID ever becomes valid again.
  slot.gen++;
  slot.obj = obj;
  *id = (static_cast<uint64_t>(slot.gen) << 32) | idx;
  return true;
}

template <typename T>
void SessionTable::erase(std::vector<Slot<T>> &slots, std::vector<uint32_t> &free, uint64_t id) {
  auto idx = static_cast<uint32_t>(id & 0xffffffffu);
  slots[idx].obj = nullptr;
  // A slot whose generation is spent is retired, never reused: its IDs
  // must stay dead (a few bytes per 2^32 create/destroy cycles).
  if (slots[idx].gen != UINT32_MAX) free.push_back(idx);
}

Status SessionTable::create(uint32_t flags, uint64_t *id) {
  {
    std::lock_guard g(lock_);
    if (nr_sessions_.load(std::memory_order_relaxed) >= lim_.max_sessions)
      return Status::Of(VIRTIO_ACCEL_S_QUOTA);
    nr_sessions_.fetch_add(1, std::memory_order_relaxed);  // reserve before the slow call
  }
  int err = 0;
  void *handle = rt_->session_create(flags, &err);
  if (handle == nullptr) {
    nr_sessions_.fetch_sub(1, std::memory_order_relaxed);
    return Status::Of(VIRTIO_ACCEL_S_OP_FAILED, static_cast<uint32_t>(err));
  }
  auto *s = new (std::nothrow) Session;
  if (s == nullptr) {
    rt_->session_destroy(handle);
    nr_sessions_.fetch_sub(1, std::memory_order_relaxed);
    return Status::Of(VIRTIO_ACCEL_S_NO_MEMORY);
  }
  s->handle = handle;
  s->refs = 1;  // the table's own reference, dropped by destroy()
  s->linked = true;
  {
    std::lock_guard g(lock_);
    if (insert(sessions_, free_sessions_, lim_.max_sessions, s, &s->id)) {
      linked_sessions_.fetch_add(1, std::memory_order_relaxed);
      *id = s->id;
      return Status::Ok();
    }
  }
  // Out of slot memory (or 2^32 retired slots): undo.
  rt_->session_destroy(handle);
  delete s;
  nr_sessions_.fetch_sub(1, std::memory_order_relaxed);
  return Status::Of(VIRTIO_ACCEL_S_NO_MEMORY);
}

void SessionTable::unlink_resource_locked(Resource *r) {
  erase(resources_, free_resources_, r->id);
  r->linked = false;
  linked_resources_.fetch_sub(1, std::memory_order_relaxed);
  linked_resource_bytes_.fetch_sub(r->bytes, std::memory_order_relaxed);
}

Status SessionTable::destroy(uint64_t id) {
  std::vector<Resource *> dead_resources;
  Session *dead = nullptr;
  {
    std::lock_guard g(lock_);
    Session *s = lookup(sessions_, id);
    if (s == nullptr) return Status::Of(VIRTIO_ACCEL_S_NO_SESSION);
    erase(sessions_, free_sessions_, id);
    s->linked = false;
    linked_sessions_.fetch_sub(1, std::memory_order_relaxed);
    for (Resource *r : s->resources) {
      if (!r->linked) continue;
      unlink_resource_locked(r);
      if (r->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) dead_resources.push_back(r);
    }
    if (s->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) dead = s;
  }
  for (Resource *r : dead_resources) finish_resource(r);
  if (dead) finish_session(dead);
  return Status::Ok();
}

Status SessionTable::pin(uint64_t id, Session **out) {
  std::lock_guard g(lock_);
  Session *s = lookup(sessions_, id);
  if (s == nullptr) return Status::Of(VIRTIO_ACCEL_S_NO_SESSION);
  s->refs.fetch_add(1, std::memory_order_relaxed);  // >= 1 already: linked
  *out = s;
  return Status::Ok();
}

void SessionTable::unpin(Session *s) {
  if (s->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) finish_session(s);
}

Status SessionTable::add_resource(Session *s, uint32_t type, std::span<const BlobBuf> blobs,
                                  uint64_t bytes, uint64_t *id) {
  {
    std::lock_guard g(lock_);
    if (!s->linked) return Status::Of(VIRTIO_ACCEL_S_NO_SESSION);
    uint64_t used = resource_bytes_.load(std::memory_order_relaxed);
    if (nr_resources_.load(std::memory_order_relaxed) >= lim_.max_resources ||
        bytes > lim_.max_resource_bytes - used)
      return Status::Of(VIRTIO_ACCEL_S_QUOTA);
    nr_resources_.fetch_add(1, std::memory_order_relaxed);
    resource_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  }
  int err = 0;
  void *handle = rt_->resource_create(s->handle, type, blobs, &err);
  if (handle == nullptr) {
    nr_resources_.fetch_sub(1, std::memory_order_relaxed);
    resource_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
    return Status::Of(VIRTIO_ACCEL_S_OP_FAILED, static_cast<uint32_t>(err));
  }
  auto *r = new (std::nothrow) Resource;
  if (r == nullptr) {
    rt_->resource_destroy(s->handle, handle);
    nr_resources_.fetch_sub(1, std::memory_order_relaxed);
    resource_bytes_.fetch_sub(bytes, std::memory_order_relaxed);
    return Status::Of(VIRTIO_ACCEL_S_NO_MEMORY);
  }
  r->type = type;
  r->bytes = bytes;
  r->handle = handle;
  r->owner = s;
  r->refs = 1;
  r->linked = true;
  {
    std::lock_guard g(lock_);
    if (s->linked && insert(resources_, free_resources_, lim_.max_resources, r, &r->id)) {
      linked_resources_.fetch_add(1, std::memory_order_relaxed);
      linked_resource_bytes_.fetch_add(bytes, std::memory_order_relaxed);
      s->resources.push_back(r);
      *id = r->id;
      return Status::Ok();
    }
  }
  // The session was destroyed while the runtime built the resource.
  r->linked = false;
  r->refs = 0;
  {
    std::lock_guard g(lock_);
    s->resources.push_back(r);  // finish_resource unlinks it from the owner
  }
  finish_resource(r);
  return Status::Of(VIRTIO_ACCEL_S_NO_SESSION);
}

Status SessionTable::remove_resource(Session *s, uint64_t id) {
  Resource *dead = nullptr;
  {
    std::lock_guard g(lock_);
    Resource *r = lookup(resources_, id);
    if (r == nullptr || r->owner != s) return Status::Of(VIRTIO_ACCEL_S_NO_RESOURCE);
    unlink_resource_locked(r);
    if (r->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) dead = r;
  }
  if (dead) finish_resource(dead);
  return Status::Ok();
}

Status SessionTable::pin_resource(Session *s, uint64_t id, Resource **out) {
  std::lock_guard g(lock_);
  Resource *r = lookup(resources_, id);
  if (r == nullptr || r->owner != s) return Status::Of(VIRTIO_ACCEL_S_NO_RESOURCE);
  r->refs.fetch_add(1, std::memory_order_relaxed);  // >= 1 already: linked
  *out = r;
  return Status::Ok();
}

void SessionTable::unpin_resource(Resource *r) {
  if (r->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) finish_resource(r);
}

void SessionTable::finish_resource(Resource *r) {
  // The owner is alive: whoever held r also held a reference on it.
  rt_->resource_destroy(r->owner->handle, r->handle);
  {
    std::lock_guard g(lock_);
    auto &v = r->owner->resources;
    v.erase(std::remove(v.begin(), v.end(), r), v.end());
  }
  nr_resources_.fetch_sub(1, std::memory_order_relaxed);
  resource_bytes_.fetch_sub(r->bytes, std::memory_order_relaxed);
  delete r;
}

void SessionTable::finish_session(Session *s) {
  rt_->session_destroy(s->handle);
  nr_sessions_.fetch_sub(1, std::memory_order_relaxed);
  delete s;
}

void SessionTable::clear() {
  std::vector<uint64_t> ids;
  {
    std::lock_guard g(lock_);
    for (auto &slot : sessions_)
      if (slot.obj) ids.push_back(slot.obj->id);
  }
  for (uint64_t id : ids) destroy(id);
}

}  // namespace va
