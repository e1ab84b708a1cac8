#!/usr/bin/env bash
# A DEST that fails for every object stops the job early, end to end with 4
# ranks against scripts/fake-s3: 60 objects of 1 MiB into a tmpfs of 12 MiB
# that this test mounts. Once a write fails with ENOSPC the job stops: one
# message naming DEST and its free space (not an error line per object),
# GETs stop (the server saw fewer than the 60 a blind run would ask), exit 1,
# and the objects not copied are failed, in the failed list; the files that
# landed are exact and no temporary file is left. After the file system
# grows (remount, as if space were freed) the rerun completes.
#   tests/copy/dest_full_test.sh BUILD_DIR
set -uo pipefail
PROG=dest_full_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(CAIOS2DFS_|RCLONE_|AWS_)' || true)
export AWS_ACCESS_KEY_ID=full AWS_SECRET_ACCESS_KEY=full AWS_REGION=us-east-1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

WORK=$(mktemp -d /var/tmp/caios2dfs-full.XXXXXX)
server_pid=""
mounted=""
cleanup() {
  local rc=$?
  [[ -n $server_pid ]] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
  [[ -n $mounted ]] && umount "$mounted" 2>/dev/null
  if (( rc != 0 )); then say "FAILED; files kept in $WORK"; elif (( ${KEEP:-0} )); then say "PASSED; files kept in $WORK"
  else rm -rf -- "$WORK"; say PASSED; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

mkdir -p "$WORK/fs"
if ! mount -t tmpfs -o size=12m tmpfs "$WORK/fs" 2>"$WORK/mount.err"; then
  say "SKIPPED: cannot mount a tmpfs here ($(cat "$WORK/mount.err"))"
  exit 77
fi
mounted=$WORK/fs
dest=$WORK/fs/dest
total=60

python3 - "$WORK/spec.json" <<'PY' || fail "could not write the spec"
import json, sys
objects = [{"key": f"d{i % 3}/obj{i:03}.bin", "size": 1 << 20, "seed": i} for i in range(60)]
json.dump({"bucket": "full", "objects": objects}, open(sys.argv[1], "w"))
PY
python3 "$REPO/scripts/fake-s3" --spec "$WORK/spec.json" --write-objects "$WORK/expected" --port-file "$WORK/port" \
  --log "$WORK/server.log" &
server_pid=$!
for _ in $(seq 600); do [[ -s $WORK/port ]] && break; sleep 0.1; done
[[ -s $WORK/port ]] || fail "fake-s3 did not start"
export AWS_ENDPOINT_URL=http://127.0.0.1:$(cat "$WORK/port")

copy() {  # REPORT: the copy's exit status
  timeout 300 mpirun --oversubscribe -np 4 "$BIN" --stats 0 --transfers 4 --report "$1" s3://full "$dest" \
    >"$1.log" 2>&1
}

copy "$WORK/full.json"
status=$?
(( status == 1 )) || { tail -20 "$WORK/full.json.log"; fail "DEST full: status $status, not 1"; }
grep -q "ERROR: DEST $dest cannot take more: .*No space left on device.* free of " "$WORK/full.json.log" \
  || { tail -20 "$WORK/full.json.log"; fail "DEST full: no message naming DEST, the error and its free space"; }
errors=$(grep -c '^ERROR' "$WORK/full.json.log" || true)
copied=$(field "$WORK/full.json" "d['objects_copied']")
failed=$(field "$WORK/full.json" "d['objects_failed']")
(( copied + failed == total && failed > 0 && copied > 0 )) || fail "copied $copied + failed $failed is not $total"
(( errors < failed )) || fail "an error line per object: $errors lines for $failed failed objects"
[[ $(wc -l <"$WORK/full.json.failed") == "$failed" ]] || fail "the failed list does not hold the $failed failed keys"
gets=$(grep -c '^GET /full/' "$WORK/server.log" || true)
(( gets < total )) || fail "the job went on fetching: $gets GETs for $total objects"
files=$(cd "$dest" && find . -path ./.caios2dfs-staging -prune -o -type f -print | sed 's|^\./||' | sort)
[[ $(wc -l <<<"$files") == "$copied" ]] || fail "$(wc -l <<<"$files") files in DEST, $copied copied"
while IFS= read -r file; do
  cmp -s "$dest/$file" "$WORK/expected/full/$file" || fail "$file is not its object's bytes"
done <<<"$files"
left=$(find "$dest/.caios2dfs-staging" -type f 2>/dev/null | wc -l)
(( left == 0 )) || fail "$left temporary files left in DEST"
say "DEST full: stopped with one message, $copied copied exactly, $failed failed and listed, $gets GETs, $errors error lines"

mount -o remount,size=100m "$WORK/fs" || fail "could not grow the tmpfs"
copy "$WORK/rerun.json" || { tail -20 "$WORK/rerun.json.log"; fail "the rerun after freeing space failed"; }
diff -r -x .caios2dfs-staging "$WORK/expected/full" "$dest" >"$WORK/diff.out" \
  || { head "$WORK/diff.out"; fail "rerun: DEST differs"; }
say "after freeing space the rerun completed the copy, byte for byte"

# A DEST nobody may write in is found before any data moves: status 2, one
# message saying why, no GET. Read-only (EROFS), then, where this test can
# run as another user, not this user's to write in (EACCES).
refused() {  # WHAT ERRNO_TEXT REPORT [command prefix...]
  local what=$1 text=$2 report=$3 before
  shift 3
  before=$(grep -c '^GET /full/' "$WORK/server.log" || true)
  "$@" timeout 120 mpirun --oversubscribe -np 2 "$BIN" --stats 0 s3://full "$dest" >"$report.log" 2>&1
  local status=$?
  (( status == 2 )) || { tail -5 "$report.log"; fail "$what: status $status, not 2"; }
  grep -q "cannot write in DEST: create $dest/.caios2dfs-[0-9a-f]*.part: .*$text.*: DEST must be a directory" \
    "$report.log" || { tail -5 "$report.log"; fail "$what: no message saying why DEST cannot be written"; }
  [[ $(grep -c '^GET /full/' "$WORK/server.log" || true) == "$before" ]] || fail "$what: GETs were made"
  say "$what: refused before any data moved (status 2: $(grep -o "$text" "$report.log" | head -1))"
}
mount -o remount,ro "$WORK/fs" || fail "could not make the tmpfs read-only"
refused "DEST read-only" "Read-only file system" "$WORK/ro"
mount -o remount,rw "$WORK/fs" || fail "could not make the tmpfs writable again"
if [[ $(id -u) == 0 ]] && runuser -u nobody -- true 2>/dev/null; then
  chmod 755 "$WORK" "$WORK/fs" "$dest"
  refused "DEST not this user's" "Permission denied" "$WORK/acces" runuser -u nobody -- env HOME=/tmp
else
  say "(EACCES not tried: needs root to run the copy as another user)"
fi
