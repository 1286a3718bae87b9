#!/usr/bin/env bash
# Signature rules and automatic bans in the lab, with real peers and the real relay on
# AF_XDP with its XDP prefilter:
#   security_test.sh BUILD_DIR
# The relay runs config/lab.conf plus a [security] section: the shipped default rules
# (a copy), 5 auth failures in 60 s, 100 requests/s over 2 s.
# 1. A scanner at 198.18.1.3 sweeps extensions with OPTIONS, User-Agent:
#    friendly-scanner, while a legitimate caller at 198.18.1.2 places a call with media:
#    the scanner is banned by rule 1001 at its first message (ban list: reason, expiry),
#    the rest of its sweep is dropped in XDP (prefilter verdicts banned), the call works.
# 2. A password guesser at 198.18.1.4 sends REGISTER with credentials; the upstream
#    (sipp, uas_401.xml) answers each 401: after the 5th the guesser is banned
#    ("auth failures: 5 in 60 s"), it got exactly 5 answers, the rest died in XDP.
# 3. A flood of OPTIONS from 198.18.1.5 over 100/s: banned ("flood: ..."), in XDP.
# 4. reload with a broken rules file is refused with FILE:LINE: reason and the running
#    rules still ban a scanner; a good file with one more rule is swapped in and keeps
#    rule 1001's hit counter.
# 5. The legitimate caller's call still works and it is not banned.
# Exit 77 (skipped) when not root or when the prefilter is not built. One lab at a time:
# runs under flock /tmp/siprelay-lab.lock.
set -uo pipefail

LABTEST_TOOLS="sipp editcap tshark flock" LABTEST_PREFILTER=1 . "$(dirname "$0")/../lib/labtest.sh"
ok_if() { # description, python condition on v
	if python3 -c "import sys; v = $3; sys.exit(0 if ($2) else 1)"; then
		echo "ok: $1 ($3)"
	else
		echo "FAIL: $1: $2 is false for $3"
		fail=1
	fi
}
xdp_banned() {
	ctl stats --json | python3 -c "import json,sys; print(json.load(sys.stdin)['prefilter']['verdicts']['banned'])"
}
# the ban of one address as "reason|remaining_s", empty when not banned
ban_of() { # address
	ctl ban list --json | python3 -c "
import json, sys
for b in json.load(sys.stdin)['bans']:
    if b['address'] == sys.argv[1]:
        print('%s|%s' % (b['reason'], b['remaining_s']))" "$1"
}
rule_hits() { # id
	ctl rules --json | python3 -c "
import json, sys
print([r['hits'] for r in json.load(sys.stdin)['rules'] if r['id'] == int(sys.argv[1])][0])" "$1"
}

# A sipvicious-like sweep: OPTIONS to extension 100, 101, ... from ADDR, one every 20 ms.
scanner() { # addr n ua
	ip netns exec sr-uac python3 - "$@" <<'PY'
import socket, sys, time
addr, n, ua = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, 5060))
for i in range(n):
    ext = 100 + i
    s.sendto((
        f"OPTIONS sip:{ext}@198.18.1.1 SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {addr}:5060;branch=z9hG4bK-scan-{i}\r\n"
        "Max-Forwards: 70\r\n"
        f"From: \"{ext}\" <sip:{ext}@198.18.1.1>;tag=s{i}\r\n"
        f"To: \"{ext}\" <sip:{ext}@198.18.1.1>\r\n"
        f"Call-ID: scan-{i}@{addr}\r\n"
        "CSeq: 1 OPTIONS\r\n"
        f"User-Agent: {ua}\r\n"
        "Accept: application/sdp\r\n"
        "Content-Length: 0\r\n\r\n").encode(), ("198.18.1.1", 5060))
    time.sleep(0.02)
PY
}

