#!/usr/bin/env bash
# Test Vega's udev rules with the real udev (`udevadm test`) without touching the host.
#
# Why a private mount namespace: `udevadm test` in systemd 252 (Debian 12) is not a dry run. It
# applies the resulting owner/mode to the device node, creates the /dev symlinks and writes the udev
# database under /run/udev. So everything runs under `unshare --mount`, with tmpfs over /dev and
# /run, a directory holding only Vega's rules bind-mounted over /etc/udev/rules.d, and a copy of
# /etc/group that contains the "vega" group. Nothing on the host's /dev, /etc or /run changes.
#
# What it checks, in two parts:
#   A. Synthetic devices. This machine has no PHC, Solarflare, ExaNIC, RDMA or FPGA, so we build a
#      small sysfs tree on tmpfs shaped like the kernel's for each of them (a PCI NIC with its PHC
#      and interfaces, a virtual PHC, misc devices, an RDMA uverbs device, an FPGA bound to vfio-pci
#      with BAR files and an IOMMU group, and a second VFIO group that is not the FPGA), mount it
#      over /sys and run `udevadm test` on each device (SYSTEMD_DEVICE_VERIFY_SYSFS=0 lets sd-device
#      accept a sysfs that is not the kernel's; systemd's own test suite does the same). Then we
#      look at the *result* in the private /dev: symlinks, group and mode, and that devices which
#      must not match (a look-alike name, another VFIO group, the NIC's own BARs) kept the defaults.
#      `udevadm test` never executes RUN programs, only lists them, so we execute the listed RUN
#      commands ourselves against the synthetic sysfs and check their effect (BAR files opened to
#      the group on bind and closed again on unbind; a NIC rename re-triggering its PHC).
#   B. Real kernel devices. In a new network namespace (so the interfaces are throwaway), with a
#      freshly mounted real sysfs, we create a veth pair and run `udevadm test` on it and on lo:
#      the rules must parse and must not touch devices they are not about.
# In both parts, every line udev prints about our rule files is scanned for complaints ("invalid",
# "error", "failed", "unknown", "ignoring", ...): any such line fails the test.
#
# Usage: Udev/test-rules.sh [-v]      (-v: show the udevadm output of every test)
# Exit status: 0 all passed (or SKIP), 1 a check failed.
set -euo pipefail

