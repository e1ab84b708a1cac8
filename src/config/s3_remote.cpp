// Printing a remote without its secrets; see s3_remote.hpp.
#include "caios2dfs/config/s3_remote.hpp"

namespace caios {

std::string describe(const S3Remote& remote) {
  const auto& id = remote.credentials.access_key_id;
  // Real key ids are 16+ characters; for short ones show nothing at all.
  const std::string masked = id.size() >= 12 ? id.substr(0, 4) + "\u2026" : "\u2026";
  std::string out = "endpoint " + remote.endpoint + ", region " + remote.region + ", " +
                    addressing_name(remote.addressing) + " addressing, access key " + masked;
  if (!remote.credentials.session_token.empty()) out += ", session token set";
  if (!remote.provider.empty()) out += ", provider " + remote.provider;
  if (!remote.ca_bundle.empty()) out += ", CA bundle " + remote.ca_bundle;
  if (!remote.origin.empty()) out += ", from " + remote.origin;
  return out;
}

}  // namespace caios
