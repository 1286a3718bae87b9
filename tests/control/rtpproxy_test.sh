#!/usr/bin/env bash
# rtpproxy.sock against the real siprelay-dataplane (net_null ports, no hugepages): every
# command as Kamailio's and OpenSIPS's rtpproxy modules send it, the modifiers that
# change what siprelay does (i/e bridging, w weak references, 6), rtpproxy's error
# codes, the udp: transport with retransmissions answered from the reply cache, and
# timeout notifications to unix: and udp: notify sockets.
#   rtpproxy_test.sh DATAPLANE CONTROL SIPRELAYCTL RTPP_CLIENT
set -euo pipefail
DP=$1
CD=$2
CTL=$3
RC=$4
# shellcheck source=tests/lib/null_dataplane.sh
. "$(dirname "$0")/../lib/null_dataplane.sh"
T=$(mktemp -d /tmp/rtppt.XXXXXX)
DPPID=
CPID=
LPID=
cleanup() {
	[ -n "$LPID" ] && kill "$LPID" 2>/dev/null && wait "$LPID" 2>/dev/null || true
	[ -n "$CPID" ] && kill "$CPID" 2>/dev/null && wait "$CPID" 2>/dev/null || true
	[ -n "$DPPID" ] && kill "$DPPID" 2>/dev/null && wait "$DPPID" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	echo "--- control log"; cat "$T/ctl.log" 2>/dev/null || true
	exit 1
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
ctl() { "$CTL" --socket "$T/control.sock" "$@"; }
rtpp() { "$RC" stream "$T/rtpproxy.sock" "$1"; }
expect() { # command expected-reply
	local got
	got=$(rtpp "$1")
	[ "$got" = "$2" ] || fail "'$1': expected '$2', got '$got'"
	echo "ok: $1 -> $got"
}
nsessions() { ctl sessions --json | json 'print(len(d))'; }
free_port() { python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_control() {
	"$CD" --dataplane-socket "$T/dp.sock" --control-socket "$T/control.sock" \
		--rtpproxy-socket "$T/rtpproxy.sock" --config "$T/relay.conf" --metrics off "$@" >> "$T/ctl.log" 2>&1 &
	CPID=$!
	for _ in $(seq 150); do
		[ -S "$T/rtpproxy.sock" ] && ctl sessions --json > /dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "control did not come up"
}
stop_control() {
	kill -TERM "$CPID"
	wait "$CPID" || fail "control exit status $?"
	CPID=
}

null_dataplane_config "$T"
null_dataplane_start "$DP" "$T" "rtppt$$"
DPPID=$NULL_DP_PID
UDP_PORT=$(free_port)
start_control --rtpproxy-udp "127.0.0.1:$UDP_PORT"

# --- handshake: version and capabilities (Kamailio asks V, VF 20050322, 20071116, 20081102)
expect V 20040107
for d in 20040107 20050322 20060704 20080403 20081102; do expect "VF $d" 1; done
for d in 20071116 20071218 20081224 20090810 20140323 20140617 20141004 20150330 19990101; do
	expect "VF $d" 0
done

# --- offer / answer / query / info, with the codecs and ptime modifiers Kamailio sends
out=$(rtpp 'Uc8,0,101z20 call-a 198.18.1.2 6000 fa;1')
read -r pb ab <<<"$out"
[ "$ab" = 198.18.2.1 ] && [ "$pb" -ge 40000 ] || fail "U: $out"
out=$(rtpp 'Lc8 call-a 198.18.2.2 7000 fa;1 ta;1')
read -r pa aa <<<"$out"
[ "$aa" = 198.18.1.1 ] && [ "$pa" -ge 30000 ] && [ "$pa" -le 30999 ] || fail "L: $out"
expect 'L call-a 198.18.2.2 7000 fa;1 ta;1' "$pa 198.18.1.1"
expect 'L nosuch 198.18.2.2 7000 fa;1 ta;1' 0
[[ "$(rtpp 'Q call-a fa;1 ta;1')" =~ ^(-1|[0-9]+)\ 0\ 0\ 0\ 0$ ]] || fail "Q: $(rtpp 'Q call-a fa;1 ta;1')"
[[ "$(rtpp 'Qv call-a fa ta')" =~ ^ttl=(-1|[0-9]+)\ npkts_ina=0\ npkts_ino=0\ nrelayed=0\ ndropped=0$ ]] ||
	fail "Qv: $(rtpp 'Qv call-a fa ta')"
expect 'Q call-a ta;1 fa;1 npkts_ina nrelayed rtpa_nlost' '0 0 0'
expect 'Qv call-a fa;1 ta;1 ndropped rtpa_nrcvd' 'ndropped=0 rtpa_nrcvd=0'
expect 'Q call-a fa;1 ta;1 bogus' E62
expect 'Q nosuch fa ta' E50
rtpp I > "$T/info"
cat "$T/info"
python3 - "$T/info" <<'PY' || fail "I layout: $(cat "$T/info")"
import re, sys
lines = open(sys.argv[1]).read().split("\n")
assert lines[-1] == "" and len(lines) == 6, lines
keys = ["sessions created", "active sessions", "active streams", "packets received", "packets transmitted"]
vals = {}
for k, l in zip(keys, lines):
    m = re.fullmatch(re.escape(k) + r": (\d+)", l)
    assert m, l
    vals[k] = int(m.group(1))
assert vals["sessions created"] == 1 and vals["active sessions"] == 1 and vals["active streams"] == 2, vals
PY
expect Ib "$(cat "$T/info")"

# --- rtpproxy's error codes
expect 'K x' E0
expect 'P call-a f 0 fa ta' E0
expect 'U call-a 1.2.3.4' E1
expect 'Vx' E2
expect 'Xa' E2
expect 'Dq call-a fa' E8
expect 'Uz0 call-b 1.2.3.4 4000 f;1' E13
expect 'Uc call-b 1.2.3.4 4000 f;1' E14
expect 'Il' E18
expect 'Qx call-a fa' E19
expect 'Uq call-b 1.2.3.4 4000 f;1' E35
expect 'U call-b 1.2.3.256 4000 f;1' E37
expect 'U6 call-b 2001:db8::2 4000 f;1' E36 # the interfaces have no IPv6 address
expect 'U call-b 1.2.3.4 4000 f;1 t;1 unix:/tmp/x tag' E75 # notifications are off
expect 'D nosuch f t' E50
[ "$(nsessions)" = 1 ] || fail "an error left a session behind"

# --- i/e: the offer comes from the internal (core) side and goes to the external one
out=$(rtpp 'Uie call-ie 198.18.2.2 6100 fie;1')
read -r p addr <<<"$out"
[ "$addr" = 198.18.1.1 ] && [ "$p" -ge 30000 ] && [ "$p" -le 30999 ] || fail "Uie: $out"
expect 'L call-ie 198.18.1.2 7100 fie;1 tie;1' "$(rtpp 'L call-ie 198.18.1.2 7100 fie;1 tie;1')"
ctl sessions --json | json "
s = [x for x in d if x['call_id'] == 'call-ie']; assert len(s) == 1, d
a, b = s[0]['legs']
assert a['iface'] == 'core' and a['remote'] == '198.18.2.2:6100', a
assert b['iface'] == 'access' and b['remote'] == '198.18.1.2:7100', b" || fail "Uie legs"
# on hold (0.0.0.0): the session stays, the party's address is forgotten until it sends
rtpp 'U call-ie 0.0.0.0 6100 fie;1 tie;1' > /dev/null
expect 'D call-ie fie tie' 0

# --- several media: D with ;N ends one, without ends the rest
rtpp 'U call-m 198.18.1.2 6000 fm;1' > /dev/null
rtpp 'U call-m 198.18.1.2 6002 fm;2' > /dev/null
ctl sessions --json | json "assert sorted(x['media_index'] for x in d if x['call_id'] == 'call-m') == [1, 2], d" ||
	fail "two media"
expect 'D call-m fm;2' 0
ctl sessions --json | json "assert [x['media_index'] for x in d if x['call_id'] == 'call-m'] == [1], d" ||
	fail "D fm;2 ended the wrong media"
expect 'D call-m tm fm' 0
expect 'D call-m fm' E50

# --- weak references (w): the session ends with its last reference
rtpp 'Uw call-w 198.18.1.2 6000 fw;1' > /dev/null
expect 'D call-w fw' 0 # the strong reference: there was none, the weak one holds
[ "$(ctl sessions --json | json "print(len([x for x in d if x['call_id'] == 'call-w']))")" = 1 ] ||
	fail "a strong D ended a weak session"
expect 'Dw call-w fw' 0
[ "$(ctl sessions --json | json "print(len([x for x in d if x['call_id'] == 'call-w']))")" = 0 ] ||
	fail "the last weak reference did not end the session"

# --- udp: transport; retransmissions answered from the cache, not run again
U="127.0.0.1:$UDP_PORT"
[ "$("$RC" udp "$U" V)" = 20040107 ] || fail "udp V"
"$RC" raw-udp "$U" 'k1 U call-u 198.18.1.2 6000 fu;1' 3 > "$T/r"
cat "$T/r"
[ "$(sort -u "$T/r" | wc -l)" = 1 ] && grep -q "^k1 [0-9]* 198.18.2.1$" "$T/r" || fail "retransmitted U: $(cat "$T/r")"
created=$(rtpp I | awk -F': ' '/sessions created/ {print $2}')
[ "$created" = 6 ] || fail "retransmits made sessions: created $created"
# the same cookie with another command is a new command
"$RC" raw-udp "$U" 'k1 L call-u 198.18.2.2 7000 fu;1 tu;1' 1 | grep -q "^k1 [0-9]* 198.18.1.1$" || fail "udp L"
"$RC" raw-udp "$U" 'k2 D call-u fu tu' 2 > "$T/r"
[ "$(cat "$T/r")" = "$(printf 'k2 0\nk2 0')" ] || fail "retransmitted D: $(cat "$T/r")"
"$RC" raw-udp "$U" 'k3 D call-u fu tu' 1 | grep -qx "k3 E50" || fail "D after D"
"$RC" raw-udp "$U" 'k4' 1 | grep -qx "k4 E5" || fail "cookie without a command"
"$RC" raw-udp "$U" 'k5 X' 1 | grep -qx "k5 0" || fail "udp X"
[ "$(nsessions)" = 0 ] || fail "X left sessions: $(ctl sessions --json)"
# bad --rtpproxy-udp values are refused clearly
set +e
"$CD" --control-socket "$T/c2.sock" --rtpproxy-socket "$T/r2.sock" --dataplane-socket "$T/dp.sock" \
	--rtpproxy-udp 1.2.3:x > "$T/out" 2>&1
rc=$?
set -e
[ "$rc" != 0 ] && grep -q "rtpproxy-udp" "$T/out" || fail "bad --rtpproxy-udp accepted: $(cat "$T/out")"

# --- timeout notifications: unix: (stream, as rtpproxy) and udp: targets
stop_control
NPORT=$(free_port)
python3 - "$T/notify.sock" "$NPORT" "$T/notified" <<'PY' &
import select, socket, sys
u = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
u.bind(sys.argv[1]); u.listen(4)
d = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
d.bind(("127.0.0.1", int(sys.argv[2])))
out = open(sys.argv[3], "a", buffering=1)
socks = [u, d]
while True:
    for s in select.select(socks, [], [], 30)[0]:
        if s is u:
            socks.append(u.accept()[0])
        elif s is d:
            out.write("udp " + d.recv(512).decode())
        else:
            data = s.recv(512)
            if not data:
                socks.remove(s)
            else:
                # a stream may carry several notifications in one read
                for line in data.decode().splitlines():
                    out.write("unix " + line + "\n")
PY
LPID=$!
for _ in $(seq 50); do [ -S "$T/notify.sock" ] && break; sleep 0.1; done
start_control --offer-timeout 2 --rtpproxy-notify "unix:$T/notify.sock" \
	--rtpproxy-notify "udp:127.0.0.1:$NPORT"
expect 'VF 20081224' 1
rtpp "U call-n1 198.18.1.2 6000 fn1;1 unix:$T/notify.sock dlg%3A1" > /dev/null
rtpp "U call-n2 198.18.1.2 6002 fn2;1 udp:127.0.0.1:$NPORT dlg:2" > /dev/null
rtpp "U call-n3 198.18.1.2 6004 fn3;1 $T/notify.sock dlg:3" > /dev/null # bare path = unix:
rtpp "U call-n4 198.18.1.2 6006 fn4;1 unix:/tmp/not-allowed.sock dlg:4" > /dev/null
# Q's ttl: what the offer timeout leaves (the timeouts look once a second)
sleep 1.2
[[ "$(rtpp 'Q call-n4 fn4')" =~ ^[0-2]\ 0\ 0\ 0\ 0$ ]] || fail "Q ttl: $(rtpp 'Q call-n4 fn4')"
for _ in $(seq 60); do
	[ "$(nsessions)" = 0 ] && [ "$(wc -l < "$T/notified" 2>/dev/null || echo 0)" -ge 3 ] && break
	sleep 0.1
done
sleep 0.3
cat "$T/notified" || true
[ "$(nsessions)" = 0 ] || fail "offer timeout did not end the sessions"
[ "$(sort "$T/notified")" = "$(printf 'udp dlg:2\nunix dlg:1\nunix dlg:3')" ] ||
	fail "notifications: $(cat "$T/notified" 2>/dev/null)"
grep -q "not one of --rtpproxy-notify" "$T/ctl.log" || fail "a refused notify socket is not logged"

# --- the data plane away: new sessions are refused with E99
kill -TERM "$DPPID"
wait "$DPPID" || true
DPPID=
sleep 0.3
expect 'U call-z 1.2.3.4 4000 f;1' E99
expect 'D call-z f' E99
expect V 20040107
stop_control
echo "PASS"
