// qf-initiator: a QuickFIX (Debian libquickfix-dev 1.15.1) FIX 4.4 initiator that Vega's interop
// tests point at Vega's acceptor. It logs on with the session in --config (a QuickFIX .cfg the
// test writes: CompIDs, host/port, FileStorePath, DataDictionary), sends the application messages
// of --script in order, prints every message in and out, and logs out once it has received
// --expect application messages and the peer has answered a final TestRequest (TCP keeps order,
// so anything the peer sent before that Heartbeat, duplicates included, has been printed by then).
//
// --drop-after-recv N cuts the TCP connection under QuickFIX right after the N-th application
// message received, while the rest of the script keeps being sent: QuickFIX stores what it sends
// while down, reconnects (ReconnectInterval), and both sides must recover every message through
// ResendRequest with PossDupFlag=Y, with nothing lost and nothing delivered twice.
//
// Script directives besides messages: `WAIT n` (until n application messages have been
// received) and `DROP` (cut the connection now; the lines after it are sent while it is down).
//
// Output, one line per event (see common.h): `LOGON`, `LOGOUT`, `SENT <msg>` (application
// messages, resends included), `RECV <msg>`, `ADMIN-IN <msg>`, `ADMIN-OUT <msg>`, `EVENT <QuickFIX
// session event>`, `DROP cut=<sockets>`, `ERROR <text>`, and last `DONE sent=<n> received=<n>`.
// Exit status: 0 done, 2 usage or configuration error, 3 timed out waiting for replies, 4 never
// logged on.
#include "common.h"

#include <quickfix/Application.h>
#include <quickfix/FileStore.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketInitiator.h>

#include <chrono>
#include <csignal>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <string>

namespace {

const char* const doneCheckID = "VEGA-INTEROP-DONE";

class InitiatorApp : public FIX::Application {
public:
    explicit InitiatorApp(long dropAfterReceived) : dropAfterReceived_(dropAfterReceived) {}

    void onCreate(const FIX::SessionID&) override {}
    void onLogon(const FIX::SessionID&) override {
        vqf::emitLine("LOGON");
        std::lock_guard<std::mutex> lock(mutex_);
        loggedOn_ = true;
        changed_.notify_all();
    }
    void onLogout(const FIX::SessionID&) override {
        vqf::emitLine("LOGOUT");
        std::lock_guard<std::mutex> lock(mutex_);
        loggedOn_ = false;
    }
    void toAdmin(FIX::Message& message, const FIX::SessionID&) override {
        if (!isHeartbeat(message)) vqf::emit("ADMIN-OUT", message);
    }
    void toApp(FIX::Message& message, const FIX::SessionID&) throw(FIX::DoNotSend) override {
        vqf::emit("SENT", message);
    }
    void fromAdmin(const FIX::Message& message, const FIX::SessionID&) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override {
        FIX::MsgType type;
        message.getHeader().getField(type);
        if (type == FIX::MsgType_Heartbeat && message.isSetField(FIX::FIELD::TestReqID) &&
            message.getField(FIX::FIELD::TestReqID) == doneCheckID) {
            vqf::emit("ADMIN-IN", message);
            std::lock_guard<std::mutex> lock(mutex_);
            doneCheckAnswered_ = true;
            changed_.notify_all();
            return;
        }
        if (!isHeartbeat(message)) vqf::emit("ADMIN-IN", message);
    }
    void fromApp(const FIX::Message& message, const FIX::SessionID&) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override {
        vqf::emit("RECV", message);
        long n;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            n = ++received_;
            changed_.notify_all();
        }
        // Cut on QuickFIX's own thread, inside the callback: the bytes the peer has already
        // written behind this message are lost with the connection and must be resent.
        if (dropAfterReceived_ > 0 && n == dropAfterReceived_)
            vqf::emitLine("DROP cut=" + std::to_string(vqf::cutConnections()));
    }

    template <class Predicate>
    bool waitFor(std::chrono::steady_clock::time_point deadline, Predicate ready) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_until(lock, deadline, [&] { return ready(*this); });
    }

    bool loggedOn_ = false;
    bool doneCheckAnswered_ = false;
    long received_ = 0;

