// The listing's requests and answers as they travel between ranks: every
// field comes back as sent, and a damaged message is refused, not guessed at.
#include <catch2/catch.hpp>

#include "caios2dfs/copy/source_tasks.hpp"

using namespace caios;

namespace {

ListPage sample_page() {
  ListPage page;
  page.objects.push_back(ObjectEntry{"dir/a b", 7, "\"0123abcd\"", 1700000000123456789});
  page.objects.push_back(ObjectEntry{"dir/\xc3\xa9t\xc3\xa9", 0, "\"ffff-3\"", -5});
  page.common_prefixes = {"dir/sub/", "dir/x/"};
  page.is_truncated = true;
  page.next_continuation_token = "opaque+token/==";
  page.url_encoded = true;
  return page;
}

Error sample_error() {
  Error error = make_error(ErrorKind::throttled, "ListObjectsV2", "bucket", "Please reduce your request rate", 42);
  error.http_status = 503;
  error.s3_code = "SlowDown";
  error.retryable = true;
  error.retry_after_ms = 1500;
  return error;
}

}  // namespace

TEST_CASE("a page request comes back as sent", "[source_tasks]") {
  SourceTask task{9, ListRequest{"bucket", "dir/", "token", "dir/m", 250, "/"}, {}};
  Result<SourceTask> back = decode_task(encode_task(task));
  REQUIRE(back.ok());
  CHECK(back->id == 9);
  CHECK(back->list.bucket == "bucket");
  CHECK(back->list.prefix == "dir/");
  CHECK(back->list.continuation_token == "token");
  CHECK(back->list.start_after == "dir/m");
  CHECK(back->list.max_keys == 250);
  CHECK(back->list.delimiter == "/");
  CHECK(back->head_keys.empty());
}

TEST_CASE("HEAD requests carry their keys in order", "[source_tasks]") {
  SourceTask task{1, ListRequest{"b", "", "", "", 0, ""}, {"k1", "", "dir/k 2"}};
  Result<SourceTask> back = decode_task(encode_task(task));
  REQUIRE(back.ok());
  CHECK(back->head_keys == std::vector<std::string>{"k1", "", "dir/k 2"});
}

TEST_CASE("a page comes back with every entry, prefix and token", "[source_tasks]") {
  SourceResult result;
  result.id = 77;
  result.page = sample_page();
  Result<SourceResult> back = decode_result(encode_result(result));
  REQUIRE(back.ok());
  CHECK(back->id == 77);
  CHECK_FALSE(back->page_error.has_value());
  REQUIRE(back->page.objects.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) {
    CHECK(back->page.objects[i].key == result.page.objects[i].key);
    CHECK(back->page.objects[i].size == result.page.objects[i].size);
    CHECK(back->page.objects[i].etag == result.page.objects[i].etag);
    CHECK(back->page.objects[i].mtime_ns == result.page.objects[i].mtime_ns);
  }
  CHECK(back->page.common_prefixes == result.page.common_prefixes);
  CHECK(back->page.is_truncated);
  CHECK(back->page.next_continuation_token == "opaque+token/==");
  CHECK(back->page.url_encoded);
}

TEST_CASE("a failed page keeps its error's class, status, code and retry advice", "[source_tasks]") {
  SourceResult result;
  result.id = 3;
  result.page_error = sample_error();
  Result<SourceResult> back = decode_result(encode_result(result));
  REQUIRE(back.ok());
  REQUIRE(back->page_error.has_value());
  CHECK(back->page_error->to_string() == sample_error().to_string());
  CHECK(back->page_error->kind == ErrorKind::throttled);
  CHECK(back->page_error->http_status == 503);
  CHECK(back->page_error->retry_after_ms == 1500);
}

TEST_CASE("HEAD answers keep found objects and failures apart, in order", "[source_tasks]") {
  SourceResult result;
  result.id = 5;
  result.heads.emplace_back(ObjectEntry{"a", 10, "\"e\"", 1});
  result.heads.emplace_back(make_error(ErrorKind::not_found, "HEAD", "b", "404 Not Found"));
  Result<SourceResult> back = decode_result(encode_result(result));
  REQUIRE(back.ok());
  REQUIRE(back->heads.size() == 2);
  REQUIRE(back->heads[0].ok());
  CHECK(back->heads[0]->key == "a");
  CHECK(back->heads[0]->size == 10);
  REQUIRE_FALSE(back->heads[1].ok());
  CHECK(back->heads[1].error().kind == ErrorKind::not_found);
  CHECK(back->heads[1].error().subject == "b");
}

TEST_CASE("a truncated or padded message is refused as a protocol error", "[source_tasks]") {
  SourceResult result;
  result.page = sample_page();
  result.heads.emplace_back(sample_error());
  const std::string bytes = encode_result(result);
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    Result<SourceResult> back = decode_result(std::string_view(bytes).substr(0, cut));
    REQUIRE_FALSE(back.ok());
    CHECK(back.error().kind == ErrorKind::protocol);
  }
  CHECK_FALSE(decode_result(bytes + "x").ok());
  const std::string task = encode_task(SourceTask{1, ListRequest{"b", "p", "", "", 0, ""}, {"k"}});
  for (std::size_t cut = 0; cut < task.size(); ++cut) CHECK_FALSE(decode_task(task.substr(0, cut)).ok());
}

TEST_CASE("a count larger than the message is refused before anything is allocated", "[source_tasks]") {
  SourceTask task{1, ListRequest{"b", "", "", "", 0, ""}, {}};
  std::string bytes = encode_task(task);
  // The key count is the last field: claim four billion keys.
  bytes.replace(bytes.size() - 4, 4, std::string(4, '\xff'));
  CHECK_FALSE(decode_task(bytes).ok());
}
