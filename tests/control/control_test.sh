#!/usr/bin/env bash
# siprelay-control against the real siprelay-dataplane (net_null ports, no hugepages):
# control.sock through siprelayctl (stats, sessions), rtpproxy.sock in both transports
# (offer, answer, delete, info, errors), restart of the control process without losing
# streams, sockets removed on exit.
#   control_test.sh DATAPLANE CONTROL SIPRELAYCTL RTPP_CLIENT
set -euo pipefail
DP=$1
CD=$2
CTL=$3
RC=$4
# shellcheck source=tests/lib/null_dataplane.sh
. "$(dirname "$0")/../lib/null_dataplane.sh"
ctltest_begin ctlt
ctl() { "$CTL" --socket "$T/control.sock" "$@"; }
rtpp() { "$RC" "$RTPP_MODE" "$T/rtpproxy.sock" "$1"; }

start_control() {
	"$CD" --dataplane-socket "$T/dp.sock" --control-socket "$T/control.sock" \
		--rtpproxy-socket "$T/rtpproxy.sock" --config "$T/relay.conf" "$@" >> "$T/ctl.log" 2>&1 &
	CPID=$!
	for _ in $(seq 100); do
		[ -S "$T/control.sock" ] && [ -S "$T/rtpproxy.sock" ] &&
			ctl stats --json > /dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "control did not come up"
}
stop_control() {
	kill -TERM "$CPID"
	wait "$CPID" || fail "control exit status $?"
	CPID=
	[ ! -e "$T/control.sock" ] || fail "control.sock left behind"
	[ ! -e "$T/rtpproxy.sock" ] || fail "rtpproxy.sock left behind"
}

null_dataplane_config "$T"

# bad options and an unusable socket path fail clearly, before any data plane exists
"$CD" --bogus > "$T/out" 2>&1 && fail "bad option accepted"
grep -q "usage" "$T/out" || fail "no usage for a bad option: $(cat "$T/out")"
"$CD" --control-socket /nonexistent/dir/c.sock --rtpproxy-socket "$T/r.sock" \
	--dataplane-socket "$T/dp.sock" > "$T/out" 2>&1 && fail "bind to a missing dir accepted"
grep -q "/nonexistent/dir/c.sock" "$T/out" || fail "bind error does not name the path"
"$CD" --help | grep -q -- "--rtpproxy-socket" || fail "help"

# siprelayctl without a daemon names the socket and exits 1
set +e
ctl stats > "$T/out" 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || fail "siprelayctl stats without daemon exited $rc"
grep -q "$T/control.sock" "$T/out" || fail "error does not name the socket: $(cat "$T/out")"

# control first: it waits for the data plane
start_control_bg() {
	"$CD" --dataplane-socket "$T/dp.sock" --control-socket "$T/control.sock" \
		--rtpproxy-socket "$T/rtpproxy.sock" --config "$T/relay.conf" >> "$T/ctl.log" 2>&1 &
	CPID=$!
}
start_control_bg
# the data plane (DPDK) leaks by design at exit under ASan; the control process is checked
null_dataplane_start "$DP" "$T" "ctlt$$"
DPPID=$NULL_DP_PID
for _ in $(seq 150); do ctl stats --json > /dev/null 2>&1 && break; sleep 0.1; done
ctl stats --json > "$T/stats.json" || fail "stats after the data plane came up"
[ "$(stat -c %a "$T/control.sock")" = 660 ] || fail "control.sock mode"
[ "$(stat -c %a "$T/rtpproxy.sock")" = 660 ] || fail "rtpproxy.sock mode"

