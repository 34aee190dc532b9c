import Testing
import VegaCore
import VegaTrading

@Suite("Operator commands reach the lane")
struct TradingControlTests {
    @Test func killFromTheControlSideCancelsAndResetResumes() {
        var c = core()
        let book = normalBook()
        _ = c.submit(newOrder(1), book: book, now: 0)
        _ = c.venue(ack(1))
        let control = TradingControl()
        #expect(control.send(TradingCommand(.kill, .account(acct))))
        let ref = Unmanaged.passUnretained(control)
        let cancelled = withCancels { buf in
            let n = c.pollControl(ref, now: 5, cancels: buf)
            return buf[0..<n].map(\.orderID)
        }
        #expect(cancelled == [OrderID(1)])
        #expect(killCause(c, .account(acct)) == .manual)
        #expect(c.submit(newOrder(2), book: book, now: 6) == .riskRejected(.killSwitchAccount))
        #expect(control.send(TradingCommand(.reset, .account(acct))))
        #expect(withCancels { c.pollControl(ref, now: 7, cancels: $0) } == 0)
        #expect(c.submit(newOrder(2), book: book, now: 8) == .send)
    }
}
