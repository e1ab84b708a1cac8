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
#include "xml_reader.hpp"

namespace caios {

using namespace s3_client_detail;

struct S3Client::MultipartUpload {
  std::string bucket;
  std::string key;
  std::string upload_id;
  const char* data = nullptr;  ///< not owned: valid until `done`
  std::size_t size = 0;
  std::size_t part_size = 1;
  std::vector<std::string> etags;  ///< of the parts sent so far, in order
  std::string completion_body;     ///< kept alive while CompleteMultipartUpload is in flight
  std::function<void(Result<std::string>)> done;
};

namespace {

// One element's text from a small S3 reply (<UploadId>, <ETag>): a child of
// the root, by local name; "" when absent or when the reply is not XML.
std::string reply_element(std::string_view body, std::string_view name) {
  pugi::xml_document document;
  if (!xml_reader::load(document, body)) return {};
  return xml_reader::child_text(document.document_element(), name);
}

std::string completion_body(const std::vector<std::string>& etags) {
  std::string body = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < etags.size(); ++i) {
    body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, etags[i]);
  }
  body += "</CompleteMultipartUpload>";
  return body;
}

}  // namespace

void S3Client::put_multipart(const std::string& bucket, const std::string& key, const char* data, std::size_t size,
                             std::size_t part_size, std::function<void(Result<std::string>)> done) {
  auto upload = std::make_shared<MultipartUpload>();
  upload->bucket = bucket;
  upload->key = key;
  upload->data = data;
  upload->size = size;
  upload->part_size = std::max<std::size_t>(part_size, 1);
  upload->done = std::move(done);

  auto call = fixed_call("CreateMultipartUpload",
                         S3Operation{"POST", bucket, key, {{"uploads", ""}}, {}, std::string(kEmptyPayloadSha256)});
  call->done = [this, upload](Result<HttpOutcome> outcome) {
    if (!outcome.ok()) return upload->done(outcome.error());
    upload->upload_id = reply_element(outcome.value().body, "UploadId");
    if (upload->upload_id.empty()) {
      return upload->done(protocol_error("CreateMultipartUpload", subject_of(upload->bucket, upload->key), 0,
                                         "no UploadId in the reply"));
    }
    upload_part(upload, 0);
  };
  execute(std::move(call));
}

// Parts go one after another: this is for seeding, not for speed. An empty
// object is one empty part.
void S3Client::upload_part(std::shared_ptr<MultipartUpload> upload, std::size_t index) {
  const std::size_t begin = index * upload->part_size;
  if (begin >= upload->size && index > 0) return complete_multipart(std::move(upload));
  const std::size_t length = std::min(upload->part_size, upload->size - begin);
  auto call = fixed_call("UploadPart",
                         S3Operation{"PUT", upload->bucket, upload->key,
                                     {{"partNumber", std::to_string(index + 1)}, {"uploadId", upload->upload_id}}, {},
                                     payload_hash_for(upload->data + begin, length)});
  call->body = upload->data + begin;
  call->body_size = length;
  call->done = [this, upload, index](Result<HttpOutcome> outcome) {
    if (!outcome.ok()) return upload->done(outcome.error());
    upload->etags.push_back(outcome.value().head.etag);
    upload_part(upload, index + 1);
  };
  execute(std::move(call));
}

void S3Client::complete_multipart(std::shared_ptr<MultipartUpload> upload) {
  upload->completion_body = completion_body(upload->etags);
  auto call = fixed_call("CompleteMultipartUpload",
                         S3Operation{"POST", upload->bucket, upload->key, {{"uploadId", upload->upload_id}}, {},
                                     sha256_hex(upload->completion_body)});
  call->body = upload->completion_body.data();
  call->body_size = upload->completion_body.size();
  // S3 may answer 200 and put an <Error> in the body.
  call->check_success = [subject = call->subject](const HttpOutcome& outcome) -> Status {
    if (parse_s3_error(outcome.body)) return map_s3_error(200, outcome.body, "CompleteMultipartUpload", subject);
    return ok_status();
  };
  call->done = [this, upload](Result<HttpOutcome> outcome) {
    if (!outcome.ok()) return upload->done(outcome.error());
    std::string etag = reply_element(outcome.value().body, "ETag");
    if (!etag.empty()) return upload->done(std::move(etag));
    // Ceph RGW (17.x) answers <ETag></ETag> here; the object has one, so ask.
    head(upload->bucket, upload->key, [upload](Result<ObjectInfo> info) {
      if (!info.ok()) return upload->done(info.error());
      upload->done(info->etag);
    });
  };
  execute(std::move(call));
}

}  // namespace caios
