// qf-bench: QuickFIX's own cost for what Vega's FIX benchmarks measure, so Benchmarks/fix-compare.sh
// can print both sides of one run with the same message bytes.
//
//   qf-bench codec --dict FIX44-Vega.xml --nos NOS.fix --er ER.fix [--iterations N] [--repeats R]
//     parse + validate: FIX::Message::setString(bytes, validate=true, dd, dd) (BodyLength and
//       CheckSum checked, repeating groups by the dictionary) + DataDictionary::validate (required
//       tags, enumerations, tags allowed in the message) of the NewOrderSingle, as a QuickFIX
//       session does for every message it receives; one Message reused, as QuickFIX reuses it.
//     serialise: Message::toString of the parsed ExecutionReport (BodyLength and CheckSum
//       recomputed each time, one string reused) — QuickFIX's cheapest way to produce the bytes.
//     build + serialise: a fresh FIX::Message, every field set from values, then toString — what
//       an application sending a new ExecutionReport with QuickFIX actually pays.
//   Fixture files hold one message with '|' for SOH. Each line printed is one JSON object:
//   {"name", "cpu_ns_per_op_median", "cpu_ns_per_op_min" (thread CPU time: what the operation
//   costs even on a shared machine), "wall_ns_per_op_median", "wall_ns_per_op_min",
//   "allocs_per_op", "iterations", "repeats", "message_bytes"}.
//   Allocations are counted by replacing the global operator new in this executable, which
//   libquickfix's calls resolve to as well.
//
//   qf-bench session --config FILE.cfg --orders N [--warmup K] [--window W] [--throughput-orders M]
//     a QuickFIX initiator (MemoryStore, so its own disk writes stay out of the figure) sends
//     marketable limit orders to any executor (qf-acceptor, `vega fix executor`): each order is
//     answered by ExecutionReport New and then a fill. Latency phase: one order in flight; the
//     next is sent from the callback that receives the previous fill; round trip = NewOrderSingle
//     handed to QuickFIX → ExecutionReport New delivered to the application (both QuickFIX
//     stacks included). Throughput phase: W orders in flight, M orders; sustained orders/s.
//   Prints {"name":"session-latency", p50_us, p99_us, p999_us, max_us, orders} and
//   {"name":"session-throughput", orders_per_s, p50_us, p99_us, p999_us, orders, window}.
#include "common.h"

#include <quickfix/Application.h>
#include <quickfix/DataDictionary.h>
#include <quickfix/MessageStore.h>
#include <quickfix/Session.h>
#include <quickfix/SessionSettings.h>
#include <quickfix/SocketInitiator.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <mutex>
#include <new>
#include <sstream>
#include <string>
#include <vector>

static std::atomic<unsigned long> allocations{0};

void* operator new(std::size_t size) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(size ? size : 1)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void usage(const std::string& why) {
    std::cerr << "qf-bench: " << why << "\n"
              << "usage: qf-bench codec --dict FILE --nos FILE --er FILE [--iterations N] [--repeats R]\n"
              << "       qf-bench session --config FILE.cfg --orders N [--warmup K] [--window W] [--throughput-orders M]\n";
    std::exit(2);
}

std::string readFixture(const std::string& path) {
    std::ifstream in(path);
    if (!in) usage("cannot read " + path);
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return vqf::soh(line);
}

struct Result {
    double median, min, cpuMedian, cpuMin, allocsPerOp;
};

double threadCPUNanoseconds() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e9 + double(ts.tv_nsec);
}

