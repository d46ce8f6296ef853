// Glob-style pattern matching as Redis's KEYS, SCAN MATCH, CONFIG GET and
// CLIENT/COMMAND filters use it: '*', '?', '[abc]', '[^a-z]', and '\' escapes.
#pragma once

#include <string_view>

namespace ferrite {

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace ferrite
