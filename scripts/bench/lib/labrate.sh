# shellcheck shell=bash disable=SC2154 # top, BUILD, work, STREAMS, SIZE, TRIAL: set by the caller
# Rate trials through the lab for the relay benchmarks (sourced by scripts/bench/lab-capacity,
# overload and per-core). The caller sets: top (repository root), BUILD (build tree), work
# (scratch directory), STREAMS (RTP streams), SIZE (UDP payload bytes), TRIAL (seconds a
# trial). One target is up at a time:
#
#   siprelay   scripts/lab up: siprelay-dataplane (net_af_xdp on acc0/core0, worker lcore 1)
#              and siprelay-control; sessions through rtpproxy.sock (U, then L)
#   rtpengine  scripts/lab up --no-relay; the kernel of sr-relay holds 198.18.1.1 (acc0) and
#              198.18.2.1 (core0); rtpengine (userspace forwarding, one thread, on CPU 1)
#              with interfaces acc and core; sessions through its ng protocol
#   ceiling    scripts/lab up --no-relay; dpdk-testpmd io-forwards between net_af_xdp ports
#              on acc0 and core0 (forwarding lcore 1); the generator addresses its frames
#              to the callee (uas0's MAC, 198.18.2.2), so testpmd passes them on unchanged
#
# srgen sends the caller's streams from uac0 (pinned to CPU 0); srsink counts what reaches
# uas0 (UDP ports 40000-49999) in XDP. Both cores are shared by generator, relay and sink.

LR_SINK_PORTS=40000-49999
LR_NG=127.0.0.1:2223
LR_PIDS=()
LR_DST_MAC=

lr_log() { printf 'lab-rate: %s\n' "$*" >&2; }

# Builds only what the benches run (the rest of the tree may be mid-change) and finds it.
lr_build() {
	[ -d "$BUILD" ] || meson setup "$BUILD" "$top" >/dev/null
	ninja -C "$BUILD" dataplane/relay/siprelay-dataplane control/daemon/siprelay-control \
		control/ctl/siprelayctl bench/gen/srgen bench/gen/srsink bpf/prefilter.bpf.o >/dev/null
	SRGEN=$BUILD/bench/gen/srgen
	SRSINK=$BUILD/bench/gen/srsink
	[ -x "$SRGEN" ] && [ -x "$SRSINK" ] || { lr_log "srgen/srsink not built (bench/gen needs libxdp)"; return 1; }
}

lr_need() { # tools...
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null || { lr_log "$t is not installed (run scripts/setup)"; return 1; }
	done
}

# Kills what lr_up started (by pid), then the lab.
lr_down() {
	local p
	for p in "${LR_PIDS[@]}"; do
		kill -INT "$p" 2>/dev/null || true
		for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$p" 2>/dev/null || true
	done
	LR_PIDS=()
	for ns in sr-uac sr-uas sr-relay; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
	done
	"$top/scripts/lab" down >/dev/null 2>&1 || true
}

