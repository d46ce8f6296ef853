// The property the request-parser fuzzer (request_parser_fuzz.cc) checks, shared with
// the unit test that replays its committed corpus
// (tests/unit/protocol/request_parser_corpus_test.cc).
//
// An input is two control bytes and then the byte stream a client sends:
//   byte 0, bit 0   the client starts unauthenticated (the small pre-AUTH limits apply)
//           bit 1   ... and authenticates once its first request completes
//           bit 2   proto-max-bulk-len is tiny: byte 1 % 32
//           bit 3   expand runs: 0xFF B N in the stream stands for a run of byte B about
//                   64 KiB long (16 KiB when N >= 0x80), N & 0x7F - 64 bytes off that
//                   size, to reach the size limits from small inputs (2 runs at most)
//           bits 4-7 and byte 1: seed of the chunk sizes
// Shorter inputs are streams with default settings.
//
// The stream is parsed as the server does: fed all at once, one byte at a time (except
// through the middle of an expanded run), and in seeded chunks of 1 byte to 128 KiB,
// appending to a buffer and calling Parse() as request_parser.h documents. All three
// feeds must give the same completed requests (argument lists and consumed byte counts)
// and the same end: a protocol error with the same message, or the same unfinished
// request. The one allowed difference is a "too big" error, whose moment depends on how
// much arrived at once (as in Redis): a line still unterminated past 64 KiB fails where
// the whole stream could have completed it.
//
// Every outcome must also be what Redis 7.0 does with that buffer
// (reference_request_parser.h): completions, errors, the end of the stream and every
// call at which a size limit may be due are always compared; other unfinished states
// while they are short, within a budget. And the parser's contracts must hold:
// 0 < consumed() <= size, multibulk arguments inside the request, bytes_wanted() 0 or
// beyond the buffer, the (unauthenticated) count and bulk limits, no read past the
// buffer or of a buffer it was given earlier (ASan).

#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace ferrite::fuzz {

// Returns a description of the first property the parser breaks on this input, or an
// empty string when all hold.
std::string FindRequestParserViolation(const uint8_t* data, size_t size);

// The fuzz target's form: prints the violation to stderr and traps.
void CheckRequestParser(const uint8_t* data, size_t size);

}  // namespace ferrite::fuzz
