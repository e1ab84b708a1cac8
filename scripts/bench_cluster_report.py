#!/usr/bin/python3
"""Tables (and a plot) for scripts/bench-cluster from its results file.

Each results line: LABEL NODES WALL_SECONDS SAMPLES_FILE INSIDE_SECONDS (the
program's own wall time from its report, or "-"), where the samples
file holds "seconds cpu_idle cpu_total b0 b1 ..." rows: the machine's idle
and total CPU jiffies, and each node's link counter (bytes received), every
0.2 s, from 0.3 s before the run started.
"""
import sys

START_OFFSET = 0.3  # the sampler starts this long before the run
ACTIVE_BYTES = 256 * 1024  # a node moving less than this in a sample is idle


def rows_of(path):
    return [list(map(float, line.split())) for line in open(path) if line.strip()]


def load(path, nodes):
    rows = rows_of(path)
    times = [r[0] - START_OFFSET for r in rows]
    counters = [[r[3 + i] for r in rows] for i in range(nodes)]
    return times, counters


def cpu_busy(path, wall):
    """The share of the machine's CPU time not idle from the run's start to its end."""
    rows = rows_of(path)
    inside = [r for r in rows if 0 <= r[0] - START_OFFSET <= wall] or rows
    idle, total = inside[-1][1] - inside[0][1], inside[-1][2] - inside[0][2]
    return 1 - idle / total if total > 0 else 0.0


def in_program(inside):
    """", 23.1 s in the program" from the program's own wall time, or nothing."""
    return "" if inside == "-" else f", {float(inside):.1f} s in the program"


def median_run(runs):
    """The run of median wall time among (wall, nodes, samples, inside) runs."""
    return sorted(runs)[len(runs) // 2]


def node_stats(times, counters, wall):
    """Per node: bytes received, and idle seconds from its last active sample to the job's end."""
    stats = []
    for c in counters:
        last_active = 0.0
        for k in range(1, len(c)):
            if c[k] - c[k - 1] >= ACTIVE_BYTES:
                last_active = times[k]
        stats.append((c[-1] - c[0], max(0.0, wall - last_active)))
    return stats


def main():
    mode, results, total, node_mbs, store_mbs, per_node, transfers = sys.argv[1:8]
    plot = sys.argv[8] if len(sys.argv) > 8 else ""
    total, node_mbs, store_mbs = int(total), float(node_mbs), float(store_mbs)
    runs = {}
    for line in open(results):
        label, n, wall, samples, inside = line.split()
        tool = label.rsplit("-", 1)[0]
        runs.setdefault(tool, []).append((float(wall), int(n), samples, inside))
    print(f"{total / 1e6:.0f} MB; each node capped at {node_mbs:g} MB/s, the store at {store_mbs:g} MB/s; "
          f"{per_node} ranks per node x {transfers} transfers (rclone: --transfers {int(per_node) * int(transfers)} "
          f"per node); medians of {len(next(iter(runs.values())))} rounds")
    if mode == "scaling":
        print("| nodes | node caps | ceiling | caios2dfs-mpi | of the ceiling | bytes per node (MB) | CPU busy |")
        print("|---|---|---|---|---|---|---|")
        for tool in sorted(runs, key=lambda t: int(t.split("-")[1])):
            wall, n, samples, inside = median_run(runs[tool])
            times, counters = load(samples, len(open(samples).readline().split()) - 3)
            ceiling = min(n * node_mbs, store_mbs)
            rate = total / wall / 1e6
            per_node_bytes = " / ".join(f"{b / 1e6:.0f}" for b, _ in node_stats(times, counters, wall)[:n])
            print(f"| {n} | {n * node_mbs:g} MB/s | {ceiling:g} MB/s | {rate:.1f} MB/s ({wall:.1f} s{in_program(inside)}) | "
                  f"{100 * rate / ceiling:.0f}% | {per_node_bytes} | {100 * cpu_busy(samples, wall):.0f}% |")
        return
    n = next(iter(runs.values()))[0][1]
    ideal = total / 1e6 / min(n * node_mbs, store_mbs)
    print(f"ideal: {ideal:.1f} s (total bytes over the smaller of {n} x {node_mbs:g} MB/s and the store's "
          f"{store_mbs:g} MB/s)")
    print("| tool | finish (median) | rounds | of the ideal | MB per node | idle s per node | CPU busy |")
    print("|---|---|---|---|---|---|---|")
    chosen = {}
    for tool in ("recipe", "caios"):
        wall, _, samples, inside = median_run(runs[tool])
        chosen[tool] = (wall, samples)
        times, counters = load(samples, n)
        stats = node_stats(times, counters, wall)
        name = "seed recipe (split -n l/N + rclone)" if tool == "recipe" else "caios2dfs-mpi"
        print(f"| {name} | {wall:.1f} s{in_program(inside)} | {', '.join(f'{w:.1f}' for w, _, _, _ in runs[tool])} | "
              f"{wall / ideal:.2f}x | {' / '.join(f'{b / 1e6:.0f}' for b, _ in stats)} | "
              f"{' / '.join(f'{i:.1f}' for _, i in stats)} | {100 * cpu_busy(samples, wall):.0f}% |")
    if plot:
        draw(plot, chosen, n, ideal, node_mbs)


def draw(path, chosen, n, ideal, node_mbs):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(2, 1, figsize=(9, 6), sharex=True)
    for ax, (tool, title) in zip(axes, (("recipe", "seed recipe: split -n l/N, rclone per node"),
                                         ("caios", "caios2dfs-mpi"))):
        wall, samples = chosen[tool]
        times, counters = load(samples, n)
        for i, c in enumerate(counters):
            # Throughput over a 1 s window (5 samples), in MB/s.
            xs, ys = [], []
            for k in range(5, len(c)):
                xs.append(times[k])
                ys.append((c[k] - c[k - 5]) / (times[k] - times[k - 5]) / 1e6)
            ax.plot(xs, ys, label=f"node {i}")
        ax.axvline(ideal, color="grey", linestyle="--", label="ideal finish")
        ax.axvline(wall, color="black", linestyle=":", label=f"finish {wall:.1f} s")
        ax.set_title(title)
        ax.set_ylabel("MB/s received")
        ax.set_ylim(0, node_mbs * 1.2)
        ax.legend(loc="upper right", fontsize="small")
    axes[-1].set_xlabel("seconds since start")
    fig.tight_layout()
    fig.savefig(path, dpi=80)


if __name__ == "__main__":
    main()
