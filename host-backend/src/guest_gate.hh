// Brackets the parts of a request that touch guest memory.
//
// The engine copies a request's inputs out of guest memory, calls leave(),
// runs the operation on host memory only, then calls enter() before it
// writes the response. Between the two a device reset may abandon the
// request: enter() then returns false and the engine drops its results
// without touching guest memory (or the iovec arrays, which the device model
// frees once the reset has returned). The worker pool implements this; a
// synchronous caller uses the default, which never abandons.
#pragma once

namespace va {

class GuestGate {
 public:
  virtual ~GuestGate() = default;
  virtual void leave() {}
  [[nodiscard]] virtual bool enter() { return true; }
};

}  // namespace va
