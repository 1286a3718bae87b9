#!/usr/bin/env bash
# Bans and limits in the lab, with real sipp peers and the real relay on AF_XDP:
#   guard_test.sh BUILD_DIR
# 1. "siprelayctl ban add" of the caller's address: its INVITE never gets through (the
#    sipp call fails, the callee sees nothing, the "banned" counter rises: the data
#    plane's sip banned (and the ban's hits), or the XDP prefilter's dropped_banned when
#    scripts/lab loaded it in front); after "ban del" the same call with media goes
#    through.
# 2. "siprelayctl limits set --source-rate 1 --source-burst 5": of 20 OPTIONS sent at
#    once by one caller, 5 reach the SIP proxy and 15 are dropped as rate_limited; with
#    --source-rate 0 all 20 do.
# 3. "siprelayctl limits set --cps 1": the second call in the same second is answered
#    500 by the relay.
# Exit 77 (skipped) when not root. One lab at a time: runs under flock
# /tmp/siprelay-lab.lock.
set -uo pipefail

LABTEST_TOOLS="sipp editcap tshark flock" . "$(dirname "$0")/../lib/labtest.sh"
sip() { ctl stats --json | python3 -c "import json,sys; print(json.load(sys.stdin)['sip']['$1'])"; }
# banned|rate_limited: what the data plane's SIP path dropped plus what the XDP
# prefilter dropped before it (when loaded: it gets the same bans and rates)
dropped() {
	ctl stats --json | python3 -c "import json,sys; d=json.load(sys.stdin)
print(d['sip']['$1'] + d.get('prefilter', {}).get('dropped_$1', 0))"
}

# The refusal template with its blanks filled: expected status, Max-Forwards, display.
refused() { # status
	sed -e "s/@STATUS@/$1/" -e "s/@MF@/70/" -e "s/@DISPLAY@/\"sipp\"/" "$S/uac_refused.xml" \
		>"$work/refused-$1.xml"
	echo "$work/refused-$1.xml"
}

# n OPTIONS from 198.18.1.2:5070 to the relay's access address, as fast as they go.
options_burst() { # n
	ip netns exec sr-uac python3 - "$1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.1.2", 5070))
for i in range(int(sys.argv[1])):
    s.sendto((
        "OPTIONS sip:bob@198.18.2.2 SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP 198.18.1.2:5070;branch=z9hG4bK-guard-{i}\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:probe@198.18.1.2>;tag=g{i}\r\n"
        "To: <sip:bob@198.18.2.2>\r\n"
        f"Call-ID: guard-{i}@198.18.1.2\r\n"
        "CSeq: 1 OPTIONS\r\n"
        "Content-Length: 0\r\n\r\n").encode(), ("198.18.1.1", 5060))
PY
}

make_rtp_pcap $RTP_PER_CALL "$work/rtp.pcap" || exit 1
cp "$top/config/lab.conf" "$work/lab.conf"
"$top/scripts/lab" up --config "$work/lab.conf" || { echo "FAIL: scripts/lab up"; exit 1; }
# the caller's kernel learns the relay's MAC first, so that no datagram waits for ARP
ip netns exec sr-uac ping -c 1 -W 2 198.18.1.1 >/dev/null

# --- 1. a banned caller's INVITE does not get through
ctl ban add 198.18.1.2 --reason "lab: banned caller" || fail=1
req0=$(sip requests_in)
ip netns exec sr-uas tshark -i uas0 -n -q -w "$work/sip_uas.pcap" -f "udp port 5060" \
	>/dev/null 2>&1 &
echo $! >"$work/sip_uas.pcap.pid"
sleep 1
run_uac "$S/uac.xml" 1 -timeout 4s
rc=$?
sleep 0.3
[ "$rc" -ne 0 ] && echo "ok: the banned caller's call failed (sipp exit status $rc)" ||
	{ echo "FAIL: the banned caller's call succeeded"; fail=1; }
banned=$(dropped banned)
[ "$banned" -ge 1 ] && echo "ok: banned counter rose to $banned (data plane $(sip banned))" ||
	{ echo "FAIL: banned counter is $banned"; fail=1; }
check "requests that reached the SIP proxy while banned" "$req0" "$(sip requests_in)"
check "SIP sessions created while banned" 0 "$(relay_stat sip_sessions_created)"
hits=$(ctl ban list --json | python3 -c "import json,sys; print(json.load(sys.stdin)['bans'][0]['hits'])")
check "hits of the ban (the data plane's drops)" "$(sip banned)" "$hits"
check "SIP datagrams that reached the callee's side" 0 "$(capture_count "$work/sip_uas.pcap")"

# --- ... and after ban del the same call, with media, works
ctl ban del 198.18.1.2 || fail=1
capture_start sr-uas uas0 "$work/to_uas.pcap"
capture_start sr-uac uac0 "$work/to_uac.pcap"
sleep 1
fwd0=$(relay_stat fwd_rtp)
start_uas uas.xml 1
run_uac "$S/uac.xml" 1 -d 2000
check "call after ban del (sipp exit status)" 0 $?
wait "$UAS_PID"
check "UAS (sipp exit status)" 0 $?
sleep 0.5
check "RTP relayed (both directions)" $((2 * RTP_PER_CALL)) $(($(relay_stat fwd_rtp) - fwd0))
check "RTP arrived at the callee" $RTP_PER_CALL "$(capture_count "$work/to_uas.pcap")"
check "RTP arrived at the caller" $RTP_PER_CALL "$(capture_count "$work/to_uac.pcap")"
check "banned counter after ban del" "$banned" "$(dropped banned)"

# --- 2. the per-source request rate, set at run time
ctl limits set --source-rate 1 --source-burst 5 >/dev/null || fail=1
req0=$(sip requests_in)
lim0=$(dropped rate_limited)
options_burst 20
sleep 0.5
check "OPTIONS through at 1/s, burst 5" 5 $(($(sip requests_in) - req0))
check "OPTIONS dropped as rate_limited" 15 $(($(dropped rate_limited) - lim0))
ctl limits set --source-rate 0 >/dev/null || fail=1
req0=$(sip requests_in)
options_burst 20
sleep 0.5
check "OPTIONS through without a source rate" 20 $(($(sip requests_in) - req0))

# --- 3. the CPS limit, set at run time
ctl limits set --cps 1 --cps-burst 1 >/dev/null || fail=1
refused0=$(sip cps_refused)
start_uas uas_busy.xml 1
run_uac "$(refused 486)" 1
check "first call within the limit (callee busy, sipp exit status)" 0 $?
wait "$UAS_PID"
run_uac "$(refused 500)" 1
check "second call in the same second answered 500 (sipp exit status)" 0 $?
check "calls refused by the CPS limit" 1 $(($(sip cps_refused) - refused0))
ctl limits set --cps 0 >/dev/null || fail=1

sleep 0.3
check "streams left" 0 "$(relay_stat streams)"
check "SIP sessions left" 0 "$(relay_stat sip_sessions)"
exit $fail
