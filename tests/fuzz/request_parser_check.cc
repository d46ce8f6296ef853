#include "fuzz/request_parser_check.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "fuzz/reference_request_parser.h"
#include "protocol/protocol_limits.h"
#include "protocol/request_parser.h"

namespace ferrite::fuzz {
namespace {

using protocol::kInlineMaxSize;
using protocol::ParserLimits;
using protocol::ParseStatus;
using protocol::RequestParser;

// Control byte 0 (see request_parser_check.h).
constexpr uint8_t kStartUnauthenticated = 1 << 0;
constexpr uint8_t kAuthenticateAfterFirst = 1 << 1;
constexpr uint8_t kTinyBulkLimit = 1 << 2;
constexpr uint8_t kExpandRuns = 1 << 3;
constexpr uint8_t kRunMarker = 0xFF;
constexpr int kMaxRuns = 2;
// The one-byte-at-a-time feed goes faster through the middle of an expanded run: runs
// are there to cross the 64 KiB limits, which lie near their ends.
constexpr size_t kRunEdge = 256;

// Checking an unfinished request against the reference re-reads it whole, so a request
// fed one byte at a time costs O(n^2). Unfinished requests are checked while they are
// short, up to a budget of bytes re-read per feed; completions, errors, the end of the
// stream and the calls where a size limit may be due (see Driver::limit_due_) always are.
constexpr size_t kReferenceCheckedSize = 4096;
constexpr size_t kReferenceBudget = 1 << 20;

struct ExpandedRun {
  size_t start;
  size_t length;
};

struct Scenario {
  ParserLimits first_limits;  // while the first request is parsed
  ParserLimits later_limits;  // for the requests after it
  uint64_t seed = 0;
  std::string stream;
  std::vector<ExpandedRun> runs;
};

Scenario Decode(const uint8_t* data, size_t size) {
  Scenario scenario;
  if (size < 2) {
    scenario.stream.assign(reinterpret_cast<const char*>(data), size);
    return scenario;
  }
  const uint8_t flags = data[0];
  ParserLimits limits;
  if (flags & kTinyBulkLimit) limits.max_bulk_length = data[1] % 32;
  scenario.first_limits = limits;
  scenario.later_limits = limits;
  if (flags & kStartUnauthenticated) {
    scenario.first_limits.authenticated = false;
    scenario.later_limits.authenticated = (flags & kAuthenticateAfterFirst) != 0;
  }
  scenario.seed = (uint64_t{flags} >> 4) | (uint64_t{data[1]} << 4);

  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);
  if (!(flags & kExpandRuns)) {
    scenario.stream.assign(stream);
    return scenario;
  }
  int runs = 0;
  for (size_t i = 0; i < stream.size(); ++i) {
    if (static_cast<uint8_t>(stream[i]) == kRunMarker && runs < kMaxRuns && i + 2 < stream.size()) {
      const auto n = static_cast<uint8_t>(stream[i + 2]);
      const size_t base =
          (n & 0x80) ? static_cast<size_t>(protocol::kUnauthenticatedMaxBulk) : kInlineMaxSize;
      const size_t length = base + (n & 0x7F) - 64;
      scenario.runs.push_back({scenario.stream.size(), length});
      scenario.stream.append(length, stream[i + 1]);
      i += 2;
      ++runs;
    } else {
      scenario.stream.push_back(stream[i]);
    }
  }
  return scenario;
}

uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

size_t BytewiseChunkSize(const Scenario& scenario, size_t fed) {
  for (const ExpandedRun& run : scenario.runs) {
    const size_t skip_to = run.start + run.length - kRunEdge;
    if (fed >= run.start + kRunEdge && fed < skip_to) return skip_to - fed;
  }
  return 1;
}

// Mostly small chunks, now and then large ones that cross the 64 KiB limits at once.
size_t SeededChunkSize(uint64_t& state) {
  const uint64_t r = SplitMix64(state);
  const uint64_t bound[] = {4, 64, 4096, 2 * kInlineMaxSize};
  return static_cast<size_t>(1 + (r >> 2) % bound[r & 3]);
}

std::string Quote(std::string_view bytes) {
  constexpr size_t kShown = 48;
  std::string out = "\"";
  for (char c : bytes.substr(0, kShown)) {
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c >= 0x20 && c < 0x7F) {
      out.push_back(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned>(static_cast<uint8_t>(c)));
      out += hex;
    }
  }
  out += "\"";
  if (bytes.size() > kShown) out += "... (" + std::to_string(bytes.size()) + " bytes)";
  return out;
}

