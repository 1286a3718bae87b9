#!/usr/bin/env bash
# srgen and srsink end to end over a veth pair between two namespaces of their own
# (sr-gtest-a -> sr-gtest-b; the lab's namespaces are not touched):
#   gen_lab_test.sh SRGEN SRSINK
#   1. 100,000 RTP frames in 4 flows at full rate: all received, no bad checksum, no
#      loss, no reordering; the rate is printed;
#   2. a paced run (50 kpps for 0.5 s): the achieved rate is the target's and every
#      frame arrives;
#   3. a SIP flood from 256 sources into the sink's range: counted as unstamped, with
#      good checksums;
#   4. traffic outside the sink's range still reaches the kernel (ping) while it is
#      attached; nothing stays attached after srsink exits or is killed with SIGKILL,
#      and srgen never attaches anything on the sending side.
# Exit 77 (skipped) when not root. Runs under the lab lock: one lab test at a time.
set -uo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (namespaces, AF_XDP, XDP)"
	exit 77
fi
if [ "${SIPRELAY_LAB_LOCKED:-}" != 1 ]; then
	exec env SIPRELAY_LAB_LOCKED=1 flock /tmp/siprelay-lab.lock "$0" "$@"
fi

SRGEN=$(realpath "$1")
SRSINK=$(realpath "$2")
A=sr-gtest-a
B=sr-gtest-b
IFA=gta0
IFB=gtb0
ADDR_A=198.18.99.1
ADDR_B=198.18.99.2

