#!/usr/bin/env bash
# Takes a fresh Debian 12 machine (Swift at /opt/swift or on PATH) to a passing test run:
# installs the Debian packages the build needs, builds the package and its tests once, and runs
# every test (Swift Testing). Tests that need root (network namespaces, hugepage reservation,
# udev in a private mount namespace) run when invoked as root and say SKIP otherwise.
#
#   Scripts/test.sh            build + all tests
#   Scripts/test.sh --filter X passes the rest of the arguments to `swift test`
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v swift >/dev/null && [[ -x /opt/swift/usr/bin/swift ]]; then
    export PATH=/opt/swift/usr/bin:$PATH
fi

Scripts/install-deps.sh

echo "== build (debug, with tests)"
swift build --build-tests

echo "== test"
swift test --skip-build "$@"
