# Sourced by the copier's shell tests (after they set PROG) with their
# arguments: BUILD_DIR, REPO, BIN, S3TOOL, say, fail, field, and
# use_test_rgw, which points the AWS_* variables at the test RGW of
# BUILD_DIR after clearing every CAIOS2DFS_, RCLONE_ and AWS_ setting of the
# caller, so that nothing of the user's environment leaks into a test.
(( $# == 1 )) || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD_DIR=$(cd "$1" && pwd)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$BUILD_DIR/src/caios2dfs-mpi
S3TOOL=$BUILD_DIR/src/s3tool
say() { echo "$PROG: $*"; }
fail() { say "FAIL: $*"; exit 1; }
# field REPORT EXPR: EXPR evaluated with d, the report's JSON.
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
use_test_rgw() {
  [[ -r $BUILD_DIR/rgw/env ]] || fail "the S3 test server is not running (scripts/rgw-server start --dir $BUILD_DIR/rgw)"
  local name
  while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(CAIOS2DFS_|RCLONE_|AWS_)' || true)
  # shellcheck source=/dev/null
  . "$BUILD_DIR/rgw/env"
  export AWS_ACCESS_KEY_ID=$CAIOS_TEST_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$CAIOS_TEST_SECRET_KEY
  export AWS_ENDPOINT_URL=$CAIOS_TEST_ENDPOINT AWS_REGION=$CAIOS_TEST_REGION
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
}