template <class Body>
Result measure(long iterations, int repeats, Body body) {
    for (long i = 0; i < iterations / 10 + 1; ++i) body();  // warm caches and the allocator
    std::vector<double> perOp, cpuPerOp;
    unsigned long allocs = 0;
    for (int r = 0; r < repeats; ++r) {
        unsigned long a0 = allocations.load();
        double c0 = threadCPUNanoseconds();
        auto t0 = Clock::now();
        for (long i = 0; i < iterations; ++i) body();
        auto t1 = Clock::now();
        double c1 = threadCPUNanoseconds();
        allocs += allocations.load() - a0;
        perOp.push_back(std::chrono::duration<double, std::nano>(t1 - t0).count() / double(iterations));
        cpuPerOp.push_back((c1 - c0) / double(iterations));
    }
    std::sort(perOp.begin(), perOp.end());
    std::sort(cpuPerOp.begin(), cpuPerOp.end());
    return {perOp[perOp.size() / 2], perOp.front(), cpuPerOp[cpuPerOp.size() / 2], cpuPerOp.front(),
            double(allocs) / double(iterations) / repeats};
}

void print(const std::string& name, const Result& r, long iterations, int repeats, size_t bytes) {
    std::printf("{\"name\": \"%s\", \"cpu_ns_per_op_median\": %.1f, \"cpu_ns_per_op_min\": %.1f, "
                "\"wall_ns_per_op_median\": %.1f, \"wall_ns_per_op_min\": %.1f, \"allocs_per_op\": %.2f, "
                "\"iterations\": %ld, \"repeats\": %d, \"message_bytes\": %zu}\n",
                name.c_str(), r.cpuMedian, r.cpuMin, r.median, r.min, r.allocsPerOp, iterations, repeats, bytes);
    std::fflush(stdout);
}

int codec(int argc, char** argv) {
    std::string dict, nosPath, erPath;
    long iterations = 200000;
    int repeats = 7;
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage("missing value for " + a);
            return argv[++i];
        };
        if (a == "--dict") dict = value();
        else if (a == "--nos") nosPath = value();
        else if (a == "--er") erPath = value();
        else if (a == "--iterations") iterations = std::stol(value());
        else if (a == "--repeats") repeats = std::stoi(value());
        else usage("unknown argument " + a);
    }
    if (dict.empty() || nosPath.empty() || erPath.empty()) usage("--dict, --nos and --er are required");
    FIX::DataDictionary dd(dict);
    const std::string nos = readFixture(nosPath), erText = readFixture(erPath);

    // Both fixtures must be valid FIX 4.4 by the dictionary, or the comparison means nothing.
    FIX::Message check;
    check.setString(nos, true, &dd, &dd);
    dd.validate(check);
    FIX::Message er;
    er.setString(erText, true, &dd, &dd);
    dd.validate(er);
    std::string out;
    er.toString(out);
    if (out != erText) {
        std::fprintf(stderr, "qf-bench: QuickFIX serialises the ExecutionReport fixture differently:\n  %s\n  %s\n",
                     vqf::pipes(erText).c_str(), vqf::pipes(out).c_str());
        return 1;
    }

    FIX::Message parsed;
    auto parse = measure(iterations, repeats, [&] {
        parsed.setString(nos, true, &dd, &dd);
        dd.validate(parsed);
    });
    print("quickfix-nos-parse-validate", parse, iterations, repeats, nos.size());

    auto serialise = measure(iterations, repeats, [&] { er.toString(out); });
    print("quickfix-er-serialise", serialise, iterations, repeats, out.size());

    // The same fields and values as the fixture, set one by one in a new message.
    std::vector<std::pair<int, std::string>> header, body;
    {
        std::istringstream in(vqf::pipes(erText));
        std::string field;
        while (std::getline(in, field, '|')) {
            auto eq = field.find('=');
            int tag = std::stoi(field.substr(0, eq));
            if (tag == 8 || tag == 9 || tag == 10) continue;
            bool isHeader = tag == 35 || tag == 34 || tag == 49 || tag == 52 || tag == 56 || tag == 43 || tag == 122;
            (isHeader ? header : body).emplace_back(tag, field.substr(eq + 1));
        }
    }
    auto build = measure(iterations, repeats, [&] {
        FIX::Message m;
        m.getHeader().setField(FIX::BeginString("FIX.4.4"));
        for (auto& f : header) m.getHeader().setField(f.first, f.second);
        for (auto& f : body) m.setField(f.first, f.second);
        m.toString(out);
    });
    if (out != erText) {
        std::fprintf(stderr, "qf-bench: the built ExecutionReport differs from the fixture:\n  %s\n", vqf::pipes(out).c_str());
        return 1;
    }
    print("quickfix-er-build-serialise", build, iterations, repeats, out.size());
    return 0;
}

