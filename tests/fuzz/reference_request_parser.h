// A deliberately naive model of how Redis 7.0 reads one request (networking.c's
// processInlineBuffer and processMultibulkBuffer, sds.c's sdssplitargs, util.c's
// string2ll), written independently of src/protocol/. It keeps no state: every call
// re-reads the request from its first byte, so it cannot have the incremental parser's
// resumption bugs, and the request-parser fuzzer checks the real parser against it.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/request_parser.h"

namespace ferrite::fuzz {

struct ReferenceOutcome {
  protocol::ParseStatus status = protocol::ParseStatus::kIncomplete;
  std::vector<std::string> args;  // kComplete
  size_t consumed = 0;            // kComplete
  std::string error;              // kError: the reply text, as RequestParser::error()
  // kIncomplete inside a bulk payload: the buffer length that completes it, else 0.
  size_t bytes_wanted = 0;
  // kIncomplete: where the line whose length is limited (an inline request, a "*<n>" or
  // "$<n>" header) that is being searched begins; when none is being searched (a header
  // awaits its '\n', a payload its bytes), the earliest place the next one can begin.
  // Unterminated past kInlineMaxSize bytes from there, the request must fail.
  size_t line_start = 0;
};

// What Redis does with `data`, the bytes received so far of the request that begins at
// data[0]. Cost: O(data.size()) per call.
ReferenceOutcome ReferenceParse(std::string_view data, const protocol::ParserLimits& limits);

}  // namespace ferrite::fuzz
