import VegaCore

extension FIXSession {
    /// Encodes header + `body` with the next MsgSeqNum; returns the bytes (nil on overflow).
    func encode(_ msgType: FIXMsgType, seqNum: Int, now: Timestamp<UTC>, origSendingTime: UnsafeRawBufferPointer? = nil,
                _ body: (inout FIXEncoder) -> Void) -> [UInt8]? {
        encoder.begin(msgType)
        senderCompID.withUnsafeBytes { encoder.append(49, bytes: $0) }
        targetCompID.withUnsafeBytes { encoder.append(56, bytes: $0) }
        encoder.append(34, int: Int64(seqNum))
        if let orig = origSendingTime {
            encoder.append(43, char: UInt8(ascii: "Y"))
            encoder.append(52, timestamp: now)
            encoder.append(122, bytes: orig)
        } else {
            encoder.append(52, timestamp: now)
        }
        body(&encoder)
        guard let out = encoder.finish() else { return nil }
        return Array(out)
    }

    func write(_ bytes: [UInt8], now: Timestamp<UTC>) {
        actions.append(.send(bytes))
        counters.messagesSent += 1
        lastSentAt = now
    }

    /// Admin messages are numbered but not stored: a resend replaces them with a gap fill.
    func sendAdmin(_ msgType: FIXMsgType, now: Timestamp<UTC>, _ body: (inout FIXEncoder) -> Void) {
        guard state != .disconnected else { return }
        let seq = store.nextSenderSeqNum
        guard let bytes = encode(msgType, seqNum: seq, now: now, body) else { return }
        do { try store.setNextSenderSeqNum(seq + 1) } catch { storeFailed(error, now: now); return }
        write(bytes, now: now)
    }

    /// Application messages are stored before they are written (so a resend finds them).
    func sendApplication(_ msgType: FIXMsgType, now: Timestamp<UTC>, _ body: (inout FIXEncoder) -> Void) {
        let seq = store.nextSenderSeqNum
        guard let bytes = encode(msgType, seqNum: seq, now: now, body) else {
            actions.append(.event(.storeFailed("message larger than MaxMessageSize, not sent")))
            return
        }
        do {
            try store.save(seqNum: seq, bytes: bytes)
            try store.setNextSenderSeqNum(seq + 1)
        } catch {
            storeFailed(error, now: now)
            return
        }
        if state == .active { write(bytes, now: now) }
    }

    func sendLogon(reset: Bool, now: Timestamp<UTC>) {
        let hb = heartbeatInterval
        let user = configuration.role == .initiator ? configuration.username : nil
        let pass = configuration.role == .initiator ? configuration.password : nil
        sendAdmin(.logon, now: now) { enc in
            enc.append(98, char: UInt8(ascii: "0"))
            enc.append(108, int: Int64(hb))
            if reset { enc.append(141, char: UInt8(ascii: "Y")) }
            if let user { enc.append(553, string: user) }
            if let pass { enc.append(554, string: pass) }
        }
    }

    func sendLogout(_ text: String, now: Timestamp<UTC>) {
        sendAdmin(.logout, now: now) { enc in
            if !text.isEmpty { enc.append(58, string: text) }
        }
        actions.append(.event(.logoutSent(text)))
    }

    func sendReject(refSeqNum: Int, refMsgType: FIXMsgType, _ rejection: FIXRejection, now: Timestamp<UTC>) {
        counters.rejectsSent += 1
        sendAdmin(.reject, now: now) { enc in
            enc.append(45, int: Int64(refSeqNum))
            if rejection.refTagID != 0 { enc.append(371, int: Int64(rejection.refTagID)) }
            if refMsgType != .invalid { enc.append(372, string: refMsgType.description) }
            enc.append(373, int: Int64(rejection.reason.rawValue))
            enc.append(58, string: rejection.reason.description)
        }
        actions.append(.event(.rejectSent(refSeqNum: refSeqNum, rejection)))
    }

