#!/usr/bin/env bash
# Test Vega's host scripts (install-deps, tune-host, check-host) and the udev rules.
#
# Safe on a CI machine: nothing here changes the host. tune-host runs in its default dry run (and
# the test proves it wrote nothing by comparing every value it targets before and after); its
# --apply path runs against a scratch copy of the files (VEGA_TUNE_ROOT). check-host is read-only.
# Udev/test-rules.sh works in private namespaces and skips itself when not root.
#
# Assertions are chosen to hold on any fresh Debian 12 machine, with or without the hardware, and
# to fail if a script is broken: where an answer depends on the machine (is there a PHC? are the
# packages installed? TSC flags?), the test works out the truth independently and compares.
#
# Last line of output: "<N> passed, <N> failed". Exit status 1 if anything failed.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: Scripts/test-scripts.sh [-h|--help]

Tests Scripts/install-deps.sh, Scripts/tune-host.sh, Scripts/check-host.sh and runs
Udev/test-rules.sh. Changes nothing on the host. Prints "ok:"/"FAIL:" per assertion and a final
line "<N> passed, <N> failed"; exits 1 if any assertion failed.
EOF
}
case "${1:-}" in
    -h | --help) usage; exit 0 ;;
    "") ;;
    *) echo "test-scripts.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
esac

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
PASSED=0
FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok: $*"; }
bad() { FAILED=$((FAILED + 1)); echo "FAIL: $*"; }
check() { # description command... : passes when the command succeeds
    local d=$1
    shift
    if "$@"; then ok "$d"; else bad "$d"; fi
}
has_line() { grep -qE -- "$1" <<<"$2"; }    # regex text: some line matches
lacks_line() { ! grep -qE -- "$1" <<<"$2"; } # regex text: no line matches
indent() { sed "s/^/  | /"; }
only_lines() { ! grep -vqE -- "$1" <<<"$2"; } # regex text: every line matches

SCRATCH=$(mktemp -d /tmp/vega-test-scripts.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

# Run a script, capturing output in OUT and status in RC, never aborting on its failure.
OUT=""
RC=0
run() { RC=0; OUT=$("$@" 2>&1) || RC=$?; }

echo "== --help and argument handling"
for s in install-deps tune-host check-host; do
    run bash "$HERE/$s.sh" --help
    check "$s --help exits 0" test "$RC" -eq 0
    check "$s --help prints a usage line" has_line "^Usage: Scripts/$s.sh" "$OUT"
    run bash "$HERE/$s.sh" --no-such-option
    check "$s rejects an unknown option with status 2" test "$RC" -eq 2
done
run bash "$HERE/install-deps.sh" --help
check "install-deps --help names the packages" has_line 'libibverbs-dev' "$OUT"
run bash "$HERE/tune-host.sh" --help
check "tune-host --help explains --apply and dry run" has_line '--apply' "$OUT"
check "tune-host --help says why busy_poll is set" has_line 'net.core.busy_poll' "$OUT"
run bash "$HERE/check-host.sh" --help
check "check-host --help documents the line format" has_line 'PASS\|FAIL\|WARN' "$OUT"
run bash "$HERE/tune-host.sh" --cores 'two-seven'
check "tune-host rejects a malformed --cores" test "$RC" -eq 2

echo "== shellcheck"
if command -v shellcheck >/dev/null; then
    run shellcheck "$HERE"/*.sh "$REPO"/Udev/*.sh
    check "shellcheck clean" test "$RC" -eq 0
    [[ $RC -eq 0 ]] || echo "$OUT"
else
    echo "(shellcheck not installed: skipped)"
fi

echo "== install-deps.sh --check"
# The truth, independently of the script: are all its packages installed according to dpkg?
all_installed=1
for p in libibverbs-dev libnuma-dev libpcap-dev pkg-config udev iproute2 ethtool linuxptp tshark; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) == "install ok installed" ]] || all_installed=0
done
run bash "$HERE/install-deps.sh" --check
if ((all_installed)); then
    check "--check exits 0 when dpkg has every package" test "$RC" -eq 0
    check "--check says there is nothing to do" has_line 'nothing to do' "$OUT"
else
    check "--check exits 1 when dpkg lacks a package" test "$RC" -eq 1
    check "--check lists what is missing" has_line '^missing: ' "$OUT"
fi

echo "== tune-host.sh dry run changes nothing"
# Every file tune-host may write, host paths.
snapshot() {
    local f
    for f in /proc/sys/net/core/busy_poll /proc/sys/net/core/busy_read /proc/sys/net/core/rmem_max \
        /proc/sys/net/core/wmem_max /proc/sys/kernel/numa_balancing /proc/sys/vm/stat_interval \
        /proc/sys/kernel/nmi_watchdog /proc/sys/vm/nr_hugepages \
        /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages \
        /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages \
        /sys/kernel/mm/transparent_hugepage/enabled /sys/devices/system/cpu/cpu*/cpufreq/scaling_governor \
        /etc/sysctl.d/60-vega.conf /etc/default/irqbalance; do
        if [[ -e $f ]]; then printf '%s=%s\n' "$f" "$(md5sum <"$f" 2>/dev/null)"; else echo "$f absent"; fi
    done
}
before=$(snapshot)
cur2m=$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null || echo 0)
want2m=$((cur2m + 3)) # a value that certainly differs from the current one
run bash "$HERE/tune-host.sh" --cores 1 --hugepages-2m "$want2m" --hugepages-1g 0
after=$(snapshot)
check "dry run exits 0" test "$RC" -eq 0
check "dry run announces itself" has_line 'dry run' "$OUT"
check "dry run reports the hugepage change it would make" has_line "^would set 2 MiB hugepages: $cur2m -> $want2m\$" "$OUT"
check "dry run never claims to have set anything" lacks_line '^set ' "$OUT"
check "dry run counts its would-be changes" has_line 'change\(s\) would be made; run with --apply' "$OUT"
if [[ $before == "$after" ]]; then ok "no /proc/sys, /sys or /etc value changed"; else
    bad "dry run changed something:"
    diff <(echo "$before") <(echo "$after") || true
