// s3tool: try the S3 client by hand, and seed buckets for tests and demos.
//
//   s3tool [OPTIONS] ls   SOURCE                  list keys (size, mtime, etag, key)
//   s3tool [OPTIONS] get  SOURCE/KEY [FILE]       fetch an object (or --range) to FILE or stdout
//   s3tool [OPTIONS] head SOURCE/KEY
//   s3tool [OPTIONS] put  FILE SOURCE/KEY         upload (multipart above --part-size)
//   s3tool [OPTIONS] mb   SOURCE                  create the bucket
//   s3tool [OPTIONS] rm   SOURCE/KEY
//   s3tool [OPTIONS] rb   SOURCE                  remove an (empty) bucket
// SOURCE is s3://BUCKET[/PREFIX] or REMOTE:BUCKET[/PREFIX], as for caios2dfs-mpi.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <string>
#include <vector>

#include "caios2dfs/config/connect.hpp"
#include "caios2dfs/s3/s3_client.hpp"
#include "caios2dfs/base/units.hpp"

using namespace caios;

namespace {

constexpr const char* kUsage = R"(usage: s3tool [OPTIONS] COMMAND ARGS
commands:
  ls   SOURCE                 list objects under SOURCE's prefix
  get  SOURCE/KEY [FILE]      fetch an object to FILE (default: stdout)
  head SOURCE/KEY             size, ETag and Last-Modified of an object
  put  FILE SOURCE/KEY        upload FILE ('-' for stdin)
  mb   SOURCE                 create SOURCE's bucket
  rm   SOURCE/KEY             delete an object
  rb   SOURCE                 delete an empty bucket
SOURCE: s3://BUCKET[/PREFIX] (endpoint from --endpoint or AWS_ENDPOINT_URL, keys
from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or ~/.aws) or REMOTE:BUCKET[/PREFIX]
(an rclone remote).
options:
  --config FILE            rclone config (default $RCLONE_CONFIG or ~/.config/rclone/rclone.conf)
  --endpoint URL           S3 endpoint, e.g. https://cwobject.com
  --region NAME            SigV4 region
  --addressing path|virtual
  --ca-bundle FILE         PEM bundle to verify the endpoint's certificate
  --range OFFSET:LENGTH    get: only these bytes
  --max-keys N             ls: page size (to exercise pagination)
  --part-size SIZE         put: multipart part size (default 8M)
  --retries N              retries per request (default 10)
  -v                       curl trace on stderr (shows headers; debug only)
)";

struct Options {
  ConnectionOptions connection;
  std::uint64_t range_offset = 0;
  std::uint64_t range_length = 0;
  int max_keys = 0;
  std::uint64_t part_size = 8 << 20;
  int retries = 10;
  bool verbose = false;
  std::vector<std::string> args;
};

[[noreturn]] void usage_error(const std::string& message) {
  fmt::print(stderr, "s3tool: {}\n{}", message, kUsage);
  std::exit(2);
}

Options parse_args(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage_error(fmt::format("{} needs a value", arg));
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") {
      fmt::print("{}", kUsage);
      std::exit(0);
    } else if (arg == "--config") {
      options.connection.config_path = value();
    } else if (arg == "--endpoint") {
      options.connection.overrides.endpoint = value();
    } else if (arg == "--region") {
      options.connection.overrides.region = value();
    } else if (arg == "--ca-bundle") {
      options.connection.overrides.ca_bundle = value();
    } else if (arg == "--addressing") {
      const std::string style = value();
      if (style == "path") {
        options.connection.overrides.addressing = Addressing::path;
      } else if (style == "virtual" || style == "virtual-hosted") {
        options.connection.overrides.addressing = Addressing::virtual_hosted;
      } else {
        usage_error("--addressing takes path or virtual");
      }
    } else if (arg == "--range") {
      const std::string range = value();
      const auto colon = range.find(':');
      if (colon == std::string::npos) usage_error("--range takes OFFSET:LENGTH");
      options.range_offset = std::stoull(range.substr(0, colon));
      options.range_length = std::stoull(range.substr(colon + 1));
      if (options.range_length == 0) usage_error("--range LENGTH must be > 0");
    } else if (arg == "--max-keys") {
      options.max_keys = std::stoi(value());
    } else if (arg == "--part-size") {
      Result<std::uint64_t> size = parse_size(value());
      if (!size.ok()) usage_error(size.error().to_string());
      options.part_size = *size;
    } else if (arg == "--retries") {
      options.retries = std::stoi(value());
    } else if (arg == "-v") {
      options.verbose = true;
    } else if (arg.size() > 1 && arg[0] == '-' && arg != "-") {
      usage_error(fmt::format("unknown option {}", arg));
    } else {
      options.args.push_back(arg);
    }
  }
  if (options.args.empty()) usage_error("no command");
  return options;
}

std::string format_time_ns(std::int64_t ns) {
  const std::time_t seconds = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

int fail(const Error& error) {
  fmt::print(stderr, "s3tool: {}\n", error.to_string());
  return error.kind == ErrorKind::config ? 2 : 1;
}

bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

std::string read_all(const std::string& path) {
  const int fd = path == "-" ? 0 : ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw std::runtime_error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  std::string data;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    if (n == 0) break;
    data.append(buffer, static_cast<std::size_t>(n));
  }
  if (fd != 0) ::close(fd);
  return data;
}

