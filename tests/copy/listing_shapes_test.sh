#!/usr/bin/env bash
# The parallel listing against a sequential one on many shapes of key sets,
# end to end against scripts/fake-s3 in spec mode, whose pages hold at most 7
# entries (--max-keys 7, 5 ms each): even a few hundred keys span dozens of
# pages, so --checkers 32 cuts key ranges and fans out on prefixes where
# --checkers 1 lists one page after another. Shapes: an empty bucket, one
# key, everything under one prefix, a skewed tree, keys with bytes that sort
# below '/' (a!b a-b a.b a/ a0...) at several depths, directory markers
# (keys ending in '/') among files, unicode keys, and a prefix in SOURCE
# beside sibling prefixes that must not be copied (some/prefix-other/,
# some/prefixx, some/prefix; and without its '/', SOURCE is the object
# some/prefix alone, as in rclone). For each, 4 ranks copy once with --checkers 1
# and once with 32: the copy succeeds, the report counts every key under
# SOURCE once (markers among them), and DEST holds exactly the files and
# directories computed here from the spec, the same for 1 and 32; for two
# shapes its bytes are the objects' (diff -r against --write-objects).
#   tests/copy/listing_shapes_test.sh BUILD_DIR
set -uo pipefail
PROG=listing_shapes_test
# shellcheck source=rgw_script_env.sh
. "$(dirname "$0")/rgw_script_env.sh" "$@"
while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(CAIOS2DFS_|RCLONE_|AWS_)' || true)
export AWS_ACCESS_KEY_ID=shapes AWS_SECRET_ACCESS_KEY=shapes AWS_REGION=us-east-1
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

