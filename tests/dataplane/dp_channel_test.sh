#!/usr/bin/env bash
# Starts the real siprelay-dataplane (net_null ports, no hugepages) and drives
# dataplane.sock with siprelay-dpclient: hello, create, query, list, stats, delete,
# and the created/deleted events another client receives.
#   dp_channel_test.sh DATAPLANE DPCLIENT
set -euo pipefail
DP=$1
CL=$2
# shellcheck source=tests/lib/null_dataplane.sh
. "$(dirname "$0")/../lib/null_dataplane.sh"
T=$(mktemp -d /tmp/dpch.XXXXXX)
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- dataplane log"; cat "$T/dp.log"; exit 1; }

null_dataplane_config "$T"

null_dataplane_start "$DP" "$T" "dpch$$"
PID=$NULL_DP_PID
for _ in $(seq 100); do [ -S "$T/dp.sock" ] && break; sleep 0.1; done
[ -S "$T/dp.sock" ] || fail "dataplane.sock did not appear"
[ "$(stat -c %a "$T/dp.sock")" = 660 ] || fail "socket mode is $(stat -c %a "$T/dp.sock")"

"$CL" -s "$T/dp.sock" events 3 > "$T/events.txt" &
EV=$!
sleep 0.3

out=$("$CL" -s "$T/dp.sock" hello)
echo "$out"
# the version the data plane was built with (include/siprelay/dp_proto.h)
ver=$(sed -n "s/^#define DP_PROTO_VERSION \([0-9]*\).*/\1/p" "$(dirname "$0")/../../include/siprelay/dp_proto.h")
grep -q "version=$ver capacity=1000 interfaces=2" <<<"$out" || fail "hello: $out"

out=$("$CL" -s "$T/dp.sock" create access 192.168.77.2:4000 core 198.18.2.2:5000 --session 42 --call-id abc@lab)
echo "$out"
grep -q "status=0" <<<"$out" || fail "create: $out"
handle=$(sed -n 's/.*reply.* handle=\([0-9]*\) gen=\([0-9]*\).*/\1/p' <<<"$out")
gen=$(sed -n 's/.*reply.* handle=\([0-9]*\) gen=\([0-9]*\).*/\2/p' <<<"$out")
grep -q "local_a=198.18.1.1:30000 local_b=198.18.2.1:40000" <<<"$out" || fail "ports: $out"

out=$("$CL" -s "$T/dp.sock" create access - core - --session 43)
grep -q "local_a=198.18.1.1:30002 local_b=198.18.2.1:40002" <<<"$out" || fail "second create: $out"

out=$("$CL" -s "$T/dp.sock" query "$handle" "$gen")
echo "$out"
grep -q "stream handle=$handle gen=$gen session=42" <<<"$out" || fail "query: $out"
grep -q "leg=a iface=access local=198.18.1.1:30000 remote=192.168.77.2:4000 remote_rtcp=192.168.77.2:4001" <<<"$out" || fail "leg a: $out"
grep -q "leg=b iface=core local=198.18.2.1:40000 remote=198.18.2.2:5000" <<<"$out" || fail "leg b: $out"

out=$("$CL" -s "$T/dp.sock" list)
[ "$(grep -c '^stream ' <<<"$out")" = 2 ] || fail "list: $out"
grep -q "reply .*count=2" <<<"$out" || fail "list count: $out"

out=$("$CL" -s "$T/dp.sock" stats)
echo "$out"
grep -q "workers=1 streams=2 capacity=1000" <<<"$out" || fail "stats: $out"

out=$("$CL" -s "$T/dp.sock" delete "$handle" "$gen")
grep -q "reply .*status=0 handle=$handle .*session=42" <<<"$out" || fail "delete: $out"
out=$("$CL" -s "$T/dp.sock" delete "$handle" "$gen" || true)
grep -q "status=-2" <<<"$out" || fail "second delete: $out"
out=$("$CL" -s "$T/dp.sock" query "$handle" "$gen" || true)
grep -q "status=-2" <<<"$out" || fail "query after delete: $out"
out=$("$CL" -s "$T/dp.sock" create nosuch - core - || true)
grep -q "status=-19" <<<"$out" || fail "unknown interface: $out"

wait "$EV" || true
cat "$T/events.txt"
grep -q "event=created handle=$handle gen=$gen session=42 call_id=abc@lab" "$T/events.txt" || fail "created event"
grep -q "event=deleted handle=$handle gen=$gen session=42" "$T/events.txt" || fail "deleted event"

kill -TERM "$PID"
wait "$PID" || fail "dataplane exit status $?"
PID=
[ ! -e "$T/dp.sock" ] || fail "socket left behind"
echo "PASS"
