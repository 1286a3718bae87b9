#!/usr/bin/env bash
# One call-flow case in the lab with real sipp peers and the real relay on AF_XDP:
#   lab_test.sh BUILD_DIR CASE
# CASE: basic compact cancel busy hold late malformed maxforwards cps
# Brings the lab up, runs sipp UAS in sr-uas and sipp UAC in sr-uac (RTP from a pcap,
# both directions), then checks the calls' outcome, what the relay counted (SIP and
# RTP), what arrived at each side, and that no session, stream or port is left.
# Exit 77 (skipped) when not root; the lab needs namespaces and XDP.
set -uo pipefail

LABTEST_TOOLS="sipp editcap tshark" . "$(dirname "$0")/../lib/labtest.sh"
CASE=$2

# Lab up, with a copy of the lab config edited by $1 (a sed script) when given.
lab_up() {
	cp "$top/config/lab.conf" "$work/lab.conf"
	[ -n "${1:-}" ] && sed -i "$1" "$work/lab.conf"
	if ! "$top/scripts/lab" up --config "$work/lab.conf"; then
		echo "FAIL: scripts/lab up"
		exit 1
	fi
}

# The refusal template with its blanks filled: expected status, Max-Forwards, From
# display name.
refused() { # status mf display
	sed -e "s/@STATUS@/$1/" -e "s/@MF@/$2/" -e "s/@DISPLAY@/$3/" "$S/uac_refused.xml" \
		>"$work/refused-$1.xml"
	echo "$work/refused-$1.xml"
}

expect_calls_ok() { # what rc
	check "$1 (sipp exit status)" 0 "$2"
	if [ "$2" -ne 0 ]; then
		tail -n 30 "$work/uac.out" "$work/uas.out" 2>/dev/null
		cat "$work"/*_errors.log 2>/dev/null | tail -n 20
	fi
}

expect_clean() {
	sleep 0.3
	check "streams left" 0 "$(relay_stat streams)"
	check "SIP sessions left" 0 "$(relay_stat sip_sessions)"
	check "media ports left" 0 "$(relay_stat sip_ports_in_use)"
}

# A call flow with media: UAC and UAS scenarios, number of calls.
media_case() { # uac_scenario uas_scenario calls
	local calls=$3 fwd0 rc
	capture_start sr-uas uas0 "$work/to_uas.pcap"
	capture_start sr-uac uac0 "$work/to_uac.pcap"
	sleep 1
	fwd0=$(relay_stat fwd_rtp)
	start_uas "$2" "$calls"
	run_uac "$S/$1" "$calls" -d 2000
	rc=$?
	wait "$UAS_PID"
	uas_rc=$?
	expect_calls_ok "$calls call(s) $1 <-> $2" "$rc"
	check "UAS (sipp exit status)" 0 "$uas_rc"
	sleep 0.5
	check "RTP relayed (both directions)" $((2 * RTP_PER_CALL * calls)) $(($(relay_stat fwd_rtp) - fwd0))
	check "RTP arrived at the callee" $((RTP_PER_CALL * calls)) "$(capture_count "$work/to_uas.pcap")"
	check "RTP arrived at the caller" $((RTP_PER_CALL * calls)) "$(capture_count "$work/to_uac.pcap")"
	expect_clean
}

make_rtp_pcap $RTP_PER_CALL "$work/rtp.pcap" || exit 1

case "$CASE" in
basic)
	lab_up
	media_case uac.xml uas.xml 3
	;;
compact)
	lab_up
	media_case uac_compact.xml uas_compact.xml 1
	;;
hold)
	lab_up
	media_case uac_hold.xml uas_hold.xml 1
	;;
late)
	lab_up
	media_case uac_late.xml uas_late.xml 1
	;;
cancel)
	lab_up
	start_uas uas_cancel.xml 1
	run_uac "$S/uac_cancel.xml" 1
	expect_calls_ok "CANCEL before answer" $?
	wait "$UAS_PID"
	check "UAS (sipp exit status)" 0 $?
	expect_clean
	;;
busy)
	lab_up
	start_uas uas_busy.xml 1
	run_uac "$(refused 486 70 \"sipp\")" 1
	expect_calls_ok "486 Busy Here from the callee" $?
	wait "$UAS_PID"
	check "UAS (sipp exit status)" 0 "$?"
	expect_clean
	;;
malformed)
	lab_up
	replies=$(relay_stat sip_replies)
	run_uac "$(refused 400 70 "Bell, Alexander")" 1
	expect_calls_ok "INVITE with an unquoted comma in the From display name answered 400" $?
	check "answers sent by the relay" $((replies + 1)) "$(relay_stat sip_replies)"
	check "requests forwarded" 0 "$(relay_stat sip_requests_fwd)"
	expect_clean
	;;
maxforwards)
	lab_up
	run_uac "$(refused 483 0 \"sipp\")" 1
	expect_calls_ok "Max-Forwards 0 answered 483 by the relay" $?
	check "requests forwarded" 0 "$(relay_stat sip_requests_fwd)"
	expect_clean
	;;
cps)
	lab_up 's/^cps_limit = .*/cps_limit = 1\ncps_burst = 1/'
	start_uas uas_busy.xml 1
	run_uac "$(refused 486 70 \"sipp\")" 1
	expect_calls_ok "first call within the limit (callee busy)" $?
	wait "$UAS_PID"
	run_uac "$(refused 500 70 \"sipp\")" 1 -trace_msg -message_file "$work/cps_messages.log"
	expect_calls_ok "second call in the same second answered 500" $?
	check "reason phrase of the 500" "SIP/2.0 500 Call placing quota exceeded" \
		"$(grep -o 'SIP/2.0 500 Call placing quota exceeded' "$work/cps_messages.log" | head -n 1)"
	check "calls refused by the CPS limit" 1 "$(relay_stat sip_cps_refused)"
	expect_clean
	;;
*)
	echo "unknown case '$CASE'"
	exit 2
	;;
esac
exit $fail