WORK=$(mktemp -d /var/tmp/caios2dfs-listing-shapes.XXXXXX)
server_pids=()
cleanup() {
  local rc=$? pid
  for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  if (( rc == 0 )); then rm -rf -- "$WORK"; say PASSED; else say "FAILED; files kept in $WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The shapes: WORK/SHAPE.json, every object 1 to 3 bytes (seed: its index),
# and what DEST should hold once the keys under SOURCE's prefix are copied:
# WORK/SHAPE.expected, "d DIR" and "f FILE" lines in byte order (a marker is
# a directory, a key equal to the prefix the marker of DEST itself), and
# WORK/SHAPE.counts, "KEYS FILES MARKERS" (every key is listed, markers too).
python3 - "$WORK" <<'PY' || fail "could not write the specs"
import json, sys
work = sys.argv[1]

def write(shape, keys, prefix=""):
    assert len(set(keys)) == len(keys), shape
    objects = [{"key": key, "size": 0 if key.endswith("/") else 1 + i % 3, "seed": i} for i, key in enumerate(keys)]
    with open(f"{work}/{shape}.json", "w") as out:
        json.dump({"bucket": "shapes", "objects": objects}, out, ensure_ascii=False)
    entries, files, markers = set(), 0, 0
    under = [key for key in keys if key.startswith(prefix)]
    for key in under:
        relative = key[len(prefix):]
        if relative == "" or relative.endswith("/"):
            markers += 1
        else:
            files += 1
            entries.add("f " + relative)
        parents = relative.split("/")[:-1]  # of a marker "a/b/": a and a/b
        entries.update("d " + "/".join(parents[:n]) for n in range(1, len(parents) + 1))
    with open(f"{work}/{shape}.expected", "wb") as out:
        out.write(b"".join(sorted(line.encode() + b"\n" for line in entries)))
    with open(f"{work}/{shape}.counts", "w") as out:
        print(len(under), files, markers, file=out)

def chars(prefix, depth):
    """Names whose bytes sort around '/' ('!' ' ' '+' '&' '-' '.' below it,
    '0' and '~' above) at 4 depths, three of them directories per level:
    a/ a!/ a./ among the files a!b a-b a.b a0..., so that a!/x sorts before
    a!b, a/b!c before a/b/ and a/b0 after it."""
    x, y = "abcd"[depth], "bcde"[depth]
    files = [f"{x}!{y}", f"{x}-{y}", f"{x}.{y}", f"{x} {y}", f"{x}+{y}", f"{x}&{y}", f"{x}0", f"{x}~{y}"]
    dirs = [x, f"{x}!", f"{x}."]
    keys = [prefix + name for name in files]
    for name in dirs:
        keys += [prefix + name] if depth == 3 else chars(prefix + name + "/", depth + 1)
    return keys

def markers():
    keys = []
    for i in range(20):
        d = f"m{i:02d}/"
        keys += [d] + [f"{d}f{j}" for j in range(i % 4)]  # a marker, with 0 to 3 files under it
        if i % 2 == 0:
            keys += [f"{d}s/", f"{d}s/g"]  # a nested marker with a file
        if i % 5 == 0:
            keys += [f"{d}empty/", f"{d}m!x/", f"{d}m-x", f"{d}m.x/", f"{d}m0"]  # markers alone, sorting around '/'
    keys += ["lone/deep/er/", "x!/", "x/", "x/y", "x0/"]  # a marker whose parents have none
    keys += [f"flat{i}" for i in range(10)]
    return keys

def unicode():
    keys = [f"données/été/{i:02d}.txt" for i in range(40)] + [f"données/hiver/ça{i}" for i in range(10)]
    keys += [f"日本/東京/ファイル{i}" for i in range(40)] + [f"日本/大阪{i}" for i in range(20)]
    keys += [f"emoji/😀/{i}" for i in range(20)] + [f"emoji/😀{i}.bin" for i in range(20)]
    keys += [f"emoji/🎉{i}" for i in range(10)]
    keys += [f"café/{i}" for i in range(10)] + [f"cafe\u0301/{i}" for i in range(10)]  # NFC and NFD: two names
    keys += [f"Ωmega/αβγ{i}" for i in range(20)] + ["ünïcödé.txt", "zz-ß", "€uro", "a\u00a0b", "a b"]
    return keys

def prefix():
    inside = ["some/prefix/"] + [f"some/prefix/a/{i:03d}" for i in range(60)]
    inside += [f"some/prefix/b!c/{i}" for i in range(20)] + [f"some/prefix/top{i}" for i in range(30)]
    inside += [f"some/prefix/d/e/f/{i}" for i in range(20)] + ["some/prefix/sub/", "some/prefix/sub/x"]
    outside = ["some/prefix", "some/prefix!x", "some/prefix-other/", "some/prefix.d/x", "some/prefix0/y",
               "some/prefixx", "some/prefi", "some/pre/fix", "some/prefiy/z", "some/prefixé/w", "a-top", "zzz"]
    outside += [f"some/prefix-other/{i}" for i in range(30)] + [f"other/prefix/{i}" for i in range(10)]
    return inside + outside

write("empty", [])
write("one", ["only-key.bin"])
write("only", [f"only/{i}.bin" for i in range(200)])
write("skewed", [f"big/k{i:03d}" for i in range(220)] + [f"big/sub/{i}" for i in range(30)]
      + [f"s{j}/k{i}" for j in range(1, 6) for i in range(j)] + ["a-file", "top.bin", "zlast"])
write("chars", chars("", 0))
write("markers", markers())
write("unicode", unicode())
write("prefix", prefix(), "some/prefix/")
PY

copy() {  # SOURCE DEST CHECKERS
  AWS_ENDPOINT_URL=$ENDPOINT timeout 120 mpirun --oversubscribe -np 4 "$BIN" --stats 0 --transfers 4 \
    --checkers "$3" --report "$2.json" "$1" "$2" >"$2.log" 2>&1
}
# start_server SHAPE [bytes]: a fake-s3 serving WORK/SHAPE.json, its port in
# WORK/SHAPE.port once it listens; bytes: the objects written under
# WORK/SHAPE.objects. All start at once: each takes a while to start.
start_server() {
  python3 "$REPO/scripts/fake-s3" --spec "$WORK/$1.json" --max-keys 7 --page-delay-ms 5 \
    ${2:+--write-objects "$WORK/$1.objects"} --port-file "$WORK/$1.port" --log "$WORK/$1.server.log" &
  server_pids+=($!)
}
# check_shape SHAPE PREFIX [bytes]: SHAPE's bucket copied from s3://shapes/PREFIX
# with --checkers 1 and 32; bytes: DEST is also diffed against the objects.
check_shape() {
  local shape=$1 prefix=$2 bytes=${3:-} run checkers dest keys files markers want got pages=()
  local source=s3://shapes${prefix:+/$prefix}
  run=$shape${prefix:+-${prefix//\//_}}
  for _ in $(seq 300); do [[ -s $WORK/$shape.port ]] && break; sleep 0.1; done
  [[ -s $WORK/$shape.port ]] || fail "fake-s3 --spec $shape.json did not start"
  ENDPOINT=http://127.0.0.1:$(cat "$WORK/$shape.port")
  read -r keys files markers <"$WORK/$shape.counts"
  for checkers in 1 32; do
    dest=$WORK/$run-$checkers
    : >"$WORK/$shape.server.log"
    copy "$source" "$dest" "$checkers" \
      || { tail -20 "$dest.log"; fail "$shape ($source), --checkers $checkers: the copy failed"; }
    pages[checkers]=$(grep -c list-type=2 "$WORK/$shape.server.log")
    got=$(field "$dest.json" "d['objects_listed'], d['objects_copied'], d['directory_markers'], d['objects_failed'], \
      d['listing_complete']")
    want="($keys, $files, $markers, 0, True)"
    [[ $got == "$want" ]] || fail "$shape ($source), --checkers $checkers: the report's objects listed, copied," \
      "directory markers, failed and listing_complete are $got, not $want"
    if [[ -d $dest ]]; then (cd "$dest" && find . -mindepth 1 -printf '%y %P\n' | LC_ALL=C sort) >"$dest.tree"
    else : >"$dest.tree"; fi
    diff "$WORK/$shape.expected" "$dest.tree" >"$dest.diff" || {
      head -20 "$dest.diff"
      fail "$shape ($source), --checkers $checkers: DEST is not the expected tree ('<' missing, '>' extra)"
    }
    if [[ -n $bytes ]]; then
      diff -r "$WORK/$shape.objects/shapes/$prefix" "$dest" >"$dest.diff" 2>&1 \
        || { head -20 "$dest.diff"; fail "$shape ($source), --checkers $checkers: DEST's bytes are not the objects'"; }
    fi
  done
  cmp -s "$WORK/$run-1.tree" "$WORK/$run-32.tree" \
    || fail "$shape ($source): the tree listed 32 pages at a time is not the one listed one page at a time"
  say "$shape ($source): $keys keys ($files files, $markers markers), the same tree listed 1 page at a time" \
    "(${pages[1]} pages) and 32 (${pages[32]} pages)${bytes:+, bytes checked}"
}

for shape in empty one only skewed markers prefix; do start_server "$shape"; done
start_server chars bytes
start_server unicode bytes
check_shape empty ""
check_shape one ""
check_shape only ""
check_shape skewed ""
check_shape chars "" bytes
check_shape markers ""
check_shape prefix some/prefix/
# Without the '/', SOURCE is the object some/prefix, as in rclone: it alone
# lands as DEST/prefix, with a note that the prefix was left.
dest=$WORK/prefix-object
copy s3://shapes/some/prefix "$dest" 32 || { tail -20 "$dest.log"; fail "s3://shapes/some/prefix: the copy failed"; }
got=$(field "$dest.json" "d['objects_listed'], d['objects_copied'], d['objects_failed']")
[[ $got == "(1, 1, 0)" ]] || fail "s3://shapes/some/prefix: listed, copied, failed are $got, not (1, 1, 0)"
[[ $(cd "$dest" && find . -mindepth 1 -printf '%y %P\n') == "f prefix" ]] || fail "s3://shapes/some/prefix: DEST holds" \
  "$(cd "$dest" && find . -mindepth 1 -printf '%y %P ')"
grep -q "'some/prefix' is an object and also a prefix" "$dest.log" || fail "s3://shapes/some/prefix: no note"
say "prefix (s3://shapes/some/prefix): the object alone, with a note"
check_shape unicode "" bytes
