// qf-acceptor: a QuickFIX (Debian libquickfix-dev 1.15.1) FIX 4.4 executor that Vega's initiator
// is tested against, and the acceptor of the QuickFIX-to-QuickFIX session benchmark. It follows
// the rules `vega fix executor` follows (issue 4), so one expectation fits both executors:
//   NewOrderSingle        → ExecutionReport New; then, if marketable against --reference-price
//                           (market orders, buys at or above it, sells at or below it), at once a
//                           fill of the whole quantity at the reference price; otherwise it rests.
//                           A reused ClOrdID → ExecutionReport Rejected (OrdRejReason 6); an order
//                           type other than market/limit, or a limit without a price → Rejected
//                           (OrdRejReason 11).
//   OrderCancelRequest    → ExecutionReport Canceled for a resting order; OrderCancelReject
//                           (CxlRejReason 1) for an unknown OrigClOrdID, then (6) for a reused
//                           ClOrdID, then (0) for a filled or cancelled order.
//   OrderCancelReplaceRequest → ExecutionReport Replaced (new quantity/price); a fill follows if
//                           the replace made it marketable; rejects as for cancels.
//   OrderStatusRequest    → ExecutionReport OrderStatus (ExecType I); OrdStatus 8 for an unknown order.
//
//   ExecutionReport       → with --drop-copy: accepted as a drop copy (printed RECV, counted, not
//                           answered); without it: BusinessMessageReject (unsupported MsgType).
//
// usage: qf-acceptor --config FILE.cfg [--reference-price PX] [--drop-after-recv N] [--drop-copy] [--quiet]
// With SocketAcceptPort=0 the kernel picks the port; the first line printed is `LISTENING
// port=<p>`. --drop-after-recv N cuts the connection on receiving the N-th application message,
// before answering it, so the replies are only in QuickFIX's store and must be recovered by the
// peer's ResendRequest. Runs until SIGTERM/SIGINT, then logs out and prints `DONE received=<n>`.
// Other lines as qf-initiator's (common.h); --quiet prints only LISTENING and DONE (benchmarks).
#include "common.h"

#include <quickfix/Application.h>
#include <quickfix/FileStore.h>
#include <quickfix/MessageCracker.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketAcceptor.h>

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <mutex>
#include <pthread.h>
#include <string>

namespace {

struct Order {
    std::string orderID, clOrdID, symbol, account;
    char side = '1', ordType = '2', status = FIX::OrdStatus_NEW;
    double quantity = 0, price = 0, cumQty = 0, avgPx = 0;
    bool open() const { return status == FIX::OrdStatus_NEW || status == FIX::OrdStatus_PARTIALLY_FILLED; }
};

class Executor : public FIX::Application {
public:
    Executor(double referencePrice, long dropAfter, bool quiet, bool dropCopy)
        : reference_(referencePrice), dropAfter_(dropAfter), quiet_(quiet), dropCopy_(dropCopy) {}

    void onCreate(const FIX::SessionID&) override {}
    void onLogon(const FIX::SessionID& id) override { say("LOGON " + id.toString()); }
    void onLogout(const FIX::SessionID& id) override { say("LOGOUT " + id.toString()); }
    void toAdmin(FIX::Message& m, const FIX::SessionID&) override {
        if (!quiet_ && !isPlainHeartbeat(m)) vqf::emit("ADMIN-OUT", m);
    }
    void toApp(FIX::Message& m, const FIX::SessionID&) throw(FIX::DoNotSend) override {
        if (!quiet_) vqf::emit("SENT", m);
    }
    void fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override {
        if (!quiet_ && !isPlainHeartbeat(m)) vqf::emit("ADMIN-IN", m);
    }
    void fromApp(const FIX::Message& m, const FIX::SessionID& id) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override {
        if (!quiet_) vqf::emit("RECV", m);
        long n;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            n = ++received_;
        }
        if (dropAfter_ > 0 && n == dropAfter_) say("DROP cut=" + std::to_string(vqf::cutConnections()));
        FIX::MsgType type;
        m.getHeader().getField(type);
        std::lock_guard<std::mutex> lock(mutex_);
        if (type == FIX::MsgType_NewOrderSingle) newOrder(m, id);
        else if (type == FIX::MsgType_OrderCancelRequest) cancelOrReplace(m, id, false);
        else if (type == FIX::MsgType_OrderCancelReplaceRequest) cancelOrReplace(m, id, true);
        else if (type == FIX::MsgType_OrderStatusRequest) status(m, id);
        else if (type == FIX::MsgType_ExecutionReport && dropCopy_) {}  // a drop copy: recorded (RECV), not answered
        else throw FIX::UnsupportedMessageType();
    }

