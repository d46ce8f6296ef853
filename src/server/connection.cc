#include "server/connection.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "commands/command_dispatch.h"
#include "commands/command_registry.h"
#include "server/server.h"
#include "server/worker.h"
#include "util/ascii.h"
#include "util/cycle_clock.h"

namespace ferrite {
namespace {

// Bytes read per readable event, as Redis reads them (PROTO_IOBUF_LEN).
constexpr size_t kReadChunk = 16 * 1024;
// Bytes written to one client per loop iteration before others get their turn
// (Redis's NET_MAX_WRITES_PER_EVENT).
constexpr size_t kMaxWritePerIteration = 64 * 1024;
constexpr int kMaxIov = 16;

}  // namespace

Connection::Connection(Worker& worker, int fd, uint64_t id, std::string peer_address,
                       std::string local_address)
    : worker_(worker),
      fd_(fd),
      peer_address_(std::move(peer_address)),
      local_address_(std::move(local_address)),
      created_ms_(worker.loop().now_ms()),
      last_interaction_ms_(created_ms_),
      reply_(output_, 2) {
  session_.id = id;
  session_.authenticated = !worker.PasswordRequired();
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

void Connection::Start() {
  Status status = worker_.loop().Watch(fd_, EPOLLIN, this);
  if (!status.ok()) {
    spdlog::warn("Error registering fd event for the new client: {}", status.ToString());
    Close();
  }
}

void Connection::OnIoEvent(uint32_t events) {
  if (closed()) return;
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    // After a protocol error or QUIT nothing more is read: the reply goes out, then
    // the connection closes.
    if (session_.close_after_reply) {
      FlushOutput();
    } else {
      HandleReadable();
    }
  }
  if (!closed() && (events & EPOLLOUT)) FlushOutput();
}

void Connection::HandleReadable() {
  size_t read_length = kReadChunk;
  size_t wanted = parser_.bytes_wanted();
  if (wanted > query_.size() && wanted - query_.size() >= protocol::kBigArgument) {
    // A large argument is being received: read straight to its end, in one buffer.
    read_length = wanted - query_.size();
  }
  query_.Reserve(read_length);
  ssize_t n = ::read(fd_, query_.write_position(), read_length);
  if (n == 0) {
    spdlog::debug("Client closed connection id={} addr={}", id(), peer_address_);
    Close();
    return;
  }
  if (n < 0) {
    if (errno == EAGAIN || errno == EINTR) return;
    spdlog::debug("Reading from client: {}", std::strerror(errno));
    Close();
    return;
  }
  query_.Commit(static_cast<size_t>(n));
  last_interaction_ms_ = worker_.loop().now_ms();
  WorkerStats& stats = worker_.stats();
  stats.net_input_bytes.Add(static_cast<uint64_t>(n));
  stats.reads_processed.Add();

  if (query_.size() > worker_.config().client_query_buffer_limit) {
    std::string_view head = query_.data().substr(0, 64);
    spdlog::warn("Closing client that reached max query buffer length: {} (qbuf initial bytes: {:?})",
                 Describe(), std::string(head));
    Close();
    return;
  }
  ProcessInput();
}

void Connection::ProcessInput() {
  const ServerConfig& config = worker_.config();
  while (!suspended_ && !session_.close_after_reply && !closed() && !query_.empty()) {
    parser_.set_limits({static_cast<int64_t>(config.proto_max_bulk_len), session_.authenticated});
    protocol::ParseStatus status = parser_.Parse(query_.data());
    if (status == protocol::ParseStatus::kIncomplete) break;
    if (status == protocol::ParseStatus::kError) {
      spdlog::debug("Protocol error ({}) from client: {}", parser_.error(), Describe());
      reply_.set_muted(session_.reply_off || session_.reply_skip);
      reply_.Error(parser_.error());
      RecordErrorReplies();
      session_.close_after_reply = true;
      query_.Clear();
      break;
    }
    size_t consumed = parser_.consumed();
    if (parser_.args().empty()) {
      AdvanceReplySkip();  // an empty request still counts, for CLIENT REPLY SKIP
    } else {
      Execute(parser_.args());
    }
    // The arguments were views into the buffer: drop the request only now.
    query_.Consume(consumed);
  }
  query_.ReleaseIfDrained();
  if (!output_.empty() || session_.close_after_reply) RequestWrite();
}

void Connection::Execute(std::span<const std::string_view> args) {
  reply_.set_muted(session_.reply_off || session_.reply_skip);
  current_args_ = args;
  command_start_ticks_ = CycleClock::Now();
  // As Redis's lastcmd: the command looked up, even if it is then refused, recorded
  // before it runs (CLIENT INFO reports itself).
  current_command_ = LookUp(args);
  CommandContext ctx{args, reply_, session_, *this, worker_};
  DispatchResult result = DispatchCommand(worker_.commands(), current_command_, ctx);
  current_args_ = {};
  command_ran_ = result.command != nullptr && !result.rejected;
  if (result.command != nullptr && result.rejected) {
    worker_.stats().command(result.command->index).rejected_calls.Add();
  }
  if (command_ran_) {
    CommandRecorder& recorder = worker_.recorder();
    recorder.Ran(*current_command_, args, session_.db, peer_address_);
    if (suspended_ && recorder.SlowlogEnabled()) {
      deferred_args_.Assign(args, current_command_->redact);
    }
  }
  if (!suspended_) FinishCommand(args);
}

const CommandSpec* Connection::LookUp(std::span<const std::string_view> args) {
  // Pipelines usually repeat one command: compare with the last before hashing. Only
  // a top-level command without subcommands is known by its first word alone.
  if (repeated_command_ != nullptr && EqualsIgnoreCase(args[0], repeated_command_->name)) {
    return repeated_command_;
  }
  const CommandSpec* found = worker_.commands().Find(args);
  bool plain = found != nullptr && found->subcommands.empty() && found->full_name == found->name;
  repeated_command_ = plain ? found : nullptr;
  return found;
}

void Connection::FinishCommand(std::span<const std::string_view> args) {
  // A command that ran is counted once its reply is complete (a deferred one later),
  // as Redis counts after the call: CONFIG RESETSTAT counts itself after the reset.
  WorkerStats& stats = worker_.stats();
  bool failed = RecordErrorReplies();
  if (command_ran_) {
    CommandCounters& counters = stats.command(current_command_->index);
    const uint64_t ticks = CycleClock::Now() - command_start_ticks_;
    counters.calls.Add();
    counters.usec.Add(CycleClock::ToMicros(ticks));
    if (failed) counters.failed_calls.Add();
    stats.commands_processed.Add();
    worker_.recorder().Finished(*current_command_, ticks, args, deferred_args_, session_,
                                peer_address_);
  }
  AdvanceReplySkip();
  CheckOutputLimits(worker_.loop().now_ms());
}

bool Connection::RecordErrorReplies() {
  if (!reply_.has_errors()) return false;
  error_codes_.clear();
  reply_.TakeErrorCodes(error_codes_);
  WorkerStats& stats = worker_.stats();
  stats.error_replies.Add(error_codes_.size());
  for (const std::string& code : error_codes_) stats.CountErrorCode(code);
  return true;
}

void Connection::AdvanceReplySkip() {
  // CLIENT REPLY SKIP silences the request after the one that set it.
  session_.reply_skip = session_.reply_skip_next;
  session_.reply_skip_next = false;
}

DeferredReply Connection::Defer() {
  suspended_ = true;
  Worker* worker = &worker_;
  uint64_t client_id = id();
  return DeferredReply([worker, client_id](DeferredReply::Writer writer) {
    // Always through the loop's queue, even from its own thread: the reply is then
    // written after the handler that deferred it has returned.
    worker->loop().Post([worker, client_id, writer = std::move(writer)]() mutable {
      worker->ResumeClient(client_id, std::move(writer));
    });
  });
}

void Connection::Resume(DeferredReply::Writer writer) {
  if (closed()) return;
  reply_.set_muted(session_.reply_off || session_.reply_skip);
  writer(reply_);
  suspended_ = false;
  if (!held_monitor_text_.empty()) {
    output_.Append(held_monitor_text_);
    held_monitor_text_.clear();
  }
  FinishCommand({});
  if (closed()) return;
  ProcessInput();
  if (!output_.empty() || session_.close_after_reply) RequestWrite();
}

bool Connection::IsLocal() const {
  // Redis's islocalClient: the loopback address exactly, IPv4 or IPv6.
  return peer_address_.starts_with("127.0.0.1:") || peer_address_.starts_with("[::1]:");
}

void Connection::WriteMonitorText(std::string_view text) {
  if (closed() || session_.reply_off) return;
  if (suspended_) {
    // The monitor's own command waits for its reply: the lines follow that reply.
    held_monitor_text_ += text;
    return;
  }
  output_.Append(text);
  RequestWrite();
  CheckOutputLimits(worker_.loop().now_ms());
}

void Connection::RequestWrite() {
  if (!write_scheduled_ && !closed()) {
    write_scheduled_ = true;
    worker_.ScheduleWrite(this);
  }
}

void Connection::FlushOutput() {
  write_scheduled_ = false;
  if (closed()) return;
  size_t written_total = 0;
  WorkerStats& stats = worker_.stats();
  while (!output_.empty() && written_total < kMaxWritePerIteration) {
    struct iovec iov[kMaxIov];
    int pieces = output_.PrepareWrite(iov, kMaxIov, kMaxWritePerIteration - written_total);
    // MSG_NOSIGNAL: a peer that went away is an EPIPE here, never a SIGPIPE, whatever
    // the embedding process does with signals. One piece (the usual case) goes through
    // send(), which the kernel handles with less work than sendmsg().
    ssize_t n;
    if (pieces == 1) {
      n = ::send(fd_, iov[0].iov_base, iov[0].iov_len, MSG_NOSIGNAL);
    } else {
      struct msghdr message = {};
      message.msg_iov = iov;
      message.msg_iovlen = static_cast<size_t>(pieces);
      n = ::sendmsg(fd_, &message, MSG_NOSIGNAL);
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN) break;
      spdlog::debug("Error writing to client: {}", std::strerror(errno));
      Close();
      return;
    }
    output_.Consume(static_cast<size_t>(n));
    written_total += static_cast<size_t>(n);
    stats.net_output_bytes.Add(static_cast<uint64_t>(n));
  }
  if (written_total > 0) {
    stats.writes_processed.Add();
    last_interaction_ms_ = worker_.loop().now_ms();
  }
  if (output_.empty() && session_.close_after_reply) {
    Close();
    return;
  }
  UpdateInterest();
}

