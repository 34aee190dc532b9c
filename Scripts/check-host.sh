#!/usr/bin/env bash
# Check a host against what Vega needs in colo: the same requirements `vega diag --profile colo`
# checks, for machines where Vega is not built. Read-only: it only reads /proc, /sys and /dev and
# runs query commands (ethtool -T, pgrep).
#
# One line per check: "PASS|FAIL|WARN <name>: <detail>". FAIL = a colo requirement is not met;
# WARN = cannot tell, or not required but worth a look. Exit status 1 when any check FAILs.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: Scripts/check-host.sh [--json] [--min-memlock-mib N] [-h|--help]

Checks this host for Vega's colo requirements and prints one line per check:
  PASS|FAIL|WARN <name>: <detail>
and exits 1 if any check FAILs (0 otherwise). Changes nothing.

Checks (FAIL unless noted):
  tsc-flags        CPU has constant_tsc, nonstop_tsc and rdtscp (Vega timestamps stages with the TSC)
  clocksource      the kernel clocksource is tsc (others make clock_gettime slow or a syscall)
  isolated-cores   isolcpus / nohz_full cores exist (lanes need cores the scheduler leaves alone);
                   also reports rcu_nocbs
  nohz-full        nohz_full is set (no scheduler tick on the lane cores); WARN if absent but isolated
  governor         'performance' on every CPU; WARN when there is no cpufreq (VM / firmware-managed)
  hugepages        2 MiB or 1 GiB hugepages reserved
  memlock          RLIMIT_MEMLOCK (ulimit -l) unlimited or >= --min-memlock-mib (default 1024)
  ptp-clock        at least one PTP hardware clock /dev/ptp*
  ptp4l, phc2sys   the daemons that discipline the PHC and the system clock are running
  hw-timestamping  a NIC whose `ethtool -T` shows hardware-transmit and hardware-receive
  irqbalance       not running, or running with banned CPUs configured (WARN when it cannot tell)
  thp              transparent hugepages 'madvise' or 'never' (WARN for 'always': khugepaged stalls)
  numa-balancing   kernel.numa_balancing = 0

  --json   also print a JSON array of {"status","name","detail"} objects as the last line
EOF
}

JSON=0
MIN_MEMLOCK_MIB=1024
while (($#)); do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --json) JSON=1 ;;
        --min-memlock-mib) MIN_MEMLOCK_MIB=${2:?needs a number}; shift ;;
        *) echo "check-host.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[[ $MIN_MEMLOCK_MIB =~ ^[0-9]+$ ]] || { echo "check-host.sh: --min-memlock-mib must be a number" >&2; exit 2; }

NFAIL=0
RESULTS=()
report() { # status name detail
    echo "$1 $2: $3"
    [[ $1 == FAIL ]] && NFAIL=$((NFAIL + 1))
    RESULTS+=("$1"$'\t'"$2"$'\t'"$3")
    return 0
}
readf() { if [[ -r $1 ]]; then tr -d '\n' <"$1" 2>/dev/null || true; fi; }

# --- CPU / TSC -----------------------------------------------------------------------------------------
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
missing=()
for f in constant_tsc nonstop_tsc rdtscp; do
    [[ " $flags " == *" $f "* ]] || missing+=("$f")
done
if [[ -z $flags ]]; then
    report WARN tsc-flags "no flags line in /proc/cpuinfo (not x86?)"