fi

echo "== tune-host.sh --apply on a scratch root, twice (idempotence)"
R=$SCRATCH/root
mkdir -p "$R/proc/sys/net/core" "$R/proc/sys/kernel" "$R/proc/sys/vm" \
    "$R/sys/kernel/mm/hugepages/hugepages-2048kB" "$R/sys/kernel/mm/transparent_hugepage" \
    "$R/sys/devices/system/cpu/cpu0/cpufreq" "$R/sys/devices/system/cpu/cpu1/cpufreq" "$R/etc/default"
for k in net/core/busy_poll net/core/busy_read kernel/numa_balancing kernel/nmi_watchdog; do echo 1 >"$R/proc/sys/$k"; done
echo 212992 >"$R/proc/sys/net/core/rmem_max"
echo 212992 >"$R/proc/sys/net/core/wmem_max"
echo 1 >"$R/proc/sys/vm/stat_interval"
echo 0 >"$R/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
echo 'always [madvise] never' >"$R/sys/kernel/mm/transparent_hugepage/enabled"
for c in 0 1; do
    echo powersave >"$R/sys/devices/system/cpu/cpu$c/cpufreq/scaling_governor"
    echo 'performance powersave' >"$R/sys/devices/system/cpu/cpu$c/cpufreq/scaling_available_governors"
done
printf '# irqbalance defaults\n#IRQBALANCE_BANNED_CPULIST=\nIRQBALANCE_ARGS=""\n' >"$R/etc/default/irqbalance"
# THP starts right ("[madvise]"): that setting must be reported ok and left alone.
run env VEGA_TUNE_ROOT="$R" bash "$HERE/tune-host.sh" --apply --cores 2-7 --hugepages-2m 16
check "first --apply exits 0" test "$RC" -eq 0
check "first --apply reports what it set" has_line '^set sysctl net.core.busy_poll: 1 -> 50$' "$OUT"
check "governor set on cpu0" test "$(cat "$R/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")" = performance
check "hugepages written" test "$(cat "$R/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages")" = 16
check "busy_read written" test "$(cat "$R/proc/sys/net/core/busy_read")" = 50
check "THP already right: reported ok, not rewritten" has_line '^ok transparent hugepages: madvise$' "$OUT"
check "irqbalance banned list set" grep -qx 'IRQBALANCE_BANNED_CPULIST="2-7"' "$R/etc/default/irqbalance"
check "irqbalance file keeps its other lines" grep -qx 'IRQBALANCE_ARGS=""' "$R/etc/default/irqbalance"
check "sysctl.d file persists the values" grep -qx 'vm.nr_hugepages = 16' "$R/etc/sysctl.d/60-vega.conf"
state1=$(cd "$R" && find . -type f -exec md5sum {} + | sort)
run env VEGA_TUNE_ROOT="$R" bash "$HERE/tune-host.sh" --apply --cores 2-7 --hugepages-2m 16
state2=$(cd "$R" && find . -type f -exec md5sum {} + | sort)
check "second --apply exits 0" test "$RC" -eq 0
check "second --apply says there is nothing to change" has_line '^nothing to change' "$OUT"
check "second --apply reports no 'set' line" lacks_line '^set ' "$OUT"
check "second --apply changed no file" test "$state1" = "$state2"

