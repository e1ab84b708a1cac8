#!/usr/bin/env bash
# slowfs passes data through unchanged, reflects every namespace change in
# its backing directory, and makes each metadata call wait its delay.
# Skips (exit 77) where FUSE cannot mount (no /dev/fuse, not root).
#   tests/slowfs/slowfs_test.sh SLOWFS_BINARY
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
export SLOWFS_BIN=$1
if [[ ! -c /dev/fuse || $(id -u) -ne 0 ]]; then
  echo "slowfs_test: skipped: needs /dev/fuse and root"
  exit 77
fi
work=$(mktemp -d /var/tmp/caios2dfs-slowfs-test.XXXXXX)
cleanup() {
  "$root/scripts/slowfs" unmount "$work/mnt" || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "slowfs_test: FAILED: $*" >&2; exit 1; }

delay_us=2000
SLOWFS_STATS_FILE=$work/stats "$root/scripts/slowfs" mount --backing "$work/backing" --delay-us $delay_us "$work/mnt"

# Data passes through: what goes in through the mount is in the backing file.
head -c $((3 << 20)) /dev/urandom > "$work/data"
mkdir -p "$work/mnt/a/b"
cp "$work/data" "$work/mnt/a/b/file.part"
cmp "$work/data" "$work/backing/a/b/file.part" || fail "bytes differ in the backing file"
cmp "$work/data" "$work/mnt/a/b/file.part" || fail "bytes differ when read back"

# Namespace calls reach the backing directory.
touch -d '2020-01-02 03:04:05' "$work/mnt/a/b/file.part"
mv "$work/mnt/a/b/file.part" "$work/mnt/a/b/file"
[[ -f $work/backing/a/b/file && ! -e $work/backing/a/b/file.part ]] || fail "rename not in the backing dir"
[[ $(stat -c %Y "$work/backing/a/b/file") == $(date -d '2020-01-02 03:04:05' +%s) ]] || fail "mtime not set"
rm "$work/mnt/a/b/file"
[[ ! -e $work/backing/a/b/file ]] || fail "unlink not in the backing dir"

# Each metadata call waits: 50 stats of a missing file in sequence take at
# least 50 delays (each is one lookup).
start=$(date +%s%N)
for i in $(seq 50); do stat "$work/mnt/missing-$i" >/dev/null 2>&1 || true; done
elapsed_us=$(( ($(date +%s%N) - start) / 1000 ))
(( elapsed_us >= 50 * delay_us )) || fail "50 lookups took ${elapsed_us} us, less than 50 x ${delay_us} us"

"$root/scripts/slowfs" unmount "$work/mnt"
calls=$(awk '/metadata_calls/ {print $2}' "$work/stats")
(( calls >= 30 )) || fail "only $calls metadata calls counted"
echo "slowfs_test: passed (50 lookups in ${elapsed_us} us at ${delay_us} us each; $calls metadata calls)"