# svcrack-like: REGISTER with a new password guess every 100 ms; prints the 401s it got.
guesser() { # addr n
	ip netns exec sr-uac python3 - "$@" <<'PY'
import socket, sys, time
addr, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, 5060))
s.setblocking(False)
got = 0
for i in range(n):
    s.sendto((
        "REGISTER sip:198.18.1.1 SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {addr}:5060;branch=z9hG4bK-crack-{i};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:100@198.18.1.1>;tag=c{i}\r\n"
        "To: <sip:100@198.18.1.1>\r\n"
        f"Call-ID: crack-{i}@{addr}\r\n"
        "CSeq: 1 REGISTER\r\n"
        f"Contact: <sip:100@{addr}:5060>\r\n"
        "Authorization: Digest username=\"100\", realm=\"lab\", nonce=\"x\", "
        f"uri=\"sip:198.18.1.1\", response=\"{i:032x}\"\r\n"
        "Expires: 60\r\n"
        "Content-Length: 0\r\n\r\n").encode(), ("198.18.1.1", 5060))
    end = time.time() + 0.1
    while time.time() < end:
        try:
            if s.recv(4096).startswith(b"SIP/2.0 401"):
                got += 1
        except BlockingIOError:
            time.sleep(0.005)
print(got)
PY
}

# n OPTIONS at 400/s (paced, so that what follows the ban meets XDP), benign User-Agent.
flood() { # addr n
	ip netns exec sr-uac python3 - "$@" <<'PY'
import socket, sys, time
addr, n = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((addr, 5062))
for i in range(n):
    s.sendto((
        "OPTIONS sip:bob@198.18.2.2 SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {addr}:5062;branch=z9hG4bK-flood-{i}\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:probe@{addr}>;tag=f{i}\r\n"
        "To: <sip:bob@198.18.2.2>\r\n"
        f"Call-ID: flood-{i}@{addr}\r\n"
        "CSeq: 1 OPTIONS\r\n"
        "Content-Length: 0\r\n\r\n").encode(), ("198.18.1.1", 5060))
    if i % 10 == 9:
        time.sleep(0.025)
PY
}

make_rtp_pcap $RTP_PER_CALL "$work/rtp.pcap" || exit 1
cp "$top/config/rules.default" "$work/rules"
cp "$top/config/lab.conf" "$work/lab.conf"
cat >>"$work/lab.conf" <<CONF

[security]
rules = rules
auth_fail_count = 5
auth_fail_window = 60
auth_fail_ban = 600
flood_rate = 100
flood_window = 2
flood_ban = 300
CONF
"$top/scripts/lab" up --config "$work/lab.conf" || { echo "FAIL: scripts/lab up"; exit 1; }
for a in 198.18.1.3 198.18.1.4 198.18.1.5 198.18.1.6; do
	ip netns exec sr-uac ip addr add "$a/24" dev uac0
done
ip netns exec sr-uac ping -c 1 -W 2 198.18.1.1 >/dev/null
n=$(ctl rules --json | python3 -c "import json,sys; print(json.load(sys.stdin)['count'])")
check "rules loaded from the default set" "$(grep -cE '^[0-9]' "$work/rules")" "$n"

# --- 1. a scanner's sweep while a legitimate call runs
start_uas uas.xml 1
run_uac "$S/uac.xml" 1 -d 3000 &
uac=$!
xdp0=$(xdp_banned)
t0=$(date +%s)
scanner 198.18.1.3 100 friendly-scanner
wait $uac
check "legitimate call during the sweep (sipp exit status)" 0 $?
wait "$UAS_PID"
check "UAS (sipp exit status)" 0 $?
ban=$(ban_of 198.18.1.3)
check "scanner's ban reason" "rule 1001 (header:User-Agent)" "${ban%%|*}"
ok_if "scanner banned for up to an hour" "3590 <= v <= 3600" "${ban##*|}"
check "rule 1001 hits (the sweep's first OPTIONS only)" 1 "$(rule_hits 1001)"
ok_if "rest of the sweep dropped in XDP" "v >= 95" $(($(xdp_banned) - xdp0))

