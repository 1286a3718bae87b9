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
