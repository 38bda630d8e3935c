// Executes submitted requests on a fixed set of threads, so that nothing
// runs on the device model's thread (QEMU's main loop holds the big lock).
//
// The queue is a fixed array allocated once: submitting never allocates.
// Jobs reference the caller's iovec arrays, which the device model keeps
// alive until completion (QEMU's VirtQueueElement owns them).
//
// Fairness: a job carries the session ID its header names (read once at
// submit, a scheduling hint only). While other work waits, one session may
// occupy at most all workers but one, so a session that keeps every worker
// busy with long operations cannot starve another session's requests.
//
// Bounded reset: reset() cancels queued jobs, waits only for jobs that are
// touching guest memory (copying arguments in or results out: bounded by
// memory bandwidth), and abandons jobs whose operation is running: they are
// completed at once (done(..., false)) and finish in the background on their
// worker, their results dropped, their memory and session references still
// counted against the device's quotas until then.
#pragma once

#include <sys/uio.h>

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "engine.hh"

namespace va {

class WorkerPool {
 public:
  // done(req_opaque, used_len, completed) is called once per job, with no
  // pool lock held: on a worker thread, or on the thread calling reset() for
  // jobs it cancels or abandons.
  using DoneFn = std::function<void(void *req_opaque, uint32_t used_len, bool completed)>;

  WorkerPool(Engine *engine, unsigned threads, unsigned depth, DoneFn done);
  // Waits for every worker, including abandoned operations still running.
  ~WorkerPool();
  WorkerPool(const WorkerPool &) = delete;
  WorkerPool &operator=(const WorkerPool &) = delete;

  // 0, or EBUSY when `depth` jobs are already queued or running. (Errors
  // inside host-backend are positive errno values or a Status; only the C
  // ABI, c_api.cc, turns them into the negative values its header documents.)
  int submit(const struct iovec *rd, unsigned rd_cnt, const struct iovec *wr, unsigned wr_cnt,
             void *opaque);

  // See the class comment. When it returns, no callback is running or
  // pending and no worker touches guest memory or a submitted iovec again.
  void reset();

  // Operations abandoned by reset() that are still running.
  unsigned abandoned_running() const;

 private:
  struct Job {
    const struct iovec *rd;
    unsigned rd_cnt;
    const struct iovec *wr;
    unsigned wr_cnt;
    void *opaque;
    uint64_t session;  // scheduling key; 0 = no session (create, stats)
    int next;          // queue link
  };
  // What a worker is doing, guarded by lock_.
  enum class State { kIdle, kGuest, kAway, kAbandoned };
  struct Worker {
    State state = State::kIdle;
    uint64_t session = 0;
    void *opaque = nullptr;
    int slot = -1;  // job slot held until the job completes or a reset abandons it
  };
  class Gate;
  void worker(unsigned index);
  int pick_locked();  // index of the first runnable job, -1 if none
  unsigned running_for_locked(uint64_t session) const;

  Engine *engine_;
  DoneFn done_;
  mutable std::mutex lock_;
  std::condition_variable work_cv_;
  std::condition_variable state_cv_;
  std::vector<Job> jobs_;
  std::vector<int> free_;      // free job slots
  int head_ = -1, tail_ = -1;  // FIFO of queued jobs
  size_t queued_ = 0;
  size_t busy_ = 0;  // workers not idle (including abandoned)
  std::vector<Worker> workers_;
  unsigned session_cap_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace va
