import Testing
@testable import VegaOrderEntry

@Suite("FIX configuration (QuickFIX .cfg)")
struct FIXConfigurationTests {
    let text = """
        # an acceptor and an initiator
        [DEFAULT]
        ConnectionType=acceptor
        SocketAcceptPort=9878
        HeartBtInt=20
        FileStorePath=store
        StartTime=08:00:00
        EndTime=17:30:00
        TimeZone=America/New_York
        UseDataDictionary=Y

        [SESSION]
        BeginString=FIX.4.4
        SenderCompID=EXEC
        TargetCompID=CLIENT1
        Username=alice
        PasswordEnvironmentVariable=VEGA_TEST_PW

        [SESSION]
        BeginString=FIX.4.4
        SenderCompID=VEGA
        TargetCompID=DROP
        ConnectionType=initiator
        SocketConnectHost=127.0.0.1
        SocketConnectPort=9999
        ReconnectInterval=5
        ResetOnLogon=Y
        StartDay=sun
        EndDay=Fri
        DropCopy=Y
        """

    @Test("[DEFAULT] applies to every [SESSION]; QuickFIX and Vega keys are read; unused keys are warned about")
    func parsesSessions() throws {
        let c = try FIXConfiguration(text: text, file: "x.cfg", environment: ["VEGA_TEST_PW": "pw"])
        #expect(c.sessions.count == 2)
        let a = c.sessions[0], i = c.sessions[1]
        #expect(a.configuration.role == .acceptor && a.socketAcceptPort == 9878 && a.configuration.heartbeatInterval == 20)
        #expect(a.configuration.username == "alice" && a.configuration.password == "pw")
        #expect(a.configuration.schedule?.startTime == 8 * 3600 && a.configuration.schedule?.timeZone.name == "America/New_York")
        #expect(i.configuration.role == .initiator && i.socketConnectPort == 9999 && i.reconnectInterval == 5)
        #expect(i.configuration.resetOnLogon && i.isDropCopy)
        #expect(i.configuration.schedule?.startDay == 0 && i.configuration.schedule?.endDay == 5)
        #expect(c.warnings.contains { $0.contains("UseDataDictionary") && $0.hasPrefix("x.cfg:10") })
    }

    @Test("errors name the file, line and key, and say what is allowed", arguments: [
        ("[SESSION]\nBeginString=FIX.4.2\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1", "x.cfg:2: BeginString: \"FIX.4.2\" is not supported; allowed: FIX.4.4"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=both\nSocketAcceptPort=1", "x.cfg:5: ConnectionType: \"both\" is not allowed; allowed: initiator, acceptor"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nPassword=hunter2", "x.cfg:7: Password: secrets never go in the file; name an environment variable with PasswordEnvironmentVariable="),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nHeartBtInt=abc", "x.cfg:7: HeartBtInt: \"abc\" is not an integer in 0...3600"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nStartTime=25:00:00\nEndTime=10:00:00", "x.cfg:7: StartTime: \"25:00:00\" is not HH:MM:SS"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nStartTime=09:00:00\nEndTime=10:00:00\nTimeZone=Nowhere/Land", "x.cfg:9: TimeZone: time zone \"Nowhere/Land\": no such zone (/usr/share/zoneinfo/Nowhere/Land not readable); use UTC, an offset like +02:00, or an IANA name"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=initiator\nHeartBtInt=30\nSocketConnectPort=1", "x.cfg:1: [SESSION] at line 1 (initiator) has no SocketConnectHost"),
        ("[SESSION]\nBeginString=FIX.4.4\nSenderCompID=A\nTargetCompID=B\nConnectionType=acceptor\nSocketAcceptPort=1\nPasswordEnvironmentVariable=VEGA_UNSET_VAR", "x.cfg:7: PasswordEnvironmentVariable: environment variable VEGA_UNSET_VAR is not set"),
        ("Key=Value", "x.cfg:1: Key: setting outside a section; start with [DEFAULT] or [SESSION]"),
        ("[SESSIONS]", "x.cfg:1: unknown section [SESSIONS]; allowed: [DEFAULT], [SESSION]"),
        ("[DEFAULT]\nHeartBtInt=1", "x.cfg:2: no [SESSION] section"),
    ])
    func preciseErrors(text: String, message: String) {
        #expect(throws: FIXConfigError.self) { try FIXConfiguration(text: text, file: "x.cfg", environment: [:]) }
        do {
            _ = try FIXConfiguration(text: text, file: "x.cfg", environment: [:])
        } catch {
            #expect(error.description == message)
        }
    }
}