void Connection::UpdateInterest() {
  // Input is ignored once the connection is to close after its reply; output is
  // watched only while some of it could not be written.
  uint32_t events = (session_.close_after_reply ? 0u : uint32_t{EPOLLIN}) |
                    (output_.empty() ? 0u : uint32_t{EPOLLOUT});
  if (events == registered_events_ || closed()) return;
  if (worker_.loop().Modify(fd_, events, this).ok()) registered_events_ = events;
}

void Connection::Close() {
  if (closed()) return;
  worker_.loop().Unwatch(fd_);
  ::close(fd_);
  fd_ = -1;
  output_.Clear();
  worker_.OnConnectionClosed(this);
}

void Connection::Kill(uint64_t caller_id) {
  if (caller_id == id()) {
    session_.close_after_reply = true;
  } else {
    Close();
  }
}

void Connection::CheckOutputLimits(int64_t now_ms) {
  const OutputBufferLimit& limit = worker_.config().output_buffer_limits.normal;
  size_t used = output_.allocated();
  bool over_hard = limit.hard_bytes != 0 && used >= limit.hard_bytes;
  bool over_soft = false;
  if (limit.soft_bytes != 0 && used >= limit.soft_bytes) {
    if (soft_limit_since_ms_ == 0) {
      soft_limit_since_ms_ = now_ms;
    } else {
      over_soft = now_ms - soft_limit_since_ms_ > limit.soft_seconds * 1000;
    }
  } else {
    soft_limit_since_ms_ = 0;
  }
  if (over_hard || over_soft) {
    spdlog::warn("Client {} closed for overcoming of output buffer limits.", Describe());
    Close();
  }
}

