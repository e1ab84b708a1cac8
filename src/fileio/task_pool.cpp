#include "caios2dfs/fileio/task_pool.hpp"

#include <algorithm>
#include <chrono>
#include <system_error>

namespace caios {


TaskPool::TaskPool(std::function<void()> wake, int max_threads, std::chrono::nanoseconds grow_after)
    : wake_(std::move(wake)), max_threads_(std::max(0, max_threads)), grow_after_(grow_after) {}

TaskPool::~TaskPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void TaskPool::submit(Work work, Completion done) {
  ++in_flight_;
  if (max_threads_ > 0) {
    std::unique_lock<std::mutex> lock(mutex_);
    const Clock::time_point now = Clock::now();
    queue_.push_back(Task{std::move(work), std::move(done), now});
    grow_locked(now);
    if (!threads_.empty()) {
      lock.unlock();
      work_ready_.notify_one();
      return;
    }
    // Not even one thread could start: run it here, as without threads.
    work = std::move(queue_.back().work);
    done = std::move(queue_.back().done);
    queue_.pop_back();
  }  // unlocked here

  {
    const Clock::time_point start = Clock::now();
    work();
    std::lock_guard<std::mutex> lock(mutex_);
    work_ns_ += std::chrono::nanoseconds(Clock::now() - start).count();
    finished_.push_back(std::move(done));
  }
}

void TaskPool::grow_locked(Clock::time_point now) {
  // Not once stopping: the destructor is joining threads_.
  if (stopping_ || queue_.empty() || static_cast<int>(threads_.size()) >= max_threads_) return;
  // The first thread at once; more only while work waits longer than the
  // file system takes to answer when it is fast.
  const bool waited = queue_.size() > static_cast<std::size_t>(idle_) && now - queue_.front().queued >= grow_after_;
  if (threads_.empty() || waited) {
    ++idle_;  // counted idle from now: a thread not yet running must not make the pool grow again
    try {
      threads_.emplace_back([this] { run(); });
    } catch (const std::system_error&) {
      --idle_;  // no more threads (RLIMIT_NPROC, a pids cgroup): carry on with those there are
    }
  }
}

std::size_t TaskPool::run_completions() {
  std::vector<Completion> finished;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished.swap(finished_);
    if (max_threads_ > 0) grow_locked(Clock::now());
  }
  in_flight_ -= finished.size();
  for (Completion& done : finished) done();
  return finished.size();
}

std::size_t TaskPool::wait_and_run_completions() {
  if (in_flight_ == 0) return 0;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    // Wake now and then to let the pool grow while its work waits.
    while (!done_ready_.wait_for(lock, std::chrono::milliseconds(1), [this] { return !finished_.empty(); })) {
      grow_locked(Clock::now());
    }
  }
  return run_completions();
}

int TaskPool::threads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return static_cast<int>(threads_.size());
}

std::int64_t TaskPool::work_ns() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return work_ns_;
}

void TaskPool::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    // Counted idle by grow_locked() or at the end of the last work.
    work_ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    --idle_;
    if (queue_.empty()) return;  // stopping, and nothing left to run
    Task task = std::move(queue_.front());
    queue_.pop_front();
    grow_locked(Clock::now());  // the work behind it may have waited too
    lock.unlock();
    const Clock::time_point start = Clock::now();
    task.work();
    const std::int64_t took = std::chrono::nanoseconds(Clock::now() - start).count();
    lock.lock();
    work_ns_ += took;
    ++idle_;
    if (!stopping_) finished_.push_back(std::move(task.done));
    done_ready_.notify_one();
    if (wake_) {
      lock.unlock();
      wake_();
      lock.lock();
    }
  }
}

}  // namespace caios
