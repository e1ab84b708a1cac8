#!/usr/bin/env python3
"""The layers include one way only (see src/CMakeLists.txt).

For every source and header under src/<layer>/, include/caios2dfs/<layer>/
and tests/<layer>/, each `#include "caios2dfs/<other>/..."` must name the
layer itself or one it may use. Exit 1 with one line per wrong-way include.
Also fails on an include cycle between modules (a module is x.hpp with
x.cpp), within a layer or across.

    python3 tests/layering_check.py [PROJECT_ROOT]
"""
import os
import re
import sys

# Each layer and the layers it may include directly (transitive use is fine).
ALLOWED = {
    "base": set(),
    "http": {"base"},
    "s3": {"base", "http"},
    "config": {"base", "http", "s3"},
    "fileio": {"base"},
    "mpi": {"base"},
    "copy": {"base", "http", "s3", "fileio", "mpi"},
    "cli": {"base", "http", "s3", "config", "fileio", "mpi", "copy"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s+"caios2dfs/([a-z0-9_]+)/([a-z0-9_]+\.hpp)"', re.M)
# A header private to a folder, included from beside it.
PRIVATE_INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z0-9_]+)\.hpp"', re.M)


def layer_files(root):
    for top in ("src", os.path.join("include", "caios2dfs"), "tests"):
        for layer in ALLOWED:
            folder = os.path.join(root, top, layer)
            if not os.path.isdir(folder):
                continue
            for directory, _, names in os.walk(folder):
                for name in names:
                    if name.endswith((".cpp", ".hpp")):
                        yield layer, os.path.join(directory, name)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    problems = []
    graph = {}  # module "layer/name" (its .hpp and .cpp together) -> modules it includes
    checked = 0
    for layer, path in layer_files(root):
        checked += 1
        text = open(path, encoding="utf-8").read()
        relative = os.path.relpath(path, root)
        for target_layer, header in INCLUDE.findall(text):
            if target_layer not in ALLOWED:
                problems.append(f"{relative}: includes caios2dfs/{target_layer}/{header}: no such layer")
            elif target_layer != layer and target_layer not in ALLOWED[layer]:
                problems.append(f"{relative}: layer '{layer}' includes caios2dfs/{target_layer}/{header}, "
                                f"a layer above it (allowed: {', '.join(sorted(ALLOWED[layer])) or 'none'})")
            if not relative.startswith("tests"):
                graph.setdefault(module_of(layer, path), set()).add(f"{target_layer}/{header[:-4]}")
        if relative.startswith("src"):
            for header in PRIVATE_INCLUDE.findall(text):
                graph.setdefault(module_of(layer, path), set()).add(module_of(layer, header + ".hpp"))
    problems += cycles(graph)
    if checked == 0:
        problems.append(f"no source files found under {root}: wrong root?")
    for problem in problems:
        print(problem)
    print(f"layering: {checked} files checked, {len(problems)} problem(s)")
    return 1 if problems else 0


def module_of(layer, path):
    # x_internal.hpp is the private half of module x.
    return f"{layer}/{os.path.splitext(os.path.basename(path))[0].removesuffix('_internal')}"


def cycles(graph):
    """Cycles between modules: a module's own .cpp including its .hpp is no edge."""
    found, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph.get(node, set()) - {node}):
            if state.get(nxt) == "open":
                found.append("include cycle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


if __name__ == "__main__":
    sys.exit(main())
