#include "server/listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <spdlog/spdlog.h>

#include "server/server.h"
#include "server/worker.h"

namespace ferrite {
namespace {

// Connections accepted per readable event before other events get a turn.
constexpr int kMaxAcceptsPerEvent = 1000;
constexpr std::string_view kMaxClientsError = "-ERR max number of clients reached\r\n";

void ConfigureClientSocket(int fd, int64_t keepalive_seconds) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (keepalive_seconds > 0) {
    setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
    int idle = static_cast<int>(keepalive_seconds);
    int interval = std::max(1, idle / 3);
    int probes = 3;
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof(interval));
    setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof(probes));
  }
}

std::string LocalAddress(int fd) {
  struct sockaddr_storage address;
  socklen_t length = sizeof(address);
  if (getsockname(fd, reinterpret_cast<struct sockaddr*>(&address), &length) != 0) return "?:0";
  return FormatSocketAddress(reinterpret_cast<struct sockaddr*>(&address));
}

}  // namespace

std::string FormatSocketAddress(const struct sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = "?";
  if (address->sa_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const struct sockaddr_in*>(address);
    inet_ntop(AF_INET, &v4->sin_addr, text, sizeof(text));
    return std::string(text) + ":" + std::to_string(ntohs(v4->sin_port));
  }
  if (address->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const struct sockaddr_in6*>(address);
    inet_ntop(AF_INET6, &v6->sin6_addr, text, sizeof(text));
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(v6->sin6_port));
  }
  return "?:0";
}

class Listener::Socket final : public IoHandler {
 public:
  Socket(Listener& listener, int fd) : listener_(listener), fd_(fd) {}
  ~Socket() { ::close(fd_); }
  void OnIoEvent(uint32_t) override { listener_.AcceptFrom(fd_); }
  int fd() const { return fd_; }

 private:
  Listener& listener_;
  int fd_;
};

Listener::Listener(Server& server, Worker& owner) : server_(server), owner_(owner) {}

Listener::~Listener() = default;

Status Listener::Bind(const std::vector<std::string>& addresses, int port, int backlog) {
  for (const std::string& address : addresses) {
    struct sockaddr_storage storage = {};
    socklen_t length;
    std::string host = address;
    if (host == "*") host = "0.0.0.0";
    if (host == "::*" || host == "-::*") host = "::";
    auto* v4 = reinterpret_cast<struct sockaddr_in*>(&storage);
    auto* v6 = reinterpret_cast<struct sockaddr_in6*>(&storage);
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(static_cast<uint16_t>(port_ != 0 ? port_ : port));
      length = sizeof(*v4);
    } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(static_cast<uint16_t>(port_ != 0 ? port_ : port));
      length = sizeof(*v6);
    } else {
      return Status::InvalidArgument("Invalid bind address '" + address + "'");
    }
    int fd = socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Status::FromErrno(errno, "socket");
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (storage.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    std::string where = address + ":" + std::to_string(port);
    if (::bind(fd, reinterpret_cast<struct sockaddr*>(&storage), length) != 0) {
      int saved = errno;
      ::close(fd);
      return Status::FromErrno(saved, "Could not create server TCP listening socket " + where +
                                          ": bind");
    }
    if (::listen(fd, backlog) != 0) {
      int saved = errno;
      ::close(fd);
      return Status::FromErrno(saved, "Could not listen on " + where);
    }
    if (port_ == 0) {
      // With port 0 the kernel picks one; every further address uses the same.
      struct sockaddr_storage bound;
      socklen_t bound_length = sizeof(bound);
      getsockname(fd, reinterpret_cast<struct sockaddr*>(&bound), &bound_length);
      port_ = bound.ss_family == AF_INET
                  ? ntohs(reinterpret_cast<struct sockaddr_in*>(&bound)->sin_port)
                  : ntohs(reinterpret_cast<struct sockaddr_in6*>(&bound)->sin6_port);
    }
    sockets_.push_back(std::make_unique<Socket>(*this, fd));
  }
  return Status::Ok();
}

void Listener::Start() {
  for (auto& socket : sockets_) {
    Status status = owner_.loop().Watch(socket->fd(), EPOLLIN, socket.get());
    if (!status.ok()) spdlog::warn("Can't watch the listening socket: {}", status.ToString());
  }
}

void Listener::Close() {
  for (auto& socket : sockets_) owner_.loop().Unwatch(socket->fd());
  sockets_.clear();
}

void Listener::AcceptFrom(int listen_fd) {
  for (int i = 0; i < kMaxAcceptsPerEvent; ++i) {
    struct sockaddr_storage peer;
    socklen_t length = sizeof(peer);
    int fd = accept4(listen_fd, reinterpret_cast<struct sockaddr*>(&peer), &length,
                     SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno != EAGAIN) spdlog::warn("Accepting client connection: {}", std::strerror(errno));
      return;
    }
    const ServerConfig& config = owner_.config();
    if (server_.connected_clients() >= config.maxclients) {
      // Best effort, as in Redis: the client may not read it.
      [[maybe_unused]] ssize_t written =
          ::send(fd, kMaxClientsError.data(), kMaxClientsError.size(), MSG_NOSIGNAL);
      ::close(fd);
      owner_.stats().rejected_connections.Add();
      continue;
    }
    ConfigureClientSocket(fd, config.tcp_keepalive_seconds);
    std::string peer_address = FormatSocketAddress(reinterpret_cast<struct sockaddr*>(&peer));
    std::string local_address = LocalAddress(fd);
    uint64_t id = server_.NextClientId();
    server_.ClientConnected();
    owner_.stats().connections_received.Add();
    spdlog::debug("Accepted {}", peer_address);
    Worker& target = server_.PickWorkerForConnection();
    if (&target == &owner_) {
      target.AdoptConnection(fd, id, std::move(peer_address), std::move(local_address));
    } else {
      target.loop().Post([&target, fd, id, peer = std::move(peer_address),
                          local = std::move(local_address)]() mutable {
        target.AdoptConnection(fd, id, std::move(peer), std::move(local));
      });
    }
  }
}

}  // namespace ferrite
