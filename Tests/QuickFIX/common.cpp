#include "common.h"

#include <quickfix/FixFields.h>
#include <quickfix/FieldTypes.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>
#include <sstream>

namespace vqf {

namespace {
std::mutex outputMutex;
}

void emitLine(const std::string& line) {
    std::lock_guard<std::mutex> lock(outputMutex);
    std::fwrite(line.data(), 1, line.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

std::string pipes(const std::string& wire) {
    std::string s = wire;
    for (char& c : s)
        if (c == '\x01') c = '|';
    return s;
}

std::string soh(const std::string& text) {
    std::string s = text;
    for (char& c : s)
        if (c == '|') c = '\x01';
    return s;
}

void emit(const std::string& kind, const FIX::Message& message) {
    std::string wire;
    message.toString(wire);
    emitLine(kind + " " + pipes(wire));
}

bool buildFromScript(const std::string& line, FIX::Message& out, std::string& error) {
    std::istringstream in(line);
    std::string msgType;
    if (!(in >> msgType)) {
        error = "empty line";
        return false;
    }
    out.clear();
    out.getHeader().setField(FIX::MsgType(msgType));
    std::string token;
    bool hasTransactTime = false;
    while (in >> token) {
        auto eq = token.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == token.size()) {
            error = "expected TAG=VALUE, got '" + token + "'";
            return false;
        }
        int tag = 0;
        try {
            tag = std::stoi(token.substr(0, eq));
        } catch (...) {
            error = "tag is not a number in '" + token + "'";
            return false;
        }
        if (tag <= 0) {
            error = "tag must be positive in '" + token + "'";
            return false;
        }
        if (tag == FIX::FIELD::TransactTime) hasTransactTime = true;
        out.setField(tag, token.substr(eq + 1));
    }
    if (!hasTransactTime && msgType != "H") out.setField(FIX::TransactTime(FIX::UtcTimeStamp(), 3));
    return true;
}

namespace {
bool isTCPSocket(int fd, bool& listening) {
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return false;
    int type = 0, acceptConn = 0;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM) return false;
    len = sizeof acceptConn;
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acceptConn, &len) != 0) return false;
    sockaddr_storage addr{};
    len = sizeof addr;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return false;
    if (addr.ss_family != AF_INET && addr.ss_family != AF_INET6) return false;
    listening = acceptConn != 0;
    return true;
}

uint16_t localPort(int fd) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
}

int maxFD() {
    long n = sysconf(_SC_OPEN_MAX);
    return n > 0 && n < 65536 ? int(n) : 65536;
}
}  // namespace

std::vector<uint16_t> listeningPorts() {
    std::vector<uint16_t> ports;
    for (int fd = 3, end = maxFD(); fd < end; ++fd) {
        bool listening = false;
        if (isTCPSocket(fd, listening) && listening) ports.push_back(localPort(fd));
    }
    return ports;
}

int cutConnections() {
    int cut = 0;
    for (int fd = 3, end = maxFD(); fd < end; ++fd) {
        bool listening = false;
        if (isTCPSocket(fd, listening) && !listening && shutdown(fd, SHUT_RDWR) == 0) ++cut;
    }
    return cut;
}

double nowSeconds() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

namespace {
class EventLog : public FIX::Log {
public:
    explicit EventLog(bool quiet) : quiet_(quiet) {}
    void clear() override {}
    void backup() override {}
    void onIncoming(const std::string&) override {}
    void onOutgoing(const std::string&) override {}
    void onEvent(const std::string& text) override {
        if (!quiet_) emitLine("EVENT " + text);
    }

private:
    bool quiet_;
};
}  // namespace

FIX::Log* EventLogFactory::create() { return new EventLog(quiet_); }
FIX::Log* EventLogFactory::create(const FIX::SessionID&) { return new EventLog(quiet_); }
void EventLogFactory::destroy(FIX::Log* log) { delete log; }

}  // namespace vqf
