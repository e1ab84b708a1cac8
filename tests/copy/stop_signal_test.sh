#!/usr/bin/env bash
# A job stopped by a signal stops in order, end to end with 4 ranks against
# scripts/fake-s3, whose bodies go at 2 MiB/s per connection so that the
# copy of 48 objects of 4 MiB and 2 of 24 MiB (chunked) lasts long enough to
# be stopped part-way:
#  (a) SIGTERM to every rank, as SLURM's time limit and scancel send it:
#      status 4 within 10 s; the report says interrupted, stopped_by SIGTERM,
#      and copied + not done = every object; each file in DEST is its
#      object's bytes, the not-done ones are absent, and no temporary file is
#      left but those of chunked objects begun, each with its resume state
#      (as many as the report says kept); then a rerun completes, byte for
#      byte, with none left, status 0;
#  (b) SIGUSR1 to mpirun, which passes it on (`sbatch --signal=USR1@120`):
#      the same orderly stop, stopped_by SIGUSR1;
#  (c) a second signal ends the ranks at once (status 128 + the signal);
#  (d) --max-duration 3s: the same orderly stop, status 10 as rclone's; the
#      server saw bodies abandoned mid-way (hard, the default)...
#  (e) ...and none with --cutoff-mode soft, where the transfers in flight
#      at the cutoff finish.
#   tests/copy/stop_signal_test.sh BUILD_DIR
set -uo pipefail
PROG=stop_signal_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(CAIOS2DFS_|RCLONE_|AWS_)' || true)
export AWS_ACCESS_KEY_ID=stop AWS_SECRET_ACCESS_KEY=stop AWS_REGION=us-east-1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

WORK=$(mktemp -d /var/tmp/caios2dfs-stop.XXXXXX)
server_pid=""
mpirun_pid=""
cleanup() {
  local rc=$?
  [[ -n $mpirun_pid ]] && kill -KILL "$mpirun_pid" 2>/dev/null
  [[ -n $server_pid ]] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; }
  if (( rc == 0 )); then rm -rf -- "$WORK"; say PASSED; else say "FAILED; files kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

python3 - "$WORK/spec.json" <<'PY' || fail "could not write the spec"
import json, sys
objects = [{"key": f"d{i % 3}/obj{i:03}.bin", "size": 4 << 20, "seed": i} for i in range(48)]
objects += [{"key": f"big/chunked{i}.bin", "size": 24 << 20, "seed": 100 + i} for i in range(2)]
json.dump({"bucket": "stop", "objects": objects}, open(sys.argv[1], "w"))
PY
python3 "$REPO/scripts/fake-s3" --spec "$WORK/spec.json" --write-objects "$WORK/expected" --rate-mib-s 2 \
  --port-file "$WORK/port" --log "$WORK/server.log" &
server_pid=$!
for _ in $(seq 600); do [[ -s $WORK/port ]] && break; sleep 0.1; done
[[ -s $WORK/port ]] || fail "fake-s3 did not start"
export AWS_ENDPOINT_URL=http://127.0.0.1:$(cat "$WORK/port")
expected_dir=$WORK/expected/stop
total=50

start_copy() {  # DEST [ARGS...]: mpirun in the background, its pid in mpirun_pid
  local dest=$1
  shift
  mpirun --oversubscribe -np 4 "$BIN" --stats 0 --transfers 4 --multi-thread-cutoff 16M --chunk-size 4M \
    --report "$dest.json" "$@" s3://stop "$dest" >"$dest.log" 2>&1 &
  mpirun_pid=$!
}
ranks() { pgrep -P "$mpirun_pid" -f caios2dfs-mpi; }
copied_files() {  # DEST: the files under DEST, staging and partial files kept for a rerun excluded, sorted
  (cd "$1" && find . -path ./.caios2dfs-staging -prune -o -type f ! -name '.caios2dfs-*.part' \
    ! -name '.caios2dfs-*.state' -print | sed 's|^\./||' | sort)
}

# Waits until some objects are in DEST and others are not, then signals.
stop_part_way() {  # DEST SIGNAL TARGET(ranks|mpirun)
  local dest=$1 signal=$2 target=$3 files=0
  start_copy "$dest"
  for _ in $(seq 300); do
    files=$(find "$dest" -path "$dest/.caios2dfs-staging" -prune -o -type f -print 2>/dev/null | wc -l)
    (( files >= 4 )) && break
    sleep 0.1
  done
  (( files >= 4 && files < total )) || fail "$signal: not part-way when signalled ($files files)"
  if [[ $target == ranks ]]; then
    # shellcheck disable=SC2046  # one pid per word
    kill "-$signal" $(ranks) || fail "no rank to signal"
  else
    kill "-$signal" "$mpirun_pid"
  fi
  local signalled=$SECONDS
  wait_copy 30
  local status=$?
  (( status == 4 )) || { tail -20 "$dest.log"; fail "$signal: status $status, not 4"; }
  (( SECONDS - signalled <= 10 )) || fail "$signal: $((SECONDS - signalled)) s from the signal to the end, not 10 at most"
  check_stopped "$dest" "SIG$signal"
}