/// One command's S3 client and target, set up from the options.
struct Session {
  const Options& options;
  HttpEngine& engine;
  S3Client& client;
  std::string bucket;
  std::string key;
};

int list(Session& s) {
  ListRequest request;
  request.bucket = s.bucket;
  request.prefix = s.key;
  request.max_keys = s.options.max_keys;
  Status status = run_sync<Unit>(s.engine, [&](auto done) {
    s.client.list_all(
        request,
        [](ListPage&& page) {
          for (const ObjectEntry& object : page.objects) {
            fmt::print("{:>12} {} {} {}\n", object.size, format_time_ns(object.mtime_ns), object.etag, object.key);
          }
          return true;
        },
        [done](Status result) { done(std::move(result)); });
  });
  return status.ok() ? 0 : fail(status.error());
}

int get(Session& s) {
  const std::vector<std::string>& args = s.options.args;
  const int fd = args.size() == 3 ? ::open(args[2].c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : 1;
  if (fd < 0) throw std::runtime_error(fmt::format("cannot create {}: {}", args[2], std::strerror(errno)));
  GetRequest request{s.bucket, s.key, s.options.range_offset, s.options.range_length, {}};
  Result<GetResult> result = run_sync<GetResult>(s.engine, [&](auto done) {
    s.client.get(
        request, [fd](std::uint64_t, const char* data, std::size_t size) { return write_all(fd, data, size); }, done);
  });
  if (fd != 1) ::close(fd);
  if (!result.ok()) return fail(result.error());
  fmt::print(stderr, "s3tool: {} bytes of {} (object size {}, ETag {}, {} retries)\n", result->bytes, s.key,
             result->object_size, result->etag, result->retries);
  return 0;
}

int head(Session& s) {
  Result<ObjectInfo> info = run_sync<ObjectInfo>(s.engine, [&](auto done) { s.client.head(s.bucket, s.key, done); });
  if (!info.ok()) return fail(info.error());
  fmt::print("size {}\netag {}\nlast-modified {}\n", info->size, info->etag, format_time_ns(info->mtime_ns));
  return 0;
}

int put(Session& s) {
  const std::string data = read_all(s.options.args[1]);
  Result<std::string> etag = run_sync<std::string>(s.engine, [&](auto done) {
    if (data.size() > s.options.part_size) {
      s.client.put_multipart(s.bucket, s.key, data.data(), data.size(), s.options.part_size, done);
    } else {
      s.client.put(s.bucket, s.key, data.data(), data.size(), done);
    }
  });
  if (!etag.ok()) return fail(etag.error());
  fmt::print("{}\n", *etag);
  return 0;
}

int bucket_or_delete(Session& s, const std::string& command) {
  Status status = run_sync<Unit>(s.engine, [&](auto done) {
    if (command == "mb") s.client.create_bucket(s.bucket, done);
    if (command == "rb") s.client.delete_bucket(s.bucket, done);
    if (command == "rm") s.client.delete_object(s.bucket, s.key, done);
  });
  return status.ok() ? 0 : fail(status.error());
}

/// The S3 location a command works on: the destination of put, else the first argument.
std::string location_argument(const Options& options) {
  const std::string& command = options.args[0];
  const auto need = [&](std::size_t n) {
    if (options.args.size() != n + 1) usage_error(fmt::format("{} takes {} argument(s)", command, n));
  };
  if (command == "put") return need(2), options.args[2];
  need(command == "get" && options.args.size() == 3 ? 2 : 1);
  return options.args[1];
}

int run(const Options& options) {
  const std::string command = options.args[0];
  Result<S3Location> location = parse_s3_location(location_argument(options));
  if (!location.ok()) return fail(location.error());
  Result<Connection> connection = connect(*location, options.connection, process_environment());
  if (!connection.ok()) return fail(connection.error());
  for (const std::string& warning : connection->remote.warnings) fmt::print(stderr, "s3tool: warning: {}\n", warning);

  HttpEngineOptions engine_options;
  engine_options.max_in_flight = 4;
  engine_options.ca_bundle = connection->remote.ca_bundle;
  engine_options.verbose = options.verbose;
  HttpEngine engine(engine_options);
  RetryPolicy retry;
  retry.max_retries = options.retries;
  S3Client client(engine, connection->endpoint, connection->remote.credentials,
                  [] { return std::chrono::system_clock::now(); }, retry, static_cast<std::uint64_t>(::getpid()));
  Session session{options, engine, client, location->bucket, location->prefix};
  if (command == "ls") return list(session);
  if (command == "get") return get(session);
  if (command == "head") return head(session);
  if (command == "put") return put(session);
  if (command == "mb" || command == "rb" || command == "rm") return bucket_or_delete(session, command);
  usage_error(fmt::format("unknown command '{}'", command));
}

}  // namespace

int main(int argc, char** argv) try {
  return run(parse_args(argc, argv));
} catch (const std::exception& e) {
  fmt::print(stderr, "s3tool: {}\n", e.what());
  return 1;
}
