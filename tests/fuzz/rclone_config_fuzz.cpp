// Fuzz target: parse_ini (config/ini_file.hpp) on any bytes as an rclone
// config file, then remote_from_rclone (config/remote_config.hpp) for each of
// its sections, and remote_from_aws (config/aws_config.hpp) with the same
// text as the AWS credentials and config files. The environment is empty,
// so everything comes from the text.
// Property: no crash and no sanitizer report; a parsed file has non-empty,
// trimmed, distinct section names and non-empty trimmed keys, each section's
// entries in file order; every Error is kind config; an accepted remote has
// an http:// or https:// endpoint without a trailing '/', and a non-empty
// access key. And the secrets promise of remote_config.hpp: with each
// secret_access_key and session_token value replaced by a marker, the marker
// appears in no Error, warning, origin or describe() of the remote.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "caios2dfs/base/text.hpp"
#include "caios2dfs/config/remote_config.hpp"
#include "fuzz_support.hpp"

using namespace caios;

namespace {

// Sections tried per input: enough to reach every path, few enough to keep
// the fuzzer fast on inputs with hundreds of sections.
constexpr std::size_t kMaxRemotes = 8;
constexpr std::string_view kSecretMarker = "SECRETMARKER";

bool is_trimmed(std::string_view text) { return trim(text).size() == text.size(); }

void check_file(const IniFile& file) {
  for (std::size_t i = 0; i < file.sections.size(); ++i) {
    const IniSection& section = file.sections[i];
    fuzz::check(!section.name.empty() && is_trimmed(section.name), "section names are non-empty and trimmed");
    fuzz::check(file.find(section.name) == &section, "repeated section headers are merged");
    int previous_line = 0;
    for (const IniEntry& entry : section.entries) {
      fuzz::check(!entry.key.empty() && is_trimmed(entry.key), "keys are non-empty and trimmed");
      fuzz::check(entry.line > previous_line, "a section's entries are in file order");
      previous_line = entry.line;
    }
  }
}

// Everything a remote or its Error shows the user or the logs.
std::string shown_text(const Result<S3Remote>& remote) {
  if (!remote.ok()) return remote.error().to_string();
  std::string shown = describe(remote.value()) + "\n" + remote->origin;
  for (const std::string& warning : remote->warnings) shown += "\n" + warning;
  return shown;
}

void check_remote(const Result<S3Remote>& remote) {
  if (!remote.ok()) {
    fuzz::check(remote.error().kind == ErrorKind::config, "configuration errors are kind config");
    return;
  }
  const std::string& endpoint = remote->endpoint;
  fuzz::check(endpoint.rfind("http://", 0) == 0 || endpoint.rfind("https://", 0) == 0,
              "the endpoint is an http:// or https:// URL");
  fuzz::check(endpoint.back() != '/', "the endpoint has no trailing '/'");
  fuzz::check(!remote->credentials.access_key_id.empty(), "an accepted remote has an access key");
}

// `file` with the value of every secret key replaced by a numbered marker.
IniFile with_marked_secrets(IniFile file) {
  int secrets = 0;
  for (IniSection& section : file.sections) {
    for (IniEntry& entry : section.entries) {
      if (entry.key == "secret_access_key" || entry.key == "session_token") {
        entry.value = std::string(kSecretMarker) + std::to_string(++secrets);
      }
    }
  }
  return file;
}

void check_remotes(std::string_view text, const IniFile& file) {
  const Environment no_environment;
  const IniFile marked = with_marked_secrets(file);
  // A marker already in the text could be echoed as a section name or a key:
  // that would not be a leak.
  const bool marker_is_new = text.find(kSecretMarker) == std::string_view::npos;
  const AwsSharedFiles aws{TextFile{"aws-credentials", std::string(text), file.readable_by_others},
                           TextFile{"aws-config", std::string(text), false}};
  for (std::size_t i = 0; i < file.sections.size() && i < kMaxRemotes; ++i) {
    const std::string& name = file.sections[i].name;
    check_remote(remote_from_rclone(&file, name, no_environment, aws));
    const Result<S3Remote> remote = remote_from_rclone(&marked, name, no_environment);
    check_remote(remote);
    fuzz::check(!marker_is_new || shown_text(remote).find(kSecretMarker) == std::string::npos,
                "no secret in an Error, a warning, the origin or describe()");
  }
  check_remote(remote_from_aws(no_environment, aws.credentials, aws.config));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  // Half the inputs as a file other users may read, for the permission warnings.
  const TextFile config{"rclone.conf", std::string(text), size % 2 == 1};
  Result<IniFile> file = parse_ini(config);
  if (!file.ok()) {
    fuzz::check(file.error().kind == ErrorKind::config, "parse errors are kind config");
    return 0;
  }
  check_file(file.value());
  check_remotes(text, file.value());
  return 0;
}