lr_wait_ng() {
	for _ in $(seq 50); do
		ip netns exec sr-relay python3 "$top/scripts/bench/lib/media_sessions.py" ng $LR_NG ping \
			2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# Both parties talk to the relay once (ARP both ways); a relay still starting may miss it.
lr_hello() {
	ip netns exec sr-uac ping -c 3 -i 0.3 -w 3 198.18.1.1 >/dev/null 2>&1 ||
		lr_log "note: no answer to ping from sr-uac"
	ip netns exec sr-uas ping -c 3 -i 0.3 -w 3 198.18.2.1 >/dev/null 2>&1 ||
		lr_log "note: no answer to ping from sr-uas"
}

# Brings up one target and writes the generator's flows to $work/flows.
lr_up() { # siprelay|rtpengine|ceiling
	LR_DST_MAC=
	case "$1" in
	siprelay)
		# busy polling like testpmd's forwarding lcore: the worker owns CPU 1 here, and
		# the lab's adaptive polling (made for sharing a core with sipp) sleeps between
		# bursts, which costs the frames that arrive while it sleeps
		sed 's/^polling = .*/polling = busy/' "$top/config/lab.conf" >"$work/lab.conf"
		SIPRELAY_BUILD=$BUILD "$top/scripts/lab" up --config "$work/lab.conf" >"$work/lab.log" 2>&1 ||
			{ cat "$work/lab.log" >&2; return 1; }
		# the relay learns each neighbour's MAC from its ARP request
		lr_hello
		python3 "$top/scripts/bench/lib/media_sessions.py" rtpproxy /run/siprelay/rtpproxy.sock \
			create "$STREAMS" "$work/flows" "$work/flows.rev"
		;;
	rtpengine)
		"$top/scripts/lab" up --no-relay >"$work/lab.log" 2>&1 || { cat "$work/lab.log" >&2; return 1; }
		ip netns exec sr-relay ip addr add 198.18.1.1/24 dev acc0
		ip netns exec sr-relay ip addr add 198.18.2.1/24 dev core0
		# kernel-sent UDP on veth otherwise carries partial checksums that the sink rejects
		ip netns exec sr-relay ethtool -K acc0 tx off >/dev/null
		ip netns exec sr-relay ethtool -K core0 tx off >/dev/null
		ip netns exec sr-relay taskset -c 1 rtpengine --config-file=none \
			--interface=acc/198.18.1.1 --interface=core/198.18.2.1 --listen-ng=$LR_NG \
			--foreground --log-stderr --log-level=4 --num-threads=1 --table=-1 \
			--port-min=30000 --port-max=39999 >"$work/rtpengine.log" 2>&1 &
		LR_PIDS+=($!)
		lr_wait_ng || { lr_log "rtpengine did not answer on $LR_NG"; tail -n 20 "$work/rtpengine.log" >&2; return 1; }
		lr_hello
		ip netns exec sr-relay python3 "$top/scripts/bench/lib/media_sessions.py" ng $LR_NG \
			create "$STREAMS" "$work/flows" "$work/flows.rev"
		;;
	ceiling)
		"$top/scripts/lab" up --no-relay >"$work/lab.log" 2>&1 || { cat "$work/lab.log" >&2; return 1; }
		LR_DST_MAC=$(ip netns exec sr-uas cat /sys/class/net/uas0/address)
		# non-interactive with --stats-period: forwards and prints until SIGINT
		LIBXDP_SKIP_DISPATCHER=1 nsenter --net=/run/netns/sr-relay dpdk-testpmd -l 0,1 --no-pci \
			--in-memory --file-prefix "srcap$$" --log-level=lib.eal:error \
			--vdev net_af_xdp0,iface=acc0 --vdev net_af_xdp1,iface=core0 -- \
			--forward-mode=io --nb-cores=1 --stats-period 1 \
			</dev/null >"$work/testpmd.log" 2>&1 &
		LR_PIDS+=($!)
		for _ in $(seq 100); do
			grep -q "Port statistics\|Start automatic packet forwarding\|io packet forwarding" \
				"$work/testpmd.log" 2>/dev/null && break
			kill -0 "${LR_PIDS[-1]}" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "${LR_PIDS[-1]}" 2>/dev/null || { lr_log "dpdk-testpmd did not start"; tail -n 20 "$work/testpmd.log" >&2; return 1; }
		: >"$work/flows"
		for i in $(seq 0 $((STREAMS - 1))); do
			echo "198.18.1.2:$((20000 + 2 * i))-198.18.2.2:$((40000 + 2 * i))" >>"$work/flows"
		done
		;;
	*) lr_log "unknown target $1"; return 1 ;;
	esac
}

kv() { tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'; }

# One trial: srsink on uas0, srgen at RATE pps for SECS seconds. Prints
# "offered_pps sent_pps good_pps loss_pct p50_us p99_us sent good bad_csum".
lr_trial() { # rate secs
	local rate=$1 secs=$2 sink_pid gen out sent good bad b1 b2 dur mac=()
	[ -n "$LR_DST_MAC" ] && mac=(--dst-mac "$LR_DST_MAC")
	ip netns exec sr-uas timeout $((secs + 30)) "$SRSINK" -i uas0 -p $LR_SINK_PORTS \
		-d $((secs + 20)) --show-flows 0 >"$work/sink.out" 2>"$work/sink.err" &
	sink_pid=$!
	for _ in $(seq 50); do grep -q attached "$work/sink.err" 2>/dev/null && break; sleep 0.1; done
	gen=$(ip netns exec sr-uac timeout $((secs + 15)) taskset -c 0 "$SRGEN" -i uac0 \
		--flows "$work/flows" -s "$SIZE" -r "$rate" -d "$secs" "${mac[@]}" 2>>"$work/gen.err" |
		tail -n 1) || true
	sleep 0.5 # what is still in flight
	kill -INT "$sink_pid" 2>/dev/null || true
	wait "$sink_pid" 2>/dev/null || true
	out=$(tail -n 1 "$work/sink.out")
	sent=$(kv sent <<<"$gen"); sent=${sent:-0}
	dur=$(kv duration_s <<<"$gen"); dur=${dur:-0}
	good=$(kv stamped <<<"$out"); good=${good:-0}
	b1=$(kv bad_udp_csum <<<"$out"); b2=$(kv bad_ip_csum <<<"$out")
	bad=$(( ${b1:-0} + ${b2:-0} ))
	awk -v r="$rate" -v s="$sent" -v g="$good" -v d="$dur" -v b="$bad" \
		-v p50="$(kv lat_p50_us <<<"$out")" -v p99="$(kv lat_p99_us <<<"$out")" 'BEGIN {
		loss = s > 0 ? 100 * (s - g) / s : 100; if (loss < 0) loss = 0
		printf "%d %.0f %.0f %.4f %s %s %d %d %d\n", r, (d > 0 ? s / d : 0), (d > 0 ? g / d : 0),
			loss, p50 == "" ? "-" : p50, p99 == "" ? "-" : p99, s, g, b }'
}

