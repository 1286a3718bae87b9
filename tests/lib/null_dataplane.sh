# The real siprelay-dataplane on two net_null ports, without hugepages, for tests that
# drive its sockets (sourced; bash). Interfaces "access" (198.18.1.1, media 30000-30999)
# and "core" (198.18.2.1, media 40000-40999); dataplane.sock at DIR/dp.sock.

# Writes DIR/relay.conf.
null_dataplane_config() { # dir
	cat >"$1/relay.conf" <<CONF
[dataplane]
socket = $1/dp.sock
capacity = 1000
mbufs = 2047
polling = adaptive
[interface access]
port = net_null0
ipv4 = 198.18.1.1/24
media_ports = 30000-30999
[interface core]
port = net_null1
ipv4 = 198.18.2.1/24
media_ports = 40000-40999
CONF
}

# Starts it in the background (pid in NULL_DP_PID, log in DIR/dp.log) with a file
# prefix of its own. Under ASan the EAL's allocations are not leak-checked.
null_dataplane_start() { # binary dir prefix
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 "$1" -l 0,1 --no-huge -m 256 \
		--no-shconf --no-pci --no-telemetry --file-prefix "$3" --log-level=lib.eal:error \
		--vdev net_null0,no-rx=1 --vdev net_null1,no-rx=1 -- -c "$2/relay.conf" \
		>"$2/dp.log" 2>&1 &
	NULL_DP_PID=$!
}

# What the control tests share around it: a scratch directory T, the data plane's and
# siprelay-control's pids (DPPID, CPID) stopped on exit, fail() that shows both logs
# (T/dp.log, T/ctl.log) and exits 1, json() that runs Python on d, stdin's JSON.
ctltest_begin() { # name of the scratch directory
	T=$(mktemp -d "/tmp/$1.XXXXXX")
	DPPID=
	CPID=
	trap ctltest_cleanup EXIT
}
ctltest_cleanup() {
	[ -n "$CPID" ] && kill "$CPID" 2>/dev/null && wait "$CPID" 2>/dev/null || true
	[ -n "$DPPID" ] && kill "$DPPID" 2>/dev/null && wait "$DPPID" 2>/dev/null || true
	rm -rf "$T"
}
fail() {
	echo "FAIL: $*"
	echo "--- dataplane log"; cat "$T/dp.log" 2>/dev/null || true
	echo "--- control log"; cat "$T/ctl.log" 2>/dev/null || true
	exit 1
}
json() { python3 -c "import json,sys; d=json.load(sys.stdin); $1"; }
