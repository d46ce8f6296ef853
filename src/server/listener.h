// The listening sockets. They live on one worker's loop; each accepted connection is
// checked against maxclients and handed to a worker chosen round-robin.
#pragma once

#include <sys/socket.h>

#include <memory>
#include <string>
#include <vector>

#include "ferrite/status.h"
#include "server/event_loop.h"

namespace ferrite {

class Server;
class Worker;

class Listener {
 public:
  Listener(Server& server, Worker& owner);
  ~Listener();
  Listener(const Listener&) = delete;
  Listener& operator=(const Listener&) = delete;

  // Binds every address. Startup only; the error names the address that failed.
  Status Bind(const std::vector<std::string>& addresses, int port, int backlog);
  // Starts accepting on the owner's loop. Owner's thread (or before its loop runs).
  void Start();
  // Stops accepting and closes the sockets. Owner's thread (or after it stopped).
  void Close();
  int port() const { return port_; }

 private:
  class Socket;
  void AcceptFrom(int listen_fd);

  Server& server_;
  Worker& owner_;
  std::vector<std::unique_ptr<Socket>> sockets_;
  int port_ = 0;
};

// "127.0.0.1:6379", or "[::1]:6379" for IPv6, as Redis prints addresses.
std::string FormatSocketAddress(const struct sockaddr* address);

}  // namespace ferrite
