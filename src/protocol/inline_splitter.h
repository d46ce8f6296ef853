// Splits an inline request line ("SET key \"a b\"" typed into telnet) into arguments
// with the quoting rules of redis-cli and Redis's inline protocol: double quotes with
// \n \r \t \b \a \xHH escapes, single quotes with \' only, and a closing quote that
// must be followed by a space or the end of the line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ferrite::protocol {

// Appends the arguments of `line` to `out` (cleared first). Returns false on
// unbalanced quotes or a closing quote followed by another character.
bool SplitInlineArguments(std::string_view line, std::vector<std::string>& out);

}  // namespace ferrite::protocol