work=$(mktemp -d /tmp/srgen-test.XXXXXX)
fail=0
sink_pid=
cleanup() {
	[ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null && wait "$sink_pid" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

check() { # description, expected, actual
	if [ "$2" = "$3" ]; then
		echo "ok: $1 = $3"
	else
		echo "FAIL: $1: expected $2, got $3"
		fail=1
	fi
}
check_range() { # description, low, high, actual (numbers)
	if awk -v lo="$2" -v hi="$3" -v v="$4" 'BEGIN { exit !(v >= lo && v <= hi) }'; then
		echo "ok: $1 = $4 (in $2..$3)"
	else
		echo "FAIL: $1: $4 not in $2..$3"
		fail=1
	fi
}
kv() { # key, file: the value of key= on the file's last line
	tail -1 "$2" | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k { print $2 }'
}
xdp_attached() { # netns, interface
	ip -n "$1" -d link show "$2" | grep -q 'prog/xdp' && echo yes || echo no
}

# a fresh pair (a namespace left by a killed run is replaced)
ip netns del "$A" 2>/dev/null
ip netns del "$B" 2>/dev/null
if ! { ip netns add "$A" && ip netns add "$B" &&
	ip link add "$IFA" netns "$A" type veth peer name "$IFB" netns "$B" &&
	ip -n "$A" addr add "$ADDR_A/24" dev "$IFA" &&
	ip -n "$B" addr add "$ADDR_B/24" dev "$IFB" &&
	ip -n "$A" link set "$IFA" up && ip -n "$B" link set "$IFB" up &&
	ip -n "$A" link set lo up && ip -n "$B" link set lo up; }; then
	echo "FAIL: cannot create the veth pair"
	exit 1
fi
# the neighbour entry srgen will read (it would also resolve it itself)
ip netns exec "$A" ping -c 1 -W 2 "$ADDR_B" >/dev/null || { echo "FAIL: no link"; exit 1; }

# Starts srsink in B with the given ports and extra options; returns once attached.
start_sink() { # name, ports, options...
	local name=$1 ports=$2
	shift 2
	ip netns exec "$B" "$SRSINK" -i "$IFB" -p "$ports" "$@" >"$work/$name.out" 2>"$work/$name.err" &
	sink_pid=$!
	for _ in $(seq 100); do
		grep -q 'attached' "$work/$name.err" && return 0
		kill -0 "$sink_pid" 2>/dev/null || break
		sleep 0.05
	done
	echo "FAIL: srsink did not attach: $(cat "$work/$name.err")"
	exit 1
}
stop_sink() { # name
	wait "$sink_pid"
	local rc=$?
	sink_pid=
	check "srsink exit status ($1)" 0 "$rc"
	[ "$rc" -eq 0 ] || cat "$work/$1.err"
}
gen() { # name, srgen options...
	local name=$1
	shift
	ip netns exec "$A" "$SRGEN" -i "$IFA" "$@" >"$work/$name.gen" 2>&1
	check "srgen exit status ($name)" 0 $?
	cat "$work/$name.gen"
}

FLOWS=""
for i in 0 1 2 3; do
	FLOWS="$FLOWS --flow $ADDR_A:$((20000 + 2 * i))-$ADDR_B:$((30000 + 2 * i))"
done

echo "== 1. 100,000 frames at full rate"
start_sink full 30000-30999 --idle 1 -d 50
check "XDP program attached by srsink" yes "$(xdp_attached "$B" "$IFB")"
ip netns exec "$A" ping -c 1 -W 2 "$ADDR_B" >/dev/null
check "ping passes the sink" 0 $?
# shellcheck disable=SC2086
gen full $FLOWS -n 100000
stop_sink full
cat "$work/full.out"
check "sent" 100000 "$(kv sent "$work/full.gen")"
check "dropped by the device" 0 "$(kv dropped "$work/full.gen")"
check "received" 100000 "$(kv received "$work/full.out")"
check "stamped" 100000 "$(kv stamped "$work/full.out")"
check "bad UDP checksums" 0 "$(kv bad_udp_csum "$work/full.out")"
check "bad IP checksums" 0 "$(kv bad_ip_csum "$work/full.out")"
check "lost" 0 "$(kv lost "$work/full.out")"
check "reordered" 0 "$(kv reordered "$work/full.out")"
check "flows" 4 "$(kv flows "$work/full.out")"
check "nothing attached after srsink exits" no "$(xdp_attached "$B" "$IFB")"
echo "RATE: srgen $(kv rate_pps "$work/full.gen") pps sent, srsink $(kv rx_rate_pps "$work/full.out") pps received, latency p50 $(kv lat_p50_us "$work/full.out") us p99 $(kv lat_p99_us "$work/full.out") us"

echo "== 2. paced: 50 kpps for 0.5 s"
start_sink paced 30000-30999 --idle 1 -d 50
# shellcheck disable=SC2086
gen paced $FLOWS -r 50000 -d 0.5
stop_sink paced
sent=$(kv sent "$work/paced.gen")
# never above the target; below it only by what long stalls of the shared cores cost
check_range "paced rate_pps" 45000 50500 "$(kv rate_pps "$work/paced.gen")"
check_range "paced frames" 22500 25001 "$sent"
check "paced received" "$sent" "$(kv received "$work/paced.out")"
check "paced lost" 0 "$(kv lost "$work/paced.out")"

echo "== 3. SIP flood from 256 sources"
start_sink flood 5060 --idle 1 -d 50
gen flood --mode sip-flood --sip "$ADDR_B:5060" --sources 198.19.0.0/16 --count-sources 256 -n 20000
stop_sink flood
check "flood sent" 20000 "$(kv sent "$work/flood.gen")"
check "flood received" 20000 "$(kv received "$work/flood.out")"
check "flood unstamped" 20000 "$(kv unstamped "$work/flood.out")"
check "flood bad UDP checksums" 0 "$(kv bad_udp_csum "$work/flood.out")"
check "flood flows" 0 "$(kv flows "$work/flood.out")"

echo "== 4. nothing is left behind"
start_sink killed 30000-30999 -d 50
check "attached before the kill" yes "$(xdp_attached "$B" "$IFB")"
kill -9 "$sink_pid"
wait "$sink_pid" 2>/dev/null
sink_pid=
sleep 0.2
check "nothing attached after SIGKILL" no "$(xdp_attached "$B" "$IFB")"
check "nothing attached by srgen" no "$(xdp_attached "$A" "$IFA")"
# bad input: a clear error and exit status 2, never a crash
ip netns exec "$A" "$SRGEN" -i "$IFA" --flow nonsense -n 1 >/dev/null 2>"$work/bad.err"
check "srgen bad flow exit status" 2 $?
grep -q "invalid flow" "$work/bad.err"
check "srgen names the bad flow" 0 $?
ip netns exec "$A" "$SRGEN" -i "$IFA" --flow "$ADDR_A:1-$ADDR_B:2" >/dev/null 2>"$work/unbounded.err"
check "srgen refuses an unbounded run" 2 $?

if [ "$fail" -ne 0 ]; then
	echo "FAILED"
	exit 1
fi
echo "PASSED"