// MARK: - Session round trip

class BenchInitiator : public FIX::Application {
public:
    void onCreate(const FIX::SessionID&) override {}
    void onLogon(const FIX::SessionID& id) override {
        std::lock_guard<std::mutex> lock(mutex_);
        session_ = id;
        loggedOn_ = true;
        changed_.notify_all();
    }
    void onLogout(const FIX::SessionID&) override {}
    void toAdmin(FIX::Message&, const FIX::SessionID&) override {}
    void toApp(FIX::Message&, const FIX::SessionID&) throw(FIX::DoNotSend) override {}
    void fromAdmin(const FIX::Message& m, const FIX::SessionID&) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::RejectLogon) override {
        FIX::MsgType type;
        m.getHeader().getField(type);
        if (type == FIX::MsgType_Reject) std::fprintf(stderr, "qf-bench: session Reject %s\n", vqf::pipes(m.toString()).c_str());
    }
    void fromApp(const FIX::Message& m, const FIX::SessionID& id) throw(
        FIX::FieldNotFound, FIX::IncorrectDataFormat, FIX::IncorrectTagValue, FIX::UnsupportedMessageType) override {
        auto now = Clock::now();
        FIX::MsgType type;
        m.getHeader().getField(type);
        if (type != FIX::MsgType_ExecutionReport) {
            std::fprintf(stderr, "qf-bench: unexpected %s\n", vqf::pipes(m.toString()).c_str());
            return;
        }
        const std::string& clOrdID = m.getField(FIX::FIELD::ClOrdID);
        long n = std::stol(clOrdID.substr(1));
        char execType = m.getField(FIX::FIELD::ExecType)[0];
        if (execType == FIX::ExecType_NEW) {
            rtt_[n] = std::chrono::duration<double, std::micro>(now - sentAt_[n]).count();
        } else if (execType == FIX::ExecType_TRADE) {
            ++completed_;
            if (next_ < end_) send(next_++, id);
            if (completed_ == end_ - begin_) {
                finishedAt_ = now;
                std::lock_guard<std::mutex> lock(mutex_);
                done_ = true;
                changed_.notify_all();
            }
        } else {
            std::fprintf(stderr, "qf-bench: order %s rejected: %s\n", clOrdID.c_str(), vqf::pipes(m.toString()).c_str());
            std::exit(1);
        }
    }

    void send(long n, const FIX::SessionID& id) {
        FIX::Message nos;
        nos.getHeader().setField(FIX::MsgType(FIX::MsgType_NewOrderSingle));
        nos.setField(FIX::ClOrdID("B" + std::to_string(n)));
        nos.setField(FIX::Symbol("VEGA"));
        nos.setField(FIX::Side(FIX::Side_BUY));
        nos.setField(FIX::OrderQty(100));
        nos.setField(FIX::OrdType(FIX::OrdType_LIMIT));
        nos.setField(FIX::Price(100));
        nos.setField(FIX::HandlInst('1'));
        nos.setField(FIX::TimeInForce(FIX::TimeInForce_DAY));
        nos.setField(FIX::TransactTime(FIX::UtcTimeStamp(), 3));
        sentAt_[n] = Clock::now();
        FIX::Session::sendToTarget(nos, id);
    }

    /// Sends orders [begin, end) with `window` in flight; returns when the last is filled.
    bool run(long begin, long end, long window, Clock::time_point deadline) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            if (!changed_.wait_until(lock, deadline, [&] { return loggedOn_; })) return false;
            done_ = false;
        }
        sentAt_.resize(end);
        rtt_.assign(end, -1);
        begin_ = begin;
        end_ = end;
        completed_ = 0;
        next_ = begin + std::min(window, end - begin);
        startedAt_ = Clock::now();
        // next_ is set first: the callback may send order next_ as soon as the first fill arrives,
        // while this loop is still sending the rest of the initial window.
        for (long n = begin, initial = next_; n < initial; ++n) send(n, session_);
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_until(lock, deadline, [&] { return done_; });
    }

    std::vector<double> rtt_;
    Clock::time_point startedAt_, finishedAt_;
    long begin_ = 0, end_ = 0;

