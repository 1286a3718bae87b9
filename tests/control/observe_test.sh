#!/usr/bin/env bash
# siprelay-control's observability against the real data plane (net_null ports, SIP
# path on): GET /metrics (format, values that move, 404/405/400/431, several clients at
# once, a silent client does not block the others, loopback only unless allowed, off),
# and the trace commands (start/list/stop through siprelayctl, refusals, a pcapng file
# tshark reads, a trace whose data plane restarts).
#   observe_test.sh DATAPLANE CONTROL SIPRELAYCTL RTPP_CLIENT
set -euo pipefail
DP=$(realpath "$1")
CD=$(realpath "$2")
CTL=$(realpath "$3")
RC=$(realpath "$4")
# shellcheck source=tests/lib/null_dataplane.sh
. "$(dirname "$0")/../lib/null_dataplane.sh"
ctltest_begin obst
ctl() { "$CTL" --socket "$T/control.sock" "$@"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port)
URL="http://127.0.0.1:$PORT/metrics"
metric() { # name[{labels}] -> value from a fresh scrape
	curl -sf "$URL" | awk -v k="$1" '$1 == k {print $2}'
}

# the null data plane's config with the inline SIP path on (traces need it)
null_dataplane_config "$T"
python3 - "$T/relay.conf" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
s = s.replace("[interface access]\n", "[sip]\nupstream = 198.18.2.2:5060\n\n[interface access]\nrole = access\n")
s = s.replace("[interface core]\n", "[interface core]\nrole = core\n")
open(p, "w").write(s)
PY

start_control() {
	"$CD" --dataplane-socket "$T/dp.sock" --control-socket "$T/control.sock" \
		--rtpproxy-socket "$T/rtpproxy.sock" --config "$T/relay.conf" "$@" >>"$T/ctl.log" 2>&1 &
	CPID=$!
	for _ in $(seq 100); do
		ctl status --json >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "control did not come up"
}

# listen address rules, before anything runs
out=$("$CD" --dataplane-socket "$T/dp.sock" --control-socket "$T/c2.sock" \
	--rtpproxy-socket "$T/r2.sock" --metrics 0.0.0.0:$PORT 2>&1) && fail "non-loopback metrics accepted"
grep -q "not a loopback address" <<<"$out" || fail "non-loopback: $out"
out=$("$CD" --dataplane-socket "$T/dp.sock" --control-socket "$T/c2.sock" \
	--rtpproxy-socket "$T/r2.sock" --metrics 127.0.0.1:x 2>&1) && fail "bad port accepted"
grep -q "127.0.0.1:x" <<<"$out" || fail "bad port: $out"
"$CD" --help | grep -q -- "--metrics ADDR:PORT" || fail "help lacks --metrics"

null_dataplane_start "$DP" "$T" "obst$$"
DPPID=$NULL_DP_PID
start_control --metrics "127.0.0.1:$PORT"
for _ in $(seq 50); do [ "$(metric siprelay_dataplane_up)" = 1 ] && break; sleep 0.1; done

# --- metrics
curl -sf -D "$T/h" "$URL" >"$T/m1" || fail "GET /metrics"
grep -qi '^content-type: text/plain; version=0.0.4' "$T/h" || fail "content type: $(cat "$T/h")"
head -n 3 "$T/m1"
python3 - "$T/m1" <<'PY' || fail "exposition format"
import re, sys
text = open(sys.argv[1]).read()
fam = None
seen = set()
for line in text.splitlines():
    m = re.fullmatch(r"# HELP (\w+) .+", line)
    if m:
        fam = m[1]; assert fam not in seen, fam; seen.add(fam); continue
    m = re.fullmatch(r"# TYPE (\w+) (counter|gauge)", line)
    if m:
        assert m[1] == fam, line
        assert m[2] == "gauge" or fam.endswith("_total"), line
        continue
    m = re.fullmatch(r'(\w+)(\{\w+="\w+"(,\w+="\w+")*\})? (\d+)', line)
    assert m and m[1] == fam, line
assert len(seen) > 30, len(seen)
PY
for k in siprelay_dataplane_up siprelay_streams_capacity 'siprelay_packets_total{verdict="fwd_rtp"}' \
	'siprelay_packets_dropped_total{reason="no_session"}' siprelay_sip_requests_received_total \
	siprelay_control_requests_total siprelay_rtpproxy_commands_total; do
	grep -q "^$k " "$T/m1" || fail "no $k"
