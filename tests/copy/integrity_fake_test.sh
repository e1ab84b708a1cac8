#!/usr/bin/env bash
# Integrity on the S3 paths the test RGW (Ceph 16.2) lacks, against
# scripts/fake-s3: additional checksums (x-amz-checksum-mode) and the part
# layout of multipart uploads (HEAD ?partNumber=1, x-amz-mp-parts-count).
#   (a) 2 ranks copy objects fetched whole and objects chunked across ranks:
#       whole ones are verified by their full-object CRC64NVME or SHA-256 as
#       they stream, or by the ETag's MD5; chunked ones from their chunks'
#       digests, with no read-back: a full-object CRC32C or CRC64NVME (chunks
#       split anywhere, CRCs combined), COMPOSITE CRC32 and SHA-256 checksums
#       and a multipart ETag (chunks cut on part boundaries, each part
#       hashed); multipart uploads below the cutoff are fetched in chunks cut
#       on their parts too, to be checked the same way; a single-part chunked
#       object is read back against its ETag. The tree is the bucket's, byte
#       for byte, and the report counts each.
#   (b) the same through scripts/fault-proxy, which flips a byte in the first
#       GET of every object or chunk: each is caught by its own method,
#       fetched again, and the tree is exact.
#   (c) the same corruption with --ignore-checksum lands (the checks caught it).
#   (d) a store whose bytes are not what it says (one byte flipped at rest):
#       each such object, whole, chunked by a full-object CRC, by a composite
#       checksum or by a multipart ETag, is fetched 3 times in all and then
#       fails with class checksum, with no file under its name and no
#       temporary file left; the good object beside them lands.
#   tests/copy/integrity_fake_test.sh BUILD_DIR
set -uo pipefail
PROG=integrity_fake_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(CAIOS2DFS_|RCLONE_|AWS_)' || true)
export AWS_ACCESS_KEY_ID=fake AWS_SECRET_ACCESS_KEY=fake AWS_REGION=us-east-1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

