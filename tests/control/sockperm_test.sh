#!/usr/bin/env bash
# Who may use siprelay's Unix sockets: control.sock, rtpproxy.sock (siprelay-control,
# --socket-group) and dataplane.sock (siprelay-dataplane, [dataplane] socket_group) have
# mode 0660 and the configured group; a group that does not exist stops either process
# with a clear error; a user outside the group is kept out by the file mode and, when
# it gets past the mode (CAP_DAC_OVERRIDE), by the daemon's check of its credentials,
# which it logs; members of the group (primary or supplementary) get in.
#   sockperm_test.sh DATAPLANE CONTROL SIPRELAYCTL RTPP_CLIENT
# Needs root (setpriv to another user); skipped otherwise.
set -euo pipefail
DP=$1
CD=$2
CTL=$3
RC=$4
if [ "$(id -u)" -ne 0 ] || ! command -v setpriv > /dev/null ||
	! getent passwd nobody > /dev/null || ! getent group nogroup > /dev/null; then
	echo "SKIP: needs root, setpriv, user nobody and group nogroup"
	exit 77
fi
# shellcheck source=tests/lib/null_dataplane.sh
. "$(dirname "$0")/../lib/null_dataplane.sh"
T=$(mktemp -d /tmp/sockp.XXXXXX)
chmod 0755 "$T" # the sockets' own modes decide, not the directory's
DPPID=
CPID=
cleanup() {
	[ -n "$CPID" ] && kill "$CPID" 2>/dev/null && wait "$CPID" 2>/dev/null || true
	[ -n "$DPPID" ] && kill "$DPPID" 2>/dev/null && wait "$DPPID" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	echo "--- dataplane log"; cat "$T/dp.log" 2>/dev/null || true
	echo "--- control log"; cat "$T/ctl.log" 2>/dev/null || true
	exit 1
}
NOBODY=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
# nobody with CAP_DAC_OVERRIDE: past the file mode, only the credential check is left
NOBODY_DAC=(setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=+dac_override
	--ambient-caps=+dac_override)