cat "$T/stats.json"
json 'assert all(k in d for k in ("sip","rtp","sessions","prefilter")), d.keys()
assert d["sessions"]["capacity"] == 1000 and d["sessions"]["streams"] == 0, d["sessions"]
# loaded: whether this host has the XDP prefilter maps pinned (a lab may be up)
assert d["prefilter"]["loaded"] in (True, False) and "software_verdicts" in d["prefilter"]
assert "fwd_rtp" in d["rtp"] and "fwd_rtcp" in d["rtp"] and "drop_no_session" in d["rtp"]
assert "requests_in" in d["sip"] and "sessions_created" in d["sip"]
assert all(v >= 0 for s in ("sip","rtp","prefilter") for v in d[s].values() if type(v) is int)
' < "$T/stats.json" || fail "stats sections"
ctl stats | grep -q "capacity .*1000" || fail "human stats: $(ctl stats)"
ctl sessions --json | json 'assert d == [], d' || fail "sessions not empty"
ctl --json sessions | json 'assert d == [], d' || fail "global --json"

# rtpproxy.sock, stream transport (Kamailio's unix:)
RTPP_MODE=stream
[ "$(rtpp V)" = 20040107 ] || fail "V: $(rtpp V)"
[ "$(rtpp 'VF 20050322')" = 1 ] || fail "VF 20050322"
[ "$(rtpp 'VF 20040107')" = 1 ] || fail "VF 20040107"
[ "$(rtpp 'VF 20071218')" = 0 ] || fail "VF 20071218 (forking) is not implemented"
[ "$(rtpp 'VF 20081102')" = 1 ] || fail "VF 20081102 (codecs in U/L are accepted)"

# offer from the caller: the answer goes into the SDP for the callee, who must send
# to the core interface (198.18.2.1, DESIGN.md); leg a (access) faces the caller
out=$(rtpp 'Uc0,8,101 call-1@uac 198.18.1.2 6000 ftag1;1 ;1')
echo "U -> $out"
read -r port addr <<<"$out"
[ "$addr" = 198.18.2.1 ] || fail "U address: $out"
[ "$port" -ge 40000 ] && [ "$port" -le 40999 ] && [ $((port % 2)) = 0 ] || fail "U port: $out"
# a retransmitted offer keeps the session and its port
[ "$(rtpp 'U call-1@uac 198.18.1.2 6000 ftag1;1')" = "$out" ] || fail "repeated U"
# answer from the callee: its SDP goes to the caller, who sends to the access side
out2=$(rtpp 'L call-1@uac 198.18.2.2 7000 ftag1;1 ttag1;1')
echo "L -> $out2"
read -r port2 addr2 <<<"$out2"
[ "$addr2" = 198.18.1.1 ] || fail "L address: $out2"
[ "$port2" -ge 30000 ] && [ "$port2" -le 30999 ] || fail "L port: $out2"
ctl sessions --json > "$T/s.json"
cat "$T/s.json"
json "s = d; assert len(s) == 1, s; s = s[0]
assert s['media_index'] == 1 and s['call_id'] == 'call-1@uac' and s['source'] == 'rtpproxy'
a, b = s['legs']
assert a['iface'] == 'access' and a['local'] == '198.18.1.1:$port2' and a['remote'] == '198.18.1.2:6000', a
assert b['iface'] == 'core' and b['local'] == '198.18.2.1:$port' and b['remote'] == '198.18.2.2:7000', b
assert a['packets'] == 0 and b['bytes'] == 0 and a['lost'] == 0 and a['jitter'] == 0
" < "$T/s.json" || fail "sessions after U/L"
ctl sessions | grep -q "198.18.2.2:7000" || fail "human sessions: $(ctl sessions)"
ctl stats --json | json 'assert d["sessions"]["streams"] == 1 and d["sessions"]["rtpproxy_active"] == 1, d["sessions"]' ||
	fail "stats after U"
# re-INVITE from the callee (tags swapped): the callee moves, the caller is told leg a
[ "$(rtpp 'U call-1@uac 198.18.2.2 7002 ttag1;1 ftag1;1')" = "$out2" ] || fail "reverse U"
ctl sessions --json | json "b = d[0]['legs'][1]; assert b['remote'] == '198.18.2.2:7002', b" ||
	fail "reverse U did not move the callee"
