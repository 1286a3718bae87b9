#!/usr/bin/env bash
# siprelay-control's timeouts against the real data plane (net_null ports: no media
# flows, so every answered session is idle): offer, idle and final timeouts delete the
# streams in the data plane, count and log them; after kill -9 the restarted control
# process finds its streams again and times them out; a restarted data plane is
# reconnected within a few seconds and its streams are judged afresh.
#   timeouts_test.sh DATAPLANE CONTROL SIPRELAYCTL RTPP_CLIENT
set -euo pipefail
DP=$1
CD=$2
CTL=$3
RC=$4
# shellcheck source=tests/lib/null_dataplane.sh
. "$(dirname "$0")/../lib/null_dataplane.sh"
ctltest_begin tmot
ctl() { "$CTL" --socket "$T/control.sock" "$@"; }
rtpp() { "$RC" stream "$T/rtpproxy.sock" "$1"; }
# streams in the data plane's table (its own count, DP_STATS)
streams() { ctl stats --json | json 'print(d["sessions"]["streams"])'; }
tmo() { ctl stats --json | json "print(d['timeouts']['$1'])"; }

start_control() {
	"$CD" --dataplane-socket "$T/dp.sock" --control-socket "$T/control.sock" \
		--rtpproxy-socket "$T/rtpproxy.sock" --config "$T/relay.conf" --metrics off "$@" >> "$T/ctl.log" 2>&1 &
	CPID=$!
	for _ in $(seq 100); do
		[ -S "$T/control.sock" ] && ctl stats --json > /dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "control did not come up"
}
start_dataplane() {
	null_dataplane_start "$DP" "$T" "tmot$$"
	DPPID=$NULL_DP_PID
	for _ in $(seq 150); do [ -S "$T/dp.sock" ] && return 0; sleep 0.1; done
	fail "data plane did not come up"
}
# Waits up to $2 seconds for a shell condition.
wait_for() { # condition seconds
	local i
	for i in $(seq $(($2 * 10))); do
		eval "$1" && return 0
		sleep 0.1
	done
	return 1
}
offer() { rtpp "U $1 198.18.1.2 6000 f-$1;1" > /dev/null; }
answer() { rtpp "L $1 198.18.2.2 7000 f-$1;1 t-$1;1" > /dev/null; }

null_dataplane_config "$T"
# the [control] section: the options of the test override its idle timeout
cat >> "$T/relay.conf" <<'CONF'
[control]
idle_timeout = 3600 ; overridden below
offer_timeout = 2
CONF

# bad values fail clearly, before anything runs
"$CD" --idle-timeout soon --control-socket "$T/x.sock" > "$T/out" 2>&1 && fail "--idle-timeout soon accepted"
grep -q -- "--idle-timeout 'soon'" "$T/out" || fail "error for a bad --idle-timeout: $(cat "$T/out")"
cp "$T/relay.conf" "$T/bad2.conf"; printf 'final_timeout = 1x\n' >> "$T/bad2.conf"
"$CD" --config "$T/bad2.conf" --control-socket "$T/x.sock" > "$T/out" 2>&1 && fail "final_timeout = 1x accepted"
grep -q "bad2.conf:.*final_timeout: invalid value '1x'" "$T/out" || fail "config error: $(cat "$T/out")"
"$CD" --help | grep -q -- "--offer-timeout" || fail "help lacks --offer-timeout"

start_dataplane
start_control --idle-timeout 2 --final-timeout 0
grep -q "timeouts idle 2 s, final 0 s, offer 2 s" "$T/ctl.log" || fail "settings not in the log"
ctl stats --json | json 't = d["timeouts"]
assert (t["idle_timeout_s"], t["final_timeout_s"], t["offer_timeout_s"]) == (2, 0, 2), t
assert t["idle"] == t["final"] == t["offer"] == 0, t' || fail "timeouts in stats"

# offer without an answer: gone after 2 s (not before 1.5 s)
offer call-offer
sleep 1.2
[ "$(streams)" = 1 ] || fail "offer deleted too early"
wait_for '[ "$(streams)" = 0 ]' 4 || fail "offer timeout did not delete the stream"
[ "$(tmo offer)" = 1 ] || fail "offer timeouts counted: $(tmo offer)"
grep -q "offer timeout: rtpproxy session .* call-id call-offer after [23] s, 1 stream deleted" "$T/ctl.log" ||
	fail "no log line for the offer timeout"

