#!/usr/bin/env bash
# Integrity against the real RGW, through scripts/fault-proxy, which flips one
# byte (length kept) in the first GET of every third object and of rclone's
# multipart upload:
#   (a) 2 ranks copy single-part objects and an 11 MiB multipart upload made
#       by rclone (which stores its MD5 as x-amz-meta-md5chksum): every
#       corrupted fetch is caught, by the ETag's MD5 or rclone's, and fetched
#       again; the tree is byte for byte the bucket's; the report counts every
#       object verified, by method, and each mismatch as fetched again (as
#       many as the proxy corrupted);
#   (b) the same with --ignore-checksum lands exactly the corrupted files
#       (the check is what caught them), and the report says unverified;
#   (c) without the proxy, objects chunked across ranks land exactly: a
#       single-part one is read back and verified by its ETag; a multipart
#       upload made by s3tool (no MD5 anywhere, and this RGW does not say its
#       part layout) is verified by its multipart ETag from its parts' MD5s,
#       under the layout guessed from the ETag (5 MiB parts); where the parts
#       are not of the guessed size (7 MiB, guessed 8 MiB), the object still
#       lands exactly and gets the check it had without the guess: read back
#       against rclone's MD5 for rclone's upload, unverified for s3tool's;
#   (d) (a) again with most objects chunked (--multi-thread-cutoff 100K
#       --chunk-size 64K), the proxy corrupting every third chunk: the
#       read-back of each chunked object catches it, the object is fetched
#       again, and the tree is exact;
#   (e) --checksum (-c) on (a)'s tree, after one whole file and one chunked
#       file (single-part uploads) were damaged in place with their size and
#       mtime kept: only those two are fetched again (a plain rerun, by size
#       and mtime, skips them), and the tree is exact again.
#   tests/copy/integrity_rgw_test.sh BUILD_DIR
set -uo pipefail
PROG=integrity_rgw_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
use_test_rgw
# rclone, for its multipart upload, from environment variables alone.
export RCLONE_CONFIG=/dev/null RCLONE_CONFIG_T_TYPE=s3 RCLONE_CONFIG_T_PROVIDER=Ceph
export RCLONE_CONFIG_T_ENDPOINT=$CAIOS_TEST_ENDPOINT RCLONE_CONFIG_T_REGION=$CAIOS_TEST_REGION
export RCLONE_CONFIG_T_ACCESS_KEY_ID=$CAIOS_TEST_ACCESS_KEY RCLONE_CONFIG_T_SECRET_ACCESS_KEY=$CAIOS_TEST_SECRET_KEY

