#!/usr/bin/env bash
# Listing many pages at once against the real RGW: a bucket of 4,000 small
# objects in a tree (40 directories, some nested), one of 4,000 flat hex
# names and one of 2,500 unicode names (cut points among multi-byte
# characters: start-after must be whole UTF-8 for the store), each copied by 4 ranks with --checkers 32 (directories listed at
# once, full pages cut into key ranges) and with --checkers 1. Every tree is
# byte for byte the source, and the report counts each object once.
#   tests/copy/listing_rgw_test.sh BUILD_DIR
set -uo pipefail
PROG=listing_rgw_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
use_test_rgw
export RCLONE_CONFIG=/dev/null RCLONE_CONFIG_T_TYPE=s3 RCLONE_CONFIG_T_PROVIDER=Ceph
export RCLONE_CONFIG_T_ENDPOINT=$CAIOS_TEST_ENDPOINT RCLONE_CONFIG_T_REGION=$CAIOS_TEST_REGION
export RCLONE_CONFIG_T_ACCESS_KEY_ID=$CAIOS_TEST_ACCESS_KEY RCLONE_CONFIG_T_SECRET_ACCESS_KEY=$CAIOS_TEST_SECRET_KEY

WORK=$(mktemp -d /var/tmp/caios2dfs-listing-rgw.XXXXXX)
stamp=$(date +%s)-$$
buckets=()
cleanup() {
  local rc=$? bucket
  for bucket in "${buckets[@]}"; do
    timeout 120 env -u AWS_CA_BUNDLE rclone purge "t:$bucket" >/dev/null 2>&1 || true
  done
  if (( rc == 0 )); then rm -rf -- "$WORK"; say PASSED; else say "FAILED; files kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

python3 - "$WORK/tree" "$WORK/flat" "$WORK/unicode" <<'PY' || fail "could not create the source files"
import os, random, sys
tree, flat, unicode = sys.argv[1], sys.argv[2], sys.argv[3]
rng = random.Random(5)
def put(root, path):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    open(full, "wb").write(rng.randbytes(rng.randint(0, 300)))
for i in range(4000):
    d = i % 40
    put(tree, f"d{d:02}/{'sub/' if d % 3 == 0 else ''}k{i:05}")
for i in range(4000):
    put(flat, f"{rng.getrandbits(40):010x}")
words = ["café", "ünïcödé", "€uro", "Ωmega", "αβγ", "日本", "한국", "😀", "Ａ", "a\u00a0b", "zz-ß", "©", "ש", "a b"]
for i in range(2500):
    w = words[i % len(words)]
    put(unicode, f"{w}/{words[(i // 7) % len(words)]}{i:04}" if i % 5 == 0 else f"{w}{rng.choice(words)}{i:04}")
PY
for shape in tree flat unicode; do
  bucket=listing-$shape-$stamp
  timeout 300 env -u AWS_CA_BUNDLE rclone copy --transfers 32 "$WORK/$shape" "t:$bucket" >"$WORK/$shape.seed.log" 2>&1 \
    || { tail -5 "$WORK/$shape.seed.log"; fail "rclone copy (seeding $shape)"; }
  buckets+=("$bucket")
  expected=$(find "$WORK/$shape" -type f | wc -l)
  for checkers in 32 1; do
    dest=$WORK/$shape-copy-$checkers
    timeout 300 mpirun --oversubscribe -np 4 "$BIN" --stats 0 --transfers 8 --checkers "$checkers" \
      --report "$dest.json" "s3://$bucket" "$dest" >"$dest.log" 2>&1 || { tail -20 "$dest.log"; fail "$shape: the copy failed"; }
    diff -r "$WORK/$shape" "$dest" >"$WORK/diff.out" 2>&1 || { head "$WORK/diff.out"; fail "$shape, --checkers $checkers: the tree differs"; }
    for name in objects_listed objects_copied; do
      [[ $(field "$dest.json" "d['$name']") == "$expected" ]] || fail "$shape, --checkers $checkers: $name != $expected"
    done
  done
  say "$shape: $expected objects copied exactly, listed 32 pages at a time and one at a time"
done