// What the caller sees of one request: its completion or the error that ends the stream.
struct Event {
  ParseStatus status = ParseStatus::kComplete;
  std::vector<std::string> args;  // kComplete
  size_t consumed = 0;            // kComplete
  std::string error;              // kError

  bool operator==(const Event&) const = default;
};

std::string Describe(const Event& event) {
  if (event.status == ParseStatus::kError) return "error " + Quote(event.error);
  std::string out = "complete, consumed " + std::to_string(event.consumed) + ", args [";
  for (size_t i = 0; i < event.args.size(); ++i) out += (i ? ", " : "") + Quote(event.args[i]);
  return out + "]";
}

std::string Describe(const ReferenceOutcome& outcome) {
  switch (outcome.status) {
    case ParseStatus::kComplete:
      return Describe(Event{ParseStatus::kComplete, outcome.args, outcome.consumed, {}});
    case ParseStatus::kError:
      return "error " + Quote(outcome.error);
    case ParseStatus::kIncomplete:
      break;
  }
  return "incomplete, bytes_wanted " + std::to_string(outcome.bytes_wanted);
}

// The errors whose moment depends on how the stream was split (see the header).
bool IsSizeLimitError(const std::string& error) {
  return error == "ERR Protocol error: too big inline request" ||
         error == "ERR Protocol error: too big mbulk count string" ||
         error == "ERR Protocol error: too big bulk count string";
}

struct Run {
  const char* name;
  std::vector<Event> events;  // each completed request, then the error if one ended it
  std::string unfinished;     // without an error: the bytes of the request left incomplete
};

enum class Buffering {
  kInPlace,  // pass views of the caller's growing buffer, as the server does
  // After each chunk arrives, pass views of a new allocation of exactly the unconsumed
  // bytes: the request moves, and ASan sees any read past its end.
  kFreshCopy,
};

class Driver {
 public:
  Driver(const Scenario& scenario, Buffering buffering, Run& run, std::string& violation)
      : scenario_(scenario), buffering_(buffering), run_(run), violation_(violation) {}

