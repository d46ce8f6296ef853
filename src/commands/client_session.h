// The per-connection state that commands read and change: selected database,
// authentication, name, reply mode. (The protocol version is the reply builder's.) Owned by the connection;
// touched only on the connection's thread.
#pragma once

#include <cstdint>
#include <string>

namespace ferrite {

struct ClientSession {
  uint64_t id = 0;
  int db = 0;
  bool authenticated = true;
  std::string name;
  // CLIENT REPLY: OFF discards replies until ON; SKIP discards the next command's
  // reply (skip_next is set by SKIP itself and becomes skip after it).
  bool reply_off = false;
  bool reply_skip_next = false;
  bool reply_skip = false;
  // Set by QUIT (and by CLIENT KILL of oneself): write the pending replies, then close.
  bool close_after_reply = false;
  // Set by MONITOR, cleared by RESET: the client receives every command run, and may
  // no longer run commands on keys.
  bool monitor = false;
};

}  // namespace ferrite
