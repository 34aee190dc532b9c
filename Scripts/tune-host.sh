#!/usr/bin/env bash
# Tune a Linux host for Vega's lanes. DRY RUN BY DEFAULT: prints every change it would make as
# "would set <what>: <current> -> <wanted>" and touches nothing; `--apply` makes the changes.
# Idempotent: values already right are reported as "ok" and not written again, so a second
# `--apply` changes nothing and says so.
#
# What it does not do, on purpose: kernel command line (isolcpus / nohz_full / rcu_nocbs /
# intel_idle.max_cstate / 1 GiB pages at boot) — those need a bootloader edit and a reboot, which
# an operator should do deliberately; check-host.sh reports them.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: Scripts/tune-host.sh [--apply] [--cores LIST] [--hugepages-2m N] [--hugepages-1g N]
                            [--no-persist] [-h|--help]

Tunes this host for Vega's busy-polling lanes. Without --apply it only prints what it would change
("would set X: current -> wanted") and changes nothing.

  --apply            make the changes (needs root)
  --cores LIST       the isolated trading cores, kernel cpulist syntax (e.g. 2-7 or 2,3,6-7);
                     irqbalance is told not to place IRQs on them. Without it irqbalance is left
                     alone.
  --hugepages-2m N   2 MiB hugepages to reserve (default 1024 = 2 GiB: rings, books, journal
                     buffers). Reservation can fall short when memory is fragmented; the script
                     reports what the kernel actually gave.
  --hugepages-1g N   1 GiB hugepages to reserve at run time (default: leave as is). Allocating
                     1 GiB pages after boot often fails on a busy host; prefer
                     'hugepagesz=1G hugepages=N' on the kernel command line.
  --no-persist       with --apply: change the running kernel only, do not write
                     /etc/sysctl.d/60-vega.conf or /etc/default/irqbalance.

What it sets, and why:
  CPU frequency governor  performance on every CPU: no ramp-up latency when a quiet lane wakes.
  hugepages               Vega maps its rings and pools with MAP_HUGETLB: fewer TLB misses.
  transparent hugepages   'madvise': no khugepaged compaction stalls for other processes, while
                          Vega's fallback (aligned memory + MADV_HUGEPAGE) still gets huge pages.
  irqbalance              IRQBALANCE_BANNED_CPULIST=<cores> in /etc/default/irqbalance: no device
                          interrupts land on a trading core.
  sysctls (runtime, and persisted in /etc/sysctl.d/60-vega.conf):
    net.core.busy_poll=50      epoll/poll on kernel sockets busy-polls the NIC queue for up to
    net.core.busy_read=50      50 us / blocking reads do, instead of sleeping for the interrupt
    net.core.rmem_max=16777216 let feed sockets ask for 16 MiB receive buffers (SO_RCVBUF) so a
    net.core.wmem_max=16777216 burst is not dropped while a lane is busy; same for sends
    kernel.numa_balancing=0    automatic NUMA balancing unmaps pages to sample accesses: page
                               faults and migrations on the hot path
    vm.stat_interval=10        the per-CPU vmstat update runs every 10 s instead of every second
                               (less housekeeping jitter on the trading cores)
    kernel.nmi_watchdog=0      the hard-lockup detector's periodic perf NMI on every CPU is jitter
    vm.nr_hugepages            persisted with the value above, so the reservation survives reboot
  Not changed: kernel.timer_migration (with nohz_full the kernel already keeps timers on
  housekeeping CPUs), kernel.sched_rt_runtime_us (only matters if lanes run SCHED_FIFO).

Exit status: 0 success (dry run included), 1 a change failed or --apply without root, 2 usage.
EOF
}

APPLY=0
PERSIST=1
CORES=""
HP2M=1024
HP1G=""
while (($#)); do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --apply) APPLY=1 ;;
        --no-persist) PERSIST=0 ;;
        --cores) CORES=${2:?--cores needs a cpu list}; shift ;;
        --cores=*) CORES=${1#--cores=} ;;
        --hugepages-2m) HP2M=${2:?--hugepages-2m needs a count}; shift ;;
        --hugepages-2m=*) HP2M=${1#*=} ;;
        --hugepages-1g) HP1G=${2:?--hugepages-1g needs a count}; shift ;;
        --hugepages-1g=*) HP1G=${1#*=} ;;
        *) echo "tune-host.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done
