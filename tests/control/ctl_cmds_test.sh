#!/usr/bin/env bash
# Every control.sock command through siprelayctl, against the real siprelay-dataplane
# (net_null ports, SIP proxy on) and the real siprelay-control: status, stats, sessions
# and their filters, session show/delete, ban add/del/list (IPv4, IPv6, TTL expiry,
# kept across a control restart), limits get/set, reload (applied, restart required,
# a broken file refused with FILE:LINE), and the error paths: daemon down, data plane
# down, wrong command lines, bad addresses, out-of-range numbers, raw bad requests.
#   ctl_cmds_test.sh DATAPLANE CONTROL SIPRELAYCTL DPCLIENT
set -euo pipefail
DP=$1
CD=$2
CTL=$3
DPC=$4
# shellcheck source=tests/lib/null_dataplane.sh
. "$(dirname "$0")/../lib/null_dataplane.sh"
ctltest_begin ctlcmd
ctl() { "$CTL" --socket "$T/control.sock" "$@"; }
dpc() { "$DPC" -s "$T/dp.sock" "$@"; }
# expect EXIT_CODE TEXT COMMAND...: the command exits so and says TEXT (stdout+stderr)
expect() {
	local want=$1 text=$2 rc=0
	shift 2
	"$@" > "$T/out" 2>&1 || rc=$?
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, not $want: $(cat "$T/out")"
	grep -qF -- "$text" "$T/out" || fail "'$*' does not say '$text': $(cat "$T/out")"
}
# raw REQUEST: one line to control.sock, the answer line on stdout
raw() {
	python3 - "$T/control.sock" "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
buf = b""
while not buf.endswith(b"\n"):
    chunk = s.recv(65536)
    if not chunk:
        break
    buf += chunk
print(buf.decode(), end="")
PY
}
start_control() {
	"$CD" --dataplane-socket "$T/dp.sock" --control-socket "$T/control.sock" \
		--rtpproxy-socket "$T/rtpproxy.sock" --config "$T/relay.conf" --metrics off >> "$T/ctl.log" 2>&1 &
	CPID=$!
	for _ in $(seq 100); do [ -S "$T/control.sock" ] && return 0; sleep 0.1; done
	fail "control did not come up"
}
wait_connected() {
	for _ in $(seq 150); do
		ctl status --json 2>/dev/null | json 'sys.exit(0 if d["dataplane"]["connected"] else 1)' &&
			return 0
		sleep 0.1
	done
	fail "control never connected to the data plane"
}

# the null data plane's config with the SIP proxy on (an upstream, roles)
write_config() { # extra [sip] lines...
	null_dataplane_config "$T"
	python3 - "$T/relay.conf" "$@" <<'PY'
import sys
path, extra = sys.argv[1], sys.argv[2:]
text = open(path).read()
text = text.replace("[interface access]\n", "[interface access]\nrole = access\n")
text = text.replace("[interface core]\n", "[interface core]\nrole = core\n")
text += "[sip]\nupstream = 198.18.2.2:5060\n" + "".join(l + "\n" for l in extra)
open(path, "w").write(text)
PY
}
write_config "cps_limit = 7" "source_rate = 0"

# --- no daemon: every command fails with exit 1 and names the socket
for c in status stats sessions "ban list" "limits get" reload "session show 1"; do
	# shellcheck disable=SC2086
	expect 1 "cannot connect to $T/control.sock" ctl $c
done
expect 1 "cannot connect to $T/control.sock" ctl --json ban add 192.0.2.1

# --- wrong command lines: exit 2 before any socket
expect 2 "unknown command 'bogus'" ctl bogus
expect 2 "add, del or list?" ctl ban
expect 2 "unknown subcommand" ctl ban frob 1.2.3.4
expect 2 "wrong arguments" ctl ban add
expect 2 "wrong arguments" ctl ban list 1.2.3.4
expect 2 "wrong arguments" ctl ban del 1.2.3.4 --ttl 5
expect 2 "--ttl: not a number: '5x'" ctl ban add 1.2.3.4 --ttl 5x
expect 2 "--ttl needs a value" ctl ban add 1.2.3.4 --ttl
expect 2 "unknown option '--tll'" ctl ban add 1.2.3.4 --tll 5
expect 2 "give at least one limit" ctl limits set
expect 2 "takes no limits" ctl limits get --cps 5
expect 2 "--cps: not a number: '-1'" ctl limits set --cps=-1
expect 2 "name the session by one of" ctl session show
expect 2 "name the session by one of" ctl session delete 1 --session 2
expect 2 "show or delete?" ctl session
expect 2 "unexpected argument" ctl status now
expect 0 "usage: siprelayctl ban add ADDRESS" ctl ban --help
for c in status stats sessions session ban limits reload sip-check; do
	ctl --help | grep -q "^  $c " || fail "--help does not list $c"