private:
    std::vector<Clock::time_point> sentAt_;
    std::atomic<long> next_{0};
    long completed_ = 0;
    FIX::SessionID session_;
    bool loggedOn_ = false, done_ = false;
    std::mutex mutex_;
    std::condition_variable changed_;
};

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    size_t i = std::min(v.size() - 1, size_t(p * double(v.size())));
    return v[i];
}

int session(int argc, char** argv) {
    std::string config;
    long orders = 20000, warmup = 2000, window = 64, throughputOrders = 0;
    for (int i = 2; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) usage("missing value for " + a);
            return argv[++i];
        };
        if (a == "--config") config = value();
        else if (a == "--orders") orders = std::stol(value());
        else if (a == "--warmup") warmup = std::stol(value());
        else if (a == "--window") window = std::stol(value());
        else if (a == "--throughput-orders") throughputOrders = std::stol(value());
        else usage("unknown argument " + a);
    }
    if (config.empty()) usage("--config is required");
    if (throughputOrders == 0) throughputOrders = orders * 5;
    std::signal(SIGPIPE, SIG_IGN);

    FIX::SessionSettings settings(config);
    BenchInitiator app;
    FIX::MemoryStoreFactory store;
    vqf::EventLogFactory log(true);
    FIX::SocketInitiator initiator(app, store, settings, log);
    initiator.start();
    auto deadline = Clock::now() + std::chrono::minutes(10);

    auto latencies = [&](long begin, long end) {
        std::vector<double> v;
        for (long n = begin; n < end; ++n)
            if (app.rtt_[n] >= 0) v.push_back(app.rtt_[n]);
        return v;
    };
    long first = 1;
    if (!app.run(first, first + warmup, 1, deadline)) { std::fprintf(stderr, "qf-bench: warm-up did not finish\n"); return 1; }
    first += warmup;
    if (!app.run(first, first + orders, 1, deadline)) { std::fprintf(stderr, "qf-bench: latency phase did not finish\n"); return 1; }
    auto lat = latencies(first, first + orders);
    std::printf("{\"name\": \"session-latency\", \"orders\": %ld, \"p50_us\": %.1f, \"p99_us\": %.1f, \"p999_us\": %.1f, "
                "\"max_us\": %.1f, \"orders_per_s\": %.0f}\n",
                orders, percentile(lat, 0.5), percentile(lat, 0.99), percentile(lat, 0.999), percentile(lat, 1.0),
                double(orders) / std::chrono::duration<double>(app.finishedAt_ - app.startedAt_).count());
    first += orders;
    if (!app.run(first, first + throughputOrders, window, deadline)) { std::fprintf(stderr, "qf-bench: throughput phase did not finish\n"); return 1; }
    auto tput = latencies(first, first + throughputOrders);
    std::printf("{\"name\": \"session-throughput\", \"orders\": %ld, \"window\": %ld, \"orders_per_s\": %.0f, "
                "\"p50_us\": %.1f, \"p99_us\": %.1f, \"p999_us\": %.1f}\n",
                throughputOrders, window,
                double(throughputOrders) / std::chrono::duration<double>(app.finishedAt_ - app.startedAt_).count(),
                percentile(tput, 0.5), percentile(tput, 0.99), percentile(tput, 0.999));
    std::fflush(stdout);
    initiator.stop();
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) usage("missing mode");
    std::string mode = argv[1];
    try {
        if (mode == "codec") return codec(argc, argv);
        if (mode == "session") return session(argc, argv);
    } catch (std::exception& e) {
        std::fprintf(stderr, "qf-bench: %s\n", e.what());
        return 1;
    }
    usage("unknown mode " + mode);
}