# answered, no media at all (net_null): idle from the answer
offer call-idle
sleep 1.5
answer call-idle
sleep 1.2
[ "$(streams)" = 1 ] || fail "idle counted from the offer, not from the answer"
wait_for '[ "$(streams)" = 0 ]' 4 || fail "idle timeout did not delete the stream"
[ "$(tmo idle)" = 1 ] || fail "idle timeouts counted: $(tmo idle)"
grep -q "idle timeout: rtpproxy session .* call-id call-idle after [0-9]* s, no media for [23] s" "$T/ctl.log" ||
	fail "no log line for the idle timeout"
# the session is gone for rtpproxy.sock too: D answers an error, not 0
[[ "$(rtpp 'D call-idle f-call-idle t-call-idle')" == E* ]] || fail "D after the timeout"
ctl stats --json | json 'assert d["sessions"]["streams"] == 0 and d["timeouts"]["streams_deleted"] == 2, d' ||
	fail "streams after the timeouts"

# kill -9 and restart: the stream survives, the new process resyncs and times it out
kill -TERM "$CPID"; wait "$CPID" || true; CPID=
start_control --idle-timeout 3 --offer-timeout 0
offer call-resync
answer call-resync
handle=$(ctl sessions --json | json 'print(d[0]["handle"])')
kill -9 "$CPID"; wait "$CPID" 2>/dev/null || true; CPID=
sleep 1
start_control --idle-timeout 3 --offer-timeout 0
ctl sessions --json | json "assert len(d) == 1 and d[0]['handle'] == $handle, d" ||
	fail "restarted control does not list the stream"
grep -q "connected to .*1 streams" "$T/ctl.log" || fail "resync not logged"
# silent since the answer and unknown age: idle counted from the resync (3 s)
sleep 2
[ "$(streams)" = 1 ] || fail "resynced stream deleted before its idle time from the resync"
wait_for '[ "$(streams)" = 0 ]' 4 || fail "idle timeout did not delete the resynced stream"
[ "$(tmo idle)" = 1 ] || fail "idle timeout of the resynced stream not counted"

# final timeout: ends even a session the idle rule would keep (idle off here)
kill -TERM "$CPID"; wait "$CPID" || true; CPID=
start_control --idle-timeout 0 --offer-timeout 0 --final-timeout 2
offer call-final
answer call-final
sleep 1.2
[ "$(streams)" = 1 ] || fail "final timeout too early"
wait_for '[ "$(streams)" = 0 ]' 4 || fail "final timeout did not delete the stream"
[ "$(tmo final)" = 1 ] || fail "final timeouts counted"
grep -q "final timeout: rtpproxy session .* call-id call-final after [23] s" "$T/ctl.log" ||
	fail "no log line for the final timeout"

# every timeout off: an answered silent session stays
kill -TERM "$CPID"; wait "$CPID" || true; CPID=
start_control --idle-timeout 0 --offer-timeout 0 --final-timeout 0
offer call-keep
answer call-keep
offer call-keep-offer
sleep 3
[ "$(streams)" = 2 ] || fail "a session timed out with every timeout off"

# the data plane restarts: control reconnects by itself (every second) and judges the
# new table's streams from scratch
n0=$(grep -c "connected to $T/dp.sock" "$T/ctl.log")
kill -TERM "$DPPID"; wait "$DPPID" || true; DPPID=
wait_for 'grep -q "lost .*dp.sock, reconnecting" "$T/ctl.log"' 3 || fail "lost data plane not logged"
sleep 2 # a few reconnect attempts fail meanwhile
start_dataplane
t0=$(date +%s%N)
wait_for '[ "$(grep -c "connected to $T/dp.sock" "$T/ctl.log")" -gt "$n0" ]' 5 ||
	fail "control did not reconnect within 5 s"
echo "reconnected $((($(date +%s%N) - t0) / 1000000)) ms after dataplane.sock appeared"
[ "$(streams)" = 0 ] || fail "streams of the old data plane still listed"
offer call-after
[ "$(streams)" = 1 ] || fail "no stream in the new data plane"

kill -TERM "$CPID"; wait "$CPID" || fail "control exit status"; CPID=
echo "PASS"
