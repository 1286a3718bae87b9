#!/usr/bin/env bash
# SIP tracing and DPDK telemetry in the lab, with real sipp peers and the real relay:
#   trace_test.sh BUILD_DIR
# Two calls run at the same time; "siprelayctl trace start --call-id" follows one of
# them and "--address" the other's caller; a message of the traced call longer than one
# event piece follows. After both traces stop, tshark reads the
# files: the traced call's INVITE, 180, 200, ACK, BYE and 200 are there on both sides of
# the relay (as received and as sent), nothing of the other call is; the address trace
# holds the other call only. Then /siprelay/stats answers on the data plane's telemetry
# socket (with dpdk-telemetry.py too). Exit 77 (skipped) when not root or a tool is
# missing. Takes /tmp/siprelay-lab.lock itself: the lab is one per machine.
set -uo pipefail

LABTEST_TOOLS="sipp tshark python3 flock" . "$(dirname "$0")/../lib/labtest.sh"
chmod 755 "$work"
CTL="$BUILD/control/ctl/siprelayctl"
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }

if ! "$top/scripts/lab" up; then
	echo "FAIL: scripts/lab up"
	exit 1
fi
make_rtp_pcap 25 "$work/rtp.pcap" || exit 1

# one trace by Call-ID, one by the second caller's address and port
"$CTL" --json trace start --call-id traced-1@lab --file "$work/call.pcapng" >"$work/t1.json" ||
	{ echo "FAIL: trace start"; exit 1; }
"$CTL" --json trace start --address 198.18.1.2:5062 --file "$work/addr.pcapng" >"$work/t2.json" ||
	{ echo "FAIL: trace start --address"; exit 1; }
id1=$(json 'print(d["trace"]["id"])' <"$work/t1.json")
id2=$(json 'print(d["trace"]["id"])' <"$work/t2.json")
check "file refused when it exists" 1 \
	"$("$CTL" trace start --call-id x --file "$work/call.pcapng" >/dev/null 2>&1; echo $?)"
"$CTL" trace list

# the traced call and another one at the same time (sipp's -cid_str names the Call-IDs)
start_uas uas.xml 2
ip netns exec sr-uac sipp -sf "$SCENARIOS/uac.xml" -i 198.18.1.2 -p 5060 -mi 198.18.1.2 \
	-mp 41000 -key pcap "$work/rtp.pcap" -s bob 198.18.1.1:5060 -m 1 -nostdin \
	-cid_str 'traced-%u@lab' -d 1000 -timeout 60 -timeout_error >"$work/uac1.out" 2>&1 &
uac1=$!
ip netns exec sr-uac sipp -sf "$SCENARIOS/uac.xml" -i 198.18.1.2 -p 5062 -mi 198.18.1.2 \
	-mp 42000 -key pcap "$work/rtp.pcap" -s bob 198.18.1.1:5060 -m 1 -nostdin \
	-cid_str 'other-%u@lab' -d 1000 -timeout 60 -timeout_error >"$work/uac2.out" 2>&1 &
uac2=$!
wait $uac1
check "traced call (sipp exit status)" 0 $?
wait $uac2
check "other call (sipp exit status)" 0 $?
wait "$UAS_PID"
check "UAS (sipp exit status)" 0 $?
sleep 0.3

# a message of the traced call longer than one event piece (DP_TRACE_CHUNK_MAX), below
# the MTU: it must come out of the file whole
ip netns exec sr-uac python3 - <<'PY'
import socket
pad = "X-Pad: " + "p" * 1100 + "\r\n"
m = ("OPTIONS sip:198.18.1.1 SIP/2.0\r\nVia: SIP/2.0/UDP 198.18.1.2:5070;branch=z9hG4bKbig1\r\n"
     "Max-Forwards: 70\r\nTo: <sip:198.18.1.1>\r\nFrom: <sip:probe@198.18.1.2>;tag=big\r\n"
     "Call-ID: traced-1@lab\r\nCSeq: 9 OPTIONS\r\n" + pad + "Content-Length: 0\r\n\r\n")
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.1.2", 5070))
s.settimeout(2)
s.sendto(m.encode(), ("198.18.1.1", 5060))
try:
    s.recv(65536)
except OSError:
    pass
PY
"$CTL" --json trace stop "$id1" >"$work/s1.json" || fail=1
"$CTL" --json trace stop --all >"$work/s2.json" || fail=1
cat "$work/s1.json" "$work/s2.json"
check "trace 1 lost nothing" 0 "$(json 'print(d["stopped"][0]["lost"])' <"$work/s1.json")"
check "trace 1 state" stopped "$(json 'print(d["stopped"][0]["state"])' <"$work/s1.json")"
check "trace 2 stopped by --all" "$id2" "$(json 'print(",".join(str(t["id"]) for t in d["stopped"]))' <"$work/s2.json")"

