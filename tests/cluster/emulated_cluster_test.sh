#!/usr/bin/env bash
# caios2dfs-mpi across an emulated cluster (scripts/emulated-cluster): two
# "nodes" as network namespaces, each with its own host name and a capped
# link to a bridge, the RGW in a namespace of its own, mpirun starting two
# ranks per node through the namespace launch agent.
#   (a) the start-up is whole: caps on every link, every node reaches the
#       store, ranks run on the node the host list gives them;
#   (b) a bucket of small files and a chunked object lands byte for byte, the
#       report counts every file, and both nodes moved bytes over their own
#       links (the ranks of node 1 report bytes, and node 1's link carried at
#       least that many);
#   (c) a start that fails half-way (the RGW does not come up in time)
#       leaves no namespace and no daemon behind, and so does stop;
#   (d) with SLURM across the nodes (start --slurm: a slurmd per node), the
#       same copy under `srun --mpi=pmix -N 2 -n 4` lands byte for byte with
#       two ranks on each node, both nodes' links used.
#   tests/cluster/emulated_cluster_test.sh BUILD_DIR
# Exit 0 passed, 1 failed, 77 skipped (not root, or no network namespaces).
set -uo pipefail
PROG=emulated_cluster_test
# shellcheck source=../copy/rgw_script_env.sh
. "$(dirname "$0")/../copy/rgw_script_env.sh" "$@"
CLUSTER=$REPO/scripts/emulated-cluster
[[ $EUID -eq 0 ]] || { say "SKIP: needs root (ip netns, tc)"; exit 77; }
ip netns add c2d-probe-$$ 2>/dev/null || { say "SKIP: cannot make network namespaces here"; exit 77; }
ip netns del c2d-probe-$$

