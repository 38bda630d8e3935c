// SPDX-License-Identifier: Apache-2.0
// Remote resource ids. A vAccel resource may be registered with several
// sessions; through the device each registration is a separate host resource
// (resources belong to a session on the wire, spec §8.2), so the id is kept per
// (local resource id, local session id). Thread-safe.
#pragma once

#include <vaccel/id.h>

#include <cstdint>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

namespace vaccel_virtio {

class RemoteIds {
 public:
  void put(vaccel_id_t res, vaccel_id_t sess, uint64_t remote);
  // 0 if the pair is not registered.
  uint64_t get(vaccel_id_t res, vaccel_id_t sess) const;
  // Removes the pair and returns its remote id (0 if absent).
  uint64_t take(vaccel_id_t res, vaccel_id_t sess);
  // Removes every pair of a session (the host drops a session's
  // resources with it) and returns how many there were.
  size_t drop_session(vaccel_id_t sess);

 private:
  mutable std::mutex mu_;
  std::map<std::pair<vaccel_id_t, vaccel_id_t>, uint64_t> ids_;
};

}  // namespace vaccel_virtio
