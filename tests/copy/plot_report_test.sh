#!/usr/bin/env bash
# scripts/plot-report on a real report: 2 ranks copy from the test RGW with
# --report, and the report's timeline is drawn: a PNG of the size asked,
# whose one-line account matches the report (ranks, bytes); a report
# without a timeline, or no report at all, is refused with status 2 and a
# message that says what to give.
#   tests/copy/plot_report_test.sh BUILD_DIR
set -uo pipefail
PROG=plot_report_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
/usr/bin/python3 -c 'import matplotlib' 2>/dev/null || fail "python3-matplotlib is missing (scripts/install-deps)"
use_test_rgw

WORK=$(mktemp -d /var/tmp/caios2dfs-plot.XXXXXX)
cleanup() {
  local rc=$?
  remove_test_bucket
  end_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

make_test_bucket plot
mkdir -p "$WORK/src"
for i in 1 2 3; do
  head -c $((8 * 1024 * 1024 + i)) /dev/urandom > "$WORK/src/f$i"
  put_test_object "$WORK/src/f$i" "f$i"
done
timeout 300 mpirun --oversubscribe -np 2 "$BIN" --multi-thread-cutoff 1M --chunk-size 256K --report "$WORK/report.json" \
  "s3://$bucket" "$WORK/dest" > "$WORK/copy.log" 2>&1 || { cat "$WORK/copy.log"; fail "the copy failed"; }
diff -r "$WORK/src" "$WORK/dest" || fail "DEST differs from the bucket"
samples=$(field "$WORK/report.json" 'len(d["timeline"]["seconds"])')
(( samples >= 1 )) || fail "the report has no timeline samples"
last_bytes=$(field "$WORK/report.json" 'sum(d["timeline"]["rank_bytes"][-1])')
rank_bytes=$(field "$WORK/report.json" 'sum(r["bytes"] for r in d["per_rank"])')
[[ $last_bytes == "$rank_bytes" ]] || fail "the timeline ends at $last_bytes bytes, the ranks moved $rank_bytes"

said=$("$REPO/scripts/plot-report" "$WORK/report.json" "$WORK/run.png") || fail "plot-report failed: $said"
[[ $said == *": 2 ranks, $samples samples over "*", $rank_bytes bytes, "* ]] || fail "plot-report says: $said"
size=$(/usr/bin/python3 -c '
import struct, sys
head = open(sys.argv[1], "rb").read(24)
assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
print("%dx%d" % struct.unpack(">II", head[16:24]))' "$WORK/run.png") || fail "$WORK/run.png is not a PNG"
[[ $size == 1300x850 ]] || fail "the picture is $size, not 1300x850"

echo '{"objects_copied": 1}' > "$WORK/old.json"
"$REPO/scripts/plot-report" "$WORK/old.json" "$WORK/old.png" 2> "$WORK/old.err"
status=$?
(( status == 2 )) && grep -q "has no timeline" "$WORK/old.err" && [[ ! -e $WORK/old.png ]] ||
  fail "a report without a timeline: status $status, $(cat "$WORK/old.err")"
"$REPO/scripts/plot-report" "$WORK/none.json" "$WORK/none.png" 2> "$WORK/none.err"
(( $? == 2 )) && grep -q "cannot read" "$WORK/none.err" || fail "a missing report: $(cat "$WORK/none.err")"