    long received() {
        std::lock_guard<std::mutex> lock(mutex_);
        return received_;
    }

private:
    void say(const std::string& line) {
        if (!quiet_) vqf::emitLine(line);
    }
    static bool isPlainHeartbeat(const FIX::Message& m) {
        FIX::MsgType type;
        m.getHeader().getField(type);
        return type == FIX::MsgType_Heartbeat && !m.isSetField(FIX::FIELD::TestReqID);
    }
    static std::string key(const FIX::SessionID& id, const std::string& clOrdID) { return id.toString() + '\x01' + clOrdID; }
    static std::string text(const FIX::Message& m, int tag) { return m.isSetField(tag) ? m.getField(tag) : std::string(); }

    bool marketable(const Order& o) const {
        if (o.ordType == FIX::OrdType_MARKET) return true;
        bool buy = o.side == FIX::Side_BUY || o.side == FIX::Side_BUY_MINUS;
        return buy ? o.price >= reference_ : o.price <= reference_;
    }

    FIX::Message report(const Order& o, char execType, const std::string& origClOrdID) {
        FIX::Message er;
        er.getHeader().setField(FIX::MsgType(FIX::MsgType_ExecutionReport));
        er.setField(FIX::OrderID(o.orderID));
        er.setField(FIX::ClOrdID(o.clOrdID));
        if (!origClOrdID.empty()) er.setField(FIX::OrigClOrdID(origClOrdID));
        er.setField(FIX::ExecID("E" + std::to_string(++execIDs_)));
        er.setField(FIX::ExecType(execType));
        er.setField(FIX::OrdStatus(o.status));
        if (!o.account.empty()) er.setField(FIX::Account(o.account));
        er.setField(FIX::Symbol(o.symbol));
        er.setField(FIX::Side(o.side));
        er.setField(FIX::OrderQty(o.quantity));
        er.setField(FIX::OrdType(o.ordType));
        if (o.ordType == FIX::OrdType_LIMIT) er.setField(FIX::Price(o.price));
        er.setField(FIX::LeavesQty(o.open() ? o.quantity - o.cumQty : 0));
        er.setField(FIX::CumQty(o.cumQty));
        er.setField(FIX::AvgPx(o.avgPx));
        er.setField(FIX::TransactTime(FIX::UtcTimeStamp(), 3));
        return er;
    }

    void fillIfMarketable(Order& o, const FIX::SessionID& id) {
        if (!o.open() || !marketable(o)) return;
        double qty = o.quantity - o.cumQty;
        o.avgPx = (o.avgPx * o.cumQty + reference_ * qty) / o.quantity;
        o.cumQty = o.quantity;
        o.status = FIX::OrdStatus_FILLED;
        FIX::Message er = report(o, FIX::ExecType_TRADE, "");
        er.setField(FIX::LastQty(qty));
        er.setField(FIX::LastPx(reference_));
        FIX::Session::sendToTarget(er, id);
    }

    void reject(const FIX::Message& m, const FIX::SessionID& id, int reason, const std::string& why) {
        Order o;
        o.orderID = "NONE";
        o.clOrdID = text(m, FIX::FIELD::ClOrdID);
        o.symbol = text(m, FIX::FIELD::Symbol);
        o.account = text(m, FIX::FIELD::Account);
        std::string side = text(m, FIX::FIELD::Side), type = text(m, FIX::FIELD::OrdType);
        o.side = side.empty() ? '1' : side[0];
        o.ordType = type.empty() ? '2' : type[0];
        o.quantity = m.isSetField(FIX::FIELD::OrderQty) ? std::stod(m.getField(FIX::FIELD::OrderQty)) : 0;
        o.price = m.isSetField(FIX::FIELD::Price) ? std::stod(m.getField(FIX::FIELD::Price)) : 0;
        o.status = FIX::OrdStatus_REJECTED;
        FIX::Message er = report(o, FIX::ExecType_REJECTED, "");
        er.setField(FIX::OrdRejReason(reason));
        er.setField(FIX::Text(why));
        FIX::Session::sendToTarget(er, id);
    }

