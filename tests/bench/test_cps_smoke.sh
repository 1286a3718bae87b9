#!/usr/bin/env bash
# One tiny trial of scripts/bench/cps on each set-up (siprelay inline; Kamailio +
# rtpengine): the calls must succeed through both, RTP must reach both parties through
# both relays, the script must write its plot and points, print its final line, and leave
# the lab down with nothing of its own running:
#   test_cps_smoke.sh BUILD_DIR
# Runs under the lab lock (whole test); exit 77 (skipped) without root or a tool.
set -uo pipefail

if [ "${SIPRELAY_LAB_LOCKED:-}" != 1 ]; then
	exec env SIPRELAY_LAB_LOCKED=1 flock /tmp/siprelay-lab.lock "$0" "$@"
fi
BUILD=$(realpath "$1")
top=$(cd "$(dirname "$0")/../.." && pwd)
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the lab needs root (namespaces, XDP)"
	exit 77
fi
for tool in sipp kamailio rtpengine iptables; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (scripts/setup)"; exit 77; }
done
work=$(mktemp -d /tmp/srcpssmoke.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0
check() { # description expected actual
	if [ "$2" = "$3" ]; then echo "ok: $1 = $3"; else echo "FAIL: $1: expected $2, got $3"; fail=1; fi
}

# 20 cps for 2 s on each set-up, one trial each (--max-cps = --start), 10 RTP packets
# each way per call
BUILD=$BUILD timeout 100 "$top/scripts/bench/cps" --targets siprelay,kamailio --start 20 \
	--max-cps 20 --trial 2 --rtp 10 \
	--out "$work/out" >"$work/log" 2>&1
rc=$?
cat "$work/log"
check "exit status" 0 "$rc"
final=$(tail -n 1 "$work/log")
for key in siprelay_cps kamailio_rtpengine_cps; do
	v=$(tr ' ' '\n' <<<"$final" | awk -F= -v k="$key" '$1 == k {print $2}')
	check "$key > 0 in the final line" yes "$(awk -v v="${v:-0}" 'BEGIN {print (v > 0 ? "yes" : "no")}')"
done
check "ratio in the final line" 1 "$(grep -c ' ratio=[0-9.]* ' <<<"$final")"
# cps.points: target run offered attempted succeeded failed fail% achieved p50 rtp_callee
# rtp_caller media%; the trial at 20 cps that counts (the last of its target)
for t in siprelay kamailio; do
	row=$(awk -v t="$t" '$1 == t' "$work/out/cps.points" 2>/dev/null | tail -n 1)
	read -r _ _ off att ok _ _ _ _ callee caller _ <<<"$row"
	check "$t: calls offered at 20 cps" 40 "${att:-none}"
	check "$t: calls that succeeded" 40 "${ok:-none}"
	check "$t: RTP reached the callee (10 a call)" yes "$([ "${callee:-0}" -ge 380 ] && echo yes || echo "no (${callee:-0})")"
	check "$t: RTP reached the caller (10 a call)" yes "$([ "${caller:-0}" -ge 380 ] && echo yes || echo "no (${caller:-0})")"
	check "$t: offered rate" 20 "${off:-none}"
done
check "plot written" yes "$([ -s "$work/out/cps.png" ] && echo yes || echo no)"
# cleaned up: no lab namespace, nothing left in them
check "lab namespaces left" 0 "$(ip netns list 2>/dev/null | grep -c '^sr-')"
exit $fail
