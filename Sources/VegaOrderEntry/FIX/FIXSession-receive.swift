import VegaCore

extension FIXSession {
    /// Frames and handles everything complete in the inbound buffer.
    func processInbound(now: Timestamp<UTC>) {
        while state != .disconnected && inboundTail > inboundHead {
            let buffer = UnsafeRawBufferPointer(start: inbound + inboundHead, count: inboundTail - inboundHead)
            switch FIXFramer.next(in: buffer, maxMessageSize: configuration.maxMessageSize) {
            case .needMore:
                return
            case .skip(let count, let reason):
                inboundHead += count
                // Garbage between messages is skipped silently byte by byte; report each
                // resynchronisation once, not per byte.
                if reason != .missingBeginString || inboundTail == inboundHead || count > 1 {
                    counters.garbled += 1
                    actions.append(.event(.garbled(reason)))
                }
            case .message(let length):
                let frame = UnsafeRawBufferPointer(start: buffer.baseAddress, count: length)
                inboundHead += length
                // Framing, BodyLength, CheckSum and the dictionary in one pass.
                switch index.parse(frame, validatingWith: configuration.validator) {
                case .garbled(let reason):
                    counters.garbled += 1
                    actions.append(.event(.garbled(reason)))
                    continue
                case .parsed(let validation):
                    handle(index.view, validation: validation, now: now)
                }
            }
        }
    }

    /// One well-framed message (`validation`: the dictionary's verdict on it): header checks,
    /// sequence numbers, then the message itself.
    func handle(_ v: FIXView, validation: FIXValidation, now: Timestamp<UTC>) {
        counters.messagesReceived += 1
        lastReceivedAt = now
        if let limit = configuration.maxInboundMessagesPerSecond {
            if now.nanoseconds &- rateWindowStart.nanoseconds >= 1_000_000_000 {
                rateWindowStart = now
                rateWindowCount = 0
            }
            rateWindowCount += 1
            if rateWindowCount > limit {
                counters.floodDisconnects += 1
                logoutAndDisconnect("more than \(limit) messages in one second", now: now)
                return
            }
        }
        let begin = beginString.withUnsafeBytes { v.value(8, equals: $0) }
        if !begin {
            logoutAndDisconnect("Incorrect BeginString \(v.string(8) ?? "")", now: now)
            return
        }
        let msgType = v.msgType
        guard let seq64 = v.int(34), seq64 > 0 else {
            logoutAndDisconnect("MsgSeqNum (34) missing or not a positive integer", now: now)
            return
        }
        let seq = Int(seq64)
        if state == .awaitingLogon && msgType != .logon {
            counters.logonsRefused += 1
            actions.append(.event(.logonRefused("first message is \(msgType), not Logon")))
            disconnect("first message is not Logon", now: now)
            return
        }
        if state == .logonSent && msgType != .logon && msgType != .logout {
            disconnect("expected the Logon reply, received MsgType \(msgType)", now: now)
            return
        }
        // CompIDs: theirs must be our target and ours their target.
        let senderOK = targetCompID.withUnsafeBytes { v.value(49, equals: $0) }
        let targetOK = senderCompID.withUnsafeBytes { v.value(56, equals: $0) }
        if !senderOK || !targetOK {
            if state == .awaitingLogon {
                counters.logonsRefused += 1
                actions.append(.event(.logonRefused("unknown CompIDs \(v.string(49) ?? "?")->\(v.string(56) ?? "?")")))
                disconnect("Logon with unknown CompIDs", now: now)
                return
            }
            sendReject(refSeqNum: seq, refMsgType: msgType, FIXRejection(.compIDProblem, tag: senderOK ? 56 : 49), now: now)
            if seq == store.nextTargetSeqNum { setNextTarget(seq + 1, now: now) }
            logoutAndDisconnect("CompID problem", now: now)
            return
        }
        if msgType == .logon {
            handleLogon(v, seq: seq, validation: validation, now: now)
            return
        }
        if msgType == .sequenceReset && v.bool(123) != true {
            // SequenceReset-Reset: its own MsgSeqNum is ignored (FIX 4.4 vol 2).
            handleSequenceReset(v, seq: seq, validation: validation, gapFill: false, now: now)
            return
        }
        let expected = store.nextTargetSeqNum
        let possDup = v.bool(43) == true
        if seq > expected {
            let copy = FIXMessage(v)
            var processed = false
            if msgType == .resendRequest, case .valid = validation {
                // Answer at once even though it is early: when both sides ask for a resend at
                // the same moment, neither must wait for the other's gap to close first.
                processed = true
                answerResend(begin: Int(v.int(7) ?? 0), end: Int(v.int(16) ?? 0), now: now)
            } else if msgType == .logout {
                handleLogout(copy, now: now)
                return
            }
            if queued.count < configuration.maxQueuedMessages { queued[seq] = (copy, processed) }
            requestResendIfNeeded(expected: expected, received: seq, now: now)
            return
        }
        if seq < expected {
            if possDup {
                counters.duplicatesIgnored += 1
                actions.append(.event(.duplicateIgnored(seqNum: seq)))
                return
            }
            logoutAndDisconnect("MsgSeqNum too low, expecting \(expected) but received \(seq)", now: now)
            return
        }
        process(v, seq: seq, validation: validation, now: now)
        drainQueue(now: now)
    }

