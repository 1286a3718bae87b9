#!/usr/bin/env bash
# Kamailio (Debian's, with its rtpproxy module) as the SIP proxy and siprelay as its
# media relay over unix:/run/siprelay/rtpproxy.sock, in the lab:
#   kamailio_test.sh BUILD_DIR
# sipp UAC (sr-uac) -> Kamailio (sr-uas, config/kamailio-rtpproxy.cfg) -> sipp UAS
# (sr-uas). SIP goes over a signalling link of its own (198.18.3.0/24 between sr-uac and
# sr-uas: siprelay's data plane owns acc0/core0 and routes nothing but media), the RTP
# of both parties through siprelay's media ports. Checks: the calls succeed, siprelay
# holds a session made through rtpproxy.sock during each call (siprelayctl sessions),
# its RTP counters and the per-leg packets moved, what each side received came from the
# relay, and nothing is left after BYE. Runs under the lab lock; exit 77 when not root.
set -uo pipefail

KPID=
LABTEST_TOOLS="kamailio sipp editcap tshark" . "$(dirname "$0")/../lib/labtest.sh"
CFG="$top/config/kamailio-rtpproxy.cfg"
CTL="$BUILD/control/ctl/siprelayctl"
CALLS=2
labtest_cleanup_more() {
	if [ -n "$KPID" ]; then
		kill "$KPID" 2>/dev/null
		for _ in $(seq 30); do kill -0 "$KPID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$KPID" 2>/dev/null
	fi
	[ -f "$work/kamailio.pid" ] && kill "$(cat "$work/kamailio.pid")" 2>/dev/null
}
ctl() { "$CTL" --socket /run/siprelay/control.sock "$@"; }
rtpp_sessions() { # sessions made through rtpproxy.sock now
	ctl sessions --json | python3 -c 'import json,sys; print(len([s for s in json.load(sys.stdin) if s["source"] == "rtpproxy"]))'
}

make_rtp_pcap $RTP_PER_CALL "$work/rtp.pcap" || exit 1
cp "$top/config/lab.conf" "$work/lab.conf"
"$top/scripts/lab" up --config "$work/lab.conf" || { echo "FAIL: scripts/lab up"; exit 1; }

# the signalling link: SIP between the caller and Kamailio on the kernel stacks
ip link add sig0 netns sr-uac type veth peer name sig1 netns sr-uas
ip netns exec sr-uac ip addr add 198.18.3.1/24 dev sig0
ip netns exec sr-uas ip addr add 198.18.3.2/24 dev sig1
ip netns exec sr-uac ip link set sig0 up
ip netns exec sr-uas ip link set sig1 up
ip netns exec sr-uac ethtool -K sig0 tx off >/dev/null
ip netns exec sr-uas ethtool -K sig1 tx off >/dev/null

# Kamailio in sr-uas, not daemonized (-DD: its workers are children of this pid), its
# runtime files and pid file in the scratch directory
mkdir -p "$work/run"
ip netns exec sr-uas kamailio -f "$CFG" -DD -E -m 64 -M 8 -Y "$work/run" -P "$work/kamailio.pid" \
	>"$work/kamailio.log" 2>&1 &
KPID=$!
for _ in $(seq 50); do
	grep -q "rtp proxy <unix:/run/siprelay/rtpproxy.sock> found" "$work/kamailio.log" && break
	kill -0 "$KPID" 2>/dev/null || break
	sleep 0.1
done
if ! grep -q "rtp proxy <unix:/run/siprelay/rtpproxy.sock> found" "$work/kamailio.log"; then
	echo "FAIL: Kamailio did not start or did not accept siprelay as its rtpproxy"
	tail -n 30 "$work/kamailio.log"
	exit 1
fi
echo "ok: Kamailio up, its rtpproxy module accepted unix:/run/siprelay/rtpproxy.sock"

# The relay learns a neighbour's MAC from its ARP request. Here no SIP crosses the relay,
# so the callee's first RTP packet could meet a caller the relay has not resolved yet
# (dropped while it asks); both sides talk to the relay once first, as hosts do.
ip netns exec sr-uac ping -c 1 -W 1 198.18.1.1 >/dev/null || echo "note: the relay did not answer a ping from sr-uac"
ip netns exec sr-uas ping -c 1 -W 1 198.18.2.1 >/dev/null || echo "note: the relay did not answer a ping from sr-uas"

