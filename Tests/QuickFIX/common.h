// Shared pieces of the QuickFIX drivers Vega's interop tests and benchmarks run against:
// the line format they print (read by Tests/VegaOrderEntryTests/Interop), the order script
// format qf-initiator reads, and socket helpers (find the ephemeral port we listen on; cut a
// live connection the way a network failure would).
#pragma once

#include <quickfix/Log.h>
#include <quickfix/Message.h>

#include <cstdint>
#include <string>
#include <vector>

namespace vqf {

/// Prints one event line: `KIND <message with SOH shown as '|'>` (or `KIND` + `rest`), flushed
/// at once and serialised across threads, so a reader of the pipe sees whole lines in order.
void emit(const std::string& kind, const FIX::Message& message);
void emitLine(const std::string& line);

/// The message as its wire text with SOH (0x01) shown as '|'.
std::string pipes(const std::string& wire);
/// The reverse: '|' back to SOH, for fixtures written with '|'.
std::string soh(const std::string& text);

/// Builds an application message from one script line: `MSGTYPE TAG=VALUE TAG=VALUE ...`
/// (e.g. `D 11=O1 55=AAPL 54=1 38=100 40=2 44=101.5`). TransactTime (60) is added with the
/// current time when the line has none. Returns false, with `error` set, on a malformed line.
bool buildFromScript(const std::string& line, FIX::Message& out, std::string& error);

/// TCP ports this process is listening on (found through its own file descriptors), so a
/// QuickFIX acceptor configured with SocketAcceptPort=0 can report the port the kernel chose.
std::vector<uint16_t> listeningPorts();

/// Shuts down (both directions) every connected TCP socket of this process: the connection
/// breaks underneath QuickFIX exactly as it would on a network failure, and QuickFIX's own
/// thread notices and handles it. Returns how many sockets were cut.
int cutConnections();

/// Seconds of wall clock since the epoch.
double nowSeconds();

/// QuickFIX's session events ("Sequence number too low", "Received logon", rejections) as
/// `EVENT <text>` lines, so a failing test shows QuickFIX's own reason; messages themselves are
/// printed by the applications, not here. `quiet` drops everything (benchmarks).
class EventLogFactory : public FIX::LogFactory {
public:
    explicit EventLogFactory(bool quiet) : quiet_(quiet) {}
    FIX::Log* create() override;
    FIX::Log* create(const FIX::SessionID&) override;
    void destroy(FIX::Log* log) override;

private:
    bool quiet_;
};

}  // namespace vqf
