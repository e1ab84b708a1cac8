#!/usr/bin/env bash
# Faults in transit, against the real RGW through scripts/fault-proxy:
#   (a) 4 ranks copy 300 small objects in 6 directories and 5 objects chunked
#       across ranks, listed 10 keys a page, with 15% of the GETs and HEADs
#       (listing pages included) faulted: 503 SlowDown with Retry-After, 500,
#       connection resets, bodies cut before their first byte or part-way,
#       bodies stalled past --timeout, listing pages whose XML is cut in
#       half. The job exits 0; the tree is byte for byte the bucket's, with
#       no temporary file left; the report counts every object, and its
#       retries by class match what the proxy did: throttled = SlowDowns,
#       server = 500s (and 503s to HEADs, which have no body to say
#       SlowDown), timeout >= stalls, protocol = cut listings, network
#       between cut + short and cut + short + resets (curl itself retries a
#       reset on a reused connection before we see it); retries on more than
#       one rank;
#   (b) only listing pages faulted (cut XML, 30%), 7 keys a page, 2 ranks:
#       every page that did not parse was listed again (retries of class
#       protocol = the proxy's count) and the tree is exact;
#   (c) every object GET answered 500 and --retries 2: the job fails with
#       status 1 after 3 tries per object, lists every object as failed,
#       leaves no file and no temporary in DEST, and says why.
#   tests/copy/faults_rgw_test.sh BUILD_DIR
set -uo pipefail
PROG=faults_rgw_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
use_test_rgw
export RCLONE_CONFIG=/dev/null RCLONE_CONFIG_T_TYPE=s3 RCLONE_CONFIG_T_PROVIDER=Ceph
export RCLONE_CONFIG_T_ENDPOINT=$CAIOS_TEST_ENDPOINT RCLONE_CONFIG_T_REGION=$CAIOS_TEST_REGION
export RCLONE_CONFIG_T_ACCESS_KEY_ID=$CAIOS_TEST_ACCESS_KEY RCLONE_CONFIG_T_SECRET_ACCESS_KEY=$CAIOS_TEST_SECRET_KEY

