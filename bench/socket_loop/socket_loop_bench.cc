// socket-loop-bench: a PING server with interchangeable socket loops, epoll and
// io_uring, and nothing else, to measure what the I/O mechanism alone costs per
// request (docs/adr/0003). Every loop parses with Ferrite's RequestParser and answers
// every request with +PONG, so they differ only in how bytes move:
//   epoll        readiness, one read() per readable socket, write() per iteration
//   uring        one recv and at most one send SQE per connection, all submitted with
//                one io_uring_enter per iteration
//   uring-tuned  the same with a single-issuer ring that runs completions only when
//                asked (DEFER_TASKRUN), multishot receives into a provided-buffer ring
//
//   socket-loop-bench epoll|uring|uring-tuned PORT
//
// Runs until SIGINT/SIGTERM, then prints the process's CPU time.
#include <liburing.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/request_parser.h"

namespace {

volatile sig_atomic_t stop = 0;
constexpr size_t kReadSize = 16 * 1024;
constexpr std::string_view kPong = "+PONG\r\n";

struct Client {
  int fd;
  std::string input;
  std::string output;
  ferrite::protocol::RequestParser parser;
  char read_buffer[kReadSize];
  // io_uring only: the bytes handed to the kernel stay untouched until their send
  // completes; replies produced meanwhile wait in `output`.
  std::string in_flight;
  bool send_in_flight = false;
};

// Answers every complete request in client.input.
void Process(Client& client) {
  size_t offset = 0;
  while (offset < client.input.size()) {
    std::string_view rest(client.input.data() + offset, client.input.size() - offset);
    auto status = client.parser.Parse(rest);
    if (status != ferrite::protocol::ParseStatus::kComplete) break;
    if (!client.parser.args().empty()) client.output += kPong;
    offset += client.parser.consumed();
  }
  client.input.erase(0, offset);
}

int Listen(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  struct sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<struct sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(fd, 511) != 0) {
    perror("bind/listen");
    std::exit(1);
  }
  return fd;
}

void SetNoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// The same shape as Ferrite's loop: one read per readable event, replies written
// once per iteration, EPOLLOUT only when the socket is full.
void RunEpoll(int listen_fd) {
  int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  struct epoll_event event = {};
  event.events = EPOLLIN;
  event.data.ptr = nullptr;
  epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &event);
  std::vector<Client*> pending;
  struct epoll_event events[1024];
  while (!stop) {
    for (Client* client : pending) {
      ssize_t n = write(client->fd, client->output.data(), client->output.size());
      if (n > 0) client->output.erase(0, static_cast<size_t>(n));
    }
    pending.clear();
    int ready = epoll_wait(epoll_fd, events, 1024, 100);
    for (int i = 0; i < ready; ++i) {
      auto* client = static_cast<Client*>(events[i].data.ptr);
      if (client == nullptr) {
        int fd = accept4(listen_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) continue;
        SetNoDelay(fd);
        auto* fresh = new Client{fd};
        struct epoll_event add = {};
        add.events = EPOLLIN;
        add.data.ptr = fresh;
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &add);
        continue;
      }
      ssize_t n = read(client->fd, client->read_buffer, kReadSize);
      if (n <= 0) {
        if (n < 0 && errno == EAGAIN) continue;
        epoll_ctl(epoll_fd, EPOLL_CTL_DEL, client->fd, nullptr);
        close(client->fd);
        client->fd = -1;  // leaked on purpose: the benchmark's clients stay to the end
        continue;
      }
      client->input.append(client->read_buffer, static_cast<size_t>(n));
      Process(*client);
      if (!client->output.empty()) pending.push_back(client);
    }
  }
}

enum Op : uint64_t { kAccept = 0, kRecv = 1, kSend = 2 };

uint64_t Tag(Client* client, Op op) { return reinterpret_cast<uint64_t>(client) | op; }

void QueueRecv(io_uring& ring, Client* client) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring);
  io_uring_prep_recv(sqe, client->fd, client->read_buffer, kReadSize, 0);
  io_uring_sqe_set_data64(sqe, Tag(client, kRecv));
}

void QueueSend(io_uring& ring, Client* client) {
  if (client->in_flight.empty()) client->in_flight.swap(client->output);
  client->send_in_flight = true;
  io_uring_sqe* sqe = io_uring_get_sqe(&ring);
  io_uring_prep_send(sqe, client->fd, client->in_flight.data(), client->in_flight.size(), 0);
  io_uring_sqe_set_data64(sqe, Tag(client, kSend));
}

// Provided buffers for multishot receives: the kernel picks one per completion and
// the loop hands it back after copying the data out.
constexpr unsigned kBufferCount = 256;
constexpr int kBufferGroup = 1;

struct BufferRing {
  io_uring_buf_ring* ring = nullptr;
  std::unique_ptr<char[]> storage;
  unsigned mask = 0;

