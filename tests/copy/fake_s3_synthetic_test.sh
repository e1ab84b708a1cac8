#!/usr/bin/env bash
# scripts/fake-s3 --synthetic, the computed bucket for listing tests and
# benchmarks, checked with a python3 client (http.client, keep-alive) against
# key lists this test builds with its own formulas: full paged listings
# (max-keys 1000 and 333), delimiter listings and the keys under each common
# prefix, start-after at keys, between keys, below and above every key and at
# a prefix, prefix listings, the empty and the one-key bucket, HEAD, GET and
# ranged GET of synthetic objects (size and ETag = MD5 of the bytes received),
# --page-delay-ms (one page waits, pages on other connections overlap; spec
# mode too), and the options refused.
#   bash tests/copy/fake_s3_synthetic_test.sh   (from anywhere; needs python3)
# Exit 0 passed, 1 failed.
set -euo pipefail
PROG=fake_s3_synthetic_test
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FAKE_S3=$REPO/scripts/fake-s3
say() { echo "$PROG: $*"; }
fail() { say "FAIL: $*"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/caios2dfs-fake-s3-synthetic.XXXXXX")
server_pids=()
cleanup() {
  local rc=$? pid
  for pid in "${server_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  rm -rf -- "$WORK"
  if (( rc == 0 )); then say PASSED; else say FAILED; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

# start NAME ARGS...: a fake-s3 whose port lands in $WORK/NAME.port.
start() {
  local name=$1
  shift
  "$FAKE_S3" "$@" --port-file "$WORK/$name.port" --log "$WORK/$name.log" &
  server_pids+=($!)
}
# port NAME: the port of server NAME once it listens (a failure goes to stderr:
# stdout is the port).
port() {
  local _
  for _ in $(seq 300); do
    [[ -s $WORK/$1.port ]] && { cat "$WORK/$1.port"; return; }
    sleep 0.1
  done
  fail "fake-s3 $1 wrote no port file within 30 s" >&2
}

# --- The servers, all started at once, checked below.
echo '{"bucket": "tiny", "objects": [{"key": "one", "size": 3, "seed": 1}]}' >"$WORK/tiny.json"
start tree --synthetic tree:25000:7
start flat --synthetic flat:10001 --bucket flat-bucket
start skew --synthetic skew:5001:5
start empty --synthetic tree:0:3
start one --synthetic tree:1:1
start sized --synthetic tree:1000:3 --object-size 100 --bucket sized
start big --synthetic flat:3 --object-size 3000005
start slow --synthetic tree:25000:7 --page-delay-ms 200
start slowspec --spec "$WORK/tiny.json" --page-delay-ms 200

# --- Refused: each must exit non-zero with a message, without serving. In
# parallel: a python3 start is most of what each costs.
refused() { # refused NAME PATTERN ARGS...: a background job; its status is waited for below
  local name=$1 pattern=$2
  shift 2
  (
    if timeout 20 "$FAKE_S3" "$@" --port-file "$WORK/refused-$name.port" >/dev/null 2>"$WORK/refused-$name.err"; then
      say "FAIL: $*: accepted"; exit 1
    fi
    grep -q -- "$pattern" "$WORK/refused-$name.err" || { say "FAIL: $*: no '$pattern' in: $(cat "$WORK/refused-$name.err")"; exit 1; }
    [[ ! -e $WORK/refused-$name.port ]] || { say "FAIL: $*: wrote its port file"; exit 1; }
  ) &
  refused_pids+=($!)
}
refused_pids=()
refused write-objects write-objects --synthetic tree:10:2 --write-objects "$WORK/objects"
refused spec-and-synthetic "not allowed with" --synthetic tree:10:2 --spec "$WORK/tiny.json"
refused object-size object-size --spec "$WORK/tiny.json" --object-size 5
refused bucket bucket --spec "$WORK/tiny.json" --bucket other
n=0
for shape in tree:10:0 ring:5 skew:200000000:1; do
  refused "shape-$((n++))" "--synthetic" --synthetic "$shape"
done
for pid in "${refused_pids[@]}"; do wait "$pid" || fail "an invalid command line was not refused (above)"; done

cat >"$WORK/client.py" <<'PY'
"""The checks, one a line on stdin: listing|objects|delay PORT BUCKET [SHAPE]."""
import bisect, hashlib, http.client, random, re, sys, threading, time, urllib.parse
import xml.etree.ElementTree as ET

NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
EMPTY_ETAG = '"d41d8cd98f00b204e9800998ecf8427e"'  # MD5 of nothing


def fail(why):
    print(f"fake_s3_synthetic_test: FAIL: {why}", file=sys.stderr)
    sys.exit(1)


def check(ok, why):
    if not ok:
        fail(why)


def spread(keys, prefixes):
    """keys over prefixes evenly, the first keys % prefixes holding one more."""
    return [keys // prefixes + (1 if j < keys % prefixes else 0) for j in range(prefixes)]


def expected_keys(shape):
    kind, *numbers = shape.split(":")
    numbers = [int(n) for n in numbers]
    if kind == "flat":
        (count,) = numbers
        return [format(i * (16 ** 12 // count), "012x") for i in range(count)]
    count, prefixes = numbers
    if kind == "tree":
        sizes = spread(count, prefixes)
    elif prefixes == 1:
        sizes = [count]
    else:  # skew: p00000/ holds the larger half
        sizes = [count - count // 2] + spread(count // 2, prefixes - 1)
    return [f"p{j:05d}/k{m:08d}" for j, size in enumerate(sizes) for m in range(size)]


def reference(keys, prefix="", delimiter="", start_after=""):
    """(keys, common prefixes) of a listing, by a scan of every key (ASCII keys:
    str order is byte order)."""
    listed, common = [], []
    for key in keys:
        if not key.startswith(prefix) or (start_after and key <= start_after):
            continue
        cut = key.find(delimiter, len(prefix)) if delimiter else -1
        if cut < 0:
            listed.append(key)
        elif not common or common[-1] != key[:cut + len(delimiter)]:
            common.append(key[:cut + len(delimiter)])
    return listed, common


class Client:
    def __init__(self, port, bucket):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.connection.connect()
        self.socket = self.connection.sock
        self.bucket = bucket

    def request(self, method, target, headers=()):
        self.connection.request(method, target, headers={"Authorization": "x", **dict(headers)})
        response = self.connection.getresponse()
        body = response.read()
        check(self.connection.sock is self.socket, f"{method} {target}: the connection was not kept alive")
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def page(self, **params):
        """One page, parsed by ElementTree (which also checks the XML), each
        element by itself."""
        query = urllib.parse.urlencode({"list-type": "2", **{k.replace("_", "-"): v for k, v in params.items()}})
        status, _, body = self.request("GET", f"/{self.bucket}?{query}")
        check(status == 200, f"list {query}: status {status}: {body[:300]!r}")
        root = ET.fromstring(body)
        text = lambda name: root.findtext(NS + name)
        contents = root.findall(NS + "Contents")
        page = {"keys": [c.findtext(NS + "Key") for c in contents],
                "sizes": [int(c.findtext(NS + "Size")) for c in contents],
                "etags": [c.findtext(NS + "ETag") for c in contents],
                "prefixes": [p.findtext(NS + "Prefix") for p in root.findall(NS + "CommonPrefixes")],
                "key_count": int(text("KeyCount")), "truncated": text("IsTruncated"),
                "token": text("NextContinuationToken")}
        # Most listings below parse with these expressions, ten times faster: same result?
        check(page["keys"] == fast_keys(body) and page["prefixes"] == fast_prefixes(body), f"list {query}: parsing")
        return page

    def fast_page(self, **params):
        """Keys, common prefixes, KeyCount, IsTruncated and token of one page."""
        query = urllib.parse.urlencode({"list-type": "2", **{k.replace("_", "-"): v for k, v in params.items()}})
        status, _, body = self.request("GET", f"/{self.bucket}?{query}")
        check(status == 200, f"list {query}: status {status}: {body[:300]!r}")
        head = body[:body.find(b"<Contents>")] if b"<Contents>" in body else body
        field = lambda name: (re.search(b"<%s>([^<]*)</%s>" % (name, name), head) or [None, None])[1]
        token = field(b"NextContinuationToken")
        return {"keys": fast_keys(body), "prefixes": fast_prefixes(body), "key_count": int(field(b"KeyCount")),
                "truncated": field(b"IsTruncated").decode(), "token": token and token.decode()}

    def listing(self, max_keys=1000, full_parse=False, **params):
        """(keys, common prefixes, sizes, etags) of every page, each page checked;
        sizes and etags only with full_parse (ElementTree)."""
        keys, prefixes, sizes, etags, token = [], [], [], [], None
        what = f"list max-keys={max_keys} {params}"
        get_page = self.page if full_parse else self.fast_page
        for _ in range(100000):
            page = get_page(max_keys=max_keys, **params, **({"continuation_token": token} if token else {}))
            count = len(page["keys"]) + len(page["prefixes"])
            check(page["key_count"] == count, f"{what}: KeyCount {page['key_count']}, {count} entries")
            check(count <= max_keys, f"{what}: {count} entries, max-keys {max_keys}")
            keys += page["keys"]; prefixes += page["prefixes"]
            if full_parse:
                sizes += page["sizes"]; etags += page["etags"]
            if page["truncated"] == "false":
                check(page["token"] is None, f"{what}: a NextContinuationToken on the last page")
                break
            check(page["truncated"] == "true" and page["token"], f"{what}: truncated without a token")
            check(count == max_keys, f"{what}: a truncated page of {count} entries")
            token = page["token"]
        check(len(set(keys)) == len(keys) and len(set(prefixes)) == len(prefixes), f"{what}: duplicates")
        return keys, prefixes, sizes, etags

    def expect(self, expected, max_keys=1000, **params):
        keys, prefixes, _, _ = self.listing(max_keys, **params)
        wanted_keys, wanted_prefixes = reference(expected, **params)
        if keys != wanted_keys:
            missing = sorted(set(wanted_keys) - set(keys))[:3]
            extra = sorted(set(keys) - set(wanted_keys))[:3]
            fail(f"list max-keys={max_keys} {params}: {len(keys)} keys, expected {len(wanted_keys)} "
                 f"(missing {missing}, unexpected {extra}, first {keys[:2]}, expected first {wanted_keys[:2]})")
        check(prefixes == wanted_prefixes, f"list {params}: common prefixes {prefixes[:5]}..., "
              f"expected {wanted_prefixes[:5]}... ({len(prefixes)} vs {len(wanted_prefixes)})")
        return keys, prefixes


def check_listing(port, bucket, shape):
    expected = expected_keys(shape)
    client = Client(port, bucket)
    rng = random.Random(shape)
    for max_keys, full_parse in ((1000, True), (333, False)):
        keys, _, sizes, etags = client.listing(max_keys, full_parse)
        check(keys == expected, f"{shape}: full listing of max-keys {max_keys}: {len(keys)} keys, "
              f"expected {len(expected)}, first {keys[:2]}")
        if full_parse:
            check(set(sizes) <= {0} and set(etags) <= {EMPTY_ETAG}, f"{shape}: sizes {set(sizes)}, ETags {set(etags)}")
    first_page = client.page(max_keys=1000, delimiter="/")
    wanted_keys, wanted_prefixes = reference(expected, delimiter="/")
    check(first_page["prefixes"] == wanted_prefixes[:1000]
          and first_page["keys"] == wanted_keys[:1000 - len(first_page["prefixes"])], f"{shape}: delimiter page")
    first_page = client.page(max_keys=1000)
    check(first_page["truncated"] == ("true" if len(expected) > 1000 else "false"), f"{shape}: IsTruncated")

    # Delimiter: the common prefixes, then the keys under each.
    for max_keys in (1000, 2):
        _, prefixes = client.expect(expected, max_keys, delimiter="/")
    for prefix in prefixes:
        keys, _ = client.expect(expected, prefix=prefix, delimiter="/")
        check(keys and all(k.startswith(prefix) for k in keys), f"{shape}: no keys under {prefix}")

    # start-after: at keys, between keys, below and above every key, at a prefix.
    probes = ["!", "zzz", "0", "p", "p0000", "p00003", "p00003/", "p00002/z", "p00002/k"]
    if expected:
        probes += rng.sample(expected, min(5, len(expected)))
        probes += [key + "5" for key in rng.sample(expected, min(3, len(expected)))]  # between two keys
        probes += [expected[0][:-1], expected[-1]]  # below every key; the last key
    for probe in probes:
        keys, _ = client.expect(expected, start_after=probe)
        check(keys == expected[bisect.bisect_right(expected, probe):], f"{shape}: start-after {probe!r}")
    for probe in probes[:4] + probes[-4:]:
        client.expect(expected, 333, start_after=probe, delimiter="/")

    # Prefixes: a prefix, a partial prefix, a partial key.
    for prefix in ("p00003/", "p0000", "p00001/k0000001", "8", "a1", "0000", "q"):
        client.expect(expected, prefix=prefix)
        client.expect(expected, 333, prefix=prefix, delimiter="/")
    status, _, _ = client.request("HEAD", f"/{bucket}/p00000/k0000000")  # one digit short
    check(status == 404, f"{shape}: HEAD of a key that is not there: {status}")
    print(f"  {shape}: {len(expected)} keys, {len(prefixes)} common prefixes, {len(probes)} start-after probes: ok")


def check_objects(port, bucket, shape):
    """HEAD, GET and ranged GET: sizes, ETags = MD5 of the bytes received."""
    expected = expected_keys(shape)
    client = Client(port, bucket)
    listed_keys, _, listed_sizes, listed_etags = client.listing(full_parse=True)
    check(listed_keys == expected, f"{shape}: listing")
    listed = dict(zip(listed_keys, zip(listed_sizes, listed_etags)))
    bodies = set()
    for key in {expected[0], expected[len(expected) // 2], expected[-1]}:
        size, etag = listed[key]
        status, headers, _ = client.request("HEAD", f"/{bucket}/{key}")
        check(status == 200 and int(headers["content-length"]) == size, f"HEAD {key}: {status}, {headers}")
        check(headers["etag"] == etag and headers.get("last-modified"), f"HEAD {key}: {headers}")
        status, headers, body = client.request("GET", f"/{bucket}/{key}")
        check(status == 200 and len(body) == size, f"GET {key}: {status}, {len(body)} bytes, listed {size}")
        check(headers["etag"] == etag == f'"{hashlib.md5(body).hexdigest()}"',
              f"GET {key}: ETag {headers['etag']}, listed {etag}, MD5 of the body {hashlib.md5(body).hexdigest()}")
        bodies.add(body)
        for first, last in ((10, 49), (size - 20, size - 1), (1048570, 1048589), (1000001, 2999999)):
            if last >= size:
                continue
            status, headers, part = client.request("GET", f"/{bucket}/{key}", {"Range": f"bytes={first}-{last}"})
            check(status == 206 and part == body[first:last + 1], f"GET {key} bytes={first}-{last}: {status}")
            check(headers["content-range"] == f"bytes {first}-{last}/{size}", f"Content-Range {headers}")
        status, _, part = client.request("GET", f"/{bucket}/{key}", {"Range": "bytes=-7"})
        check(status == 206 and part == body[-7:], f"GET {key} bytes=-7")
        status, _, _ = client.request("GET", f"/{bucket}/{key}", {"If-Match": etag})
        check(status == 200, f"GET {key} If-Match its ETag: {status}")
    check(len(bodies) == len({expected[0], expected[len(expected) // 2], expected[-1]}),
          f"{shape}: two objects with the same bytes")
    status, _, body = client.request("GET", f"/{bucket}/{expected[-1]}0")
    check(status == 404 and b"<Code>NoSuchKey</Code>" in body, f"GET of a key that is not there: {status}")
    print(f"  {shape}, {listed_sizes[0]} bytes an object: HEAD, GET, ranged GET: ok")


def check_delay(port, bucket, spec_key=None):
    """One page takes >= 0.2 s; 4 pages on 4 connections overlap."""
    client = Client(port, bucket)
    began = time.monotonic()
    client.page(max_keys=1000)
    one_page = time.monotonic() - began
    check(one_page >= 0.2, f"{bucket}: one page took {one_page:.3f} s, --page-delay-ms 200")
    began = time.monotonic()
    status, _, _ = client.request("HEAD", f"/{bucket}/{spec_key or 'p00000/k00000000'}")
    head = time.monotonic() - began
    check(status == 200 and head < 0.15, f"{bucket}: HEAD took {head:.3f} s (status {status}): not a listing")
    if spec_key:
        print(f"  spec --page-delay-ms 200: one page {one_page:.3f} s, HEAD {head:.3f} s: ok")
        return
    clients = [Client(port, bucket) for _ in range(4)]
    start = threading.Barrier(len(clients) + 1)
    failures = []

    def fetch(client, after):
        start.wait()
        try:
            client.page(max_keys=1000, start_after=after)
        except BaseException as error:  # SystemExit from check() too
            failures.append(repr(error))

    threads = [threading.Thread(target=fetch, args=(c, f"p0000{i}/")) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.monotonic()
    for thread in threads:
        thread.join()
    four_pages = time.monotonic() - began
    check(not failures, f"concurrent pages: {failures}")
    check(four_pages < 0.6, f"4 pages on 4 connections took {four_pages:.3f} s: not concurrent")
    print(f"  --page-delay-ms 200: one page {one_page:.3f} s, 4 concurrent pages {four_pages:.3f} s, HEAD {head:.3f} s: ok")


def fast_keys(body):
    return [key.decode() for key in re.findall(rb"<Key>([^<]*)</Key>", body)]


def fast_prefixes(body):
    return [prefix.decode() for prefix in re.findall(rb"<CommonPrefixes><Prefix>([^<]*)</Prefix>", body)]


if __name__ == "__main__":
    for line in sys.stdin:
        command, port, bucket, *rest = line.split()
        {"listing": check_listing, "objects": check_objects, "delay": check_delay}[command](int(port), bucket, *rest)
PY

declare -A ports
for name in tree flat skew empty one sized big slow slowspec; do ports[$name]=$(port "$name"); done
# One python3 for every check (a start costs more than most checks).
python3 -B "$WORK/client.py" <<EOF || fail "the checks above"
listing ${ports[tree]} synthetic tree:25000:7
listing ${ports[flat]} flat-bucket flat:10001
listing ${ports[skew]} synthetic skew:5001:5
listing ${ports[empty]} synthetic tree:0:3
listing ${ports[one]} synthetic tree:1:1
objects ${ports[sized]} sized tree:1000:3
objects ${ports[big]} synthetic flat:3
delay ${ports[slow]} synthetic
delay ${ports[slowspec]} tiny one
EOF
grep -q '^GET /synthetic?list-type=2&max-keys=1000 range=- 200 checksum=-$' "$WORK/tree.log" \
  || fail "the request log of tree lacks the first listing page"

# --- SIGTERM: every server exits 0, promptly.
for pid in "${server_pids[@]}"; do kill -TERM "$pid"; done
for pid in "${server_pids[@]}"; do
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$pid" 2>/dev/null && fail "a fake-s3 still runs 5 s after SIGTERM"
  rc=0
  wait "$pid" || rc=$?
  (( rc == 0 )) || fail "a fake-s3 exited $rc after SIGTERM"
done
server_pids=()