    void newOrder(const FIX::Message& m, const FIX::SessionID& id) {
        std::string clOrdID = m.getField(FIX::FIELD::ClOrdID);
        if (used_.count(key(id, clOrdID))) {
            reject(m, id, FIX::OrdRejReason_DUPLICATE_ORDER, "duplicate ClOrdID " + clOrdID);
            return;
        }
        used_[key(id, clOrdID)] = true;
        char type = m.getField(FIX::FIELD::OrdType)[0];
        if ((type != FIX::OrdType_MARKET && type != FIX::OrdType_LIMIT) ||
            (type == FIX::OrdType_LIMIT && !m.isSetField(FIX::FIELD::Price))) {
            reject(m, id, FIX::OrdRejReason_UNSUPPORTED_ORDER_CHARACTERISTIC,
                   "only market and priced limit orders are supported");
            return;
        }
        Order o;
        o.orderID = "Q" + std::to_string(++orderIDs_);
        o.clOrdID = clOrdID;
        o.symbol = m.getField(FIX::FIELD::Symbol);
        o.account = text(m, FIX::FIELD::Account);
        o.side = m.getField(FIX::FIELD::Side)[0];
        o.ordType = type;
        o.quantity = std::stod(m.getField(FIX::FIELD::OrderQty));
        o.price = type == FIX::OrdType_LIMIT ? std::stod(m.getField(FIX::FIELD::Price)) : 0;
        o.status = FIX::OrdStatus_NEW;
        FIX::Message er = report(o, FIX::ExecType_NEW, "");
        FIX::Session::sendToTarget(er, id);
        fillIfMarketable(o, id);
        orders_[key(id, clOrdID)] = o;
    }

    void cancelReject(const FIX::Message& m, const FIX::SessionID& id, bool replace, const Order* o, int reason,
                      const std::string& why) {
        FIX::Message r;
        r.getHeader().setField(FIX::MsgType(FIX::MsgType_OrderCancelReject));
        r.setField(FIX::OrderID(o ? o->orderID : "NONE"));
        r.setField(FIX::ClOrdID(m.getField(FIX::FIELD::ClOrdID)));
        r.setField(FIX::OrigClOrdID(m.getField(FIX::FIELD::OrigClOrdID)));
        r.setField(FIX::OrdStatus(o ? o->status : FIX::OrdStatus_REJECTED));
        r.setField(FIX::CxlRejResponseTo(replace ? FIX::CxlRejResponseTo_ORDER_CANCEL_REPLACE_REQUEST
                                                 : FIX::CxlRejResponseTo_ORDER_CANCEL_REQUEST));
        r.setField(FIX::CxlRejReason(reason));
        r.setField(FIX::Text(why));
        FIX::Session::sendToTarget(r, id);
    }

