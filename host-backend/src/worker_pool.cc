#include "worker_pool.hh"

#include <cerrno>

namespace va {

WorkerPool::WorkerPool(Engine *engine, unsigned threads, unsigned depth, DoneFn done)
    : engine_(engine), done_(std::move(done)), ring_(depth ? depth : 1) {
  if (threads == 0) threads = 1;
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; i++) threads_.emplace_back([this] { worker(); });
}

WorkerPool::~WorkerPool() {
  cancel_and_drain();
  {
    std::lock_guard g(lock_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto &t : threads_) t.join();
}

int WorkerPool::submit(const struct iovec *rd, unsigned rd_cnt, const struct iovec *wr,
                       unsigned wr_cnt, void *opaque) {
  {
    std::lock_guard g(lock_);
    if (queued_ + running_ >= ring_.size()) return -EBUSY;
    ring_[(head_ + queued_) % ring_.size()] = Job{rd, rd_cnt, wr, wr_cnt, opaque};
    queued_++;
  }
  engine_->stats().in_flight.fetch_add(1, std::memory_order_relaxed);
  work_cv_.notify_one();
  return 0;
}

void WorkerPool::worker() {
  Scratch scratch;  // per thread, reused for every request it runs
  std::unique_lock lk(lock_);
  for (;;) {
    work_cv_.wait(lk, [this] { return stop_ || queued_ > 0; });
    if (queued_ == 0) return;  // stop_ with nothing left
    Job job = ring_[head_];
    head_ = (head_ + 1) % ring_.size();
    queued_--;
    running_++;
    lk.unlock();

    uint32_t used = engine_->process(job.rd, job.rd_cnt, job.wr, job.wr_cnt, &scratch);
    engine_->stats().in_flight.fetch_sub(1, std::memory_order_relaxed);
    done_(job.opaque, used, true);

    lk.lock();
    if (--running_ == 0 && queued_ == 0) idle_cv_.notify_all();
  }
}

void WorkerPool::cancel_and_drain() {
  std::vector<void *> cancelled;
  {
    std::lock_guard g(lock_);
    cancelled.reserve(queued_);
    while (queued_ > 0) {
      cancelled.push_back(ring_[head_].opaque);
      head_ = (head_ + 1) % ring_.size();
      queued_--;
    }
  }
  for (void *opaque : cancelled) {
    engine_->stats().in_flight.fetch_sub(1, std::memory_order_relaxed);
    done_(opaque, 0, false);
  }
  std::unique_lock lk(lock_);
  idle_cv_.wait(lk, [this] { return running_ == 0 && queued_ == 0; });
}

}  // namespace va