# One exchange as a client: prints the answer, or ERR:<errno name>, EOF (closed without
# an answer) or TIMEOUT.
client() { # stream|seqpacket|dgram path payload
	python3 - "$@" <<'PY'
import errno, socket, sys
kind, path, payload = sys.argv[1], sys.argv[2], sys.argv[3].encode()
types = {"stream": socket.SOCK_STREAM, "seqpacket": socket.SOCK_SEQPACKET,
         "dgram": socket.SOCK_DGRAM}
s = socket.socket(socket.AF_UNIX, types[kind])
s.settimeout(2)
try:
    if kind == "dgram":
        s.bind("")  # autobind, to be answered
        s.sendto(payload, path)
    else:
        s.connect(path)
        try:
            s.sendall(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # refused and closed already: what it said before is still queued
    ans = s.recv(4096)
    if not ans:
        print("EOF")
    elif kind == "seqpacket":
        print(f"{len(ans)} bytes")  # dataplane.sock speaks binary
    else:
        print(ans.decode(errors="replace").strip())
except socket.timeout:
    print("TIMEOUT")
except (BrokenPipeError, ConnectionResetError):
    print("EOF")  # closed on us while we wrote: refused as well
except OSError as e:
    print("ERR:" + errno.errorcode.get(e.errno, str(e.errno)))
PY
}
mode_group() { stat -c '%a %G' "$1"; }

start_control() {
	"$CD" --dataplane-socket "$T/dp.sock" --control-socket "$T/control.sock" \
		--rtpproxy-socket "$T/rtpproxy.sock" --config "$T/relay.conf" --metrics off "$@" >> "$T/ctl.log" 2>&1 &
	CPID=$!
	for _ in $(seq 100); do
		[ -S "$T/control.sock" ] && [ -S "$T/rtpproxy.sock" ] && return 0
		kill -0 "$CPID" 2>/dev/null || break
		sleep 0.1
	done
	fail "control did not come up"
}
stop_control() { kill -TERM "$CPID"; wait "$CPID" || true; CPID=; }

null_dataplane_config "$T"

# groups that do not exist: clear errors, nothing started
set +e
"$CD" --socket-group no-such-group-sr --control-socket "$T/x.sock" --rtpproxy-socket "$T/y.sock" \
	--dataplane-socket "$T/dp.sock" > "$T/out" 2>&1
rc=$?
set -e
[ "$rc" = 1 ] || fail "control with a missing group exited $rc"
grep -q "socket group 'no-such-group-sr' does not exist" "$T/out" || fail "control error: $(cat "$T/out")"
[ ! -e "$T/x.sock" ] || fail "control.sock made despite the missing group"
sed 's|^socket = .*|&\nsocket_group = no-such-group-sr|' "$T/relay.conf" > "$T/badgroup.conf"
set +e
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$DP" -l 0,1 --no-huge -m 256 \
	--no-shconf --no-pci --no-telemetry --file-prefix sockpb$$ --log-level=lib.eal:error \
	--vdev net_null0,no-rx=1 --vdev net_null1,no-rx=1 -- -c "$T/badgroup.conf" > "$T/out" 2>&1
rc=$?
set -e
[ "$rc" != 0 ] || fail "data plane started with a missing socket group"
grep -q "socket group 'no-such-group-sr' does not exist" "$T/out" || fail "data plane error: $(cat "$T/out")"

# the data plane with socket_group = nogroup
sed -i 's|^socket = .*|&\nsocket_group = nogroup|' "$T/relay.conf"
null_dataplane_start "$DP" "$T" "sockp$$"
DPPID=$NULL_DP_PID
for _ in $(seq 150); do [ -S "$T/dp.sock" ] && break; sleep 0.1; done
[ "$(mode_group "$T/dp.sock")" = "660 nogroup" ] || fail "dp.sock: $(mode_group "$T/dp.sock")"

# control with its default group (root's): strangers are kept out twice over
start_control
[ "$(mode_group "$T/control.sock")" = "660 root" ] || fail "control.sock: $(mode_group "$T/control.sock")"
[ "$(mode_group "$T/rtpproxy.sock")" = "660 root" ] || fail "rtpproxy.sock: $(mode_group "$T/rtpproxy.sock")"
for _ in $(seq 50); do grep -q "connected to" "$T/ctl.log" && break; sleep 0.1; done
[ "$(client stream "$T/rtpproxy.sock" V)" = 20040107 ] || fail "root refused"
out=$("${NOBODY[@]}" bash -c "$(declare -f client); client stream '$T/control.sock' '{\"cmd\":\"stats\"}'")
[ "$out" = ERR:EACCES ] || fail "nobody got past control.sock's mode: $out"
out=$("${NOBODY_DAC[@]}" bash -c "$(declare -f client); client stream '$T/control.sock' '{\"cmd\":\"stats\"}'")
echo "nobody with CAP_DAC_OVERRIDE on control.sock: $out"
grep -q '"error":"permission denied' <<<"$out" || fail "nobody was answered on control.sock: $out"
grep -q "control.sock: refused uid 65534 gid 65534 pid [0-9]*: not allowed (allowed: root, uid 0, group 0" "$T/ctl.log" ||
	fail "refusal not logged"
out=$("${NOBODY_DAC[@]}" bash -c "$(declare -f client); client stream '$T/rtpproxy.sock' V")
[ "$out" = EOF ] || fail "nobody was answered on rtpproxy.sock: $out"
grep -q "rtpproxy.sock: refused uid 65534" "$T/ctl.log" || fail "rtpproxy refusal not logged"
# dataplane.sock is group nogroup: nobody is a member (primary group) and gets an answer;
# the same user with another primary group is refused, even past the mode
# (a garbage message: the data plane answers it with an error reply, not silence)
STRANGER_DAC=(setpriv --reuid=nobody --regid=12345 --clear-groups --inh-caps=+dac_override
	--ambient-caps=+dac_override)
out=$("${STRANGER_DAC[@]}" bash -c "$(declare -f client); client seqpacket '$T/dp.sock' garbage")
[ "$out" = EOF ] || fail "stranger was answered on dp.sock: $out"
grep -q "dp.sock: refused uid 65534 gid 12345" "$T/dp.log" || fail "data plane refusal not logged"
out=$("${NOBODY[@]}" bash -c "$(declare -f client); client seqpacket '$T/dp.sock' garbage")
[[ "$out" == *" bytes" ]] || fail "group member refused on dp.sock: $out"
stop_control

# control with --socket-group nogroup: members get in, by primary or supplementary group
start_control --socket-group nogroup
[ "$(mode_group "$T/control.sock")" = "660 nogroup" ] || fail "control.sock: $(mode_group "$T/control.sock")"
[ "$(mode_group "$T/rtpproxy.sock")" = "660 nogroup" ] || fail "rtpproxy.sock: $(mode_group "$T/rtpproxy.sock")"
out=$("${NOBODY[@]}" bash -c "$(declare -f client); client stream '$T/rtpproxy.sock' V")
[ "$out" = 20040107 ] || fail "member by primary group refused: $out"
out=$(setpriv --reuid=nobody --regid=12345 --groups=nogroup bash -c \
	"$(declare -f client); client stream '$T/rtpproxy.sock' V")
[ "$out" = 20040107 ] || fail "member by supplementary group refused: $out"
out=$("${STRANGER_DAC[@]}" bash -c "$(declare -f client); client stream '$T/rtpproxy.sock' V")
[ "$out" = EOF ] || fail "non-member past the mode was answered: $out"
stop_control

# the datagram transport checks every datagram's sender
start_control --rtpproxy-dgram
[ "$(mode_group "$T/rtpproxy.sock")" = "660 root" ] || fail "dgram rtpproxy.sock: $(mode_group "$T/rtpproxy.sock")"
[ "$(client dgram "$T/rtpproxy.sock" 'c1 V')" = "c1 20040107" ] || fail "root refused on the dgram socket"
out=$("${NOBODY_DAC[@]}" bash -c "$(declare -f client); client dgram '$T/rtpproxy.sock' 'c2 V'")
[ "$out" = TIMEOUT ] || fail "nobody was answered on the dgram socket: $out"
grep -q "rtpproxy.sock: refused a datagram from uid 65534" "$T/ctl.log" || fail "dgram refusal not logged"
stop_control
echo "PASS"