  // Feeds the stream in chunks of the sizes `next_chunk` returns, appending each to the
  // buffer and parsing as request_parser.h documents. False once a property broke.
  template <typename NextChunk>
  bool Feed(NextChunk next_chunk) {
    const std::string& stream = scenario_.stream;
    size_t fed = 0;
    while (fed < stream.size()) {
      const size_t n = std::min<size_t>(next_chunk(fed), stream.size() - fed);
      buffer_.insert(buffer_.end(), stream.begin() + static_cast<ptrdiff_t>(fed),
                     stream.begin() + static_cast<ptrdiff_t>(fed + n));
      fed += n;
      const bool last = fed == stream.size();

      const size_t length = buffer_.size() - start_;
      const char* base = buffer_.data() + start_;
      if (buffering_ == Buffering::kFreshCopy) {
        std::unique_ptr<char[]> copy(new char[length]);
        std::memcpy(copy.get(), base, length);
        copy_ = std::move(copy);  // frees the previous copy: ASan flags any later use
        base = copy_.get();
      }
      // Complete requests leave the buffer from its front.
      for (size_t offset = 0; offset < length;) {
        const std::string_view data(base + offset, length - offset);
        ParseStatus status;
        if (!ParseOnce(data, last, status)) return false;
        if (status == ParseStatus::kError) return true;
        if (status == ParseStatus::kIncomplete) break;
        offset += run_.events.back().consumed;
        start_ += run_.events.back().consumed;
        limit_due_ = kInlineMaxSize + 1;
      }
      // Drop consumed bytes once they outweigh the rest (amortized O(1) per byte); the
      // unfinished request moves to the front.
      if (start_ > 0 && start_ >= buffer_.size() - start_) {
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(start_));
        start_ = 0;
      }
    }
    run_.unfinished.assign(buffer_.begin() + static_cast<ptrdiff_t>(start_), buffer_.end());
    return true;
  }

 private:
  bool ParseOnce(std::string_view data, bool last_chunk, ParseStatus& status) {
    const ParserLimits& limits =
        run_.events.empty() ? scenario_.first_limits : scenario_.later_limits;
    parser_.set_limits(limits);
    ++calls_;
    status = parser_.Parse(data);

    Event event{status, {}, 0, {}};
    if (status == ParseStatus::kComplete) {
      if (!CheckComplete(data, limits, event)) return false;
    } else if (status == ParseStatus::kError) {
      event.error = parser_.error();
      if (event.error.rfind("ERR Protocol error: ", 0) != 0) {
        return Fail(data, "error() " + Quote(event.error) + " is not a protocol error reply");
      }
      if (parser_.bytes_wanted() != 0) {
        return Fail(data,
                    "bytes_wanted() = " + std::to_string(parser_.bytes_wanted()) + " after kError");
      }
    } else {
      const size_t wanted = parser_.bytes_wanted();
      if (wanted != 0 && wanted <= data.size()) {
        return Fail(data, "kIncomplete with bytes_wanted() = " + std::to_string(wanted) +
                              ", which the buffer already holds");
      }
      // An inline request is incomplete only while no line end is in the buffer.
      if (data[0] != '*' && data.size() > kInlineMaxSize) {
        return Fail(data, "kIncomplete for an unterminated inline request longer than " +
                              std::to_string(kInlineMaxSize) + " bytes");
      }
    }

    bool check_reference =
        status != ParseStatus::kIncomplete || last_chunk || data.size() >= limit_due_;
    if (!check_reference && data.size() <= kReferenceCheckedSize &&
        reference_budget_ >= data.size()) {
      reference_budget_ -= data.size();
      check_reference = true;
    }
    if (check_reference && !CheckAgainstReference(data, limits, event)) return false;

    if (status != ParseStatus::kIncomplete) run_.events.push_back(std::move(event));
    return true;
  }

  bool CheckComplete(std::string_view data, const ParserLimits& limits, Event& event) {
    const size_t consumed = parser_.consumed();
    if (consumed == 0 || consumed > data.size()) {
      return Fail(data, "kComplete with consumed() = " + std::to_string(consumed));
    }
    if (parser_.bytes_wanted() != 0) {
      return Fail(
          data, "bytes_wanted() = " + std::to_string(parser_.bytes_wanted()) + " after kComplete");
    }
    event.consumed = consumed;
    const bool multibulk = data[0] == '*';
    const auto begin = reinterpret_cast<uintptr_t>(data.data());
    std::span<const std::string_view> args = parser_.args();
    for (size_t i = 0; i < args.size(); ++i) {
      const auto arg = reinterpret_cast<uintptr_t>(args[i].data());
      // Multibulk arguments are views into the request; inline ones are the parser's
      // own strings, whose memory ASan checks as they are copied here.
      if (multibulk && (arg < begin || arg + args[i].size() > begin + consumed)) {
        return Fail(data, "argument " + std::to_string(i) + " is not inside the request");
      }
      if (multibulk && static_cast<int64_t>(args[i].size()) > limits.max_bulk_length) {
        return Fail(data, "argument " + std::to_string(i) + " is longer than max_bulk_length");
      }
      if (multibulk && !limits.authenticated &&
          static_cast<int64_t>(args[i].size()) > protocol::kUnauthenticatedMaxBulk) {
        return Fail(data, "unauthenticated argument " + std::to_string(i) + " is too long");
      }
      event.args.emplace_back(args[i]);
    }
    if (multibulk && !limits.authenticated &&
        static_cast<int64_t>(args.size()) > protocol::kUnauthenticatedMaxMultibulk) {
      return Fail(data, "unauthenticated request has " + std::to_string(args.size()) + " args");
    }
    return true;
  }

  bool CheckAgainstReference(std::string_view data, const ParserLimits& limits,
                             const Event& event) {
    const ReferenceOutcome expected = ReferenceParse(data, limits);
    if (expected.status == ParseStatus::kIncomplete) {
      limit_due_ = expected.line_start + kInlineMaxSize + 1;
    }
    bool same = expected.status == event.status;
    if (same && event.status == ParseStatus::kComplete) {
      same = expected.args == event.args && expected.consumed == event.consumed;
    } else if (same && event.status == ParseStatus::kError) {
      same = expected.error == event.error;
    } else if (same) {
      same = expected.bytes_wanted == parser_.bytes_wanted();
    }
    if (same) return true;
    std::string got = event.status == ParseStatus::kIncomplete
                          ? "incomplete, bytes_wanted " + std::to_string(parser_.bytes_wanted())
                          : Describe(event);
    return Fail(data, "parser: " + got + "; Redis 7.0 would give: " + Describe(expected));
  }

  bool Fail(std::string_view data, const std::string& what) {
    violation_ = std::string(run_.name) + " feed, request " + std::to_string(run_.events.size()) +
                 ", Parse() call " + std::to_string(calls_) + " on " + Quote(data) + ": " + what;
    return false;
  }

  const Scenario& scenario_;
  const Buffering buffering_;
  Run& run_;
  std::string& violation_;
  RequestParser parser_;
  // Received bytes; the unconsumed ones, from the current request's first byte, start
  // at start_.
  std::vector<char> buffer_;
  size_t start_ = 0;
  std::unique_ptr<char[]> copy_;
  size_t calls_ = 0;
  size_t reference_budget_ = kReferenceBudget;
  // The buffer size from which the line the reference last saw being searched (or the
  // next one) would be over kInlineMaxSize: the first call at or past it is always
  // checked, so a size-limit error cannot come late or be missed, whatever the budget.
  size_t limit_due_ = kInlineMaxSize + 1;
};

