#!/usr/bin/env bash
# Resume inside objects, against the real RGW: 8 objects of 256 MiB (2 GiB,
# single-part uploads, so their ETag is their MD5) copied by 2 ranks in
# chunks of 16 MiB, through scripts/fault-proxy (no faults) to count the
# bytes the server sent.
#   (a) SIGTERM part-way: status 4; the objects begun are kept as temporary
#       files with their state beside them, and no final name holds a partial
#       file. Before the rerun, one kept object is replaced in the bucket
#       (same size), one kept file has a range its state claims zeroed (bytes
#       that "never reached the file"), and one is cut to 0 bytes. The rerun
#       exits 0; the tree is exact (the replaced object's new bytes); the
#       replaced and the cut one are fetched from their first byte, the
#       zeroed one is caught by its read-back check and fetched again; no
#       temporary file or state is left; and both runs together fetched at
#       most 1.1x the data (plus the objects fetched again on purpose).
#   (b) SIGKILL part-way (no orderly stop): the rerun completes exactly and
#       fetches again at most the bytes that were in flight at the kill
#       (ranks x --transfers x --chunk-size).
#   (c) multipart uploads (rclone, 8 MiB parts), chunked on the part layout
#       guessed from their ETags and checked from their parts' MD5s: SIGTERM
#       keeps the begun ones, the rerun resumes them and reads them back
#       against rclone's MD5; every object verified, the tree exact.
#   tests/copy/resume_rgw_test.sh BUILD_DIR
set -uo pipefail
PROG=resume_rgw_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
use_test_rgw
export RCLONE_CONFIG=/dev/null RCLONE_CONFIG_T_TYPE=s3 RCLONE_CONFIG_T_PROVIDER=Ceph
export RCLONE_CONFIG_T_ENDPOINT=$CAIOS_TEST_ENDPOINT RCLONE_CONFIG_T_REGION=$CAIOS_TEST_REGION
export RCLONE_CONFIG_T_ACCESS_KEY_ID=$CAIOS_TEST_ACCESS_KEY RCLONE_CONFIG_T_SECRET_ACCESS_KEY=$CAIOS_TEST_SECRET_KEY

