#!/usr/bin/env bash
# The XDP prefilter in the lab (bpf/prefilter.bpf.c, loaded by net_af_xdp on acc0 and
# core0):
#   prefilter_test.sh BUILD_DIR
#   1. a call's pinholes open with the call and close after its BYE; its media flows;
#   2. media to a closed port is dropped in XDP: the data plane never sees it;
#   3. a banned caller's SIP never reaches the data plane (its SIP counters and its
#      software guard stay still) while XDP's banned counter rises; after ban del the
#      call works again.
# Exit 77 (skipped) when not root or when the prefilter is not built. One lab at a time.
set -uo pipefail

LABTEST_TOOLS="sipp editcap tshark bpftool" LABTEST_PREFILTER=1 . "$(dirname "$0")/../lib/labtest.sh"
stat() { # section key [subkey]
	ctl stats --json | python3 -c "
import json, sys
o = json.load(sys.stdin)['$1']
for k in sys.argv[1:]:
    o = o[k]
print(o)" "${@:2}"
}
pinholes() {
	bpftool -j map dump pinned /sys/fs/bpf/sr_pf_pinholes | python3 -c "import json,sys; print(len(json.load(sys.stdin)))"
}
# n datagrams from the caller to a media port of the relay's access address
media_to() { # port n
	ip netns exec sr-uac python3 - "$1" "$2" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[2])):
    s.sendto(b"\x80\x00" + bytes(170), ("198.18.1.1", int(sys.argv[1])))
PY
}

make_rtp_pcap $RTP_PER_CALL "$work/rtp.pcap" || exit 1
"$top/scripts/lab" up || { echo "FAIL: scripts/lab up"; exit 1; }
ip netns exec sr-uac ping -c 1 -W 2 198.18.1.1 >/dev/null
check "prefilter loaded (siprelayctl stats)" True "$(stat prefilter loaded)"

# --- 1. pinholes follow the call
check "pinholes before the call" 0 "$(pinholes)"
capture_start sr-uas uas0 "$work/to_uas.pcap"
capture_start sr-uac uac0 "$work/to_uac.pcap"
sleep 1
media0=$(stat prefilter verdicts media)
start_uas uas.xml 1
run_uac "$S/uac.xml" 1 -d 3000 &
uac=$!
open=0
for _ in $(seq 30); do
	open=$(pinholes)
	[ "$open" -ge 2 ] && break
	sleep 0.1
done
check "pinholes during the call (one per leg)" 2 "$open"
wait $uac
check "call (sipp exit status)" 0 $?
wait "$UAS_PID"
sleep 0.5
check "pinholes after BYE" 0 "$(pinholes)"
check "RTP arrived at the callee" $RTP_PER_CALL "$(capture_count "$work/to_uas.pcap")"
check "RTP arrived at the caller" $RTP_PER_CALL "$(capture_count "$work/to_uac.pcap")"
check "media redirected by XDP (both directions)" $((2 * RTP_PER_CALL)) \
	$(($(stat prefilter verdicts media) - media0))

# --- 2. a closed media port
closed0=$(stat prefilter verdicts media_closed)
nosess0=$(stat rtp drop_no_session)
media_to 20100 20
sleep 0.3
check "datagrams to a closed port dropped in XDP" 20 $(($(stat prefilter verdicts media_closed) - closed0))
check "datagrams to a closed port seen by the data plane" 0 $(($(stat rtp drop_no_session) - nosess0))

# --- 3. a banned caller
ctl ban add 198.18.1.2 --reason "lab: prefilter" >/dev/null || fail=1
req0=$(stat sip requests_in)
soft0=$(stat sip banned)
xdp0=$(stat prefilter verdicts banned)
run_uac "$S/uac.xml" 1 -timeout 3s
rc=$?
[ "$rc" -ne 0 ] && echo "ok: the banned caller's call failed (sipp exit status $rc)" ||
	{ echo "FAIL: the banned caller's call succeeded"; fail=1; }
xdp=$(($(stat prefilter verdicts banned) - xdp0))
[ "$xdp" -ge 1 ] && echo "ok: XDP dropped $xdp datagrams of the banned caller" ||
	{ echo "FAIL: XDP banned counter did not move"; fail=1; }
check "SIP requests that reached the data plane" "$req0" "$(stat sip requests_in)"
check "SIP refused by the data plane's own guard" "$soft0" "$(stat sip banned)"
ctl ban del 198.18.1.2 >/dev/null || fail=1
start_uas uas.xml 1
run_uac "$S/uac.xml" 1
check "call after ban del (sipp exit status)" 0 $?
wait "$UAS_PID"
sleep 0.3
check "pinholes left" 0 "$(pinholes)"
check "streams left" 0 "$(relay_stat streams)"
exit $fail
