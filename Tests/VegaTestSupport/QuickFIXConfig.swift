/// QuickFIX `.cfg` text for one FIX 4.4 session on 127.0.0.1. Validation against the data
/// dictionary (`QuickFIXDrivers.dictionary`) is on, so every message Vega sends is checked by
/// QuickFIX for required tags, enumerations and tags allowed. Sequence numbers are kept across
/// logons, logouts and disconnects (ResetOn… = N); the session runs all day.
public enum QuickFIXConfig {
    /// An initiator connecting to 127.0.0.1:`port` (reconnecting every second), its message
    /// store in `store`.
    public static func initiator(sender: String, target: String, port: Int, store: String, heartbeat: Int = 30) -> String {
        """
        [DEFAULT]
        ConnectionType=initiator
        SocketConnectHost=127.0.0.1
        SocketConnectPort=\(port)
        ReconnectInterval=1
        \(common(store: store, heartbeat: heartbeat))
        \(session(sender: sender, target: target))
        """
    }

    /// An acceptor on SocketAcceptPort=0: the kernel picks the port; qf-acceptor prints it
    /// (`LISTENING port=`).
    public static func acceptor(sender: String, target: String, store: String, heartbeat: Int = 30) -> String {
        """
        [DEFAULT]
        ConnectionType=acceptor
        SocketAcceptPort=0
        \(common(store: store, heartbeat: heartbeat))
        \(session(sender: sender, target: target))
        """
    }

    /// The [SESSION] section, ending with an empty line.
    static func session(sender: String, target: String) -> String {
        """
        [SESSION]
        BeginString=FIX.4.4
        SenderCompID=\(sender)
        TargetCompID=\(target)

        """
    }

    /// The [DEFAULT] lines both roles share.
    public static func common(store: String, heartbeat: Int) -> String {
        """
        FileStorePath=\(store)
        StartTime=00:00:00
        EndTime=00:00:00
        HeartBtInt=\(heartbeat)
        SocketNodelay=Y
        ResetOnLogon=N
        ResetOnLogout=N
        ResetOnDisconnect=N
        UseDataDictionary=Y
        DataDictionary=\(QuickFIXDrivers.dictionary)
        ValidateUserDefinedFields=Y
        """
    }
}