    /// A message whose MsgSeqNum is the expected one.
    func process(_ v: FIXView, seq: Int, validation: FIXValidation, now: Timestamp<UTC>) {
        let msgType = v.msgType
        switch validation {
        case .reject(let r):
            setNextTarget(seq + 1, now: now)
            sendReject(refSeqNum: seq, refMsgType: msgType, r, now: now)
            return
        case .unsupportedMessageType:
            setNextTarget(seq + 1, now: now)
            sendBusinessReject(refSeqNum: seq, refMsgType: msgType, now: now)
            return
        case .valid:
            break
        }
        let possDup = v.bool(43) == true
        if possDup && msgType != .sequenceReset {
            guard let orig = v.timestamp(122) else {
                setNextTarget(seq + 1, now: now)
                sendReject(refSeqNum: seq, refMsgType: msgType, FIXRejection(.requiredTagMissing, tag: 122), now: now)
                return
            }
            if let sending = v.timestamp(52), orig > sending {
                setNextTarget(seq + 1, now: now)
                sendReject(refSeqNum: seq, refMsgType: msgType, FIXRejection(.sendingTimeAccuracyProblem, tag: 122), now: now)
                logoutAndDisconnect("OrigSendingTime later than SendingTime", now: now)
                return
            }
        }
        if !possDup, let maxLatency = configuration.maxLatency, let sending = v.timestamp(52) {
            let diff = sending > now ? sending.nanoseconds - now.nanoseconds : now.nanoseconds - sending.nanoseconds
            if diff > UInt64(maxLatency) * 1_000_000_000 {
                setNextTarget(seq + 1, now: now)
                sendReject(refSeqNum: seq, refMsgType: msgType, FIXRejection(.sendingTimeAccuracyProblem, tag: 52), now: now)
                logoutAndDisconnect("SendingTime accuracy problem", now: now)
                return
            }
        }
        switch msgType {
        case .heartbeat:
            setNextTarget(seq + 1, now: now)
            if let pending = testRequestID, v.string(112) == "TEST\(pending)" { testRequestID = nil }
        case .testRequest:
            setNextTarget(seq + 1, now: now)
            let id = v.string(112) ?? ""
            sendAdmin(.heartbeat, now: now) { $0.append(112, string: id) }
        case .resendRequest:
            let b = Int(v.int(7) ?? 0), e = Int(v.int(16) ?? 0)
            setNextTarget(seq + 1, now: now)
            answerResend(begin: b, end: e, now: now)
        case .reject:
            setNextTarget(seq + 1, now: now)
            counters.rejectsReceived += 1
            actions.append(.event(.rejectReceived(refSeqNum: Int(v.int(45) ?? 0), text: v.string(58) ?? "")))
        case .sequenceReset:
            handleSequenceReset(v, seq: seq, validation: validation, gapFill: true, now: now)
        case .logout:
            setNextTarget(seq + 1, now: now)
            handleLogout(FIXMessage(v), now: now)
        default:
            setNextTarget(seq + 1, now: now)
            if state == .active {
                counters.applicationMessagesDelivered += 1
                actions.append(.deliver(FIXMessage(v)))
            }
        }
    }