usage() {
    cat <<'EOF'
Usage: Udev/test-rules.sh [-v|--verbose] [-h|--help]

Runs Vega's udev rules (Udev/*.rules) through `udevadm test` inside a private mount namespace:
against a synthetic sysfs for the hardware this machine lacks (PHC, Onload, ExaNIC, RDMA, FPGA on
vfio-pci), and against real veth/lo devices in a throwaway network namespace. Checks the resulting
symlinks, groups and modes, executes the RUN programs against the synthetic sysfs, and fails on any
udev complaint about our files. Changes nothing on the host.

Needs root (for unshare/mount) and udevadm; otherwise prints "SKIP: <reason>" and exits 0.
EOF
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VERBOSE=0
INSIDE=""
while (($#)); do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        -v | --verbose) VERBOSE=1 ;;
        --inside-synthetic | --inside-real) INSIDE=$1 ;; # internal: re-executed under unshare
        *) echo "test-rules.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

FAILS=0
PASSES=0
indent() { sed "s/^/    | /"; }
pass() { PASSES=$((PASSES + 1)); echo "  ok: $*"; }
fail() { FAILS=$((FAILS + 1)); echo "  FAIL: $*"; }

# --- helpers used inside the namespaces -------------------------------------------------------------

# Run `udevadm test` on one device; output in $OUT. Fails the test on any complaint about our files.
OUT=""
udev_test() { # action syspath
    local action=$1 syspath=$2
    OUT=$(SYSTEMD_DEVICE_VERIFY_SYSFS=0 SYSTEMD_LOG_LEVEL=debug udevadm test --action="$action" "$syspath" 2>&1) || {
        fail "udevadm test --action=$action $syspath exited non-zero"
        indent <<<"$OUT"
        return 0
    }
    if ((VERBOSE)); then indent <<<"$OUT"; fi
    local complaints
    # A PROGRAM match that exits 1 is how our rules say "not this device"; udev logs that at debug
    # level as 'Command "..." returned 1 (error)'. That one message is expected; any other exit
    # status (127: not found, 126, signals) or message is a real complaint.
    complaints=$(grep -E '70-vega-' <<<"$OUT" | grep -iE 'invalid|error|fail|unknown|ignor|warn|not supported|deprecated' |
        grep -vE '70-vega-[a-z-]+\.rules:[0-9]+ Command ".*" returned 1 \(error\)$' || true)
    if [[ -n $complaints ]]; then
        fail "udev complained about our rules ($action $syspath):"
        indent <<<"$complaints"
    fi
}

expect_link() { # link target
    local got
    if [[ -L $1 ]] && got=$(readlink -f "$1") && [[ $got == "$2" ]]; then
        pass "$1 -> $2"
    else
        fail "expected symlink $1 -> $2 (have: $(ls -l "$1" 2>&1))"
    fi
}
expect_no_link() { # path
    if [[ -e $1 || -L $1 ]]; then fail "unexpected $1 ($(ls -l "$1" 2>&1))"; else pass "no $1"; fi
}
expect_perm() { # path group mode
    local got
    got=$(stat -c '%G %a' "$1" 2>&1)
    if [[ $got == "$2 $3" ]]; then pass "$1 is $2 $3"; else fail "$1: expected $2 $3, have $got"; fi
}

# RUN programs udev listed for the last udev_test (lines like: run: '/bin/sh -c '...'' ).
run_lines() { sed -n "s/^run: '\(.*\)'\$/\1/p" <<<"$OUT"; }
# Execute a listed RUN command as udevd would: udevd splits it into words honouring single quotes
# and runs it without a shell; `eval` on a line made only of our own rule text does the same here.
# Sets NRUNS to the number of commands executed.
NRUNS=0
exec_runs() {
    local line
    NRUNS=0
    while IFS= read -r line; do
        [[ -n $line ]] || continue
        NRUNS=$((NRUNS + 1))
        if ! eval "$line"; then fail "RUN command failed: $line"; fi
    done < <(run_lines)
}

finish() {
    echo "  ($PASSES checks passed, $FAILS failed in this part)"
    ((FAILS == 0))
}

# Common private setup: tmpfs /dev and /run, only our rules in /etc/udev/rules.d, a group file with
# "vega". $1 = scratch directory (already on a private tmpfs).
private_udev_env() {
    local T=$1
    mkdir -p "$T/dev" "$T/rules" "$T/run"
    cp "$HERE"/*.rules "$T/rules/"
    cp /etc/group "$T/group"
    getent group vega >/dev/null || echo 'vega:x:4242:' >>"$T/group"
    # Fresh device nodes for what udev itself may touch; these are new inodes on tmpfs, so a chmod
    # by udev can never reach the host's nodes.
    mknod -m 0666 "$T/dev/null" c 1 3
    ln -s /proc/self/fd "$T/dev/fd" # bash's <(...) needs /dev/fd
    mount --bind "$T/rules" /etc/udev/rules.d
    mount --bind "$T/group" /etc/group
    mount --bind "$T/dev" /dev
    mount -t tmpfs vega-test-run /run
}

check_our_files_were_read() {
    local f
    for f in "$HERE"/*.rules; do
        if grep -qF "Reading rules file: /etc/udev/rules.d/$(basename "$f")" <<<"$OUT"; then
            pass "udev read $(basename "$f")"
        else
            fail "udev did not read $(basename "$f")"
        fi
    done
}

# --- part A: synthetic sysfs ---------------------------------------------------------------------------

# mkdev <sysfs dir> <subsystem class path relative to /sys> [key=value uevent lines...]
mkdev() {
    local dir=$1 subsys=$2
    shift 2
    mkdir -p "$dir"
    printf '%s\n' "$@" >"$dir/uevent"
    ln -s "$(realpath -m --relative-to="$dir" "$S/$subsys")" "$dir/subsystem"
    local l
    for l in "$@"; do
        case $l in
            MAJOR=*) MAJ=${l#MAJOR=} ;;
            MINOR=*) echo "$MAJ:${l#MINOR=}" >"$dir/dev" ;;
        esac
    done
}
MAJ=0
S=""

inside_synthetic() {
    local T=$VEGA_UDEV_TEST_DIR/synthetic
    mkdir "$T"
    mount -t tmpfs vega-test "$T"
    S=$T/sys
    mkdir -p "$S/bus/pci/drivers/mlx5_core" "$S/bus/pci/drivers/vfio-pci" "$S/class/ptp" "$S/class/net" \
        "$S/class/misc" "$S/class/infiniband_verbs" "$S/class/vfio" "$S/kernel/iommu_groups"
    mkdir -p "$S/devices/pci0000:3a"
    echo >"$S/devices/pci0000:3a/uevent"

    # A dual-port NIC function with a PHC, two interfaces and an RDMA device, like mlx5 exposes it.
    local NIC=$S/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0
    mkdir -p "$S/devices/pci0000:3a/0000:3a:00.0"
    mkdev "$S/devices/pci0000:3a/0000:3a:00.0" bus/pci PCI_ID=8086:2030 PCI_SLOT_NAME=0000:3a:00.0
    mkdev "$NIC" bus/pci DRIVER=mlx5_core PCI_ID=15B3:1017 PCI_SLOT_NAME=0000:3b:00.0
    ln -s ../../../../bus/pci/drivers/mlx5_core "$NIC/driver"
    echo 0x15b3 >"$NIC/vendor"
    echo 0x1017 >"$NIC/device"
    : >"$NIC/resource0"
    chmod 0600 "$NIC/resource0"
    mkdev "$NIC/ptp/ptp0" class/ptp MAJOR=246 MINOR=0 DEVNAME=ptp0
    echo mlx5_ptp >"$NIC/ptp/ptp0/clock_name"
    ln -s ../../../0000:3b:00.0 "$NIC/ptp/ptp0/device"
    mkdev "$NIC/net/ens1f0" class/net INTERFACE=ens1f0 IFINDEX=5
    mkdev "$NIC/net/ens1f1" class/net INTERFACE=ens1f1 IFINDEX=6
    ln -s ../../../0000:3b:00.0 "$NIC/net/ens1f0/device"
    ln -s ../../../0000:3b:00.0 "$NIC/net/ens1f1/device"
    mkdev "$NIC/infiniband_verbs/uverbs0" class/infiniband_verbs MAJOR=231 MINOR=192 DEVNAME=infiniband/uverbs0

    # A virtual PHC (ptp_kvm): no bus path, no interface, a clock name with spaces.
    mkdev "$S/devices/virtual/ptp/ptp1" class/ptp MAJOR=246 MINOR=1 DEVNAME=ptp1
    echo "KVM virtual PTP" >"$S/devices/virtual/ptp/ptp1/clock_name"

    # Misc character devices, plus look-alikes that must not match.
    local m minor=200
    for m in onload onload_epoll sfc_char sfc_affinity exanic0 rdma_cm onloadx exanic_ctl; do
        mkdev "$S/devices/virtual/misc/$m" class/misc MAJOR=10 MINOR=$minor DEVNAME="$m"
        minor=$((minor + 1))
    done
    sed -i 's|DEVNAME=rdma_cm|DEVNAME=infiniband/rdma_cm|' "$S/devices/virtual/misc/rdma_cm/uevent"

    # The FPGA (Xilinx XDMA example ID, the file's placeholder) bound to vfio-pci, IOMMU group 7.
    local FPGA=$S/devices/pci0000:3a/0000:3a:00.0/0000:5e:00.0
    mkdev "$FPGA" bus/pci DRIVER=vfio-pci PCI_ID=10EE:903F PCI_SLOT_NAME=0000:5e:00.0
    ln -s ../../../../bus/pci/drivers/vfio-pci "$FPGA/driver"
    local r
    for r in resource0 resource2 resource2_wc; do : >"$FPGA/$r"; chmod 0600 "$FPGA/$r"; done
    : >"$FPGA/resource" # the text table: must not be touched
    chmod 0444 "$FPGA/resource"
    mkdir -p "$S/kernel/iommu_groups/7/devices" "$S/kernel/iommu_groups/8/devices"
    ln -s ../../../../devices/pci0000:3a/0000:3a:00.0/0000:5e:00.0 "$S/kernel/iommu_groups/7/devices/0000:5e:00.0"
    ln -s ../../../kernel/iommu_groups/7 "$FPGA/iommu_group"
    ln -s ../../../../devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0 "$S/kernel/iommu_groups/8/devices/0000:3b:00.0"
    mkdev "$S/devices/virtual/vfio/7" class/vfio MAJOR=240 MINOR=0 DEVNAME=vfio/7
    mkdev "$S/devices/virtual/vfio/8" class/vfio MAJOR=240 MINOR=1 DEVNAME=vfio/8

    private_udev_env "$T"
    # Device nodes as devtmpfs would have created them (root, 0600), on the private /dev.
    mkdir -p /dev/infiniband /dev/vfio
    mknod -m 0600 /dev/ptp0 c 246 0
    mknod -m 0600 /dev/ptp1 c 246 1
    minor=200
    for m in onload onload_epoll sfc_char sfc_affinity exanic0 infiniband/rdma_cm onloadx exanic_ctl; do
        mknod -m 0600 "/dev/$m" c 10 $minor
        minor=$((minor + 1))
    done
    mknod -m 0600 /dev/infiniband/uverbs0 c 231 192
    mknod -m 0600 /dev/vfio/7 c 240 0
    mknod -m 0600 /dev/vfio/8 c 240 1
    mount --bind "$S" /sys # last: from here on /sys is the synthetic tree
    local SYSNIC=/sys/devices/pci0000:3a/0000:3a:00.0/0000:3b:00.0
    local SYSFPGA=/sys/devices/pci0000:3a/0000:3a:00.0/0000:5e:00.0

    echo "A. synthetic devices (udevadm test on a fake sysfs in a private mount namespace)"
    echo " PTP clock of a dual-port NIC"
    udev_test add "$SYSNIC/ptp/ptp0"
    check_our_files_were_read
    expect_link /dev/ptp/by-path/pci-0000:3b:00.0 /dev/ptp0
    expect_link /dev/ptp/by-name/mlx5_ptp /dev/ptp0
    expect_link /dev/ptp/by-interface/ens1f0 /dev/ptp0
    expect_link /dev/ptp/by-interface/ens1f1 /dev/ptp0
    expect_perm /dev/ptp0 vega 660
    echo " virtual PTP clock (no bus path, no interface, spaces in its name)"
    udev_test add /sys/devices/virtual/ptp/ptp1
    expect_link /dev/ptp/by-name/KVM_virtual_PTP /dev/ptp1
    expect_no_link /dev/ptp/by-name/KVM
    expect_perm /dev/ptp1 vega 660
    if [[ $(ls /dev/ptp/by-path/) != pci-0000:3b:00.0 ]]; then
        fail "a by-path link for the virtual clock: $(ls /dev/ptp/by-path/)"
    else
        pass "no by-path link for the virtual clock"
    fi

    echo " interface renamed: the PHC gets a change event"
    udev_test move "$SYSNIC/net/ens1f0"
    cp "$SYSNIC/ptp/ptp0/uevent" "$SYSNIC/ptp/ptp0/uevent.before"
    exec_runs
    if ((NRUNS >= 1)) && [[ $(cat "$SYSNIC/ptp/ptp0/uevent") == change ]]; then
        pass "net move RUN wrote 'change' to ptp0/uevent"
    else
        fail "net move did not re-trigger ptp0 ($NRUNS RUN commands; uevent now: $(cat "$SYSNIC/ptp/ptp0/uevent"))"
    fi
    cp "$SYSNIC/ptp/ptp0/uevent.before" "$SYSNIC/ptp/ptp0/uevent"
    udev_test move /sys/devices/virtual/misc/onload # not a net device: no RUN at all
    if [[ -z $(run_lines | grep 'ptp' || true) ]]; then pass "no PHC re-trigger for a non-net device"; else fail "PHC re-trigger on a misc device"; fi

    echo " Onload / Solarflare, ExaNIC, RDMA"
    for m in onload onload_epoll sfc_char sfc_affinity exanic0 rdma_cm onloadx exanic_ctl; do
        udev_test add "/sys/devices/virtual/misc/$m"
    done
    udev_test add "$SYSNIC/infiniband_verbs/uverbs0"
    for m in onload onload_epoll sfc_char sfc_affinity exanic0 infiniband/rdma_cm infiniband/uverbs0; do
        expect_perm "/dev/$m" vega 660
    done
    expect_perm /dev/onloadx root 600
    expect_perm /dev/exanic_ctl root 600

    echo " FPGA on vfio-pci"
    udev_test add /sys/devices/virtual/vfio/7
    expect_perm /dev/vfio/7 vega 660
    udev_test add /sys/devices/virtual/vfio/8
    expect_perm /dev/vfio/8 root 600
    udev_test bind "$SYSFPGA"
    if grep -qx 'VEGA_FPGA=1' <<<"$OUT"; then pass "FPGA marked VEGA_FPGA=1"; else fail "FPGA not marked VEGA_FPGA=1"; fi
    exec_runs
    if ((NRUNS == 1)); then pass "one RUN on bind"; else fail "expected 1 RUN on bind, got $NRUNS"; fi
    for r in resource0 resource2 resource2_wc; do expect_perm "$SYSFPGA/$r" vega 660; done
    expect_perm "$SYSFPGA/resource" root 444
    udev_test unbind "$SYSFPGA"
    exec_runs
    if ((NRUNS == 1)); then pass "one RUN on unbind"; else fail "expected 1 RUN on unbind, got $NRUNS"; fi
    for r in resource0 resource2 resource2_wc; do expect_perm "$SYSFPGA/$r" root 600; done
    udev_test bind "$SYSNIC" # another PCI device: not marked, no RUN
    if grep -q 'VEGA_FPGA=1' <<<"$OUT"; then fail "NIC marked as FPGA"; else pass "NIC not marked as FPGA"; fi
    exec_runs
    if ((NRUNS == 0)); then pass "no RUN for the NIC"; else fail "$NRUNS RUN commands for the NIC"; fi
    expect_perm "$SYSNIC/resource0" root 600

    finish
}

# --- part B: real devices in a throwaway network namespace ------------------------------------------------

inside_real() {
    local T=$VEGA_UDEV_TEST_DIR/real
    mkdir "$T"
    mount -t tmpfs vega-test "$T"
    # sysfs shows the network devices of the namespace that mounts it: remount it for ours.
    mount -t sysfs sysfs /sys
    private_udev_env "$T"
    echo "B. real devices (veth pair and lo in a private network namespace)"
    if ! ip link add vega-t0 type veth peer name vega-t1 2>/dev/null; then
        echo "  (cannot create veth here; testing lo only)"
    fi
    local dev
    for dev in /sys/class/net/*; do
        udev_test add "$dev"
        check_our_files_were_read
        local acted
        acted=$(grep -E '70-vega-' <<<"$OUT" | grep -v 'Reading rules file' || true)
        if [[ -n $acted ]]; then
            fail "our rules acted on $(basename "$dev"): $acted"
        else
            pass "our rules leave $(basename "$dev") alone"
        fi
        if [[ -n $(run_lines | grep -F 'ptp' || true) ]]; then
            fail "PHC re-trigger RUN for $(basename "$dev"), which has no PHC"
        fi
    done
    finish
}

if [[ $INSIDE == --inside-synthetic ]]; then inside_synthetic; exit; fi
if [[ $INSIDE == --inside-real ]]; then inside_real; exit; fi

# --- entry point -----------------------------------------------------------------------------------------
if [[ $(id -u) -ne 0 ]]; then echo "SKIP: needs root (unshare --mount, mount, mknod)"; exit 0; fi
if ! command -v udevadm >/dev/null; then echo "SKIP: udevadm is missing (apt-get install udev)"; exit 0; fi
if ! command -v unshare >/dev/null; then echo "SKIP: unshare is missing (util-linux)"; exit 0; fi
if ! unshare --mount --propagation private true 2>/dev/null; then
    echo "SKIP: cannot create a mount namespace here (unshare --mount failed)"
    exit 0
fi

# Scratch mount points (tmpfs is mounted on them only inside the namespaces); removed on exit.
VEGA_UDEV_TEST_DIR=$(mktemp -d /tmp/vega-udev-test.XXXXXX)
export VEGA_UDEV_TEST_DIR
trap 'rm -rf "$VEGA_UDEV_TEST_DIR"' EXIT

echo "udev rules under test: $(cd "$HERE" && echo ./*.rules)"
echo "udevadm $(udevadm --version)"
rc=0
# Static check first: `udevadm verify` exists from systemd 253 on; use it when present.
if udevadm verify --help >/dev/null 2>&1; then
    if udevadm verify --resolve-names=never "$HERE"/*.rules; then echo "  ok: udevadm verify"; else echo "  FAIL: udevadm verify"; rc=1; fi
else
    echo "  (udevadm verify not available in systemd $(udevadm --version); relying on udevadm test's parser)"
fi
vflag=()
((VERBOSE)) && vflag=(-v)
unshare --mount --propagation private "$0" --inside-synthetic "${vflag[@]}" || rc=1
if unshare --net true 2>/dev/null; then
    unshare --mount --net --propagation private "$0" --inside-real "${vflag[@]}" || rc=1
else
    echo "B. SKIP: cannot create a network namespace here"
fi
if ((rc == 0)); then echo "udev rules: all checks passed"; else echo "udev rules: FAILED"; fi
exit "$rc"