if [[ -n $CORES && ! $CORES =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]]; then
    echo "tune-host.sh: --cores '$CORES' is not a cpu list like 2-7 or 2,3,6-7" >&2
    exit 2
fi
for n in "$HP2M" "${HP1G:-0}"; do
    [[ $n =~ ^[0-9]+$ ]] || { echo "tune-host.sh: hugepage count '$n' is not a number" >&2; exit 2; }
done
if ((APPLY)) && [[ $(id -u) -ne 0 && -z ${VEGA_TUNE_ROOT:-} ]]; then
    echo "tune-host.sh: --apply needs root (run without --apply to see what would change)" >&2
    exit 1
fi

# All paths go through $R. Empty on a real host; the test suite points it at a scratch copy of the
# relevant /proc, /sys and /etc files to exercise --apply without touching the machine.
R=${VEGA_TUNE_ROOT:-}
CHANGES=0
ERRORS=0
MODE_WORD="would set"
((APPLY)) && MODE_WORD="set"

# The selected choice of a sysfs multiple-choice file ("always [madvise] never" -> madvise); a
# file without brackets (a plain copy in the test root) is taken as is.
selected() { if [[ $1 == *"["*"]"* ]]; then sed -n 's/.*\[\(.*\)\].*/\1/p' <<<"$1"; else echo "$1"; fi; }