// The chunked feed must end as the whole one does, save for a size-limit error (whose
// moment Driver checks against the reference).
bool SameOutcome(const Run& whole, const Run& chunked, std::string& violation) {
  const std::vector<Event>& w = whole.events;
  const std::vector<Event>& c = chunked.events;
  const bool limit_error =
      !c.empty() && c.back().status == ParseStatus::kError && IsSizeLimitError(c.back().error);
  const size_t compared = limit_error ? c.size() - 1 : std::max(w.size(), c.size());
  for (size_t i = 0; i < compared; ++i) {
    if (i < w.size() && i < c.size() && w[i] == c[i]) continue;
    violation = "request " + std::to_string(i) + ": fed " + whole.name + ": " +
                (i < w.size() ? Describe(w[i]) : "unfinished " + Quote(whole.unfinished)) +
                "; fed " + chunked.name + ": " +
                (i < c.size() ? Describe(c[i]) : "unfinished " + Quote(chunked.unfinished));
    return false;
  }
  // Whatever the whole feed did with that request is fine: completed, failed otherwise,
  // or even unfinished (a header whose '\r' is the last byte is not measured).
  if (limit_error) return true;
  if (whole.unfinished == chunked.unfinished) return true;
  violation = "unfinished request: fed " + std::string(whole.name) + ": " +
              Quote(whole.unfinished) + "; fed " + chunked.name + ": " + Quote(chunked.unfinished);
  return false;
}

}  // namespace

std::string FindRequestParserViolation(const uint8_t* data, size_t size) {
  const Scenario scenario = Decode(data, size);
  std::string violation;

  const auto all_at_once = [](size_t) { return SIZE_MAX; };
  const auto byte_at_a_time = [&](size_t fed) { return BytewiseChunkSize(scenario, fed); };
  uint64_t state = scenario.seed;
  const auto seeded_chunks = [&](size_t) { return SeededChunkSize(state); };

  Run whole{"all at once", {}, {}};
  if (!Driver(scenario, Buffering::kFreshCopy, whole, violation).Feed(all_at_once)) {
    return violation;
  }
  Run bytewise{"one byte at a time", {}, {}};
  if (!Driver(scenario, Buffering::kInPlace, bytewise, violation).Feed(byte_at_a_time)) {
    return violation;
  }
  Run chunked{"in seeded chunks", {}, {}};
  if (!Driver(scenario, Buffering::kFreshCopy, chunked, violation).Feed(seeded_chunks)) {
    return violation;
  }
  if (!SameOutcome(whole, bytewise, violation)) return violation;
  if (!SameOutcome(whole, chunked, violation)) return violation;
  return {};
}

void CheckRequestParser(const uint8_t* data, size_t size) {
  const std::string violation = FindRequestParserViolation(data, size);
  if (violation.empty()) return;
  std::fprintf(stderr, "RequestParser property violated: %s\n", violation.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

}  // namespace ferrite::fuzz