echo "== check-host.sh"
run bash "$HERE/check-host.sh" --json
json=$(tail -n1 <<<"$OUT")
text=$(sed '$d' <<<"$OUT")
nfail=$(grep -c '^FAIL ' <<<"$text" || true)
check "every line is 'PASS|FAIL|WARN name: detail' or the summary" \
    only_lines '^(PASS|FAIL|WARN) [a-z0-9-]+: .+$|^== [0-9]+ check\(s\) failed$' "$text"
for name in tsc-flags clocksource isolated-cores nohz-full governor hugepages memlock ptp-clock \
    ptp4l phc2sys hw-timestamping irqbalance thp numa-balancing; do
    check "check '$name' reported exactly once" test "$(grep -cE "^(PASS|FAIL|WARN) $name: " <<<"$text")" -eq 1
done
check "summary counts the FAIL lines ($nfail)" has_line "^== $nfail check\\(s\\) failed\$" "$text"
if ((nfail > 0)); then
    check "exits 1 when something FAILs" test "$RC" -eq 1
else
    check "exits 0 when nothing FAILs" test "$RC" -eq 0
fi
# Cross-check answers against the machine, worked out here independently.
if compgen -G '/dev/ptp[0-9]*' >/dev/null; then
    check "ptp-clock PASSes: this host has a PHC" has_line '^PASS ptp-clock: ' "$text"
else
    check "ptp-clock FAILs: this host has no /dev/ptp*" has_line '^FAIL ptp-clock: no /dev/ptp' "$text"
    check "so check-host exits non-zero" test "$RC" -ne 0
fi
if pgrep -x ptp4l >/dev/null; then st=PASS; else st=FAIL; fi
check "ptp4l is $st (pgrep agrees)" has_line "^$st ptp4l: " "$text"
flags=$(grep -m1 '^flags' /proc/cpuinfo || true)
if grep -qw constant_tsc <<<"$flags" && grep -qw nonstop_tsc <<<"$flags" && grep -qw rdtscp <<<"$flags"; then st=PASS; else st=FAIL; fi
[[ -z $flags ]] && st=WARN
check "tsc-flags is $st (/proc/cpuinfo agrees)" has_line "^$st tsc-flags: " "$text"
hp=$(($(cat /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages 2>/dev/null || echo 0) + $(cat /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages 2>/dev/null || echo 0)))
if ((hp > 0)); then st=PASS; else st=FAIL; fi
check "hugepages is $st (sysfs agrees)" has_line "^$st hugepages: " "$text"
if [[ $(ulimit -l) == unlimited ]] || (($(ulimit -l) >= 1024 * 1024)); then st=PASS; else st=FAIL; fi
check "memlock is $st (ulimit -l agrees)" has_line "^$st memlock: " "$text"
if command -v python3 >/dev/null; then
    check "--json prints a JSON array with one object per check" python3 -c '
import json, sys
a = json.loads(sys.argv[1]); assert isinstance(a, list) and len(a) == 14, len(a)
assert all(set(o) == {"status", "name", "detail"} for o in a)
assert sum(o["status"] == "FAIL" for o in a) == int(sys.argv[2])' "$json" "$nfail"
fi

echo "== Udev/test-rules.sh"
run bash "$REPO/Udev/test-rules.sh"
indent <<<"$OUT"
check "udev rules test passes (or skips)" test "$RC" -eq 0
if [[ $(id -u) -eq 0 ]] && command -v udevadm >/dev/null; then
    check "udev rules test ran (root, udevadm present: no SKIP)" lacks_line '^SKIP' "$OUT"
fi

echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
