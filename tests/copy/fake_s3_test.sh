#!/usr/bin/env bash
# scripts/fake-s3, the S3 server for what the test RGW cannot show, checked
# with curl against values this test computes itself (zlib, hashlib and its
# own byte-table CRC-32C and CRC-64/NVME, whose tables are built bit by bit):
# ListObjectsV2 (keys, sizes, ETags, delimiter, pagination), the part layout
# of multipart uploads (?partNumber=N on HEAD and GET, x-amz-mp-parts-count),
# additional checksums (x-amz-checksum-mode: ENABLED; FULL_OBJECT, COMPOSITE
# and per part; none without the mode header or on a ranged GET), ranged GETs
# against the bytes --write-objects wrote, errors, keep-alive, and exit 0 on
# SIGTERM.
#   bash tests/copy/fake_s3_test.sh      (from anywhere; needs python3, curl)
# Exit 0 passed, 1 failed.
set -euo pipefail
PROG=fake_s3_test
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FAKE_S3=$REPO/scripts/fake-s3
say() { echo "$PROG: $*"; }
fail() { say "FAIL: $*"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/caios2dfs-fake-s3.XXXXXX")
server_pid=
cleanup() {
  local rc=$?
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if (( rc != 0 )) && [[ -s $WORK/requests.log ]]; then
    say "last requests the server logged:"; tail -n 5 "$WORK/requests.log" | sed 's/^/  /'
  fi
  rm -rf -- "$WORK"
  if (( rc == 0 )); then say PASSED; else say "FAILED"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP PIPE

MiB=1048576
BUCKET=fake-bucket
cat >"$WORK/spec.json" <<EOF
{"bucket": "$BUCKET", "objects": [
  {"key": "single.bin", "size": $((MiB + 5)), "seed": 1, "checksum": "crc64nvme"},
  {"key": "multi/composite.bin", "size": $((12 * MiB + 3)), "seed": 2, "part_size": $((5 * MiB)),
   "checksum": "crc32c", "checksum_type": "COMPOSITE"},
  {"key": "multi/md5.bin", "size": $((10 * MiB + 1)), "seed": 3, "part_size": $((5 * MiB)), "md5chksum": true},
  {"key": "empty", "size": 0, "seed": 4}
]}
EOF

"$FAKE_S3" --self-test >/dev/null || fail "scripts/fake-s3 --self-test"

"$FAKE_S3" --spec "$WORK/spec.json" --port-file "$WORK/port" --write-objects "$WORK/objects" \
  --log "$WORK/requests.log" &
server_pid=$!
for _ in $(seq 300); do
  [[ -s $WORK/port ]] && break
  kill -0 "$server_pid" 2>/dev/null || fail "fake-s3 exited before listening"
  sleep 0.1
done
[[ -s $WORK/port ]] || fail "fake-s3 wrote no port file within 30 s"
URL=http://127.0.0.1:$(cat "$WORK/port")/$BUCKET
OBJ=$WORK/objects/$BUCKET

# Expected values, computed here without the server's code.
python3 - "$OBJ" >"$WORK/expected" <<'PY' || fail "computing the expected values"
import base64, hashlib, sys, zlib
root = sys.argv[1]

def reflected_crc(width, poly):
    """CRC with init and xorout all ones; byte table built bit by bit."""
    table = []
    for byte in range(256):
        value = byte
        for _ in range(8):
            value = (value >> 1) ^ (poly if value & 1 else 0)
        table.append(value)
    mask = (1 << width) - 1
    def crc(data):
        value = mask
        for byte in data:
            value = table[(value ^ byte) & 0xFF] ^ (value >> 8)
        return (value ^ mask).to_bytes(width // 8, "big")
    return crc

crc32c = reflected_crc(32, 0x82F63B78)
crc64nvme = reflected_crc(64, 0x9A6C9329AC4BC9B5)
# Published check values (CRC catalogue: CRC-32/ISCSI, CRC-64/NVME; CRC-32).
assert crc32c(b"123456789").hex() == "e3069283"
assert crc64nvme(b"123456789").hex() == "ae8b14860a799888"
assert zlib.crc32(b"123456789") == 0xCBF43926
b64 = lambda raw: base64.b64encode(raw).decode()
read = lambda key: open(f"{root}/{key}", "rb").read()
part = 5 * 2**20

def multipart_etag(data):
    parts = [data[i:i + part] for i in range(0, len(data), part)]
    return hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest() + f"-{len(parts)}"

single, composite, md5obj = read("single.bin"), read("multi/composite.bin"), read("multi/md5.bin")
part_crcs = [crc32c(composite[i:i + part]) for i in range(0, len(composite), part)]
print(hashlib.md5(single).hexdigest(), multipart_etag(composite), multipart_etag(md5obj),
      hashlib.md5(b"").hexdigest(), b64(crc64nvme(single)),
      b64(crc32c(b"".join(part_crcs))) + f"-{len(part_crcs)}", b64(hashlib.md5(md5obj).digest()))
print(*(b64(value) for value in part_crcs))  # the second line: part 1, 2, 3
PY
{
  read -r etag_single etag_composite etag_md5 etag_empty crc64_single crc32c_composite md5chksum
  read -r -a crc32c_part  # crc32c_part[N-1]: part N
} <"$WORK/expected"
(( ${#crc32c_part[@]} == 3 )) || fail "expected values incomplete: $(cat "$WORK/expected")"

AUTH='Authorization: AWS4-HMAC-SHA256 x'
MODE='X-Amz-Checksum-Mode: ENABLED'
# get [curl args...] URL: the response headers in $headers, the body in $WORK/body.
get() { headers=$(curl -s -D - -o "$WORK/body" -H "$AUTH" "$@" | tr -d '\r'); }
head_req() { headers=$(curl -s -I -H "$AUTH" "$@" | tr -d '\r'); : >"$WORK/body"; }
status() { head -n1 <<<"$headers" | cut -d' ' -f2; }
header() { sed -n "s/^$1: //Ip" <<<"$headers" | head -n1; }
expect() { # expect WHAT GOT WANTED
  [[ $2 == "$3" ]] || fail "$1: got '$2', expected '$3'"
}
no_checksum() { # no_checksum WHAT
  if grep -qi '^x-amz-checksum-' <<<"$headers"; then fail "$1: unexpected $(grep -i '^x-amz-checksum-' <<<"$headers" | tr '\n' ' ')"; fi
}
bytes_of() { # bytes_of KEY FIRST COUNT: COUNT bytes of the written object from FIRST
  tail -c +$(($2 + 1)) "$OBJ/$1" | head -c "$3"
}

# --- ListObjectsV2: keys in byte order, sizes, ETags, delimiter, pagination.
get "$URL?list-type=2"
expect "list status" "$(status)" 200
grep -q '<ETag>&quot;' "$WORK/body" || fail "list: ETag not written as &quot;...&quot;"
listing=$(python3 - "$WORK/body" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"s3": "http://s3.amazonaws.com/doc/2006-03-01/"}
root = ET.parse(sys.argv[1]).getroot()
print(root.findtext("s3:KeyCount", namespaces=ns), root.findtext("s3:IsTruncated", namespaces=ns))
for c in root.findall("s3:Contents", ns):
    print(c.findtext("s3:Key", namespaces=ns), c.findtext("s3:Size", namespaces=ns),
          c.findtext("s3:ETag", namespaces=ns), c.findtext("s3:StorageClass", namespaces=ns))
PY
)
wanted="4 false
empty 0 \"$etag_empty\" STANDARD
multi/composite.bin $((12 * MiB + 3)) \"$etag_composite\" STANDARD
multi/md5.bin $((10 * MiB + 1)) \"$etag_md5\" STANDARD
single.bin $((MiB + 5)) \"$etag_single\" STANDARD"
expect "list contents" "$listing" "$wanted"

get "$URL?list-type=2&delimiter=/"
grep -q '<CommonPrefixes><Prefix>multi/</Prefix></CommonPrefixes>' "$WORK/body" || fail "list: no CommonPrefix multi/"
grep -q '<KeyCount>3</KeyCount>' "$WORK/body" || fail "list with delimiter: KeyCount is not 3 (2 keys, 1 prefix)"

keys=() token=
for _ in 1 2 3 4 5 6; do
  get -G --data-urlencode list-type=2 --data-urlencode max-keys=1 \
    ${token:+--data-urlencode "continuation-token=$token"} "$URL"
  keys+=("$(sed -n 's:.*<Key>\([^<]*\)</Key>.*:\1:p' "$WORK/body")")
  token=$(sed -n 's:.*<NextContinuationToken>\([^<]*\)</NextContinuationToken>.*:\1:p' "$WORK/body")
  [[ -n $token ]] || break
done
expect "pages of max-keys=1" "${keys[*]}" "empty multi/composite.bin multi/md5.bin single.bin"

# --- The part layout of a multipart upload.
size=$((12 * MiB + 3))
head_req "$URL/multi/composite.bin?partNumber=1"
expect "HEAD partNumber=1 status" "$(status)" 206
expect "HEAD partNumber=1 Content-Length" "$(header Content-Length)" $((5 * MiB))
expect "HEAD partNumber=1 x-amz-mp-parts-count" "$(header x-amz-mp-parts-count)" 3
expect "HEAD partNumber=1 Content-Range" "$(header Content-Range)" "bytes 0-$((5 * MiB - 1))/$size"
expect "HEAD partNumber=1 ETag" "$(header ETag)" "\"$etag_composite\""
no_checksum "HEAD partNumber=1 without the mode header"

head_req "$URL/multi/composite.bin?partNumber=3"
expect "HEAD partNumber=3 Content-Length" "$(header Content-Length)" $((2 * MiB + 3))
expect "HEAD partNumber=3 Content-Range" "$(header Content-Range)" "bytes $((10 * MiB))-$((size - 1))/$size"

get "$URL/multi/composite.bin?partNumber=4"
expect "partNumber=4 status" "$(status)" 416
grep -q '<Code>InvalidPartNumber</Code>' "$WORK/body" || fail "partNumber=4: no InvalidPartNumber"

get -H "$MODE" "$URL/multi/composite.bin?partNumber=3"
expect "GET partNumber=3 status" "$(status)" 206
cmp -s "$WORK/body" <(bytes_of multi/composite.bin $((10 * MiB)) $((2 * MiB + 3))) || fail "GET partNumber=3: wrong bytes"
expect "GET partNumber=3 checksum" "$(header x-amz-checksum-crc32c)" "${crc32c_part[2]}"
expect "GET partNumber=3 checksum type" "$(header x-amz-checksum-type)" COMPOSITE

head_req "$URL/single.bin?partNumber=1"
expect "single-part partNumber=1 Content-Length" "$(header Content-Length)" $((MiB + 5))
[[ -z $(header x-amz-mp-parts-count) ]] || fail "single-part partNumber=1: x-amz-mp-parts-count sent"
head_req "$URL/single.bin?partNumber=2"
expect "single-part partNumber=2 status" "$(status)" 416

# --- ETags.
head_req "$URL/multi/composite.bin"
expect "multipart ETag" "$(header ETag)" "\"$etag_composite\""
[[ $etag_composite == *-3 ]] || fail "multipart ETag $etag_composite has no -3"
head_req "$URL/multi/md5.bin"
expect "md5 object ETag" "$(header ETag)" "\"$etag_md5\""
expect "md5 object x-amz-meta-md5chksum" "$(header x-amz-meta-md5chksum)" "$md5chksum"

# --- Additional checksums.
head_req -H "$MODE" "$URL/single.bin"
expect "single crc64nvme" "$(header x-amz-checksum-crc64nvme)" "$crc64_single"
expect "single checksum type" "$(header x-amz-checksum-type)" FULL_OBJECT
get -H 'x-amz-checksum-mode: enabled' "$URL/single.bin"
expect "GET single status" "$(status)" 200
cmp -s "$WORK/body" "$OBJ/single.bin" || fail "GET single.bin: wrong bytes"
expect "GET single crc64nvme (lower-case mode header)" "$(header x-amz-checksum-crc64nvme)" "$crc64_single"

head_req -H "$MODE" "$URL/multi/composite.bin"
expect "composite crc32c" "$(header x-amz-checksum-crc32c)" "$crc32c_composite"
expect "composite checksum type" "$(header x-amz-checksum-type)" COMPOSITE
for n in 1 2; do
  head_req -H "$MODE" "$URL/multi/composite.bin?partNumber=$n"
  expect "composite part $n crc32c" "$(header x-amz-checksum-crc32c)" "${crc32c_part[n - 1]}"
done

head_req -H "$MODE" "$URL/multi/md5.bin"
no_checksum "object without a checksum"
head_req "$URL/single.bin"
no_checksum "single.bin without the mode header"
get "$URL/multi/composite.bin"
no_checksum "GET composite without the mode header"
cmp -s "$WORK/body" "$OBJ/multi/composite.bin" || fail "GET multi/composite.bin: wrong bytes"

# --- Ranged GETs: exact bytes, no checksum even with the mode header.
get -H "$MODE" -H 'Range: bytes=1000-99999' "$URL/single.bin"
expect "ranged GET status" "$(status)" 206
expect "ranged GET Content-Range" "$(header Content-Range)" "bytes 1000-99999/$((MiB + 5))"
cmp -s "$WORK/body" <(bytes_of single.bin 1000 99000) || fail "ranged GET: wrong bytes"
no_checksum "ranged GET with the mode header"
get -H "$MODE" -H "Range: bytes=$((9 * MiB))-" "$URL/multi/composite.bin"
cmp -s "$WORK/body" <(bytes_of multi/composite.bin $((9 * MiB)) $((3 * MiB + 3))) || fail "open-ended ranged GET: wrong bytes"
no_checksum "open-ended ranged GET"
get -H "Range: bytes=$((MiB + 5))-" "$URL/single.bin"
expect "range past the end" "$(status)" 416

# --- The 0-byte object.
head_req "$URL/empty"
expect "empty Content-Length" "$(header Content-Length)" 0
expect "empty ETag" "$(header ETag)" "\"$etag_empty\""
get "$URL/empty"
expect "GET empty status" "$(status)" 200
[[ ! -s $WORK/body ]] || fail "GET empty: non-empty body"

# --- Errors.
headers=$(curl -s -D - -o "$WORK/body" "$URL/single.bin" | tr -d '\r')
expect "request without Authorization" "$(status)" 400
get "$URL/missing"
expect "missing key status" "$(status)" 404
grep -q '<Code>NoSuchKey</Code>' "$WORK/body" || fail "missing key: no NoSuchKey body"
expect "missing key Content-Length" "$(header Content-Length)" "$(stat -c %s "$WORK/body")"
head_req "$URL/missing"
expect "HEAD missing key" "$(status)" 404
get "${URL}-other?list-type=2"
expect "unknown bucket" "$(status)" 404
grep -q '<Code>NoSuchBucket</Code>' "$WORK/body" || fail "unknown bucket: no NoSuchBucket body"
get -H 'If-Match: "0123"' "$URL/single.bin"
expect "If-Match mismatch" "$(status)" 412
get -H "If-Match: \"$etag_single\"" "$URL/single.bin"
expect "If-Match match" "$(status)" 200

# --- Keep-alive: the second request of one curl reuses the connection.
connects=$(curl -s -H "$AUTH" -o /dev/null -o /dev/null -w '%{num_connects} ' "$URL/empty" "$URL/multi/md5.bin?partNumber=1")
expect "connections opened for two requests" "$connects" "1 0 "

grep -q '^HEAD /fake-bucket/single.bin range=- 200 checksum=x-amz-checksum-crc64nvme,x-amz-checksum-type$' \
  "$WORK/requests.log" || fail "the request log lacks the checksum HEAD of single.bin"

# --- SIGTERM: exit status 0, promptly.
kill -TERM "$server_pid"
for _ in $(seq 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$server_pid" 2>/dev/null && fail "fake-s3 still runs 5 s after SIGTERM"
rc=0; wait "$server_pid" || rc=$?
server_pid=
expect "exit status after SIGTERM" "$rc" 0
