// Memory for file writes: whole pages from mmap, page-aligned so O_DIRECT
// can take it as is, returned to the kernel when the buffer goes.
//
// Deliberately no transparent huge pages: on the test VM (Firecracker, free
// page reporting) a fresh 2 MiB page is memory the host has to back first,
// and zeroing it cost 3.5 times the 4 KiB page faults it saves (perf, 1 GiB
// copy: 1243 samples in clear_page_erms under do_huge_pmd_anonymous_page
// against 351 in 4 KiB faults).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

namespace caios {

class IoBuffer {
 public:
  IoBuffer() = default;
  /// `size` bytes rounded up to whole pages; contents undefined.
  /// Throws std::bad_alloc when the kernel has no memory for it.
  static IoBuffer allocate(std::size_t size);

  IoBuffer(IoBuffer&& other) noexcept;
  IoBuffer& operator=(IoBuffer&& other) noexcept;
  IoBuffer(const IoBuffer&) = delete;
  IoBuffer& operator=(const IoBuffer&) = delete;
  ~IoBuffer();

  char* data() const { return data_; }
  std::size_t capacity() const { return capacity_; }
  explicit operator bool() const { return data_ != nullptr; }

 private:
  IoBuffer(char* data, std::size_t capacity) : data_(data), capacity_(capacity) {}
  void release() noexcept;

  char* data_ = nullptr;
  std::size_t capacity_ = 0;
};

/// The write buffers of one rank: at most `limit` buffers of `buffer_bytes`
/// exist at once, which is the rank's memory bound for file data. take()
/// waits for a give_back() when all are out; spares are kept for reuse.
/// Thread contract: one thread takes (the event loop: try_take() relies on
/// being the only taker); any thread gives back (the file-call thread that
/// wrote the buffer).
class BufferPool {
 public:
  BufferPool(std::size_t buffer_bytes, std::size_t limit);
  IoBuffer take();
  /// A buffer if one is free now, else an empty IoBuffer.
  IoBuffer try_take();
  void give_back(IoBuffer buffer);
  std::size_t buffer_bytes() const { return buffer_bytes_; }
  /// The most buffers that were out at once.
  std::size_t peak() const;

 private:
  const std::size_t buffer_bytes_;
  const std::size_t limit_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<IoBuffer> spare_;
  std::size_t out_ = 0;
  std::size_t peak_ = 0;
};

}  // namespace caios