# what the traced call's file holds, as tshark decodes it: one line per SIP message
sip_lines() { # file
	tshark -r "$1" -n -Y sip -T fields -E separator=' ' -e frame.interface_name \
		-e ip.src -e ip.dst -e sip.Call-ID -e sip.Method -e sip.Status-Code 2>/dev/null
}
sip_lines "$work/call.pcapng" >"$work/call.txt"
cat "$work/call.txt"
big=$(tshark -r "$work/call.pcapng" -n -Y 'sip.Method == "OPTIONS"' -T fields -e frame.len -e frame.cap_len 2>/dev/null | head -n 1)
echo "OPTIONS frame (len, captured): $big"
check "a frame of several pieces written whole" 1 "$(awk '$1 > 1100 && $1 == $2 {print 1}' <<<"$big")"
check "trace 1 truncated nothing" 0 "$(json 'print(d["stopped"][0]["truncated"])' <"$work/s1.json")"
written=$(json 'print(d["stopped"][0]["packets"])' <"$work/s1.json")
check "packets trace 1 reported = SIP frames in its file" "$written" "$(wc -l <"$work/call.txt")"
check "Call-IDs in the call trace" traced-1@lab "$(awk '{print $4}' "$work/call.txt" | sort -u | tr '\n' ' ' | sed 's/ $//')"
# requests: from the caller to the access side, then from the core side to the callee
for m in INVITE ACK BYE; do
	check "$m received from the caller" 1 "$(awk -v m=$m '$1=="access" && $2=="198.18.1.2" && $3=="198.18.1.1" && $5==m' "$work/call.txt" | wc -l | awk '{print ($1>=1)}')"
	check "$m sent to the callee" 1 "$(awk -v m=$m '$1=="core" && $2=="198.18.2.1" && $3=="198.18.2.2" && $5==m' "$work/call.txt" | wc -l | awk '{print ($1>=1)}')"
done
# responses: from the callee to the core side, then to the caller
for s in 180 200; do
	check "$s received from the callee" 1 "$(awk -v s=$s '$1=="core" && $2=="198.18.2.2" && $5==s' "$work/call.txt" | wc -l | awk '{print ($1>=1)}')"
	check "$s sent to the caller" 1 "$(awk -v s=$s '$1=="access" && $3=="198.18.1.2" && $5==s' "$work/call.txt" | wc -l | awk '{print ($1>=1)}')"
done
check "200s (INVITE and BYE) received from the callee" 1 "$(awk '$1=="core" && $2=="198.18.2.2" && $5==200' "$work/call.txt" | wc -l | awk '{print ($1>=2)}')"
check "200s (INVITE and BYE) sent to the caller" 1 "$(awk '$1=="access" && $3=="198.18.1.2" && $5==200' "$work/call.txt" | wc -l | awk '{print ($1>=2)}')"
# every frame carries its direction (pcapng epb_flags): in on one side, out on the other
dirs=$(tshark -r "$work/call.pcapng" -n -T fields -e frame.interface_name -e frame.packet_flags_direction 2>/dev/null | sort -u | tr '\n' ';')
echo "interface/direction pairs: $dirs"
check "directions recorded" 1 "$(grep -q 'access.0x00000001' <<<"$dirs" && grep -q 'access.0x00000002' <<<"$dirs" && echo 1 || echo 0)"

sip_lines "$work/addr.pcapng" >"$work/addr.txt"
check "Call-IDs in the address trace" other-1@lab "$(awk '{print $4}' "$work/addr.txt" | sort -u | tr '\n' ' ' | sed 's/ $//')"
check "address trace: the caller's side only" access "$(awk '{print $1}' "$work/addr.txt" | sort -u | tr '\n' ' ' | sed 's/ $//')"
check "address trace: INVITE, ACK, BYE and the answers" 1 "$(awk '$5=="INVITE"||$5=="ACK"||$5=="BYE"||$5=="200"' "$work/addr.txt" | wc -l | awk '{print ($1>=5)}')"
"$CTL" trace list

# DPDK telemetry: siprelay's commands on the data plane's socket
tel=/var/run/dpdk/sr-lab/dpdk_telemetry.v2
python3 - "$tel" >"$work/tel.json" <<'PY'
import json, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.settimeout(3)
s.connect(sys.argv[1])
json.loads(s.recv(16384))  # the greeting: version, pid, max_output_len
out = {}
for cmd in ("/siprelay/stats", "/siprelay/workers", "/siprelay/sessions", "/siprelay/traces", "/"):
    s.send(cmd.encode())
    out.update(json.loads(s.recv(65536)))
print(json.dumps(out))
PY
check "telemetry socket answers" 0 $?
json '
st = d["/siprelay/stats"]
assert st["workers"] == 1 and st["capacity"] == 16384, st
assert st["sip_requests_in"] >= 6 and st["sip_responses_in"] >= 6 and st["fwd_rtp"] > 0, st
assert st["sip_sessions"] == 0 and st["streams"] == 0, st
w = d["/siprelay/workers"]["0"]
assert w["sip"] >= 12 and w["fwd_rtp"] == st["fwd_rtp"], w
assert d["/siprelay/sessions"] == {"streams": 0, "capacity": 16384, "sip_sessions": 0, "sip_ports_in_use": 0}, d
assert d["/siprelay/traces"] == {}, d
assert "/siprelay/stats" in d["/"], d["/"]
print("telemetry:", {k: st[k] for k in ("sip_requests_in", "sip_responses_fwd", "fwd_rtp")})
' <"$work/tel.json"
check "telemetry /siprelay/* answers" 0 $?
if command -v dpdk-telemetry.py >/dev/null; then
	echo /siprelay/stats | dpdk-telemetry.py -f sr-lab >"$work/dt.out" 2>&1
	check "dpdk-telemetry.py shows /siprelay/stats" 1 "$(grep -c '"fwd_rtp"' "$work/dt.out")"
fi
exit $fail
