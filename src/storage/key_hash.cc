#include "storage/key_hash.h"

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace ferrite {

uint64_t HashKey(std::string_view key) { return XXH3_64bits(key.data(), key.size()); }

}  // namespace ferrite
