import Testing
import VegaCore
import VegaOrderEntry

// Compile-time proofs that the client session's lane paths — receiving Sequenced Data, sending an
// OUCH message encoded straight into the outbox, the timer poll — neither allocate, lock,
// retain/release nor go through an existential: each wrapper is `@_noLocks`, so this file would not
// compile otherwise. (Connecting, i.e. `init`, allocates its two buffers once, off the lane.)

@_noLocks @inline(never)
func proofClientReceive(_ session: inout SoupBinTCPClientSession, _ bytes: UnsafeRawBufferPointer, _ now: UInt64,
                        _ last: UnsafeMutablePointer<UInt64>) {
    session.receive(bytes, now: now) { event in
        if case .sequencedData(let sequence, let payload) = event { last.pointee = sequence &+ UInt64(payload.count) }
    }
}

@_noLocks @inline(never)
func proofClientSendEnterOrder(_ session: inout SoupBinTCPClientSession, _ order: OUCHEnterOrder, _ now: UInt64) -> Bool {
    session.sendUnsequenced(maxPayload: 64, now: now) { order.encode(into: $0, appendage: UnsafeRawBufferPointer(start: nil, count: 0)) }
}

@_noLocks @inline(never)
func proofClientPoll(_ session: inout SoupBinTCPClientSession, _ now: UInt64, _ closed: UnsafeMutablePointer<Bool>) {
    session.poll(now: now) { event in if case .disconnect = event { closed.pointee = true } }
}

@Suite struct SoupBinTCPNoLocksProofTests {
    @Test func theProvenPathsBehaveLikeTheOperationsTheyProve() {
        let pair = SessionPair()
        pair.pump()
        let order = OUCHEnterOrder(userRefNum: 3, side: .buy, quantity: 10, symbol: OUCHSymbol("AAPL")!, price: Price4(rawValue: 1))
        #expect(proofClientSendEnterOrder(&pair.client, order, pair.now))
        pair.pump()
        #expect(pair.serverEvents.count == 2)  // logged in, then the order
        pair.append("x")
        pair.server.poll(now: pair.now, store: pair.store) { _ in }
        let bytes = Array(pair.server.outbox.pending)
        pair.server.outbox.consume(bytes.count)
        var last: UInt64 = 0
        bytes.withUnsafeBytes { proofClientReceive(&pair.client, $0, pair.now, &last) }
        #expect(last == 1 + 1)  // sequence 1, one byte
        var closed = false
        proofClientPoll(&pair.client, pair.now + 20 * 1_000_000_000, &closed)
        #expect(closed)  // 20 s of silence: past the 15 s idle timeout
    }
}