done
[ "$(metric siprelay_dataplane_up)" = 1 ] || fail "dataplane_up"
[ "$(metric siprelay_streams_capacity)" = 1000 ] || fail "capacity"
[ "$(metric siprelay_dataplane_workers)" = 1 ] || fail "workers"
# values move: control.sock requests, rtpproxy commands and errors, streams, scrapes
r0=$(metric siprelay_control_requests_total)
ctl stats >/dev/null
ctl status >/dev/null
[ "$(metric siprelay_control_requests_total)" = $((r0 + 2)) ] || fail "control requests did not move"
s0=$(metric siprelay_metrics_scrapes_total)
[ "$(metric siprelay_metrics_scrapes_total)" = $((s0 + 1)) ] || fail "scrapes"
c0=$(metric siprelay_rtpproxy_commands_total)
e0=$(metric siprelay_rtpproxy_errors_total)
"$RC" stream "$T/rtpproxy.sock" 'U obs-1 198.18.1.2 6000 ftag;1' >/dev/null
"$RC" stream "$T/rtpproxy.sock" 'D nosuch@x a b' >/dev/null
[ "$(metric siprelay_rtpproxy_commands_total)" = $((c0 + 2)) ] || fail "rtpproxy commands"
[ "$(metric siprelay_rtpproxy_errors_total)" = $((e0 + 1)) ] || fail "rtpproxy errors"
[ "$(metric siprelay_streams)" = 1 ] || fail "streams after U: $(metric siprelay_streams)"
[ "$(metric siprelay_rtpproxy_streams)" = 1 ] || fail "rtpproxy streams"
[ "$(metric siprelay_rtpproxy_sessions_created_total)" = 1 ] || fail "rtpproxy created"
"$RC" stream "$T/rtpproxy.sock" 'D obs-1 ftag' >/dev/null
[ "$(metric siprelay_streams)" = 0 ] || fail "streams after D"
[ "$(metric siprelay_control_streams_deleted_total)" = 1 ] || fail "streams deleted"

# HTTP answers other than 200, HEAD, several clients, a silent one
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/")" = 404 ] || fail "404"
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL")" = 405 ] || fail "405"
[ "$(curl -s -o /dev/null -w '%{http_code}' -I "$URL")" = 200 ] || fail "HEAD"
python3 - "$PORT" <<'PY' || fail "HTTP clients"
import socket, sys, time
port = int(sys.argv[1])
def conn():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    return s
def answer(s):
    b = b""
    while True:
        x = s.recv(65536)
        if not x:
            return b
        b += x
silent = conn()                          # sends nothing: must not block the others
partial = conn(); partial.sendall(b"GET /metrics HT")
many = [conn() for _ in range(5)]
for s in many:
    s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
for s in many:
    a = answer(s)
    assert a.startswith(b"HTTP/1.0 200 OK\r\n"), a[:80]
    head, _, body = a.partition(b"\r\n\r\n")
    n = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
    assert n == len(body) and b"siprelay_dataplane_up 1" in body
partial.sendall(b"TP/1.0\r\n\r\n")        # the rest of a request sent in two pieces
assert answer(partial).startswith(b"HTTP/1.0 200")
big = conn(); big.sendall(b"GET /metrics HTTP/1.1\r\nX: " + b"a" * 5000 + b"\r\n\r\n")
assert answer(big).startswith(b"HTTP/1.0 431"), "oversized head"
bad = conn(); bad.sendall(b"hello\r\n\r\n")
assert answer(bad).startswith(b"HTTP/1.0 400")
# more clients than the server keeps: the oldest go, the newest are served
crowd = [conn() for _ in range(12)]
time.sleep(0.2)
crowd[-1].sendall(b"GET /metrics HTTP/1.0\r\n\r\n")
assert answer(crowd[-1]).startswith(b"HTTP/1.0 200")
PY
kill -0 "$CPID" || fail "control died serving HTTP"

# --- traces
ctl trace start --call-id 'obs-call@x' --file "$T/t1.pcapng" | tee "$T/out"
grep -q "trace 1 started: Call-ID obs-call@x -> $T/t1.pcapng" "$T/out" || fail "trace start"
(cd "$T" && ctl --json trace start --address 198.18.1.2:5060 --file rel.pcapng --max-packets 5 \
	--max-duration 1m) >"$T/t2.json" || fail "trace start --address"
json "t = d['trace']; assert t['id'] == 2 and t['file'] == '$T/rel.pcapng' and t['address'] == '198.18.1.2:5060'
assert t['max_packets'] == 5 and t['max_seconds'] == 60 and t['state'] == 'running', t" <"$T/t2.json" ||
	fail "relative --file made absolute, limits"