capture_start sr-uas uas0 "$work/to_uas.pcap"
capture_start sr-uac uac0 "$work/to_uac.pcap"
sleep 1
fwd0=$(relay_stat fwd_rtp)
created0=$(ctl stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"]["rtpproxy_created"])' 2>/dev/null || echo 0)

ip netns exec sr-uas sipp -sf "$S/uas.xml" -i 198.18.2.2 -p 5060 -mi 198.18.2.2 -mp 40000 \
	-key pcap "$work/rtp.pcap" -m $CALLS -nostdin -timeout 60 -timeout_error \
	-trace_err -error_file "$work/uas_errors.log" >"$work/uas.out" 2>&1 &
UAS_PID=$!
sleep 0.5
# one call at a time, each lasting 3 s after ACK
ip netns exec sr-uac sipp -sf "$S/uac_routed.xml" -i 198.18.3.1 -p 5060 -mi 198.18.1.2 -mp 41000 \
	-key pcap "$work/rtp.pcap" -s bob 198.18.3.2:5070 -m $CALLS -l 1 -d 3000 -nostdin \
	-timeout 60 -timeout_error -trace_err -error_file "$work/uac_errors.log" \
	>"$work/uac.out" 2>&1 &
UAC_PID=$!

# during the first call: siprelay holds its session, made through rtpproxy.sock, with
# the caller on the access leg and the callee on the core leg, and media flowing
seen=0
for _ in $(seq 60); do
	if [ "$(rtpp_sessions)" = 1 ]; then
		sleep 1.5 # let the pcap play
		ctl sessions --json >"$work/during.json"
		seen=1
		break
	fi
	sleep 0.1
done
check "an rtpproxy.sock session during the call" 1 "$seen"
if [ "$seen" = 1 ]; then
	cat "$work/during.json"
	python3 - "$work/during.json" <<'PY'
import json, sys
s = [x for x in json.load(open(sys.argv[1])) if x["source"] == "rtpproxy"]
assert len(s) == 1, s
a, b = s[0]["legs"]
assert a["iface"] == "access" and a["local"].startswith("198.18.1.1:"), a
assert a["remote"].startswith("198.18.1.2:"), a
assert b["iface"] == "core" and b["local"].startswith("198.18.2.1:"), b
assert b["remote"] == "198.18.2.2:40000", b
assert a["packets"] > 0 and b["packets"] > 0, (a["packets"], b["packets"])
print(f"ok: session of call {s[0]['call_id']}: caller leg {a['packets']} packets in, callee leg {b['packets']} packets in")
PY
	check "session legs and packets during the call" 0 $?
fi

wait "$UAC_PID"
check "UAC: $CALLS calls through Kamailio (sipp exit status)" 0 $?
wait "$UAS_PID"
check "UAS (sipp exit status)" 0 $?
if [ $fail -ne 0 ]; then
	tail -n 20 "$work/uac.out" "$work/uas.out"
	cat "$work"/*_errors.log 2>/dev/null | tail -n 20
	tail -n 30 "$work/kamailio.log"
fi
sleep 0.5
check "RTP relayed by siprelay (both directions)" $((2 * RTP_PER_CALL * CALLS)) $(($(relay_stat fwd_rtp) - fwd0))
check "RTP from the relay at the callee" $((RTP_PER_CALL * CALLS)) "$(capture_count "$work/to_uas.pcap")"
check "RTP from the relay at the caller" $((RTP_PER_CALL * CALLS)) "$(capture_count "$work/to_uac.pcap")"
created=$(ctl stats --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"]["rtpproxy_created"])' 2>/dev/null || echo "?")
check "sessions made through rtpproxy.sock" $((created0 + CALLS)) "$created"
# BYE -> rtpproxy_destroy() -> D: nothing left
check "rtpproxy sessions after BYE" 0 "$(rtpp_sessions)"
check "streams left in the data plane" 0 "$(relay_stat streams)"
check "inline SIP sessions (unused by these calls)" 0 "$(relay_stat sip_sessions)"
grep -E "ERROR|CRITICAL" "$work/kamailio.log" | grep -v "no SIP message" | head -n 5
check "Kamailio errors" 0 "$(grep -cE "ERROR:|CRITICAL:" "$work/kamailio.log")"

if [ $fail -ne 0 ]; then
	echo "--- relay drops"
	"$BUILD/dataplane/relay/siprelay-dpclient" -s "$DP_SOCK" stats | tr ' ' '\n' | grep -E "^drop_.*=[1-9]"
	echo "--- control log"; tail -n 20 /run/siprelay/lab/control.log 2>/dev/null
	echo "FAIL"
	exit 1
fi
echo "PASS"
