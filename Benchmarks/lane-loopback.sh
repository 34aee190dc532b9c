#!/usr/bin/env bash
# The whole lane through the kernel on one host: `vega venue` publishes ITCH/MoldUDP64 to a
# multicast group on lo and takes OUCH/SoupBinTCP on TCP; `vega run` (live backend, busy-polling
# lane) trades against it for DURATION seconds. Prints, from the engine's latency report:
#   kernel RX → TX stamp : the kernel's software RX stamp of the datagram that caused an order
#                          → the kernel's software TX stamp of the TCP segment carrying it
#   lane receive → TX handed : the lane's own part (TSC), frame taken → send() returned
# with p50 / p99 / p99.9 and the sample count, and the load average (this is a shared VM).
#
# Usage: Benchmarks/lane-loopback.sh [DURATION_SECONDS]   (default 20; root, for lo multicast)
#   VEGA=path/to/vega   use this binary (default: .build/release/vega, built if missing)
#   CORE=N              pin the lane to CPU N (default: not pinned)
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${1:-20}"
VEGA="${VEGA:-.build/release/vega}"
export PATH=/opt/swift/usr/bin:$PATH
if [[ ! -x "$VEGA" ]]; then
    echo "building vega in release (several minutes)…" >&2
    swift build -c release --product vega >&2
fi

work="$(mktemp -d /tmp/vega-lane-loopback.XXXXXX)"
venue_pid=""
cleanup() {
    [[ -n "$venue_pid" ]] && kill -TERM "$venue_pid" 2>/dev/null && wait "$venue_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

export VEGA_LOOPBACK_PASSWORD="b$(( $$ % 100000 ))"   # SoupBinTCP: at most 10 characters
# Ports of this run's own: a group port from the PID, the venue's TCP/UDP ports chosen by the kernel.
group="239.192.$(( $$ % 250 )).9:$(( 40000 + $$ % 20000 ))"
sed -e "s/239.192.7.1:26700/$group/" -e "s/127.0.0.1:26701/127.0.0.1:0/" -e "s/127.0.0.1:15071/127.0.0.1:0/" \
    -e "s/stats_interval = 10/stats_interval = 0/" Config/venue-loopback.toml > "$work/venue.toml"
"$VEGA" venue --config "$work/venue.toml" > "$work/venue.out" 2>&1 &
venue_pid=$!
for _ in $(seq 1 600); do
    grep -q "venue LOOP: market data" "$work/venue.out" && break
    kill -0 "$venue_pid" 2>/dev/null || { cat "$work/venue.out" >&2; exit 1; }
    sleep 0.1
done
line="$(grep "venue LOOP: market data" "$work/venue.out")"
rerequest="$(sed -n 's/.*re-request 127\.0\.0\.1:\([0-9]*\).*/\1/p' <<<"$line")"
ouch="$(sed -n 's/.*ouch 127\.0\.0\.1:\([0-9]*\).*/\1/p' <<<"$line")"
sed -e "s/239.192.7.1:26700/$group/" -e "s/127.0.0.1:26701/127.0.0.1:$rerequest/" -e "s/port = 15071/port = $ouch/" \
    Config/live-loopback.toml > "$work/run.toml"
if [[ -n "${CORE:-}" ]]; then
    sed -i "s/^poll = \"busy\"/poll = \"busy\"\ncore = $CORE/" "$work/run.toml"
fi

load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
"$VEGA" run --config "$work/run.toml" --duration "$DURATION" > "$work/run.out" 2>&1 || { cat "$work/run.out" >&2; exit 1; }
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

row() {  # series name → "p50 p99 p99.9 count" from the report's table
    awk -v s="$1" '$1 == s { print $4, $6, $7, $2 }' "$work/run.out" | tail -1
}
print_row() {
    read -r p50 p99 p999 count <<<"$(row "$2")"
    printf "%-26s p50 %8s ns   p99 %8s ns   p99.9 %8s ns   (%s samples)\n" "$1" "${p50:--}" "${p99:--}" "${p999:--}" "${count:-0}"
}
echo "lane loopback, ${DURATION} s, $(nproc) CPUs, load average before: $load_before, after: $load_after"
grep -E "^  (orders|fills|order entry:)" "$work/run.out" | sed 's/^  /  /' || true
print_row "kernel RX → TX stamp" "kernelRx->txTimestamp"
print_row "kernel RX → TX handed" "kernelRx->txHanded"
print_row "lane receive → TX handed" "laneReceive->txHanded"
tail -1 "$work/run.out"
