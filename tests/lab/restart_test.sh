#!/usr/bin/env bash
# kill -9 of siprelay-control in the middle of a call loses no media packet:
#   restart_test.sh BUILD_DIR
# Brings the lab up (idle timeout 3 s in the config's [control] section), puts a sipp
# call through the relay with RTP both ways (6 s, from a pcap), kills siprelay-control
# with SIGKILL while the media flows and starts it again as scripts/lab does. Then:
# every RTP packet sent arrived at the other side (captures in sr-uac and sr-uas, and
# the relay's own counter), the restarted control process lists the call's stream
# again, and its idle timeout deletes the stream once the media has stopped while the
# call is still up. Exit 77 (skipped) when not root. One lab at a time: runs under
# flock /tmp/siprelay-lab.lock.
set -uo pipefail

LABTEST_TOOLS="sipp editcap tshark flock" . "$(dirname "$0")/../lib/labtest.sh"
RTP_PACKETS=200 # each side, from sipp's g711a.pcap: 6 s of media
IDLE_S=3
CALL_MS=13000   # the call lasts this long after ACK; its media stops long before
RUN_DIR=/run/siprelay/lab
UAC_PID=
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
ms() { date +%s%3N; }

cp "$top/config/lab.conf" "$work/lab.conf"
printf '\n[control]\nidle_timeout = %s\n' "$IDLE_S" >> "$work/lab.conf"
"$top/scripts/lab" up --config "$work/lab.conf" || { echo "FAIL: scripts/lab up"; exit 1; }
grep -q "timeouts idle $IDLE_S s" "$RUN_DIR/control.log" || { echo "FAIL: [control] not read"; exit 1; }

make_rtp_pcap $RTP_PACKETS "$work/rtp.pcap" || exit 1
media_ms=$(tshark -r "$work/rtp.pcap" -T fields -e frame.time_relative 2>/dev/null | tail -n 1 |
	awk '{printf "%d", $1 * 1000}')
capture_start sr-uas uas0 "$work/to_uas.pcap"
capture_start sr-uac uac0 "$work/to_uac.pcap"
sleep 1
fwd0=$(relay_stat fwd_rtp)
start_uas uas.xml 1
run_uac "$SCENARIOS/uac.xml" 1 -d $CALL_MS &
UAC_PID=$!

# the call is up once its stream exists; then let media flow for a second
for _ in $(seq 50); do [ "$(relay_stat streams)" = 1 ] && break; sleep 0.1; done
check "streams once the call is up" 1 "$(relay_stat streams)"
t_ack=$(ms)
sleep 1
before=$(relay_stat fwd_rtp)

# SIGKILL: no goodbye to the data plane; then start it as scripts/lab does
old=$(cat "$RUN_DIR/control.pid")
kill -9 "$old"
sleep 0.5
"$BUILD/control/daemon/siprelay-control" --config "$work/lab.conf" >>"$RUN_DIR/control.log" 2>&1 &
echo $! >"$RUN_DIR/control.pid"
for _ in $(seq 50); do ctl stats --json >/dev/null 2>&1 && break; sleep 0.1; done
after=$(relay_stat fwd_rtp)
echo "control killed and restarted $(($(ms) - t_ack)) ms after the answer; the relay forwarded $((after - before)) RTP packets meanwhile"
[ "$after" -gt "$before" ] || { echo "FAIL: no media relayed across the restart"; fail=1; }
ctl sessions --json >"$work/sessions.json" 2>&1
json 'assert len(d) == 1, d
s = d[0]; assert s["source"] == "dataplane", s
assert s["legs"][0]["packets"] > 0 and s["legs"][1]["packets"] > 0, s["legs"]' <"$work/sessions.json" &&
	echo "ok: the restarted control lists the call's stream" ||
	{ echo "FAIL: sessions after the restart: $(cat "$work/sessions.json")"; fail=1; }
grep -q "connected to /run/siprelay/dataplane.sock (.*1 streams)" "$RUN_DIR/control.log" ||
	{ echo "FAIL: the restarted control did not resync 1 stream"; fail=1; }

# the media stops; the call goes on; the idle timeout ends the stream
for _ in $(seq 100); do [ "$(relay_stat streams)" = 0 ] && break; sleep 0.1; done
gone=$(($(ms) - t_ack))
check "streams after the media stopped" 0 "$(relay_stat streams)"
echo "stream deleted $gone ms after the call came up (media for $media_ms ms, idle timeout $IDLE_S s)"
[ "$gone" -ge $((media_ms + IDLE_S * 1000 - 500)) ] ||
	{ echo "FAIL: deleted before the media had been idle ${IDLE_S} s"; fail=1; }
check "SIP sessions after the timeout" 0 "$(relay_stat sip_sessions)"
check "media ports after the timeout" 0 "$(relay_stat sip_ports_in_use)"
check "idle timeouts counted by the restarted control" 1 \
	"$(ctl stats --json | json 'print(d["timeouts"]["idle"])')"
grep -q "idle timeout: dataplane session .* 1 stream deleted" "$RUN_DIR/control.log" ||
	{ echo "FAIL: no log line for the idle timeout"; fail=1; }
kill -0 "$UAC_PID" 2>/dev/null && echo "ok: the call was still up when its media timed out" ||
	{ echo "FAIL: the call ended before its media timed out"; fail=1; }

# the BYE after the timeout: the relay no longer knows the call; whatever sipp makes of
# it, no side may hang around
for _ in $(seq 150); do kill -0 "$UAC_PID" 2>/dev/null || break; sleep 0.1; done
kill "$UAC_PID" 2>/dev/null
wait "$UAC_PID" 2>/dev/null
kill "$UAS_PID" 2>/dev/null
wait "$UAS_PID" 2>/dev/null

check "RTP relayed (both directions)" $((2 * RTP_PACKETS)) $(($(relay_stat fwd_rtp) - fwd0))
check "RTP arrived at the callee" $RTP_PACKETS "$(capture_count "$work/to_uas.pcap")"
check "RTP arrived at the caller" $RTP_PACKETS "$(capture_count "$work/to_uac.pcap")"
[ $fail -eq 0 ] && echo PASS
exit $fail
