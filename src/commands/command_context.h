// What a command handler receives: its arguments, a reply builder in the client's
// protocol, the client's session, the connection it runs on and the server-wide
// services. Handlers parse arguments and reply; work on data goes to the store layer.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "commands/client_session.h"
#include "protocol/reply_builder.h"

namespace ferrite {

class ServerApi;

// A reply that a command finishes later (after gathering data from other threads or
// from disk). While one is outstanding, the client's later requests wait, so replies
// keep their order; other clients keep running.
class DeferredReply {
 public:
  using Writer = std::function<void(protocol::ReplyBuilder&)>;
  using Resume = std::function<void(Writer)>;

  DeferredReply() = default;
  explicit DeferredReply(Resume resume) : resume_(std::move(resume)) {}

  // Writes the reply and resumes the client, on the client's own thread, after the
  // current handler has returned. Call it exactly once, from any thread. If the
  // client has disconnected meanwhile, the writer is dropped.
  void Complete(Writer writer) {
    Resume resume = std::move(resume_);
    if (resume) resume(std::move(writer));
  }

 private:
  Resume resume_;
};

// The connection a command runs on, as commands may see it.
class ClientConnection {
 public:
  virtual ~ClientConnection() = default;
  // This connection's CLIENT LIST line (no trailing newline).
  virtual std::string Describe() const = 0;
  // Suspends the client's pipeline; see DeferredReply.
  virtual DeferredReply Defer() = 0;
  // True for a client connected from a loopback address (enable-debug-command local).
  virtual bool IsLocal() const = 0;
};

struct CommandContext {
  std::span<const std::string_view> args;  // args[0] is the command name as sent
  protocol::ReplyBuilder& reply;
  ClientSession& session;
  ClientConnection& connection;
  ServerApi& server;
};

}  // namespace ferrite