    func handleLogon(_ v: FIXView, seq: Int, validation: FIXValidation, now: Timestamp<UTC>) {
        guard state == .awaitingLogon || state == .logonSent else {
            logoutAndDisconnect("Logon received while already logged on", now: now)
            return
        }
        if case .reject(let r) = validation {
            counters.logonsRefused += 1
            actions.append(.event(.logonRefused("invalid Logon: \(r)")))
            logoutAndDisconnect("invalid Logon: \(r)", now: now)
            return
        }
        guard let hb = v.int(108), hb >= 0, hb <= 3600 else {
            logoutAndDisconnect("invalid HeartBtInt", now: now)
            return
        }
        if configuration.role == .acceptor {
            if let user = configuration.username, v.string(553) != user {
                refuseLogon("invalid Username or Password", now: now)
                return
            }
            if let pass = configuration.password, v.string(554) != pass {
                refuseLogon("invalid Username or Password", now: now)
                return
            }
            heartbeatInterval = Int(hb)
        }
        let resetRequested = v.bool(141) == true
        var reset = false
        if configuration.role == .acceptor && (resetRequested || configuration.resetOnLogon) {
            resetStore(now: now)
            reset = true
        } else if configuration.role == .initiator && resetRequested && configuration.resetOnLogon {
            reset = true
        }
        let expected = store.nextTargetSeqNum
        if seq < expected {
            counters.logonsRefused += 1
            actions.append(.event(.logonRefused("MsgSeqNum too low, expecting \(expected) but received \(seq)")))
            logoutAndDisconnect("MsgSeqNum too low, expecting \(expected) but received \(seq)", now: now)
            return
        }
        if configuration.role == .acceptor { sendLogon(reset: reset, now: now) }
        setState(.active, now: now)
        actions.append(.event(.loggedOn(resetSeqNums: reset)))
        if seq > expected {
            queued[seq] = (FIXMessage(v), true)
            requestResendIfNeeded(expected: expected, received: seq, now: now)
        } else {
            setNextTarget(seq + 1, now: now)
        }
    }

    func refuseLogon(_ reason: String, now: Timestamp<UTC>) {
        counters.logonsRefused += 1
        actions.append(.event(.logonRefused(reason)))
        logoutAndDisconnect(reason, now: now)
    }

    func handleSequenceReset(_ v: FIXView, seq: Int, validation: FIXValidation, gapFill: Bool, now: Timestamp<UTC>) {
        if case .reject(let r) = validation {
            if gapFill { setNextTarget(seq + 1, now: now) }
            sendReject(refSeqNum: seq, refMsgType: .sequenceReset, r, now: now)
            return
        }
        let newSeq = Int(v.int(36) ?? 0)
        let expected = store.nextTargetSeqNum
        if gapFill ? newSeq <= seq : newSeq < expected {
            if gapFill { setNextTarget(seq + 1, now: now) }
            sendReject(refSeqNum: seq, refMsgType: .sequenceReset, FIXRejection(.valueIncorrect, tag: 36), now: now)
            return
        }
        setNextTarget(newSeq, now: now)
        actions.append(.event(.sequenceReset(newSeqNum: newSeq)))
        drainQueue(now: now)
    }

    func handleLogout(_ message: FIXMessage, now: Timestamp<UTC>) {
        let text = message[58] ?? ""
        logoutExchanged = true
        actions.append(.event(.logoutReceived(text)))
        if state == .logoutSent {
            disconnect("logout complete", now: now)
        } else {
            sendLogout("", now: now)
            disconnect(text.isEmpty ? "counterparty logged out" : "counterparty logged out: \(text)", now: now)
        }
    }

    func requestResendIfNeeded(expected: Int, received: Int, now: Timestamp<UTC>) {
        if let target = resendTarget, expected <= target {
            // EndSeqNo 0 asked for everything: a later gap is already covered.
            resendTarget = max(target, received - 1)
            return
        }
        resendTarget = received - 1
        sendResendRequest(begin: expected, now: now)
    }

    /// Processes queued messages that are now in sequence.
    func drainQueue(now: Timestamp<UTC>) {
        while state != .disconnected, let entry = queued.removeValue(forKey: store.nextTargetSeqNum) {
            let seq = store.nextTargetSeqNum
            if entry.processed {
                setNextTarget(seq + 1, now: now)
                continue
            }
            entry.message.withView { v in
                // A separate index is not needed: the view is the copy's own.
                process(v, seq: seq, validation: configuration.validator.validate(v), now: now)
            }
        }
        let next = store.nextTargetSeqNum
        if !queued.isEmpty { queued = queued.filter { $0.key >= next } }
        if let target = resendTarget, next > target { resendTarget = nil }
    }
}
