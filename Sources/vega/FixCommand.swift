import ArgumentParser

/// `vega fix`: FIX 4.4 connectivity tools.
struct FixCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fix",
        abstract: "FIX 4.4 tools: a test executor (acceptor) and an order sender (initiator).",
        discussion: """
            Both tools read session settings from a QuickFIX-format .cfg file ([DEFAULT] and \
            [SESSION] sections), so an existing QuickFIX configuration carries over.

            A minimal pair of files:

              # executor.cfg                      # client.cfg
              [DEFAULT]                           [DEFAULT]
              ConnectionType=acceptor             ConnectionType=initiator
              SocketAcceptPort=9878               SocketConnectHost=127.0.0.1
              FileStorePath=store/executor        SocketConnectPort=9878
              [SESSION]                           HeartBtInt=30
              BeginString=FIX.4.4                 FileStorePath=store/client
              SenderCompID=EXEC                   [SESSION]
              TargetCompID=CLIENT                 BeginString=FIX.4.4
                                                  SenderCompID=CLIENT
                                                  TargetCompID=EXEC

              vega fix executor --config executor.cfg --reference-price 100
              vega fix send --config client.cfg "new o1 buy 100 VGA 101" "new o2 sell 100 VGA 105" \\
                            "replace o3 o2 100 99" "cancel c1 o1"

            Vega keys beside QuickFIX's: Username, PasswordEnvironmentVariable (the password is \
            read from that environment variable, never from the file), FileStoreSync=Y|N, \
            MaxMessagesPerSecond, MaxOutboundBytes, MaxMessageSize, TLS=Y with \
            TLSCertificateFile / TLSPrivateKeyFile / TLSCACertificateFile / TLSVerifyPeer / \
            TLSServerName, and DropCopy=Y on an initiator session that should receive a copy \
            of every ExecutionReport.
            """,
        subcommands: [FixExecutorCommand.self, FixSendCommand.self])
}
