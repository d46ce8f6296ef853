// Bitmap family: SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP, BITFIELD, BITFIELD_RO, over
// the value operations of bit_values.h, in Redis's order of errors.
#include "commands/bit_commands.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands/bit_values.h"
#include "commands/key_dispatch.h"
#include "commands/reply_writers.h"
#include "commands/value_access.h"

namespace ferrite {
namespace {

ReplyWriter BitfieldWriter(std::vector<std::optional<int64_t>> replies) {
  return [replies = std::move(replies)](protocol::ReplyBuilder& reply) {
    reply.ArrayHeader(replies.size());
    for (const std::optional<int64_t>& value : replies) {
      if (value) {
        reply.Integer(*value);
      } else {
        reply.Null();
      }
    }
  };
}

void Bitfield(CommandContext& ctx, bool read_only) {
  Result<BitfieldPlan> plan = ParseBitfield(ctx.args.subspan(2), read_only);
  if (!plan.ok()) return ReplyStatusError(ctx.reply, plan.status());
  if (!plan->writes) {
    ReadString(ctx, ctx.args[1], [plan = *plan](std::optional<std::string_view> current) {
      return BitfieldWriter(ApplyBitfield(plan, current).replies);
    });
    return;
  }
  ModifyString(
      ctx, ctx.args[1],
      [plan = *plan](std::optional<std::string_view> current) -> Result<Modification> {
        BitfieldResult result = ApplyBitfield(plan, current);
        return Modification{std::move(result.value), BitfieldWriter(std::move(result.replies))};
      });
}

}  // namespace

void CmdSetBit(CommandContext& ctx) {
  Result<uint64_t> offset = ParseBitOffset(ctx.args[2]);
  if (!offset.ok()) return ReplyStatusError(ctx.reply, offset.status());
  Result<bool> bit = ParseBitValue(ctx.args[3]);
  if (!bit.ok()) return ReplyStatusError(ctx.reply, bit.status());
  ModifyString(ctx, ctx.args[1],
               [offset = *offset,
                bit = *bit](std::optional<std::string_view> current) -> Result<Modification> {
                 SetBitResult result = SetBit(current, offset, bit);
                 return Modification{std::move(result.value), IntegerWriter(result.old_bit)};
               });
}

void CmdGetBit(CommandContext& ctx) {
  Result<uint64_t> offset = ParseBitOffset(ctx.args[2]);
  if (!offset.ok()) return ReplyStatusError(ctx.reply, offset.status());
  ReadString(ctx, ctx.args[1], [offset = *offset](std::optional<std::string_view> current) {
    return IntegerWriter(GetBit(current, offset) ? 1 : 0);
  });
}

void CmdBitCount(CommandContext& ctx) {
  std::vector<std::string> range(ctx.args.begin() + 2, ctx.args.end());
  ReadString(ctx, ctx.args[1], [range = std::move(range)](std::optional<std::string_view> current) {
    std::vector<std::string_view> words(range.begin(), range.end());
    Result<int64_t> count = BitCount(current, words);
    return count.ok() ? IntegerWriter(*count) : ErrorWriter(count.status());
  });
}

void CmdBitPos(CommandContext& ctx) {
  Result<bool> bit = ParseBitPosBit(ctx.args[2]);
  if (!bit.ok()) return ReplyStatusError(ctx.reply, bit.status());
  std::vector<std::string> range(ctx.args.begin() + 3, ctx.args.end());
  ReadString(ctx, ctx.args[1],
             [bit = *bit, range = std::move(range)](std::optional<std::string_view> current) {
               std::vector<std::string_view> words(range.begin(), range.end());
               Result<int64_t> position = BitPos(current, bit, words);
               return position.ok() ? IntegerWriter(*position) : ErrorWriter(position.status());
             });
}

void CmdBitOp(CommandContext& ctx) {
  Result<BitOpKind> kind = ParseBitOp(ctx.args[1], ctx.args.size() - 3);
  if (!kind.ok()) return ReplyStatusError(ctx.reply, kind.status());
  // Index 0 is the destination, the sources follow.
  auto names = std::make_shared<std::vector<std::string>>(ctx.args.begin() + 2, ctx.args.end());
  auto values = std::make_shared<std::vector<Lookup>>(names->size(), std::optional<StoredEntry>());
  auto result = std::make_shared<std::string>();
  auto written = std::make_shared<Status>();
  const int db = SessionDb(ctx);
  // The destination is read too (its value is not used): one step reads every key.
  KeysStep read = ReadEntries(db, names, values);
  auto first_error = [values]() -> std::optional<Status> {
    for (const Lookup& lookup : *values) {
      if (!lookup.ok()) return lookup.status();
    }
    return std::nullopt;
  };
  auto compute = [values, result, kind = *kind](size_t) {
    std::vector<std::string_view> sources;
    for (size_t i = 1; i < values->size(); ++i) {
      const Lookup& lookup = (*values)[i];
      sources.push_back(lookup->has_value() ? std::string_view((*lookup)->value)
                                            : std::string_view());
    }
    *result = BitOp(kind, sources);
    return true;
  };
  auto write = [db, names, result, written](KeyspaceShard& shard,
                                            const std::vector<size_t>& indexes,
                                            std::function<void()> done) {
    if (indexes.front() != 0) return done();  // only the destination's shard writes
    const std::string& destination = (*names)[0];
    if (result->empty()) {
      return shard.Erase(db, destination, [written, done](Result<bool> erased) {
        if (!erased.ok()) *written = erased.status();
        done();
      });
    }
    shard.Put(db, destination, *result, std::nullopt, [written, done](Status status) {
      *written = std::move(status);
      done();
    });
  };
  std::vector<std::string> keys = *names;
  std::vector<int> dbs(keys.size(), db);
  RunOnKeys(ctx, std::move(keys), std::move(dbs),
            KeysPlan{.steps = {read, write},
                     .proceed = [first_error,
                                 compute](size_t step) { return !first_error() && compute(step); },
                     .finish = [first_error, result, written]() -> ReplyWriter {
                       if (std::optional<Status> error = first_error()) return ErrorWriter(*error);
                       if (!written->ok()) return ErrorWriter(*written);
                       return IntegerWriter(static_cast<int64_t>(result->size()));
                     }});
}

void CmdBitField(CommandContext& ctx) { Bitfield(ctx, /*read_only=*/false); }

void CmdBitFieldRo(CommandContext& ctx) { Bitfield(ctx, /*read_only=*/true); }

}  // namespace ferrite
