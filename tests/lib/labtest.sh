# The prologue every lab test shares; sourced first thing, with the test's own
# arguments (BUILD_DIR first):
#   LABTEST_TOOLS="sipp tshark" . "$(dirname "$0")/../lib/labtest.sh"
# One lab at a time (the test re-runs itself under flock /tmp/siprelay-lab.lock), the
# relay of BUILD_DIR, exit 77 (skipped) without root or a tool of LABTEST_TOOLS
# (default: sipp editcap tshark) or, with LABTEST_PREFILTER=1, without the XDP
# prefilter built; then a scratch directory $work, scripts/lib/labcall.sh's helpers,
# check() and ctl(), and a cleanup on exit that runs labtest_cleanup_more() when the
# test defines it, stops what runs in the namespaces and takes the lab down.

if [ "${SIPRELAY_LAB_LOCKED:-}" != 1 ]; then
	exec env SIPRELAY_LAB_LOCKED=1 flock /tmp/siprelay-lab.lock "$0" "$@"
fi

BUILD=$(realpath "$1")
export SIPRELAY_BUILD=$BUILD # scripts/lab runs the relay of this build
top=$(cd "$(dirname "$0")/../.." && pwd)
S="$top/tests/lab/scenarios"
RTP_PER_CALL=${RTP_PER_CALL:-50} # packets each side plays per call

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: the lab needs root (namespaces, XDP)"
	exit 77
fi
for tool in ${LABTEST_TOOLS:-sipp editcap tshark}; do
	command -v "$tool" >/dev/null || { echo "SKIP: $tool is not installed (scripts/setup)"; exit 77; }
done
if [ "${LABTEST_PREFILTER:-0}" = 1 ] && [ -z "$(find "$BUILD" -name prefilter.bpf.o | head -1)" ]; then
	echo "SKIP: no prefilter built"
	exit 77
fi

work=$(mktemp -d /tmp/srlab.XXXXXX)
# shellcheck source=scripts/lib/labcall.sh
. "$top/scripts/lib/labcall.sh"
fail=0

labtest_cleanup() {
	if declare -F labtest_cleanup_more >/dev/null; then
		labtest_cleanup_more
	fi
	for ns in sr-lan sr-uac sr-uas; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do kill "$pid" 2>/dev/null; done
	done
	"$top/scripts/lab" down >/dev/null 2>&1
	rm -rf "$work"
}
trap labtest_cleanup EXIT

check() { # description, expected, actual
	if [ "$2" = "$3" ]; then
		echo "ok: $1 = $3"
	else
		echo "FAIL: $1: expected $2, got $3"
		fail=1
	fi
}

ctl() { "$BUILD/control/ctl/siprelayctl" --socket /run/siprelay/control.sock "$@"; }
