#!/usr/bin/env bash
# Signature rules through siprelayctl, against the real siprelay-dataplane (net_null
# ports, SIP proxy on, [security] rules = a copy of config/rules.default) and the real
# siprelay-control: "rules" lists every rule with its place, action and hits, "stats"
# has the rules section; reload with a broken rules file is refused with FILE:LINE:
# reason and the running set stays (same rules, same generation); a good file is
# swapped in (generation 2); a data plane that cannot compile its rules does not start.
#   rules_test.sh DATAPLANE CONTROL SIPRELAYCTL
set -euo pipefail
DP=$1
CD=$2
CTL=$3
# shellcheck source=tests/lib/null_dataplane.sh
. "$(dirname "$0")/../lib/null_dataplane.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
ctltest_begin ctlrules
ctl() { "$CTL" --socket "$T/control.sock" "$@"; }
expect() { # EXIT_CODE TEXT COMMAND...
	local want=$1 text=$2 rc=0
	shift 2
	"$@" > "$T/out" 2>&1 || rc=$?
	[ "$rc" = "$want" ] || fail "'$*' exited $rc, not $want: $(cat "$T/out")"
	grep -qF -- "$text" "$T/out" || fail "'$*' does not say '$text': $(cat "$T/out")"
}

null_dataplane_config "$T"
python3 - "$T/relay.conf" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
text = text.replace("[interface access]\n", "[interface access]\nrole = access\n")
text = text.replace("[interface core]\n", "[interface core]\nrole = core\n")
text += "[sip]\nupstream = 198.18.2.2:5060\n[security]\nrules = rules\nauth_fail_count = 3\n"
open(path, "w").write(text)
PY
cp "$top/config/rules.default" "$T/rules"
n=$(grep -cE '^[0-9]' "$T/rules")

# a rules file that does not compile stops the start with its line
echo "9 body drop /(x)\\1/" >> "$T/rules"
rc=0
timeout 30 "$DP" -l 0,1 --no-huge -m 256 --no-shconf --no-pci --no-telemetry \
	--file-prefix "ctlrules$$" --log-level=lib.eal:error --vdev net_null0,no-rx=1 \
	--vdev net_null1,no-rx=1 -- -c "$T/relay.conf" > "$T/dp.log" 2>&1 || rc=$?
[ "$rc" -ne 0 ] || fail "the data plane started with a broken rules file"
grep -qF "$T/rules:$(grep -c '' "$T/rules"): rule 9: pattern refused" "$T/dp.log" ||
	fail "start error does not name the rule's line: $(cat "$T/dp.log")"
sed -i '$d' "$T/rules"

null_dataplane_start "$DP" "$T" "ctlrules$$"
DPPID=$NULL_DP_PID
for _ in $(seq 100); do [ -S "$T/dp.sock" ] && break; sleep 0.1; done
"$CD" --dataplane-socket "$T/dp.sock" --control-socket "$T/control.sock" \
	--rtpproxy-socket "$T/rtpproxy.sock" --config "$T/relay.conf" --metrics off >> "$T/ctl.log" 2>&1 &
CPID=$!
for _ in $(seq 150); do
	ctl status --json 2>/dev/null | json 'sys.exit(0 if d["dataplane"]["connected"] else 1)' && break
	sleep 0.1
done

ctl rules --json > "$T/r.json" || fail "rules --json"
json "
assert d['count'] == $n and len(d['rules']) == $n, (d['count'], len(d['rules']))
assert d['file'] == '$T/rules' and d['generation'] == 1, d
r = {x['id']: x for x in d['rules']}
assert r[1001] == {'id': 1001, 'line': r[1001]['line'], 'where': 'header:User-Agent', 'action': 'ban', 'ban_s': 3600, 'hits': 0}, r[1001]
assert r[2001]['action'] == 'reject' and r[2001]['ban_s'] is None, r[2001]
assert r[3001]['where'] == 'ruri' and r[3001]['action'] == 'drop', r[3001]
assert all(k in d for k in ('scanned', 'dropped', 'rejected', 'banned', 'auth_failures', 'auth_bans', 'flood_bans', 'errors')), d
" < "$T/r.json" || fail "rules: $(cat "$T/r.json")"
expect 0 "header:User-Agent" ctl rules
expect 0 "$n rules from $T/rules (set 1)" ctl rules
ctl stats --json | json "
r = d['rules']
assert r['count'] == $n and r['hits']['1001'] == 0 and len(r['hits']) == $n, r" ||
	fail "stats has no rules section"

# reload: a broken rules file is refused, the running set stays
echo "77 header:To ban:10 /(?<=x)y/" >> "$T/rules"
line=$(grep -c '' "$T/rules")
expect 1 "$T/rules:$line: rule 77: pattern refused" ctl reload
# the whole file is read before anything compiles: a bad line after it is named first
echo "78 nowhere drop /x/" >> "$T/rules"
expect 1 "$T/rules:$((line + 1)): where 'nowhere'" ctl reload
sed -i '$d' "$T/rules"
sed -i '$d' "$T/rules"
ctl rules --json | json "assert d['count'] == $n and d['generation'] == 1, d" ||
	fail "a refused reload changed the rules"
# a good one is swapped in
echo "78 header:Subject drop /free calls/i" >> "$T/rules"
expect 0 "reloaded, now in effect: rules" ctl reload
ctl rules --json | json "
assert d['count'] == $n + 1 and d['generation'] == 2, d
assert d['rules'][-1]['id'] == 78 and d['rules'][-1]['where'] == 'header:Subject', d['rules'][-1]" ||
	fail "the good rules file was not swapped in"
# no rules file any more: an empty set
sed -i 's/^rules = rules$/rules =/' "$T/relay.conf"
sed -i 's/^auth_fail_count = 3$/auth_fail_count = 4/' "$T/relay.conf"
expect 0 "reloaded, now in effect: rules, security" ctl reload
ctl rules --json | json "assert d['count'] == 0 and d['file'] is None, d" || fail "rules after removing the file"
echo "PASS"