done

# --- control up before the data plane: it answers and says the data plane is missing
start_control
ctl status --json > "$T/s.json" || fail "status without a data plane"
json 'assert d["dataplane"]["connected"] is False and d["bans"] is None, d' < "$T/s.json" ||
	fail "status without data plane: $(cat "$T/s.json")"
expect 0 "NOT CONNECTED" ctl status
expect 1 "ban list: data plane not connected" ctl ban list
expect 1 "data plane not connected" ctl limits get

null_dataplane_start "$DP" "$T" "ctlcmd$$"
DPPID=$NULL_DP_PID
wait_connected

ctl status --json > "$T/s.json"
json 'assert d["version"] and d["uptime_s"] >= 0, d
dp = d["dataplane"]; assert dp["connected"] is True and dp["capacity"] == 1000 and dp["workers"] == 1, dp
assert d["streams"] == 0 and d["sip_sessions"] == 0 and d["bans"] == 0, d' < "$T/s.json" ||
	fail "status: $(cat "$T/s.json")"
expect 0 "connected (1 workers, capacity 1000 streams)" ctl status

# --- stats keeps the DESIGN.md sections, with the guard's counters in sip
ctl stats --json | json 'assert all(k in d for k in ("sip","rtp","sessions","prefilter")), d.keys()
assert d["sip"]["banned"] == 0 and d["sip"]["rate_limited"] == 0 and d["sip"]["bans"] == 0, d["sip"]' ||
	fail "stats sections"
expect 0 "banned" ctl stats

# --- raw requests: every refusal names the problem
check_raw() { # request, text the error must contain
	local out
	out=$(raw "$1")
	python3 -c "import json,sys; d=json.loads(sys.argv[1]); e=d.get('error',''); sys.exit(0 if sys.argv[2] in e else 1)" \
		"$out" "$2" || fail "raw $1 -> $out (wanted an error with '$2')"
}
check_raw 'not json' 'malformed JSON'
check_raw '{"cmd":"nope"}' "unknown command 'nope'"
check_raw '{"x":1}' "missing field 'cmd'"
check_raw '{"cmd":"ban add"}' "needs field 'address'"
check_raw '{"cmd":"ban add","address":"1.2.3.999"}' 'not an IP address'
check_raw '{"cmd":"ban add","address":"1.2.3.4","ttl":"60"}' "'ttl' must be an integer"
check_raw '{"cmd":"ban add","address":"1.2.3.4","ttl":999999999999}' "'ttl' out of range"
check_raw '{"cmd":"limits set","cps_limit":1000001}' "'cps_limit' out of range"
check_raw '{"cmd":"sessions","address":"198.18.1.2:99999"}' 'not an IP address'
check_raw '{"cmd":"session show","handle":1,"session_id":2}' 'only one of'
check_raw '{"cmd":"status","extra":1}' "has no field 'extra'"
# and the connection stays usable after an error
out=$(printf '{"cmd":"nope"}\n{"cmd":"status"}\n' | python3 -c "
import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect('$T/control.sock'); s.sendall(sys.stdin.read().encode())
buf=b''
while buf.count(b'\n') < 2: buf += s.recv(4096)
print(buf.decode(), end='')")
[ "$(grep -c '"error"' <<<"$out")" = 1 ] && grep -q '"version"' <<<"$out" || fail "two requests on one connection: $out"

# --- bans
expect 0 "banned 198.18.1.0/24 for 2 s" ctl ban add 198.18.1.0/24 --ttl 2 --reason "scanner net"
expect 0 "banned 2001:db8::/32 permanently: v6 test" ctl ban add 2001:db8::/32 --reason "v6 test"
expect 0 "banned 192.0.2.7 for 3600 s" ctl ban add 192.0.2.7 --ttl 1h
ctl --json ban add 192.0.2.7 --ttl 2d --reason renewed > "$T/b.json"
json 'assert d["added"] is False and d["ttl"] == 172800 and d["address"] == "192.0.2.7" and d["expires_at"].endswith("Z"), d' \
	< "$T/b.json" || fail "ban renewal: $(cat "$T/b.json")"
expect 1 "not an IP address or prefix" ctl ban add 1.2.3.999
expect 1 "host bits zero" ctl ban add 10.0.0.1/8
expect 1 "ttl' out of range" ctl ban add 10.0.0.1 --ttl 20000d
expect 1 "'reason' must be 0..63 bytes" ctl ban add 10.0.0.1 --reason "$(printf 'x%.0s' $(seq 64))"
ctl ban list --json > "$T/b.json"
json 'b = {x["address"]: x for x in d["bans"]}
assert d["count"] == 3 and d["capacity"] == 65536 and len(b) == 3, d
n = b["198.18.1.0/24"]; assert n["reason"] == "scanner net" and not n["permanent"] and 1 <= n["remaining_s"] <= 2, n
v6 = b["2001:db8::/32"]; assert v6["permanent"] and v6["remaining_s"] is None and v6["expires_at"] is None, v6
assert b["192.0.2.7"]["reason"] == "renewed" and b["192.0.2.7"]["remaining_s"] > 172000
assert all(x["hits"] == 0 and x["age_s"] >= 0 for x in d["bans"])' < "$T/b.json" ||
	fail "ban list: $(cat "$T/b.json")"
expect 0 "2001:db8::/32" ctl ban list
expect 0 "3 bans (room for 65536)" ctl ban list
expect 0 "ban on 192.0.2.7 lifted" ctl ban del 192.0.2.7
expect 1 "no ban for 192.0.2.7" ctl ban del 192.0.2.7
expect 1 "no ban for 2001:db8::/48" ctl ban del 2001:db8::/48
ctl stats --json | json 'assert d["sip"]["bans"] == 2, d["sip"]' || fail "stats bans"
# the TTL runs out in the data plane: the ban disappears on its own
sleep 2.2
ctl ban list --json | json 'assert [x["address"] for x in d["bans"]] == ["2001:db8::/32"], d' ||
	fail "expired ban still listed: $(ctl ban list --json)"

# --- limits: the file's values, set at run time, refused out of range
ctl limits get --json | json 'assert d == {"cps_limit": 7, "cps_burst": 0, "source_rate": 0, "source_burst": 0,
	"sources_tracked": 0, "source_capacity": 65536, "sip_proxy": True}, d' || fail "limits get: $(ctl limits get --json)"
