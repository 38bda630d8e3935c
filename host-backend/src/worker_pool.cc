#include "worker_pool.hh"

#include <cerrno>

#include "le.hh"

namespace va {

// The worker side of GuestGate: leave() makes the job abandonable, enter()
// takes it back unless a reset abandoned it meanwhile.
class WorkerPool::Gate final : public GuestGate {
 public:
  Gate(WorkerPool *p, unsigned w) : p_(p), w_(w) {}
  void leave() override {
    std::lock_guard g(p_->lock_);
    p_->workers_[w_].state = State::kAway;
    p_->state_cv_.notify_all();
  }
  bool enter() override {
    std::lock_guard g(p_->lock_);
    Worker &w = p_->workers_[w_];
    if (w.state == State::kAbandoned) return false;
    w.state = State::kGuest;
    return true;
  }

 private:
  WorkerPool *p_;
  unsigned w_;
};

WorkerPool::WorkerPool(Engine *engine, unsigned threads, unsigned depth, DoneFn done)
    : engine_(engine), done_(std::move(done)), jobs_(depth ? depth : 1) {
  if (threads == 0) threads = 1;
  session_cap_ = threads > 1 ? threads - 1 : 1;
  free_.reserve(jobs_.size());
  for (size_t i = jobs_.size(); i-- > 0;) free_.push_back(static_cast<int>(i));
  workers_.resize(threads);
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; i++) threads_.emplace_back([this, i] { worker(i); });
}

WorkerPool::~WorkerPool() {
  reset();
  {
    std::lock_guard g(lock_);
    stop_ = true;
  }
  work_cv_.notify_all();
  for (auto &t : threads_) t.join();
}

int WorkerPool::submit(const struct iovec *rd, unsigned rd_cnt, const struct iovec *wr,
                       unsigned wr_cnt, void *opaque) {
  // The session the header names, copied once: only a scheduling hint, the
  // engine decodes the header again and trusts nothing from here.
  uint64_t session = 0;
  IovView v(rd, rd_cnt);
  uint8_t hdr[24];
  if (v.copy_out(0, hdr, sizeof hdr)) {
    std::memcpy(&session, hdr + 16, 8);
    session = le64(session);
  }
  {
    std::lock_guard g(lock_);
    if (free_.empty()) return EBUSY;
    // Counted before a worker can see the job (it becomes visible when the
    // lock is released), so the worker's decrement never comes first and a
    // STATS read never sees in_flight wrap below zero.
    engine_->stats().in_flight.fetch_add(1, std::memory_order_relaxed);
    int i = free_.back();
    free_.pop_back();
    jobs_[i] = Job{rd, rd_cnt, wr, wr_cnt, opaque, session, -1};
    if (tail_ < 0)
      head_ = i;
    else
      jobs_[tail_].next = i;
    tail_ = i;
    queued_++;
  }
  work_cv_.notify_one();
  return 0;
}

unsigned WorkerPool::running_for_locked(uint64_t session) const {
  unsigned n = 0;
  for (const Worker &w : workers_)
    if (w.state != State::kIdle && w.session == session) n++;
  return n;
}

int WorkerPool::pick_locked() {
  int prev = -1;
  for (int i = head_; i >= 0; prev = i, i = jobs_[i].next) {
    const Job &j = jobs_[i];
    if (j.session != 0 && running_for_locked(j.session) >= session_cap_) continue;
    // Unlink i.
    if (prev < 0)
      head_ = j.next;
    else
      jobs_[prev].next = j.next;
    if (tail_ == i) tail_ = prev;
    queued_--;
    return i;
  }
  return -1;
}

void WorkerPool::worker(unsigned index) {
  Scratch scratch;  // per thread, reused for every request it runs
  Gate gate(this, index);
  std::unique_lock lk(lock_);
  for (;;) {
    int i = -1;
    work_cv_.wait(lk, [&] { return stop_ || (queued_ > 0 && (i = pick_locked()) >= 0); });
    if (i < 0) return;  // stop_
    Job job = jobs_[i];
    Worker &w = workers_[index];
    // The slot stays taken while the job runs: `depth` bounds the jobs
    // queued AND running, as submit() promises.
    w = Worker{State::kGuest, job.session, job.opaque, i};
    busy_++;
    lk.unlock();

    bool abandoned = false;
    uint32_t used =
        engine_->process(job.rd, job.rd_cnt, job.wr, job.wr_cnt, &scratch, &gate, &abandoned);
    if (!abandoned) {
      // Still kGuest: a reset waits for this callback to return.
      engine_->stats().in_flight.fetch_sub(1, std::memory_order_relaxed);
      done_(job.opaque, used, true);
    } else {
      engine_->stats().abandoned_running.fetch_sub(1, std::memory_order_relaxed);
    }

    lk.lock();
    if (w.slot >= 0) free_.push_back(w.slot);  // not given back by a reset already
    w = Worker{};
    busy_--;
    state_cv_.notify_all();
    // A job this session was held back from may now be runnable.
    if (queued_ > 0) work_cv_.notify_all();
  }
}

void WorkerPool::reset() {
  std::vector<void *> cancelled, given_up;
  {
    std::unique_lock lk(lock_);
    while (head_ >= 0) {
      int i = head_;
      cancelled.push_back(jobs_[i].opaque);
      head_ = jobs_[i].next;
      free_.push_back(i);
    }
    tail_ = -1;
    queued_ = 0;
    for (;;) {
      bool in_guest = false;
      for (Worker &w : workers_) {
        if (w.state == State::kAway) {
          w.state = State::kAbandoned;
          // No longer in flight for the device: its slot is free again.
          free_.push_back(w.slot);
          w.slot = -1;
          given_up.push_back(w.opaque);
          engine_->stats().abandoned.fetch_add(1, std::memory_order_relaxed);
          engine_->stats().abandoned_running.fetch_add(1, std::memory_order_relaxed);
        } else if (w.state == State::kGuest) {
          in_guest = true;
        }
      }
      if (!in_guest) break;
      // Copying arguments or results, or in the completion callback.
      state_cv_.wait(lk);
    }
  }
  for (void *opaque : cancelled) {
    engine_->stats().in_flight.fetch_sub(1, std::memory_order_relaxed);
    done_(opaque, 0, false);
  }
  for (void *opaque : given_up) {
    engine_->stats().in_flight.fetch_sub(1, std::memory_order_relaxed);
    done_(opaque, 0, false);
  }
}

unsigned WorkerPool::abandoned_running() const {
  std::lock_guard g(lock_);
  unsigned n = 0;
  for (const Worker &w : workers_)
    if (w.state == State::kAbandoned) n++;
  return n;
}

}  // namespace va
