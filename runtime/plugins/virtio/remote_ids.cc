// SPDX-License-Identifier: Apache-2.0
#include "remote_ids.hh"

namespace vaccel_virtio {

void RemoteIds::put(vaccel_id_t res, vaccel_id_t sess, uint64_t remote) {
  std::lock_guard<std::mutex> l(mu_);
  ids_[{res, sess}] = remote;
}

uint64_t RemoteIds::get(vaccel_id_t res, vaccel_id_t sess) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = ids_.find({res, sess});
  return it == ids_.end() ? 0 : it->second;
}

uint64_t RemoteIds::take(vaccel_id_t res, vaccel_id_t sess) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = ids_.find({res, sess});
  if (it == ids_.end()) return 0;
  uint64_t id = it->second;
  ids_.erase(it);
  return id;
}

size_t RemoteIds::drop_session(vaccel_id_t sess) {
  std::lock_guard<std::mutex> l(mu_);
  size_t n = 0;
  for (auto it = ids_.begin(); it != ids_.end();) {
    if (it->first.second == sess) {
      it = ids_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

}  // namespace vaccel_virtio