MIB=$((1 << 20))
OBJECTS=8
SIZE=$((256 * MIB))
DATA=$((OBJECTS * SIZE))
RANKS=2
TRANSFERS=4
CHUNK=$((16 * MIB))
WORK=$(mktemp -d /var/tmp/caios2dfs-resume.XXXXXX)
BUCKET=resume-$(date +%s)-$$
BUCKET_ALL=$BUCKET  # (c) points BUCKET at a prefix of it
mpirun_pid=""
cleanup() {
  local rc=$?
  [[ -n $mpirun_pid ]] && { kill -KILL "$mpirun_pid" 2>/dev/null; wait "$mpirun_pid" 2>/dev/null; }
  stop_fault_proxy
  timeout 120 rclone purge "t:$BUCKET_ALL" >/dev/null 2>&1 || true
  if (( rc == 0 )); then rm -rf -- "$WORK"; say PASSED; else say "FAILED; files kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK/src"
for ((i = 0; i < OBJECTS; i++)); do
  head -c "$SIZE" /dev/urandom >"$WORK/src/obj-$i.bin" || fail "could not create the source files"
done
# One PUT per object (below rclone's upload cutoff): ETag = MD5.
timeout 600 rclone copy --s3-upload-cutoff 1G --transfers 4 "$WORK/src" "t:$BUCKET" || fail "rclone copy (seeding)"

fetched() {  # PROXY_LOG: body bytes the server sent through the proxy
  stop_fault_proxy
  awk '/^requests / {print $NF}' "$1"
}
start_copy() {  # DEST REPORT [flags...]: in the background, through a proxy logging to REPORT.proxy
  local dest=$1 report=$2
  shift 2
  start_fault_proxy "$report.proxy"
  AWS_ENDPOINT_URL=$PROXY mpirun --oversubscribe -np $RANKS "$BIN" --stats 0 \
    --transfers $TRANSFERS --chunk-size $((CHUNK / MIB))M -v --report "$report" "$@" "s3://$BUCKET" "$dest" >"$report.log" 2>&1 &
  mpirun_pid=$!
}
# Waits until DEST holds about FRACTION of the data (blocks written), then signals the ranks.
signal_part_way() {  # DEST SIGNAL FRACTION_PERCENT
  local dest=$1 signal=$2 percent=$3 used=0
  for _ in $(seq 1200); do
    used=$(du -sB1 "$dest" 2>/dev/null | cut -f1)
    (( ${used:-0} * 100 >= DATA * percent )) && break
    sleep 0.05
  done
  (( ${used:-0} * 100 >= DATA * percent && used < DATA )) || fail "$signal: not part-way when signalled ($used bytes)"
  # shellcheck disable=SC2046  # one pid per word
  kill "-$signal" $(pgrep -P "$mpirun_pid" -f caios2dfs-mpi) || fail "no rank to signal"
  [[ $signal == KILL ]] && kill -KILL "$mpirun_pid"
}
temp_of() {  # KEY SUFFIX: the temporary file (.part) or state (.state) of KEY
  python3 -c '
import sys
h = 14695981039346656037
for b in sys.argv[1].encode():
    h = ((h ^ b) * 1099511628211) % 2**64
print(f".caios2dfs-{h:016x}{sys.argv[2]}")' "$1" "$2"
}
exact() {  # DEST WHAT
  diff -r "$WORK/src" "$1" >"$WORK/diff.out" 2>&1 || { head "$WORK/diff.out"; fail "$2: the tree differs"; }
}
mib() { echo $(( $1 / MIB )); }

# (a) SIGTERM, then a rerun that resumes.
start_copy "$WORK/a" "$WORK/a1.json"
signal_part_way "$WORK/a" TERM 40
wait_copy 300
status=$?
first=$(fetched "$WORK/a1.json.proxy")
(( status == 4 )) || { tail -20 "$WORK/a1.json.log"; fail "(a) SIGTERM: status $status, not 4"; }
mapfile -t kept < <(sed -n 's/^kept for a rerun: \(.*\) ([0-9]* of [0-9]* bytes)$/\1/p' "$WORK/a1.json.log")
(( ${#kept[@]} >= 3 )) || fail "(a) only ${#kept[@]} partial files kept; the checks below need 3"
[[ $(field "$WORK/a1.json" 'd["partial_files_kept"]') == "${#kept[@]}" ]] || fail "(a) report: partial_files_kept"
kept_bytes=$(field "$WORK/a1.json" 'd["partial_bytes_kept"]')
for key in "${kept[@]}"; do
  [[ -f $WORK/a/$(temp_of "$key" .part) && -f $WORK/a/$(temp_of "$key" .state) ]] \
    || fail "(a) $key: its temporary file or state is missing"
  [[ ! -e $WORK/a/$key ]] || fail "(a) $key: a partial file under its final name"
done
say "(a) SIGTERM at 40%: fetched $(mib "$first") MiB; ${#kept[@]} partial files kept with $(mib "$kept_bytes") MiB"

# Before the rerun: one object replaced, one file's claimed bytes zeroed, one cut.
changed=${kept[0]} zeroed=${kept[1]} cut=${kept[2]}
head -c "$SIZE" /dev/urandom >"$WORK/src/$changed"
timeout 120 rclone copyto --s3-upload-cutoff 1G "$WORK/src/$changed" "t:$BUCKET/$changed" || fail "rclone copyto"
read -r _ offset length < <(sed -n 2p "$WORK/a/$(temp_of "$zeroed" .state)")
[[ -n ${length:-} ]] || fail "(a) the state of $zeroed records no range"
python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_WRONLY); os.pwrite(fd, bytes(min(int(sys.argv[3]), 1 << 20)), int(sys.argv[2]))' \
  "$WORK/a/$(temp_of "$zeroed" .part)" "$offset" "$length"
: >"$WORK/a/$(temp_of "$cut" .part)"

start_copy "$WORK/a" "$WORK/a2.json"
wait_copy 300
status=$?
second=$(fetched "$WORK/a2.json.proxy")
(( status == 0 )) || { tail -20 "$WORK/a2.json.log"; fail "(a) rerun: status $status"; }
exact "$WORK/a" "(a) rerun"
[[ -z $(find "$WORK/a" -name '.caios2dfs*' -print -quit) ]] || fail "(a) temporary files or states left: $(find "$WORK/a" -name '.caios2dfs*')"
grep -q "NOTICE: $changed: fetched from its first byte: it changed since the interrupted run" "$WORK/a2.json.log" \
  || fail "(a) the replaced object was not started over"
grep -q "NOTICE: $cut: fetched from its first byte: its temporary file is missing or not the object's size" \
  "$WORK/a2.json.log" || fail "(a) the cut file was not started over"
[[ $(field "$WORK/a2.json" 'd["checks"]["mismatches_fetched_again"]') == 1 ]] \
  || fail "(a) the zeroed range was not caught by the read-back ($(field "$WORK/a2.json" 'd["checks"]'))"
resumed=$(field "$WORK/a2.json" 'd["objects_resumed"]')
(( resumed == ${#kept[@]} - 2 )) || fail "(a) $resumed objects resumed, expected ${#kept[@]} - 2"
# What was fetched again on purpose: the replaced and the cut objects' kept
# bytes, and the zeroed object whole (its check fails after the resume).
again=$(python3 -c '
import re, sys
kept = {m[0]: int(m[1]) for m in re.findall(r"^kept for a rerun: (.*) \((\d+) of \d+ bytes\)$", open(sys.argv[1]).read(), re.M)}
print(kept[sys.argv[2]] + kept[sys.argv[3]] + int(sys.argv[4]))' "$WORK/a1.json.log" "$changed" "$cut" "$SIZE")
(( (first + second - again) * 10 <= DATA * 11 )) \
  || fail "(a) fetched $(mib "$first") + $(mib "$second") MiB (less $(mib "$again") on purpose) for $(mib "$DATA") MiB: over 1.1x"
say "(a) rerun: $resumed objects resumed, 1 replaced and 1 cut started over, 1 zeroed caught by its check; fetched" \
  "$(mib "$first") + $(mib "$second") MiB = $(python3 -c "print(f'{($first + $second) / $DATA:.3f}')")x the data" \
  "($(python3 -c "print(f'{($first + $second - $again) / $DATA:.3f}')")x without the $(mib "$again") MiB fetched again on purpose)"

# (b) SIGKILL: nothing orderly; the state has what rank 0 had recorded.
start_copy "$WORK/b" "$WORK/b1.json"
signal_part_way "$WORK/b" KILL 40
wait_copy 300
first=$(fetched "$WORK/b1.json.proxy")
[[ -z $(find "$WORK/b" -maxdepth 1 -name 'obj-*' -size -"$SIZE"c -print -quit) ]] \
  || fail "(b) a partial file under a final name after SIGKILL"
start_copy "$WORK/b" "$WORK/b2.json"
wait_copy 300
status=$?
second=$(fetched "$WORK/b2.json.proxy")
(( status == 0 )) || { tail -20 "$WORK/b2.json.log"; fail "(b) rerun after SIGKILL: status $status"; }
exact "$WORK/b" "(b) rerun"
[[ -z $(find "$WORK/b" -name '.caios2dfs*' -print -quit) ]] || fail "(b) temporary files or states left"
in_flight=$((RANKS * TRANSFERS * CHUNK))
(( first + second <= DATA + in_flight )) \
  || fail "(b) fetched $(mib "$first") + $(mib "$second") MiB: more than $(mib "$DATA") + $(mib "$in_flight") in flight"
say "(b) SIGKILL at 40%: fetched $(mib "$first") + $(mib "$second") MiB for $(mib "$DATA") MiB:" \
  "$(mib $((first + second - DATA))) MiB twice (bound: $(mib "$in_flight") MiB in flight);" \
  "$(field "$WORK/b2.json" 'd["objects_resumed"]') objects resumed"

# (c) Multipart uploads whose part layout this RGW does not say, chunked on a
# layout guessed from the ETag and checked from their parts' MD5s: they are
# kept and resumed as well (those begun are then read back against rclone's
# MD5, the digests of the parts written before the stop being gone).
MULTI=4
MSIZE=$((128 * MIB))
mkdir -p "$WORK/msrc/multi"
for ((i = 0; i < MULTI; i++)); do
  head -c "$MSIZE" /dev/urandom >"$WORK/msrc/multi/m-$i.bin" || fail "could not create the multipart sources"
done
timeout 600 rclone copy --s3-upload-cutoff 8M --s3-chunk-size 8M --transfers 4 "$WORK/msrc" "t:$BUCKET" \
  || fail "rclone copy (multipart seeding)"
BUCKET=$BUCKET_ALL/multi DATA=$((MULTI * MSIZE))
start_copy "$WORK/c" "$WORK/c1.json"
signal_part_way "$WORK/c" TERM 40
wait_copy 300
status=$?
stop_fault_proxy
(( status == 4 )) || { tail -20 "$WORK/c1.json.log"; fail "(c) SIGTERM: status $status, not 4"; }
kept=$(field "$WORK/c1.json" 'd["partial_files_kept"]')
(( kept >= 1 )) || fail "(c) no partial multipart file kept for a rerun"
start_copy "$WORK/c" "$WORK/c2.json"
wait_copy 300
status=$?
stop_fault_proxy
BUCKET=$BUCKET_ALL
(( status == 0 )) || { tail -20 "$WORK/c2.json.log"; fail "(c) rerun: status $status"; }
diff -r "$WORK/msrc/multi" "$WORK/c" >"$WORK/diff.out" 2>&1 || { head "$WORK/diff.out"; fail "(c) the tree differs"; }
[[ -z $(find "$WORK/c" -name '.caios2dfs*' -print -quit) ]] || fail "(c) temporary files or states left"
resumed=$(field "$WORK/c2.json" 'd["objects_resumed"]')
(( resumed == kept )) || fail "(c) rerun resumed $resumed objects, $kept were kept"
by_parts=$(field "$WORK/c1.json" 'd["checks"]["verified_by_method"].get("etag_parts", 0)')
by_parts2=$(field "$WORK/c2.json" 'd["checks"]["verified_by_method"].get("etag_parts", 0)')
read_back=$(field "$WORK/c2.json" 'd["checks"]["verified_by_method"].get("md5chksum", 0)')
(( read_back == resumed )) || fail "(c) $read_back resumed objects read back, want $resumed"
(( by_parts + by_parts2 + read_back == MULTI )) \
  || fail "(c) verified by parts $by_parts + $by_parts2, read back $read_back: not all $MULTI"
[[ $(field "$WORK/c2.json" 'd["checks"]["unverified"]') == 0 ]] || fail "(c) rerun: unverified objects"
say "(c) multipart, guessed layout: SIGTERM kept $kept, the rerun resumed them (read back against rclone's MD5);" \
  "$((by_parts + by_parts2)) objects verified by their parts"
