#include "server/server_config.h"

#include <gtest/gtest.h>

namespace ferrite {
namespace {

TEST(OutputBufferLimitsTest, DefaultsPrintAsRedisPrintsThem) {
  EXPECT_EQ(FormatOutputBufferLimits(OutputBufferLimits{}),
            "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60");
}

TEST(OutputBufferLimitsTest, ParsesClassesWithUnits) {
  OutputBufferLimits limits;
  EXPECT_EQ(ParseOutputBufferLimits("normal 1mb 512kb 10 replica 1gb 0 0", limits), "");
  EXPECT_EQ(limits.normal.hard_bytes, 1u << 20);
  EXPECT_EQ(limits.normal.soft_bytes, 512u << 10);
  EXPECT_EQ(limits.normal.soft_seconds, 10);
  EXPECT_EQ(limits.replica.hard_bytes, 1u << 30);
  EXPECT_EQ(limits.pubsub.hard_bytes, 32u << 20) << "classes not named keep their limits";
}

TEST(OutputBufferLimitsTest, ErrorsLeaveLimitsUnchanged) {
  OutputBufferLimits limits;
  EXPECT_EQ(ParseOutputBufferLimits("normal 1 2", limits),
            "Wrong number of arguments in buffer limit configuration.");
  EXPECT_EQ(ParseOutputBufferLimits("normal 1 2 3 others 1 2 3", limits),
            "Invalid client class specified in buffer limit configuration.");
  EXPECT_EQ(ParseOutputBufferLimits("normal x 2 3", limits),
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  EXPECT_EQ(ParseOutputBufferLimits("normal 1 2 -3", limits),
            "Error in hard, soft or soft_seconds setting in buffer limit configuration.");
  EXPECT_EQ(limits.normal.hard_bytes, 0u);
}

}  // namespace
}  // namespace ferrite
