#!/usr/bin/env bash
# Install the Debian packages Vega's build and tests need, and nothing else.
#
# Idempotent: asks dpkg what is installed and only runs apt-get for what is missing; runs
# `apt-get update` at most once, and only when something has to be installed. Non-interactive.
set -euo pipefail

# Why each package is needed (keep this list and Package.swift's systemLibrary providers in step).
PACKAGES=(
    libibverbs-dev # CVegaVerbs: ibverbs raw-packet queues (systemLibrary, pkg-config libibverbs)
    libnuma-dev    # CVegaNUMA: NUMA placement (systemLibrary, pkg-config numa)
    libpcap-dev    # CVegaPcap: pcap replay into HardwareSim (systemLibrary, pkg-config libpcap)
    pkg-config     # SwiftPM finds the three libraries above through pkg-config
    udev           # udevadm, for Udev/test-rules.sh
    iproute2       # ip netns / veth pairs in the timestamping tests
    ethtool        # NIC timestamping capabilities (check-host.sh, vega diag cross-checks)
    linuxptp       # ptp4l, phc2sys, pmc: PTP tests over veth, host checks
    tshark         # dissects MoldUDP64 / SoupBinTCP / FIX captures in interop tests
    libquickfix-dev # QuickFIX 1.15 C++: the real FIX counterparty of the interop tests and benchmarks (Tests/QuickFIX)
    shellcheck     # Scripts/test-scripts.sh lints every shell script
    openssl        # FIX TLS tests generate a throwaway self-signed certificate
    valgrind       # callgrind instruction counts of the FIX codec (Benchmarks/fix-instructions/run.sh)
)

usage() {
    cat <<EOF
Usage: Scripts/install-deps.sh [--check] [-h|--help]

Installs the Debian packages Vega needs to build and test:
$(for p in "${PACKAGES[@]}"; do printf '  %s\n' "$p"; done)

  (no option)  as root: install the missing ones (apt-get update once, only if needed);
               as another user: print the command that would install them and exit 1.
  --check      install nothing; list missing packages and exit 1 if any are missing.

Exit status: 0 when everything is (now) installed, 1 when packages are still missing, 2 on usage
errors. tshark is installed without the setuid dumpcap (debconf answer preseeded), so nothing asks
questions; to capture as non-root later, run 'dpkg-reconfigure wireshark-common'.
EOF
}

CHECK_ONLY=0
while (($#)); do
    case "$1" in
        -h | --help) usage; exit 0 ;;
        --check) CHECK_ONLY=1 ;;
        *) echo "install-deps.sh: unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# A package counts as installed only when dpkg says "install ok installed" (not merely known, or
# removed with its config files left behind).
missing=()
for p in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    if [[ $status == "install ok installed" ]]; then
        echo "ok: $p"
    else
        missing+=("$p")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "All ${#PACKAGES[@]} packages are installed; nothing to do."
    exit 0
fi

echo "missing: ${missing[*]}"
install_cmd="DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"

if ((CHECK_ONLY)); then
    echo "--check: not installing. To install: sudo Scripts/install-deps.sh"
    exit 1
fi

if [[ $(id -u) -ne 0 ]]; then
    echo "Not root: cannot install. Would run:"
    echo "  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections"
    echo "  apt-get update"
    echo "  $install_cmd"
    echo "Run this script as root (sudo Scripts/install-deps.sh)." >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# Answer wireshark-common's only question (allow non-root captures via setuid dumpcap?) with "no":
# a build/test host does not need capture privileges for everyone.
if [[ " ${missing[*]} " == *" tshark "* ]] && command -v debconf-set-selections >/dev/null; then
    echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
fi

# Update the package index once, and only if installing from the current index fails for want of
# it (a fresh image has empty lists; a maintained host usually does not need the network round).
if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
    echo "apt-get install failed; refreshing the package index once and retrying"
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Verify rather than trust apt's exit status.
still=()
for p in "${missing[@]}"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true) == "install ok installed" ]] || still+=("$p")
done
if ((${#still[@]})); then
    echo "still missing after apt-get: ${still[*]}" >&2
    exit 1
fi
echo "Installed: ${missing[*]}"
