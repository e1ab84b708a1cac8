#!/usr/bin/env bash
# -P against the real RGW, under a pseudo-terminal (script(1)) and without:
#   (a) a read benchmark of a few seconds under a terminal: the block is
#       drawn, then redrawn in place over itself (cursor up its 7 lines) at
#       least twice, with the transfers in flight on both ranks and the
#       slowest rank named;
#   (b) a copy under a terminal: its last block says 100% and every object
#       done, and DEST holds the bucket byte for byte;
#   (c) the same benchmark with standard output a file (as under sbatch or
#       a pipe; run without mpirun, whose ranks always get a terminal):
#       plain lines, not one escape byte.
#   tests/copy/progress_pty_test.sh BUILD_DIR
set -uo pipefail
PROG=progress_pty_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
command -v script >/dev/null || fail "script(1) is missing (package bsdutils)"
use_test_rgw

WORK=$(mktemp -d /var/tmp/caios2dfs-progress.XXXXXX)
cleanup() {
  local rc=$?
  remove_test_bucket
  end_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

make_test_bucket progress
mkdir -p "$WORK/src"
for i in 1 2 3 4; do
  head -c $((32 * 1024 * 1024 + i)) /dev/urandom > "$WORK/src/part-$i.bin"
  put_test_object "$WORK/src/part-$i.bin" "part-$i.bin"
done

# script -e: its status is the command's; -f: flushed as it comes.
under_pty() { script -qefc "$1" "$2" >/dev/null; }

# (a)
under_pty "timeout 300 mpirun --oversubscribe -np 2 $BIN -P --bench read --iterations 16 s3://$bucket" \
  "$WORK/bench.typescript" || { cat "$WORK/bench.typescript"; fail "the benchmark under a terminal failed"; }
esc=$'\x1b'
redraws=$(grep -o "${esc}\[7F" "$WORK/bench.typescript" | wc -l)
(( redraws >= 2 )) || { cat -v "$WORK/bench.typescript"; fail "the block was redrawn $redraws times, not at least twice"; }
for piece in "Transferred:" "Rate:" "in flight on 2 ranks" "Slowest rank:  " "Errors:        0 failed"; do
  grep -q "$piece" "$WORK/bench.typescript" || { cat -v "$WORK/bench.typescript"; fail "no '$piece' in the block"; }
done
grep -q "Slowest rank:  [01] at " "$WORK/bench.typescript" || fail "the slowest rank was never named"

# (b)
under_pty "timeout 300 mpirun --oversubscribe -np 2 $BIN -P s3://$bucket $WORK/dest" "$WORK/copy.typescript" ||
  { cat "$WORK/copy.typescript"; fail "the copy under a terminal failed"; }
last_block=$(tr -d '\r' < "$WORK/copy.typescript" | grep -a "Transferred:\|Objects:" | tail -2)
[[ $last_block == *"100%"* && $last_block == *"4 / 4 done"* ]] || fail "the last block is not complete: $last_block"
diff -r "$WORK/src" "$WORK/dest" || fail "DEST differs from the bucket"

# (c)
# Long enough for several lines at 100 ms (2 passes took 0.2 s on a faster machine: no line at 250 ms).
timeout 300 "$BIN" -P --stats 100ms --bench read --iterations 16 "s3://$bucket" > "$WORK/plain.txt" 2>&1 ||
  { cat "$WORK/plain.txt"; fail "the benchmark into a file failed"; }
! grep -q "$esc" "$WORK/plain.txt" || { cat -v "$WORK/plain.txt"; fail "escape bytes in a file"; }
grep -Eq '^ +[0-9.]+s  listed ' "$WORK/plain.txt" || { cat "$WORK/plain.txt"; fail "no plain progress line in a file"; }