LR_LOSS_MAX=0.01 # percent: "lossless"

lr_lossless() { awk -v l="$1" -v m=$LR_LOSS_MAX 'BEGIN {exit !(l < m)}'; }

# A trial that lost packets may leave the target broken for the next one (rtpengine, once
# overloaded, goes on dropping most streams at any rate): the next trial then starts on a
# fresh target (lab, relay and sessions made anew, warm-up).
LR_DIRTY=0
lr_fresh() { # target
	[ "$LR_DIRTY" = 1 ] || return 0
	lr_restart "$1"
	LR_DIRTY=0
}
lr_restart() { # target
	lr_down
	lr_up "$1"
	lr_trial 5000 1 >/dev/null # warm-up: latching, ARP
}
lr_mark() { lr_lossless "$1" || LR_DIRTY=1; } # loss_pct

# One search trial, appended to POINTS; a lossy one is repeated once, because on shared
# cores a single preemption of the relay loses a burst at any rate. Sets LR_SP and LR_LOSS
# from the trial that counts (the repeat, when there was one).
lr_search_trial() { # target run points rate
	local res try note=""
	for try in 1 2; do
		[ "$try" = 2 ] && note=" (repeated)"
		lr_fresh "$1"
		res=$(lr_trial "$4" "$TRIAL")
		echo "$1 $2 $res" | awk '{print $1, $2, $3, $4, $5, $6}' >>"$3"
		read -r _ LR_SP _ LR_LOSS _ <<<"$res"
		lr_mark "$LR_LOSS"
		lr_log "$1 run $2: offered $4 pps, sent $LR_SP pps, loss $LR_LOSS%$note"
		lr_lossless "$LR_LOSS" && break
	done
	return 0 # callers run under set -e
}

# Highest lossless rate: doubling from START until a trial loses 0.01% or more twice (or
# the generator falls short of its target, or MAX is passed), then BISECT halvings between
# the last good and the first bad rate. Every trial is appended to POINTS as
# "target run offered sent_pps good_pps loss_pct". Sets LR_BEST to the best lossless
# trial's sent rate (what the relay carried, not the target), 0 when none was lossless.
lr_search() { # target run points start max bisect
	local target=$1 run=$2 points=$3 rate=$4 max=$5 bisect=$6 good=0 bad=0 n=0
	LR_BEST=0
	while :; do
		lr_search_trial "$target" "$run" "$points" "$rate"
		n=$((n + 1))
		if lr_lossless "$LR_LOSS"; then
			good=$rate; LR_BEST=$LR_SP
			# the generator could not reach the target: the relay carried all it got
			awk -v s="$LR_SP" -v r="$rate" 'BEGIN {exit !(s < 0.9 * r)}' && break
			[ "$bad" -gt 0 ] && break
			rate=$((rate * 2))
			[ "$rate" -gt "$max" ] && break
		else
			bad=$rate
			[ "$good" -gt 0 ] && break
			rate=$((rate / 2))
			[ "$rate" -lt 1000 ] || [ $n -ge 6 ] && break
		fi
	done
	if [ "$good" -gt 0 ] && [ "$bad" -gt 0 ]; then
		for _ in $(seq 1 "$bisect"); do
			rate=$(( (good + bad) / 2 ))
			[ $((bad - good)) -lt $((good / 20 + 1)) ] && break # within 5%
			lr_search_trial "$target" "$run" "$points" "$rate"
			if lr_lossless "$LR_LOSS"; then good=$rate; LR_BEST=$LR_SP; else bad=$rate; fi
		done
	fi
	return 0
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR == 0) print 0; else if (NR % 2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

# A PNG of goodput against offered rate, one series per target, from POINTS.
lr_plot() { # points png title targets...
	local points=$1 png=$2 title=$3 plots="" t first=1 max
	shift 3
	command -v gnuplot >/dev/null || { lr_log "gnuplot not installed: no plot"; return 0; }
	max=$(awk '{if ($4 > m) m = $4} END {print m / 1000 * 1.05 + 1}' "$points")
	for t in "$@"; do
		awk -v t="$t" '$1 == t {print $4 / 1000, $5 / 1000}' "$points" | sort -g >"$work/plot-$t.dat"
		[ -s "$work/plot-$t.dat" ] || continue
		[ $first -eq 1 ] || plots+=", "
		plots+="'$work/plot-$t.dat' using 1:2 with linespoints title '$t'"
		first=0
	done
	[ -n "$plots" ] || return 0
	gnuplot <<GP
set terminal pngcairo size 900,560 font "sans,10"
set output '$png'
set title "$title"
set xlabel 'offered (sent by the generator), kpps'
set ylabel 'goodput (received intact at the callee), kpps'
set key top left
set grid
set xrange [0:$max]
set yrange [0:$max]
plot x with lines dashtype 2 linecolor rgb '#999999' title 'lossless', $plots
GP
}
