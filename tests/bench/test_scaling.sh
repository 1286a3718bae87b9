#!/usr/bin/env bash
# scripts/bench/scaling: its argument handling (--args: nothing run); its table, plot and
# final line over a model of relay-pps (--model: no root); or a short real run (--smoke:
# root, hugepages, dpdk-testpmd; BUILD names the build to use) whose figures must be positive.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
bench=$top/scripts/bench/scaling
mode=${1:-}
work=$(mktemp -d /tmp/srscaletest.XXXXXX)
trap 'rm -rf "$work"' EXIT

fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }

# exit status STATUS and a message on stderr matching PATTERN (empty: none needed)
expect() { # status pattern args...
	local want=$1 pat=$2 rc=0
	shift 2
	"$bench" "$@" >"$work/out" 2>"$work/err" || rc=$?
	if [ "$rc" -ne "$want" ]; then
		bad "scaling $* exited $rc, expected $want: $(cat "$work/err")"
	elif [ -n "$pat" ] && ! grep -q -- "$pat" "$work/err"; then
		bad "scaling $*: no message like '$pat' (got: $(cat "$work/err"))"
	else
		ok "scaling $* -> $rc"
	fi
}

case "$mode" in
--args)
	expect 0 '' --help
	grep -q -- '--sessions-list' "$work/out" && ok "--help shows the usage" ||
		bad "--help does not show the usage"
	expect 0 '' -h
	expect 2 'unknown argument --bogus' --bogus
	expect 2 'unknown argument extra' extra
	expect 2 '--runs needs a value' --runs
	expect 2 '--sessions-list needs a value' --sessions-list
	expect 2 '--runs must be' --runs 0
	expect 2 '--runs must be' --runs 21
	expect 2 '--runs must be' --runs two
	expect 2 '--seconds must be' --seconds 0
	expect 2 '--seconds must be' --seconds 61
	expect 2 '--seconds must be' --seconds -3
	expect 2 '--sessions-list must be' --sessions-list ''
	expect 2 '--sessions-list must be' --sessions-list 1000,,10000
	expect 2 '--sessions-list must be' --sessions-list 1000,
	expect 2 '--sessions-list must be' --sessions-list 1k,10k
	expect 2 '--sessions-list must be' --sessions-list '1000 10000'
	expect 2 'from 1 to 10000000' --sessions-list 0,1000
	expect 2 'from 1 to 10000000' --sessions-list 1000,10000001
	expect 2 'from 1 to 10000000' --sessions-list 123456789012345678901234
	# a bad argument is refused before anything runs, whatever comes after it
	expect 2 '--runs must be' --runs 0 --sessions-list 1000
	;;
--model)
	# relay-pps replaced by a model: relay 10 - log10(N) Mpps, ceiling 30 Mpps, 300 bytes a
	# session plus 1 MB of fixed state; it fails at N = 666 and talks nonsense at N = 777
	cat >"$work/model" <<'MODEL'
#!/usr/bin/env bash
set -eu
n= r= s=
while [ $# -gt 0 ]; do
	case "$1" in --sessions) n=$2 ;; --runs) r=$2 ;; --seconds) s=$2 ;; *) exit 2 ;; esac
	shift 2
done
[ "$r" = 2 ] && [ "$s" = 1 ] || { echo "model: runs $r seconds $s" >&2; exit 2; }
[ "$n" = 666 ] && { echo "model: EAL init failed" >&2; exit 1; }
[ "$n" = 777 ] && { echo "nonsense"; exit 0; }
awk -v n="$n" 'BEGIN {
	rel = 10 - log(n) / log(10); d = (n < 65536 ? n : 65536)
	printf "run       relay_mpps   ceiling_mpps    ratio\n1 %14.3f %14.3f %8.3f\n", rel, 30, rel / 30
	printf "median: relay %.3f Mpps, ceiling %.3f Mpps (%d distinct streams hit, lcores 0 service + 1 worker)\n", rel, 30, d
	printf "relay_mpps=%.3f ceiling_mpps=%.3f ratio=%.3f sessions=%d bytes_per_session=%d\n", rel, 30, rel / 30, n, 300 + 1048576 / n }'
