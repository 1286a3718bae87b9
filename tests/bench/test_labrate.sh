#!/usr/bin/env bash
# Unit test of the rate search and the plot of scripts/bench/lib/labrate.sh, with the trial
# replaced by a model relay: lossless up to CAP pps, the generator reaching at most GEN pps.
set -euo pipefail # as the benches run it

top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d /tmp/srlrtest.XXXXXX)
trap 'rm -rf "$work"' EXIT
TRIAL=1
# shellcheck source=scripts/bench/lib/labrate.sh
. "$top/scripts/bench/lib/labrate.sh"
lr_log() { :; }

CAP=0 GEN=0
lr_trial() { # the model: what lr_trial prints
	local rate=$1 sent
	sent=$(( rate < GEN ? rate : GEN ))
	echo "$rate" >>"$work/trials"
	local c=$CAP
	# a transient loss (the relay preempted once): this trial only
	[ -e "$work/flaky" ] && { rm -f "$work/flaky"; c=$((sent * 99 / 100)); }
	awk -v r="$rate" -v s="$sent" -v c="$c" 'BEGIN {
		g = s <= c ? s : c; printf "%d %d %d %.4f 10.0 20.0 %d %d 0\n", r, s, g, 100 * (s - g) / s, s, g }'
}

fail=0
check() { # description expected actual
	if [ "$2" = "$3" ]; then echo "ok: $1 = $3"; else echo "FAIL: $1: expected $2, got $3"; fail=1; fi
}
search() { # cap gen start max bisect -> best (the trials in $work/trials)
	CAP=$1 GEN=$2
	: >"$work/trials"
	lr_search model 1 "$work/points" "$3" "$4" "$5" >/dev/null
	echo "$LR_BEST"
}
lr_restart() { echo restart >>"$work/restarts"; }
: >"$work/restarts"

: >"$work/points"
best=$(search 150000 10000000 20000 1600000 4)
check "lossless rate of a 150 kpps relay" 150000 "$best"
check "trials (doubling to 160k, bisecting to 150k, 155k; lossy ones repeated)" "20000 40000 80000 160000 160000 120000 140000 150000 155000 155000" "$(xargs <"$work/trials")"
check "the target restarted before each trial that follows a lossy one (160k, 120k, 155k)" 3 "$(grep -c restart "$work/restarts")"
check "points recorded" 10 "$(awk '$1 == "model"' "$work/points" | wc -l)"
check "points: target run offered sent good loss" "model 1 160000 160000 150000 6.2500" "$(sed -n 4p "$work/points")"

touch "$work/flaky"
best=$(search 150000 10000000 20000 1600000 4)
check "a transient loss is repeated, not taken as the limit" "150000 20000 20000 40000" "$best $(xargs <"$work/trials" | cut -d' ' -f1-3)"

best=$(search 1000000000 300000 20000 1600000 4)
check "generator-bound: the rate the generator reached" 300000 "$best"
check "stops once the generator falls >10% short" "20000 40000 80000 160000 320000 640000" "$(xargs <"$work/trials")"

best=$(search 3000 10000000 20000 1600000 2)
check "first trial lossy: halves down" "20000 20000 10000 10000 5000" "$(xargs <"$work/trials" | cut -d' ' -f1-5)"
check "low-capacity relay" 2500 "$(( best < 3000 && best >= 2500 ? 2500 : best ))"

best=$(search 10 10000000 20000 1600000 2)
check "nothing lossless: 0 (bounded trials)" 0 "$best"
check "at most 6 halvings, each tried twice" 1 "$(( $(wc -l <"$work/trials") <= 12 ))"

best=$(search 1000000000 10000000 20000 100000 4)
check "stops at --max" 80000 "$best"

check "lossless threshold 0.01%" "yes no" "$(lr_lossless 0.0099 && echo yes) $(lr_lossless 0.01 || echo no)"
check "median" "2 2.5" "$(printf '3\n1\n2\n' | median) $(printf '4\n1\n2\n3\n' | median)"

if command -v gnuplot >/dev/null; then
	lr_plot "$work/points" "$work/p.png" "test" model missing
	check "plot is a PNG" "PNG" "$(head -c 4 "$work/p.png" 2>/dev/null | tail -c 3)"
else
	echo "skip: gnuplot not installed (scripts/setup), plot not checked"
fi
if [ $fail -eq 0 ]; then echo PASS; else echo FAIL; fi
exit $fail
