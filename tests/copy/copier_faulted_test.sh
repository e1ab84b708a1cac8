#!/usr/bin/env bash
# The copier's end-to-end tests (copier_tests: mixed buckets with 1, 2 and 4
# ranks, posix and MPI-IO, reruns, a killed run, filters, files-from, keys
# that would escape DEST, stealing, the benchmark modes, bad credentials)
# run again with the real RGW behind scripts/fault-proxy, which faults 15% of
# the GETs and HEADs, listing pages included: 503 SlowDown, 500, resets,
# bodies cut or stalled, listing XML cut in half. Every test must pass as
# it does without faults: byte for byte. Over HTTPS the proxy cannot sit in
# between, so the [tls] test is left out.
#   tests/copy/copier_faulted_test.sh BUILD_DIR
set -uo pipefail
PROG=copier_faulted_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
use_test_rgw

WORK=$(mktemp -d /var/tmp/caios2dfs-copier-faulted.XXXXXX)
cleanup() {
  local rc=$?
  stop_fault_proxy
  if (( rc == 0 )); then rm -rf -- "$WORK"; say PASSED; else say "FAILED; files kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start_fault_proxy "$WORK/proxy.log" --fault-rate 0.15 --stall-seconds 3 --seed 5

# The tests read the server from an env file: the same one, pointing at the proxy.
sed "s|^export CAIOS_TEST_ENDPOINT=.*|export CAIOS_TEST_ENDPOINT=$PROXY|" "$BUILD_DIR/rgw/env" >"$WORK/env"
CAIOS_TEST_RGW_ENV=$WORK/env timeout 1200 "$BUILD_DIR/tests/copier_tests" '~[tls]' >"$WORK/tests.log" 2>&1 \
  || { tail -40 "$WORK/tests.log"; fail "the copier tests failed with faults"; }
stop_fault_proxy

read -r _ requests _ eligible _ faulted _ _ < <(grep '^requests ' "$WORK/proxy.log")
python3 -c "import sys; r = $faulted / $eligible; sys.exit(0 if 0.10 <= r <= 0.20 else 1)" \
  || fail "the proxy faulted $faulted of $eligible reads, not about 15%"
(( $(grep -c '^fault .* GET /[^/?]*?' "$WORK/proxy.log") >= 1 )) || fail "no listing page was faulted"
say "$(grep -o '^All tests passed.*' "$WORK/tests.log") with $faulted of $eligible reads faulted" \
  "($(grep -o '^fault [a-z]*' "$WORK/proxy.log" | sort | uniq -c | awk '{printf "%s %s, ", $3, $1}' | sed 's/, $//'))"