elif ((${#missing[@]})); then
    report FAIL tsc-flags "missing ${missing[*]}"
else
    report PASS tsc-flags "constant_tsc nonstop_tsc rdtscp"
fi

cs=$(readf /sys/devices/system/clocksource/clocksource0/current_clocksource)
if [[ $cs == tsc ]]; then
    report PASS clocksource tsc
else
    report FAIL clocksource "${cs:-unknown} (want tsc; available: $(readf /sys/devices/system/clocksource/clocksource0/available_clocksource))"
fi

# --- isolated cores ----------------------------------------------------------------------------------
cmdline=$(readf /proc/cmdline)
param() { # value of a kernel parameter on the command line, empty if absent
    local w
    for w in $cmdline; do [[ $w == "$1="* ]] && { echo "${w#*=}"; return 0; }; done
    return 0
}
isolated=$(readf /sys/devices/system/cpu/isolated)
nohz=$(readf /sys/devices/system/cpu/nohz_full)
[[ $nohz == "(null)" ]] && nohz=""
rcu=$(param rcu_nocbs)
if [[ -n $isolated || -n $nohz ]]; then
    report PASS isolated-cores "isolated=${isolated:-none} nohz_full=${nohz:-none} rcu_nocbs=${rcu:-none}"
else
    report FAIL isolated-cores "no isolated or nohz_full cores (/sys/devices/system/cpu/isolated and nohz_full are empty; add isolcpus=/nohz_full=/rcu_nocbs= to the kernel command line)"
fi
if [[ -n $nohz ]]; then
    report PASS nohz-full "$nohz"
elif [[ -n $isolated ]]; then
    report WARN nohz-full "isolated cores $isolated still take the scheduler tick (no nohz_full)"
else
    report FAIL nohz-full "not set"
fi

# --- governor ------------------------------------------------------------------------------------------
shopt -s nullglob
govs=(/sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor)
if ((${#govs[@]} == 0)); then
    report WARN governor "no cpufreq (VM, or frequency managed by firmware: check BIOS power profile)"
else
    bad=()
    for g in "${govs[@]}"; do
        v=$(readf "$g")
        [[ $v == performance ]] || bad+=("$(basename "$(dirname "$(dirname "$g")")")=$v")
    done
    if ((${#bad[@]})); then report FAIL governor "not performance: ${bad[*]}"; else report PASS governor "performance on ${#govs[@]} CPUs"; fi
fi

# --- memory ----------------------------------------------------------------------------------------------
hp2=$(readf /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages)
hp1=$(readf /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages)
free2=$(readf /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)
if ((${hp2:-0} > 0 || ${hp1:-0} > 0)); then
    report PASS hugepages "2MiB: ${hp2:-0} (free ${free2:-?}), 1GiB: ${hp1:-0}"
else
    report FAIL hugepages "none reserved (2MiB: ${hp2:-n/a}, 1GiB: ${hp1:-n/a}); see Scripts/tune-host.sh"
fi

ml=$(ulimit -l)
if [[ $ml == unlimited ]]; then
    report PASS memlock unlimited
elif ((ml >= MIN_MEMLOCK_MIB * 1024)); then
    report PASS memlock "$((ml / 1024)) MiB"
else
    report FAIL memlock "$ml KiB (want unlimited or >= $MIN_MEMLOCK_MIB MiB: LimitMEMLOCK= in the unit, or limits.conf)"
fi

thp=$(sed -n 's/.*\[\(.*\)\].*/\1/p' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || true)
case $thp in
    madvise | never) report PASS thp "$thp" ;;
    always) report WARN thp "always (khugepaged compaction can stall other processes; madvise is enough for Vega)" ;;
    *) report WARN thp "unknown (${thp:-no transparent_hugepage in sysfs})" ;;
esac

nb=$(readf /proc/sys/kernel/numa_balancing)
if [[ -z $nb ]]; then
    report PASS numa-balancing "not supported by this kernel (off)"
elif [[ $nb == 0 ]]; then
    report PASS numa-balancing 0
else
    report FAIL numa-balancing "$nb (automatic NUMA balancing faults pages on the hot path; set kernel.numa_balancing=0)"
fi

# --- PTP ---------------------------------------------------------------------------------------------------
ptps=(/dev/ptp[0-9]*)
if ((${#ptps[@]})); then
    names=()
    for p in "${ptps[@]}"; do names+=("$(basename "$p")($(readf "/sys/class/ptp/$(basename "$p")/clock_name"))"); done
    report PASS ptp-clock "${names[*]}"
else
    report FAIL ptp-clock "no /dev/ptp* (no NIC with a PTP hardware clock, or its driver is not loaded)"
fi
for d in ptp4l phc2sys; do
    if pids=$(pgrep -x "$d" 2>/dev/null); then
        report PASS "$d" "running (pid ${pids//$'\n'/,})"
    else
        report FAIL "$d" "not running"
    fi
done

# --- NIC hardware timestamping ------------------------------------------------------------------------
if ! command -v ethtool >/dev/null; then
    report WARN hw-timestamping "ethtool not installed (Scripts/install-deps.sh)"
else
    hw=()
    sw=()
    for n in /sys/class/net/*; do
        n=$(basename "$n")
        [[ $n == lo ]] && continue
        t=$(ethtool -T "$n" 2>/dev/null || true)
        if grep -q 'hardware-transmit' <<<"$t" && grep -q 'hardware-receive' <<<"$t"; then
            phc=$(sed -n 's/^PTP Hardware Clock: *//p' <<<"$t")
            hw+=("$n(phc ${phc:-?})")
        else
            sw+=("$n")
        fi
    done
    if ((${#hw[@]})); then
        report PASS hw-timestamping "${hw[*]}"
    else
        report FAIL hw-timestamping "no NIC with hardware TX+RX timestamping (checked: ${sw[*]:-none})"
    fi
fi

# --- irqbalance ---------------------------------------------------------------------------------------------
if pgrep -x irqbalance >/dev/null 2>&1; then
    banned=""
    if [[ -r /etc/default/irqbalance ]]; then
        banned=$(sed -n -E 's/^[[:space:]]*(IRQBALANCE_BANNED_CPULIST|IRQBALANCE_BANNED_CPUS)=["'"'"']?([^"'"'"']*).*/\1=\2/p' /etc/default/irqbalance | tr '\n' ' ')
    fi
    if [[ -n ${banned// /} ]]; then
        report PASS irqbalance "running with ${banned% }"
    else
        report FAIL irqbalance "running with no banned CPUs: it may move NIC IRQs onto trading cores (Scripts/tune-host.sh --cores)"
    fi
else
    report PASS irqbalance "not running"
fi

echo "== $NFAIL check(s) failed"
if ((JSON)); then
    esc() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '%s' "${s//$'\t'/ }"; }
    out="["
    sep=""
    for r in "${RESULTS[@]}"; do
        IFS=$'\t' read -r st nm dt <<<"$r"
        out+="$sep{\"status\":\"$st\",\"name\":\"$(esc "$nm")\",\"detail\":\"$(esc "$dt")\"}"
        sep=","
    done
    echo "$out]"
fi
((NFAIL == 0))
