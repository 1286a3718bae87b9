#!/usr/bin/env bash
# A phone behind NAT in the lab (scripts/lab up --nat): sipp at 192.168.77.2 in sr-lan,
# masqueraded by sr-uac as 198.18.1.2, the real relay on AF_XDP, a sipp registrar and
# callee/caller in sr-uas. nat_test.sh BUILD_DIR
# 1. The phone registers through the relay: the registrar gets the relay's Contact
#    (sip:sr-TOKEN@198.18.2.1:5060), "siprelayctl registrations" lists the binding
#    (AOR, the NAT's address as source, nat, expiry from the answer).
# 2. The phone calls out: media both ways (counted at lan0 and uas0), its legs marked nat
#    in "sessions --json".
# 3. A caller in sr-uas sends INVITE to the Contact the registrar got: the relay sends it
#    to the phone's NAT binding; media both ways.
# 4. Keepalive OPTIONS reach the phone through the NAT (tshark on lan0); answered ones are
#    counted, unanswered ones make the binding "unreachable".
# 5. Re-registration refreshes the binding; Expires: 0 removes it; a binding registered
#    for 3 s expires on its own.
# Exit 77 (skipped) when not root. One lab at a time: runs under flock
# /tmp/siprelay-lab.lock.
set -uo pipefail