WORK=$(mktemp -d /var/tmp/caios2dfs-cluster.XXXXXX)
chmod 0711 "$WORK"   # munged wants every directory above its socket searchable by all
CDIR=$WORK/cluster
cleanup() {
  local rc=$?
  "$CLUSTER" stop --dir "$CDIR" >/dev/null 2>&1 || true
  end_test "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
namespaces() { ip netns list | awk '{print $1}' | grep '^c2d-' || true; }

# (c) first: a failed start cleans up after itself.
RGW_SERVER_START_TIMEOUT=0 "$CLUSTER" start --dir "$CDIR" --nodes 2 >"$WORK/failed-start.log" 2>&1 &&
  fail "a start whose RGW cannot come up in 0 s succeeded"
[[ -z $(namespaces) ]] || fail "a failed start left namespaces: $(namespaces | tr '\n' ' ')"
pgrep -f "$CDIR/rgw/ceph.conf" >/dev/null && fail "a failed start left Ceph daemons running"
[[ ! -e $CDIR ]] || fail "a failed start left $CDIR"

# (a) start-up.
"$CLUSTER" start --dir "$CDIR" --nodes 2 --node-mbs 40 --store-mbs 200 --slurm >"$WORK/start.log" 2>&1 ||
  { cat "$WORK/start.log"; fail "emulated-cluster start failed"; }
[[ $(namespaces | sort | tr '\n' ' ') == "c2d-head c2d-n0 c2d-n1 c2d-store " ]] ||
  fail "namespaces are '$(namespaces | tr '\n' ' ')'"
for port in n0 n1; do
  ip netns exec c2d-head tc qdisc show dev "$port" | grep -q 'tbf.*rate 320Mbit' ||
    fail "no 40 MB/s cap on the link to node $port: $(ip netns exec c2d-head tc qdisc show dev "$port")"
done
ip netns exec c2d-store tc qdisc show dev eth0 | grep -q 'tbf.*rate 1600Mbit' || fail "no 200 MB/s cap on the store's link"
# shellcheck source=/dev/null
. "$CDIR/env"
export AWS_ACCESS_KEY_ID=$CAIOS_TEST_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$CAIOS_TEST_SECRET_KEY
export AWS_ENDPOINT_URL=$CAIOS_TEST_ENDPOINT AWS_REGION=$CAIOS_TEST_REGION
[[ $AWS_ENDPOINT_URL == http://10.77.0.1:7480 ]] || fail "the store's endpoint is $AWS_ENDPOINT_URL"
placement=$(timeout 60 "$CLUSTER" mpirun --dir "$CDIR" --per-node 2 -- \
  sh -c 'echo "$OMPI_COMM_WORLD_RANK $(hostname)"' | sort)
[[ $(echo "$placement" | tr '\n' ' ') == "0 c2d-n0 1 c2d-n0 2 c2d-n1 3 c2d-n1 " ]] ||
  fail "ranks are not placed two per node: $placement"

# (b) a copy across both nodes.
SRC=$WORK/src
python3 - "$SRC" <<'PY' || fail "could not create the source files"
import os, random, sys
root, rng = sys.argv[1], random.Random(14)
def put(path, size):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    open(full, "wb").write(rng.randbytes(size))
for i in range(40):
    put(f"shard-{i % 4}/part-{i:03}.bin", rng.randint(0, 64 * 1024))
put("ckpt/model.bin", 12 * 2**20 + 123)   # 25 chunks of 512 KiB over 4 ranks
PY
nfiles=$(find "$SRC" -type f | wc -l)
bucket=cluster-$(date +%s)-$$
s3() { timeout 60 "$CLUSTER" exec --dir "$CDIR" store -- "$S3TOOL" "$@" >/dev/null; }
s3 mb "s3://$bucket" || fail "cannot make bucket $bucket"
while IFS= read -r key; do
  # One part: the checkpoint is cut into --chunk-size chunks to spread over the
  # ranks (s3tool's default 8 MiB parts would make 2 chunks on the parts).
  s3 --part-size 16M put "$SRC/$key" "s3://$bucket/$key" || fail "cannot put $key"
done < <(cd "$SRC" && find . -type f -printf '%P\n' | sort)

before=$("$CLUSTER" bytes --dir "$CDIR")
timeout 300 "$CLUSTER" mpirun --dir "$CDIR" --per-node 2 -- "$BIN" --stats 0 --transfers 4 \
  --multi-thread-cutoff 1M --chunk-size 512K --report "$WORK/report.json" "s3://$bucket" "$WORK/dest" \
  >"$WORK/copy.log" 2>&1 || { tail -20 "$WORK/copy.log"; fail "the copy across the cluster failed"; }
after=$("$CLUSTER" bytes --dir "$CDIR")
diff -r "$SRC" "$WORK/dest" >/dev/null || fail "DEST differs from the bucket: $(diff -rq "$SRC" "$WORK/dest" | head -5)"
[[ $(field "$WORK/report.json" 'd["objects_copied"]') == "$nfiles" ]] ||
  fail "report counts $(field "$WORK/report.json" 'd["objects_copied"]') copied, $nfiles files on disk"
[[ $(find "$WORK/dest" -type f | wc -l) == "$nfiles" ]] || fail "DEST holds other files than the bucket's"
node1_ranks=$(field "$WORK/report.json" 'sum(r["bytes"] for r in d["per_rank"] if r["rank"] >= 2)')
node1_link=$(( $(echo "$after" | awk '$1 == "n1" {print $2}') - $(echo "$before" | awk '$1 == "n1" {print $2}') ))
node0_link=$(( $(echo "$after" | awk '$1 == "n0" {print $2}') - $(echo "$before" | awk '$1 == "n0" {print $2}') ))
say "node 0 link ${node0_link} B, node 1 link ${node1_link} B, node 1 ranks ${node1_ranks} B"
(( node1_ranks > 0 )) || fail "the ranks of node 1 copied nothing"
(( node1_link >= node1_ranks )) || fail "node 1's link carried $node1_link B, less than its ranks' $node1_ranks B"
(( node0_link + node1_link >= $(du -sb "$SRC" | cut -f1) )) || fail "the nodes' links carried less than the bucket"

# (d) the same copy under SLURM, srun --mpi=pmix across the two nodes.
before=$("$CLUSTER" bytes --dir "$CDIR")
timeout 300 "$CLUSTER" srun --dir "$CDIR" -- -N 2 -n 4 -O --mpi=pmix "$BIN" --stats 0 --transfers 4 \
  --multi-thread-cutoff 1M --chunk-size 512K --report "$WORK/srun.json" "s3://$bucket" "$WORK/srun-dest" \
  >"$WORK/srun.log" 2>&1 || { tail -20 "$WORK/srun.log"; fail "the copy under srun across the cluster failed"; }
after=$("$CLUSTER" bytes --dir "$CDIR")
diff -r "$SRC" "$WORK/srun-dest" >/dev/null || fail "DEST under srun differs from the bucket"
[[ $(field "$WORK/srun.json" 'd["objects_copied"]') == "$nfiles" && $(field "$WORK/srun.json" 'd["ranks"]') == 4 ]] ||
  fail "srun report: $(field "$WORK/srun.json" 'd["objects_copied"], d["ranks"]') (copied, ranks), want $nfiles, 4"
for n in n0 n1; do
  moved=$(( $(echo "$after" | awk -v n=$n '$1 == n {print $2}') - $(echo "$before" | awk -v n=$n '$1 == n {print $2}') ))
  say "under srun, node $n's link carried $moved B"
  (( moved > 1048576 )) || fail "under srun, node $n received only $moved B"
done
placement=$(timeout 60 "$CLUSTER" srun --dir "$CDIR" -- -N 2 -n 4 -O sh -c 'echo "$SLURM_PROCID $(hostname)"' | sort)
[[ $(echo "$placement" | tr '\n' ' ') == "0 c2d-n0 1 c2d-n0 2 c2d-n1 3 c2d-n1 " ]] ||
  fail "srun did not place two tasks per node: $placement"

# (c) stop leaves nothing.
"$CLUSTER" stop --dir "$CDIR" || fail "emulated-cluster stop failed"
[[ -z $(namespaces) ]] || fail "stop left namespaces: $(namespaces | tr '\n' ' ')"
pgrep -f "$CDIR/rgw/ceph.conf" >/dev/null && fail "stop left Ceph daemons running"
pgrep -f "$CDIR/slurm/" >/dev/null && fail "stop left SLURM daemons running"
[[ ! -e $CDIR ]] || fail "stop left $CDIR"
exit 0
