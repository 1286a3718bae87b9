#!/usr/bin/env bash
# Argument handling of scripts/bench/cps: --help and every mistake are answered before the
# script takes the lab lock or needs root (each run is bounded by a timeout: a script that
# waited for the lock would time out, 124, instead of exiting 0 or 2).
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
CPS="$top/scripts/bench/cps"
work=$(mktemp -d /tmp/srcpsargs.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail=0

expect() { # description expected_rc expected_stderr_part args...
	local what=$1 rc=$2 msg=$3 got
	shift 3
	# never under the lock: a missing check would otherwise go on to a real run
	env -u SIPRELAY_LAB_LOCKED timeout 10 "$CPS" "$@" >"$work/out" 2>"$work/err"
	got=$?
	if [ "$got" != "$rc" ]; then
		echo "FAIL: $what: exit $got, expected $rc"; cat "$work/err"; fail=1; return
	fi
	if [ -n "$msg" ] && ! grep -qF -- "$msg" "$work/err"; then
		echo "FAIL: $what: stderr lacks '$msg':"; cat "$work/err"; fail=1; return
	fi
	echo "ok: $what (exit $rc)"
}

expect "--help" 0 "" --help
if ! grep -q "scripts/bench/cps \[--targets siprelay,kamailio,direct\]" "$work/out" ||
	! grep -q "final line" "$work/out"; then
	echo "FAIL: --help lacks the usage"; cat "$work/out"; fail=1
fi
[ "$(grep -c '^#' "$work/out")" = 0 ] || { echo "FAIL: --help shows comment markers"; fail=1; }
expect "-h" 0 "" -h
expect "--help after other options" 0 "" --runs 2 --help
expect "unknown argument" 2 "unknown argument --bogus" --bogus
expect "positional argument" 2 "unknown argument foo" foo
expect "option without its value" 2 "--trial needs a value" --trial
expect "non-numeric --trial" 2 "trial must be a non-negative integer" --trial abc
expect "negative --runs" 2 "runs must be a non-negative integer" --runs -1
expect "zero --start" 2 "start must be positive" --start 0
expect "zero --rtp" 2 "rtp must be positive" --rtp 0
expect "--max-cps below --start" 2 "is below --start" --start 100 --max-cps 50
expect "--max-cps too high" 2 "--max-cps at most" --max-cps 100000
expect "--trial too long" 2 "--trial at most" --trial 61
expect "--runs too many" 2 "--runs at most" --runs 11
expect "--duration too long" 2 "--duration at most" --duration 60000
expect "unknown target" 2 "unknown target 'rtpproxy'" --targets siprelay,rtpproxy
expect "empty target list" 2 "--targets is empty" --targets ""
expect "--replot without its file" 2 "--replot needs a value" --replot
expect "--replot of a missing file" 1 "cannot read" --replot "$work/none.points"

# --replot draws the plot from a cps.points file without the lab
if command -v gnuplot >/dev/null; then
	cat >"$work/cps.points" <<'PTS'
siprelay 1 10 50 50 0 0.00 10.0 4 1250 1250 100.0
siprelay 1 20 100 100 0 0.00 20.0 4 2500 2500 100.0
kamailio 1 10 50 50 0 0.00 10.0 4 1250 1250 100.0
kamailio 1 20 100 80 20 20.00 15.2 40 2000 1900 95.0
direct 1 10 50 50 0 0.00 10.0 0 1250 1250 100.0
PTS
	expect "--replot" 0 "" --replot "$work/cps.points" --out "$work/plot"
	if [ "$(head -c 8 "$work/plot/cps.png" 2>/dev/null | od -An -c | tr -d ' ')" = '211PNG\r\n032\n' ]; then
		echo "ok: --replot wrote a PNG"
	else
		echo "FAIL: --replot wrote no PNG"; fail=1
	fi
	: >"$work/empty.points"
	expect "--replot of no trials" 1 "no trials to plot" --replot "$work/empty.points" --out "$work/plot"
else
	echo "note: gnuplot not installed, --replot not tried"
fi
exit $fail
