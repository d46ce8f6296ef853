// Writes replies in the client's protocol version. Commands describe a reply once
// (a map, a null, a double) and the builder renders RESP2's or RESP3's form of it, the
// way Redis 7.0 does: a map is a flat array in RESP2, a null is "$-1" or "_", etc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply_buffer.h"

namespace ferrite::protocol {

class ReplyBuilder {
 public:
  ReplyBuilder(ReplyBuffer& out, int resp_version) : out_(&out), resp_version_(resp_version) {}

  int resp_version() const { return resp_version_; }
  void set_resp_version(int version) { resp_version_ = version; }
  // While muted, replies are dropped (CLIENT REPLY OFF/SKIP).
  bool muted() const { return muted_; }
  void set_muted(bool muted) { muted_ = muted; }

  void SimpleString(std::string_view text);
  void Ok() { Put("+OK\r\n"); }
  // `message` starts with the error code: "ERR syntax error", "WRONGTYPE ...".
  // CR and LF inside it become spaces, as Redis makes them, to keep the stream valid.
  void Error(std::string_view message);
  void Integer(int64_t value);
  void Bulk(std::string_view bytes);
  // The null that stands for a missing string: "$-1" in RESP2, "_" in RESP3.
  void Null();
  // The null that stands for a missing array: "*-1" in RESP2, "_" in RESP3.
  void NullArray();
  void ArrayHeader(size_t length);
  // A map of `pairs` entries; RESP2 sends a flat array of 2 * pairs elements.
  void MapHeader(size_t pairs);
  void SetHeader(size_t length);
  // Out-of-band data (pub/sub messages in RESP3); RESP2 sends an array.
  void PushHeader(size_t length);
  void Double(double value);
  void Bool(bool value);
  // Text meant for humans (INFO, CLIENT LIST): RESP3's verbatim string, RESP2's bulk.
  void Verbatim(std::string_view text, std::string_view format = "txt");
  void Raw(std::string_view bytes) { Put(bytes); }

  // The codes ("ERR", "WRONGTYPE", ...) of the error replies written since the last
  // call, for INFO errorstats. Errors are the slow path, so a copy each is fine.
  bool has_errors() const { return !error_codes_.empty(); }
  void TakeErrorCodes(std::vector<std::string>& out) {
    out.swap(error_codes_);
    error_codes_.clear();
  }

 private:
  void Put(std::string_view bytes) {
    if (!muted_) out_->Append(bytes);
  }
  void Header(char type, uint64_t length);

  ReplyBuffer* out_;
  int resp_version_;
  bool muted_ = false;
  std::vector<std::string> error_codes_;
};

}  // namespace ferrite::protocol