    /// BusinessMessageReject (j) for an application MsgType Vega does not support (380=3).
    func sendBusinessReject(refSeqNum: Int, refMsgType: FIXMsgType, now: Timestamp<UTC>) {
        counters.businessRejectsSent += 1
        sendApplication(.businessMessageReject, now: now) { enc in
            enc.append(45, int: Int64(refSeqNum))
            enc.append(372, string: refMsgType.description)
            enc.append(380, char: UInt8(ascii: "3"))
            enc.append(58, string: "Unsupported Message Type")
        }
        actions.append(.event(.businessRejectSent(refSeqNum: refSeqNum, msgType: refMsgType)))
    }

    func sendResendRequest(begin: Int, now: Timestamp<UTC>) {
        counters.resendRequestsSent += 1
        sendAdmin(.resendRequest, now: now) { enc in
            enc.append(7, int: Int64(begin))
            enc.append(16, int: 0)
        }
        actions.append(.event(.resendRequestSent(begin: begin, end: 0)))
    }

    /// Answers a ResendRequest: stored application messages again with PossDupFlag=Y and
    /// OrigSendingTime; runs of admin (or unstored) numbers as one SequenceReset-GapFill each.
    func answerResend(begin: Int, end requestedEnd: Int, now: Timestamp<UTC>) {
        counters.resendRequestsAnswered += 1
        actions.append(.event(.resendRequestReceived(begin: begin, end: requestedEnd)))
        let lastSent = store.nextSenderSeqNum - 1
        let end = (requestedEnd == 0 || requestedEnd > lastSent) ? lastSent : requestedEnd
        guard begin >= 1, begin <= end else { return }
        let stored: [(seqNum: Int, bytes: [UInt8])]
        do { stored = try store.messages(in: begin...end) } catch { storeFailed(error, now: now); return }
        var next = begin
        for (seq, bytes) in stored {
            if seq > next { gapFill(from: next, to: seq, now: now) }
            resend(bytes, seqNum: seq, now: now)
            next = seq + 1
        }
        if next <= end { gapFill(from: next, to: end + 1, now: now) }
    }

    func gapFill(from: Int, to newSeqNum: Int, now: Timestamp<UTC>) {
        counters.gapFillsSent += 1
        let ts = FIXTimestampFormat.string(now)
        var tsCopy = ts
        let bytes: [UInt8]? = tsCopy.withUTF8 { orig in
            encode(.sequenceReset, seqNum: from, now: now, origSendingTime: UnsafeRawBufferPointer(orig)) { enc in
                enc.append(123, char: UInt8(ascii: "Y"))
                enc.append(36, int: Int64(newSeqNum))
            }
        }
        if let bytes { write(bytes, now: now) }
        actions.append(.event(.gapFillSent(from: from, to: newSeqNum)))
    }

    /// Re-encodes a stored message: same MsgSeqNum and body, PossDupFlag=Y, OrigSendingTime =
    /// its SendingTime, SendingTime = now.
    func resend(_ stored: [UInt8], seqNum: Int, now: Timestamp<UTC>) {
        let bytes: [UInt8]? = stored.withUnsafeBytes { raw -> [UInt8]? in
            guard scratchIndex.parse(raw) == nil else { return nil }
            let v = scratchIndex.view
            guard let orig = v.value(52) else { return nil }
            return encode(v.msgType, seqNum: seqNum, now: now, origSendingTime: orig) { enc in
                var i = 3
                while i < v.count - 1 {
                    let tag = v[i].tag
                    if !FIXDictionary.isHeader(tag) { enc.append(tag, bytes: v.value(at: i)) }
                    i += 1
                }
            }
        }
        if let bytes {
            counters.messagesResent += 1
            write(bytes, now: now)
        } else {
            gapFill(from: seqNum, to: seqNum + 1, now: now)
        }
    }
}
