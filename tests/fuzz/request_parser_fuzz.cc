// libFuzzer target for the incremental request parser: every input is checked against
// the property in request_parser_check.h (chunking independence, Redis 7.0's behaviour,
// the parser's documented contracts). Built by `scripts/build --fuzz`; run by run-fuzz.
#include <cstddef>
#include <cstdint>

#include "fuzz/request_parser_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ferrite::fuzz::CheckRequestParser(data, size);
  return 0;
}
