#include "support/test_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <vector>

#include "util/strict_int.h"

namespace ferrite::testing {

namespace {

// Data directories TestConfig() handed out, removed when the test process exits.
class TestDirectories {
 public:
  ~TestDirectories() {
    for (const std::string& directory : directories_) {
      std::error_code ignored;
      std::filesystem::remove_all(directory, ignored);
    }
  }
  std::string Make() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "ferrite-unit-test-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp: " + std::string(strerror(errno)));
    }
    directories_.push_back(pattern);
    return pattern;
  }

 private:
  std::vector<std::string> directories_;
};

TestDirectories& Directories() {
  static TestDirectories directories;
  return directories;
}

}  // namespace

ServerConfig TestConfig() {
  ServerConfig config;
  config.port = 0;
  config.threads = 2;
  config.dir = Directories().Make();
  // Small enough for many servers at once, large enough for every test's data.
  config.maxmemory = uint64_t{32} << 20;
  config.storage_page_size = uint64_t{1} << 20;
  config.storage_segment_size = uint64_t{8} << 20;
  return config;
}

TestServer::TestServer(ServerConfig config) : server_(std::make_unique<Server>(std::move(config))) {
  Status status = server_->Start();
  if (!status.ok()) throw std::runtime_error("test server did not start: " + status.ToString());
}

TestServer::~TestServer() { server_->Stop(); }

std::string EncodeCommand(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& arg : args) {
    out += "$" + std::to_string(arg.size()) + "\r\n";
    out += arg;
    out += "\r\n";
  }
  return out;
}

std::string EncodeCommand(std::initializer_list<std::string_view> args) {
  return EncodeCommand(std::vector<std::string>(args.begin(), args.end()));
}

TestClient::TestClient(int port) {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<struct sockaddr*>(&address), sizeof(address)) != 0) {
    throw std::runtime_error("connect failed: " + std::string(strerror(errno)));
  }
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

TestClient::~TestClient() {
  if (fd_ >= 0) close(fd_);
}

void TestClient::Send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      ADD_FAILURE() << "send failed: " << strerror(errno);
      return;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

bool TestClient::TrySend(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

std::string TestClient::Run(std::initializer_list<std::string_view> args) {
  Send(EncodeCommand(args));
  return ReadReply();
}

bool TestClient::Fill(int timeout_ms) {
  struct pollfd pfd = {fd_, POLLIN, 0};
  if (poll(&pfd, 1, timeout_ms) <= 0) return false;
  char chunk[65536];
  ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
  if (n <= 0) return false;
  buffer_.append(chunk, static_cast<size_t>(n));
  return true;
}

size_t TestClient::ReplyEnd(size_t pos) const {
  size_t line_end = buffer_.find("\r\n", pos);
  if (line_end == std::string::npos) return std::string::npos;
  char type = buffer_[pos];
  std::string_view header(buffer_.data() + pos + 1, line_end - pos - 1);
  size_t after = line_end + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return after;
    case '$':
    case '=':
    case '!': {
      auto length = ParseStrictInt64(header);
      if (!length) return std::string::npos;
      if (*length < 0) return after;
      size_t end = after + static_cast<size_t>(*length) + 2;
      return end <= buffer_.size() ? end : std::string::npos;
    }
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      auto count = ParseStrictInt64(header);
      if (!count) return std::string::npos;
      int64_t elements = (type == '%' || type == '|') ? *count * 2 : *count;
      for (int64_t i = 0; i < elements; ++i) {
        after = ReplyEnd(after);
        if (after == std::string::npos) return after;
      }
      return after;
    }
    default:
      return std::string::npos;
  }
}

std::string TestClient::ReadReply() {
  while (true) {
    size_t end = buffer_.empty() ? std::string::npos : ReplyEnd(0);
    if (end != std::string::npos) {
      std::string reply = buffer_.substr(0, end);
      buffer_.erase(0, end);
      return reply;
    }
    if (!Fill(5000)) {
      ADD_FAILURE() << "no complete reply; have: " << buffer_.substr(0, 200);
      return {};
    }
  }
}

std::string TestClient::ReadUntilClosed(int timeout_ms) {
  std::string all = std::move(buffer_);
  buffer_.clear();
  while (Fill(timeout_ms)) {
    all += buffer_;
    buffer_.clear();
  }
  return all;
}

bool TestClient::ClosedByServer(int timeout_ms) {
  struct pollfd pfd = {fd_, POLLIN, 0};
  if (poll(&pfd, 1, timeout_ms) <= 0) return false;
  char byte;
  ssize_t n = recv(fd_, &byte, 1, MSG_PEEK);
  return n == 0 || (n < 0 && errno == ECONNRESET);
}

}  // namespace ferrite::testing
