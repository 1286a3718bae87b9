# Shell helpers for putting sipp calls through the lab (sourced by scripts/demo and
# tests/lab/lab_test.sh). Expects: top (repository root), BUILD (build tree), work (a
# scratch directory) to be set by the caller.

SCENARIOS="$top/tests/lab/scenarios"
DP_SOCK=/run/siprelay/dataplane.sock

# One counter of the relay's dataplane.sock stats (fwd_rtp, streams, sip_sessions...).
relay_stat() {
	"$BUILD/dataplane/relay/siprelay-dpclient" -s "$DP_SOCK" stats |
		tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'
}

# A pcap of n RTP packets (20 ms G.711 each) cut from the one sipp ships.
make_rtp_pcap() { # n file
	editcap -r /usr/share/sip-tester/g711a.pcap "$2" "1-$1" >/dev/null
}

# Counts what the relay sends to one side: a capture on that side's veth of UDP from
# the relay's media ports.
capture_start() { # ns dev file
	ip netns exec "$1" tshark -i "$2" -n -q -w "$3" -f "udp and src portrange 20000-39999" \
		>/dev/null 2>&1 &
	echo $! >"$3.pid"
}
capture_count() { # file
	kill -INT "$(cat "$1.pid")" 2>/dev/null
	wait "$(cat "$1.pid")" 2>/dev/null
	tshark -r "$1" -n 2>/dev/null | wc -l
}

# sipp UAS in sr-uas, in the background (its pid in UAS_PID).
start_uas() { # scenario calls [sipp args...]
	local sf=$1 n=$2
	shift 2
	ip netns exec sr-uas sipp -sf "$SCENARIOS/$sf" -i 198.18.2.2 -p 5060 -mi 198.18.2.2 \
		-mp 40000 -key pcap "$work/rtp.pcap" -m "$n" -nostdin -timeout 120 -timeout_error \
		-trace_err -error_file "$work/uas_errors.log" "$@" >"$work/uas.out" 2>&1 &
	UAS_PID=$!
	sleep 0.5
}

# sipp UAC in sr-uac calling through the relay's access address (foreground unless the
# caller adds &). scenario is a path.
run_uac() { # scenario calls [sipp args...]
	local sf=$1 n=$2
	shift 2
	ip netns exec sr-uac sipp -sf "$sf" -i 198.18.1.2 -p 5060 -mi 198.18.1.2 -mp 41000 \
		-key pcap "$work/rtp.pcap" -s bob 198.18.1.1:5060 -m "$n" -nostdin \
		-timeout 120 -timeout_error -trace_err -error_file "$work/uac_errors.log" "$@" \
		>"$work/uac.out" 2>&1
}

# "Successful call" / "Failed call" cumulative counts from a sipp screen dump.
sipp_calls() { # file successful|failed
	local label="Successful call"
	[ "$2" = failed ] && label="Failed call"
	grep "$label" "$1" | tail -n 1 | awk -F'|' '{gsub(/ /, "", $3); print $3}'
}