expect 0 "source_rate             3 requests/s/source" ctl limits set --source-rate 3 --source-burst 6
ctl --json limits set --cps 20 --cps-burst 40 | json 'assert (d["cps_limit"], d["cps_burst"], d["source_rate"], d["source_burst"]) == (20, 40, 3, 6), d' ||
	fail "limits set"
expect 1 "'source_burst' out of range (0..1000000)" ctl limits set --source-burst 1000001
ctl limits get --json | json 'assert d["cps_limit"] == 20 and d["source_burst"] == 6, d' || fail "limits kept"

# --- sessions: streams made over dataplane.sock, with Call-IDs
dpc create access 198.18.1.2:6000 core 198.18.2.2:7000 --session 42 --call-id call-42@uac > /dev/null
dpc create access - core 198.18.2.2:7002 --session 42 --call-id call-42@uac > /dev/null
dpc create access 198.18.1.3:6100 core 198.18.2.3:7100 --session 43 --call-id call-43@uac > /dev/null
for _ in $(seq 50); do [ "$(ctl sessions --json | json 'print(len(d))')" = 3 ] && break; sleep 0.1; done
ctl sessions --json | json 'assert len(d) == 3 and all(s["call_id"] for s in d), d' || fail "sessions"
ctl sessions --call-id call-42@uac --json | json 'assert sorted(s["handle"] for s in d) == [0, 1] and all(s["session_id"] == 42 for s in d), d' ||
	fail "sessions --call-id"
ctl sessions --call-id nobody --json | json 'assert d == [], d' || fail "sessions --call-id nobody"
ctl sessions --address 198.18.2.3 --json | json 'assert [s["session_id"] for s in d] == [43], d' || fail "--address remote"
ctl sessions --address 198.18.2.2:7002 --json | json 'assert [s["handle"] for s in d] == [1], d' || fail "--address with port"
ctl sessions --address 198.18.1.1:30000 --json | json 'assert [s["handle"] for s in d] == [0], d' || fail "--address local"
ctl sessions --address 198.18.2.2 --call-id call-43@uac --json | json 'assert d == [], d' || fail "both filters"
expect 1 "not an IP address" ctl sessions --address 198.18.2.2:0
expect 0 "call-42@uac" ctl sessions
ctl session show 1 --json > "$T/show.json"
json 'assert d["session_id"] == 42 and d["call_id"] == "call-42@uac" and d["source"] == "dataplane", d
s = d["streams"]; assert [x["handle"] for x in s] == [0, 1], s
a, b = s[0]["legs"]
assert a["iface"] == "access" and a["remote"] == "198.18.1.2:6000" and b["remote"] == "198.18.2.2:7000", s[0]
for leg in (a, b):
    assert set(leg["drops_by_reason"]) == {"strict_source", "no_remote", "no_neighbour", "mux_port"}, leg
    assert leg["packets"] == 0 and leg["idle_ms"] == -1 and leg["latched"] is False and leg["drops"] == 0, leg' < "$T/show.json" ||
	fail "session show: $(cat "$T/show.json")"
