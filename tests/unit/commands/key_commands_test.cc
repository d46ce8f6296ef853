// DEL, EXISTS, TYPE, TOUCH, RENAME(NX), COPY and MOVE on a real server with two shards.
#include <gtest/gtest.h>

#include <string>

#include "support/test_server.h"

namespace ferrite {
namespace {

using testing::TestClient;
using testing::TestServer;

class KeyCommandsTest : public ::testing::Test {
 protected:
  TestServer server_;
  TestClient client_{server_.port()};
};

TEST_F(KeyCommandsTest, DeleteAndCountKeysOfBothShards) {
  ASSERT_EQ(client_.Run({"MSET", "a", "1", "b", "2", "c", "3", "d", "4"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"EXISTS", "a", "b", "a", "nosuch"}), ":3\r\n") << "repeats count";
  EXPECT_EQ(client_.Run({"TOUCH", "a", "nosuch", "d"}), ":2\r\n");
  EXPECT_EQ(client_.Run({"TYPE", "a"}), "+string\r\n");
  EXPECT_EQ(client_.Run({"TYPE", "nosuch"}), "+none\r\n");
  EXPECT_EQ(client_.Run({"DEL", "a", "b", "nosuch", "a"}), ":2\r\n");
  EXPECT_EQ(client_.Run({"UNLINK", "c", "d"}), ":2\r\n");
  EXPECT_EQ(client_.Run({"EXISTS", "a", "b", "c", "d"}), ":0\r\n");
}

TEST_F(KeyCommandsTest, RenameVariants) {
  ASSERT_EQ(client_.Run({"SET", "src", "v"}), "+OK\r\n");
  ASSERT_EQ(client_.Run({"SET", "taken", "t"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"RENAMENX", "src", "taken"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"RENAMENX", "src", "free"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"RENAME", "free", "taken"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"GET", "taken"}), "$1\r\nv\r\n");
  EXPECT_EQ(client_.Run({"RENAME", "taken", "taken"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"RENAMENX", "taken", "taken"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"RENAME", "gone", "gone"}), "-ERR no such key\r\n");
}

TEST_F(KeyCommandsTest, CopyAndMoveBetweenDatabases) {
  ASSERT_EQ(client_.Run({"SET", "k", "v", "EX", "500"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"COPY", "k", "k2"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"COPY", "k", "k2"}), ":0\r\n") << "target exists";
  EXPECT_EQ(client_.Run({"COPY", "k", "k2", "REPLACE"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"COPY", "k", "k", "DB", "3"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"COPY", "k", "k"}),
            "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(client_.Run({"COPY", "k", "x", "DB", "99"}), "-ERR DB index is out of range\r\n");
  EXPECT_EQ(client_.Run({"COPY", "k", "x", "bogus"}), "-ERR syntax error\r\n");
  EXPECT_EQ(client_.Run({"MOVE", "k", "5"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(client_.Run({"MOVE", "k2", "3"}), ":1\r\n");
  EXPECT_EQ(client_.Run({"MOVE", "k2", "0"}),
            "-ERR source and destination objects are the same\r\n");
  EXPECT_EQ(client_.Run({"SELECT", "5"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_NE(client_.Run({"TTL", "k"}), ":-1\r\n") << "MOVE keeps the expiry";
  EXPECT_EQ(client_.Run({"SELECT", "3"}), "+OK\r\n");
  EXPECT_EQ(client_.Run({"GET", "k2"}), "$1\r\nv\r\n");
  EXPECT_EQ(client_.Run({"MOVE", "k", "5"}), ":0\r\n") << "database 5 already has k";
}

}  // namespace
}  // namespace ferrite
