#!/bin/bash
# Copy an S3 bucket onto a shared file system with caios2dfs-mpi on a cluster
# without SLURM: Open MPI's mpirun and a hostfile. Same copy as
# examples/transfer.slurm; settings come from the environment or arguments.
#
#   HOSTFILE=hosts PPN=8 SOURCE=caios:my-bucket/datasets DEST=/mnt/data/datasets examples/mpirun.sh
#   examples/mpirun.sh caios:my-bucket/ckpt /mnt/data/ckpt --chunk-size 256M     # this host only
#
# Environment (arguments [SOURCE DEST] [OPTIONS...] win):
#   SOURCE, DEST       REMOTE:BUCKET[/PREFIX] or s3://BUCKET[/PREFIX], and the
#                      destination directory (required; CAIOS2DFS_SOURCE and
#                      CAIOS2DFS_DEST, as for transfer.slurm, work too)
#   HOSTFILE           Open MPI hostfile, one node per line: `node07 slots=8`
#                      (slots >= PPN). Unset: run on this host only.
#   PPN                ranks per node with HOSTFILE (default 8): --map-by ppr:PPN:node
#   NP                 total ranks (default: PPN x hosts with HOSTFILE, else nproc)
#   CAIOS2DFS_BIN      the binary, at the same path on every node (default:
#                      caios2dfs-mpi on PATH)
#   CAIOS2DFS_OPTIONS  extra caios2dfs-mpi flags, split on spaces, never glob-expanded
#   CAIOS2DFS_REPORT   JSON report (default caios2dfs-DATE-TIME.json here; empty: none)
#   MPIRUN_OPTIONS     extra mpirun flags, split on spaces, e.g.
#                      "--mca btl_tcp_if_include eth0" (pick the NIC), or
#                      "--allow-run-as-root" when you must run as root (containers);
#                      Open MPI refuses root without it
#   RCLONE_CONFIG, RCLONE_CONFIG_*, AWS_*   credentials and config, as for the tool
#
# Remote ranks start with a clean environment over ssh: every AWS_* and
# RCLONE_* variable set here is forwarded with `mpirun -x NAME`, so the
# credentials, RCLONE_CONFIG and endpoint overrides reach every rank. The
# rclone config file itself must be readable at the same path on every node.
# Every rank must see DEST at the same path (a shared file system).
#
# Sizing, resume (rerun the same command), --files-from REPORT.failed and exit
# codes (0 all copied or skipped, 1 some failed: rerun, 2 bad usage/config/
# credentials, nothing moved) are as described in examples/transfer.slurm.
set -uo pipefail

fail() { echo "mpirun.sh: error: $*" >&2; exit 2; }

# Arguments [SOURCE DEST] [OPTIONS...] win over the environment; with the
# first argument an option, all of them are options.
if (( $# >= 1 )) && [[ $1 != -* ]]; then
  (( $# >= 2 )) || fail "got SOURCE '$1' but no DEST argument"
  SOURCE=$1 DEST=$2
  shift 2
fi
source_url=${SOURCE:-${CAIOS2DFS_SOURCE:-}}
dest=${DEST:-${CAIOS2DFS_DEST:-}}
[[ -n $source_url ]] || fail "no source: set SOURCE=REMOTE:BUCKET[/PREFIX] (or s3://BUCKET[/PREFIX]) or pass SOURCE DEST as arguments"
[[ -n $dest ]] || fail "no destination: set DEST=/path/on/the/shared/file/system or pass SOURCE DEST as arguments"
command -v mpirun >/dev/null 2>&1 || fail "mpirun not found (Open MPI: apt-get install openmpi-bin)"
bin=${CAIOS2DFS_BIN:-caios2dfs-mpi}
command -v "$bin" >/dev/null 2>&1 || fail "'$bin' not found or not executable (set CAIOS2DFS_BIN=/path/to/caios2dfs-mpi or put it on PATH)"
bin=$(command -v "$bin")
[[ -z ${RCLONE_CONFIG:-} || -r $RCLONE_CONFIG ]] || fail "RCLONE_CONFIG=$RCLONE_CONFIG is not a readable file"

[[ -z ${NP:-} || $NP =~ ^[1-9][0-9]*$ ]] || fail "NP=$NP is not a positive number"

mpirun_options=()
read -r -a mpirun_options <<<"${MPIRUN_OPTIONS:-}"
if [[ -n ${HOSTFILE:-} ]]; then
  [[ -r $HOSTFILE ]] || fail "HOSTFILE=$HOSTFILE is not a readable file"
  ppn=${PPN:-8}
  [[ $ppn =~ ^[1-9][0-9]*$ ]] || fail "PPN=$ppn is not a positive number"
  # ppr:N:node = N ranks on every host of the hostfile, filled node by node.
  mpirun_options+=(--hostfile "$HOSTFILE" --map-by "ppr:$ppn:node")
  [[ -z ${NP:-} ]] || mpirun_options+=(-np "$NP")
  where="hosts in $HOSTFILE, $ppn per node"
else
  np=${NP:-$(nproc)}
  # One host: allow more ranks than cores (ranks mostly wait on the network).
  mpirun_options+=(-np "$np" --oversubscribe)
  where="this host only ($np ranks)"
fi

# Forward credentials and config to remote ranks (names only: -x exports the
# current value; values never appear on the command line or in ps).
while IFS= read -r name; do
  mpirun_options+=(-x "$name")
done < <(compgen -e | grep -E '^(AWS_|RCLONE_)' || true)

options=()
read -r -a options <<<"${CAIOS2DFS_OPTIONS:-}"
options+=("$@")
report=${CAIOS2DFS_REPORT-caios2dfs-$(date +%Y%m%d-%H%M%S).json}
[[ -z $report || $report == /* ]] || report=$PWD/$report
[[ -z $report ]] || options=(--report "$report" "${options[@]}")

echo "caios2dfs via mpirun on $where, started $(date -Is)"
echo "  $bin ${options[*]} $source_url $dest"
[[ -z $report ]] || echo "  report $report, failed keys ${report}.failed"
mpirun "${mpirun_options[@]}" "$bin" "${options[@]}" -- "$source_url" "$dest"
rc=$?
case $rc in
  0) echo "caios2dfs: done, every object copied or skipped ($(date -Is))" ;;
  1) echo "caios2dfs: some objects failed${report:+ (see $report; retry just them with --files-from ${report}.failed)}; run again to resume" ;;
  2) echo "caios2dfs: nothing copied: bad usage, config or credentials, or bucket unreachable (see the error above)" ;;
  *) echo "caios2dfs: mpirun exited with $rc (ranks killed or launch failed); run again to resume" ;;
esac
exit "$rc"
