// The file-call threads: every work runs once and its completion runs once,
// on the owner thread, inside run_completions(); the pool widens while work
// waits and never beyond its cap; with no threads the work runs in submit().
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "caios2dfs/fileio/task_pool.hpp"

namespace {

/// Work that blocks until `needed` works are blocked at once (or 10 s pass,
/// so a broken pool fails the test instead of hanging it).
struct Rendezvous {
  std::mutex mutex;
  std::condition_variable changed;
  int waiting = 0;
  int most = 0;

  void arrive(int needed) {
    std::unique_lock<std::mutex> lock(mutex);
    most = std::max(most, ++waiting);
    changed.notify_all();
    changed.wait_for(lock, std::chrono::seconds(10), [&] { return waiting >= needed; });
  }
};

}  // namespace

TEST_CASE("task pool: each work and completion runs once, completions on the owner thread", "[task_pool]") {
  std::atomic<int> wakes{0};
  caios::TaskPool pool([&wakes] { ++wakes; }, 4);
  const auto owner = std::this_thread::get_id();
  std::atomic<int> worked{0};
  std::vector<int> completed(100, 0);
  for (int i = 0; i < 100; ++i) {
    pool.submit([&worked] { ++worked; }, [&completed, i, owner] {
      CHECK(std::this_thread::get_id() == owner);
      ++completed[i];
    });
  }
  CHECK(pool.in_flight() == 100);
  while (pool.in_flight() > 0) pool.wait_and_run_completions();
  CHECK(worked.load() == 100);
  for (int count : completed) CHECK(count == 1);
  CHECK(wakes.load() == 100);
  CHECK(pool.threads() >= 1);
  CHECK(pool.threads() <= 4);
  CHECK(pool.wait_and_run_completions() == 0);  // nothing in flight: no wait
}

TEST_CASE("task pool: widens while work waits, up to its cap", "[task_pool]") {
  SECTION("as wide as the work that overlaps") {
    Rendezvous meet;
    caios::TaskPool pool(nullptr, 16);
    for (int i = 0; i < 6; ++i) pool.submit([&meet] { meet.arrive(6); }, [] {});
    while (pool.in_flight() > 0) pool.wait_and_run_completions();
    CHECK(meet.most == 6);  // all six were blocked at once: six threads
    CHECK(pool.threads() == 6);
  }
  SECTION("never beyond the cap") {
    std::atomic<int> running{0}, most{0};
    caios::TaskPool pool(nullptr, 3);
    for (int i = 0; i < 9; ++i) {
      pool.submit([&] {
        const int now = ++running;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        --running;
      }, [] {});
    }
    while (pool.in_flight() > 0) pool.wait_and_run_completions();
    CHECK(pool.threads() == 3);
    CHECK(most.load() <= 3);
    CHECK(most.load() >= 2);  // it did overlap
  }
}

TEST_CASE("task pool: work that never waits long does not widen it", "[task_pool]") {
  // 1000 quick works: one thread drains them before any waits 20 ms (the
  // default is 5 ms; 20 keeps a loaded test machine from widening it).
  caios::TaskPool pool(nullptr, 64, std::chrono::milliseconds(20));
  std::atomic<int> worked{0};
  for (int i = 0; i < 1000; ++i) pool.submit([&worked] { ++worked; }, [] {});
  while (pool.in_flight() > 0) pool.wait_and_run_completions();
  CHECK(worked.load() == 1000);
  CHECK(pool.threads() <= 8);
}

TEST_CASE("task pool without threads runs work in submit, completions later", "[task_pool]") {
  caios::TaskPool pool(nullptr, 0);
  const auto owner = std::this_thread::get_id();
  bool worked = false, completed = false;
  pool.submit([&] { worked = std::this_thread::get_id() == owner; }, [&] { completed = true; });
  CHECK(worked);
  CHECK_FALSE(completed);
  CHECK(pool.in_flight() == 1);
  CHECK(pool.run_completions() == 1);
  CHECK(completed);
  CHECK(pool.threads() == 0);
}

TEST_CASE("task pool: work still queued at the end runs, its completion does not", "[task_pool]") {
  std::atomic<int> worked{0};
  int completed = 0;
  {
    caios::TaskPool pool(nullptr, 1);
    for (int i = 0; i < 5; ++i) pool.submit([&worked] { ++worked; }, [&completed] { ++completed; });
  }
  CHECK(worked.load() == 5);  // e.g. the close of a file the owner gave up on
  CHECK(completed == 0);
}