Connection::BufferPeaks Connection::Cron(int64_t now_ms) {
  if (closed()) return {};
  int64_t timeout_s = worker_.config().timeout_seconds;
  // A client waiting on a deferred reply is not idle: it waits on the server. Nor is a
  // monitor, which only listens (Redis exempts it as a replica).
  if (timeout_s > 0 && !suspended_ && !session_.monitor &&
      now_ms - last_interaction_ms_ > timeout_s * 1000) {
    spdlog::debug("Closing idle client id={} addr={}", id(), peer_address_);
    Close();
    return {};
  }
  CheckOutputLimits(now_ms);
  if (closed()) return {};
  return {query_.TakePeak(), output_.allocated()};
}

bool Connection::Matches(const ClientFilter& filter) const {
  if (filter.skip_id && *filter.skip_id == id()) return false;
  if (!filter.ids.empty() &&
      std::find(filter.ids.begin(), filter.ids.end(), id()) == filter.ids.end()) {
    return false;
  }
  if (filter.addr && *filter.addr != peer_address_) return false;
  if (filter.laddr && *filter.laddr != local_address_) return false;
  if (filter.user && *filter.user != "default") return false;
  if (filter.type && *filter.type != ClientType::kNormal) return false;
  return true;
}

std::string Connection::Describe() const {
  int64_t now = worker_.loop().now_ms();
  size_t argv_mem = 0;
  for (std::string_view arg : current_args_) argv_mem += arg.size();
  char flags[4] = {};
  size_t flag_count = 0;
  if (session_.monitor) flags[flag_count++] = 'O';
  if (session_.close_after_reply) flags[flag_count++] = 'c';
  if (flag_count == 0) flags[flag_count++] = 'N';
  char events[3] = {};
  size_t event_count = 0;
  if (registered_events_ & EPOLLIN) events[event_count++] = 'r';
  if (registered_events_ & EPOLLOUT) events[event_count++] = 'w';
  size_t qbuf = query_.size();
  size_t omem = output_.allocated();
  size_t total_memory = sizeof(*this) + query_.capacity() + omem;
  return fmt::format(
      "id={} addr={} laddr={} fd={} name={} age={} idle={} flags={} db={} sub=0 psub=0 ssub=0 "
      "multi=-1 qbuf={} qbuf-free={} argv-mem={} multi-mem=0 rbs={} rbp={} obl=0 oll={} omem={} "
      "tot-mem={} events={} cmd={} user=default redir=-1 resp={}",
      id(), peer_address_, local_address_, fd_, session_.name, (now - created_ms_) / 1000,
      (now - last_interaction_ms_) / 1000, std::string_view(flags, flag_count), session_.db, qbuf, query_.capacity() - qbuf,
      argv_mem, query_.capacity(), qbuf, output_.chunk_count(), omem, total_memory,
      std::string_view(events, event_count),
      current_command_ ? std::string_view(current_command_->full_name) : "NULL",
      reply_.resp_version());
}

}  // namespace ferrite
