// Executes submitted requests on a fixed set of threads, so that nothing
// runs on the device model's thread (QEMU's main loop holds the big lock).
//
// The queue is a fixed ring allocated once: submitting never allocates.
// Jobs reference the caller's iovec arrays, which the device model keeps
// alive until completion (QEMU's VirtQueueElement owns them).
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
  // done(req_opaque, used_len, completed) is called once per job on a worker
  // thread with no pool lock held.
  using DoneFn = std::function<void(void *req_opaque, uint32_t used_len, bool completed)>;

  WorkerPool(Engine *engine, unsigned threads, unsigned depth, DoneFn done);
  ~WorkerPool();
  WorkerPool(const WorkerPool &) = delete;
  WorkerPool &operator=(const WorkerPool &) = delete;

  // 0, or -EBUSY when `depth` jobs are already queued or running.
  int submit(const struct iovec *rd, unsigned rd_cnt, const struct iovec *wr, unsigned wr_cnt,
             void *opaque);

  // Cancels queued jobs (done with completed=false) and waits until no job
  // is running and no callback is in progress.
  void cancel_and_drain();

 private:
  struct Job {
    const struct iovec *rd;
    unsigned rd_cnt;
    const struct iovec *wr;
    unsigned wr_cnt;
    void *opaque;
  };
  void worker();

  Engine *engine_;
  DoneFn done_;
  std::mutex lock_;
  std::condition_variable work_cv_;
  std::condition_variable idle_cv_;
  std::vector<Job> ring_;
  size_t head_ = 0;     // next job to run
  size_t queued_ = 0;   // jobs in the ring
  size_t running_ = 0;  // jobs taken by workers, callback not yet returned
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace va