  void Give(unsigned id) {
    io_uring_buf_ring_add(ring, storage.get() + id * kReadSize, kReadSize, static_cast<uint16_t>(id),
                          mask, 0);
    io_uring_buf_ring_advance(ring, 1);
  }
};

BufferRing SetUpBuffers(io_uring& uring) {
  BufferRing buffers;
  void* memory = nullptr;
  if (posix_memalign(&memory, 4096, kBufferCount * sizeof(io_uring_buf)) != 0) std::exit(1);
  buffers.ring = static_cast<io_uring_buf_ring*>(memory);
  io_uring_buf_ring_init(buffers.ring);
  io_uring_buf_reg reg = {};
  reg.ring_addr = reinterpret_cast<uint64_t>(memory);
  reg.ring_entries = kBufferCount;
  reg.bgid = kBufferGroup;
  if (io_uring_register_buf_ring(&uring, &reg, 0) != 0) {
    std::fprintf(stderr, "provided buffer rings unavailable\n");
    std::exit(1);
  }
  buffers.storage = std::make_unique<char[]>(kBufferCount * kReadSize);
  buffers.mask = io_uring_buf_ring_mask(kBufferCount);
  for (unsigned id = 0; id < kBufferCount; ++id) buffers.Give(id);
  return buffers;
}

void QueueMultishotRecv(io_uring& ring, Client* client) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring);
  io_uring_prep_recv_multishot(sqe, client->fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = kBufferGroup;
  io_uring_sqe_set_data64(sqe, Tag(client, kRecv));
}

// Every operation is an SQE; one io_uring_submit_and_wait per iteration submits the
// iteration's receives and sends together and waits for the next completions.
void RunUring(int listen_fd, bool tuned) {
  io_uring ring;
  io_uring_params params = {};
  if (tuned) params.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  if (io_uring_queue_init_params(4096, &ring, &params) != 0) {
    std::fprintf(stderr, "io_uring unavailable\n");
    std::exit(1);
  }
  BufferRing buffers;
  if (tuned) buffers = SetUpBuffers(ring);
  io_uring_sqe* sqe = io_uring_get_sqe(&ring);
  io_uring_prep_multishot_accept(sqe, listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
  io_uring_sqe_set_data64(sqe, Tag(nullptr, kAccept));
  struct __kernel_timespec timeout = {0, 100'000'000};
  while (!stop) {
    io_uring_cqe* cqe;
    io_uring_submit_and_wait_timeout(&ring, &cqe, 1, &timeout, nullptr);
    unsigned head;
    unsigned seen = 0;
    io_uring_for_each_cqe(&ring, head, cqe) {
      ++seen;
      uint64_t data = io_uring_cqe_get_data64(cqe);
      auto* client = reinterpret_cast<Client*>(data & ~uint64_t{3});
      Op op = static_cast<Op>(data & 3);
      if (op == kAccept) {
        if (cqe->res >= 0) {
          SetNoDelay(cqe->res);
          auto* fresh = new Client{cqe->res};
          if (tuned) {
            QueueMultishotRecv(ring, fresh);
          } else {
            QueueRecv(ring, fresh);
          }
        }
        continue;
      }
      if (op == kRecv) {
        if (cqe->res <= 0) {
          if (tuned && cqe->res == -ENOBUFS) {
            QueueMultishotRecv(ring, client);  // out of buffers: ask again
          } else {
            close(client->fd);
          }
          continue;
        }
        if (tuned) {
          unsigned id = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
          client->input.append(buffers.storage.get() + id * kReadSize,
                               static_cast<size_t>(cqe->res));
          buffers.Give(id);
        } else {
          client->input.append(client->read_buffer, static_cast<size_t>(cqe->res));
        }
        Process(*client);
        if (!client->output.empty() && !client->send_in_flight) QueueSend(ring, client);
        if (!tuned) {
          QueueRecv(ring, client);
        } else if (!(cqe->flags & IORING_CQE_F_MORE)) {
          QueueMultishotRecv(ring, client);
        }
        continue;
      }
      client->send_in_flight = false;
      if (cqe->res > 0) client->in_flight.erase(0, static_cast<size_t>(cqe->res));
      if (!client->in_flight.empty() || !client->output.empty()) QueueSend(ring, client);
    }
    io_uring_cq_advance(&ring, seen);
  }
  io_uring_queue_exit(&ring);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s epoll|uring|uring-tuned PORT\n", argv[0]);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  struct sigaction action = {};
  action.sa_handler = [](int) { stop = 1; };
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  int listen_fd = Listen(std::atoi(argv[2]));
  std::string mode = argv[1];
  if (mode == "epoll") {
    RunEpoll(listen_fd);
  } else if (mode == "uring" || mode == "uring-tuned") {
    RunUring(listen_fd, mode == "uring-tuned");
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::printf("cpu_user_s=%ld.%06ld cpu_sys_s=%ld.%06ld\n", usage.ru_utime.tv_sec,
              usage.ru_utime.tv_usec, usage.ru_stime.tv_sec, usage.ru_stime.tv_usec);
  return 0;
}