WORK=$(mktemp -d /var/tmp/caios2dfs-faults.XXXXXX)
BUCKET=faults-$(date +%s)-$$
cleanup() {
  local rc=$?
  stop_fault_proxy
  timeout 120 rclone purge "t:$BUCKET" >/dev/null 2>&1 || true
  if (( rc == 0 )); then rm -rf -- "$WORK"; say PASSED; else say "FAILED; files kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 - "$WORK/src" <<'PY' || fail "could not create the source files"
import os, random, sys
root = sys.argv[1]
rng = random.Random(13)
def put(path, size):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    open(full, "wb").write(rng.randbytes(size))
for i in range(300):
    put(f"d{i % 6}/obj-{i:03}", 0 if i % 50 == 0 else rng.randint(1, 100 * 1024))
for i in range(5):
    put(f"big/chunked-{i}.bin", rng.randint(1 * 2**20, 3 * 2**20))
PY
timeout 300 rclone copy --transfers 16 "$WORK/src" "t:$BUCKET" || fail "rclone copy (seeding the bucket)"
nfiles=$(find "$WORK/src" -type f | wc -l)

copy() {  # RANKS DEST REPORT [flags...]: through the proxy
  local ranks=$1 dest=$2 report=$3
  shift 3
  AWS_ENDPOINT_URL=$PROXY timeout 300 mpirun --oversubscribe -np "$ranks" "$BIN" --stats 0 --transfers 4 \
    --multi-thread-cutoff 1M --chunk-size 256K --report "$report" "$@" "s3://$BUCKET" "$dest" >"$report.log" 2>&1
}
faults() {  # LOG KIND: how many faults of KIND the proxy injected
  grep -c "^fault $2 " "$1"
}
retries() {  # REPORT CLASS
  field "$1" "d['retries_by_class'].get('$2', 0)"
}
exact_tree() {  # DEST WHAT
  diff -r "$WORK/src" "$1" >"$WORK/diff.out" 2>&1 || { head "$WORK/diff.out"; fail "$2: the tree differs"; }
  [[ -z $(find "$1" -name '.caios2dfs*' -print -quit) ]] || fail "$2: temporary files left in $1"
}

# (a) 15% of all reads faulted, every kind.
start_fault_proxy "$WORK/a.proxy" --fault-rate 0.15 --stall-seconds 4 --seed 7
copy 4 "$WORK/a" "$WORK/a.json" --s3-list-chunk 10 --timeout 2s \
  || { tail -20 "$WORK/a.json.log"; fail "(a) the copy failed"; }
stop_fault_proxy
exact_tree "$WORK/a" "(a)"
[[ $(field "$WORK/a.json" 'd["objects_copied"]') == "$nfiles" ]] || fail "(a) report: objects_copied != $nfiles"
read -r _ requests _ eligible _ faulted _ _ < <(grep '^requests ' "$WORK/a.proxy")
python3 -c "import sys; r = $faulted / $eligible; sys.exit(0 if 0.10 <= r <= 0.20 else 1)" \
  || fail "(a) the proxy faulted $faulted of $eligible reads, not about 15%"
for kind in slowdown internal reset cut short stall; do
  (( $(faults "$WORK/a.proxy" $kind) >= 1 )) || fail "(a) the proxy injected no $kind fault"
done
(( $(grep -c '^fault .* GET /[^/?]*?' "$WORK/a.proxy") >= 1 )) || fail "(a) no listing page was faulted"
# A 503 to a HEAD has no body to say SlowDown: it counts as a server error.
slowdowns=$(grep -c '^fault slowdown GET ' "$WORK/a.proxy")
head_503s=$(grep -c '^fault slowdown HEAD ' "$WORK/a.proxy")
[[ $(retries "$WORK/a.json" throttled) == "$slowdowns" ]] \
  || fail "(a) retries throttled $(retries "$WORK/a.json" throttled) != $slowdowns SlowDowns"
[[ $(retries "$WORK/a.json" server) == $(( $(faults "$WORK/a.proxy" internal) + head_503s )) ]] \
  || fail "(a) retries server $(retries "$WORK/a.json" server) != $(faults "$WORK/a.proxy" internal) 500s + $head_503s 503s to HEADs"
[[ $(retries "$WORK/a.json" protocol) == $(faults "$WORK/a.proxy" xml) ]] \
  || fail "(a) retries protocol $(retries "$WORK/a.json" protocol) != $(faults "$WORK/a.proxy" xml) cut listings"
(( $(retries "$WORK/a.json" timeout) >= $(faults "$WORK/a.proxy" stall) )) \
  || fail "(a) retries timeout $(retries "$WORK/a.json" timeout) < $(faults "$WORK/a.proxy" stall) stalls"
broken=$(( $(faults "$WORK/a.proxy" cut) + $(faults "$WORK/a.proxy" short) ))
network=$(retries "$WORK/a.json" network)
(( network >= broken && network <= broken + $(faults "$WORK/a.proxy" reset) )) \
  || fail "(a) retries network $network, not between $broken and $broken + resets"
[[ $(retries "$WORK/a.json" checksum) == 0 ]] || fail "(a) a fault reached the bytes: checksum retries"
ranks_retrying=$(field "$WORK/a.json" 'sum(1 for r in d["per_rank"] if r["retries"] > 0)')
(( ranks_retrying >= 2 )) || fail "(a) retries on $ranks_retrying rank(s) only"
say "(a) $faulted of $eligible reads faulted ($(grep -o '^fault [a-z]*' "$WORK/a.proxy" | sort | uniq -c \
  | awk '{printf "%s %s, ", $3, $1}')retried on $ranks_retrying ranks): $nfiles files exact"

# (b) Listing pages cut in half: each listed again.
start_fault_proxy "$WORK/b.proxy" --fault-rate 0.3 --faults xml --seed 3
copy 2 "$WORK/b" "$WORK/b.json" --s3-list-chunk 7 || { tail -20 "$WORK/b.json.log"; fail "(b) the copy failed"; }
stop_fault_proxy
exact_tree "$WORK/b" "(b)"
cut=$(faults "$WORK/b.proxy" xml)
(( cut >= 5 )) || fail "(b) only $cut listing pages were cut"
[[ $(retries "$WORK/b.json" protocol) == "$cut" ]] || fail "(b) retries protocol $(retries "$WORK/b.json" protocol) != $cut"
say "(b) $cut listing pages cut in half, each listed again: tree exact"

# (c) Every object GET fails: the job gives up on each after --retries.
start_fault_proxy "$WORK/c.proxy" --fault-rate 1 --faults internal --seed 1 --only objects
copy 2 "$WORK/c" "$WORK/c.json" --retries 2 --failed-list "$WORK/c.failed"
status=$?
stop_fault_proxy
(( status == 1 )) || { tail -5 "$WORK/c.json.log"; fail "(c) exit status $status, expected 1"; }
[[ $(field "$WORK/c.json" 'd["objects_failed"]') == "$nfiles" ]] || fail "(c) report: objects_failed != $nfiles"
[[ $(wc -l <"$WORK/c.failed") == "$nfiles" ]] || fail "(c) the failed list does not hold every object"
[[ -z $(find "$WORK/c" -type f -print -quit 2>/dev/null) ]] || fail "(c) files were left in DEST"
gets=$(grep -c '^fault internal GET' "$WORK/c.proxy")
server=$(retries "$WORK/c.json" server)
# Each object's first request to fail is tried 3 times (each but the last a
# retry); the other chunks of a chunked object may stop sooner.
(( gets >= 3 * nfiles && server >= 2 * nfiles && server < gets )) \
  || fail "(c) $gets GETs faulted and $server retries for $nfiles objects at 3 tries each"
grep -q "gave up after 2 retries" "$WORK/c.json.log" || fail "(c) the errors do not say the retries were spent"
say "(c) every GET answered 500: $nfiles objects failed after 3 tries each ($gets GETs), DEST empty"