private:
    static bool isHeartbeat(const FIX::Message& message) {
        FIX::MsgType type;
        message.getHeader().getField(type);
        return type == FIX::MsgType_Heartbeat && !message.isSetField(FIX::FIELD::TestReqID);
    }

    long dropAfterReceived_;
    std::mutex mutex_;
    std::condition_variable changed_;
};

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "qf-initiator: " << why << "\n"
              << "usage: qf-initiator --config FILE.cfg --script FILE [--expect N] [--timeout SECONDS]\n"
              << "                    [--drop-after-recv N]\n";
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    std::string config, script;
    long expect = 0, dropAfter = 0;
    double timeout = 60;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage("missing value for " + a);
            return argv[++i];
        };
        if (a == "--config") config = value();
        else if (a == "--script") script = value();
        else if (a == "--expect") expect = std::stol(value());
        else if (a == "--timeout") timeout = std::stod(value());
        else if (a == "--drop-after-recv") dropAfter = std::stol(value());
        else usage("unknown argument " + a);
    }
    if (config.empty() || script.empty()) usage("--config and --script are required");
    std::signal(SIGPIPE, SIG_IGN);  // a write to a cut connection must not kill the process

    std::vector<std::string> lines;
    {
        std::ifstream in(script);
        if (!in) usage("cannot read script " + script);
        std::string line;
        while (std::getline(in, line)) {
            auto first = line.find_first_not_of(" \t\r");
            if (first == std::string::npos || line[first] == '#') continue;
            lines.push_back(line.substr(first));
        }
    }

    auto deadline = std::chrono::steady_clock::now() + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                                          std::chrono::duration<double>(timeout));
    try {
        FIX::SessionSettings settings(config);
        if (settings.getSessions().size() != 1) usage("the config must hold exactly one [SESSION]");
        FIX::SessionID sessionID = *settings.getSessions().begin();
        InitiatorApp app(dropAfter);
        FIX::FileStoreFactory store(settings);
        vqf::EventLogFactory log(false);
        FIX::SocketInitiator initiator(app, store, settings, log);
        initiator.start();

        if (!app.waitFor(deadline, [](InitiatorApp& a) { return a.loggedOn_; })) {
            vqf::emitLine("ERROR never logged on");
            initiator.stop(true);
            return 4;
        }
        long sent = 0;
        for (const auto& line : lines) {
            if (line.rfind("WAIT ", 0) == 0) {
                long n = std::stol(line.substr(5));
                if (!app.waitFor(deadline, [&](InitiatorApp& a) { return a.received_ >= n; })) {
                    vqf::emitLine("ERROR timed out at '" + line + "' with " + std::to_string(app.received_));
                    initiator.stop(true);
                    return 3;
                }
                continue;
            }
            if (line == "DROP") {
                vqf::emitLine("DROP cut=" + std::to_string(vqf::cutConnections()));
                continue;
            }
            FIX::Message message;
            std::string error;
            if (!vqf::buildFromScript(line, message, error)) {
                vqf::emitLine("ERROR script line '" + line + "': " + error);
                initiator.stop(true);
                return 2;
            }
            // While the connection is down QuickFIX stores the message under its sequence number
            // and returns true; the peer asks for it with a ResendRequest after the reconnect.
            if (!FIX::Session::sendToTarget(message, sessionID))
                vqf::emitLine("ERROR QuickFIX refused to send '" + line + "'");
            ++sent;
        }

        int status = 0;
        if (!app.waitFor(deadline, [&](InitiatorApp& a) { return a.received_ >= expect && a.loggedOn_; })) {
            vqf::emitLine("ERROR timed out with " + std::to_string(app.received_) + " of " + std::to_string(expect) +
                          " application messages");
            status = 3;
        } else {
            FIX::Message check;
            check.getHeader().setField(FIX::MsgType(FIX::MsgType_TestRequest));
            check.setField(FIX::TestReqID(doneCheckID));
            FIX::Session::sendToTarget(check, sessionID);
            if (!app.waitFor(deadline, [](InitiatorApp& a) { return a.doneCheckAnswered_; })) {
                vqf::emitLine("ERROR no Heartbeat answered the final TestRequest");
                status = 3;
            }
        }
        initiator.stop();
        vqf::emitLine("DONE sent=" + std::to_string(sent) + " received=" + std::to_string(app.received_));
        return status;
    } catch (std::exception& e) {
        vqf::emitLine(std::string("ERROR ") + e.what());
        return 2;
    }
}
