// S3Client::put_multipart: CreateMultipartUpload, UploadPart in order,
// CompleteMultipartUpload. Used to seed tests and benchmarks, never on the
// copy path; the rest of S3Client is in s3_client.cpp.
#include "caios2dfs/s3/s3_client.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "caios2dfs/s3/s3_error.hpp"
#include "caios2dfs/s3/sigv4.hpp"
#include "s3_client_internal.hpp"

namespace caios {

using namespace s3_client_detail;

namespace {

// Pull one element's text out of a small S3 reply (multipart replies only).
std::string xml_element(std::string_view body, std::string_view name) {
  const std::string open = fmt::format("<{}>", name);
  const std::string close = fmt::format("</{}>", name);
  const auto begin = body.find(open);
  if (begin == std::string_view::npos) return {};
  const auto end = body.find(close, begin + open.size());
  if (end == std::string_view::npos) return {};
  return std::string(body.substr(begin + open.size(), end - begin - open.size()));
}

}  // namespace

void S3Client::put_multipart(const std::string& bucket, const std::string& key, const char* data, std::size_t size,
                             std::size_t part_size, std::function<void(Result<std::string>)> done) {
  struct Upload {
    std::string bucket, key, upload_id;
    const char* data;
    std::size_t size, part_size;
    std::vector<std::string> etags;
    std::string completion_body;
    std::function<void(Result<std::string>)> done;
  };
  auto upload = std::make_shared<Upload>(Upload{bucket, key, {}, data, size, std::max<std::size_t>(part_size, 1), {}, {}, std::move(done)});

  auto fail = [upload](const Error& error) { upload->done(error); };
  auto complete = [this, upload, fail] {
    std::string body = "<CompleteMultipartUpload>";
    for (std::size_t i = 0; i < upload->etags.size(); ++i) {
      body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, upload->etags[i]);
    }
    body += "</CompleteMultipartUpload>";
    upload->completion_body = std::move(body);
    auto call = fixed_call("CompleteMultipartUpload",
                           S3Operation{"POST", upload->bucket, upload->key, {{"uploadId", upload->upload_id}}, {},
                                       sha256_hex(upload->completion_body)});
    call->body = upload->completion_body.data();
    call->body_size = upload->completion_body.size();
    // S3 may answer 200 and put an <Error> in the body.
    call->check_success = [subject = call->subject](const HttpOutcome& outcome) -> Status {
      if (outcome.body.find("<Error>") != std::string::npos) {
        return map_s3_error(200, outcome.body, "CompleteMultipartUpload", subject);
      }
      return ok_status();
    };
    call->done = [this, upload](Result<HttpOutcome> outcome) {
      if (!outcome.ok()) return upload->done(outcome.error());
      std::string etag = xml_element(outcome.value().body, "ETag");
      if (!etag.empty()) return upload->done(std::move(etag));
      // Ceph RGW (17.x) answers <ETag></ETag> here; the object has one, so ask.
      head(upload->bucket, upload->key, [upload](Result<ObjectInfo> info) {
        if (!info.ok()) return upload->done(info.error());
        upload->done(info->etag);
      });
    };
    execute(std::move(call));
  };

  // Parts go one after another: this is for seeding, not for speed.
  auto send_part = std::make_shared<std::function<void(std::size_t)>>();
  *send_part = [this, upload, fail, complete, send_part](std::size_t index) {
    const std::size_t begin = index * upload->part_size;
    if (begin >= upload->size && index > 0) return complete();
    const std::size_t length = std::min(upload->part_size, upload->size - begin);
    auto call = fixed_call("UploadPart",
                           S3Operation{"PUT", upload->bucket, upload->key,
                                       {{"partNumber", std::to_string(index + 1)}, {"uploadId", upload->upload_id}}, {},
                                       payload_hash_for(upload->data + begin, length)});
    call->body = upload->data + begin;
    call->body_size = length;
    call->done = [upload, fail, send_part, index](Result<HttpOutcome> outcome) {
      if (!outcome.ok()) {
        fail(outcome.error());
        *send_part = nullptr;  // break the self-reference cycle
        return;
      }
      upload->etags.push_back(outcome.value().head.etag);
      auto next = *send_part;
      if (upload->size <= (index + 1) * upload->part_size) *send_part = nullptr;
      next(index + 1);
    };
    execute(std::move(call));
  };

  auto call = fixed_call("CreateMultipartUpload",
                         S3Operation{"POST", bucket, key, {{"uploads", ""}}, {}, std::string(kEmptyPayloadSha256)});
  call->done = [upload, fail, send_part](Result<HttpOutcome> outcome) {
    if (!outcome.ok()) {
      *send_part = nullptr;
      return fail(outcome.error());
    }
    upload->upload_id = xml_element(outcome.value().body, "UploadId");
    if (upload->upload_id.empty()) {
      *send_part = nullptr;
      return fail(protocol_error("CreateMultipartUpload", subject_of(upload->bucket, upload->key), 0,
                                 "no UploadId in the reply", false));
    }
    (*send_part)(0);
  };
  execute(std::move(call));
}

}  // namespace caios
