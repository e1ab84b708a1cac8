#!/usr/bin/env bash
# caios2dfs-mpi under a real SLURM: a throw-away single-node cluster
# (scripts/slurm-cluster), the real RGW, real files.
#
#   tests/slurm_test.sh BUILD_DIR
#
# BUILD_DIR holds src/caios2dfs-mpi, src/s3tool and rgw/env (the test S3
# server, started by the harness with scripts/rgw-server start --dir BUILD_DIR/rgw).
# Checks:
#   (a) srun --mpi=pmix -n 4 -O caios2dfs-mpi s3://B DEST1 copies a bucket of
#       mixed objects (empty, small, multi-MB in 256K chunks, nested, a space
#       in a key) byte for byte, nothing extra;
#   (b) examples/transfer.slurm, unmodified, configured by environment
#       variables only (an rclone remote from examples/rclone.conf.template),
#       under sbatch --wait: job COMPLETED with exit 0, output with the
#       summary, JSON report with objects_copied = number of files, tree
#       identical; and without CAIOS2DFS_SOURCE it fails at once, saying why.
# Exit 0 passed, 1 failed, 77 skipped (not root, or SLURM cannot start here).
# Takes ~10-20 s; every wait is bounded.
set -uo pipefail

PROG=slurm_test
(( $# == 1 )) || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
BUILD_DIR=$(cd "$1" 2>/dev/null && pwd) || { echo "$PROG: no such directory: $1" >&2; exit 2; }
REPO=$(cd "$(dirname "$0")/.." && pwd)
BIN=$BUILD_DIR/src/caios2dfs-mpi
S3TOOL=$BUILD_DIR/src/s3tool
RGW_ENV=$BUILD_DIR/rgw/env
WORK=$BUILD_DIR/slurm
CLUSTER_DIR=$WORK/cluster
SRUN_TIMEOUT=120      # seconds for the srun copy
SBATCH_TIMEOUT=300    # seconds for sbatch --wait

say() { echo "$PROG: $*"; }
skip() { say "SKIP: $*"; exit 77; }
fail() { say "FAIL: $*"; exit 1; }
check() { say "check: $*"; }
ok() { say "  ok: $*"; }

(( EUID == 0 )) || skip "needs root (the single-node SLURM cluster runs slurmd as root)"
[[ -x $BIN ]] || fail "$BIN not built"
[[ -x $S3TOOL ]] || fail "$S3TOOL not built"
[[ -r $RGW_ENV ]] || fail "$RGW_ENV missing: the S3 test server is not running (scripts/rgw-server start --dir $BUILD_DIR/rgw)"
for t in python3 diff timeout; do command -v "$t" >/dev/null || fail "'$t' not found"; done

# An outer SLURM job or MPI launcher (CI running under one) must not leak into
# ours: srun would join the outer job, ranks would find the outer PMIx server.
# Nor may the caller's caios2dfs or rclone settings (RCLONE_CONFIG_CAIOS_*
# would override the test's remote).
while IFS= read -r name; do unset "$name"; done < <(compgen -e |
  grep -E '^(SLURM_|SBATCH_|SRUN_|SALLOC_|SQUEUE_|SINFO_|PMIX_|PMI_|OMPI_|CAIOS2DFS_|RCLONE_)' || true)

# munge and PMIx put UNIX sockets below the cluster dir (108-byte limit), and
# munged wants every directory above its socket searchable by all (a build
# dir under /root is not): fall back to /tmp then.
searchable_by_all() {
  local d=$1 perms
  while [[ -n $d ]]; do
    perms=$(stat -c %A "$d" 2>/dev/null) || return 1
    [[ ${perms:9:1} == [xt] ]] || return 1
    d=${d%/*}
  done
}
mkdir -p "$WORK"
if (( ${#CLUSTER_DIR} > 60 )) || ! searchable_by_all "$WORK"; then
  CLUSTER_DIR=$(mktemp -d /tmp/caios2dfs-slurm-test.XXXXXX) && rmdir "$CLUSTER_DIR"
fi

bucket=slurm-test-$(date +%s)-$$
uploaded_keys=()
cluster_started=0
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  local rc=$?
  if (( cluster_started )); then
    # The daemons' logs go with the cluster dir: keep a copy when failing.
    (( rc == 0 )) || cp -r "$CLUSTER_DIR/log" "$WORK/cluster-log" 2>/dev/null || true
    "$REPO/scripts/slurm-cluster" stop --dir "$CLUSTER_DIR" >/dev/null 2>&1 \
      || say "warning: scripts/slurm-cluster stop --dir $CLUSTER_DIR failed"
  fi
  # Free the RGW's memory (memstore): delete what this test stored.
  local key
  for key in "${uploaded_keys[@]}"; do
    timeout 30 "$S3TOOL" --retries 1 rm "s3://$bucket/$key" >/dev/null 2>&1 || true
  done
  (( ${#uploaded_keys[@]} == 0 )) || timeout 30 "$S3TOOL" --retries 1 rb "s3://$bucket" >/dev/null 2>&1 || true
  if (( rc == 0 )); then
    rm -rf -- "$WORK"
    say "PASSED"
  elif (( rc != 77 )); then
    say "FAILED; files kept in $WORK (data, job, cluster-log)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ the cluster
say "starting a single-node SLURM cluster in $CLUSTER_DIR"
start_err=$WORK/slurm-cluster-start.err
env_text=$("$REPO/scripts/slurm-cluster" start --dir "$CLUSTER_DIR" 2>"$start_err")
rc=$?
if (( rc != 0 )); then
  cat "$start_err" >&2
  # The cluster script cleaned up after itself; nothing left to stop.
  if (( rc == 77 )); then skip "SLURM is not usable here (see above)"; fi
  "$REPO/scripts/slurm-cluster" stop --dir "$CLUSTER_DIR" >/dev/null 2>&1 || true
  skip "SLURM could not start on this machine (scripts/slurm-cluster exit $rc, see above)"
fi
cluster_started=1
eval "$env_text"
[[ -n ${SLURM_CONF:-} ]] || fail "scripts/slurm-cluster start printed no SLURM_CONF"
sinfo | sed "s/^/$PROG:   /"

# ------------------------------------------------------------ the bucket
# shellcheck source=/dev/null
. "$RGW_ENV"
export AWS_ACCESS_KEY_ID=$CAIOS_TEST_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$CAIOS_TEST_SECRET_KEY
export AWS_ENDPOINT_URL=$CAIOS_TEST_ENDPOINT AWS_REGION=$CAIOS_TEST_REGION
DATA=$WORK/data
SRC=$DATA/src
rm -rf -- "$DATA" "$WORK/job"
mkdir -p "$SRC"
python3 - "$SRC" <<'EOF' || fail "could not create the source files"
import os, random, sys
root, rng = sys.argv[1], random.Random(20240611)
def put(path, size):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "wb") as f:
        f.write(rng.randbytes(size))
put("empty.bin", 0)
put("tiny.txt", 1)
put("dir with space/file name.txt", 1234)
put("nested/a/b/c/deep.bin", 100 * 1024 + 7)
put("nested/a/empty-too", 0)
put("big/checkpoint-0.bin", 3 * 2**20 + 12345)   # > cutoff 1M: 256K chunks, last one short
put("big/checkpoint-1.bin", 5 * 2**20)           # exactly 20 chunks
put("big/just-over-cutoff.bin", 2**20 + 1)
for i in range(24):
    put(f"shards/shard-{i:03}.dat", rng.randint(0, 64 * 1024))
EOF
nfiles=$(find "$SRC" -type f | wc -l)
say "seeding s3://$bucket with $nfiles objects ($(du -sh --apparent-size "$SRC" | cut -f1)) from $SRC"
timeout 60 "$S3TOOL" mb "s3://$bucket" >/dev/null || fail "s3tool mb s3://$bucket"
while IFS= read -r key; do
  timeout 60 "$S3TOOL" put "$SRC/$key" "s3://$bucket/$key" >/dev/null || fail "s3tool put '$key'"
  uploaded_keys+=("$key")
done < <(cd "$SRC" && find . -type f -printf '%P\n' | sort)

# same_tree A B: byte for byte, nothing missing, nothing extra (temp files
# included), every file a regular file.
same_tree() {
  diff -r "$1" "$2" >"$DATA/diff.out" 2>&1 || { sed 's/^/    /' "$DATA/diff.out" | head -20; return 1; }
  [[ $(find "$2" -type f | wc -l) == "$nfiles" ]] || { echo "    file count differs"; return 1; }
}

# ------------------------------------------------------------ (a) srun
DEST1=$DATA/dest1
check "(a) srun --mpi=pmix -n 4 -O caios2dfs-mpi --multi-thread-cutoff 1M --chunk-size 256K s3://$bucket DEST1"
t0=$SECONDS
timeout "$SRUN_TIMEOUT" srun --mpi=pmix -n 4 -O "$BIN" --multi-thread-cutoff 1M --chunk-size 256K \
  --stats 0 "s3://$bucket" "$DEST1" >"$DATA/srun.out" 2>&1
rc=$?
sed 's/^/    /' "$DATA/srun.out"
(( rc != 124 )) || fail "(a) srun timed out after ${SRUN_TIMEOUT}s"
(( rc == 0 )) || fail "(a) srun exited with $rc"
ok "srun exit 0 in $((SECONDS - t0)) s"
grep -q 'on 4 ranks' "$DATA/srun.out" || fail "(a) the copy did not run on 4 ranks (PMIx wire-up failed? each rank a singleton?)"
ok "one copy on 4 ranks (PMIx wired the ranks into one MPI job)"
grep -Eq "objects +listed $nfiles +copied $nfiles +skipped 0 +failed 0" "$DATA/srun.out" \
  || fail "(a) summary does not say $nfiles listed, $nfiles copied, 0 failed"
ok "summary: $nfiles listed, $nfiles copied, 0 skipped, 0 failed"
same_tree "$SRC" "$DEST1" || fail "(a) DEST1 differs from the source files"
ok "diff -r: DEST1 identical to the source ($nfiles files)"

# ------------------------------------------------------------ (b) sbatch
JOB=$WORK/job
DEST2=$DATA/dest2
mkdir -p "$JOB"
# The template, filled in for the local server: path-style addressing
# (the test RGW has no wildcard DNS for virtual-hosted bucket names).
sed -e "s|<ACCESS_KEY_ID>|$CAIOS_TEST_ACCESS_KEY|" \
    -e "s|<SECRET_ACCESS_KEY>|$CAIOS_TEST_SECRET_KEY|" \
    -e "s|<AVAILABILITY-ZONE>|$CAIOS_TEST_REGION|" \
    -e "s|^endpoint = .*|endpoint = $CAIOS_TEST_ENDPOINT|" \
    -e "/^#endpoint = /d" \
    -e "s|^force_path_style = .*|force_path_style = true|" \
    "$REPO/examples/rclone.conf.template" >"$JOB/rclone.conf"
chmod 600 "$JOB/rclone.conf"
grep -v '^#' "$JOB/rclone.conf" | grep -q '<' && fail "(b) placeholders left in the rclone config made from the template"
grep -Eq '^\[caios\]' "$JOB/rclone.conf" || fail "(b) the template has no [caios] remote"

# Ranks per node <= CPUs: SLURM 22.05 rejects --ntasks-per-node above the
# node's CPU count even with --overcommit (srun -n N -O is what overcommits).
ppn=$(nproc); (( ppn <= 4 )) || ppn=4
# sbatch submits the script as is; command-line options override its #SBATCH
# sizing for this one small node. The settings travel in the environment
# (--export=ALL): no AWS_* here, so the credentials must come from the remote.
submit() {
  env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_ENDPOINT_URL -u AWS_REGION \
    CAIOS2DFS_BIN="$BIN" RCLONE_CONFIG="$JOB/rclone.conf" \
    timeout "$SBATCH_TIMEOUT" sbatch --wait --parsable --export=ALL --chdir="$JOB" \
      --nodes=1 --ntasks-per-node="$ppn" --cpus-per-task=1 --time=00:05:00 \
      "$REPO/examples/transfer.slurm"
}
job_field() {  # job_field ID NAME -> value of NAME= in scontrol show job
  scontrol show job "$1" 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

check "(b) sbatch --wait examples/transfer.slurm ($ppn ranks, --exclusive from the script, remote caios: from the template)"
t0=$SECONDS
CAIOS2DFS_SOURCE="caios:$bucket" CAIOS2DFS_DEST="$DEST2" \
CAIOS2DFS_OPTIONS="--multi-thread-cutoff 1M --chunk-size 256K --stats 1s" \
  submit >"$JOB/sbatch.out" 2>"$JOB/sbatch.err"
rc=$?
jobid=$(grep -Eo '^[0-9]+' "$JOB/sbatch.out" | head -n 1)
out=$JOB/caios2dfs-$jobid.out
report=$JOB/caios2dfs-$jobid.json
if (( rc != 0 )); then
  sed 's/^/    sbatch: /' "$JOB/sbatch.err"
  [[ -z $jobid || ! -r $out ]] || sed 's/^/    /' "$out"
  [[ -z $jobid ]] || scontrol show job "$jobid" | sed 's/^/    /'
  (( rc != 124 )) || fail "(b) sbatch --wait timed out after ${SBATCH_TIMEOUT}s"
  fail "(b) sbatch --wait exited with $rc (the job's exit code)"
fi
[[ -n $jobid ]] || fail "(b) sbatch --parsable printed no job id"
ok "job $jobid finished, sbatch --wait exit 0 in $((SECONDS - t0)) s"
state=$(job_field "$jobid" JobState) exit_code=$(job_field "$jobid" ExitCode)
[[ $state == COMPLETED && $exit_code == 0:0 ]] || fail "(b) job $jobid: JobState=$state ExitCode=$exit_code, want COMPLETED 0:0"
ok "scontrol show job $jobid: JobState=COMPLETED ExitCode=0:0"
[[ -r $out ]] || fail "(b) no job output $out"
sed 's/^/    /' "$out"
grep -Eq "objects +listed $nfiles +copied $nfiles +skipped 0 +failed 0" "$out" \
  || fail "(b) $out has no summary line '$nfiles listed, $nfiles copied, 0 failed'"
grep -q "on $ppn ranks" "$out" || fail "(b) the copy did not run on $ppn ranks"
ok "output $out: summary with $nfiles objects copied on $ppn ranks"
[[ -r $report ]] || fail "(b) no report $report"
python3 - "$report" "$nfiles" "$ppn" <<'EOF' || fail "(b) report $report is wrong (see above)"
import json, sys
path, nfiles, ranks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r = json.load(open(path))
want = {"objects_listed": nfiles, "objects_copied": nfiles, "objects_failed": 0, "ranks": ranks,
        "listing_complete": True}
bad = {k: (r.get(k), v) for k, v in want.items() if r.get(k) != v}
if bad:
    print("    report: got/want", bad)
    sys.exit(1)
EOF
ok "report parses: objects_copied=$nfiles, objects_failed=0, ranks=$ppn"
same_tree "$SRC" "$DEST2" || fail "(b) DEST2 differs from the source files"
ok "diff -r: DEST2 identical to the source ($nfiles files)"

check "(b') transfer.slurm without CAIOS2DFS_SOURCE fails at once with a reason"
CAIOS2DFS_DEST="$DATA/dest3" submit >"$JOB/sbatch-nosource.out" 2>&1
rc=$?
jobid=$(grep -Eo '^[0-9]+' "$JOB/sbatch-nosource.out" | head -n 1)
(( rc == 2 )) || fail "(b') sbatch --wait exited with $rc, want 2"
grep -q 'CAIOS2DFS_SOURCE' "$JOB/caios2dfs-$jobid.out" 2>/dev/null \
  || fail "(b') job output does not name CAIOS2DFS_SOURCE"
ok "job $jobid exit 2: $(head -n 1 "$JOB/caios2dfs-$jobid.out")"
[[ ! -e $DATA/dest3 ]] || fail "(b') DEST was created although SOURCE was missing"
ok "nothing written"
exit 0
