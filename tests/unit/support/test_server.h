// A real ferrite Server running inside the test process on a kernel-chosen port, and
// a blocking RESP client for it: command and connection tests go through real
// sockets, under the sanitizers too.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/server.h"
#include "server/server_config.h"

namespace ferrite::testing {

// Defaults for tests: 127.0.0.1, a free port, two workers, a small memory budget, and
// a fresh temporary data directory (each call its own; removed when the process exits).
ServerConfig TestConfig();

class TestServer {
 public:
  explicit TestServer(ServerConfig config = TestConfig());
  ~TestServer();
  int port() const { return server_->port(); }
  Server& server() { return *server_; }

 private:
  std::unique_ptr<Server> server_;
};

// "*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n"
std::string EncodeCommand(std::initializer_list<std::string_view> args);
std::string EncodeCommand(const std::vector<std::string>& args);

class TestClient {
 public:
  explicit TestClient(int port);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  // Sends one command and returns its raw reply.
  std::string Run(std::initializer_list<std::string_view> args);
  void Send(std::string_view bytes);
  // Like Send, for peers expected to hang up midway: false when the send failed.
  bool TrySend(std::string_view bytes);
  // The next complete reply's exact bytes. Fails the test on timeout or EOF.
  std::string ReadReply();
  // Everything until the server closes the connection (bounded by a timeout).
  std::string ReadUntilClosed(int timeout_ms = 5000);
  // True when the server closed the connection within `timeout_ms`.
  bool ClosedByServer(int timeout_ms = 2000);
  int fd() const { return fd_; }

 private:
  bool Fill(int timeout_ms);
  // Offset just past the reply that starts at `pos`, or npos if incomplete.
  size_t ReplyEnd(size_t pos) const;

  int fd_ = -1;
  std::string buffer_;
};

}  // namespace ferrite::testing