# --- 2. password guessing against a registrar that refuses every guess
start_uas uas_401.xml 20
xdp0=$(xdp_banned)
got=$(guesser 198.18.1.4 20)
kill "$UAS_PID" 2>/dev/null; wait "$UAS_PID" 2>/dev/null
check "401 answers the guesser got before its ban" 5 "$got"
ban=$(ban_of 198.18.1.4)
check "guesser's ban reason" "auth failures: 5 in 60 s (last 401)" "${ban%%|*}"
ok_if "guesser banned for 600 s" "590 <= v <= 600" "${ban##*|}"
ok_if "its later REGISTERs dropped in XDP" "v >= 14" $(($(xdp_banned) - xdp0))

# --- 3. a flood of requests
xdp0=$(xdp_banned)
flood 198.18.1.5 800
sleep 0.5
ban=$(ban_of 198.18.1.5)
case "${ban%%|*}" in
"flood: "*" requests/s (limit 100)") echo "ok: flooder banned: ${ban%%|*}" ;;
*) echo "FAIL: flooder's ban: '$ban'"; fail=1 ;;
esac
# 201 requests (over 100/s for 2 s) reach the data plane, then the ban: about 0.5 s
# into the 2 s flood
ok_if "flood dropped in XDP after the ban" "v >= 400" $(($(xdp_banned) - xdp0))

ctl ban list

# --- 4. reload: a broken rules file is refused, the running set stays; a good one swaps
hits=$(rule_hits 1001)
echo "4242 header:User-Agent drop /(a)\\1/" >>"$work/rules"
line=$(wc -l <"$work/rules")
out=$(ctl reload 2>&1)
rc=$?
[ $rc -ne 0 ] && echo "ok: reload with a broken rules file failed" || { echo "FAIL: reload accepted a broken rules file"; fail=1; }
case "$out" in
*"$work/rules:$line: rule 4242: pattern refused"*) echo "ok: refused with its line: $out" ;;
*) echo "FAIL: reload said: $out"; fail=1 ;;
esac
scanner 198.18.1.6 3 "sipcli/v1.8"
check "running rules still ban (rule 1003)" "rule 1003 (header:User-Agent)" "$(ban_of 198.18.1.6 | cut -d'|' -f1)"
sed -i '$d' "$work/rules"
echo "4242 header:User-Agent drop /lab-test-agent/" >>"$work/rules"
ctl reload >/dev/null || { echo "FAIL: reload of a good rules file"; fail=1; }
ctl rules --json | python3 -c "
import json, sys
d = json.load(sys.stdin)
ids = [r['id'] for r in d['rules']]
assert d['generation'] == 2 and 4242 in ids and len(ids) == $n + 1, d
assert [r['hits'] for r in d['rules'] if r['id'] == 1001] == [$hits], d" &&
	echo "ok: the new rule set runs (generation 2, rule 4242 added, rule 1001 kept its hits)" ||
	{ echo "FAIL: rule set after reload"; fail=1; }
ctl stats --json | python3 -c "
import json, sys
r = json.load(sys.stdin)['rules']
assert r['banned'] >= 2 and r['auth_bans'] == 1 and r['flood_bans'] == 1 and r['hits']['1001'] == $hits, r" &&
	echo "ok: stats has the rules section" || { echo "FAIL: stats rules section"; fail=1; }

# --- 5. the legitimate caller still calls, with media, and is not banned
capture_start sr-uas uas0 "$work/to_uas.pcap"
capture_start sr-uac uac0 "$work/to_uac.pcap"
sleep 1
start_uas uas.xml 1
run_uac "$S/uac.xml" 1 -d 2000
check "legitimate call after the attacks (sipp exit status)" 0 $?
wait "$UAS_PID"
sleep 0.5
check "RTP arrived at the callee" $RTP_PER_CALL "$(capture_count "$work/to_uas.pcap")"
check "RTP arrived at the caller" $RTP_PER_CALL "$(capture_count "$work/to_uac.pcap")"
check "legitimate caller's ban" "" "$(ban_of 198.18.1.2)"
echo "took $(($(date +%s) - t0)) s"
exit $fail