WORK=$(mktemp -d /var/tmp/caios2dfs-integrity.XXXXXX)
stamp=$(date +%s)-$$
uploaded=()  # "bucket/key"
buckets=()
cleanup() {
  local rc=$? entry bucket
  stop_fault_proxy
  for entry in "${uploaded[@]}"; do timeout 30 "$S3TOOL" --retries 1 rm "s3://$entry" >/dev/null 2>&1 || true; done
  for bucket in "${buckets[@]}"; do timeout 30 "$S3TOOL" --retries 1 rb "s3://$bucket" >/dev/null 2>&1 || true; done
  if (( rc == 0 )); then rm -rf -- "$WORK"; say PASSED; else say "FAILED; files kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Sources: single-part objects in directories (a, b); in c also a multipart
# upload and an object large enough to be chunked.
python3 - "$WORK/small" "$WORK/mixed" <<'PY' || fail "could not create the source files"
import os, random, sys
small, mixed = sys.argv[1], sys.argv[2]
rng = random.Random(11)
def put(root, path, size):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    open(full, "wb").write(rng.randbytes(size))
for i in range(45):
    put(small, f"d{i % 4}/obj-{i:03}", rng.randint(1, 200 * 1024))
put(small, "top-level", 70000)
put(os.path.join(small, "..", "rclone-src"), "multi.bin", 11 * 2**20 + 4321)
for i in range(6):
    put(mixed, f"small/obj-{i}", rng.randint(1, 50 * 1024))
put(mixed, "multi/part.bin", 11 * 2**20 + 12345)  # 3 parts of 5 MiB at most
put(mixed, "big/chunked.bin", 3 * 2**20 + 777)
put(os.path.join(mixed, "..", "odd-src"), "odd.bin", 20 * 2**20 + 99)  # 3 parts of 7 MiB at most
PY
upload() {  # SOURCE_DIR BUCKET [s3tool put flags]
  local dir=$1 bucket=$2 key
  shift 2
  timeout 60 "$S3TOOL" mb "s3://$bucket" >/dev/null || fail "s3tool mb $bucket"
  buckets+=("$bucket")
  while IFS= read -r key; do
    timeout 120 "$S3TOOL" "$@" put "$dir/$key" "s3://$bucket/$key" >/dev/null || fail "s3tool put $key"
    uploaded+=("$bucket/$key")
  done < <(cd "$dir" && find . -type f -printf '%P\n' | sort)
}
upload "$WORK/small" "integrity-small-$stamp"
timeout 120 rclone copyto --s3-upload-cutoff 5M --s3-chunk-size 5M "$WORK/rclone-src/multi.bin" \
  "t:integrity-small-$stamp/rclone/multi.bin" || fail "rclone copyto (multipart upload)"
uploaded+=("integrity-small-$stamp/rclone/multi.bin")
mkdir -p "$WORK/small/rclone" && cp "$WORK/rclone-src/multi.bin" "$WORK/small/rclone/multi.bin"
etag=$(timeout 30 "$S3TOOL" head "s3://integrity-small-$stamp/rclone/multi.bin") || fail "s3tool head"
[[ $etag == *-3* ]] || fail "rclone/multi.bin is not a 3-part upload: $etag"
upload "$WORK/mixed" "integrity-mixed-$stamp" --part-size 5M
etag=$(timeout 30 "$S3TOOL" head "s3://integrity-mixed-$stamp/multi/part.bin") || fail "s3tool head"
[[ $etag == *-3* ]] || fail "multi/part.bin is not a 3-part upload: $etag"
# Parts of 7 MiB, where the guess from its size and part count is 8 MiB.
timeout 120 "$S3TOOL" --part-size 7M put "$WORK/odd-src/odd.bin" "s3://integrity-mixed-$stamp/multi/odd.bin" >/dev/null \
  || fail "s3tool put multi/odd.bin"
uploaded+=("integrity-mixed-$stamp/multi/odd.bin")
cp "$WORK/odd-src/odd.bin" "$WORK/mixed/multi/odd.bin"
# The same by rclone, which stores the MD5 (x-amz-meta-md5chksum).
timeout 120 rclone copyto --s3-upload-cutoff 5M --s3-chunk-size 7M "$WORK/odd-src/odd.bin" \
  "t:integrity-mixed-$stamp/multi/odd-rclone.bin" || fail "rclone copyto (7 MiB parts)"
uploaded+=("integrity-mixed-$stamp/multi/odd-rclone.bin")
cp "$WORK/odd-src/odd.bin" "$WORK/mixed/multi/odd-rclone.bin"
nsmall=$(find "$WORK/small" -type f | wc -l)

corrupting=(--corrupt-get-every 3 --corrupt-get-matching /rclone/)
copy() {  # ENDPOINT SOURCE DEST REPORT [flags...]
  local endpoint=$1 source=$2 dest=$3 report=$4
  shift 4
  AWS_ENDPOINT_URL=$endpoint timeout 300 mpirun --oversubscribe -np 2 "$BIN" --stats 0 --transfers 4 \
    --report "$report" "$@" "$source" "$dest" >"$report.log" 2>&1
}
differing() {  # SOURCE_DIR DEST: how many files differ
  local count=0 key
  while IFS= read -r key; do cmp -s "$1/$key" "$2/$key" || count=$((count + 1)); done \
    < <(cd "$1" && find . -type f -printf '%P\n')
  echo "$count"
}

# (a) checks on: every corruption caught and fetched again.
start_fault_proxy "$WORK/a.proxy" "${corrupting[@]}"
copy "$PROXY" "s3://integrity-small-$stamp" "$WORK/a" "$WORK/a.json" \
  || { tail -20 "$WORK/a.json.log"; fail "(a) the copy failed"; }
stop_fault_proxy
corrupted=$(grep -c "^corrupted " "$WORK/a.proxy")
(( corrupted >= nsmall / 3 )) || fail "(a) the proxy corrupted only $corrupted of $nsmall objects"
grep -q "/rclone/multi.bin" "$WORK/a.proxy" || fail "(a) the proxy did not corrupt rclone/multi.bin"
diff -r "$WORK/small" "$WORK/a" >"$WORK/diff.out" 2>&1 || { head "$WORK/diff.out"; fail "(a) the tree differs"; }
[[ $(field "$WORK/a.json" 'd["objects_copied"]') == "$nsmall" ]] || fail "(a) report: objects_copied != $nsmall"
[[ $(field "$WORK/a.json" 'd["checks"]["verified_by_method"]') == "{'etag_md5': $((nsmall - 1)), 'md5chksum': 1}" ]] \
  || fail "(a) report: verified $(field "$WORK/a.json" 'd["checks"]["verified_by_method"]')"
[[ $(field "$WORK/a.json" 'd["checks"]["mismatches_fetched_again"]') == "$corrupted" ]] \
  || fail "(a) report: mismatches fetched again != $corrupted corrupted by the proxy"
[[ $(field "$WORK/a.json" 'd["retries_by_class"].get("checksum", 0)') == "$corrupted" ]] \
  || fail "(a) report: retries of class checksum != $corrupted"
grep -q "checks    verified $nsmall (etag_md5 $((nsmall - 1)), md5chksum 1)  unverified 0  mismatches $corrupted fetched again, 0 failed" \
  "$WORK/a.json.log" || { grep checks "$WORK/a.json.log"; fail "(a) the summary's checks line"; }
say "(a) $corrupted of $nsmall fetches corrupted in transit: all caught, fetched again, tree exact"

# (b) --ignore-checksum: the same corruption lands.
start_fault_proxy "$WORK/b.proxy" "${corrupting[@]}"
copy "$PROXY" "s3://integrity-small-$stamp" "$WORK/b" "$WORK/b.json" --ignore-checksum \
  || { tail -20 "$WORK/b.json.log"; fail "(b) the copy failed"; }
stop_fault_proxy
landed=$(differing "$WORK/small" "$WORK/b")
(( landed == $(grep -c "^corrupted " "$WORK/b.proxy") && landed > 0 )) \
  || fail "(b) $landed files differ, the proxy corrupted $(grep -c "^corrupted " "$WORK/b.proxy")"
[[ $(field "$WORK/b.json" 'd["checks"]["unverified_by_reason"]["disabled"]') == "$nsmall" ]] \
  || fail "(b) report: not all unverified (disabled)"
say "(b) --ignore-checksum: $landed corrupted files landed, as the proxy sent them"

# (c) multipart and chunked objects: exact, and counted unverified.
nmixed=$(find "$WORK/mixed" -type f | wc -l)
copy "$CAIOS_TEST_ENDPOINT" "s3://integrity-mixed-$stamp" "$WORK/c" "$WORK/c.json" --multi-thread-cutoff 2M \
  --chunk-size 1M || { tail -20 "$WORK/c.json.log"; fail "(c) the copy failed"; }
diff -r "$WORK/mixed" "$WORK/c" >"$WORK/diff.out" 2>&1 || { head "$WORK/diff.out"; fail "(c) the tree differs"; }
[[ $(field "$WORK/c.json" 'd["objects_copied"]') == "$nmixed" ]] || fail "(c) report: objects_copied != $nmixed"
[[ $(field "$WORK/c.json" 'd["checks"]["verified_by_method"]') == "{'etag_md5': $((nmixed - 3)), 'md5chksum': 1, 'etag_parts': 1}" ]] \
  || fail "(c) report: verified by $(field "$WORK/c.json" 'd["checks"]["verified_by_method"]')"
[[ $(field "$WORK/c.json" 'd["checks"]["unverified_by_reason"]') == "{'multipart': 1}" ]] \
  || fail "(c) report: unverified $(field "$WORK/c.json" 'd["checks"]["unverified_by_reason"]')"
say "(c) chunked objects landed exactly: the single-part one verified on read-back, the multipart one by its parts," \
  "those with parts of an unguessed size read back against rclone's MD5 or unverified"

# (d) chunked objects corrupted in transit: caught on read-back.
start_fault_proxy "$WORK/d.proxy" "${corrupting[@]}"
copy "$PROXY" "s3://integrity-small-$stamp" "$WORK/d" "$WORK/d.json" --multi-thread-cutoff 100K --chunk-size 64K \
  || { tail -20 "$WORK/d.json.log"; fail "(d) the copy failed"; }
stop_fault_proxy
objects_hit=$(awk '/^corrupted / {print $2}' "$WORK/d.proxy" | sort -u | wc -l)
chunks_hit=$(grep -c ' bytes ' "$WORK/d.proxy")
(( chunks_hit > 0 )) || fail "(d) the proxy corrupted no chunk"
diff -r "$WORK/small" "$WORK/d" >"$WORK/diff.out" 2>&1 || { head "$WORK/diff.out"; fail "(d) the tree differs"; }
[[ $(field "$WORK/d.json" 'd["checks"]["verified"]') == "$nsmall" ]] || fail "(d) report: not all verified"
[[ $(field "$WORK/d.json" 'd["checks"]["mismatches_fetched_again"]') == "$objects_hit" ]] \
  || fail "(d) report: mismatches fetched again != $objects_hit objects hit by the proxy"
say "(d) $chunks_hit chunks of $objects_hit objects corrupted in transit: caught on read-back, fetched again, tree exact"

# (e) --checksum finds files damaged in place, size and mtime kept.
damage() {  # FILE: flip one byte, keep size and mtime
  python3 - "$1" <<'PY'
import os, sys
path = sys.argv[1]
st = os.stat(path)
with open(path, "r+b") as f:
    f.seek(st.st_size // 2)
    byte = f.read(1)
    f.seek(st.st_size // 2)
    f.write(bytes([byte[0] ^ 0x40]))
os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
PY
}
# One file fetched whole, one chunked (over --multi-thread-cutoff 100K below).
whole=$(cd "$WORK/a" && find d* -type f -size -90k | sort | head -1)
chunked=$(cd "$WORK/a" && find d* -type f -size +150k | sort | head -1)
[[ -n $whole && -n $chunked ]] || fail "(e) no files of the sizes wanted"
damage "$WORK/a/$whole"
damage "$WORK/a/$chunked"
copy "$CAIOS_TEST_ENDPOINT" "s3://integrity-small-$stamp" "$WORK/a" "$WORK/e1.json" \
  || { tail -20 "$WORK/e1.json.log"; fail "(e) the plain rerun failed"; }
[[ $(field "$WORK/e1.json" 'd["objects_skipped"]') == "$nsmall" ]] || fail "(e) a plain rerun did not skip all"
copy "$CAIOS_TEST_ENDPOINT" "s3://integrity-small-$stamp" "$WORK/a" "$WORK/e2.json" --checksum \
  --multi-thread-cutoff 100K --chunk-size 64K || { tail -20 "$WORK/e2.json.log"; fail "(e) the --checksum run failed"; }
[[ $(field "$WORK/e2.json" 'd["objects_copied"]') == 2 ]] || fail "(e) --checksum copied $(field "$WORK/e2.json" 'd["objects_copied"]'), not the 2 damaged files"
[[ $(field "$WORK/e2.json" 'd["objects_skipped"]') == $((nsmall - 2)) ]] || fail "(e) --checksum did not skip the others"
diff -r "$WORK/small" "$WORK/a" >"$WORK/diff.out" 2>&1 || { head "$WORK/diff.out"; fail "(e) the tree differs"; }
say "(e) --checksum fetched exactly the 2 files damaged in place (a plain rerun skipped them), tree exact"