LABTEST_TOOLS="sipp editcap tshark flock iptables" . "$(dirname "$0")/../lib/labtest.sh"
labtest_cleanup_more() {
	if [ $fail -ne 0 ]; then # what the peers said, for the log
		tail -n 5 "$work"/*.out 2>/dev/null
		cat "$work"/*_errors.log 2>/dev/null | tail -n 40
	fi
}
at_least() { # description, minimum, actual
	if [ "$3" -ge "$2" ]; then
		echo "ok: $1 = $3 (>= $2)"
	else
		echo "FAIL: $1: expected at least $2, got $3"
		fail=1
	fi
}
# One field of the only registration ("none" when there is none).
reg() { # field
	ctl registrations --json | python3 -c "import json,sys; r=json.load(sys.stdin)['registrations']
print(json.dumps(r[0]['$1']).strip('\"') if r else 'none')"
}
reg_count() { ctl registrations --json | python3 -c "import json,sys; print(json.load(sys.stdin)['count'])"; }

# The phone registers for $1 seconds through the relay; a one-shot registrar answers.
register() { # expires
	ip netns exec sr-uas sipp -sf "$S/registrar.xml" -i 198.18.2.2 -p 5060 -m 1 -nostdin \
		-timeout 10 -timeout_error -trace_msg -message_file "$work/registrar.log" \
		>"$work/registrar.out" 2>&1 &
	local rpid=$!
	sleep 0.3
	sed -e "s/@EXPIRES@/$1/" "$S/nat_register.xml" >"$work/register-$1.xml"
	ip netns exec sr-lan sipp -sf "$work/register-$1.xml" -i 192.168.77.2 -p 5060 \
		-s alice 198.18.1.1:5060 -m 1 -nostdin -timeout 10 -timeout_error \
		>"$work/phone_reg.out" 2>&1
	local rc=$?
	wait "$rpid"
	return $((rc || $?))
}

make_rtp_pcap $RTP_PER_CALL "$work/rtp.pcap" || exit 1
# keepalive OPTIONS every second, unreachable after two unanswered; latching off, so
# that media to the phone works only because its leg is marked nat (always latched)
sed -e '/^\[sip\]/a keepalive = options\nkeepalive_interval = 1\nkeepalive_max_missed = 2' \
	-e 's/^latching = on/latching = off/' "$top/config/lab.conf" >"$work/lab.conf"
grep -q '^latching = off' "$work/lab.conf" || { echo "FAIL: lab.conf has no 'latching = on' to turn off"; exit 1; }
SECONDS=0
"$top/scripts/lab" up --nat --config "$work/lab.conf" || { echo "FAIL: scripts/lab up --nat"; exit 1; }
# the NAT's kernel learns the relay's MAC first, so that no datagram waits for ARP
ip netns exec sr-uac ping -c 1 -W 1 198.18.1.1 >/dev/null

# --- 1. registration through the relay
echo "--- 1. at ${SECONDS} s"
register 600
check "REGISTER of the NATed phone (sipp exit status)" 0 $?
check "registrations" 1 "$(reg_count)"
check "AOR" "sip:alice@lab.example" "$(reg aor)"
check "the phone's own Contact" "sip:alice@192.168.77.2:5060" "$(reg contact)"
check "state" registered "$(reg state)"
check "behind NAT" true "$(reg nat)"
src=$(reg source)
check "source address (the NAT's public side)" 198.18.1.2 "${src%:*}"
exp=$(reg expires_s)
[ "$exp" -ge 590 ] && [ "$exp" -le 600 ] && echo "ok: expires_s = $exp" ||
	{ echo "FAIL: expires_s = $exp, expected about 600"; fail=1; }
relay_contact=$(reg relay_contact)
grep -q "^Contact: <$relay_contact>" "$work/registrar.log" &&
	echo "ok: the registrar got the relay's Contact <$relay_contact>" ||
	{ echo "FAIL: the registrar did not get <$relay_contact>:"; grep -i '^contact' "$work/registrar.log"; fail=1; }
token=$(printf '%s' "$relay_contact" | sed -e 's/^sip://' -e 's/@.*//')
ctl registrations | grep -Eq '^sip:alice@lab.example +198.18.1.2:[0-9]+ +registered +yes ' &&
	echo "ok: siprelayctl registrations (table) lists the binding" ||
	{ echo "FAIL: siprelayctl registrations (table):"; ctl registrations; fail=1; }

# --- 2. the phone calls out, media both ways
echo "--- 2. at ${SECONDS} s"
capture_start sr-lan lan0 "$work/to_phone1.pcap"
capture_start sr-uas uas0 "$work/to_uas1.pcap"
sleep 1
start_uas uas.xml 1
ip netns exec sr-lan sipp -sf "$S/uac.xml" -i 192.168.77.2 -p 5060 -mi 192.168.77.2 -mp 41000 \
	-key pcap "$work/rtp.pcap" -s bob 198.18.1.1:5060 -m 1 -d 2000 -nostdin -timeout 20 \
	-timeout_error >"$work/phone_out.out" 2>&1 &
phone=$!
sleep 1.5
# with latching off only the phone's leg (nat) latches
nat_legs=$(ctl sessions --json | python3 -c "import json,sys
legs=[l for x in json.load(sys.stdin) for l in x.get('legs', [])]
print(sum(1 for l in legs if l.get('nat')), sum(1 for l in legs if l.get('nat') and l.get('latched')),
      sum(1 for l in legs if l.get('latched')), len(legs))")
check "sessions --json during the outgoing call: nat legs, nat legs latched, legs latched, legs" \
	"1 1 1 2" "$nat_legs"
wait "$phone"
check "outgoing call from behind NAT (sipp exit status)" 0 $?
wait "$UAS_PID"
check "callee (sipp exit status)" 0 $?
sleep 0.5
at_least "RTP at the phone (lan0)" $((RTP_PER_CALL - 5)) "$(capture_count "$work/to_phone1.pcap")"
check "RTP at the callee (uas0)" $RTP_PER_CALL "$(capture_count "$work/to_uas1.pcap")"

# --- 3. a call to the Contact the registrar got reaches the phone through its NAT
echo "--- 3. at ${SECONDS} s"
capture_start sr-lan lan0 "$work/to_phone2.pcap"
capture_start sr-uas uas0 "$work/to_uas2.pcap"
sleep 1
# the phone answers calls and the relay's keepalive OPTIONS alike (each one a "call" for
# sipp, hence no -m: it is stopped once the core's call is over)
ip netns exec sr-lan sipp -sf "$S/nat_uas.xml" -i 192.168.77.2 -p 5060 -mi 192.168.77.2 -mp 40000 \
	-key pcap "$work/rtp.pcap" -nostdin -timeout 20 -trace_err \
	-error_file "$work/phone_in_errors.log" >"$work/phone_in.out" 2>&1 &
phone=$!
sleep 0.5
ip netns exec sr-uas sipp -sf "$S/uac.xml" -i 198.18.2.2 -p 5070 -mi 198.18.2.2 -mp 41000 \
	-key pcap "$work/rtp.pcap" -s "$token" 198.18.2.1:5060 -m 1 -d 2000 -nostdin -timeout 20 \
	-timeout_error -trace_err -error_file "$work/core_out_errors.log" >"$work/core_out.out" 2>&1
check "call from the core to the registered phone (sipp exit status)" 0 $?
sleep 0.3
kill -INT "$phone" 2>/dev/null
wait "$phone"
check "calls the phone failed" 0 "$(sipp_calls "$work/phone_in.out" failed)"
sleep 0.5
at_least "RTP at the phone (lan0)" $((RTP_PER_CALL - 5)) "$(capture_count "$work/to_phone2.pcap")"
check "RTP at the core caller (uas0)" $RTP_PER_CALL "$(capture_count "$work/to_uas2.pcap")"

# --- 4. keepalives through the NAT: answered for a while, then not
echo "--- 4. at ${SECONDS} s"
ip netns exec sr-lan tshark -i lan0 -n -q -w "$work/ka.pcap" -f "udp and src host 198.18.1.1 and src port 5060" \
	>/dev/null 2>&1 &
echo $! >"$work/ka.pcap.pid"
sleep 1
answered0=$(reg keepalives_answered)
ip netns exec sr-lan timeout 3 python3 - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.168.77.2", 5060))
while True:
    data, peer = s.recvfrom(4096)
    lines = data.decode(errors="replace").split("\r\n")
    if not lines[0].startswith("OPTIONS "):
        continue
    keep = [l for l in lines if l.split(":")[0].lower() in ("via", "from", "to", "call-id", "cseq")]
    s.sendto(("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) + "\r\nContent-Length: 0\r\n\r\n").encode(), peer)
PY
answered=$(reg keepalives_answered)
at_least "keepalive OPTIONS the phone answered" $((answered0 + 2)) "$answered"
check "state while answering" registered "$(reg state)"
sleep 3.5
check "state after keepalives went unanswered" unreachable "$(reg state)"
ka=$(capture_count "$work/ka.pcap")
at_least "keepalive datagrams seen on lan0 (tshark in sr-lan)" 5 "$ka"
ka_opt=$(tshark -r "$work/ka.pcap" -n -Y 'sip.Method == "OPTIONS"' 2>/dev/null | wc -l)
at_least "of them SIP OPTIONS" 5 "$ka_opt"

# --- 5. refresh, de-registration, expiry on its own
echo "--- 5. at ${SECONDS} s"
register 600
check "re-REGISTER (sipp exit status)" 0 $?
check "registrations after the refresh" 1 "$(reg_count)"
check "refreshes" 1 "$(reg refreshes)"
check "state after the refresh" registered "$(reg state)"
register 0
check "REGISTER with Expires: 0 (sipp exit status)" 0 $?
check "registrations after Expires: 0" 0 "$(reg_count)"
register 3
check "REGISTER for 3 s (sipp exit status)" 0 $?
check "registrations right after" 1 "$(reg_count)"
sleep 4
check "registrations 4 s later (expired on its own)" 0 "$(reg_count)"
echo "--- done at ${SECONDS} s"
exit $fail
