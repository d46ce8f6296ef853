// The bitmap commands on a real server: single-key commands on either shard, BITOP over
// keys of both shards, BITFIELD writes and BITFIELD_RO.
#include <gtest/gtest.h>

#include <string>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestServer;

class BitCommandsTest : public ::testing::Test {
 protected:
  TestServer server_;
  TestClient client_{server_.port()};
};

TEST_F(BitCommandsTest, SetGetCountAndFind) {
  EXPECT_EQ(client_.Run({"SETBIT", "b", "7", "1"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"SETBIT", "b", "7", "1"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"GETBIT", "b", "7"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"GETBIT", "b", "100"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"BITCOUNT", "b"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"BITPOS", "b", "1"}), ":7\r\n");
  EXPECT_EQ(client_.Run({"GET", "b"}), "$1\r\n\x01\r\n");
  EXPECT_EQ(client_.Run({"SETBIT", "b", "-1", "1"}),
            "-ERR bit offset is not an integer or out of range\r\n");
  EXPECT_EQ(client_.Run({"SETBIT", "b", "1", "2"}),
            "-ERR bit is not an integer or out of range\r\n");
}

TEST_F(BitCommandsTest, BitOpOverKeysOfBothShards) {
  ASSERT_EQ(client_.Run({"MSET", "x", "\xf0", "y", "\x3c", "z", "\x0f\x01"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"BITOP", "AND", "dest", "x", "y", "z"}), ":2\r\n");
  EXPECT_EQ(client_.Run({"GET", "dest"}), std::string("$2\r\n\x00\x00\r\n", 8));
  EXPECT_EQ(client_.Run({"BITOP", "OR", "dest", "x", "y"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"GET", "dest"}), "$1\r\n\xfc\r\n");
  EXPECT_EQ(client_.Run({"BITOP", "NOT", "dest", "x"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"GET", "dest"}), "$1\r\n\x0f\r\n");
  EXPECT_EQ(client_.Run({"BITOP", "AND", "dest", "nosuch1", "nosuch2"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"EXISTS", "dest"}), ":0\r\n") << "an empty result deletes it";
  EXPECT_EQ(client_.Run({"BITOP", "NOT", "dest", "x", "y"}),
            "-ERR BITOP NOT must be called with a single source key.\r\n");
}

TEST_F(BitCommandsTest, Bitfield) {
  EXPECT_EQ(client_.Run({"BITFIELD", "f", "SET", "u8", "0", "200", "GET", "u8", "0"}),
            "*2\r\n:0\r\n:200\r\n");
  EXPECT_EQ(client_.Run({"BITFIELD", "f", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "100"}),
            "*1\r\n$-1\r\n");
  EXPECT_EQ(client_.Run({"BITFIELD_RO", "f", "GET", "u8", "0"}), "*1\r\n:200\r\n");
  EXPECT_EQ(client_.Run({"BITFIELD_RO", "f", "SET", "u8", "0", "1"}),
            "-ERR BITFIELD_RO only supports the GET subcommand\r\n");
}

}  // namespace
}  // namespace ferrite