WORK=$(mktemp -d /var/tmp/caios2dfs-integrity-fake.XXXXXX)
pids=()
cleanup() {
  local rc=$? pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  if (( rc == 0 )); then rm -rf -- "$WORK"; say PASSED; else say "FAILED; files kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

K=1024
M=$((1024 * 1024))
cat >"$WORK/spec.json" <<EOF
{"bucket": "fake", "objects": [
  {"key": "whole/crc64.bin", "size": $((300 * K + 1)), "seed": 1, "checksum": "crc64nvme"},
  {"key": "whole/sha256.bin", "size": $((200 * K + 2)), "seed": 2, "checksum": "sha256"},
  {"key": "whole/etag.bin", "size": $((100 * K + 3)), "seed": 3},
  {"key": "whole/empty", "size": 0, "seed": 4, "checksum": "crc32c"},
  {"key": "whole/composite.bin", "size": $((600 * K)), "seed": 5, "part_size": $((256 * K)),
   "checksum": "crc32c", "checksum_type": "COMPOSITE"},
  {"key": "whole/parts-md5.bin", "size": $((900 * K)), "seed": 12, "part_size": $((300 * K))},
  {"key": "big/full-crc32c.bin", "size": $((3 * M + 5)), "seed": 6, "checksum": "crc32c"},
  {"key": "big/full-crc64-multipart.bin", "size": $((3 * M + 7)), "seed": 7, "part_size": $M,
   "checksum": "crc64nvme"},
  {"key": "big/composite-crc32.bin", "size": $((3 * M + 11)), "seed": 8, "part_size": $M,
   "checksum": "crc32", "checksum_type": "COMPOSITE"},
  {"key": "big/composite-sha256.bin", "size": $((2 * M + 3)), "seed": 9, "part_size": $((512 * K)),
   "checksum": "sha256", "checksum_type": "COMPOSITE"},
  {"key": "big/etag-parts.bin", "size": $((3 * M + 13)), "seed": 10, "part_size": $((768 * K))},
  {"key": "big/single.bin", "size": $((2 * M + 1)), "seed": 11}
]}
EOF
nobjects=12

start() {  # NAME COMMAND...: run in the background, wait for WORK/NAME.port
  local name=$1
  shift
  rm -f "$WORK/$name.port"
  "$@" --port-file "$WORK/$name.port" &
  pids+=($!)
  for _ in $(seq 300); do [[ -s $WORK/$name.port ]] && return 0; sleep 0.1; done
  fail "$name did not start"
}
start fake python3 "$REPO/scripts/fake-s3" --spec "$WORK/spec.json" --write-objects "$WORK/objects" \
  --log "$WORK/fake.log"
FAKE=http://127.0.0.1:$(cat "$WORK/fake.port")
checked='/fake/(big|whole)/'
start proxy python3 "$REPO/scripts/fault-proxy" --upstream "127.0.0.1:$(cat "$WORK/fake.port")" \
  --corrupt-get-matching "$checked" --log "$WORK/proxy.log"
PROXY=http://127.0.0.1:$(cat "$WORK/proxy.port")

copy() {  # ENDPOINT DEST REPORT [flags...]
  local endpoint=$1 dest=$2 report=$3
  shift 3
  AWS_ENDPOINT_URL=$endpoint timeout 300 mpirun --oversubscribe -np 2 "$BIN" --stats 0 --transfers 4 \
    --multi-thread-cutoff 1M --chunk-size 700K --report "$report" "$@" s3://fake "$dest" >"$report.log" 2>&1
}
expect_counts() {  # LABEL REPORT: the verified and unverified counts of (a) and (b)
  local got
  got=$(field "$2" 'd["checks"]["verified_by_method"]')
  [[ $got == "{'etag_md5': 2, 'etag_parts': 2, 'checksum': 5, 'composite': 3}" ]] \
    || fail "($1) report: verified by $got"
  [[ $(field "$2" 'd["checks"]["unverified"]') == 0 ]] || fail "($1) report: unverified objects"
  [[ $(field "$2" 'd["objects_copied"]') == "$nobjects" ]] || fail "($1) report: objects_copied"
  diff -r "$WORK/objects/fake" "$WORK/$1" >"$WORK/diff.out" 2>&1 || { head "$WORK/diff.out"; fail "($1) the tree differs"; }
}

# (a) every method, no corruption.
copy "$FAKE" "$WORK/a" "$WORK/a.json" || { tail -20 "$WORK/a.json.log"; fail "(a) the copy failed"; }
expect_counts a "$WORK/a.json"
[[ $(field "$WORK/a.json" 'd["checks"]["mismatches_fetched_again"]') == 0 ]] || fail "(a) mismatches reported"
grep -q "HEAD /fake/big/etag-parts.bin?partNumber=1 " "$WORK/fake.log" || fail "(a) no HEAD ?partNumber=1 of etag-parts.bin"
grep -q "GET /fake/whole/parts-md5.bin range=bytes=0-614399 " "$WORK/fake.log" \
  || fail "(a) whole/parts-md5.bin was not fetched in chunks of two parts"
say "(a) $nobjects objects verified by full-object, composite and ETag checks, whole and chunked; tree exact"

# (b) corrupted in transit: caught by each method, fetched again.
copy "$PROXY" "$WORK/b" "$WORK/b.json" || { tail -20 "$WORK/b.json.log"; fail "(b) the copy failed"; }
expect_counts b "$WORK/b.json"
objects_hit=$(awk '/^corrupted / {print $2}' "$WORK/proxy.log" | sort -u | wc -l)
(( objects_hit == nobjects - 1 )) || fail "(b) the proxy damaged $objects_hit objects, not all $((nobjects - 1)) non-empty ones"
[[ $(field "$WORK/b.json" 'd["checks"]["mismatches_fetched_again"]') == "$objects_hit" ]] \
  || fail "(b) report: mismatches fetched again != $objects_hit objects damaged by the proxy"
for method in crc64nvme sha256 crc32c crc32 "multipart ETag" MD5; do
  grep -q "have $method " "$WORK/b.json.log" || fail "(b) no mismatch caught by $method"
done
say "(b) $objects_hit objects damaged in transit: each caught, fetched again, tree exact"

# (c) --ignore-checksum: the damage lands.
: >"$WORK/proxy.log"
kill "${pids[1]}" 2>/dev/null; wait "${pids[1]}" 2>/dev/null
start proxy python3 "$REPO/scripts/fault-proxy" --upstream "127.0.0.1:$(cat "$WORK/fake.port")" \
  --corrupt-get-matching "$checked" --log "$WORK/proxy.log"
copy "http://127.0.0.1:$(cat "$WORK/proxy.port")" "$WORK/c" "$WORK/c.json" --ignore-checksum \
  || { tail -20 "$WORK/c.json.log"; fail "(c) the copy failed"; }
landed=0
while IFS= read -r key; do cmp -s "$WORK/objects/fake/$key" "$WORK/c/$key" || landed=$((landed + 1)); done \
  < <(cd "$WORK/objects/fake" && find . -type f -printf '%P\n')
hit=$(awk '/^corrupted / {print $2}' "$WORK/proxy.log" | sort -u | wc -l)
(( landed == hit && landed > 0 )) || fail "(c) $landed files differ, the proxy damaged $hit objects"
say "(c) --ignore-checksum: $landed damaged files landed"

# (d) bytes rotten at rest: fetched 3 times, then failed; nothing left.
cat >"$WORK/rot.json" <<EOF
{"bucket": "rot", "objects": [
  {"key": "good.bin", "size": $((100 * K)), "seed": 20, "checksum": "crc64nvme"},
  {"key": "whole-crc.bin", "size": $((100 * K)), "seed": 21, "checksum": "crc32c", "rot": true},
  {"key": "chunked-crc.bin", "size": $((2 * M)), "seed": 22, "checksum": "crc64nvme", "rot": true},
  {"key": "chunked-composite.bin", "size": $((2 * M)), "seed": 23, "part_size": $((512 * K)),
   "checksum": "sha256", "checksum_type": "COMPOSITE", "rot": true},
  {"key": "chunked-etag.bin", "size": $((2 * M)), "seed": 24, "part_size": $((512 * K)), "rot": true}
]}
EOF
start rot python3 "$REPO/scripts/fake-s3" --spec "$WORK/rot.json" --log "$WORK/rot.log"
AWS_ENDPOINT_URL=http://127.0.0.1:$(cat "$WORK/rot.port") timeout 300 mpirun --oversubscribe -np 2 "$BIN" \
  --stats 0 --transfers 4 --multi-thread-cutoff 1M --chunk-size 700K --report "$WORK/d.json" s3://rot "$WORK/d" \
  >"$WORK/d.json.log" 2>&1
status=$?
(( status == 1 )) || { tail -20 "$WORK/d.json.log"; fail "(d) exit status $status, not 1"; }
[[ $(field "$WORK/d.json" 'd["objects_failed"]') == 4 ]] || fail "(d) report: objects_failed != 4"
[[ $(field "$WORK/d.json" 'd["errors"]') == "{'checksum': 4}" ]] || fail "(d) report: errors $(field "$WORK/d.json" 'd["errors"]')"
[[ $(field "$WORK/d.json" 'd["checks"]["mismatches_failed"]') == 4 ]] || fail "(d) report: mismatches_failed != 4"
[[ $(field "$WORK/d.json" 'd["checks"]["mismatches_fetched_again"]') == 8 ]] \
  || fail "(d) report: mismatches fetched again != 8 (2 more fetches of each)"
for key in whole-crc.bin chunked-crc.bin chunked-composite.bin chunked-etag.bin; do
  fetches=$(grep -c "^GET /rot/$key range=\(-\|bytes=0-\)" "$WORK/rot.log")
  (( fetches == 3 )) || fail "(d) $key fetched from its first byte $fetches times, not 3"
done
left=$(cd "$WORK/d" && find . -type f | sort | tr '\n' ' ')
[[ $left == "./good.bin " ]] || fail "(d) DEST holds: $left"
say "(d) 4 objects rotten at rest: each fetched 3 times, failed with class checksum, nothing left"
