#!/usr/bin/env bash
# libFuzzer run of the ITCH 5.0 decoder and file walk, outside SwiftPM (which has no fuzzer
# target kind): VegaCore is built as its own module, the ITCH decoding sources (plus Symbol from
# the book contract) as a second one with the fuzz entry point, all with -sanitize=fuzzer,address.
# The handler is left out: it needs VegaHardware's C shims, and the decoder is where bytes meet code.
#
#   Tests/VegaMarketDataTests/ITCH/fuzz.sh [SECONDS]     (default 60; corpus kept in $OUT/corpus)
#
# What it checks, beyond "no crash, no ASan report": an accepted message has exactly its type's
# length and its view points at the input; counters add up to the inputs seen.
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/../../.." && pwd)
out=${OUT:-$root/.build-itch-fuzz}
mkdir -p "$out/corpus"
swiftc=${SWIFTC:-swiftc}
flags=(-O -g -sanitize=fuzzer,address -parse-as-library)

"$swiftc" "${flags[@]}" -emit-module -emit-library -static -module-name VegaCore \
    -emit-module-path "$out/VegaCore.swiftmodule" -o "$out/libVegaCore.a" "$root"/Sources/VegaCore/*.swift

itch=("$root"/Sources/VegaMarketData/ITCH/ITCH{MessageType,MessageView,Message,Counters,Decoder,FileReader,Encoder}.swift
      "$root"/Sources/VegaMarketData/ITCH/ITCHMessages-*.swift)
# Symbol and the other contract types live in the book contract file.
cp "$root/Sources/VegaMarketData/Book/OrderBookSink.swift" "$out/OrderBookSink.swift"

cat > "$out/FuzzEntry.swift" <<'SWIFT'
import VegaCore

nonisolated(unsafe) var decoder = ITCHDecoder()
nonisolated(unsafe) var inputs: UInt64 = 0

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    // 1. The input as one message.
    inputs &+= 1
    if case .message(let m) = decoder.decode(bytes) {
        precondition(m.type.length == size && m.base == bytes.baseAddress)
    }
    // 2. The input as a file in NASDAQ framing.
    var reader = ITCHFileReader(unsafeBytes: bytes)
    var covered = 0
    walk: while true {
        switch reader.next() {
        case .message(let m):
            precondition(m.baseAddress! >= bytes.baseAddress! && m.baseAddress! + m.count <= bytes.baseAddress! + size)
            covered += 2 + m.count
            inputs &+= 1
            _ = decoder.decode(m)
        case .end: break walk
        case .truncatedFrame: covered = size; break walk
        }
    }
    precondition(covered == size)
    precondition(decoder.counters.totalMessages + decoder.counters.totalRejects == inputs)
    return 0
}
SWIFT

"$swiftc" "${flags[@]}" -I "$out" -module-name ITCHFuzz "${itch[@]}" "$out/OrderBookSink.swift" "$out/FuzzEntry.swift" \
    "$out/libVegaCore.a" -o "$out/itch-fuzz"
"$out/itch-fuzz" -max_total_time="$seconds" -max_len=128 -print_final_stats=1 "$out/corpus"
