// One client connection: reads requests from its socket, runs them in order, and
// buffers replies until its worker writes them out before the next wait for events.
// Owned by its Worker; used on that worker's thread only.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "commands/command_context.h"
#include "commands/server_api.h"
#include "protocol/reply_buffer.h"
#include "protocol/reply_builder.h"
#include "protocol/request_parser.h"
#include "server/event_loop.h"
#include "server/query_buffer.h"
#include "server/slow_log.h"

namespace ferrite {

class Worker;
struct CommandSpec;

class Connection final : public IoHandler, public ClientConnection {
 public:
  Connection(Worker& worker, int fd, uint64_t id, std::string peer_address,
             std::string local_address);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Registers the socket with the worker's loop. On failure the connection is closed.
  void Start();

  void OnIoEvent(uint32_t events) override;
  std::string Describe() const override;
  DeferredReply Defer() override;
  bool IsLocal() const override;

  // Writes buffered replies (called by the worker before it sleeps).
  void FlushOutput();
  // Finishes a deferred reply and continues with the requests that waited for it.
  void Resume(DeferredReply::Writer writer);
  // Closes the socket now; the worker destroys the object after the current loop
  // iteration, so handlers further down the same event batch stay safe. Idempotent.
  void Close();
  // Periodic checks: idle timeout and the output-buffer soft limit. Returns the
  // buffer sizes reached since the last call (zero if the client was closed).
  struct BufferPeaks {
    size_t query_buffer = 0;
    size_t output_buffer = 0;
  };
  BufferPeaks Cron(int64_t now_ms);

  uint64_t id() const { return session_.id; }
  bool closed() const { return fd_ < 0; }
  bool Matches(const ClientFilter& filter) const;
  // Closes the client, or, if it is the one running the current command, closes it
  // once its reply is written.
  void Kill(uint64_t caller_id);
  bool is_monitor() const { return session_.monitor; }
  // Appends MONITOR lines (already in RESP) to the output, unless replies are off.
  void WriteMonitorText(std::string_view text);
  size_t query_buffer_size() const { return query_.size(); }
  size_t output_buffer_size() const { return output_.allocated(); }

 private:
  void HandleReadable();
  void ProcessInput();
  void Execute(std::span<const std::string_view> args);
  const CommandSpec* LookUp(std::span<const std::string_view> args);
  // Book-keeping after a command's reply is complete (now, or when a deferred reply
  // arrives): reply-skip state, statistics, slow log, output limits. `args` are the
  // command's arguments, or empty once they are gone (a deferred reply).
  void FinishCommand(std::span<const std::string_view> args);
  // Moves the error replies written since the last call into the statistics; true if
  // there were any.
  bool RecordErrorReplies();
  void AdvanceReplySkip();
  void CheckOutputLimits(int64_t now_ms);
  void RequestWrite();
  void UpdateInterest();

  Worker& worker_;
  int fd_;
  const std::string peer_address_;
  const std::string local_address_;
  int64_t created_ms_;
  int64_t last_interaction_ms_;

  QueryBuffer query_;
  protocol::RequestParser parser_;
  protocol::ReplyBuffer output_;
  protocol::ReplyBuilder reply_;
  ClientSession session_;

  const CommandSpec* current_command_ = nullptr;  // the last command looked up, for CLIENT LIST
  bool command_ran_ = false;  // its handler ran (it was not refused before)
  uint64_t command_start_ticks_ = 0;  // CycleClock reading when it started
  const CommandSpec* repeated_command_ = nullptr;  // LookUp's shortcut
  std::span<const std::string_view> current_args_;  // valid while a command runs
  std::vector<std::string> error_codes_;  // scratch, reused
  // The slow log's copy of a deferred command's arguments, kept until its reply.
  SlowlogArgs deferred_args_;
  // MONITOR lines that arrived while this monitor's own command awaited its reply.
  std::string held_monitor_text_;
  bool suspended_ = false;                // a deferred reply is outstanding
  bool write_scheduled_ = false;          // in the worker's pending-write list
  uint32_t registered_events_ = EPOLLIN;  // what epoll watches for this socket
  int64_t soft_limit_since_ms_ = 0;       // when the output first passed the soft limit
};

}  // namespace ferrite
