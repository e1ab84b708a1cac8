#include "caios2dfs/fileio/io_buffer.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <new>
#include <utility>

namespace caios {

namespace {

std::size_t round_up(std::size_t value, std::size_t unit) { return (value + unit - 1) / unit * unit; }

}  // namespace

IoBuffer IoBuffer::allocate(std::size_t size) {
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t capacity = round_up(std::max<std::size_t>(size, 1), page);
  void* p = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  return IoBuffer(static_cast<char*>(p), capacity);
}

IoBuffer::IoBuffer(IoBuffer&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)), capacity_(std::exchange(other.capacity_, 0)) {}

IoBuffer& IoBuffer::operator=(IoBuffer&& other) noexcept {
  if (this != &other) {
    release();
    data_ = std::exchange(other.data_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

IoBuffer::~IoBuffer() { release(); }

void IoBuffer::release() noexcept {
  if (data_ != nullptr) ::munmap(data_, capacity_);
  data_ = nullptr;
  capacity_ = 0;
}

BufferPool::BufferPool(std::size_t buffer_bytes, std::size_t limit)
    : buffer_bytes_(buffer_bytes), limit_(std::max<std::size_t>(limit, 1)) {}

IoBuffer BufferPool::take() {
  std::unique_lock<std::mutex> lock(mutex_);
  returned_.wait(lock, [this] { return out_ < limit_; });  // spares count as not out
  ++out_;
  peak_ = std::max(peak_, out_);
  if (!spare_.empty()) {
    IoBuffer buffer = std::move(spare_.back());
    spare_.pop_back();
    return buffer;
  }
  lock.unlock();
  try {
    return IoBuffer::allocate(buffer_bytes_);
  } catch (...) {
    lock.lock();
    --out_;
    throw;
  }
}

IoBuffer BufferPool::try_take() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (out_ >= limit_) return IoBuffer{};
  }
  return take();  // the event loop is the only taker: still free
}

void BufferPool::give_back(IoBuffer buffer) {
  if (!buffer) return;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    --out_;
    spare_.push_back(std::move(buffer));
  }
  returned_.notify_one();
}

std::size_t BufferPool::peak() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return peak_;
}

}  // namespace caios

