#!/usr/bin/env bash
# Runs Vega's main job on the simulated default, from a fresh Debian 12 machine: installs the
# Debian packages, builds `vega` in release, and runs `vega demo`: two simulated venues and the
# engine (market making, cross-venue arbitrage) on HardwareSim, live progress, a report whose last
# line is `orders=N fills=N p50_ns=N p99_ns=N`. Arguments go to `vega demo` (see `vega demo --help`).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null && [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH=/opt/swift/usr/bin:$PATH
fi

Scripts/install-deps.sh >/dev/null
swift build -c release --product vega
exec "$(swift build -c release --show-bin-path)/vega" demo "$@"