rtpp I | tee "$T/out"
grep -q "sessions created: 1" "$T/out" && grep -q "active sessions: 1" "$T/out" || fail "I"
# ttl: seconds before the idle timeout, -1 until the timeouts have seen the stream
[[ "$(rtpp 'Q call-1@uac ftag1;1 ttag1;1')" =~ ^(-1|[0-9]+)\ 0\ 0\ 0\ 0$ ]] || fail "Q: $(rtpp 'Q call-1@uac ftag1;1 ttag1;1')"

# errors
[ "$(rtpp 'L nosuch@x 1.2.3.4 5 a;1 b;1')" = 0 ] || fail "L unknown session (rtpproxy answers 0)"
[ "$(rtpp 'D nosuch@x a b')" = E50 ] || fail "D unknown session"
[ "$(rtpp 'U call-x 1.2.3.4')" = E1 ] || fail "U syntax"
[ "$(rtpp 'U call-x 1.2.3.999 4000 t;1')" = E37 ] || fail "U bad address"
[ "$(rtpp 'U call-x 1.2.3.4 99999 t;1')" = E37 ] || fail "U bad port"
[ "$(rtpp 'K whatever')" = E0 ] || fail "unknown command"
out=$(printf '{"cmd":"nope"}\nnot json\n{"x":1}\n' | python3 -c "
import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect('$T/control.sock'); s.sendall(sys.stdin.read().encode())
buf=b''
while buf.count(b'\n') < 3: buf += s.recv(4096)
print(buf.decode(), end='')")
[ "$(grep -c '"error"' <<<"$out")" = 3 ] || fail "control errors: $out"

# delete (Kamailio's unforce: D call-id from-tag to-tag)
[ "$(rtpp 'D call-1@uac ftag1 ttag1')" = 0 ] || fail "D"
ctl sessions --json | json 'assert d == [], d' || fail "sessions after D"

# restart: the data plane keeps the stream, the new control process finds it again and
# still knows the call by call-id and tag (this time over the datagram transport)
out=$(rtpp 'U call-2@uac 198.18.1.2 6100 f2;1')
rtpp 'L call-2@uac 198.18.2.2 7100 f2;1 t2;1' > /dev/null
handle=$(ctl sessions --json | json 'print(d[0]["handle"])')
stop_control
start_control --rtpproxy-dgram
RTPP_MODE=dgram
ctl sessions --json > "$T/s.json"
json "s = d; assert len(s) == 1 and s[0]['handle'] == $handle, s
assert s[0]['legs'][1]['remote'] == '198.18.2.2:7100', s" < "$T/s.json" || fail "stream lost by restart: $(cat "$T/s.json")"
[ "$(rtpp V)" = 20040107 ] || fail "dgram V"
[ "$(rtpp 'U call-2@uac 198.18.1.2 6100 f2;1')" = "$out" ] || fail "U after restart"
[ "$(rtpp 'K')" = E0 ] || fail "dgram unknown command"
[ "$(rtpp 'D call-2@uac t2 f2')" = 0 ] || fail "D after restart"
ctl sessions --json | json 'assert d == [], d' || fail "sessions after D (dgram)"
ctl stats --json | json 'assert d["sessions"]["streams"] == 0 and d["sessions"]["streams_deleted"] >= 1, d["sessions"]' ||
	fail "stats after restart"

# a data plane that goes away: control keeps serving and says so
kill -TERM "$DPPID"
wait "$DPPID" || fail "dataplane exit status $?"
DPPID=
sleep 0.3
out=$(ctl stats 2>&1 || true)
grep -qi "data plane" <<<"$out" || fail "stats without data plane: $out"
[ "$(rtpp 'U call-3 1.2.3.4 4000 t;1')" = E99 ] || fail "U without data plane"

stop_control
echo "PASS"
