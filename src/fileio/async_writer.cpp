#include "caios2dfs/fileio/async_writer.hpp"

#include <algorithm>

namespace caios {

AsyncWriter::AsyncWriter(std::function<void()> wake, int threads) : wake_(std::move(wake)) {
  for (int i = 0; i < std::max(1, threads); ++i) threads_.emplace_back([this] { run(); });
}

AsyncWriter::~AsyncWriter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  work_ready_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void AsyncWriter::submit(Job job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  ++in_flight_;
  work_ready_.notify_one();
}

std::vector<AsyncWriter::Done> AsyncWriter::take_completed() {
  std::vector<Done> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    done.swap(done_);
  }
  in_flight_ -= done.size();
  return done;
}

std::vector<AsyncWriter::Done> AsyncWriter::wait_completed() {
  std::vector<Done> done;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    done_ready_.wait(lock, [this] { return !done_.empty(); });
    done.swap(done_);
  }
  in_flight_ -= done.size();
  return done;
}

void AsyncWriter::run() {
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      work_ready_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to write
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    Status status = job.file->write_at(job.offset, job.buffer.data(), job.size);
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done_.push_back(Done{job.tag, std::move(job.buffer), std::move(status)});
    }
    done_ready_.notify_one();
    if (wake_) wake_();
  }
}

}  // namespace caios