    void cancelOrReplace(const FIX::Message& m, const FIX::SessionID& id, bool replace) {
        std::string clOrdID = m.getField(FIX::FIELD::ClOrdID), orig = m.getField(FIX::FIELD::OrigClOrdID);
        auto it = orders_.find(key(id, orig));
        Order* o = it == orders_.end() ? nullptr : &it->second;
        if (!o) {
            cancelReject(m, id, replace, nullptr, FIX::CxlRejReason_UNKNOWN_ORDER, "unknown order " + orig);
            return;
        }
        if (used_.count(key(id, clOrdID))) {
            cancelReject(m, id, replace, o, FIX::CxlRejReason_DUPLICATE_CLORDID_RECEIVED, "duplicate ClOrdID " + clOrdID);
            return;
        }
        if (!o->open()) {
            cancelReject(m, id, replace, o, FIX::CxlRejReason_TOO_LATE_TO_CANCEL, "order " + orig + " is no longer open");
            return;
        }
        used_[key(id, clOrdID)] = true;
        Order moved = *o;
        orders_.erase(it);
        moved.clOrdID = clOrdID;
        if (replace) {
            if (m.isSetField(FIX::FIELD::OrderQty)) moved.quantity = std::stod(m.getField(FIX::FIELD::OrderQty));
            if (m.isSetField(FIX::FIELD::Price)) moved.price = std::stod(m.getField(FIX::FIELD::Price));
            moved.ordType = m.getField(FIX::FIELD::OrdType)[0];
            moved.status = moved.cumQty >= moved.quantity ? FIX::OrdStatus_FILLED : FIX::OrdStatus_NEW;  // 4.4: OrdStatus 5 is no longer used
            FIX::Message er = report(moved, FIX::ExecType_REPLACED, orig);
            FIX::Session::sendToTarget(er, id);
            fillIfMarketable(moved, id);
        } else {
            moved.status = FIX::OrdStatus_CANCELED;
            FIX::Message er = report(moved, FIX::ExecType_CANCELED, orig);
            FIX::Session::sendToTarget(er, id);
        }
        orders_[key(id, clOrdID)] = moved;
    }

    void status(const FIX::Message& m, const FIX::SessionID& id) {
        auto it = orders_.find(key(id, m.getField(FIX::FIELD::ClOrdID)));
        if (it == orders_.end()) {
            Order unknown;
            unknown.orderID = "NONE";
            unknown.clOrdID = m.getField(FIX::FIELD::ClOrdID);
            unknown.symbol = text(m, FIX::FIELD::Symbol);
            unknown.side = m.getField(FIX::FIELD::Side)[0];
            unknown.status = FIX::OrdStatus_REJECTED;
            FIX::Message er = report(unknown, FIX::ExecType_ORDER_STATUS, "");
            er.setField(FIX::Text("unknown order"));
            FIX::Session::sendToTarget(er, id);
            return;
        }
        FIX::Message er = report(it->second, FIX::ExecType_ORDER_STATUS, "");
        FIX::Session::sendToTarget(er, id);
    }

    double reference_;
    long dropAfter_;
    bool quiet_;
    bool dropCopy_;
    std::mutex mutex_;
    long received_ = 0, orderIDs_ = 0, execIDs_ = 0;
    std::map<std::string, Order> orders_;
    std::map<std::string, bool> used_;
};

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "qf-acceptor: " << why << "\n"
              << "usage: qf-acceptor --config FILE.cfg [--reference-price PX] [--drop-after-recv N] [--drop-copy] [--quiet]\n";
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    std::string config;
    double reference = 100;
    long dropAfter = 0;
    bool quiet = false;
    bool dropCopy = false;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage("missing value for " + a);
            return argv[++i];
        };
        if (a == "--config") config = value();
        else if (a == "--reference-price") reference = std::stod(value());
        else if (a == "--drop-after-recv") dropAfter = std::stol(value());
        else if (a == "--quiet") quiet = true;
        else if (a == "--drop-copy") dropCopy = true;
        else usage("unknown argument " + a);
    }
    if (config.empty()) usage("--config is required");

    // Block the stop signals in every thread (QuickFIX's inherit this mask) and take them with
    // sigwait here; a write to a cut connection must not kill the process.
    sigset_t stopSignals;
    sigemptyset(&stopSignals);
    sigaddset(&stopSignals, SIGTERM);
    sigaddset(&stopSignals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopSignals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    try {
        FIX::SessionSettings settings(config);
        Executor app(reference, dropAfter, quiet, dropCopy);
        FIX::FileStoreFactory store(settings);
        vqf::EventLogFactory log(quiet);
        FIX::SocketAcceptor acceptor(app, store, settings, log);
        acceptor.start();
        auto ports = vqf::listeningPorts();
        if (ports.empty()) {
            vqf::emitLine("ERROR no listening socket after start");
            return 2;
        }
        vqf::emitLine("LISTENING port=" + std::to_string(ports.front()));
        int signal = 0;
        sigwait(&stopSignals, &signal);
        acceptor.stop();
        vqf::emitLine("DONE received=" + std::to_string(app.received()));
        return 0;
    } catch (std::exception& e) {
        vqf::emitLine(std::string("ERROR ") + e.what());
        return 2;
    }
}