ctl session show --session 43 --json | json 'assert d["call_id"] == "call-43@uac" and len(d["streams"]) == 1, d' ||
	fail "session show --session"
expect 0 "session 42 (dataplane)  call-id call-42@uac" ctl session show --call-id call-42@uac
expect 0 "drops 0: strict_source 0" ctl session show 2
expect 1 "no stream with handle 99" ctl session show 99
expect 1 "no session with call-id 'nobody'" ctl session show --call-id nobody
expect 1 "no such session: 777" ctl session show --session 777
expect 0 "session 42 (dataplane) deleted: 2 streams" ctl session delete --call-id call-42@uac
ctl sessions --json | json 'assert [s["session_id"] for s in d] == [43], d' || fail "sessions after delete"
expect 1 "no session with call-id 'call-42@uac'" ctl session delete --call-id call-42@uac
ctl --json session delete 2 | json 'assert d == {"session_id": 43, "source": "dataplane", "streams_deleted": 1}, d' ||
	fail "session delete by handle"
ctl sessions --json | json 'assert d == [], d' || fail "sessions not empty"
ctl stats --json | json 'assert d["sessions"]["streams_deleted"] == 3, d["sessions"]' || fail "registry saw the deletes"

# --- reload
expect 0 "reloaded, now in effect: cps_limit, cps_burst, source_rate, source_burst" ctl reload
ctl limits get --json | json 'assert (d["cps_limit"], d["cps_burst"], d["source_rate"]) == (7, 0, 0), d' ||
	fail "reload did not restore the file's limits"
expect 0 "reloaded: no live setting changed" ctl reload
write_config "cps_limit = 9" "source_rate = 4" "retry_after = 9"
sed -i 's/^capacity = 1000/capacity = 2000/' "$T/relay.conf"
ctl --json reload > "$T/r.json"
json 'assert d["reloaded"] is True and d["applied"] == ["cps_limit", "source_rate", "retry_after"], d
assert d["restart_required"] == ["capacity"], d' < "$T/r.json" || fail "reload: $(cat "$T/r.json")"
expect 0 "in effect after a restart only: capacity" ctl reload
ctl limits get --json | json 'assert (d["cps_limit"], d["source_rate"]) == (9, 4), d' || fail "reloaded limits"
# a broken file is refused with its line and nothing changes
cp "$T/relay.conf" "$T/good.conf"
printf '[interface spare\nport = net_null2\n' >> "$T/relay.conf"
n=$(($(wc -l < "$T/relay.conf") - 1))
expect 1 "reload refused, the running settings stay: $T/relay.conf:$n: section header without ']'" ctl reload
cp "$T/good.conf" "$T/relay.conf"
sed -i 's/^cps_limit = 9/cps_limit = lots/' "$T/relay.conf"
n=$(grep -n '^cps_limit' "$T/relay.conf" | cut -d: -f1)
expect 1 "$T/relay.conf:$n: [sip] cps_limit: invalid value 'lots'" ctl reload
ctl limits get --json | json 'assert (d["cps_limit"], d["source_rate"]) == (9, 4), d' || fail "a refused reload changed limits"
cp "$T/good.conf" "$T/relay.conf"
ctl --json reload | json 'assert d["applied"] == [], d' || fail "reload of the good file again"

# --- a restarted control process finds the data plane's bans again
kill -TERM "$CPID"; wait "$CPID" || fail "control exit status"
CPID=
start_control
wait_connected
ctl ban list --json | json 'assert [x["address"] for x in d["bans"]] == ["2001:db8::/32"], d' ||
	fail "bans lost by a control restart"

# --- the data plane goes away: commands say so, status too
kill -TERM "$DPPID"; wait "$DPPID" || fail "dataplane exit status"
DPPID=
sleep 0.3
expect 1 "data plane" ctl ban add 192.0.2.1
expect 1 "data plane" ctl reload
expect 1 "data plane" ctl session delete 1
ctl status --json | json 'assert d["dataplane"]["connected"] is False, d' || fail "status after the data plane left"
echo "PASS"
