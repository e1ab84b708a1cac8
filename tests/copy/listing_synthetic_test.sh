#!/usr/bin/env bash
# Listing many pages at once (--checkers), end to end against the synthetic
# buckets of scripts/fake-s3 (keys computed, 20 ms per page): for each shape
# (a tree, a flat hex key space, a skewed tree where one prefix holds half,
# and a prefix inside SOURCE), 4 ranks copy the bucket of 1-byte objects
# listing one page at a time (--checkers 1) and 32 at a time. Both trees
# hold exactly the expected number of files, the same names, and the report
# counts every object listed and copied once: a key listed twice or missed
# would show. The listing's requests run on ranks 1-3, not on rank 0 (the
# per-rank counts of the report). Then an anchored --include prunes the
# listing: only its prefix is asked for, as rclone prunes its walk. Last,
# a --files-from list's HEADs, missing keys among them, are spread over
# ranks 1-3 too, each key looked up once.
#   tests/copy/listing_synthetic_test.sh BUILD_DIR
set -uo pipefail
PROG=listing_synthetic_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(CAIOS2DFS_|RCLONE_|AWS_)' || true)
export AWS_ACCESS_KEY_ID=synthetic AWS_SECRET_ACCESS_KEY=synthetic AWS_REGION=us-east-1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

