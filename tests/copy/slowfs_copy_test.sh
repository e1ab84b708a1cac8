#!/usr/bin/env bash
# caios2dfs-mpi from the real RGW onto slowfs (tests/slowfs), the file system
# whose every metadata call waits a delay, as on a DFS:
#   (a) 2 ranks copy a bucket of small objects in several directories and
#       chunked large ones: the tree is byte for byte the bucket's, nothing
#       extra (no temporary file), the report counts every file; and the
#       metadata calls ran on the file-call threads, not on the event loops
#       (per-rank loop_fs_seconds against fs_thread_seconds in the report);
#   (b) a rerun skips every object;
#   (c) on a mount that refuses O_DIRECT and has no hard links, --direct-io
#       always still lands every byte (buffered writes instead, and files
#       renamed into place instead of linked from the staging directory).
# Each tree is compared with diff -r, so a staging directory or temporary
# file left behind fails the test.
#   tests/copy/slowfs_copy_test.sh BUILD_DIR
# Exit 0 passed, 1 failed, 77 skipped (no /dev/fuse or not root).
set -uo pipefail
PROG=slowfs_copy_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
export SLOWFS_BIN=$BUILD_DIR/tests/slowfs/slowfs
[[ -c /dev/fuse && $EUID -eq 0 ]] || { say "SKIP: needs /dev/fuse and root"; exit 77; }
[[ -x $SLOWFS_BIN ]] || { say "SKIP: slowfs not built (no libfuse3)"; exit 77; }
use_test_rgw

WORK=$(mktemp -d /var/tmp/caios2dfs-slowfs-copy.XXXXXX)
cleanup() {
  local rc=$?
  "$REPO/scripts/slowfs" unmount "$WORK/slow" >/dev/null 2>&1 || true
  "$REPO/scripts/slowfs" unmount "$WORK/nodirect" >/dev/null 2>&1 || true
  remove_test_bucket
  end_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

SRC=$WORK/src
python3 - "$SRC" <<'PY' || fail "could not create the source files"
import os, random, sys
root, rng = sys.argv[1], random.Random(7)
def put(path, size):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    open(full, "wb").write(rng.randbytes(size))
for i in range(90):
    put(f"shard-{i % 3}/part-{i:03}.bin", rng.randint(0, 48 * 1024))
put("empty", 0)
put("big/model.bin", 3 * 2**20 + 4099)   # chunked: > --multi-thread-cutoff
put("big/aligned.bin", 2 * 2**20)
PY
nfiles=$(find "$SRC" -type f | wc -l)
make_test_bucket slowfs-copy
while IFS= read -r key; do put_test_object "$SRC/$key" "$key"; done < <(cd "$SRC" && find . -type f -printf '%P\n' | sort)

copy() {  # DEST REPORT [flags...]
  local dest=$1 report=$2
  shift 2
  timeout 300 mpirun --oversubscribe -np 2 "$BIN" --stats 0 --transfers 8 --multi-thread-cutoff 1M \
    --chunk-size 512K --report "$report" "$@" "s3://$bucket" "$dest" >"$report.log" 2>&1 \
    || { tail -20 "$report.log"; fail "caios2dfs-mpi into $dest failed"; }
}
same_tree() {
  diff -r "$SRC" "$1" >"$WORK/diff.out" 2>&1 || { head -20 "$WORK/diff.out"; fail "$1 differs from the bucket"; }
  [[ $(find "$1" -type f | wc -l) == "$nfiles" ]] || fail "$1: $(find "$1" -type f | wc -l) files, expected $nfiles"
}

# (a) 2 ms per metadata call.
"$REPO/scripts/slowfs" mount --backing "$WORK/slow-backing" --delay-us 2000 "$WORK/slow" || fail "mount slowfs"
copy "$WORK/slow/dest" "$WORK/a.json"
same_tree "$WORK/slow/dest"
[[ $(field "$WORK/a.json" 'd["objects_copied"]') == "$nfiles" ]] || fail "(a) report: objects_copied != $nfiles"
read -r loop threads < <(field "$WORK/a.json" \
  '"%f %f" % (sum(r["loop_fs_seconds"] for r in d["per_rank"]), sum(r["fs_thread_seconds"] for r in d["per_rank"]))')
say "(a) $nfiles files; file calls: ${threads}s on the file-call threads, ${loop}s on the event loops"
# ~93 whole files x (stat, create, close, utimens, rename) at 2 ms each are
# >= 0.9 s of calls; on the loops only the chunked files' few calls remain.
python3 -c "import sys; sys.exit(0 if $threads > 0.9 and $loop < $threads / 4 else 1)" \
  || fail "(a) the metadata calls were not off the event loops (loops ${loop}s, threads ${threads}s)"

# (b) a rerun: every object is current.
copy "$WORK/slow/dest" "$WORK/b.json"
[[ $(field "$WORK/b.json" 'd["objects_skipped"]') == "$nfiles" ]] || fail "(b) rerun did not skip all $nfiles"
[[ $(field "$WORK/b.json" 'd["objects_copied"]') == 0 ]] || fail "(b) rerun copied again"
same_tree "$WORK/slow/dest"
say "(b) rerun skipped all $nfiles"

# (c) no O_DIRECT and no hard links on this mount.
"$REPO/scripts/slowfs" mount --backing "$WORK/nodirect-backing" --delay-us 0 --refuse-direct --no-links \
  "$WORK/nodirect" || fail "mount slowfs --refuse-direct --no-links"
touch "$WORK/nodirect/probe"
! ln "$WORK/nodirect/probe" "$WORK/nodirect/probe2" 2>/dev/null || fail "(c) the mount made a hard link"
rm -f "$WORK/nodirect/probe"
python3 -c "
import os, sys
try:
    os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_DIRECT, 0o644)
except OSError as e:
    sys.exit(0 if e.errno == 22 else 1)
sys.exit(1)" "$WORK/nodirect/probe" || fail "(c) the mount accepted O_DIRECT"
copy "$WORK/nodirect/dest" "$WORK/c.json" --direct-io=always
same_tree "$WORK/nodirect/dest"
say "(c) --direct-io=always on a mount without O_DIRECT or hard links: every byte landed"
