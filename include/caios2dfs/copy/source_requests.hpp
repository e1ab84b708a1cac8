// Where the object source's requests run (object_source.hpp): ListObjectsV2
// pages and the HEADs of --files-from keys.
//  - LocalRequests: this rank's S3 client (a job of one rank, and the tests).
//  - SpreadRequests (rank 0 of a job of several): each request goes to the
//    rank, other than 0, with the fewest of them outstanding, whose
//    SourceService runs it with its own client and sends back what the
//    store said. So the listing's requests, their retries and the parsing
//    of their XML are spread over the job, while rank 0 keeps the frontier
//    and stays the one place that knows when the listing is done.
//
// Thread contract: the owner rank's one thread; `done` callbacks run inside
// HttpEngine::poll() (local) or inside handle() (spread).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "caios2dfs/copy/stats.hpp"
#include "caios2dfs/mpi/comm.hpp"
#include "caios2dfs/s3/s3_client.hpp"

namespace caios {

class SourceRequests {
 public:
  using PageDone = std::function<void(Result<ListPage>)>;
  /// One result per key, in the order asked.
  using HeadsDone = std::function<void(std::vector<Result<ObjectEntry>>)>;

  virtual ~SourceRequests() = default;
  virtual void list_page(const ListRequest& request, PageDone done) = 0;
  virtual void head(const std::string& bucket, std::vector<std::string> keys, HeadsDone done) = 0;
  /// How many ranks share the requests (the source sizes HEAD batches by it).
  virtual int lanes() const = 0;
};

class LocalRequests final : public SourceRequests {
 public:
  /// Counts what it runs in `stats` (list_pages, heads).
  LocalRequests(S3Client& client, RankStats& stats) : client_(client), stats_(stats) {}
  void list_page(const ListRequest& request, PageDone done) override;
  void head(const std::string& bucket, std::vector<std::string> keys, HeadsDone done) override;
  int lanes() const override { return 1; }

 private:
  S3Client& client_;
  RankStats& stats_;
};

class SpreadRequests final : public SourceRequests {
 public:
  /// Over ranks 1 .. comm.size()-1 (comm.size() at least 2).
  explicit SpreadRequests(Comm& comm);
  void list_page(const ListRequest& request, PageDone done) override;
  void head(const std::string& bucket, std::vector<std::string> keys, HeadsDone done) override;
  int lanes() const override { return comm_.size() - 1; }

  /// Take a kSourceResult (and call its `done`); false for other tags.
  bool handle(Message& message);

 private:
  struct Pending {
    int rank = 0;
    PageDone page;
    HeadsDone heads;
  };
  void send(ListRequest list, std::vector<std::string> keys, Pending pending);

  Comm& comm_;
  std::uint64_t next_id_ = 0;
  std::vector<int> outstanding_;  ///< per rank
  int next_rank_ = 0;             ///< where the search for the least loaded starts: ties rotate
  std::unordered_map<std::uint64_t, Pending> pending_;
};

/// Every rank's side of SpreadRequests: runs the tasks rank 0 sends with
/// this rank's client and answers each once, whatever the store said.
class SourceService {
 public:
  SourceService(Comm& comm, S3Client& client, RankStats& stats) : comm_(comm), local_(client, stats) {}
  /// Take a kSourceTask; false for other tags.
  bool handle(Message& message);

 private:
  Comm& comm_;
  LocalRequests local_;
};

}  // namespace caios