WORK=$(mktemp -d /var/tmp/caios2dfs-listing.XXXXXX)
server_pid=""
stop_server() {
  [[ -n $server_pid ]] || return 0
  kill "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
}
cleanup() {
  local rc=$?
  stop_server
  if (( rc == 0 )); then rm -rf -- "$WORK"; say PASSED; else say "FAILED; files kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Rank 0 ran none of the requests named by FIELD (list_pages, heads) and
# ranks 1-3 ran them all, each some (beyond the first page, which rank 0
# asks for itself to prove the bucket is there).
spread_over_ranks() {  # REPORT FIELD WHAT
  local per_rank
  per_rank=$(field "$1" "' '.join(str(r['$2']) for r in sorted(d['per_rank'], key=lambda r: r['rank']))")
  read -r -a counts <<<"$per_rank"
  (( ${#counts[@]} == 4 && counts[0] == 0 )) || fail "$3: $2 per rank $per_rank: rank 0 ran some"
  if (( $(field "$1" "d['objects_listed']") > 4000 )); then
    (( counts[1] > 0 && counts[2] > 0 && counts[3] > 0 )) || fail "$3: $2 per rank $per_rank: not spread over 1-3"
  fi
}

copy() {  # SOURCE DEST CHECKERS
  AWS_ENDPOINT_URL=$ENDPOINT timeout 300 mpirun --oversubscribe -np 4 "$BIN" --stats 0 --transfers 8 \
    --checkers "$3" --report "$2.json" "$1" "$2" >"$2.log" 2>&1
}
check_shape() {  # SHAPE SOURCE EXPECTED_COUNT
  local shape=$1 source=$2 expected=$3 checkers count run
  run=$shape-${source//\//_}
  stop_server
  rm -f "$WORK/port"
  python3 "$REPO/scripts/fake-s3" --synthetic "$shape" --object-size 1 --page-delay-ms 20 --port-file "$WORK/port" \
    --log "$WORK/server.log" &
  server_pid=$!
  for _ in $(seq 300); do [[ -s $WORK/port ]] && break; sleep 0.1; done
  [[ -s $WORK/port ]] || fail "fake-s3 --synthetic $shape did not start"
  ENDPOINT=http://127.0.0.1:$(cat "$WORK/port")
  for checkers in 1 32; do
    local dest=$WORK/$run-$checkers
    copy "$source" "$dest" "$checkers" || { tail -20 "$dest.log"; fail "$shape, --checkers $checkers: the copy failed"; }
    for field_name in objects_listed objects_copied; do
      count=$(field "$dest.json" "d['$field_name']")
      [[ $count == "$expected" ]] || fail "$shape, --checkers $checkers: $field_name $count, not $expected"
    done
    (cd "$dest" && find . -type f | sort) >"$dest.files"
    count=$(wc -l <"$dest.files")
    [[ $count == "$expected" ]] || fail "$shape, --checkers $checkers: $count files, not $expected"
    spread_over_ranks "$dest.json" list_pages "$shape, --checkers $checkers"
  done
  cmp -s "$WORK/$run-1.files" "$WORK/$run-32.files" \
    || fail "$shape: the files listed 32 pages at a time are not those listed one page at a time"
  say "$shape ($source): $expected keys, the same listed 1 and 32 pages at a time"
}

check_shape tree:12000:7 s3://synthetic 12000
check_shape flat:9001 s3://synthetic 9001
check_shape skew:8001:5 s3://synthetic 8001
check_shape tree:12000:7 s3://synthetic/p00003/ 1714  # 12000 / 7, p00003 gets no extra key

# --include '/p00003/**' lists only p00003/ (the last server is tree:12000:7).
: >"$WORK/server.log"
AWS_ENDPOINT_URL=$ENDPOINT timeout 120 mpirun --oversubscribe -np 2 "$BIN" --bench list --stats 0 --checkers 8 \
  --include '/p00003/**' --report "$WORK/pruned.json" s3://synthetic >"$WORK/pruned.log" 2>&1 \
  || { tail -20 "$WORK/pruned.log"; fail "--bench list --include: failed"; }
[[ $(field "$WORK/pruned.json" "d['objects_listed']") == 1714 ]] || fail "--include '/p00003/**': not 1714 keys listed"
lists=$(grep -c 'list-type=2' "$WORK/server.log")
outside=$(grep 'list-type=2' "$WORK/server.log" | grep -vc 'prefix=p00003' || true)
(( lists > 0 && outside == 0 )) || fail "--include '/p00003/**': $outside of $lists listing requests outside p00003/"
say "--include '/p00003/**': $lists listing requests, all under p00003/, 1714 keys"

# --files-from: 5,000 listed keys, one of them twice, and two that do not exist.
{
  sed -n 's|^\./||p' <"$WORK/tree:12000:7-s3:__synthetic-1.files" | head -5000
  echo p00001/k99999999
  sed -n 's|^\./||p' <"$WORK/tree:12000:7-s3:__synthetic-1.files" | head -1
  echo no/such/key
} >"$WORK/list.txt"
dest=$WORK/files-from
AWS_ENDPOINT_URL=$ENDPOINT timeout 120 mpirun --oversubscribe -np 4 "$BIN" --stats 0 --transfers 8 --checkers 24 \
  --files-from "$WORK/list.txt" --report "$dest.json" s3://synthetic "$dest" >"$dest.log" 2>&1
[[ $? == 1 ]] || { tail -20 "$dest.log"; fail "--files-from with 2 missing keys: not exit status 1"; }
[[ $(field "$dest.json" "d['objects_copied']") == 5000 ]] || fail "--files-from: not 5000 objects copied"
[[ $(field "$dest.json" "sorted(f['key'] + ' ' + f['class'] for f in d['failed'])") == \
   "['no/such/key not_found', 'p00001/k99999999 not_found']" ]] || fail "--files-from: not the 2 missing keys failed"
[[ $(field "$dest.json" "sum(r['heads'] for r in d['per_rank'])") == 5002 ]] || fail "--files-from: not 5002 HEADs"
spread_over_ranks "$dest.json" heads "--files-from"
(cd "$dest" && find . -type f | sort) | cmp -s - <(head -5000 "$WORK/tree:12000:7-s3:__synthetic-1.files" | sort) \
  || fail "--files-from: the files copied are not the 5000 listed"
say "--files-from: 5002 keys looked up once each on ranks 1-3, 5000 copied, 2 missing reported"