check_stopped() {  # DEST STOPPED_BY
  local dest=$1 signal=$2 copied not_done listed
  [[ $(field "$dest.json" "d['interrupted'], d['stopped_by']") == "(True, '$signal')" ]] \
    || fail "$signal: the report does not say interrupted by $signal"
  copied=$(field "$dest.json" "d['objects_copied']")
  not_done=$(field "$dest.json" "d['objects_not_done']")
  listed=$(field "$dest.json" "d['objects_listed']")
  (( listed == total && copied + not_done == total && not_done > 0 )) \
    || fail "$signal: listed $listed, copied $copied, not done $not_done: not all $total accounted for"
  [[ $(field "$dest.json" "d['objects_failed']") == 0 ]] || fail "$signal: objects failed"
  copied_files "$dest" >"$dest.files"
  [[ $(wc -l <"$dest.files") == "$copied" ]] || fail "$signal: $(wc -l <"$dest.files") files in DEST, $copied copied"
  local on_disk
  on_disk=$(cd "$dest" && xargs -d '\n' stat -c %s <"$dest.files" | awk '{n += $1} END {print n + 0}')
  [[ $(field "$dest.json" "d['bytes_copied']") == "$on_disk" ]] \
    || fail "$signal: bytes_copied $(field "$dest.json" "d['bytes_copied']"), $on_disk in DEST's files"
  while IFS= read -r file; do
    cmp -s "$dest/$file" "$expected_dir/$file" || fail "$signal: $file is not its object's bytes"
  done <"$dest.files"
  field "$dest.json" "'\n'.join(sorted(d['not_done']))" >"$dest.not_done"
  sort -m "$dest.files" "$dest.not_done" | cmp -s - <(cd "$expected_dir" && find . -type f | sed 's|^\./||' | sort) \
    || fail "$signal: the files copied and the keys not done are not the bucket's keys"
  local left kept parts states
  left=$(find "$dest/.caios2dfs-staging" -type f 2>/dev/null | wc -l)
  (( left == 0 )) || fail "$signal: $left temporary files left in DEST"
  # Chunked objects begun stay as temporary files with their resume state.
  kept=$(field "$dest.json" "d['partial_files_kept']")
  parts=$(find "$dest" -name '.caios2dfs-*.part' | wc -l)
  states=$(find "$dest" -name '.caios2dfs-*.state' | wc -l)
  (( parts == kept && states == kept )) || fail "$signal: $parts partial files and $states states, $kept kept"
  grep -q -- "STOPPED   by $signal" "$dest.log" || fail "$signal: no STOPPED line in the summary"
  say "$signal: stopped part-way in order: $copied copied and checked, $not_done not done, no temporary file" \
    "but $kept partial file(s) kept for the rerun"
}

# (a) SIGTERM to every rank, then a rerun that completes.
dest=$WORK/term
stop_part_way "$dest" TERM ranks
start_copy "$dest"
wait_copy 120 || { tail -20 "$dest.log"; fail "the rerun after SIGTERM failed"; }
diff -r -x .caios2dfs-staging "$expected_dir" "$dest" >"$WORK/diff.out" || { head "$WORK/diff.out"; fail "rerun: DEST differs"; }
[[ $(field "$dest.json" "d['interrupted'], d['objects_copied'] + d['objects_skipped']") == "(False, $total)" ]] \
  || fail "rerun: the report does not count every object"
say "SIGTERM: the rerun completed the copy, byte for byte"

# (b) SIGUSR1 to mpirun, which forwards it to the ranks.
stop_part_way "$WORK/usr1" USR1 mpirun

# (c) A second signal: the ranks end at once, with no orderly stop. Two
# different signals, back to back, so that the kernel cannot merge them
# into one (it keeps one pending instance of each).
dest=$WORK/twice
start_copy "$dest"
for _ in $(seq 300); do [[ -n $(ranks) ]] && [[ -d $dest ]] && break; sleep 0.1; done
sleep 1
pids=$(ranks)
# shellcheck disable=SC2086  # one pid per word
kill -TERM $pids; kill -INT $pids
wait_copy 30
status=$?
(( status == 130 || status == 143 )) || { tail -5 "$dest.log"; fail "two signals: status $status, not 128 + the signal"; }
[[ ! -e $dest.json ]] || fail "two signals: a report was written, so the second signal did not end the job at once"
say "two signals: the ranks ended at once (status $status), no orderly stop"

# (d), (e) --max-duration, hard then soft: bodies the server saw abandoned.
for mode in hard soft; do
  dest=$WORK/max-$mode
  log_lines=$(wc -l <"$WORK/server.log")
  start_copy "$dest" --max-duration 3s --cutoff-mode "$mode"
  wait_copy 60
  status=$?
  (( status == 10 )) || { tail -20 "$dest.log"; fail "--max-duration ($mode): status $status, not 10"; }
  check_stopped "$dest" --max-duration
  aborted=$(tail -n +"$((log_lines + 1))" "$WORK/server.log" | grep -c '^ABORTED GET' || true)
  if [[ $mode == hard ]]; then
    (( aborted > 0 )) || fail "--max-duration (hard): no transfer was abandoned mid-way"
  else
    (( aborted == 0 )) || fail "--max-duration (soft): $aborted transfers abandoned mid-way, not finished"
  fi
  say "--max-duration 3s ($mode): status 10; the server logged $aborted GET bodies abandoned mid-way"
done
