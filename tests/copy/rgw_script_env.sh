# Sourced by the copier's shell tests (after they set PROG) with their
# arguments: BUILD_DIR, REPO, BIN, S3TOOL, say, fail, field, and
# use_test_rgw, which points the AWS_* variables at the test RGW of
# BUILD_DIR after clearing every CAIOS2DFS_, RCLONE_ and AWS_ setting of the
# caller, so that nothing of the user's environment leaks into a test; and
# start_fault_proxy / stop_fault_proxy (scripts/fault-proxy in front of it).
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

# start_fault_proxy LOG [fault-proxy flags...]: scripts/fault-proxy on
# loopback in front of the test RGW (after use_test_rgw), logging to LOG;
# sets proxy_pid and PROXY, its URL. Uses $WORK. The caller's cleanup
# calls stop_fault_proxy, which is safe to call when none runs.
proxy_pid=""
start_fault_proxy() {
  local log=$1
  shift
  rm -f "$WORK/proxy.port"
  python3 "$REPO/scripts/fault-proxy" --upstream "${CAIOS_TEST_ENDPOINT#http://}" --port-file "$WORK/proxy.port" \
    --log "$log" "$@" &
  proxy_pid=$!
  for _ in $(seq 100); do [[ -s $WORK/proxy.port ]] && break; sleep 0.1; done
  [[ -s $WORK/proxy.port ]] || fail "fault-proxy did not start"
  PROXY=http://127.0.0.1:$(cat "$WORK/proxy.port")
}
stop_fault_proxy() {
  [[ -n $proxy_pid ]] || return 0
  kill "$proxy_pid" 2>/dev/null
  wait "$proxy_pid" 2>/dev/null
  proxy_pid=""
}

# wait_copy SECONDS: the status of the copy started in the background as
# $mpirun_pid (124, after killing it, when it did not end in time).
wait_copy() {
  local deadline=$((SECONDS + $1))
  while kill -0 "$mpirun_pid" 2>/dev/null; do
    (( SECONDS < deadline )) || { kill -KILL "$mpirun_pid"; wait "$mpirun_pid"; mpirun_pid=""; return 124; }
    sleep 0.1
  done
  wait "$mpirun_pid"
  local status=$?
  mpirun_pid=""
  return "$status"
}

# A test's own bucket on the test RGW (after use_test_rgw), named
# STEM-<time>-<pid>: make_test_bucket STEM sets `bucket` and makes it;
# put_test_object FILE KEY uploads a file and remembers the key; the
# caller's cleanup calls remove_test_bucket, which deletes what was put and
# the bucket, and is safe to call when nothing was made. end_test RC (last
# in that cleanup) removes WORK after a pass and keeps it after a failure.
bucket=""
test_keys=()
make_test_bucket() {
  bucket=$1-$(date +%s)-$$
  timeout 60 "$S3TOOL" mb "s3://$bucket" >/dev/null || fail "cannot make bucket $bucket"
  test_keys=()
}
put_test_object() {
  timeout 60 "$S3TOOL" put "$1" "s3://$bucket/$2" >/dev/null || fail "cannot put $2"
  test_keys+=("$2")
}
remove_test_bucket() {
  [[ -n $bucket ]] || return 0
  local key
  for key in "${test_keys[@]}"; do timeout 30 "$S3TOOL" --retries 1 rm "s3://$bucket/$key" >/dev/null 2>&1 || true; done
  timeout 30 "$S3TOOL" --retries 1 rb "s3://$bucket" >/dev/null 2>&1 || true
}
end_test() {
  if (( $1 == 0 )); then rm -rf -- "$WORK"; say PASSED; else say "FAILED; files kept in $WORK"; fi
}