[ "$(metric siprelay_traces_running)" = 2 ] || fail "traces_running metric"
# refusals: exists, same file as a running trace, no selector, both, bad address, relative
# path sent raw, unknown id
set +e
ctl trace start --call-id y --file "$T/t1.pcapng" >"$T/out" 2>&1; rc=$?
set -e
[ $rc = 1 ] && grep -q "File exists" "$T/out" || fail "existing file: $(cat "$T/out")"
set +e
ctl trace start --call-id y --file "$T/t1.pcapng" --overwrite >"$T/out" 2>&1; rc=$?
set -e
[ $rc = 1 ] && grep -q "a running trace writes it" "$T/out" || fail "overwrite of a running trace's file: $(cat "$T/out")"
set +e
ctl trace start >/dev/null 2>&1; [ $? = 2 ] || fail "no selector"
ctl trace start --call-id a --address 1.2.3.4 >/dev/null 2>&1; [ $? = 2 ] || fail "two selectors"
ctl trace start --address 1.2.3.999 >"$T/out" 2>&1; [ $? = 1 ] || fail "bad address"
ctl trace stop 99 >"$T/out" 2>&1; [ $? = 1 ] && grep -q "no trace 99" "$T/out" || fail "unknown id"
ctl trace stop >/dev/null 2>&1; [ $? = 2 ] || fail "stop without id"
set -e
out=$(python3 -c "
import socket; s=socket.socket(socket.AF_UNIX); s.connect('$T/control.sock')
s.sendall(b'{\"cmd\":\"trace start\",\"call_id\":\"z\",\"file\":\"rel.pcapng\"}\n'); print(s.recv(4096).decode())")
grep -q "must be absolute" <<<"$out" || fail "relative path over the socket: $out"
ctl --json trace list | json "assert [t['id'] for t in d['traces']] == [1, 2], d" || fail "trace list"
ctl trace list | grep -q "obs-call@x" || fail "human trace list"

ctl --json trace stop 1 >"$T/s1.json"
json "t = d['stopped'][0]; assert t['id'] == 1 and t['state'] == 'stopped' and t['packets'] == 0, t" \
	<"$T/s1.json" || fail "trace stop"
# the file: a section and the two interfaces of the config, no packets
if command -v tshark >/dev/null; then
	[ "$(tshark -r "$T/t1.pcapng" 2>/dev/null | wc -l)" = 0 ] || fail "tshark -r"
	capinfos -m -T -c -E -I "$T/t1.pcapng" 2>/dev/null | tee "$T/out" | grep -q ",ether,0$" ||
		{ tshark -r "$T/t1.pcapng" -T fields -e frame.number; capinfos "$T/t1.pcapng"; fail "capinfos: $(cat "$T/out")"; }
fi
python3 - "$T/t1.pcapng" <<'PY' || fail "pcapng blocks"
import struct, sys
b = open(sys.argv[1], "rb").read()
off, types = 0, []
while off < len(b):
    t, n = struct.unpack_from("<II", b, off)
    assert n % 4 == 0 and n >= 12 and struct.unpack_from("<I", b, off + n - 4)[0] == n
    types.append(t); off += n
assert types == [0x0A0D0D0A, 1, 1], types
PY

# the data plane restarts: the running trace ends and says why; a new trace gets going
kill -TERM "$DPPID"; wait "$DPPID" || true
null_dataplane_start "$DP" "$T" "obst$$"
DPPID=$NULL_DP_PID
for _ in $(seq 100); do [ "$(metric siprelay_dataplane_up)" = 1 ] && break; sleep 0.1; done
[ "$(metric siprelay_dataplane_up)" = 1 ] || fail "no reconnect"
[ "$(metric siprelay_control_dataplane_connects_total)" = 2 ] || fail "connects metric"
ctl --json trace list | json "s = {t['id']: t['state'] for t in d['traces']}
assert s == {1: 'stopped', 2: 'dataplane_restarted'}, s" || fail "trace after a data plane restart"
ctl trace start --call-id again@x --file "$T/t3.pcapng" >/dev/null || fail "trace after restart"

# the data plane goes: metrics say so and leave its families out
kill -TERM "$DPPID"; wait "$DPPID" || true
DPPID=
sleep 0.3
curl -sf "$URL" >"$T/m2" || fail "metrics without a data plane"
grep -q "^siprelay_dataplane_up 0$" "$T/m2" || fail "dataplane_up 0"
grep -q "^siprelay_streams " "$T/m2" && fail "data plane families without it"
grep -q "^siprelay_control_requests_total " "$T/m2" || fail "control families"

# SIGTERM closes the trace files; --metrics off listens nowhere
kill -TERM "$CPID"; wait "$CPID" || fail "control exit status"
CPID=
python3 - "$T/t3.pcapng" <<'PY' || fail "t3 after shutdown"
import sys; b = open(sys.argv[1], "rb").read(); assert len(b) > 28 and b[:4] == b"\x0a\x0d\x0d\x0a"
PY
start_control --metrics off
curl -s "$URL" >/dev/null && fail "--metrics off still listens"
grep -q "metrics on" "$T/ctl.log" || fail "log line"
echo "PASS"