# One setting held in a file (a /proc/sys or /sys attribute). $3 = how to read the current value
# (plain, or "bracket" for sysfs choices like "always [madvise] never").
set_file() { # label path wanted [bracket]
    local label=$1 path=$R$2 wanted=$3 kind=${4:-plain} cur
    if [[ ! -e $path ]]; then
        echo "skip $label: $2 does not exist on this kernel"
        return 0
    fi
    cur=$(<"$path")
    [[ $kind == bracket ]] && cur=$(selected "$cur")
    cur=${cur//$'\t'/ }
    if [[ $cur == "$wanted" ]]; then
        echo "ok $label: $cur"
        return 0
    fi
    CHANGES=$((CHANGES + 1))
    echo "$MODE_WORD $label: $cur -> $wanted"
    ((APPLY)) || return 0
    if ! echo "$wanted" >"$path" 2>/dev/null; then
        echo "  FAILED to write $2" >&2
        ERRORS=$((ERRORS + 1))
        return 0
    fi
    local now
    now=$(<"$path")
    [[ $kind == bracket ]] && now=$(selected "$now")
    if [[ $now != "$wanted" ]]; then
        echo "  the kernel gave $now, not $wanted (e.g. not enough contiguous memory for hugepages)" >&2
        ERRORS=$((ERRORS + 1))
    fi
}

# A whole small file we own (persistence). Rewritten only when its content differs.
set_content() { # label path content
    local label=$1 path=$R$2 content=$3 cur="(absent)"
    if [[ -e $path ]]; then
        if [[ $(<"$path") == "$content" ]]; then
            echo "ok $label: $2 up to date"
            return 0
        fi
        cur="(differs)"
    fi
    CHANGES=$((CHANGES + 1))
    echo "$MODE_WORD $label: $2 $cur -> (Vega's settings)"
    ((APPLY)) || return 0
    mkdir -p "$(dirname "$path")"
    printf '%s\n' "$content" >"$path.vega-tmp" && mv "$path.vega-tmp" "$path"
}

echo "== tune-host: $( ((APPLY)) && echo APPLY || echo 'dry run (nothing will be changed; use --apply)')"

# --- CPU frequency governor --------------------------------------------------------------------
govs=("$R"/sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_governor)
if [[ -e ${govs[0]} ]]; then
    for g in "${govs[@]}"; do
        cpu=${g#"$R"/sys/devices/system/cpu/}
        cpu=${cpu%%/*}
        avail=$(<"$(dirname "$g")/scaling_available_governors")
        if [[ " $avail " != *" performance "* ]]; then
            echo "skip governor $cpu: 'performance' not offered (available: $avail)"
            continue
        fi
        set_file "governor $cpu" "${g#"$R"}" performance
    done
else
    echo "skip governor: no cpufreq on this host (a VM, or frequency fixed by firmware: check BIOS)"
fi

# --- hugepages ------------------------------------------------------------------------------------
set_file "2 MiB hugepages" /sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages "$HP2M"
if [[ -n $HP1G ]]; then
    set_file "1 GiB hugepages" /sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages "$HP1G"
fi
set_file "transparent hugepages" /sys/kernel/mm/transparent_hugepage/enabled madvise bracket

# --- sysctls ---------------------------------------------------------------------------------------
SYSCTLS=(
    net.core.busy_poll=50
    net.core.busy_read=50
    net.core.rmem_max=16777216
    net.core.wmem_max=16777216
    kernel.numa_balancing=0
    vm.stat_interval=10
    kernel.nmi_watchdog=0
)
for kv in "${SYSCTLS[@]}"; do
    key=${kv%%=*}
    set_file "sysctl $key" "/proc/sys/${key//.//}" "${kv#*=}"
done
if ((PERSIST)); then
    conf="# Written by Vega's Scripts/tune-host.sh; see its --help for why each value is set."
    for kv in "${SYSCTLS[@]}" "vm.nr_hugepages=$HP2M"; do conf+=$'\n'"${kv%%=*} = ${kv#*=}"; done
    set_content "sysctl persistence" /etc/sysctl.d/60-vega.conf "$conf"
fi

# --- irqbalance ------------------------------------------------------------------------------------
if [[ -z $CORES ]]; then
    echo "skip irqbalance: no --cores given"
elif [[ ! -e $R/etc/default/irqbalance ]]; then
    echo "skip irqbalance: /etc/default/irqbalance absent (irqbalance not installed: IRQs stay where the kernel put them; pin NIC IRQs with /proc/irq/*/smp_affinity_list)"
else
    f=$R/etc/default/irqbalance
    cur=$(sed -n 's/^[[:space:]]*IRQBALANCE_BANNED_CPULIST=["'"'"']\{0,1\}\([^"'"'"']*\).*/\1/p' "$f" | tail -n1)
    if [[ $cur == "$CORES" ]]; then
        echo "ok irqbalance banned cpus: $cur"
    else
        CHANGES=$((CHANGES + 1))
        echo "$MODE_WORD irqbalance banned cpus (IRQBALANCE_BANNED_CPULIST): ${cur:-(none)} -> $CORES"
        if ((APPLY)); then
            if ((PERSIST == 0)); then
                echo "  --no-persist: irqbalance only reads this from /etc/default/irqbalance; not changed"
            else
                # Replace our variable (commented or not) or append it; other lines stay untouched.
                if grep -qE '^[#[:space:]]*IRQBALANCE_BANNED_CPULIST=' "$f"; then
                    sed -i -E "s|^[#[:space:]]*IRQBALANCE_BANNED_CPULIST=.*|IRQBALANCE_BANNED_CPULIST=\"$CORES\"|" "$f"
                else
                    printf '# Vega trading cores: no IRQs here (Scripts/tune-host.sh)\nIRQBALANCE_BANNED_CPULIST="%s"\n' "$CORES" >>"$f"
                fi
                if [[ -z $R ]] && command -v systemctl >/dev/null; then
                    systemctl try-restart irqbalance.service || echo "  could not restart irqbalance; restart it yourself" >&2
                fi
            fi
        fi
    fi
fi

echo "=="
if ((CHANGES == 0)); then
    echo "nothing to change: host already tuned"
elif ((APPLY)); then
    echo "$CHANGES change(s) made, $ERRORS failed"
else
    echo "$CHANGES change(s) would be made; run with --apply to make them"
fi
((ERRORS == 0))