MODEL
	chmod +x "$work/model"
	export SCALING_RELAY_PPS=$work/model
	rc=0
	"$bench" --sessions-list 1000000,1000,100000,10000 --runs 2 --seconds 1 --out "$work/o" \
		>"$work/run" 2>"$work/err" || rc=$?
	cat "$work/run" "$work/err"
	[ "$rc" -eq 0 ] && ok "model run exits 0" || bad "model run exited $rc"
	want="scaling relay_mpps_1k=7.000 relay_mpps_10k=6.000 relay_mpps_100k=5.000"
	want+=" relay_mpps_1m=4.000 retained=0.571 ceiling_retained=1.000 ratio_1k=0.233"
	want+=" ratio_10k=0.200 ratio_100k=0.167 ratio_1m=0.133"
	last=$(tail -n 1 "$work/run")
	[ "$last" = "$want" ] && ok "final line" || bad "final line: $last (expected $want)"
	row() { awk -v n="$1" '$1 == n && NF == 7' "$work/run" | tr -s ' ' | sed 's/^ //'; }
	[ "$(row 1000)" = "1000 1000 7.000 30.000 0.233 1348 1.3" ] && ok "row 1000" || bad "row 1000: $(row 1000)"
	[ "$(row 1000000)" = "1000000 65536 4.000 30.000 0.133 301 287.1" ] && ok "row 1000000" ||
		bad "row 1000000: $(row 1000000)"
	grep -q 'at 1000, 10000 sessions the packets hit every session' "$work/run" &&
		ok "names the points whose packets hit every session" || bad "hit note"
	[ "$(grep -vc '^#' "$work/o/scaling.dat")" -eq 4 ] && ok "scaling.dat has 4 points" || bad "scaling.dat"
	if command -v gnuplot >/dev/null; then
		[ "$(head -c 4 "$work/o/scaling.png" | od -An -c | tr -d ' ')" = '211PNG' ] &&
			ok "scaling.png is a PNG" || bad "no PNG plot"
	fi
	# a failing point, or one without relay-pps' final line, fails the whole run
	for n in 666 777; do
		rc=0
		"$bench" --sessions-list "1000,$n" --runs 2 --seconds 1 --out "$work/o" >"$work/run" 2>&1 || rc=$?
		[ "$rc" -eq 1 ] && grep -q "at $n sessions" "$work/run" && ok "a bad point ($n) fails the run" ||
			bad "bad point $n: exit $rc, $(cat "$work/run")"
	done
	;;
--smoke)
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (hugepages, DPDK)"; exit 77; }
	command -v dpdk-testpmd >/dev/null || { echo "SKIP: no dpdk-testpmd"; exit 77; }
	: "${BUILD:?BUILD must name the build directory}"
	start=$SECONDS
	"$bench" --sessions-list 4096,1000 --runs 1 --seconds 1 --out "$work/out.d" \
		>"$work/run" 2>&1 || { cat "$work/run"; bad "scaling exited non-zero"; exit 1; }
	cat "$work/run"
	echo "(took $(( SECONDS - start )) s)"
	last=$(tail -n 1 "$work/run")
	[[ $last == "scaling "* ]] && ok "final line starts with 'scaling'" || bad "final line: $last"
	# every figure positive; the points sorted ascending whatever order they were given in
	for k in relay_mpps_1k relay_mpps_4096 retained ceiling_retained ratio_1k ratio_4096; do
		v=$(tr ' ' '\n' <<<"$last" | awk -F= -v k="$k" '$1 == k {print $2}')
		if [ -n "$v" ] && awk -v v="$v" 'BEGIN {exit !(v > 0)}'; then ok "$k=$v > 0"
		else bad "$k missing or not positive in: $last"; fi
	done
	keys=$(tr ' ' '\n' <<<"$last" | sed -n 's/^relay_mpps_\([^=]*\)=.*/\1/p' | paste -sd,)
	[ "$keys" = 1k,4096 ] && ok "points in ascending order" || bad "points: $keys"
	# the table: two rows, state MiB = sessions x bytes per session
	rows=$(awk '$1 ~ /^[0-9]+$/ && NF == 7' "$work/run")
	[ "$(wc -l <<<"$rows")" -eq 2 ] && ok "table has 2 rows" || bad "table rows: $rows"
	awk '{ if ($6 <= 0 || ($7 - $1 * $6 / 1048576) ^ 2 > 0.01) exit 1 }' <<<"$rows" &&
		ok "state_mib = sessions x bytes_per_session" || bad "state_mib: $rows"
	grep -q 'at 1000, 4096 sessions the packets hit every session' "$work/run" &&
		ok "says the packets hit every session" || bad "no note on the sessions hit"
	[ "$(wc -l <"$work/out.d/scaling.dat")" -eq 3 ] && ok "scaling.dat" || bad "scaling.dat"
	if command -v gnuplot >/dev/null; then
		[ "$(head -c 4 "$work/out.d/scaling.png" | od -An -c | tr -d ' ')" = '211PNG' ] &&
			ok "scaling.png is a PNG" || bad "no PNG plot"
	fi
	;;
*) echo "usage: $0 --args | --model | --smoke" >&2; exit 2 ;;
esac
[ "$fail" -eq 0 ] && echo "all passed"
exit "$fail"
