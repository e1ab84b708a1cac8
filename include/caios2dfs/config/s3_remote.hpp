// What the configuration readers produce: everything needed to talk to one
// S3 service (S3Remote), the command-line settings that beat every other
// source (RemoteOverrides), and the one way to print a remote (describe).
// rclone remotes are read by remote_config.hpp, the AWS environment and
// shared files by aws_config.hpp.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "caios2dfs/s3/s3_request.hpp"  // Addressing
#include "caios2dfs/s3/sigv4.hpp"       // Credentials

namespace caios {

/// Everything needed to talk to one S3 service. Holds secrets: print it only
/// with describe().
struct S3Remote {
  std::string endpoint;  ///< "scheme://host[:port]", no path, no trailing slash
  std::string region = "us-east-1";  ///< SigV4 region; "us-east-1" when nothing sets it
  Addressing addressing = Addressing::path;
  Credentials credentials;
  std::string ca_bundle;  ///< path to a PEM bundle, empty for the system store
  std::string provider;   ///< rclone's `provider`, informational ("" for AWS sources)
  /// Where the settings came from, without secrets, e.g.
  /// "rclone config /root/.config/rclone/rclone.conf [caios]",
  /// "AWS environment", "AWS profile 'x' in /root/.aws/credentials".
  std::string origin;
  /// Problems that do not stop us but that the user should fix (a secret file
  /// readable by other users, a quoted key, ...). Printed once at start-up.
  std::vector<std::string> warnings;
};

/// Settings given on our command line; they beat every other source.
struct RemoteOverrides {
  std::optional<std::string> endpoint;  ///< --endpoint; "https://" added when no scheme
  std::optional<std::string> region;    ///< --region
  std::optional<Addressing> addressing; ///< --addressing / --force-path-style
  std::optional<std::string> ca_bundle; ///< --ca-bundle
};

/// One line for logs, without secrets: endpoint, region, addressing, the
/// access key id masked to its first 4 characters + "…", whether a session
/// token is set, the CA bundle and the origin.
std::string describe(const S3Remote& remote);

}  // namespace caios
